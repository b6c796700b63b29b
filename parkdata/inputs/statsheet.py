"""Sheets laid out as statistics offices publish them, turned into tidy rows.

Rows are indicators in Chinese (指标名称, with 一、/其中： prefixes and units in brackets); columns
are 本月 / 本年累计 / 上年同期 / 同比增长% (possibly under merged header cells, possibly with a
period in the header: 2020年, 2021年1-9月). The park comes from a ``填报单位：`` line or the title,
the period from the sheet name or the title, a default unit from a ``单位：万元`` line. Columns that
are not observations (计划, 目标, 占比, 排名 …) are left out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from parkdata.contract.periods import Period, find_period, parse_period
from parkdata.contract.units import is_known_unit
from parkdata.errors import InputError, Issue

STAT_INDICATOR_HEADER = re.compile(r"^(指标名称|指标|项目|项目名称)$")
STAT_VALUE_HEADER = re.compile(
    r"本月|当月|本期|本季|当季|累计|同比|增长|增速|增减|上年|去年|\d{4}年?|\d{1,2}月"
)

_NOT_OBSERVED = re.compile(
    r"计划|目标|预计|预算|任务|完成(?:率|比例|%)|完成.*%|占.*比|比重|排名|位次|序号|环比|上月"
)
_GROWTH = re.compile(r"同比|增长|增速|增幅|增减|±")
# 增减额, 增长额, 增减(亿元): an absolute change, not a rate
_DIFFERENCE = re.compile(r"增减(?!.*%)|增长额|增加额|增量")
_PRIOR = re.compile(r"上年|去年")
_THIS_MONTH = re.compile(r"本月|当月|同月")
_THIS_QUARTER = re.compile(r"本季|当季")
_THIS_PERIOD = re.compile(r"本期")  # the sheet's own period, as its title states it
_CUMULATIVE = re.compile(r"累计|本年|全年|1[-—–~至]\d{1,2}月")
_WHOLE_YEAR = re.compile(r"全年")
_MONTHS_ONLY = re.compile(r"(?<!\d)(?:1|01)月?[-—–~至](?P<m>\d{1,2})月")  # 1-9月 without a year
_ENUM_PREFIX = re.compile(
    r"^(?:[#*]|其中[:：]|[一二三四五六七八九十]+[、.]|\(?[0-9]+[)、.．]|（[0-9一二三四五六七八九十]+）)+"
)
_PARK_LINE = re.compile(r"(?:填报单位|园区名称|园区|开发区)\s*[:：]\s*(\S+)")
_UNIT_LINE = re.compile(r"(?<![报表填])(?:计量)?单位\s*[:：]\s*([^\s,，;；]+)")
_FORM_NUMBERING = re.compile(r"^(?:[甲乙丙丁戊]|\d+)$")  # 甲 / 乙 / 1 / 2 under a form's header


def column_letter(n: int) -> str:
    """The spreadsheet letter of column ``n`` (1 → A, 27 → AA).

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(703)
    ('A', 'Z', 'AA', 'AAA')
    """
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def fold_header(text: object) -> str:
    """Header text for matching: NFKC, lower case, no spaces (brackets kept: they hold units)."""
    return unicodedata.normalize("NFKC", str(text)).strip().lower().replace(" ", "")


@dataclass(frozen=True)
class ColumnSpec:
    """How one value column of a statistics sheet is read."""

    growth: bool
    basis: str
    period: str


def _shift_year(period: Period, years: int) -> Period:
    code = period.code.replace(str(period.year), str(period.year + years), 1)
    return Period(code, period.year + years, period.quarter, period.month, period.basis_hint)


def column_spec(header: str, sheet_period: Period | None) -> ColumnSpec | None:
    """The reading of a column from its (folded, merged) header; None for columns left out."""
    if not header or _NOT_OBSERVED.search(header):
        return None
    growth = bool(_GROWTH.search(header))
    if growth and _DIFFERENCE.search(header):
        return None
    own_period = header_period(header, sheet_period)
    month_col, quarter_col, period_col = (
        _THIS_MONTH.search(header),
        _THIS_QUARTER.search(header),
        _THIS_PERIOD.search(header),
    )
    cumulative, prior = _CUMULATIVE.search(header), _PRIOR.search(header)
    if not (growth or month_col or quarter_col or period_col or cumulative or prior or own_period):
        return None  # a column we do not read (e.g. 备注)
    period = own_period or sheet_period
    if period is None:
        raise ValueError("no period")
    if prior and not growth and own_period is None:  # 上年同期(2020年1-9月) already says its year
        period = _shift_year(period, -1)
    year, month = period.year, period.end_month
    if _WHOLE_YEAR.search(header):
        return ColumnSpec(growth, "annual", str(year))
    if month_col and not (month == 2 and period.basis_hint == "ytd"):  # 1-2月: 本月 is cumulative
        return ColumnSpec(growth, "month", f"{year}-{month:02d}")
    if period_col and period.month is not None and period.basis_hint is None:  # 2021年9月: 本期
        return ColumnSpec(growth, "month", f"{year}-{month:02d}")
    if quarter_col or (period.quarter is not None and not cumulative):
        if month % 3:
            return None  # 本季 in a sheet that does not end a quarter: not placeable
        return ColumnSpec(growth, "quarter", f"{year}Q{month // 3}")
    if month == 12 or (period.month is None and period.quarter is None):
        return ColumnSpec(growth, "annual", str(year))
    return ColumnSpec(growth, "ytd", f"{year}-{month:02d}")


def header_period(header: str, sheet_period: Period | None) -> Period | None:
    """A period written in a column header: 2021年1-9月, 2020, 1-9月 (the sheet's year), or a
    bare year in a sheet that covers part of a year (2020年 in a 1-9月 sheet is 2020's 1-9月)."""
    own = parse_period(header) or find_period(header)
    if own is None:
        months = _MONTHS_ONLY.search(header)
        if months and sheet_period is not None:
            return Period(
                f"{sheet_period.year}-{int(months['m']):02d}",
                sheet_period.year,
                month=int(months["m"]),
                basis_hint="ytd",
            )
        return None
    bare_year = own.code == str(own.year)
    if bare_year and sheet_period is not None and sheet_period.code != str(sheet_period.year):
        return _shift_year(sheet_period, own.year - sheet_period.year)
    return own


def _sheet_period(sheet: str, title: str) -> Period | None:
    """The period of the sheet name and of the title; if both give one they must agree
    (a bare year agrees with any period of that year; the one with a basis hint wins a tie)."""
    from_sheet = parse_period(sheet) or find_period(sheet)
    from_title = find_period(title)
    if from_sheet is None or from_title is None:
        return from_sheet or from_title
    if from_sheet.code == from_title.code:
        return from_sheet if from_sheet.basis_hint else from_title
    if from_sheet.year == from_title.year and from_sheet.code == str(from_sheet.year):
        return from_title
    if from_sheet.year == from_title.year and from_title.code == str(from_title.year):
        return from_sheet
    raise PeriodConflict(
        f"the sheet name says {from_sheet.code} but the title says {from_title.code}"
    )


class PeriodConflict(ValueError):
    """The sheet name and the title give different periods."""


def _header_rows(grid: list[list[object]], header_at: int) -> list[int]:
    rows = [header_at]
    while rows[-1] + 1 < len(grid):  # a second header row under merged cells
        nxt = grid[rows[-1] + 1]
        first = nxt[0] if nxt else None
        labels = [c for c in nxt[1:] if isinstance(c, str) and c.strip()]
        if (
            (first is None or fold_header(first) == fold_header(grid[header_at][0]))
            and labels
            and not any(isinstance(c, (int, float)) for c in nxt[1:])
        ):
            rows.append(rows[-1] + 1)
        else:
            break
    return rows


def _column_names(grid: list[list[object]], header_rows: list[int]) -> list[str]:
    names = []
    for j in range(max(len(grid[r]) for r in header_rows)):
        parts: list[str] = []
        for r in header_rows:
            cell = grid[r][j] if j < len(grid[r]) else None
            text = "" if cell is None else fold_header(cell)
            if text and text not in parts:
                parts.append(text)
        names.append("|".join(parts))
    return names


_PARK_HEADERS = ("园区", "园区名称", "开发区", "开发区名称", "单位名称")


def _sheet_issue(label: str, sheet: str, problem: str, fix: str) -> InputError:
    return InputError([Issue(label, None, None, None, problem, fix, sheet=sheet)])


def _column_specs(
    names: list[str], skip: tuple[int | None, ...], title: str, label: str, sheet: str
) -> dict[int, ColumnSpec | None]:
    """The reading of every value column, from the sheet's period (name, title or headers)."""
    try:
        period = _sheet_period(sheet, title)
    except PeriodConflict as exc:
        raise _sheet_issue(
            label, sheet, str(exc), "make the sheet name and the title agree"
        ) from None
    if period is None:  # columns 2020年 | 2021年 | 增长%: the growth belongs to the latest year
        in_headers = [p for n in names if (p := header_period(n, None)) is not None]
        period = max(in_headers, key=lambda p: p.sort_key) if in_headers else None
    try:
        specs = {j: column_spec(name, period) for j, name in enumerate(names) if j not in skip}
    except ValueError:
        raise _sheet_issue(
            label,
            sheet,
            "the sheet's period is not in its name, its title or its headers",
            "name the sheet like 2021年1-9月 (or put the period in the title above the header)",
        ) from None
    return specs


def read_stat_sheet(
    grid: list[list[object]], header_at: int, label: str, sheet: str
) -> list[dict[str, object]]:
    """Tidy rows (as dicts) from a statistics-office sheet; InputError if it cannot be placed.

    Rows carry the park as written (``park_in_text``: a title or 填报单位 line, to be searched for
    a known name; or a park column's cell, matched whole) and no ``source``: the location in
    ``origin_*`` is the source, so the same sheet read twice is recognised as a repeat.
    """
    above = [" ".join(str(c) for c in row if c is not None) for row in grid[:header_at]]
    title = " ".join(above)
    header_rows = _header_rows(grid, header_at)
    names = _column_names(grid, header_rows)
    ind_col = next(j for j, n in enumerate(names) if STAT_INDICATOR_HEADER.match(n.split("|")[0]))
    unit_col = next((j for j, n in enumerate(names) if n in ("单位", "计量单位")), None)
    park_col = next((j for j, n in enumerate(names) if n in _PARK_HEADERS), None)
    specs = _column_specs(names, (ind_col, unit_col, park_col), title, label, sheet)
    header_units = {
        j: m.group(1)
        for j, n in enumerate(names)
        if (m := re.search(r"[(（]([^()（）]+)[)）]", n)) and is_known_unit(m.group(1))
    }
    park_line = next((m.group(1) for line in above if (m := _PARK_LINE.search(line))), None)
    sheet_unit = next(
        (
            m.group(1)
            for line in above
            for m in _UNIT_LINE.finditer(line)
            if is_known_unit(m.group(1))
        ),
        None,
    )
    letters = {j: column_letter(j + 1) for j in specs}  # A, B, … once per column
    rows = []
    for r in range(header_rows[-1] + 1, len(grid)):
        row = grid[r]
        name = row[ind_col] if ind_col < len(row) else None
        if name is None or not str(name).strip() or _FORM_NUMBERING.match(str(name).strip()):
            continue
        # the name keeps a bracketed unit (主营业务收入(亿元)): normalize checks it against `unit`
        indicator = _ENUM_PREFIX.sub("", unicodedata.normalize("NFKC", str(name)).strip())
        unit = row[unit_col] if unit_col is not None and unit_col < len(row) else None
        park_cell = row[park_col] if park_col is not None and park_col < len(row) else None
        for j, spec in specs.items():
            if spec is None or j >= len(row) or row[j] is None or str(row[j]).strip() == "":
                continue
            level_unit = unit if unit is not None else header_units.get(j, sheet_unit)
            rows.append(
                {
                    "park_id": park_cell if park_cell is not None else (park_line or title),
                    "park_in_text": park_cell is None,
                    "indicator": indicator,
                    "growth": "yoy" if spec.growth else "",
                    "period": spec.period,
                    "basis": spec.basis,
                    "value": str(row[j]),
                    "unit": "%"
                    if spec.growth
                    else (None if level_unit is None else str(level_unit)),
                    "origin_file": label,
                    "origin_sheet": sheet,
                    "origin_row": r + 1,
                    "origin_column": letters[j],
                }
            )
    return rows
