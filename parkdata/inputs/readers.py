"""Read input files into raw tables of text, each row carrying where it came from.

Supported: tidy or wide CSV / TSV (UTF-8, UTF-8 with BOM, GBK/GB18030, detected), Parquet, and
Excel workbooks — tidy or wide sheets, or sheets laid out as statistics offices publish them (see
:mod:`parkdata.statsheet`). Nothing here interprets values: that is the checks' job (:mod:`parkdata.observations` and friends).
Row numbers are spreadsheet row numbers (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from parkdata.contract.periods import parse_period
from parkdata.contract.units import round_significant
from parkdata.errors import InputError, Issue
from parkdata.inputs.statsheet import (
    STAT_INDICATOR_HEADER,
    STAT_VALUE_HEADER,
    fold_header,
    read_stat_sheet,
)

ORIGIN_COLUMNS = ("origin_file", "origin_sheet", "origin_row", "origin_column")

# Chinese (and loose English) column headers accepted for the contract's columns.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "park_id": (
        "park_id",
        "park",
        "园区",
        "园区名称",
        "开发区",
        "开发区名称",
        "园区代码",
        "单位名称",
    ),
    "indicator": ("indicator", "指标", "指标名称", "项目", "指标代码"),
    "period": ("period", "时期", "期间", "时间", "年份", "年度", "统计期", "报告期"),
    "basis": ("basis", "口径", "统计口径", "数据口径"),
    "value": ("value", "数值", "数据", "值", "指标值"),
    "unit": ("unit", "单位", "计量单位"),
    "qualifier": ("qualifier", "限定", "限定词", "数值说明"),
    "source": ("source", "来源", "数据来源", "出处"),
    "note": ("note", "备注", "说明", "注"),
}
_SYNONYM_LOOKUP = {fold_header(s): col for col, syns in COLUMN_SYNONYMS.items() for s in syns}
_ENCODINGS = ("utf-8", "gb18030")
#: Sheets whose names start with these are reference or instructions (the template's), not data.
SKIPPED_SHEET_PREFIXES = ("说明", "参考", "_")


@dataclass
class RawTable:
    """Rows read from one file (text cells plus ``origin_*``), and problems met while reading."""

    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)


def _file_issue(
    label: str,
    problem: str,
    fix: str = "check the file",
    sheet: str | None = None,
    column: str | None = None,
) -> Issue:
    return Issue(
        file=label, row=None, column=column, value=None, problem=problem, fix=fix, sheet=sheet
    )


def rename_columns(frame: pd.DataFrame, label: str, sheet: str | None = None) -> pd.DataFrame:
    """Map Chinese or loose headers (园区, 指标名称, 单位 …) to the contract's column names.

    Two headers that mean the same column (``park_id`` and ``园区名称``) are an error: which one to
    read would be a guess.
    """
    mapping = {c: _SYNONYM_LOOKUP.get(fold_header(c), c) for c in frame.columns}
    targets: dict[str, list[str]] = {}
    for original, target in mapping.items():
        targets.setdefault(str(target), []).append(str(original))
    clashes = {t: names for t, names in targets.items() if len(names) > 1}
    if clashes:
        raise InputError(
            [
                _file_issue(
                    label,
                    f"columns {names} all mean {target!r}",
                    f"keep one of them (or rename the others, e.g. {names[1]}_原始)",
                    sheet=sheet,
                    column=names[1],
                )
                for target, names in clashes.items()
            ]
        )
    return frame.rename(columns=mapping)


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """``utf-8-sig`` when a BOM is present, else ``utf-8`` if the sample decodes, else ``gb18030``.

    GB18030 is a superset of GBK and GB2312, the encodings Excel writes on Chinese Windows.
    """
    with path.open("rb") as fh:
        head = fh.read(sample_bytes)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sample's end
            return "gb18030"
    return "utf-8"


def _separator(path: Path, encoding: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    if path.suffix.lower() == ".txt":
        with path.open(encoding=encoding, errors="replace") as fh:
            try:
                return csv.Sniffer().sniff(fh.readline(), delimiters=",\t;|").delimiter
            except csv.Error:
                return ","
    return ","


def _has_blank_lines(path: Path, chunk: int = 1 << 24) -> bool:
    """True if the file has an empty line (read in chunks: large files stay out of memory)."""
    tail = b""
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            data = tail + block
            if b"\n\n" in data or b"\n\r\n" in data:
                return True
            tail = data[-2:]
    return False


def _read_csv_text(path: Path, encoding: str, sep: str) -> pd.DataFrame:
    """All cells as text, one frame row per file row after the header (blank lines kept)."""
    if not _has_blank_lines(path):
        try:  # pyarrow's multithreaded parser: fast, but it drops blank lines
            return pd.read_csv(
                path,
                dtype="str",
                keep_default_na=False,
                encoding=encoding,
                sep=sep,
                engine="pyarrow",
            )
        except (UnicodeDecodeError, pd.errors.EmptyDataError):
            raise
        except Exception:  # pyarrow rejects some files the C parser reads (ragged rows, quoting)
            pass
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        frame = pd.read_csv(  # index_col=False: a trailing comma on each row is not an index
            path,
            dtype="str",
            keep_default_na=False,
            encoding=encoding,
            sep=sep,
            skip_blank_lines=False,
            index_col=False,
        )
    frame.attrs["ragged"] = any(issubclass(w.category, pd.errors.ParserWarning) for w in caught)
    return frame


def read_csv(path: Path, label: str | None = None) -> RawTable:
    """Read a CSV / TSV as text with origin columns; encoding detected (:func:`detect_encoding`)."""
    label = label or path.name
    encoding = detect_encoding(path)
    for enc in [encoding] + [e for e in _ENCODINGS if e != encoding]:
        try:
            frame = _read_csv_text(path, enc, _separator(path, enc))
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError([_file_issue(label, f"not a readable CSV ({exc})")]) from None
    else:
        raise InputError(
            [_file_issue(label, "text is neither UTF-8 nor GBK/GB18030", "save it as UTF-8 CSV")]
        )
    issues = []
    if frame.attrs.get("ragged"):
        issues.append(
            Issue(
                label,
                None,
                None,
                None,
                "some rows have more fields than the header "
                "(a trailing comma?); the extra fields were not read",
                "remove trailing commas, or add a header for the extra column",
                severity="warning",
            )
        )
    frame = frame.rename(columns=lambda c: str(c).strip().lstrip("\ufeff"))
    frame = _with_origin(rename_columns(frame, label), label, None, first_row=2)
    blank = frame.drop(columns=list(ORIGIN_COLUMNS), errors="ignore").eq("").all(axis=1)
    return RawTable(melt_wide(frame[~blank].reset_index(drop=True)), issues)


def read_parquet(path: Path, label: str | None = None) -> RawTable:
    """Read a Parquet file (typed columns kept) with origin columns (first data row = row 1)."""
    label = label or path.name
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError([_file_issue(label, f"not a readable Parquet file ({exc})")]) from None
    return RawTable(melt_wide(_with_origin(rename_columns(frame, label), label, None, first_row=1)))


def _with_origin(
    frame: pd.DataFrame, label: str, sheet: str | None, first_row: int
) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame["origin_file"] = label
    frame["origin_sheet"] = sheet
    frame["origin_row"] = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


# --- wide tables ----------------------------------------------------------------------------


def melt_wide(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn a wide table (periods as columns: 2019, 2020年 …) into the tidy long form.

    The period column's header becomes ``period``; ``origin_column`` records it for error messages.
    Tables that already have a ``period`` or ``value`` column are returned unchanged.
    """
    if "period" in frame.columns or "value" in frame.columns:
        return frame
    period_cols = [c for c in frame.columns if c not in ORIGIN_COLUMNS and parse_period(c)]
    if not period_cols:
        return frame
    ids = [c for c in frame.columns if c not in period_cols]
    long = frame.melt(id_vars=ids, value_vars=period_cols, var_name="period", value_name="value")
    long["origin_column"] = long["period"].astype(str)
    long["period"] = long["period"].astype(str)
    return long


# --- Excel ------------------------------------------------------------------------------------


def _cell_value(cell: object) -> object:
    """A cell's value as the user sees it: a 12.5% cell is 12.5, not 0.125."""
    value = getattr(cell, "value", None)
    fmt = str(getattr(cell, "number_format", "") or "")
    fmt = re.sub(r'"[^"]*"|\\.', "", fmt)  # 0.0"%" and 0.0\% only print a % sign
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in fmt:
        return float(round_significant(np.array([value * 100.0]))[0])
    return value


def _cell_text(value: object) -> str | None:
    """A cell as text: dates become months (2021-09), whole floats lose their .0."""
    if value is None:
        return None
    if isinstance(value, (datetime.datetime, datetime.date)):
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_grid(ws: object) -> list[list[object]]:
    """Cell values of a worksheet, merged ranges filled from their top-left cell."""
    rows = [[_cell_value(c) for c in r] for r in ws.iter_rows()]  # type: ignore[attr-defined]
    for rng in ws.merged_cells.ranges:  # type: ignore[attr-defined]
        value = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, rng.max_col):
                if c < len(rows[r]):
                    rows[r][c] = value
    return rows


def _find_header(grid: list[list[object]]) -> tuple[int, str | None]:
    """Index of the header row and the layout: ``tidy``, ``stat`` (statistics office) or None."""
    for i, row in enumerate(grid[:30]):
        cells = [fold_header(c) for c in row if c is not None and str(c).strip()]
        known = {_SYNONYM_LOOKUP[c] for c in cells if c in _SYNONYM_LOOKUP}
        periods = sum(parse_period(c) is not None for c in cells)
        has_values = "value" in known or "period" in known or periods
        if len(known) >= 3 and "park_id" in known and has_values:
            return i, "tidy"
        if any(STAT_INDICATOR_HEADER.match(c) for c in cells) and any(
            STAT_VALUE_HEADER.search(c) for c in cells
        ):
            return i, "stat"
    return 0, None


def _ambiguous_periods(
    frame: pd.DataFrame, values: list[list[object]], header: list[str]
) -> pd.DataFrame:
    """Mark numeric period cells like 2021.1 (Excel stores 2021.10 so): they cannot be read."""
    if "period" not in frame.columns:
        return frame
    j = list(frame.columns).index("period")
    for i, row in enumerate(values):
        cell = row[j] if j < len(row) else None
        if isinstance(cell, float) and not cell.is_integer():
            frame.iloc[i, j] = f"{cell} (a number: 2021.1 and 2021.10 look the same)"
    return frame


def _read_tidy_sheet(
    grid: list[list[object]], header_at: int, label: str, sheet: str
) -> pd.DataFrame:
    header = [str(c).strip() if c is not None else f"col{j}" for j, c in enumerate(grid[header_at])]
    values = [r + [None] * (len(header) - len(r)) for r in grid[header_at + 1 :]]
    frame = pd.DataFrame(
        [[_cell_text(c) for c in r[: len(header)]] for r in values], columns=header, dtype="str"
    )
    frame = _ambiguous_periods(rename_columns(frame, label, sheet), values, header)
    frame["origin_file"], frame["origin_sheet"] = label, sheet
    frame["origin_row"] = range(header_at + 2, header_at + 2 + len(frame))
    blank = frame.drop(columns=["origin_file", "origin_sheet", "origin_row"]).isna().all(axis=1)
    return melt_wide(frame[~blank].reset_index(drop=True))


def read_excel(path: Path, label: str | None = None) -> RawTable:
    """Read every sheet of a workbook; a sheet that cannot be read is reported, the rest kept."""
    # heavy: openpyxl is imported only when an Excel file is read
    import openpyxl

    label = label or path.name
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError([_file_issue(label, f"not a readable Excel workbook ({exc})")]) from None
    frames: list[pd.DataFrame] = []
    issues: list[Issue] = []
    for ws in book.worksheets:
        if ws.title.startswith(SKIPPED_SHEET_PREFIXES):
            continue
        grid = _sheet_grid(ws)
        if not any(any(c is not None for c in row) for row in grid):
            continue
        header_at, layout = _find_header(grid)
        try:
            if layout == "tidy":
                frames.append(_read_tidy_sheet(grid, header_at, label, ws.title))
            elif layout == "stat":
                frames.append(pd.DataFrame(read_stat_sheet(grid, header_at, label, ws.title)))
            else:
                issues.append(
                    _file_issue(
                        label,
                        f"sheet {ws.title!r} has no header row with 园区/指标/时期/数值 or "
                        "指标名称/本月/本年累计",
                        "add a header row, or rename the sheet to start "
                        "with 说明 if it holds no data",
                        sheet=ws.title,
                    )
                )
        except InputError as exc:
            issues += exc.issues
    frames = [f for f in frames if len(f)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not frames and not issues:
        issues.append(_file_issue(label, "the workbook has no data", "fill in a sheet"))
    return RawTable(frame, issues)


def read_table(path: str | Path, label: str | None = None) -> RawTable:
    """Read one input file by its extension (.csv, .tsv, .txt, .parquet, .xlsx, .xlsm).

    ``label`` names the file in ``origin_file`` and in messages (default: its name).
    """
    path = Path(path)
    label = label or path.name
    if not path.exists():
        raise InputError([_file_issue(label, "file not found", "check the path")])
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, label)
    if suffix in (".parquet", ".pq"):
        return read_parquet(path, label)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path, label)
    if suffix == ".xls":
        raise InputError(
            [
                _file_issue(
                    label,
                    "old .xls workbooks are not read",
                    "open it in Excel or WPS and save as .xlsx",
                )
            ]
        )
    raise InputError(
        [_file_issue(label, f"unknown file type {suffix!r}", "use .csv, .xlsx or .parquet")]
    )
