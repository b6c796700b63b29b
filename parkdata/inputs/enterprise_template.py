"""``parkdata template --kind enterprises|projects``: the workbook a park office fills in with its
firms' 亩均效益 figures (one row per firm and year) or its proposed industrial projects.

The data sheet (企业数据 / 拟供地项目) has the Chinese headers of ``data/enterprise.yaml`` with
their units (``用地面积（亩）``), drop-down lists (是/否 for the flags, the parks, the years) and
number checks (land > 0 亩); the 说明 sheet explains each column. Sheets named 说明… and 参考…
are never read as data, so the filled workbook goes straight to
:func:`~parkdata.inputs.enterprise_files.load_enterprises` (an empty one reads as no firms).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parkdata.contract.enterprise_columns import TEMPLATE_NOTES, TableName, table_columns
from parkdata.errors import ArgumentError
from parkdata.files import write_atomic
from parkdata.inputs.statsheet import column_letter
from parkdata.inputs.template import (
    PARK_SHEET,
    add_list,
    add_notes_sheet,
    add_park_sheet,
    style_header,
)

DATA_SHEETS: dict[str, str] = {"enterprises": "企业数据", "projects": "拟供地项目"}
"""The sheet to fill in, by kind of template."""
OPTIONS_SHEET = "参考-选项"
YES_NO = ("是", "否")
YEARS = tuple(range(2010, 2036))
"""The years of the year drop-down (another year is accepted after a warning)."""
LAST_ROW = 5000  # rows the drop-downs and number checks cover
_REQUIRED = {True: "必填", False: "可留空"}
_KINDS = {"id": "编号", "text": "文字", "number": "数字", "flag": "是/否", "year": "年份"}


def _number_rule(code: str, kind: TableName) -> tuple[str, str] | None:
    """(operator, bound) of the number check of a column, or None: land > 0, tax any number
    (negative with 留抵退税), every other number ≥ 0."""
    if code == "land_mu":
        return "greaterThan", "0"
    if code == "tax" and kind == "enterprises":
        return None
    return "greaterThanOrEqual", "0"


def write_enterprise_template(
    path: str | Path, parks: pd.DataFrame | None = None, kind: TableName = "enterprises"
) -> Path:
    """Write the fill-in workbook of ``kind`` (``"enterprises"`` or ``"projects"``) to ``path``
    atomically and return the path. With ``parks`` (a parks table) the park column gets a
    drop-down of their names (listed in 参考-园区名录)."""
    # heavy: openpyxl is imported only when a workbook is written
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind not in DATA_SHEETS:
        raise ArgumentError(f"template kind {kind!r}: use enterprises or projects")
    path = Path(path)
    columns = list(table_columns(kind).values())
    letters = {c.code: column_letter(i) for i, c in enumerate(columns, start=1)}
    book = Workbook()
    data = book.active
    data.title = DATA_SHEETS[kind]
    data.append([c.header for c in columns])
    style_header(data, [c.width for c in columns], freeze="C2")  # id and name stay in view
    for cell in data[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")

    options = book.create_sheet(OPTIONS_SHEET)
    for row, value in enumerate(YES_NO, start=1):
        options[f"A{row}"] = value
    for row, year in enumerate(YEARS, start=1):
        options[f"B{row}"] = year
    if parks is not None and len(parks):
        n_parks = add_park_sheet(book, parks)
        add_list(data, f"='{PARK_SHEET}'!$A$2:$A${n_parks + 1}", letters["park_id"], LAST_ROW)
    for col in columns:
        letter = letters[col.code]
        if col.kind == "flag":
            add_list(data, f"='{OPTIONS_SHEET}'!$A$1:$A${len(YES_NO)}", letter, LAST_ROW)
        elif col.kind == "year":
            rule = add_list(data, f"='{OPTIONS_SHEET}'!$B$1:$B${len(YEARS)}", letter, LAST_ROW)
            rule.errorStyle = "warning"  # another year is allowed, after a question
        elif col.kind == "number" and (bound := _number_rule(col.code, kind)) is not None:
            check = DataValidation(
                type="decimal", operator=bound[0], formula1=bound[1], allow_blank=True
            )
            check.error = f"{col.header}：{col.help}"
            check.errorTitle = col.header
            data.add_data_validation(check)
            check.add(f"{letter}2:{letter}{LAST_ROW}")

    intro = [*TEMPLATE_NOTES[kind], ""]
    notes = add_notes_sheet(book, intro)
    for row in range(1, len(intro)):
        notes.merge_cells(f"A{row}:E{row}")  # the opening lines span the column table below
    head = notes.max_row + 1
    notes.append(["列（表头）", "代码", "类型", "是否必填", "说明"])
    for col in columns:
        notes.append([col.header, col.code, _KINDS[col.kind], _REQUIRED[col.required], col.help])
    for cell in notes[head]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 30
    for letter, width in zip("BCDE", (20, 8, 10, 90), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=head + 1):
        row[4].alignment = Alignment(wrap_text=True)
    write_atomic(path, book.save)
    return path
