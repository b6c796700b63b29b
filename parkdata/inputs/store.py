"""``parkdata ingest``: raw files → checked, canonical Parquet in ``data/processed/``.

Raw files are only read. A processed folder holds one *generation*: a folder ``gen-<time>-<id>/``
with every table, ``issues.csv``, ``catalog_extra.yaml`` and a copy of the manifest, named by the
folder's ``manifest.json`` (the hashes of every input, the catalog and the library version). A run
writes a new generation beside the current one (as ``.gen-….partial/``), renames it when every
file is in place and then switches by replacing ``manifest.json`` atomically: readers see the old
generation or the new one, never a mix. The old generation is removed after the switch. A rerun
with nothing changed does nothing; a killed run leaves the old generation readable, and the next
run removes what it left (temporary files, partial generations).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock

from parkdata import paths
from parkdata.contract.indicator_catalog import catalog_yaml, default_catalog, read_catalog
from parkdata.contract.panel import Panel
from parkdata.contract.schema import packaged_text
from parkdata.errors import ArgumentError, ParkDataError
from parkdata.files import atomic_path, clean_stray_temps, file_hash, write_csv_for_people
from parkdata.inputs.building import build_panel
from parkdata.inputs.sources import MANIFEST, input_files
from parkdata.version import __version__

TABLE_FILES = ("parks", "memberships", "observations", "targets", "issues", "files")
OPTIONAL_TABLES = ("firms",)
"""Tables a processed folder holds when the data had them (older folders lack them)."""
CATALOG_EXTRA = "catalog_extra.yaml"
"""The indicators a processed folder was built with beyond the shipped catalog."""
ISSUES_CSV = "issues.csv"
GENERATION_KEY = "generation"
"""The manifest field naming the folder that holds the current tables."""
LOCK_FILE = ".ingest.lock"
"""One ingest at a time per processed folder (an OS lock: a killed run never holds it)."""
_GENERATION = re.compile(r"gen-\d{8}T\d{6}Z-[0-9a-f]{6}")
_PARTIAL = re.compile(r"\.(gen-\d{8}T\d{6}Z-[0-9a-f]{6})\.partial")
_OLD_LAYOUT = (*(f"{t}.parquet" for t in TABLE_FILES), ISSUES_CSV, CATALOG_EXTRA)
"""Files a processed folder held at its top before generations (removed after a switch)."""


class IncompleteProcessedError(ParkDataError):
    """A processed folder whose tables and manifest do not belong together (a killed run, files
    removed by hand): it is refused rather than read half old, half new."""

    def __init__(self, folder: Path, detail: str) -> None:
        super().__init__(
            f"{folder}: the processed folder is incomplete ({detail}): run parkdata ingest again"
        )


def _name(path: Path, root: Path) -> str:
    """How an input is keyed in the fingerprint: relative to its folder (bundled ones marked)."""
    bundled = paths.BUNDLED_RAW_DIR.resolve()
    resolved = path.resolve()
    if root.resolve() != bundled and resolved.is_relative_to(bundled):
        return "bundled/" + str(resolved.relative_to(bundled))
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def input_fingerprint(files: Sequence[Path], root: Path) -> dict[str, object]:
    """What the processed data depends on: every input's hash (bundled ones included when they
    are read), the shipped catalog's and vocabulary's hashes, the library version."""
    shipped = "".join(packaged_text(name) for name in ("catalog.yaml", "vocab.yaml"))
    return {
        "parkdata_version": __version__,
        "catalog_sha256": hashlib.sha256(shipped.encode("utf-8")).hexdigest(),
        "inputs": {_name(f, root): file_hash(f) for f in files},
    }


@dataclass
class IngestResult:
    """What an ingest run did; ``folder`` is the generation holding the tables now."""

    panel: Panel | None
    skipped: bool
    out_dir: Path
    folder: Path | None = None

    def describe(self) -> str:
        """A short human summary."""
        if self.skipped or self.panel is None:
            return f"nothing changed since the last ingest; {self.out_dir} is up to date"
        files = self.panel.files.assign(file=self.panel.files["file"].map(lambda f: Path(f).name))
        counts = ["read", "loaded", "rejected", "repeated", "empty"]
        table = files.set_index("file")[["table", *counts]]
        total = table[counts].sum().to_frame("total").T.assign(table="")
        lines = [pd.concat([table, total]).to_string()]
        n_err = len(self.panel.errors())
        n_warn = len(self.panel.issues) - n_err
        issues_csv = (self.folder or self.out_dir) / ISSUES_CSV
        if n_warn:
            lines.append(
                f"{n_warn} warning(s), e.g. targets kept that cannot be assessed yet (no year in "
                f"the source) or repeats dropped; see {issues_csv}"
            )
        if n_err:
            lines.append(f"{n_err} problem(s); each is listed in {issues_csv}")
        return "\n".join(lines)


def _read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """``out_dir``'s manifest, or None when it is missing or unreadable."""
    try:
        stored = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def current_folder(out_dir: str | Path) -> Path:
    """The folder holding a processed folder's tables now: the generation its manifest names
    (``out_dir`` itself for a folder written before generations, or a generation folder)."""
    out_dir = Path(out_dir)
    manifest = _read_manifest(out_dir)
    if manifest is None:
        raise IncompleteProcessedError(out_dir, f"no readable {MANIFEST}")
    name = manifest.get(GENERATION_KEY)
    if name is None:
        return out_dir
    if not isinstance(name, str) or not _GENERATION.fullmatch(name):
        raise IncompleteProcessedError(out_dir, f"{MANIFEST} names no generation")
    return out_dir / name


def _matches(out_dir: Path, fingerprint: dict[str, object]) -> bool:
    """True when ``out_dir``'s manifest records exactly this fingerprint and names a generation
    whose files are all there (a folder written before generations is rebuilt once)."""
    stored = _read_manifest(out_dir)
    if stored is None or GENERATION_KEY not in stored:
        return False
    try:
        folder = current_folder(out_dir)
    except IncompleteProcessedError:
        return False
    return all(stored.get(k) == v for k, v in fingerprint.items()) and all(
        (folder / name).is_file() for name in (*_OLD_LAYOUT, MANIFEST)
    )


def check_out_dir(raw_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder inside (or equal to) the raw folder or the bundled data: ingest
    would read its own outputs back as inputs. Symlinks are resolved; nothing is read."""
    out = out_dir.resolve()
    for root, what in ((raw_dir, "--raw"), (paths.BUNDLED_RAW_DIR, "the bundled data")):
        inside = root.resolve()
        if out == inside or out.is_relative_to(inside):
            raise ArgumentError(
                f"--out {out_dir} is inside {what} ({root}): ingest would read its own outputs "
                "back; choose an output folder outside it"
            )


def has_processed_leftovers(folder: Path) -> bool:
    """True for a folder without a manifest that holds what only ingest writes (generations,
    partial generations, or the tables of a folder written before generations)."""
    if not folder.is_dir() or (folder / MANIFEST).exists():
        return False
    if all((folder / f"{t}.parquet").exists() for t in ("issues", "files")):
        return True
    return any(
        _GENERATION.fullmatch(p.name) or _PARTIAL.fullmatch(p.name)
        for p in folder.iterdir()
        if p.is_dir()
    )


def clean_processed(out_dir: Path) -> int:
    """Remove what interrupted runs left in ``out_dir``: temporary files of atomic writes,
    partial generations and generations the manifest does not name. Call it only while no
    other run writes there (under the ingest lock). Returns how many were removed."""
    if not out_dir.is_dir():
        return 0
    manifest = _read_manifest(out_dir)
    current = None if manifest is None else manifest.get(GENERATION_KEY)
    removed = clean_stray_temps(out_dir, recursive=False)
    for path in out_dir.iterdir():
        name = path.name
        if path.is_dir() and (
            _PARTIAL.fullmatch(name) or (_GENERATION.fullmatch(name) and name != current)
        ):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    if isinstance(current, str) and _GENERATION.fullmatch(current) and (out_dir / current).is_dir():
        removed += clean_stray_temps(out_dir / current)
    return removed


def ingest(
    raw_dir: Path, out_dir: Path, force: bool = False, bundled: bool | None = None
) -> IngestResult:
    """Build ``out_dir`` from ``raw_dir``; skip when inputs are unchanged (unless ``force``).

    ``raw_dir`` is read by the one bundled-data rule (:mod:`parkdata.inputs.sources`): a folder
    without its own parks file is read on top of the bundled data. An ``out_dir`` inside
    ``raw_dir`` is refused (:class:`~parkdata.errors.ArgumentError`) before anything is read.
    One run at a time per ``out_dir`` (a second waits); each run first removes what killed runs
    left there.
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    check_out_dir(raw_dir, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out_dir / LOCK_FILE)):
        clean_processed(out_dir)
        files = input_files(raw_dir, bundled)
        fingerprint = input_fingerprint(files, raw_dir)  # every input hashed once
        if not force and _matches(out_dir, fingerprint):
            return IngestResult(None, True, out_dir, current_folder(out_dir))
        panel = build_panel(files, errors="skip")
        folder = write_processed(panel, out_dir, fingerprint)
    return IngestResult(panel, False, out_dir, folder)


def _sync(path: Path) -> None:
    """Flush a file or folder to disk (folders only where the system allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # a folder on Windows
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _new_generation() -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"gen-{stamp}-{secrets.token_hex(3)}"


def write_processed(panel: Panel, out_dir: Path, fingerprint: dict[str, object]) -> Path:
    """Write a panel's tables as a new generation of ``out_dir`` with a manifest recording
    ``fingerprint``, switch to it atomically and remove the previous one. Returns the new
    generation's folder. If the run dies, ``out_dir`` still reads as the previous generation."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "parks": panel.parks,
        "memberships": panel.memberships,
        "observations": panel.observations,
        "targets": panel.targets,
        "issues": panel.issues.astype({"row": "Int64"}).astype(
            {c: "str" for c in ("file", "sheet", "column", "value", "problem", "fix")}
        ),
        "files": panel.files,
    }
    if len(panel.firms):
        tables["firms"] = panel.firms
    name = _new_generation()
    partial = out_dir / f".{name}.partial"
    summary = {**fingerprint, "rows": {k: len(v) for k, v in tables.items()}}
    try:
        partial.mkdir()
        for table, frame in tables.items():
            frame.to_parquet(partial / f"{table}.parquet", index=False)
        write_csv_for_people(panel.issues, partial / ISSUES_CSV)
        (partial / CATALOG_EXTRA).write_text(
            catalog_yaml(panel.catalog.extra), encoding="utf-8", newline="\n"
        )
        text = json.dumps(summary, ensure_ascii=False, indent=1)
        (partial / MANIFEST).write_text(text, encoding="utf-8", newline="\n")
        for path in partial.iterdir():
            _sync(path)
        _sync(partial)
        os.rename(partial, out_dir / name)  # complete: visible under its own name
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _sync(out_dir)
    previous = _read_manifest(out_dir)
    pointer = json.dumps({GENERATION_KEY: name, **summary}, ensure_ascii=False, indent=1)
    with atomic_path(out_dir / MANIFEST) as tmp:  # the switch
        tmp.write_text(pointer, encoding="utf-8", newline="\n")
        _sync(tmp)
    _sync(out_dir)
    _remove_previous(out_dir, previous, keep=name)
    return out_dir / name


def _remove_previous(out_dir: Path, previous: dict[str, Any] | None, keep: str) -> None:
    """After a switch: remove the generation the previous manifest named, and the tables of a
    folder written before generations. A reader still on the old generation rereads the
    manifest and follows the switch (:func:`read_processed`); where a file is still open (on
    Windows) it stays until the next ingest removes it."""
    old = None if previous is None else previous.get(GENERATION_KEY)
    if isinstance(old, str) and _GENERATION.fullmatch(old) and old != keep:
        shutil.rmtree(out_dir / old, ignore_errors=True)
    for name in _OLD_LAYOUT:
        with contextlib.suppress(OSError):  # still open on Windows: the next ingest removes it
            (out_dir / name).unlink(missing_ok=True)


def _read_tables(folder: Path, rows: object) -> Panel:
    tables = {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLE_FILES}
    for t in OPTIONAL_TABLES:
        if isinstance(rows, dict) and t in rows:
            tables[t] = pd.read_parquet(folder / f"{t}.parquet")
    if not isinstance(rows, dict) or any(t in rows and rows[t] != len(tables[t]) for t in tables):
        raise ValueError("the tables do not have the rows the manifest records")
    catalog = default_catalog()
    extra = folder / CATALOG_EXTRA
    if extra.exists():
        catalog = catalog.with_extra(read_catalog(extra.read_text(encoding="utf-8"), str(extra)))
    return Panel(
        catalog=catalog,
        parks=tables["parks"],
        memberships=tables["memberships"],
        observations=tables["observations"],
        targets=tables["targets"],
        issues=tables["issues"],
        files=tables["files"],
        **({"firms": tables["firms"]} if "firms" in tables else {}),
    )


def read_processed(out_dir: Path) -> Panel:
    """Read a processed folder back into a Panel (no re-validation: it was checked on ingest):
    the generation its manifest names, or the tables beside a manifest written before
    generations. Tables that do not match the manifest (a run killed before generations, files
    removed) raise :class:`IncompleteProcessedError`; an ingest switching generations during
    the read is followed."""
    out_dir = Path(out_dir)
    for _ in range(5):
        manifest = _read_manifest(out_dir)
        folder = current_folder(out_dir)
        try:
            return _read_tables(folder, manifest and manifest.get("rows"))
        except (OSError, ValueError) as exc:
            again = _read_manifest(out_dir)
            if again is None or again.get(GENERATION_KEY) == (manifest or {}).get(GENERATION_KEY):
                detail = (
                    f"{exc.filename} is missing"
                    if isinstance(exc, FileNotFoundError)
                    else str(exc).splitlines()[0]
                )
                raise IncompleteProcessedError(out_dir, detail) from exc
    raise IncompleteProcessedError(out_dir, "it kept changing while being read")
