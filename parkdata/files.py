"""File-level helpers: content hashes and atomic writes (readers never see a half-written file)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_atomic(target: Path, write: Callable[[Path], object]) -> None:
    """Write ``target`` through ``write(tmp_path)`` so readers never see a half-written file."""
    with atomic_path(target) as tmp:
        write(tmp)


def write_text_atomic(target: Path, text: str) -> None:
    """Write UTF-8 text (LF newlines) to ``target`` atomically."""
    write_atomic(target, lambda p: p.write_text(text, encoding="utf-8", newline="\n"))


def write_text_if_changed(target: Path, text: str) -> bool:
    """Write ``text`` to ``target`` atomically unless it already holds exactly that (so an
    unchanged rerun leaves the file and its time alone); True when it wrote."""
    try:
        if target.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    write_text_atomic(target, text)
    return True


def write_parquet_atomic(target: Path, frame: Any) -> None:
    """Write a DataFrame to ``target`` as Parquet (no index) atomically."""
    write_atomic(target, lambda p: frame.to_parquet(p, index=False))


def clean_stray_temps(folder: Path, recursive: bool = True) -> int:
    """Remove the temporary files interrupted atomic writes left in ``folder`` (and below, with
    ``recursive``; call it only while no other process writes there: under the folder's lock).
    Returns how many."""
    removed = 0
    for path in folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


#: What makes a spreadsheet read a text cell as a formula (OWASP, "CSV injection"): = + - @, and
#: tab and carriage return, which some programs drop before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_cell(value: Any) -> Any:
    """``value`` safe to put in a spreadsheet cell: text starting with = + - @ (or a tab or a
    carriage return) gets a leading apostrophe, so no spreadsheet runs it as a formula; numbers
    and everything else are returned unchanged (-3.5 stays a number).

    >>> neutral_cell("=cmd|' /C calc'!A0"), neutral_cell("-5%"), neutral_cell(-3.5)
    ("'=cmd|' /C calc'!A0", "'-5%", -3.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(frame: Any) -> Any:
    """A copy of the DataFrame ``frame`` whose text cells and column names are made safe by
    :func:`neutral_cell`; numeric columns are untouched."""
    # pandas is imported here: this base module is imported by everything, and only writers use it
    import pandas as pd

    out = frame.rename(columns=neutral_cell)
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        elif not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
            continue
        is_text = column.map(lambda v: isinstance(v, str)).astype(bool)
        risky = is_text & column.where(is_text, "").astype(str).str.startswith(FORMULA_STARTS)
        if risky.any():  # a column of numbers, dates or None beside text keeps them as they are
            column = column.astype(object).where(~risky, "'" + column[risky].astype(str))
            out.isetitem(i, column)
    return out


def csv_text_for_people(frame: Any) -> str:
    """``frame`` as CSV text (no index) with formulas neutralised (:func:`neutralise_formulas`)."""
    return str(neutralise_formulas(frame).to_csv(index=False))


def write_csv_for_people(frame: Any, target: Path) -> Path:
    """Write the DataFrame ``frame`` as a CSV meant to be opened in a spreadsheet: UTF-8 with a
    BOM (so Excel on Windows reads Chinese right), no index, text that a spreadsheet would run as
    a formula neutralised (:func:`neutral_cell`), atomically (its folder is created)."""
    target = Path(target)
    safe = neutralise_formulas(frame)
    write_atomic(target, lambda p: safe.to_csv(p, index=False, encoding="utf-8-sig"))
    return target
