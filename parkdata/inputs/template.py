"""``parkdata template``: an Excel workbook a park office can fill in and hand back.

The data sheet uses Chinese headers (园区 / 指标 / 时期 / 口径 / 数值 / 单位 / 限定 / 来源 / 备注) that
the loader maps to the contract, with drop-down lists for indicator, basis, unit and qualifier.
Sheets whose names start with 说明 or 参考 are instructions and reference lists, never read as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata.contract.indicator_catalog import Catalog, default_catalog
from parkdata.contract.units import known_units
from parkdata.files import neutral_cell, write_atomic

DATA_SHEET = "观测数据"
PARK_SHEET = "参考-园区名录"
"""The template's list of parks (name, short name, park_id): a sheet the loaders skip."""
NOTES_SHEET = "说明"
HEADER_FILL = "DDEBF7"
LIST_ERROR = "请从下拉列表选择 (choose from the list)"
HEADERS = ("园区", "指标", "时期", "口径", "数值", "单位", "限定", "来源", "备注")
BASIS_CHOICES = ("全年", "本年累计", "当季", "当月", "时点")
QUALIFIER_CHOICES = ("精确", "以上", "以下", "约")
_INSTRUCTIONS = (
    "填写说明 (How to fill in)",
    "1. 在“观测数据”表中每行填写一个数字：园区、指标、时期、口径、数值、单位、来源。",
    "2. 指标请从下拉列表选择（见“参考-指标目录”）；园区可填写园区全称、简称或 park_id。",
    "3. 时期：全年填 2021；季度填 2021Q3；月度或累计填 2021-09（1-2月合并发布的填 2021-02，口径“本年累计”）。",
    "4. 数值只填数字；“突破1000亿元”填 1000 并在“限定”选“以上”；“约300”选“约”。",
    "5. 单位按报表原样填写（亿元、万元、平方公里、亩、%、家……），系统自动换算。",
    "6. 来源：填写报表名称及行号，或网址及原文句子。",
    "7. 增速（同比%）请作为单独指标填写，例如“主营业务收入同比增速”，单位 %。",
)


def style_header(sheet: Any, widths: Sequence[float], freeze: str = "A2") -> None:
    """Bold, shaded first row, column widths from A on, and the header frozen in place."""
    # heavy: openpyxl is imported only when a workbook is written
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = freeze


def add_park_sheet(book: Any, parks: pd.DataFrame) -> int:
    """A 参考-园区名录 sheet listing each park's name, short name and park_id (formula-safe);
    returns the number of parks."""
    park_sheet = book.create_sheet(PARK_SHEET)
    park_sheet.append(["园区名称", "简称", "park_id"])
    for row in parks.itertuples(index=False):
        park = [row.name_zh, row.short_name_zh, row.park_id]
        park_sheet.append([neutral_cell(v) for v in park])  # names from data run no formulas
    return len(parks)


def add_notes_sheet(book: Any, lines: Sequence[str]) -> Any:
    """The 说明 sheet: one wrapped line per row, the first as a title."""
    # heavy: openpyxl is imported only when a workbook is written
    from openpyxl.styles import Alignment, Font

    notes = book.create_sheet(NOTES_SHEET)
    for line in lines:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=13)
    notes.column_dimensions["A"].width = 110
    for row in notes.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)
    return notes


def add_list(sheet: Any, formula: str, column: str, last_row: int = 5000) -> Any:
    """A drop-down list (``formula``: a range or ``"是,否"``) on ``column``, rows 2 to
    ``last_row``; returns the validation (to adjust its messages)."""
    # heavy: openpyxl is imported only when a workbook is written
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.error = LIST_ERROR
    sheet.add_data_validation(rule)
    rule.add(f"{column}2:{column}{last_row}")
    return rule


def write_template(
    path: Path, catalog: Catalog | None = None, parks: pd.DataFrame | None = None
) -> Path:
    """Write the fill-in workbook to ``path`` (atomically) and return the path."""
    # heavy: openpyxl is imported only when a workbook is written
    from openpyxl import Workbook

    catalog = catalog or default_catalog()
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    data.append(list(HEADERS))
    style_header(data, (22, 26, 11, 11, 12, 10, 8, 40, 24))

    ref = book.create_sheet("参考-指标目录")
    ref.append(["指标名称", "代码", "标准单位", "类型", "说明"])
    # levels first, then their reported growth rates (…同比增速, in %), as users are told to enter
    indicators = sorted(catalog, key=lambda i: i.growth_of is not None)
    for ind in indicators:
        cells = [ind.name_zh, ind.code, ind.unit, ind.kind, ind.description]
        ref.append([neutral_cell(v) for v in cells])  # names from your catalog run no formulas
    lists = book.create_sheet("参考-选项")
    compound = sorted({i.unit for i in catalog if "/" in i.unit})
    columns = {"A": BASIS_CHOICES, "B": QUALIFIER_CHOICES, "C": (*known_units(), *compound)}
    for letter, values in columns.items():
        for row, value in enumerate(values, start=1):
            lists[f"{letter}{row}"] = neutral_cell(value)
    if parks is not None:
        add_park_sheet(book, parks)
    add_notes_sheet(book, _INSTRUCTIONS)
    add_list(data, f"='参考-指标目录'!$A$2:$A${len(indicators) + 1}", "B")
    add_list(data, f"='参考-选项'!$A$1:$A${len(BASIS_CHOICES)}", "D")
    add_list(data, f"='参考-选项'!$C$1:$C${len(columns['C'])}", "F")
    add_list(data, f"='参考-选项'!$B$1:$B${len(QUALIFIER_CHOICES)}", "G")
    write_atomic(path, book.save)
    return path
