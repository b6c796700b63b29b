"""Chaos suite, ingest: a run killed while it writes (an exception, a hard exit after the first
table, a real ``kill -9``), the temporary files a crash leaves, and an ``--out`` inside ``--raw``.

A processed folder must always read as one complete ingest — the old one or the new one, tables,
catalog extras and manifest together — and the next run removes what a killed one left.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import parkdata as pkd
from parkdata.cli import main
from parkdata.errors import ParkDataError
from parkdata.inputs.demo import write_demo
from parkdata.inputs.sources import MANIFEST
from parkdata.inputs.store import ingest

pytestmark = pytest.mark.chaos

TABLES = ("parks", "memberships", "observations", "targets")
YEARS = range(2016, 2024)


def _snapshot(panel: pkd.Panel) -> dict[str, str]:
    """What a panel holds, table by table (row count and a hash of the content)."""
    return {
        name: f"{len(frame)}:"
        + hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
        for name, frame in ((t, getattr(panel, t)) for t in TABLES)
    }


def _manifest_inputs(out: Path) -> object:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["inputs"]


def _leftovers(out: Path) -> list[str]:
    """Temporary files, partial generations, and generations beyond the current one."""
    found = [
        str(p.relative_to(out)) for p in out.rglob("*") if p.name.endswith((".tmp", ".partial"))
    ]
    generations = [p for p in out.iterdir() if p.is_dir() and p.name.startswith("gen-")]
    return found + [str(p.relative_to(out)) for p in generations[1:]]


class Universe:
    """Two versions of a raw folder (old: 12 parks, new: 20) and what each ingests to."""

    def __init__(self, root: Path) -> None:
        self.raw = root / "raw"
        self.old_raw, self.new_raw = root / "old_raw", root / "new_raw"
        write_demo(self.old_raw, 12, YEARS, seed=1)
        write_demo(self.new_raw, 20, YEARS, seed=2)
        self.expected = {}
        for label, raw in (("old", self.old_raw), ("new", self.new_raw)):
            ingest(raw, root / f"reference_{label}")
            reference = root / f"reference_{label}"
            self.expected[label] = (_snapshot(pkd.load(reference)), _manifest_inputs(reference))
        old, new = self.expected["old"][0], self.expected["new"][0]
        assert all(old[t] != new[t] for t in TABLES)  # a mix would show in any table

    def use(self, label: str) -> Path:
        """Make ``raw`` (always the same path, so manifests compare) hold the old or new data."""
        source = self.old_raw if label == "old" else self.new_raw
        self.raw.mkdir(exist_ok=True)
        for path in source.iterdir():
            (self.raw / path.name).write_bytes(path.read_bytes())
        return self.raw

    def which(self, out: Path) -> str:
        """``old`` or ``new`` when ``out`` reads as exactly that ingest (tables and manifest);
        fails on anything else: a mix, or a folder that does not read."""
        snapshot, inputs = _snapshot(pkd.load(out)), _manifest_inputs(out)
        for label, (expected, expected_inputs) in self.expected.items():
            if snapshot == expected:
                assert inputs == expected_inputs, f"{label} tables beside another manifest"
                return label
        mixed = {
            t: [k for k, (e, _) in self.expected.items() if e[t] == snapshot[t]] for t in TABLES
        }
        raise AssertionError(f"the processed folder mixes ingests: {mixed}")


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Universe:
    return Universe(tmp_path_factory.mktemp("killed-ingest"))


@pytest.fixture()
def out(universe: Universe, tmp_path: Path) -> Path:
    """A processed folder holding the complete old ingest."""
    folder = tmp_path / "processed"
    ingest(universe.use("old"), folder)
    assert universe.which(folder) == "old"
    return folder


def test_a_write_failing_after_the_first_table_leaves_the_old_ingest(
    universe: Universe, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pd.DataFrame.to_parquet
    written: list[object] = []

    def failing(self: pd.DataFrame, *args: object, **kwargs: object) -> object:
        if written:
            raise OSError("simulated crash after the first table")
        written.append(real(self, *args, **kwargs))  # type: ignore[arg-type]
        return None

    monkeypatch.setattr(pd.DataFrame, "to_parquet", failing)
    with pytest.raises(OSError, match="simulated crash"):
        ingest(universe.use("new"), out)
    monkeypatch.undo()
    assert universe.which(out) == "old"
    assert _leftovers(out) == []
    ingest(universe.raw, out)
    assert universe.which(out) == "new"


_DIE_AT_SECOND_TABLE = """
import os, sys
import pandas as pd
from parkdata.cli import main

calls = []
real = pd.DataFrame.to_parquet

def dying(self, *args, **kwargs):
    calls.append(1)
    if len(calls) == 2:  # the first table is written; the process dies with no cleanup
        os._exit(137)
    return real(self, *args, **kwargs)

pd.DataFrame.to_parquet = dying
sys.exit(main(["ingest", "--raw", sys.argv[1], "--out", sys.argv[2]]))
"""


def test_a_process_dying_after_the_first_table_leaves_the_old_ingest_then_is_cleaned(
    universe: Universe, out: Path
) -> None:
    raw = universe.use("new")
    done = subprocess.run(
        [sys.executable, "-c", _DIE_AT_SECOND_TABLE, str(raw), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 137, done.stderr
    assert universe.which(out) == "old"  # tables, catalog extras and manifest of the old run
    ingest(raw, out)
    assert _leftovers(out) == []
    assert universe.which(out) == "new"


def _kill_while_writing(out: Path, raw: Path, delay: float) -> int | None:
    """Start ``parkdata ingest`` and ``kill -9`` it ``delay`` seconds after its first new file
    appears in ``out``; returns its exit code (None when it was killed)."""
    before = {p.name for p in out.rglob("*")}
    code = "import sys; from parkdata.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "ingest", "--raw", str(raw), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                new = {p.name for p in out.rglob("*")} - before
            except FileNotFoundError:  # a file went while we looked: something is happening
                new = {"?"}
            if new:
                time.sleep(delay)
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return None
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02])
def test_kill_9_during_ingest_leaves_the_old_or_the_new_ingest_never_a_mix(
    universe: Universe, out: Path, delay: float
) -> None:
    raw = universe.use("new")
    _kill_while_writing(out, raw, delay)
    assert universe.which(out) in {"old", "new"}
    ingest(raw, out)  # the next run removes what the killed one left
    assert _leftovers(out) == []
    assert universe.which(out) == "new"


def test_zero_byte_temp_files_of_a_crash_are_removed_by_the_next_run(
    universe: Universe, out: Path
) -> None:
    (out / ".manifest.json.k3j9x1.tmp").touch()  # what atomic_path leaves when killed
    (out / ".parks.parquet.a8b2c4.tmp").touch()
    generation = next(p for p in out.iterdir() if p.is_dir() and p.name.startswith("gen-"))
    (generation / ".targets.parquet.zz0011.tmp").touch()
    partial = out / ".gen-20240101T000000Z-abcdef.partial"
    partial.mkdir()
    (partial / "parks.parquet").write_bytes(b"PAR1")
    stale = out / "gen-20240101T000000Z-abcdef"
    stale.mkdir()
    result = ingest(universe.raw, out)  # nothing changed: skipped, but cleaned all the same
    assert result.skipped
    assert _leftovers(out) == []
    assert not partial.exists() and not stale.exists()
    assert universe.which(out) == "old"


def test_a_folder_of_tables_without_its_manifest_is_refused(universe: Universe, out: Path) -> None:
    (out / MANIFEST).unlink()
    with pytest.raises(ParkDataError, match=r"incomplete.*run parkdata ingest again"):
        pkd.load(out)


def test_an_old_style_folder_with_mixed_tables_is_refused(universe: Universe, out: Path) -> None:
    """A folder written before generations (tables beside the manifest) is still read, unless
    a killed run of that time left a table of another ingest beside the manifest."""
    generation = next(p for p in out.iterdir() if p.is_dir() and p.name.startswith("gen-"))
    for path in generation.iterdir():
        path.rename(out / path.name)
    generation.rmdir()
    assert universe.which(out) == "old"  # still readable, as it was
    newer = pkd.load(universe.new_raw, bundled=False)
    newer.parks.to_parquet(out / "parks.parquet", index=False)  # what an old killed run left
    with pytest.raises(ParkDataError, match="incomplete"):
        pkd.load(out)


@pytest.mark.parametrize("where", ["inside", "equal", "through a symlink"])
def test_out_inside_raw_is_refused_and_nothing_is_written(
    universe: Universe, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in universe.old_raw.iterdir():
        (raw / path.name).write_bytes(path.read_bytes())
    if where == "through a symlink":
        (tmp_path / "link").symlink_to(raw, target_is_directory=True)
        target = tmp_path / "link" / "processed"
    else:
        target = raw / "processed" if where == "inside" else raw
    before = {p: p.stat().st_mtime_ns for p in raw.rglob("*")}
    assert main(["ingest", "--raw", str(raw), "--out", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "--raw" in captured.err
    assert {p: p.stat().st_mtime_ns for p in raw.rglob("*")} == before
