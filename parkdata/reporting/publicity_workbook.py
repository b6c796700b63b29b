"""The 公示 workbook: the ranked list of a park's 亩均效益 classes, ready to print and post.

:func:`write_publicity` writes one park-year: a 公示名单 sheet per scheme (规上, 规下) with a
title row, a header with units, the ranked firms (排名, 统一社会信用代码, 企业名称, 类别, 综合得分,
the scheme's indicators, 备注) and after them the forced-D, unscored and unrated firms with
the reason in words; an 异议登记 objection log (a drop-down for 处理结果, date cells); and a 说明
sheet (scheme, weights, benchmarks, cut-offs, rules, data files and rows, the parkdata version,
and a bold 虚构示例数据 line when any firm is fictional; the title says so too).
:func:`write_all_publicity` writes every park-year of a classification in one workbook: a 汇总
sheet with the class counts, one sheet per park (规上 and 规下 in blocks) and the 说明.

Every text cell taken from data goes through :func:`parkdata.files.neutral_cell` (a firm named
``=cmd|'/c calc'!A1`` stays text), characters a workbook cannot hold are dropped, numbers are
stored as numbers with number formats, and the file is written atomically. The input is the
table of :func:`parkdata.assessment.enterprise_results.classify_parks`; words come from
``firm_batch`` in ``data/text.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata.assessment.enterprise_results import CLASSES
from parkdata.assessment.enterprise_scheme import (
    DEFAULT_RULES,
    INDICATORS,
    INPUTS,
    SCHEMES,
    check_cutoffs,
)
from parkdata.errors import ArgumentError
from parkdata.files import neutral_cell, write_atomic
from parkdata.inputs.firm_totals import compact_rows
from parkdata.reporting.formatting import share_cut
from parkdata.reporting.wording import check_language, sep, text, unit_name
from parkdata.version import __version__

__all__ = ["publicity_order", "sheet_names", "write_all_publicity", "write_publicity"]

_STATUS_ORDER = {"ranked": 0, "forced_D": 1, "not_scored": 2, "not_rated": 3}
_MAX_SHEET = 31
_BAD_SHEET = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an .xlsx cell cannot hold
_OBJECTION_ROWS = 200
_EXCEL_2000 = 36526  # 2000-01-01 as an Excel date serial
_KEY = ["park_id", "year"]
_T = "firm_batch."


def _w(key: str, lang: str, **params: Any) -> str:
    return text(_T + key, lang, **params)


def _cell(value: Any) -> Any:
    """A value for a cell: text without characters a workbook cannot hold, formulas
    neutralised; NaN / NA blank; numbers as numbers."""
    if value is None:
        return None
    if isinstance(value, str):
        return neutral_cell(_ILLEGAL.sub("", value))
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars → Python numbers
        return value.item()
    return value


def _utf16_len(name: str) -> int:
    return len(name.encode("utf-16-le")) // 2  # Excel counts UTF-16 code units


def _clip(name: str, limit: int) -> str:
    while _utf16_len(name) > limit:
        name = name[:-1]
    return name


def sheet_names(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Excel-safe, unique sheet names for ``names`` (in order): no ``[]:*?/\\`` or control
    characters, no apostrophe at either end, at most 31 characters, unique ignoring case and
    different from ``taken``; a clash gets ``~2``, ``~3`` … within the 31 characters.

    >>> sheet_names(["示例园区", "示例园区", "a/b", "x" * 40])
    ['示例园区', '示例园区~2', 'a_b', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    used = {t.casefold() for t in taken} | {"history"}  # Excel reserves History
    out = []
    for raw in names:
        base = _BAD_SHEET.sub("_", str(raw)).strip().strip("'").strip() or "Sheet"
        name, n = _clip(base, _MAX_SHEET).strip("'") or "Sheet", 1
        while name.casefold() in used:
            n += 1
            suffix = f"~{n}"
            name = _clip(base, _MAX_SHEET - len(suffix)).strip("'") + suffix
        used.add(name.casefold())
        out.append(name)
    return out


def publicity_order(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` in the order of the list: ranked firms by rank (ties by score, then name), then
    forced-D, unscored and unrated firms (each by name)."""
    key = rows["status"].map(_STATUS_ORDER).fillna(len(_STATUS_ORDER))
    order = pd.DataFrame(
        {
            "key": key,
            "rank": pd.to_numeric(rows["rank"], errors="coerce"),
            "score": -pd.to_numeric(rows["score"], errors="coerce"),
            "name": rows["name"].astype(str),
            "id": rows["enterprise_id"].astype(str),
        },
        index=rows.index,
    )
    ordered = order.sort_values(["key", "rank", "score", "name", "id"], na_position="last")
    return rows.loc[ordered.index]


@dataclass
class _Group:
    """The firms of one park, year and scheme, in list order."""

    park_id: str
    year: int
    scheme: str
    rows: pd.DataFrame
    cutoffs: tuple[float, float, float]

    @property
    def fictional(self) -> bool:
        return "fictional" in self.rows and bool(self.rows["fictional"].fillna(False).any())


def _scheme_name(code: str, classified: pd.DataFrame) -> str:
    names = classified.attrs.get("schemes") or {}
    if code in SCHEMES:
        return SCHEMES[code].name
    return str(names.get(code) or code)


def _scope(code: str, rows: pd.DataFrame, lang: str) -> str:
    scope = SCHEMES[code].scope if code in SCHEMES else "all"
    if scope == "all" and "above_scale" in rows:
        scales = set(rows["above_scale"].dropna().astype(bool))
        if len(scales) == 1:
            scope = "above_scale" if scales.pop() else "below_scale"
    return _w("scope_all", lang) if scope == "all" else text(f"enterprise.{scope}", lang)


def _cutoffs_of(classified: pd.DataFrame, park: str, year: int, scheme: str) -> tuple:
    for group in classified.attrs.get("groups") or []:
        if (group.get("park_id"), group.get("year"), group.get("scheme")) == (park, year, scheme):
            return check_cutoffs(group["cutoffs"])
    if isinstance(classified.attrs.get("cutoffs"), (tuple, list)):
        return check_cutoffs(classified.attrs["cutoffs"])
    return SCHEMES[scheme].cutoffs if scheme in SCHEMES else (0.20, 0.60, 0.95)


def _groups(classified: pd.DataFrame) -> list[_Group]:
    """One group per (park_id, year, scheme), parks and years in order, 规上 before 规下."""
    missing = [
        c for c in ("enterprise_id", "name", *_KEY, "status", "class") if c not in classified
    ]
    if missing:
        raise ArgumentError(
            f"the table has no {missing}: give the result of classify_parks (one row per firm)"
        )
    table = classified.copy()
    if "scheme" not in table:
        table["scheme"] = classified.attrs.get("scheme", "")
    table["scheme"] = table["scheme"].fillna("").astype(str)
    known = list(SCHEMES)
    rank = {c: i for i, c in enumerate(known)}
    groups = []
    for (park, year), rows in table.groupby(_KEY, sort=True, dropna=False):
        schemes = sorted(set(rows["scheme"]), key=lambda s: (s == "", rank.get(s, len(rank)), s))
        for scheme in schemes:
            part = rows[rows["scheme"] == scheme]
            cuts = _cutoffs_of(classified, str(park), int(year), scheme)
            groups.append(_Group(str(park), int(year), scheme, publicity_order(part), cuts))
    return groups


def _indicators(group: _Group) -> list[str]:
    """The scheme's indicators in the catalog's order (or those the rows have values for)."""
    if group.scheme in SCHEMES:
        wanted = set(SCHEMES[group.scheme].weights)
    else:
        wanted = {c for c in INDICATORS if c in group.rows and group.rows[c].notna().any()}
    return [c for c in INDICATORS if c in wanted]


def _is_share(code: str) -> bool:
    return INDICATORS[code].unit.startswith("比值")  # a fraction: shown as a percentage


def _indicator_header(code: str, lang: str) -> str:
    ind = INDICATORS[code]
    name = ind.zh if lang == "zh" else ind.en
    unit = _w("percent_unit", lang) if _is_share(code) else unit_name(ind.unit, lang)
    return _w("col_indicator", lang, name=name, unit=unit)


def _rules(classified: pd.DataFrame) -> dict[str, dict[str, Any]]:
    rules = {r.column: {"zh": r.label, "en": r.label_en or r.column, "below": r.below}
             for r in DEFAULT_RULES}  # fmt: skip
    rules.update(classified.attrs.get("rules") or {})
    return rules


def _input_name(column: str, lang: str) -> str:
    spec = INPUTS.get(column)
    return column if spec is None else (spec.zh if lang == "zh" else spec.en)


def _indicator_name(code: str, lang: str) -> str:
    spec = INDICATORS.get(code)
    return code if spec is None else (spec.zh if lang == "zh" else spec.en)


def _note(row: Mapping[str, Any], rules: Mapping[str, Any], scope: str, lang: str) -> str:
    """备注: why a firm is forced to D, not rated or not scored, and filled-mean notes."""
    fired = [c for c in str(row.get("rules_fired") or "").split(";") if c]
    labels = sep("list", lang).join(
        str((rules.get(c) or {}).get(lang) or (rules.get(c) or {}).get("zh") or c) for c in fired
    )
    parts = []
    status = row.get("status")
    if status == "forced_D":
        parts.append(_w("note_forced_D", lang, rules=labels))
    elif status == "not_rated":
        if fired:
            parts.append(_w("note_not_rated", lang, rules=labels))
        else:
            parts.append(_w("note_out_of_scope", lang, scope=scope))
    elif status == "not_scored":
        parts.append(_w("note_not_scored", lang))
    for note in str(row.get("indicator_notes") or "").split(";"):
        code, _, rest = note.partition(":")
        what, _, column = rest.partition(":")
        if what in ("missing", "zero") and status == "not_scored":
            parts.append(
                _w(
                    f"note_{what}",
                    lang,
                    column=_input_name(column, lang),
                    indicator=_indicator_name(code, lang),
                )
            )
        elif what == "filled_mean" and status != "not_rated":
            parts.append(_w("note_filled_mean", lang, indicator=_indicator_name(code, lang)))
    return sep("semicolon", lang).join(parts)


def _park_name(park_id: str, park_names: Mapping[str, str] | None) -> str:
    return str((park_names or {}).get(park_id) or park_id)


# -- sheet building (openpyxl objects are passed in: the module imports it only where used) ------


class _Styles:
    """The few styles of the workbook (openpyxl objects, built once per workbook)."""

    def __init__(self) -> None:
        # heavy: openpyxl is imported only where a workbook is written
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(bold=True, size=14)
        self.bold = Font(bold=True)
        self.alarm = Font(bold=True, color="C00000")
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.wrap = Alignment(wrap_text=True, vertical="center")
        self.centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left_top = Alignment(wrap_text=True, vertical="top")


def _print_setup(ws: Any, title_rows: str | None) -> None:
    """Landscape A4, fit to the page width, header rows repeated, page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&P / &N"


def _title(ws: Any, row: int, value: str, width: int, st: _Styles, height: float = 36) -> None:
    cell = ws.cell(row=row, column=1, value=_cell(value))
    cell.font = st.title
    cell.alignment = st.centre
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = height


def _columns(group: _Group, lang: str) -> list[tuple[str, str, float, str | None]]:
    """(field, header, width, number format) of a list's columns."""
    cols: list[tuple[str, str, float, str | None]] = [
        ("rank", _w("col_rank", lang), 7, "0"),
        ("enterprise_id", _w("col_id", lang), 22, None),
        ("name", _w("col_name", lang), 30, None),
        ("class", _w("col_class", lang), 7, None),
        ("score", _w("col_score", lang), 10, "0.00"),
    ]
    for code in _indicators(group):
        fmt = "0.00%" if _is_share(code) else "#,##0.00"
        cols.append((code, _indicator_header(code, lang), 14, fmt))
    cols.append(("note", _w("col_note", lang), 40, None))
    return cols


def _write_block(
    ws: Any,
    row: int,
    group: _Group,
    classified: pd.DataFrame,
    lang: str,
    st: _Styles,
    heading: str | None,
) -> tuple[int, int]:
    """Write one scheme's list from ``row``; returns (the header's row, the next free row)."""
    cols = _columns(group, lang)
    scope = _scope(group.scheme, group.rows, lang)
    rules = _rules(classified)
    if heading is not None:
        cell = ws.cell(row=row, column=1, value=_cell(heading))
        cell.font = st.bold
        row += 1
    header_row = row
    for j, (_, header, width, _fmt) in enumerate(cols, start=1):
        cell = ws.cell(row=row, column=j, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = (
            st.bold,
            st.header_fill,
            st.centre,
            st.border,
        )
        letter = cell.column_letter
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    ws.row_dimensions[row].height = 45
    for record in group.rows.to_dict("records"):
        row += 1
        record["note"] = _note(record, rules, scope, lang)
        for j, (field, _, _, fmt) in enumerate(cols, start=1):
            value = _cell(record.get(field))
            if field == "rank" and value is not None:
                value = int(value)
            cell = ws.cell(row=row, column=j, value=value)
            cell.border = st.border
            if fmt is not None and isinstance(value, (int, float)):
                cell.number_format = fmt
            if field in ("name", "note"):
                cell.alignment = st.wrap
            elif field in ("rank", "class"):
                cell.alignment = st.centre
    return header_row, row + 1


def _title_text(group: _Group, park: str, lang: str, with_scheme: bool, classified: Any) -> str:
    if with_scheme:
        title = _w(
            "title", lang, park=park, year=group.year, scheme=_scheme_name(group.scheme, classified)
        )
    else:
        title = _w("title_park", lang, park=park, year=group.year)
    return title + (_w("fictional_title", lang) if group.fictional else "")


def _list_sheet(
    wb: Any, name: str, groups: list[_Group], classified: Any, park: str, lang: str, st: _Styles
) -> Any:
    """A sheet with the lists of ``groups`` (one park-year): one block per scheme."""
    ws = wb.create_sheet(name)
    width = max(len(_columns(g, lang)) for g in groups)
    single = len(groups) == 1
    first = groups[0]
    title = _title_text(first, park, lang, single, classified)
    if any(g.fictional for g in groups) and not first.fictional:
        title += _w("fictional_title", lang)
    _title(ws, 1, title, width, st)
    row, header_rows = 2, []
    for group in groups:
        heading = _w(
            "block",
            lang,
            scope=_scope(group.scheme, group.rows, lang),
            n=len(group.rows),
            scheme=_scheme_name(group.scheme, classified),
        )
        header, row = _write_block(ws, row, group, classified, lang, st, heading)
        header_rows.append(header)
        if not single:
            row += 1  # a blank row between blocks
    if single:
        ws.freeze_panes = ws.cell(row=header_rows[0] + 1, column=4)
        _print_setup(ws, f"1:{header_rows[0]}")
    else:
        ws.freeze_panes = "A2"
        _print_setup(ws, "1:1")
        # heavy: see _Styles
        from openpyxl.worksheet.pagebreak import Break

        for header in header_rows[1:]:
            ws.row_breaks.append(Break(id=header - 2))  # each further scheme on a new page
    return ws


def _objection_sheet(
    wb: Any, park: str, year: int, fictional: bool, lang: str, st: _Styles
) -> None:
    """异议登记: an empty log with a drop-down for 处理结果 and date cells."""
    # heavy: see _Styles
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(_w("sheet_objections", lang))
    headers = [
        (_w("obj_no", lang), 6),
        (_w("col_name", lang), 28),
        (_w("col_id", lang), 22),
        (_w("obj_matter", lang), 36),
        (_w("obj_date", lang), 12),
        (_w("obj_contact", lang), 20),
        (_w("obj_check", lang), 36),
        (_w("obj_result", lang), 10),
        (_w("obj_reply", lang), 12),
    ]
    title = _w("obj_title", lang, park=park, year=year)
    _title(ws, 1, title + (_w("fictional_title", lang) if fictional else ""), len(headers), st)
    for j, (header, width) in enumerate(headers, start=1):
        cell = ws.cell(row=2, column=j, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = (
            st.bold,
            st.header_fill,
            st.centre,
            st.border,
        )
        ws.column_dimensions[cell.column_letter].width = width
    last = 2 + _OBJECTION_ROWS
    for r in range(3, last + 1):
        for j in range(1, len(headers) + 1):
            cell = ws.cell(row=r, column=j)
            cell.border = st.border
            if j in (5, 9):
                cell.number_format = "yyyy-mm-dd"
            elif j in (2, 4, 7):
                cell.alignment = st.wrap
    options = _w("obj_options", lang)
    choice = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
    choice.prompt = _w("obj_prompt", lang)
    choice.error = _w("obj_prompt", lang)
    choice.showInputMessage = choice.showErrorMessage = True
    choice.add(f"H3:H{last}")
    dates = DataValidation(
        type="date", operator="greaterThanOrEqual", formula1=str(_EXCEL_2000), allow_blank=True
    )
    dates.prompt = dates.error = _w("obj_date_prompt", lang)
    dates.showInputMessage = dates.showErrorMessage = True
    dates.add(f"E3:E{last}")
    dates.add(f"I3:I{last}")
    ws.add_data_validation(choice)
    ws.add_data_validation(dates)
    ws.freeze_panes = "A3"
    _print_setup(ws, "1:2")


def _notes_sheet(
    wb: Any,
    groups: list[_Group],
    classified: pd.DataFrame,
    park: str | None,
    lang: str,
    st: _Styles,
    class_lines: bool,
) -> None:
    """说明: scheme, weights, benchmarks, cut-offs, classes, rules, data files, version."""
    ws = wb.create_sheet(_w("sheet_notes", lang))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    for letter in "CDE":
        ws.column_dimensions[letter].width = 12
    row = 1
    if any(g.fictional for g in groups):
        cell = ws.cell(row=row, column=1, value=_w("fictional_line", lang))
        cell.font = st.alarm
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        row += 2

    def line(item: str, content: Any, bold: bool = False) -> None:
        nonlocal row
        a = ws.cell(row=row, column=1, value=item)
        a.font = st.bold
        a.alignment = st.left_top
        b = ws.cell(row=row, column=2, value=_cell(content))
        b.alignment = st.left_top
        if bold:
            b.font = st.bold
        row += 1

    for j, header in enumerate((_w("notes_item", lang), _w("notes_content", lang)), start=1):
        cell = ws.cell(row=row, column=j, value=header)
        cell.font, cell.fill = st.bold, st.header_fill
    row += 1
    if park is not None:
        line(_w("notes_park", lang), park)
        line(_w("notes_year", lang), str(groups[0].year) if groups else "")
    seen: set[str] = set()
    for group in groups:
        if group.scheme in seen:
            continue
        seen.add(group.scheme)
        row += 1
        line(_w("notes_scheme", lang), f"{_scheme_name(group.scheme, classified)}", bold=True)
        scheme = SCHEMES.get(group.scheme)
        if scheme is not None:
            note = scheme.note_zh if lang == "zh" else scheme.note_en
            source = " ".join(part for part in (scheme.source, note) if part)
            if source:
                line(_w("notes_source", lang), " ".join(source.split()))
            line(_w("notes_method", lang), _w(f"method_{scheme.method}", lang))
            line(_w("notes_weights", lang), "")
            row -= 1
            heads = (_w("col_unit", lang), _w("col_weight", lang), _w("col_benchmark", lang))
            for j, head in enumerate(heads, start=3):
                ws.cell(row=row, column=j, value=head).font = st.bold
            row += 1
            for code, weight in scheme.weights.items():
                ws.cell(row=row, column=2, value=_indicator_name(code, lang))
                ws.cell(row=row, column=3, value=unit_name(INDICATORS[code].unit, lang))
                ws.cell(row=row, column=4, value=float(weight)).number_format = "0.##"
                bench = scheme.benchmarks.get(code)
                if bench is not None and scheme.method == "benchmark":
                    ws.cell(row=row, column=5, value=float(bench)).number_format = "0.####"
                row += 1
        a, b, c = group.cutoffs
        line(
            _w("notes_cutoffs", lang),
            _w("cutoffs", lang, a=share_cut(a), b=share_cut(b), c=share_cut(c)),
        )
        if class_lines:
            line(_w("notes_classes", lang), "")
            row -= 1
            for text_line in _class_lines(group, lang):
                ws.cell(row=row, column=2, value=text_line)
                row += 1
    row += 1
    line(_w("notes_rules", lang), "")
    row -= 1
    for rule in DEFAULT_RULES:
        label = rule.label if lang == "zh" else (rule.label_en or rule.column)
        action = _w(f"action_{rule.action}", lang)
        ws.cell(row=row, column=2, value=_w("rule_line", lang, label=label, action=action))
        row += 1
    row += 1
    line(_w("notes_files", lang), "")
    row -= 1
    for file_line in _file_lines(classified, [g.park_id for g in groups], lang):
        ws.cell(row=row, column=2, value=_cell(file_line)).alignment = st.left_top
        row += 1
    row += 1
    line(_w("notes_generated", lang), _w("generated", lang, version=__version__))
    _print_setup(ws, None)
    ws.page_setup.orientation = "portrait"


def _class_lines(group: _Group, lang: str) -> list[str]:
    rows = group.rows
    ranked = rows[rows["status"] == "ranked"]
    lines = []
    for cls in CLASSES:
        n = int((rows["class"] == cls).sum())
        scores = pd.to_numeric(ranked.loc[ranked["class"] == cls, "score"], errors="coerce")
        if len(scores.dropna()):
            low, high = f"{scores.min():.2f}", f"{scores.max():.2f}"
            lines.append(_w("class_line", lang, cls=cls, n=n, low=low, high=high))
        else:
            lines.append(_w("class_line_unscored", lang, cls=cls, n=n))
    unrated = int(rows["class"].isna().sum())
    lines.append(_w("unrated_line", lang, n=unrated))
    return lines


def _file_lines(classified: pd.DataFrame, parks: Sequence[str], lang: str) -> list[str]:
    rows = classified[classified["park_id"].isin(set(parks))]
    if "origin_file" not in rows:
        return []
    lines = []
    for name, part in rows.groupby(rows["origin_file"].fillna("").astype(str), sort=True):
        sheets = part["origin_sheet"] if "origin_sheet" in part else pd.Series(dtype=object)
        sheet = sheets.dropna().astype(str).unique()
        label = f"{name} [{sheet[0]}]" if len(sheet) == 1 else name
        where = compact_rows(part["origin_row"], sep("list", lang)) if "origin_row" in part else ""
        lines.append(_w("file_line", lang, file=label or "—", rows=where, n=len(part)))
    return lines


def _save(wb: Any, path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ArgumentError(f"{path}: a 公示 workbook is written as .xlsx")
    write_atomic(path, wb.save)
    return path


def write_publicity(
    classified: pd.DataFrame,
    path: str | Path,
    language: str = "zh",
    park_names: Mapping[str, str] | None = None,
) -> Path:
    """Write the 公示 workbook of one park-year of ``classified`` (from ``classify_parks``):
    a 公示名单 sheet per scheme, 异议登记 and 说明 (module docstring). Returns the path."""
    check_language(language)
    groups = _groups(classified)
    keys = {(g.park_id, g.year) for g in groups}
    if len(keys) != 1:
        raise ArgumentError(
            f"write_publicity writes one park-year; the table holds {len(keys)} "
            "(use write_all_publicity, or select one park and year)"
        )
    # heavy: openpyxl takes a while to import and only workbook writers need it
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    st = _Styles()
    park = _park_name(groups[0].park_id, park_names)
    if len(groups) == 1:
        names = [_w("sheet_list", language)]
    else:
        names = sheet_names(
            _w("sheet_list_scope", language, scope=_scope(g.scheme, g.rows, language))
            for g in groups
        )
    for name, group in zip(names, groups, strict=True):
        _list_sheet(wb, name, [group], classified, park, language, st)
    fictional = any(g.fictional for g in groups)
    _objection_sheet(wb, park, groups[0].year, fictional, language, st)
    _notes_sheet(wb, groups, classified, park, language, st, class_lines=True)
    return _save(wb, Path(path))


def write_all_publicity(
    classified: pd.DataFrame,
    path: str | Path,
    language: str = "zh",
    park_names: Mapping[str, str] | None = None,
) -> Path:
    """Write every park-year of ``classified`` in one workbook: 汇总 (class counts per park,
    linked to the sheets), one sheet per park-year (its schemes in blocks) and 说明."""
    check_language(language)
    groups = _groups(classified)
    # heavy: see write_publicity
    from openpyxl import Workbook
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = Workbook()
    wb.remove(wb.active)
    st = _Styles()
    by_key: dict[tuple[str, int], list[_Group]] = {}
    for group in groups:
        by_key.setdefault((group.park_id, group.year), []).append(group)
    years = {year for _, year in by_key}
    labels = [
        _park_name(park, park_names) + (f" {year}" if len(years) > 1 else "")
        for park, year in by_key
    ]
    reserved = (_w("sheet_summary", language), _w("sheet_notes", language))
    names = sheet_names(labels, taken=reserved)
    summary = wb.create_sheet(_w("sheet_summary", language))
    heads = [
        (_w("sum_park", language), 28),
        (_w("sum_year", language), 8),
        (_w("sum_scheme", language), 26),
        (_w("sum_firms", language), 8),
        *((_w("sum_class", language, cls=c), 8) for c in CLASSES),
        (_w("sum_unrated", language), 12),
        (_w("sum_sheet", language), 28),
    ]
    fictional = any(g.fictional for g in groups)
    title = _w("index_title", language) + (_w("fictional_title", language) if fictional else "")
    _title(summary, 1, title, len(heads), st)
    for j, (head, width) in enumerate(heads, start=1):
        cell = summary.cell(row=2, column=j, value=head)
        cell.font, cell.fill, cell.alignment, cell.border = (
            st.bold,
            st.header_fill,
            st.centre,
            st.border,
        )
        summary.column_dimensions[cell.column_letter].width = width
    row = 3
    for name, ((park_id, year), park_groups) in zip(names, by_key.items(), strict=True):
        park = _park_name(park_id, park_names)
        _list_sheet(wb, name, park_groups, classified, park, language, st)
        for group in park_groups:
            rows = group.rows
            values = [
                park + (text("fictional_mark", language) if group.fictional else ""),
                year,
                _scheme_name(group.scheme, classified),
                len(rows),
                *(int((rows["class"] == c).sum()) for c in CLASSES),
                int(rows["class"].isna().sum()),
                name,
            ]
            for j, value in enumerate(values, start=1):
                cell = summary.cell(row=row, column=j, value=_cell(value))
                cell.border = st.border
            link = summary.cell(row=row, column=len(values))
            location = "'" + name.replace("'", "''") + "'!A1"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=location, display=name)
            link.style = "Hyperlink"
            link.border = st.border
            row += 1
    summary.freeze_panes = "B3"
    _print_setup(summary, "1:2")
    _notes_sheet(wb, groups, classified, None, language, st, class_lines=False)
    return _save(wb, Path(path))
