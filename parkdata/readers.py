"""Read input files into raw tables of text, each row carrying where it came from.

Supported: tidy or wide CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, detected), Parquet, and Excel
workbooks — tidy sheets, or sheets laid out as statistics offices publish them (rows = indicators
in Chinese; columns 本月 / 本年累计 / 同比增长%, possibly under merged header cells; one sheet per
period). Nothing here interprets values: that is :mod:`parkdata.normalize`'s job.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path

import pandas as pd

from .errors import InputError, Issue
from .periods import parse_period
from .units import is_known_unit

ORIGIN_COLUMNS = ("origin_file", "origin_sheet", "origin_row")

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
_ENCODINGS = ("utf-8", "gb18030")


def _fold(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower().replace(" ", "")


_SYNONYM_LOOKUP = {_fold(s): col for col, syns in COLUMN_SYNONYMS.items() for s in syns}


def rename_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Map Chinese or loose headers (园区, 指标名称, 单位 …) to the contract's column names."""
    mapping = {c: _SYNONYM_LOOKUP.get(_fold(c), c) for c in frame.columns if isinstance(c, str)}
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


def _read_csv_text(path: Path, encoding: str) -> pd.DataFrame:
    """All cells as text; pyarrow's multithreaded parser first, pandas' C parser as fallback."""
    try:
        return pd.read_csv(
            path, dtype="str", keep_default_na=False, encoding=encoding, engine="pyarrow"
        )
    except (UnicodeDecodeError, pd.errors.EmptyDataError):
        raise
    except Exception:  # pyarrow rejects some files the C parser reads (ragged rows, odd quoting)
        return pd.read_csv(path, dtype="str", keep_default_na=False, encoding=encoding)


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text with origin columns; encoding detected (see :func:`detect_encoding`)."""
    encoding = detect_encoding(path)
    tried = [encoding] + [e for e in _ENCODINGS if e != encoding]
    for enc in tried:
        try:
            frame = _read_csv_text(path, enc)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError([_file_issue(path, f"not a readable CSV ({exc})")]) from None
    else:
        raise InputError(
            [_file_issue(path, "text is neither UTF-8 nor GBK/GB18030", "save it as UTF-8 CSV")]
        )
    return _with_origin(rename_columns(_strip_headers(frame)), path, None, first_row=2)


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a Parquet file (typed columns kept) with origin columns."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError([_file_issue(path, f"not a readable Parquet file ({exc})")]) from None
    return _with_origin(rename_columns(frame), path, None, first_row=1)


def _strip_headers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=lambda c: str(c).strip().lstrip("\ufeff"))


def _with_origin(
    frame: pd.DataFrame, path: Path, sheet: str | None, first_row: int
) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame["origin_file"] = path.name
    frame["origin_sheet"] = sheet
    frame["origin_row"] = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


def _file_issue(path: Path, problem: str, fix: str = "check the file") -> Issue:
    return Issue(file=path.name, row=None, column=None, value=None, problem=problem, fix=fix)


# --- wide tables ----------------------------------------------------------------------------


def melt_wide(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn a wide table (periods as columns: 2019, 2020年 …) into the tidy long form.

    The period column's header becomes ``period``; ``origin_column`` records it for error messages.
    Tables that already have a ``period`` column are returned unchanged.
    """
    if "period" in frame.columns:
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


def _cell_text(cell: object) -> str | None:
    """A cell as text: dates become months (2021-09), whole floats lose their .0."""
    if cell is None:
        return None
    if isinstance(cell, (datetime.datetime, datetime.date)):
        return f"{cell.year}-{cell.month:02d}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _sheet_grid(ws: object) -> list[list[object]]:
    """Cell values of an openpyxl worksheet with merged ranges filled from their top-left cell."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    for rng in ws.merged_cells.ranges:  # type: ignore[attr-defined]
        value = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, rng.max_col):
                if c < len(rows[r]):
                    rows[r][c] = value
    return rows


_STAT_HEADER = re.compile(r"^(指标名称|指标|项目|项目名称)$")


#: Sheets whose names start with these are reference or instructions (the template's), not data.
SKIPPED_SHEET_PREFIXES = ("说明", "参考", "_")


def _find_header(grid: list[list[object]]) -> tuple[int, str | None]:
    """Index of the header row and the layout: ``stat`` (statistics office), ``tidy`` or None."""
    for i, row in enumerate(grid[:30]):
        cells = {_fold(c) for c in row if c is not None}
        if sum(c in _SYNONYM_LOOKUP for c in cells) >= 3 and cells & {
            "period",
            "时期",
            "value",
            "数值",
            "年份",
        }:
            return i, "tidy"
        if any(_STAT_HEADER.match(c) for c in cells):
            return i, "stat"
        if sum(c in _SYNONYM_LOOKUP for c in cells) >= 3:
            return i, "tidy"
    return 0, None


def read_excel(path: Path) -> pd.DataFrame:
    """Read every sheet of a workbook into one raw table (tidy, wide or statistics-office)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError([_file_issue(path, f"not a readable Excel workbook ({exc})")]) from None
    frames = []
    for ws in book.worksheets:
        if ws.title.startswith(SKIPPED_SHEET_PREFIXES):
            continue
        grid = _sheet_grid(ws)
        if not any(any(c is not None for c in row) for row in grid):
            continue
        header_at, layout = _find_header(grid)
        if layout is None:
            raise InputError(
                [
                    Issue(
                        path.name,
                        None,
                        None,
                        None,
                        f"sheet {ws.title!r} has no "
                        "header row with 园区/指标/时期/数值 or 指标名称/本月/本年累计",
                        "add a header row, or rename the sheet to start with 说明 "
                        "if it holds no data",
                        sheet=ws.title,
                    )
                ]
            )
        if layout == "stat":
            frames.append(_read_stat_sheet(grid, header_at, path, ws.title))
        else:
            header = [
                str(c).strip() if c is not None else f"col{j}"
                for j, c in enumerate(grid[header_at])
            ]
            body = [[_cell_text(c) for c in r] for r in grid[header_at + 1 :]]
            frame = pd.DataFrame(body, columns=header, dtype="str")
            frame = frame.dropna(how="all")
            frame.index = frame.index + header_at + 2
            frame = rename_columns(frame)
            frame["origin_file"], frame["origin_sheet"] = path.name, ws.title
            frame["origin_row"] = frame.index
            frames.append(melt_wide(frame.reset_index(drop=True)))
    if not frames:
        raise InputError([_file_issue(path, "the workbook has no data", "fill in a sheet")])
    return pd.concat(frames, ignore_index=True)


_YOY = re.compile(r"同比|增长|增速|增幅|增减|±")
_MONTH = re.compile(r"本月|当月")
_PRIOR = re.compile(r"上年同期|去年同期")
_YTD = re.compile(r"累计|1[-—–~至]\d{1,2}月|本年|全年")
_PERIOD_IN_TEXT = re.compile(
    r"(\d{4})\s*年\s*(?:(1\s*[-—–~至]\s*\d{1,2})\s*月|(\d{1,2})\s*月|([一二三四1-4])\s*季度)?"
)
_ENUM_PREFIX = re.compile(
    r"^(?:[#*]|其中[:：]|[一二三四五六七八九十]+[、.]|\(?[0-9]+[)、.．]|（[0-9一二三四五六七八九十]+）)+"
)


def _period_from_text(text: str) -> tuple[str, int | None] | None:
    """(year, last month) from a title or sheet name like '2021年1-9月'; month None for a year."""
    whole = parse_period(text)  # a sheet named 2021.09, 202109, 2021Q3 …
    if whole is not None:
        return str(whole.year), whole.end_month if whole.code != str(whole.year) else None
    match = _PERIOD_IN_TEXT.search(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    year, span, month, quarter = match.groups()
    if span:
        return year, int(re.split(r"[-—–~至]", span)[-1])
    if month:
        return year, int(month)
    if quarter:
        return year, "一二三四1234".index(quarter) % 4 * 3 + 3
    return year, None


def _read_stat_sheet(
    grid: list[list[object]], header_at: int, path: Path, sheet: str
) -> pd.DataFrame:
    """Tidy rows from a statistics-office sheet: one row per indicator × value column."""
    above = " ".join(str(c) for row in grid[:header_at] for c in row if c is not None)
    header_rows = [header_at]
    while header_rows[-1] + 1 < len(grid):  # a second header row under merged cells
        nxt = grid[header_rows[-1] + 1]
        first = nxt[0] if nxt else None
        labels = [c for c in nxt[1:] if isinstance(c, str) and c.strip()]
        if (
            (first is None or _fold(first) == _fold(grid[header_at][0]))
            and labels
            and not any(isinstance(c, (int, float)) for c in nxt[1:])
        ):
            header_rows.append(header_rows[-1] + 1)
        else:
            break
    ncol = max(len(grid[r]) for r in header_rows)
    names = []
    for j in range(ncol):
        parts: list[str] = []
        for r in header_rows:
            cell = grid[r][j] if j < len(grid[r]) else None
            text = "" if cell is None else _fold(cell)
            if text and text not in parts:
                parts.append(text)
        names.append("|".join(parts))
    ind_col = next(j for j, n in enumerate(names) if _STAT_HEADER.match(n.split("|")[0]))
    unit_col = next((j for j, n in enumerate(names) if n in ("单位", "计量单位")), None)
    period = _period_from_text(sheet) or _period_from_text(above)
    if period is None:
        raise InputError(
            [
                Issue(
                    path.name,
                    None,
                    None,
                    sheet,
                    "the sheet's period is not in its name or title",
                    "name the sheet like 2021年1-9月 (or put the "
                    "period in the title above the header)",
                    sheet=sheet,
                )
            ]
        )
    park_text = _park_from_text(above)
    header_unit = {
        j: m.group(1)
        for j, n in enumerate(names)
        if (m := re.search(r"[(（]([^()（）]+)[)）]", n)) and is_known_unit(m.group(1))
    }
    rows = []
    for r in range(header_rows[-1] + 1, len(grid)):
        row = grid[r]
        name = row[ind_col] if ind_col < len(row) else None
        if name is None or not str(name).strip():
            continue
        indicator = _ENUM_PREFIX.sub("", unicodedata.normalize("NFKC", str(name)).strip())
        unit = row[unit_col] if unit_col is not None and unit_col < len(row) else None
        named = re.search(r"[(（]([^()（）]+)[)）]\s*$", indicator)  # 主营业务收入(亿元)
        if named and is_known_unit(named.group(1)):
            indicator = indicator[: named.start()].strip()
            unit = unit if unit is not None else named.group(1)
        for j, header in enumerate(names):
            if j in (ind_col, unit_col) or not header or j >= len(row) or row[j] is None:
                continue
            if str(row[j]).strip() == "":
                continue
            cell_unit = unit if unit is not None else header_unit.get(j)  # 本年累计(亿元)
            rows.append(
                _stat_cell(
                    indicator, cell_unit, header, row[j], period, park_text, r + 1, j, sheet, path
                )
            )
    frame = pd.DataFrame(rows)
    return frame.dropna(subset=["indicator"]) if len(frame) else frame


def _park_from_text(text: str) -> str | None:
    match = re.search(r"(?:园区|单位|填报单位|开发区)\s*[:：]\s*(\S+)", text)
    return match.group(1) if match else (text.strip() or None)


def _stat_cell(
    indicator: str,
    unit: object,
    header: str,
    value: object,
    period: tuple[str, int | None] | None,
    park_text: str | None,
    excel_row: int,
    col: int,
    sheet: str,
    path: Path,
) -> dict[str, object]:
    from openpyxl.utils import get_column_letter

    year, month = period if period else (None, None)
    code: str | None = indicator
    unit_text = None if unit is None else str(unit)
    prior = bool(_PRIOR.search(header))
    if _YOY.search(header) and not prior:
        code, unit_text = f"{indicator}增速", "%"
        basis = "month" if _MONTH.search(header) else "ytd"
    elif _MONTH.search(header):
        basis = "month"
    elif _YTD.search(header) or prior:
        basis = "ytd"
    else:
        code = None  # a column we do not read (序号, 排名 …)
        basis = "ytd"
    if year is not None and prior:
        year = str(int(year) - 1)
    if basis == "ytd" and month in (None, 12):  # the whole year's 累计 is the annual figure
        basis, period_code = "annual", str(year)
    else:
        period_code = f"{year}-{month or 12:02d}"
    return {
        "park_id": park_text,
        "indicator": code,
        "period": period_code if year is not None else None,
        "basis": basis,
        "value": str(value),
        "unit": unit_text,
        "source": f"{path.name} / {sheet} / row {excel_row}, column {get_column_letter(col + 1)}",
        "origin_file": path.name,
        "origin_sheet": sheet,
        "origin_row": excel_row,
        "origin_column": header,
    }


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one input file by its extension (.csv, .txt, .tsv, .parquet, .xlsx, .xlsm)."""
    path = Path(path)
    if not path.exists():
        raise InputError([_file_issue(path, "file not found", "check the path")])
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return melt_wide(read_csv(path))
    if suffix in (".parquet", ".pq"):
        return melt_wide(read_parquet(path))
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path)
    if suffix == ".xls":
        raise InputError(
            [
                _file_issue(
                    path,
                    "old .xls workbooks are not read",
                    "open it in Excel or WPS and save as .xlsx",
                )
            ]
        )
    raise InputError(
        [_file_issue(path, f"unknown file type {suffix!r}", "use .csv, .xlsx or .parquet")]
    )
