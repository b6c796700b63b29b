"""The 公示 workbook: ranked order, classes, scores and units, notes in words, formula-injection
safety, the objection log, the fictional label, and the all-parks workbook's sheet names."""

from __future__ import annotations

import itertools
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from parkdata.assessment.enterprise_results import classify_parks
from parkdata.assessment.enterprises import sample_enterprises
from parkdata.reporting.publicity_workbook import (
    publicity_order,
    sheet_names,
    write_all_publicity,
    write_publicity,
)

ATTACK = "=cmd|'/c calc'!A1"


def _firms(park: str = "demo_park", fictional: bool = True) -> pd.DataFrame:
    firms = sample_enterprises().assign(park_id=park, year=2023, fictional=fictional)
    firms["origin_file"] = "enterprises.csv"
    firms["origin_row"] = range(2, len(firms) + 2)
    firms.loc[firms["enterprise_id"] == "DEMO-001", "name"] = ATTACK
    return firms


@pytest.fixture(scope="module")
def classified() -> pd.DataFrame:
    return classify_parks(_firms())


@pytest.fixture(scope="module")
def book(classified: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("publicity") / "demo_park-2023-公示.xlsx"
    assert write_publicity(classified, path, park_names={"demo_park": "示例园区"}) == path
    return path


def _rows(ws: openpyxl.worksheet.worksheet.Worksheet, first: int) -> list[tuple]:
    return [
        r for r in ws.iter_rows(min_row=first, values_only=True) if any(v is not None for v in r)
    ]


def test_sheets_title_and_header_with_units(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["公示名单（规上）", "公示名单（规下）", "异议登记", "说明"]
    ws = wb["公示名单（规上）"]
    title = ws["A1"].value
    assert title.startswith("示例园区 · 2023年度 · 黄岩区 2022 规上工业企业")
    assert "公示（征求意见）" in title and "虚构示例数据" in title
    header = [c.value for c in ws[3]]
    assert header[:5] == ["排名", "统一社会信用代码", "企业名称", "类别", "综合得分"]
    assert "亩均税收（万元/亩）" in header and "全员劳动生产率（万元/人）" in header
    assert "单位能耗增加值（万元/吨标准煤）" in header and header[-1] == "备注"
    assert "R&D经费支出占主营业务收入比重（%）" in header
    assert len(header) == 5 + 6 + 1  # the six indicators
    below = [c.value for c in wb["公示名单（规下）"][3]]
    assert below[5:7] == ["亩均税收（万元/亩）", "单位电耗税收（元/千瓦时）"]


def test_ranked_order_classes_scores_then_forced_and_unrated(
    book: Path, classified: pd.DataFrame
) -> None:
    ws = openpyxl.load_workbook(book)["公示名单（规上）"]
    rows = _rows(ws, 4)
    above = classified[classified["scheme"] == "huangyan_2022"]
    ranked = above[above["status"] == "ranked"].sort_values("rank")
    assert len(rows) == len(above) == 25
    assert [r[0] for r in rows[:20]] == list(range(1, 21))
    assert [r[1] for r in rows[:20]] == ranked["enterprise_id"].tolist()
    assert [r[3] for r in rows[:20]] == ranked["class"].tolist()
    assert [r[4] for r in rows[:20]] == pytest.approx(ranked["score"].tolist())
    assert [r[3] for r in rows[:4]] == ["A"] * 4  # top 20 % of 20 ranked firms
    # scores descend down the ranked list
    assert all(a[4] >= b[4] for a, b in itertools.pairwise(rows[:20]))
    tail = {r[1]: r for r in rows[20:]}
    assert [r[0] for r in rows[20:]] == [None] * 5  # no rank for the rest
    assert tail["DEMO-007"][3] == "D" and "属于淘汰类或禁止类产业" in tail["DEMO-007"][-1]
    assert "直接列为D类" in tail["DEMO-007"][-1]
    assert tail["DEMO-012"][3] is None and "不参评" in tail["DEMO-012"][-1]
    assert "投产不满2年" in tail["DEMO-018"][-1]
    assert "无法计分" in tail["DEMO-021"][-1] and "缺少用地面积" in tail["DEMO-021"][-1]
    # the forced-D firms come before the unscored and unrated ones
    statuses = [classified.set_index("enterprise_id").loc[r[1], "status"] for r in rows[20:]]
    assert statuses == ["forced_D", "forced_D", "not_scored", "not_rated", "not_rated"]
    filled = next(r for r in rows if r[1] == "DEMO-009")
    assert filled[-1] == "单位排放增加值无数据，按平均得分计"


def test_numbers_are_numbers_with_formats(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["公示名单（规上）"]
    score, share = ws.cell(row=4, column=5), ws.cell(row=4, column=11)
    assert isinstance(score.value, float) and score.number_format == "0.00"
    assert isinstance(share.value, float) and share.number_format == "0.00%"
    assert ws.cell(row=4, column=1).data_type == "n"


def test_formula_stays_text(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["公示名单（规上）"]
    cell = next(c for c in ws["C"] if c.value and "cmd" in str(c.value))
    assert cell.value == "'" + ATTACK and cell.data_type == "s"


def test_print_setup_freeze_and_widths(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["公示名单（规上）"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$3"
    assert ws.freeze_panes == "D4"
    assert ws.column_dimensions["C"].width >= 20


def test_objection_log_has_validation_and_dates(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["异议登记"]
    assert [c.value for c in ws[2]] == [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "异议事项",
        "提出日期",
        "联系人及电话",
        "核实情况",
        "处理结果",
        "答复日期",
    ]
    checks = ws.data_validations.dataValidation
    lists = [v for v in checks if v.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"维持,调整"'
    assert "H3" in str(lists[0].sqref)
    assert any(v.type == "date" and "E3" in str(v.sqref) for v in checks)
    assert ws["E3"].number_format == "yyyy-mm-dd" and ws["I3"].number_format == "yyyy-mm-dd"


def test_notes_sheet_says_scheme_rules_files_version_and_fictional(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["说明"]
    assert ws["A1"].value.startswith("虚构示例数据") and ws["A1"].font.bold
    cells = [str(v) for r in ws.iter_rows(values_only=True) for v in r if v is not None]
    assert "黄岩区 2022 规上工业企业" in cells and "黄岩区 2022 规下工业企业" in cells
    assert any(c.startswith("基准值法") for c in cells)
    assert any("不超过0.20为A类，不超过0.60为B类，不超过0.95为C类" in c for c in cells)
    assert "属于淘汰类或禁止类产业：直接列为D类" in cells
    assert "enterprises.csv：第2–31行，30家企业" in cells
    assert any(c.startswith("由 parkdata ") for c in cells)
    assert "A类：4家，得分" in " ".join(cells)


def test_real_firms_are_not_labelled_fictional(tmp_path: Path) -> None:
    path = write_publicity(classify_parks(_firms(fictional=False)), tmp_path / "real.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "虚构示例数据" not in wb["公示名单（规上）"]["A1"].value
    assert "虚构示例数据" not in str(wb["说明"]["A1"].value)


def test_english_headers(classified: pd.DataFrame, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_publicity(classified, tmp_path / "en.xlsx", language="en"))
    header = [c.value for c in wb.worksheets[0][3]]
    assert header[:3] == ["Rank", "Unified social credit code", "Firm"]
    assert "tax per mu (10,000 yuan per mu)" in header


def test_one_park_year_only(tmp_path: Path) -> None:
    two = pd.concat([classify_parks(_firms("a")), classify_parks(_firms("b"))])
    with pytest.raises(Exception, match="one park-year"):
        write_publicity(two, tmp_path / "x.xlsx")


def test_all_parks_workbook_sheet_names_unique_short_and_safe(tmp_path: Path) -> None:
    long = "示例园区/[测试]:" + "很长的名字" * 8
    parks = {"p1": long, "p2": long, "p3": "=cmd|'/c calc'!A1", "p4": "汇总"}
    classified = pd.concat(
        [classify_parks(_firms(p, fictional=p != "p4")) for p in parks], ignore_index=True
    )
    path = write_all_publicity(classified, tmp_path / "公示-全部园区-2023.xlsx", park_names=parks)
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    assert names[0] == "汇总" and names[-1] == "说明" and len(names) == 6
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    summary = _rows(wb["汇总"], 3)
    assert len(summary) == 8  # two schemes per park
    first = summary[0]
    assert first[1] == 2023 and first[3] == 25 and list(first[4:9]) == [4, 8, 7, 3, 3]
    assert any(str(r[0]).startswith("'=cmd") for r in summary)  # the name stays text
    assert wb["汇总"].cell(row=3, column=10).hyperlink.location.endswith("!A1")
    park = wb[names[1]]
    cells = [v for r in park.iter_rows(values_only=True) for v in r if v is not None]
    assert any(str(c).startswith("规上工业企业（25家）") for c in cells)
    assert any(str(c).startswith("规下工业企业（5家）") for c in cells)


def test_sheet_names_helper() -> None:
    assert sheet_names(["a", "A", "History", "'x'", ""]) == ["a", "A~2", "History~2", "x", "Sheet"]
    assert sheet_names(["汇总"], taken=["汇总"]) == ["汇总~2"]
    clipped = sheet_names(["x" * 40, "x" * 40])
    assert clipped == ["x" * 31, "x" * 29 + "~2"]


def test_order_puts_ranked_first() -> None:
    rows = pd.DataFrame(
        {
            "status": ["not_rated", "ranked", "forced_D", "ranked"],
            "rank": [None, 2, None, 1],
            "score": [None, 1.0, 5.0, 2.0],
            "name": ["d", "b", "c", "a"],
            "enterprise_id": ["4", "2", "3", "1"],
        }
    )
    assert publicity_order(rows)["enterprise_id"].tolist() == ["1", "2", "3", "4"]
