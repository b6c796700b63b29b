"""Chaos suite, batch: a park whose kernel dies, a park that hangs, a worker killed from outside,
Ctrl-C, SIGTERM, ``kill -9`` of the driver, two runs into one folder, an unwritable folder, a
disk that fills up for one page, pages damaged on disk, and parks that leave their kernel in a
strange state. Each case checks what the user sees (exit code, the one line, the index) and that
nothing good was lost.

The cases run a *light* notebook (its parameters, a sabotage cell, one line of output that
names the park and the as-of): what is tested is the batch around the notebook, and a light
notebook keeps the suite fast (tests/batch checks the real pages). Cases that need no process
pool of their own share one thread worker, so its warm kernel starts once.
"""

from __future__ import annotations

import errno
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import pytest

from parkdata.batch import runner
from parkdata.batch.kernels import shutdown_kernel
from parkdata.batch.runner import run_reports
from parkdata.inputs.demo import write_demo
from parkdata.reporting.formatting import period_label
from parkdata.reporting.wording import text

pytestmark = [pytest.mark.chaos, pytest.mark.notebook]

PARKS = ("demo_0001", "demo_0002", "demo_0003")
SABOTAGE = """\
import pathlib as _chaos
_plan = _chaos.Path({folder!r}) / f"{{park_id}}.py"
if _plan.exists():
    (_chaos.Path({folder!r}) / f"{{park_id}}.started").touch()
    exec(_plan.read_text())
"""
"""Runs ``<sabotage>/<park_id>.py`` when a test put one there (and says it started)."""
PAGE_LINE = 'print(f"CHAOS-PAGE park={park_id} as_of={as_of}")'
HANG = "import time\ntime.sleep(600)\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chaos-data")
    write_demo(folder, len(PARKS), range(2016, 2024), seed=5)
    return folder


@pytest.fixture
def sabotage(tmp_path: Path) -> Path:
    folder = tmp_path / "sabotage"
    folder.mkdir()
    return folder


def _notebook(cells: list[str], parameters: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(parameters)
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.fixture
def light(tmp_path: Path, sabotage: Path) -> Path:
    """Light report and overview notebooks with the sabotage cell."""
    folder = tmp_path / "light-notebooks"
    folder.mkdir()
    cells = [SABOTAGE.format(folder=str(sabotage)), PAGE_LINE]
    params = (
        'park_id = "__overview__"\ndata = ""\nas_of = ""\nlanguage = "zh"\n'
        "horizon = 3\nconfidence = 0.8\ngroup = None\nparks = None"
    )
    for name in ("park_report.ipynb", "overview.ipynb"):
        nbformat.write(_notebook(cells, params), folder / name)
    return folder


@pytest.fixture(scope="module")
def worker() -> Iterator[ThreadPoolExecutor]:
    """One thread worker for the in-process cases: its warm kernel is started once."""
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.submit(shutdown_kernel).result()
    pool.shutdown()


def _plan(sabotage: Path, park: str, code: str) -> None:
    (sabotage / f"{park}.py").write_text(code, encoding="utf-8")


def _args(data: Path, out: Path, notebooks: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "parkdata.cli",
        "reports",
        str(data),
        "--out",
        str(out),
        "--notebooks",
        str(notebooks),
        "--quiet",
        *extra,
    ]


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """The CLI in its own process group (as a terminal runs it), stdout/stderr to files."""
    return subprocess.Popen(
        args,
        stdout=(log.with_suffix(".out")).open("wb"),
        stderr=(log.with_suffix(".err")).open("wb"),
        start_new_session=True,
    )


def _stderr(log: Path) -> str:
    return log.with_suffix(".err").read_text(encoding="utf-8")


def _wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {condition}")


def _family(pid: int) -> list[psutil.Process]:
    proc = psutil.Process(pid)
    return [proc, *proc.children(recursive=True)]


def _all_gone(procs: list[psutil.Process], seconds: float = 30) -> list[psutil.Process]:
    """The processes still running after ``seconds`` (zombies count as gone)."""
    _, alive = psutil.wait_procs(procs, timeout=seconds)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.fixture
def reap() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test started; whatever is left of them is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            for p in _family(proc.pid):
                p.kill()
            proc.wait()


def _index(out: Path) -> str:
    return html.unescape((out / "index.html").read_text(encoding="utf-8"))


def _as_of_shown(out: Path, page: str) -> str:
    found = re.search(r"CHAOS-PAGE park=\S+ as_of=(\S+)", (out / page).read_text(encoding="utf-8"))
    assert found, page
    return found.group(1)


def _pages(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "reports").iterdir())


# -- a park that kills its kernel, a park that hangs ---------------------------------------------


def test_dead_kernel_and_hung_park_fail_alone_on_warm_kernels(
    data: Path, light: Path, sabotage: Path, tmp_path: Path
) -> None:
    """One warm kernel runs every park in turn: the park that kills it and the park that never
    ends fail with their reasons, and the parks after them get a new kernel and a right page."""
    _plan(sabotage, "demo_0001", "import os\nos._exit(1)\n")
    _plan(sabotage, "demo_0002", "while True:\n    pass\n")
    out = tmp_path / "out"
    args = _args(data, out, light, "--jobs", "1", "--timeout", "15")
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    index = _index(out)
    assert text("batch.kernel_died", "zh") in index
    assert text("batch.timed_out", "zh", seconds="15") in index
    assert _pages(out) == ["demo_0003.html"]  # and no temporary files
    assert "CHAOS-PAGE park=demo_0003" in (out / "reports" / "demo_0003.html").read_text()
    assert (out / "overview.html").exists()


def test_dead_kernel_and_hung_park_fail_alone_on_fresh_kernels(
    data: Path, light: Path, sabotage: Path, tmp_path: Path
) -> None:
    _plan(sabotage, "demo_0001", "import os\nos._exit(1)\n")
    _plan(sabotage, "demo_0002", "while True:\n    pass\n")
    out = tmp_path / "out"
    result = run_reports(
        data, out=out, notebooks=light, reuse_kernels=False, timeout=12, progress=False, jobs=2
    )
    errors = {o.name: o.error for o in result.failed}
    assert errors == {
        "demo_0001": text("batch.kernel_died", "zh"),
        "demo_0002": text("batch.timed_out", "zh", seconds="12"),
    }
    assert _pages(out) == ["demo_0003.html"]


def test_a_worker_killed_from_outside_fails_its_park_only(
    data: Path, light: Path, sabotage: Path, tmp_path: Path
) -> None:
    """The OOM killer takes the worker process itself (not only its kernel): the pool breaks,
    the other parks run again, and the park that keeps killing its worker fails with a reason."""
    _plan(sabotage, "demo_0002", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    out = tmp_path / "out"
    result = run_reports(data, out=out, notebooks=light, progress=False, jobs=2)
    assert {o.name: o.error for o in result.failed} == {
        "demo_0002": text("batch.worker_died", "zh")
    }
    assert _pages(out) == ["demo_0001.html", "demo_0003.html"]
    assert text("batch.worker_died", "zh") in _index(out)


# -- Ctrl-C, SIGTERM, kill -9 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sig", "code", "to_group"), [("SIGINT", 130, True), ("SIGTERM", 143, False)]
)
def test_interrupt_stops_everything_and_writes_the_index(
    data: Path,
    light: Path,
    sabotage: Path,
    tmp_path: Path,
    reap: list[subprocess.Popen[bytes]],
    sig: str,
    code: int,
    to_group: bool,
) -> None:
    """Ctrl-C (SIGINT to the terminal's process group) or SIGTERM (to the driver, as `kill` or
    systemd send it) while a park hangs: every process stops, the index lists what finished and
    what did not, and the user reads one line."""
    _plan(sabotage, "demo_0003", HANG)
    out = tmp_path / "out"
    proc = _start(_args(data, out, light, "--jobs", "2"), tmp_path / "run")
    reap.append(proc)
    _wait_for(lambda: (sabotage / "demo_0003.started").exists())
    _wait_for(lambda: (out / "reports" / "demo_0001.html").exists())
    family = _family(proc.pid)
    if to_group:
        os.killpg(proc.pid, signal.Signals[sig])
    else:
        proc.send_signal(signal.Signals[sig])
    assert proc.wait(timeout=60) == code
    assert not _all_gone(family), "processes left behind"
    err = _stderr(tmp_path / "run").strip()
    stopped = text("batch.stopped", "zh", signal=sig, done=1, left=1, index="@").split("：")[0]
    assert len(err.splitlines()) == 1 and err.startswith(stopped), err
    index = _index(out)
    assert text("batch.interrupted", "zh") in index
    assert 'href="reports/demo_0001.html"' in index and "reports/demo_0003.html" not in index
    assert "demo_0003.html" not in _pages(out)


def test_kill_9_of_the_driver_leaves_no_process_and_no_stale_page(
    data: Path, light: Path, sabotage: Path, tmp_path: Path, reap: list[subprocess.Popen[bytes]]
) -> None:
    """``kill -9`` of the driver midway through an as-of-2022 run: its workers and kernels exit
    on their own, and the next run (as of 2021) makes every page again: none says 2022."""
    _plan(sabotage, "demo_0003", HANG)
    out = tmp_path / "out"
    proc = _start(_args(data, out, light, "--jobs", "2", "--as-of", "2022"), tmp_path / "run")
    reap.append(proc)
    _wait_for(lambda: (sabotage / "demo_0003.started").exists())
    _wait_for(lambda: (out / "reports" / "demo_0001.html").exists())
    family = _family(proc.pid)
    assert len(family) >= 4  # driver, workers, their kernels
    proc.kill()
    proc.wait()
    assert not _all_gone(family, seconds=30), "processes left behind"
    (sabotage / "demo_0003.py").unlink()
    done = subprocess.run(
        _args(data, out, light, "--as-of", "2021"), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert _pages(out) == [f"{p}.html" for p in PARKS]
    for page in [f"reports/{p}.html" for p in PARKS] + ["overview.html"]:
        assert _as_of_shown(out, page) == "2021", page
    assert period_label("2021", "zh") in _index(out)


def test_sigterm_while_the_data_is_prepared_is_one_line_and_143(
    data: Path, light: Path, tmp_path: Path
) -> None:
    """SIGTERM before any notebook runs (the data is being prepared): one line, exit 143."""
    script = (
        "import os, signal, sys, time\n"
        "from parkdata.batch import runner\n"
        "def prepare(*args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(60)\n"
        "runner.prepare = prepare\n"
        "from parkdata.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    args = _args(data, tmp_path / "out", light)[3:]  # after `python -m parkdata.cli`
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 143, done.stderr
    assert done.stderr.strip() == "parkdata reports: interrupted (SIGTERM)"


# -- two runs into one folder ---------------------------------------------------------------------


def test_overlapping_runs_are_serialised_never_mixed(
    data: Path, light: Path, sabotage: Path, tmp_path: Path, reap: list[subprocess.Popen[bytes]]
) -> None:
    """A second run into the same folder says who holds it and waits; the folder ends as the
    second run left it, every page with the index's as-of."""
    release = tmp_path / "release"
    wait = f"import pathlib, time\nwhile not pathlib.Path({str(release)!r}).exists():\n    time.sleep(0.1)\n"
    _plan(sabotage, "demo_0001", wait)  # the first run holds the folder until the test says
    out = tmp_path / "out"
    first = _start(_args(data, out, light, "--as-of", "2022"), tmp_path / "first")
    reap.append(first)
    _wait_for(lambda: (sabotage / "demo_0001.started").exists())
    (sabotage / "demo_0001.py").unlink()  # the second run's parks run normally
    second = _start(_args(data, out, light, "--as-of", "2021"), tmp_path / "second")
    reap.append(second)
    waiting = text("batch.waiting", "zh", out=out, pid=first.pid, host="@", started="@")
    _wait_for(lambda: waiting.split("@")[0] in _stderr(tmp_path / "second"), seconds=120)
    assert second.poll() is None  # it waits for the first run
    release.touch()
    assert first.wait(timeout=300) == 0, _stderr(tmp_path / "first")
    assert second.wait(timeout=300) == 0, _stderr(tmp_path / "second")
    for page in [f"reports/{p}.html" for p in PARKS] + ["overview.html"]:
        assert _as_of_shown(out, page) == "2021", page
    assert period_label("2021", "zh") in _index(out)


# -- the output folder ----------------------------------------------------------------------------


def _reports_while_preparing_raises(
    error: BaseException,
    data: Path,
    light: Path,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str]:
    """``parkdata reports`` with the data preparation raising ``error``: exit code, stderr."""
    from parkdata.cli import main

    def prepare(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(runner, "prepare", prepare)
    code = main(["reports", str(data), "--out", str(out), "--notebooks", str(light)])
    return code, capsys.readouterr().err.strip()


def test_unwritable_output_is_refused_before_any_work(
    data: Path,
    light: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    never = AssertionError("the data was prepared before the output folder was checked")
    code, err = _reports_while_preparing_raises(
        never, data, light, blocker / "out", monkeypatch, capsys
    )
    assert code == 2
    assert len(err.splitlines()) == 1 and str(blocker / "out") in err, err


def test_a_full_disk_while_preparing_is_one_line(
    data: Path,
    light: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out" / "x.parquet"))
    code, err = _reports_while_preparing_raises(
        full, data, light, tmp_path / "out", monkeypatch, capsys
    )
    assert code == 1 and len(err.splitlines()) == 1, err
    assert "x.parquet" in err and os.strerror(errno.ENOSPC) in err


def test_a_failed_write_fails_that_park_only(
    data: Path,
    light: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    worker: ThreadPoolExecutor,
) -> None:
    """The disk fills up while one page is written: that park fails with the reason, the others
    and the index are written, and the next run makes only that page."""
    out = tmp_path / "out"
    real_save = runner.save_page

    def full_disk(out_dir: Path, job: object, page: str) -> None:
        if getattr(job, "name", "") == "demo_0002":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_save(out_dir, job, page)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "save_page", full_disk)
    result = run_reports(
        data, out=out, notebooks=light, progress=False, overview=False, executor=worker
    )
    assert [o.name for o in result.failed] == ["demo_0002"]
    error = text(
        "batch.write_failed", "zh", path="reports/demo_0002.html", error=os.strerror(errno.ENOSPC)
    )
    assert result.failed[0].error == error
    assert error in _index(out)
    assert _pages(out) == ["demo_0001.html", "demo_0003.html"]
    monkeypatch.setattr(runner, "save_page", real_save)
    again = run_reports(
        data, out=out, notebooks=light, progress=False, overview=False, executor=worker
    )
    assert [o.name for o in again.ran] == ["demo_0002"] and not again.failed


def test_damaged_pages_are_made_again(
    data: Path, light: Path, tmp_path: Path, worker: ThreadPoolExecutor
) -> None:
    """An empty page, a truncated page and a page overwritten with other bytes of the same size
    are never served from the cache."""
    out = tmp_path / "out"
    first = run_reports(
        data, out=out, notebooks=light, progress=False, overview=False, executor=worker
    )
    assert not first.failed
    pages = {p: (out / "reports" / f"{p}.html").read_bytes() for p in PARKS}
    (out / "reports" / "demo_0001.html").write_bytes(b"")
    (out / "reports" / "demo_0002.html").write_bytes(pages["demo_0002"][:1000])
    same_size = pages["demo_0003"].replace(b"CHAOS-PAGE", b"CHAOS-FAKE")
    (out / "reports" / "demo_0003.html").write_bytes(same_size)
    again = run_reports(
        data, out=out, notebooks=light, progress=False, overview=False, executor=worker
    )
    assert sorted(o.name for o in again.ran) == list(PARKS)
    for p in PARKS:
        assert b"CHAOS-PAGE" in (out / "reports" / f"{p}.html").read_bytes()
    unchanged = run_reports(
        data, out=out, notebooks=light, progress=False, overview=False, executor=worker
    )
    assert not unchanged.ran


# -- kernel hygiene -------------------------------------------------------------------------------

PROBE = """\
import json, os, sys, warnings, random
import matplotlib as mpl
import numpy as np
import pandas as pd
state = {
    "dpi": mpl.rcParams["figure.dpi"],
    "max_rows": pd.get_option("display.max_rows"),
    "filters": len(warnings.filters),
    "cwd": os.getcwd(),
    "env": os.environ.get("CHAOS_PROBE"),
    "path": sys.path[-1],
    "name": "left_behind" in globals(),
    "np_seeded": bool(np.random.random() == np.random.RandomState(7).random_sample()),
    "random_seeded": random.random() == random.Random(7).random(),
    "figures": len(__import__("matplotlib.pyplot").pyplot.get_fignums()),
}
print("PROBE" + json.dumps(state) + "PROBE")
# now leave a mess for the next park on this kernel
import matplotlib.pyplot as plt
plt.figure()
mpl.rcParams["figure.dpi"] = 17
pd.set_option("display.max_rows", 3)
warnings.simplefilter("error")
os.environ["CHAOS_PROBE"] = "dirty"
sys.path.append("/dirty")
left_behind = 1
np.random.seed(7)
random.seed(7)
os.chdir("/")
"""


def _probes(out: Path) -> list[dict[str, object]]:
    found = []
    for p in PARKS:
        page = html.unescape((out / "reports" / f"{p}.html").read_text(encoding="utf-8"))
        found.append(json.loads(re.search(r"PROBE(\{.*?\})PROBE", page).group(1)))  # type: ignore[union-attr]
    return found


def test_each_park_on_a_warm_kernel_starts_as_on_a_fresh_one(
    data: Path, tmp_path: Path, worker: ThreadPoolExecutor
) -> None:
    """Three parks in turn on one warm kernel, each leaving a mess (rcParams, pandas options,
    warnings filters, environment, sys.path, names, seeds, figures, working directory): each
    sees what a fresh kernel sees."""
    folder = tmp_path / "probe-notebooks"
    folder.mkdir()
    for name in ("park_report.ipynb", "overview.ipynb"):
        nbformat.write(_notebook([PROBE], 'park_id = "__overview__"'), folder / name)
    options = {"notebooks": folder, "progress": False, "overview": False, "executor": worker}
    warm = run_reports(data, out=tmp_path / "warm", **options)  # type: ignore[arg-type]
    fresh = run_reports(data, out=tmp_path / "fresh", reuse_kernels=False, **options)  # type: ignore[arg-type]
    assert not warm.failed and not fresh.failed
    first = _probes(tmp_path / "fresh")[0]
    assert first["cwd"] == str(folder.resolve()) and first["dpi"] != 17 and not first["name"]
    assert not first["np_seeded"] and not first["random_seeded"] and first["figures"] == 0
    assert _probes(tmp_path / "warm") == [first] * 3
    assert _probes(tmp_path / "fresh") == [first] * 3
