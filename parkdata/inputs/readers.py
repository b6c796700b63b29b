"""Read input files into raw tables of text, each row carrying where it came from.

Supported: tidy or wide CSV / TSV (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030 and
Big5/Big5-HKSCS recognised by charset-normalizer; a file mixing encodings is an error naming its
first bad line), Parquet, and Excel workbooks (formula cells need their saved value) — tidy or
wide sheets, or sheets laid out as statistics offices publish them (see :mod:`parkdata.statsheet`).
Nothing here interprets values: that is the checks' job (:mod:`parkdata.observations` and friends).
Row numbers are spreadsheet row numbers (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

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
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: The legacy Chinese encodings charset-normalizer may choose among, and the codec read for each.
_LEGACY_CANDIDATES = {
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "big5hkscs",
}
_LEGACY_SAMPLE = 1 << 18  # bytes charset-normalizer looks at
_UTF8_CJK = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf][\x80-\xbf]){2}")
_TEXT_EVIDENCE = 4  # multibyte surplus (two CJK characters) that proves the lines before were text
_XML_NAME = rb"(?:([A-Za-z_][\w.-]*:))?"
_XML_FORMULA = re.compile(rb"<" + _XML_NAME + rb"f[\s/>]")
_XML_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>([^<]*)<")
_XML_TYPE = re.compile(rb'\st="(\w+)"')
_XML_REF = re.compile(rb'\sr="([A-Z]+[0-9]+)"')
_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "gb18030": "GBK/GB18030",
    "big5hkscs": "Big5",
    "cp950": "Big5",
}
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


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str | None:
    """The encoding of a text file, from its first MB: ``utf-8-sig`` / ``utf-16`` by their BOM,
    ``utf-8`` if the sample decodes as UTF-8 (plain ASCII too), else the legacy Chinese encoding
    charset-normalizer recognises in it: ``gb18030`` (a superset of GBK and GB2312, what Excel
    writes on Simplified-Chinese Windows) or ``big5hkscs`` (Big5 and Big5-HKSCS, Traditional
    Chinese). None when the text is none of these.

    Only the sample is read here; a file that is UTF-8 at first and changes later is caught
    when it is read (:func:`read_csv` names the first line that is not).
    """
    with path.open("rb") as fh:
        head = fh.read(sample_bytes)
        whole = not fh.read(1)
    if head.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    sample = head if whole else head[: head.rfind(b"\n") + 1] or head
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return _legacy_encoding(sample)
    return "utf-8"


def _legacy_encoding(sample: bytes) -> str | None:
    """``gb18030`` or ``big5hkscs`` when charset-normalizer reads ``sample`` (whole lines) as
    Simplified or Traditional Chinese in one of them; None when neither reads as text."""
    # charset-normalizer is imported only when a file is not UTF-8
    from charset_normalizer import from_bytes

    if len(sample) > _LEGACY_SAMPLE:  # whole lines: a cut inside a character decodes as nothing
        sample = sample[: sample.rfind(b"\n", 0, _LEGACY_SAMPLE) + 1] or sample[:_LEGACY_SAMPLE]
    best = from_bytes(sample, cp_isolation=list(_LEGACY_CANDIDATES)).best()
    if best is None:
        return None
    return _LEGACY_CANDIDATES[best.encoding]


@dataclass(frozen=True)
class _BadLine:
    """The first line of a file an encoding cannot decode."""

    line: int  # 1-based; the header is line 1
    offset: int  # of the line's first byte
    data: bytes  # the line, without its newline
    after_text: bool  # lines before it hold non-ASCII text that decoded: the file mixes encodings


def _line_parts(path: Path, chunk: int = 1 << 24) -> Iterator[tuple[bytes, int, int]]:
    """``path`` in line-aligned parts (memory stays bounded), each with the number of lines and
    bytes before it. For UTF-8, GB18030 and Big5 a newline byte is always a newline, so lines
    can be cut on the bytes."""
    line = offset = 0
    carry = b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(chunk)
            data = carry + block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            part, carry = data[:cut], data[cut:]
            yield part, line, offset
            line += part.count(b"\n")
            offset += len(part)
            if not block:
                return


def _line_at(part: bytes, line: int, offset: int, at: int, after_text: bool) -> _BadLine:
    """The line of ``part`` that holds byte ``at`` (``line``/``offset``: before ``part``)."""
    start = part.rfind(b"\n", 0, at) + 1
    end = part.find(b"\n", at)
    data = part[start : len(part) if end < 0 else end].rstrip(b"\r")
    return _BadLine(line + part.count(b"\n", 0, start) + 1, offset + start, data, after_text)


def _first_bad_line(path: Path, encoding: str) -> _BadLine | None:
    """The first line ``encoding`` cannot decode; None when every line decodes."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    surplus = 0  # bytes beyond one a character so far: text, not plain ASCII
    bom = False
    for part, line, offset in _line_parts(path):
        skip = 0
        if offset == 0 and codec == "utf-8" and part.startswith(_UTF8_BOM):
            skip, bom = 3, True
        try:
            text = part[skip:].decode(codec)
        except UnicodeDecodeError as exc:
            bad = exc.start + skip
            before = part[skip : part.rfind(b"\n", 0, bad) + 1]
            surplus += len(before) - len(before.decode(codec))
            return _line_at(part, line, offset, bad, bom or surplus >= _TEXT_EVIDENCE)
        surplus += len(part) - skip - len(text)
    return None


def _utf8_line(path: Path) -> _BadLine | None:
    """The first line of a GBK or Big5 file that is UTF-8 Chinese (pasted in from another file):
    such a line also decodes as GBK, into garbage (中文 → 涓枃), so it is looked for. Candidates
    come from a byte pattern (two UTF-8 CJK characters in a row); a line counts only when all of
    it decodes as UTF-8, which real GBK or Big5 text almost never does."""
    for part, line, offset in _line_parts(path):
        for match in _UTF8_CJK.finditer(part):
            found = _line_at(part, line, offset, match.start(), True)
            if _decodes(found.data, "utf-8"):
                return found
    return None


def _undetected_issue(path: Path, label: str) -> Issue:
    """Why no encoding reads the start of ``path``: GBK or Big5 lines with a UTF-8 line pasted
    among them (a mixed file), or text in none of the encodings read."""
    pasted = _utf8_line(path)
    if pasted is not None and pasted.line > 2:
        with path.open("rb") as fh:
            before = fh.read(min(pasted.offset, _LEGACY_SAMPLE))
        legacy = _legacy_encoding(before)
        if legacy is not None:
            return _mixed_issue(label, legacy, pasted)
    return _not_text_issue(label, _first_bad_line(path, "utf-8"))


def _encoding_name(encoding: str | None) -> str:
    return _ENCODING_NAMES.get(encoding or "", encoding or "an unknown encoding")


def _shown_line(data: bytes, encoding: str | None) -> str:
    text = data.decode(encoding or "gb18030", errors="replace")
    return text if len(text) <= 80 else text[:77] + "…"


def _not_text_issue(label: str, line: _BadLine | None) -> Issue:
    as_gb = "" if line is None else f"; line {line.line} as GB18030 reads as garbage"
    return Issue(
        label,
        None,
        None,
        None if line is None else _shown_line(line.data, "gb18030"),
        f"text is neither UTF-8 nor GBK/GB18030 nor Big5{as_gb}",
        "save it as UTF-8 CSV (Excel: Save As → CSV UTF-8)",
    )


def _line_encoding(data: bytes, not_this: str) -> str | None:
    """The encoding one line of bytes reads in (UTF-8, GB18030 or Big5), other than ``not_this``."""
    try:
        data.decode("utf-8")
        found: str | None = "utf-8"
    except UnicodeDecodeError:
        found = _legacy_encoding(data)
    return None if found is None or _encoding_name(found) == _encoding_name(not_this) else found


def _decoding_problem(path: Path, label: str, encoding: str) -> tuple[Issue | None, str | None]:
    """Why ``path`` did not decode as ``encoding``: ``(issue, None)`` to report, or
    ``(None, encoding)`` to try next: the legacy encoding of a file that is plain ASCII for its
    first MB, Big5 as Microsoft writes it (cp950), or GB18030 for a file taken for Big5 whose
    first Chinese line is not Big5. Lines of text before the first bad one mean the file mixes
    encodings: an error, never a second guess."""
    bad = None if encoding == "utf-16" else _first_bad_line(path, encoding)
    if bad is None:  # pandas failed where line-by-line decoding did not: say so plainly
        return _file_issue(label, f"text is not valid {_encoding_name(encoding)}"), None
    if encoding == "big5hkscs" and _decodes(bad.data, "cp950"):
        return None, "cp950"
    if bad.after_text:
        return _mixed_issue(label, encoding, bad), None
    if encoding in ("utf-8", "utf-8-sig"):  # ASCII for the first MB, then GBK or Big5
        with path.open("rb") as fh:
            fh.seek(bad.offset)
            sample = fh.read(_LEGACY_SAMPLE)
        legacy = _legacy_encoding(sample[: sample.rfind(b"\n") + 1] or sample)
        return (None, legacy) if legacy else (_not_text_issue(label, bad), None)
    if encoding in ("big5hkscs", "cp950"):
        return None, "gb18030"
    return _not_text_issue(label, bad), None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _mixed_issue(label: str, encoding: str, bad: _BadLine) -> Issue:
    other = _line_encoding(bad.data, encoding)
    looks = f"reads as {_encoding_name(other)}" if other else "is in another encoding"
    before = "line 1 is" if bad.line == 2 else f"lines 1–{bad.line - 1} are"
    return Issue(
        label,
        bad.line,
        None,
        _shown_line(bad.data, other),
        f"the file mixes encodings: {before} {_encoding_name(encoding)}, but line "
        f"{bad.line} is not ({looks}); no row of the file was read",
        "save the whole file in one encoding (UTF-8: in Excel, Save As → CSV UTF-8); "
        f"line {bad.line} was probably pasted from another file",
    )


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
        except Exception as exc:  # pyarrow rejects some files the C parser reads (ragged rows…)
            if "invalid UTF8" in str(exc):  # …but not bytes that are not UTF-8: no second try
                raise UnicodeDecodeError(encoding, b"", 0, 1, str(exc)) from None
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


def read_csv_cells(path: Path, label: str | None = None) -> RawTable:
    """A CSV / TSV as text cells under its headers as written (stripped), with origin columns
    (the header is row 1) and blank rows left out; no column is renamed. The encoding is
    detected (:func:`detect_encoding`); a file that mixes encodings (UTF-8 with a GBK row pasted
    in) is an error naming the first line that is not in the file's encoding and what it looks
    like: no row of it is read.
    """
    label = label or path.name
    encoding = detect_encoding(path)
    if encoding is None:
        raise InputError([_undetected_issue(path, label)])
    tried = {encoding}
    while True:
        try:
            frame = _read_csv_text(path, encoding, _separator(path, encoding))
            break
        except UnicodeDecodeError:
            issue, retry = _decoding_problem(path, label, encoding)
            if issue is not None or retry is None or retry in tried:
                raise InputError([issue or _not_text_issue(label, None)]) from None
            encoding = retry
            tried.add(retry)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError([_file_issue(label, f"not a readable CSV ({exc})")]) from None
    if encoding not in ("utf-8", "utf-8-sig", "utf-16"):
        pasted = _utf8_line(path)
        if pasted is not None:
            raise InputError([_mixed_issue(label, encoding, pasted)])
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
    frame = _with_origin(frame, label, None, first_row=2)
    blank = frame.drop(columns=list(ORIGIN_COLUMNS), errors="ignore").eq("").all(axis=1)
    return RawTable(frame[~blank].reset_index(drop=True), issues)


def read_csv(path: Path, label: str | None = None) -> RawTable:
    """Read a CSV / TSV of the contract's tables: :func:`read_csv_cells`, headers mapped to the
    contract's columns (:func:`rename_columns`) and wide tables melted (:func:`melt_wide`)."""
    label = label or path.name
    raw = read_csv_cells(path, label)
    return RawTable(melt_wide(rename_columns(raw.frame, label)), raw.issues)


def read_parquet_cells(path: Path, label: str | None = None) -> RawTable:
    """A Parquet file (typed columns kept, none renamed) with origin columns (first row = 1)."""
    label = label or path.name
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError([_file_issue(label, f"not a readable Parquet file ({exc})")]) from None
    return RawTable(_with_origin(frame, label, None, first_row=1))


def read_parquet(path: Path, label: str | None = None) -> RawTable:
    """Read a Parquet file (typed columns kept) with origin columns (first data row = row 1)."""
    label = label or path.name
    raw = read_parquet_cells(path, label)
    return RawTable(melt_wide(rename_columns(raw.frame, label)))


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


def _header_and_rows(
    grid: list[list[object]], header_at: int
) -> tuple[list[str], list[list[object]]]:
    """The header row of a sheet as text (``col<j>`` where blank) and the rows below it, padded."""
    header = [str(c).strip() if c is not None else f"col{j}" for j, c in enumerate(grid[header_at])]
    return header, [r + [None] * (len(header) - len(r)) for r in grid[header_at + 1 :]]


def _read_tidy_sheet(
    grid: list[list[object]], header_at: int, label: str, sheet: str
) -> pd.DataFrame:
    header, values = _header_and_rows(grid, header_at)
    frame = pd.DataFrame(
        [[_cell_text(c) for c in r[: len(header)]] for r in values], columns=header, dtype="str"
    )
    frame = _ambiguous_periods(rename_columns(frame, label, sheet), values, header)
    frame["origin_file"], frame["origin_sheet"] = label, sheet
    frame["origin_row"] = range(header_at + 2, header_at + 2 + len(frame))
    blank = frame.drop(columns=["origin_file", "origin_sheet", "origin_row"]).isna().all(axis=1)
    return melt_wide(frame[~blank].reset_index(drop=True))


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding its XML, from the workbook part and its relations."""

    def relations(part: str) -> dict[str, tuple[str, str]]:  # id → (type, member)
        folder = posixpath.dirname(part)
        rels = posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels")
        found = {}
        for rel in ElementTree.fromstring(book.read(rels)):
            ref = rel.get("Target", "")
            member = ref.lstrip("/") if ref.startswith("/") else posixpath.join(folder, ref)
            found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(member))
        return found

    workbook = next(
        (m for kind, m in relations("").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    members = {i: m for i, (_, m) in relations(workbook).items()}
    parts = {}
    for sheet in ElementTree.fromstring(book.read(workbook)).iter():
        if str(sheet.tag).endswith("}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
            parts[sheet.get("name", "")] = members.get(rid, "")
    return parts


def uncached_formulas(path: Path) -> dict[str, list[str]]:
    """Formula cells with no saved value, by sheet name (cell references like ``B7``).

    Excel saves each formula's last result beside it; programs that write workbooks without
    calculating (openpyxl, some exporters) leave it out, so the cell reads as empty. Found in the
    sheets' XML (a ``<f>`` element with no ``<v>`` value): openpyxl's ``data_only`` loading cannot
    tell such a cell from an empty one. A formula whose saved result is an empty string
    (``t="str"``) has a value.
    """
    found: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(path) as book:
            for sheet, part in _sheet_parts(book).items():
                if sheet.startswith(SKIPPED_SHEET_PREFIXES) or part not in book.namelist():
                    continue
                cells = _uncached_cells(book.read(part))
                if cells:
                    found[sheet] = cells
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):  # openpyxl read it: no worse
        return found
    return found


def _uncached_cells(xml: bytes) -> list[str]:
    """References of the cells of one sheet's XML that hold a formula but no saved value."""
    cells = []
    for match in _XML_FORMULA.finditer(xml):
        prefix = match.group(1) or b""
        start = max(xml.rfind(b"<" + prefix + b"c ", 0, match.start()), 0)
        head_end = xml.find(b">", start)
        end = xml.find(b"</" + prefix + b"c>", match.end())
        body = xml[head_end + 1 : end if end >= 0 else len(xml)]
        head = xml[start:head_end]
        kind = _XML_TYPE.search(head)
        value = _XML_VALUE.search(body)
        if value is not None and (value.group(1).strip() or (kind and kind.group(1) == b"str")):
            continue
        ref = _XML_REF.search(head)
        cells.append(ref.group(1).decode() if ref else "?")
    return cells


def _formula_issue(label: str, sheet: str, cells: list[str]) -> Issue:
    shown = ", ".join(cells[:10]) + (f" … ({len(cells)} cells)" if len(cells) > 10 else "")
    return _file_issue(
        label,
        f"formula cells without a saved value ({shown}): the workbook was written by a program "
        "that does not calculate formulas, so they would read as empty; the sheet was not read",
        "open and save the workbook in Excel (or WPS) so the formulas are calculated, or give "
        "values instead of formulas",
        sheet=sheet,
    )


def workbook_grids(
    path: Path, label: str | None = None
) -> tuple[list[tuple[str, list[list[object]]]], list[Issue]]:
    """(sheet name, cell grid) of every sheet of a workbook that holds data, and the problems
    met: sheets named 说明… / 参考… / _… are instructions and are left out, empty sheets too;
    a sheet with formula cells that have no saved value (:func:`uncached_formulas`) is an
    issue naming the cells, not a grid. Merged cells are filled from their top-left cell and
    percent-formatted cells read as shown (12.5 for 12.5%)."""
    # heavy: openpyxl is imported only when an Excel file is read
    import openpyxl

    label = label or path.name
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError([_file_issue(label, f"not a readable Excel workbook ({exc})")]) from None
    grids: list[tuple[str, list[list[object]]]] = []
    issues: list[Issue] = []
    uncached = uncached_formulas(path)
    for ws in book.worksheets:
        if ws.title.startswith(SKIPPED_SHEET_PREFIXES):
            continue
        if ws.title in uncached:
            issues.append(_formula_issue(label, ws.title, uncached[ws.title]))
            continue
        grid = _sheet_grid(ws)
        if any(any(c is not None for c in row) for row in grid):
            grids.append((ws.title, grid))
    return grids, issues


def grid_cells(grid: list[list[object]], header_at: int, label: str, sheet: str) -> pd.DataFrame:
    """The rows below ``grid[header_at]`` as text cells under its headers (as written, stripped;
    a blank header is ``col<j>``), with origin columns; blank rows left out, nothing renamed."""
    header, values = _header_and_rows(grid, header_at)
    frame = pd.DataFrame(
        [[_cell_text(c) for c in r[: len(header)]] for r in values], columns=header, dtype="str"
    )
    frame = _with_origin(frame, label, sheet, first_row=header_at + 2)
    blank = frame.drop(columns=list(ORIGIN_COLUMNS), errors="ignore").isna().all(axis=1)
    return frame[~blank].reset_index(drop=True)


def read_excel(path: Path, label: str | None = None) -> RawTable:
    """Read every sheet of a workbook; a sheet that cannot be read is reported, the rest kept.

    A sheet with formula cells that have no saved value (:func:`uncached_formulas`) is an error
    naming the cells, and is not read.
    """
    label = label or path.name
    grids, issues = workbook_grids(path, label)
    frames: list[pd.DataFrame] = []
    for title, grid in grids:
        header_at, layout = _find_header(grid)
        try:
            if layout == "tidy":
                frames.append(_read_tidy_sheet(grid, header_at, label, title))
            elif layout == "stat":
                frames.append(pd.DataFrame(read_stat_sheet(grid, header_at, label, title)))
            else:
                issues.append(
                    _file_issue(
                        label,
                        f"sheet {title!r} has no header row with 园区/指标/时期/数值 or "
                        "指标名称/本月/本年累计",
                        "add a header row, or rename the sheet to start "
                        "with 说明 if it holds no data",
                        sheet=title,
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
