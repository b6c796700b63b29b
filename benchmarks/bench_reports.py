"""Report batch benchmark: ``parkdata reports`` against papermill + nbconvert, one park at a time.

Run: ``python benchmarks/bench_reports.py`` or ``python benchmarks/run.py reports``. The data is
the fictional demo universe (示例园区-NNNN, written by ``parkdata demo``; a folder with its own
parks file is loaded alone). Everything goes to ``benchmarks/_work/reports/``. What is compared,
in the same run on the same parks:

- ours (warm kernels): ``parkdata reports DIR --jobs 2 --quiet --out W/ours`` on a 40-park
  universe, timed as a whole command (``time.perf_counter`` around the subprocess; the wall time
  includes preparing the data, the overview notebook and the index). Park reports are counted in
  ``W/ours/reports/`` (the overview is not one);
- ours (fresh kernels): the same with ``--fresh-kernels --force`` into ``W/fresh``;
- naive: for each park, one after the other, ``papermill notebooks/park_report.ipynb OUT.ipynb
  -p park_id ID -p data PREPARED`` then ``jupyter nbconvert --to html --no-input OUT.ipynb``, both
  through their CLIs. ``PREPARED`` is the folder the batch prepared (the one holding
  ``report_settings.json`` under ``W/ours/.cache/prepared/``), so both do the same notebook work.
  It runs on the first ``--naive-parks`` parks (default 10) and its per-report time is
  extrapolated to all of them;
- baseline: a bare kernel start plus the notebook's imports — papermill's Python API
  (``papermill.execute_notebook``, in this process) on a throw-away notebook holding only the
  import lines of the report notebook's first code cell, mean of 3 runs; and a bare kernel start
  alone (``KernelManager`` start, ``wait_for_ready``, shutdown), mean of 3 runs.

Goals: ours ≥ 4× the naive way's reports per minute; ours' per-report cost (wall seconds × jobs
÷ park reports) ≤ 1.5× the baseline.

Then the unchanged rerun (skipped with ``--skip-universe``): a ``--universe``-park demo (default
2,500) is written and run once with ``parkdata reports DIR --jobs 2 --quiet --out W/u2500`` (long:
tens of minutes on two cores), then the same command again; the rerun must take < 2 s and rewrite
no report (the mtimes of every report file are compared). ``--reuse`` keeps the universe and
the first run's outputs from an earlier invocation when they are there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work" / "reports"
NOTEBOOK = ROOT / "notebooks" / "park_report.ipynb"
RATIO_GOAL = 4.0
COST_GOAL = 1.5
RERUN_GOAL = 2.0


def cli(name: str) -> str:
    """The console script ``name`` of this interpreter's environment (else the one on PATH)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found next to {sys.executable} nor on PATH")
    return found


def run(cmd: list[str], check: bool = True) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall seconds of ``cmd`` (run from the project root, output captured) and its result."""
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if check and done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return seconds, done


def write_universe(folder: Path, n_parks: int) -> float:
    """``parkdata demo --parks n_parks --out folder``; seconds spent."""
    seconds, _ = run([cli("parkdata"), "demo", "--parks", str(n_parks), "--out", str(folder)])
    return seconds


def batch(data: Path, out: Path, jobs: int, *extra: str) -> dict[str, Any]:
    """Time ``parkdata reports data --jobs J --quiet --out out [extra]`` as a whole command."""
    cmd = [cli("parkdata"), "reports", str(data), "--jobs", str(jobs), "--quiet", "--out", str(out)]
    seconds, done = run([*cmd, *extra], check=False)
    failures = [line for line in done.stderr.splitlines() if line.startswith("失败 ")]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not failures):
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    return {
        "command": " ".join([*cmd[1:], *extra]),
        "seconds": seconds,
        "reports": len(list((out / "reports").glob("*.html"))),
        "overview": (out / "overview.html").exists(),
        "failures": failures,
        "said": lines[-1] if lines else "",
    }


def prepared_folder(out: Path) -> Path:
    """The folder the batch prepared: the one under ``.cache/prepared/`` with its settings."""
    found = sorted((out / ".cache" / "prepared").glob("*/report_settings.json"))
    if len(found) != 1:
        raise SystemExit(f"expected one prepared folder under {out}/.cache/prepared, got {found}")
    return found[0].parent


def batch_parks(prepared: Path, out: Path) -> list[str]:
    """Park ids in the batch's order whose report the batch wrote (the overview excluded)."""
    from parkdata.batch.jobs import safe_name
    from parkdata.batch.runner import PARKS_FILE

    summary = json.loads((prepared / PARKS_FILE).read_text(encoding="utf-8"))
    ids = [p["park_id"] for p in summary["parks"]]
    return [p for p in ids if (out / "reports" / f"{safe_name(p)}.html").exists()]


def naive(parks: list[str], prepared: Path, out: Path) -> dict[str, Any]:
    """papermill CLI then nbconvert CLI, park after park; seconds of each step summed."""
    out.mkdir(parents=True, exist_ok=True)
    pm_s = nbc_s = 0.0
    for park in parks:
        nb = out / f"{park}.ipynb"
        params = ["-p", "park_id", park, "-p", "data", str(prepared)]
        s, _ = run([cli("papermill"), str(NOTEBOOK), str(nb), *params])
        pm_s += s
        s, _ = run([cli("jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)])
        nbc_s += s
        if not nb.with_suffix(".html").exists():
            raise SystemExit(f"nbconvert wrote no {nb.with_suffix('.html')}")
    return {"parks": len(parks), "seconds": pm_s + nbc_s, "papermill_s": pm_s, "nbconvert_s": nbc_s}


@contextmanager
def quiet_stderr() -> Any:
    """Send fd 2 (inherited by kernels: their log lines) to /dev/null for the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def import_cell() -> str:
    """The import lines of the report notebook's first code cell that imports anything."""
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        lines = [ln for ln in cell.source.splitlines() if re.match(r"(from \S+ )?import ", ln)]
        if lines:
            return "\n".join(lines)
    raise SystemExit(f"no import cell in {NOTEBOOK}")


def mean_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, list[float]]:
    """Mean wall time of ``repeat`` calls, and every time."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.fmean(times), times


def baseline(repeat: int) -> dict[str, Any]:
    """A kernel start plus the notebook's imports (papermill API, in process); a bare start."""
    import nbformat
    import papermill as pm
    from jupyter_client.manager import KernelManager

    source = import_cell()
    report_nb = nbformat.read(NOTEBOOK, as_version=4)
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source)], metadata=report_nb.metadata
    )
    path = WORK / "baseline_imports.ipynb"
    nbformat.write(nb, path)

    def imports() -> None:
        pm.execute_notebook(str(path), None, progress_bar=False, cwd=str(NOTEBOOK.parent))

    def bare_kernel() -> None:
        km = KernelManager(kernel_name="python3")
        km.start_kernel(stderr=subprocess.DEVNULL)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    with quiet_stderr():
        imports_s, imports_all = mean_of(repeat, imports)
        kernel_s, kernel_all = mean_of(repeat, bare_kernel)
    return {
        "cell": source,
        "imports_s": imports_s,
        "imports_runs": imports_all,
        "kernel_s": kernel_s,
        "kernel_runs": kernel_all,
    }


def report_mtimes(out: Path) -> dict[str, int]:
    """mtime (ns) of every report file: each park's page and the overview."""
    files = [*sorted((out / "reports").glob("*.html")), out / "overview.html"]
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in files if p.exists()}


def universe(args: argparse.Namespace) -> dict[str, Any]:
    """The unchanged rerun on a large universe: first run (or reused), then the same again."""
    n = args.universe
    data, out = WORK / f"demo{n}", WORK / f"u{n}"
    reusable = (
        (data / "parks_demo.csv").exists()
        and (out / "index.html").exists()
        and (out / ".cache" / "reports.json").exists()
        and any((out / "reports").glob("*.html"))
    )
    res: dict[str, Any] = {"parks": n, "reused": bool(args.reuse and reusable)}
    if res["reused"]:
        print(
            f"universe: {n:,} demo parks in {data.relative_to(ROOT)}; first run reused from "
            f"{out.relative_to(ROOT)} (--reuse), not timed",
            flush=True,
        )
    else:
        made = write_universe(data, n)
        shutil.rmtree(out, ignore_errors=True)
        print(
            f"universe: {n:,} demo parks written to {data.relative_to(ROOT)} in {made:.1f} s; "
            f"first run (cold; long) …",
            flush=True,
        )
        first = batch(data, out, args.jobs)
        res["first"] = first
        print(
            f"  first run: {first['reports']:,} park reports in {first['seconds']:,.1f} s = "
            f"{first['reports'] / first['seconds'] * 60:,.1f} reports/min "
            f"(jobs {args.jobs}); parkdata said: {first['said']}",
            flush=True,
        )
        for line in first["failures"]:
            print(f"  {line}")
    before = report_mtimes(out)
    index_before = (out / "index.html").stat().st_mtime_ns
    second = batch(data, out, args.jobs)
    after = report_mtimes(out)
    rewritten = sorted(k for k in after if before.get(k) != after[k])
    res.update(
        second=second,
        report_files=len(after),
        rewritten=rewritten,
        index_rewritten=(out / "index.html").stat().st_mtime_ns != index_before,
    )
    ok_time, ok_files = second["seconds"] < RERUN_GOAL, not rewritten
    print(
        f"  unchanged rerun: {second['seconds']:.2f} s (goal < {RERUN_GOAL:g} s: "
        f"{'PASS' if ok_time else 'FAIL'}); parkdata said: {second['said']}"
    )
    for line in second["failures"]:
        print(f"  {line}")
    shown = ", ".join(rewritten[:5]) + (" …" if len(rewritten) > 5 else "")
    print(
        f"  report files the rerun wrote (new or rewritten): {len(rewritten)} of {len(after):,} "
        f"(goal 0: {'PASS' if ok_files else 'FAIL'}){': ' + shown if rewritten else ''}; "
        f"index.html {'rewritten' if res['index_rewritten'] else 'untouched'}"
    )
    if hasattr(os, "getloadavg"):
        print(f"  load average at the end: {os.getloadavg()[0]:.2f}")
    res.update(pass_time=ok_time, pass_files=ok_files)
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parks", type=int, default=40, help="demo parks of the comparison")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of parkdata reports")
    parser.add_argument("--naive-parks", type=int, default=10, help="parks the naive way runs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each baseline timing")
    parser.add_argument("--universe", type=int, default=2_500, help="parks of the rerun check")
    parser.add_argument("--skip-universe", action="store_true", help="no unchanged-rerun check")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the universe's first run if it is there"
    )
    args = parser.parse_args()

    import parkdata

    WORK.mkdir(parents=True, exist_ok=True)
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(
        f"machine: {platform.machine()} {platform.system()}, {cpus} CPUs ({usable} usable)"
        + (f", load average {load[0]:.2f} at start" if load else "")
    )
    print(
        f"versions: python {platform.python_version()}, papermill {version('papermill')}, "
        f"nbconvert {version('nbconvert')}, jupyter_client {version('jupyter_client')}, "
        f"ipykernel {version('ipykernel')}, parkdata {parkdata.__version__}"
    )

    data = WORK / f"demo{args.parks}"
    made = write_universe(data, args.parks)
    print(f"data: {args.parks} demo parks written to {data.relative_to(ROOT)} in {made:.1f} s")

    ours_dir, fresh_dir = WORK / "ours", WORK / "fresh"
    shutil.rmtree(ours_dir, ignore_errors=True)
    print("ours (warm kernels) …", flush=True)
    ours = batch(data, ours_dir, args.jobs)
    prepared = prepared_folder(ours_dir)
    parks = batch_parks(prepared, ours_dir)
    assert len(parks) == ours["reports"], (parks, ours["reports"])

    k = min(args.naive_parks, len(parks))
    naive_dir = WORK / "naive"
    shutil.rmtree(naive_dir, ignore_errors=True)
    print(f"naive (papermill + nbconvert CLIs) on {k} of {len(parks)} parks …", flush=True)
    nv = naive(parks[:k], prepared, naive_dir)

    shutil.rmtree(fresh_dir, ignore_errors=True)
    print("ours (fresh kernels) …", flush=True)
    fresh = batch(data, fresh_dir, args.jobs, "--fresh-kernels", "--force")

    print(f"baseline (mean of {args.repeat}) …", flush=True)
    base = baseline(args.repeat)

    n = len(parks)
    per_naive = nv["seconds"] / k
    naive_rpm = 60 / per_naive
    print()
    print(
        f"{len(parks)} park reports (the overview not counted) from {args.parks} demo parks; "
        f"prepared data: {prepared.relative_to(ROOT)}"
    )
    for label, r in (("ours (warm kernels)", ours), ("ours (fresh kernels)", fresh)):
        print(f"{label}: parkdata {r['command'].replace(str(ROOT) + '/', '')}")
        print(f"  parkdata said: {r['said']}")
        for line in r["failures"]:
            print(f"  {line}")
    print(
        f"naive: measured on the first {k} park{'s' if k > 1 else ''}, {nv['seconds']:.1f} s "
        f"(papermill {nv['papermill_s']:.1f} s, nbconvert {nv['nbconvert_s']:.1f} s), "
        f"{per_naive:.2f} s per report; extrapolated to {n} reports: {per_naive * n:.0f} s"
    )
    print(
        f"baseline: kernel start + the import cell ({base['cell']!r}) via "
        f"papermill.execute_notebook: {base['imports_s']:.2f} s (runs "
        f"{', '.join(f'{s:.2f}' for s in base['imports_runs'])}); bare kernel start + "
        f"wait_for_ready + shutdown: {base['kernel_s']:.2f} s "
        f"(runs {', '.join(f'{s:.2f}' for s in base['kernel_runs'])})"
    )
    print()
    head = f"{'':<34}{'reports':>8}{'wall s':>9}{'jobs':>6}{'reports/min':>13}"
    print(head + f"{'÷ naive':>9}{'s/report×jobs':>15}{'÷ baseline':>12}")
    rows = [
        ("naive (extrapolated)", n, per_naive * n, 1),
        ("ours, warm kernels", ours["reports"], ours["seconds"], args.jobs),
        ("ours, fresh kernels", fresh["reports"], fresh["seconds"], args.jobs),
    ]
    figures: dict[str, dict[str, float]] = {}
    for label, count, secs, jobs in rows:
        rpm, cost = count / secs * 60, secs * jobs / count
        figures[label] = {"reports_per_min": rpm, "cost_s": cost}
        print(
            f"{label:<34}{count:>8}{secs:>9.1f}{jobs:>6}{rpm:>13.1f}{rpm / naive_rpm:>8.2f}x"
            f"{cost:>15.2f}{cost / base['imports_s']:>11.2f}x"
        )
    print(
        "(ours: the wall time of the whole command, with preparing the data, the overview "
        "notebook and the index; per-report cost = wall s × jobs ÷ park reports)"
    )

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    passes = {}
    for key, label in (("warm", "ours, warm kernels"), ("fresh", "ours, fresh kernels")):
        ratio = figures[label]["reports_per_min"] / naive_rpm
        cost = figures[label]["cost_s"] / base["imports_s"]
        passes[key] = {"ratio": ratio >= RATIO_GOAL, "cost": cost <= COST_GOAL}
        print(
            f"goal {label}: reports/min ≥ {RATIO_GOAL:g}× naive: {ratio:.2f}x "
            f"{verdict(passes[key]['ratio'])}; per-report cost ≤ {COST_GOAL:g}× baseline: "
            f"{cost:.2f}x {verdict(passes[key]['cost'])}"
        )
    if load:
        print(f"load average at the end of the comparison: {os.getloadavg()[0]:.2f}")

    big = None
    if not args.skip_universe:
        print()
        big = universe(args)
    print(
        json.dumps(
            {
                "cpus": cpus,
                "jobs": args.jobs,
                "parks": args.parks,
                "reports": n,
                "naive": {**nv, "per_report_s": per_naive, "extrapolated_s": per_naive * n},
                "ours": ours,
                "fresh": fresh,
                "baseline": {k_: v for k_, v in base.items() if k_ != "cell"},
                "figures": figures,
                "pass": passes,
                "universe": big,
            },
            ensure_ascii=False,
        )
    )
    park_failed = [
        line
        for r in (ours, fresh)
        for line in r["failures"]
        if not line.startswith("失败 __overview__")
    ]
    if fresh["reports"] != n or park_failed:  # the figures would not be about the same reports
        print(f"park reports failed or missing: {park_failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
