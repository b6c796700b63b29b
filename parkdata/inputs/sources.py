"""Which files make up the data: the tables raw files hold, the bundled data, processed folders.

**The one rule for the bundled data** (load, ingest, assess, project, reports all use it): a
folder or file set that has its own parks file (``parks*.csv`` / ``.xlsx`` / ``.parquet``) stands
alone; one without is read *on top of* the bundled data (its registry, memberships, targets and
figures), so a folder of observations for bundled parks needs nothing else. ``bundled=True`` or
``False`` (``--bundled`` / ``--no-bundled``) overrides the rule. A processed folder (from
``parkdata ingest``) is read as it is: the rule was applied when it was built.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from parkdata import paths
from parkdata.errors import InputError, Issue

TABLES = ("parks", "memberships", "targets", "observations", "catalog", "enterprises", "projects")
FIRM_TABLES = ("enterprises", "projects")
"""Tables of firms and proposed projects (read by :mod:`parkdata.inputs.enterprise_files`, never
part of the Panel)."""
_FIRM_STEMS = {"enterprises": ("enterprise", "企业"), "projects": ("project", "项目", "拟供地")}
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".xlsx", ".xlsm", ".xls")


def table_of(path: Path) -> str | None:
    """The contract table a file holds, from its name (``parks*.csv`` → parks, ``enterprise*`` /
    ``企业*`` → enterprises, ``project*`` / ``项目*`` / ``拟供地*`` → projects; other data →
    observations)."""
    stem = path.stem.lower()
    if path.suffix.lower() in (".yaml", ".yml"):
        return "catalog" if stem.startswith(("catalog", "indicators")) else None
    if path.suffix.lower() not in DATA_SUFFIXES:
        return None
    for table in ("parks", "memberships", "targets"):
        if stem.startswith(table):
            return table
    for table, stems in _FIRM_STEMS.items():
        if stem.startswith(stems):
            return table
    return "observations"


def raw_files(root: Path) -> list[Path]:
    """Data files below ``root``, skipping ``snapshots/`` (sources kept as published) and ``_*``."""
    if root.is_file():
        return [root]
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(p.startswith(("_", ".")) or p == "snapshots" for p in rel):
            continue
        if path.is_file() and table_of(path) is not None:
            found.append(path)
    return found


MANIFEST = "manifest.json"
"""The file that marks a processed folder (written last by ``parkdata ingest``)."""


def is_processed_dir(path: Path) -> bool:
    """True for a folder written by ``parkdata ingest``."""
    return path.is_dir() and (path / MANIFEST).exists()


def has_own_parks(files: Sequence[Path]) -> bool:
    """True when the files include a parks table (the data then stands alone)."""
    return any(table_of(f) == "parks" for f in files)


def wants_bundled(files: Sequence[Path], bundled: bool | None = None) -> bool:
    """The one rule (module docstring): ``bundled`` if given, else no parks file of their own."""
    return (not has_own_parks(files)) if bundled is None else bool(bundled)


def bundled_files() -> list[Path]:
    """The bundled raw files (``data/raw`` in a checkout, a copy in the package when installed)."""
    return raw_files(paths.BUNDLED_RAW_DIR)


def listed_files(path: str | Path | Sequence[str | Path]) -> list[Path]:
    """The data files of ``path`` (a file, a folder, or several): :func:`raw_files` of each; a
    missing one is an InputError naming it."""
    items = [Path(p) for p in ([path] if isinstance(path, (str, Path)) else path)]
    files: list[Path] = []
    for item in items:
        if not item.exists():
            raise InputError(
                [Issue(str(item), None, None, None, "file or folder not found", "check the path")]
            )
        files += raw_files(item)
    return files


def input_files(
    path: str | Path | Sequence[str | Path] | None, bundled: bool | None = None
) -> list[Path]:
    """The raw files a load of ``path`` reads: the bundled ones (by the rule) and the user's.

    ``path`` None means the bundled data alone. A missing file or folder is an InputError.
    """
    if path is None:
        return bundled_files()
    files = listed_files(path)
    if not wants_bundled(files, bundled):
        return files
    user = {f.resolve() for f in files}
    return [f for f in bundled_files() if f.resolve() not in user] + files
