"""Inputs that once loaded silently wrong or crashed (found in review); each now has a test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import FORMATS

import parkdata as pkd


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _book(
    path: Path,
    rows: list[list[object]],
    sheet: str = "2021年1-9月",
    formats: dict[str, str] | None = None,
    extra: dict[str, list[list[object]]] | None = None,
) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cell, fmt in (formats or {}).items():
        ws[cell].number_format = fmt
    for name, more in (extra or {}).items():
        other = book.create_sheet(name)
        for row in more:
            other.append(row)
    book.save(path)
    return path


def _load(*files: Path, bundled: bool = False) -> pkd.Panel:
    return pkd.load([FORMATS / "parks.csv", *files], errors="skip", bundled=bundled)


def _obs(panel: pkd.Panel) -> pd.DataFrame:
    return panel.observations.set_index(["park_id", "indicator", "period", "basis"])["value"]


# --- parks are matched whole in cells; only sheet titles are searched, never for a region ------


@pytest.mark.parametrize(
    "name", ["湖口县高新技术产业园区", "遵义市经济技术开发区", "湖南全省开发区"]
)
def test_a_cell_naming_an_unknown_park_is_not_matched_to_a_part_of_it(
    tmp_path: Path, name: str
) -> None:
    f = _csv(
        tmp_path / "obs.csv",
        f"park_id,indicator,period,value,unit\n{name},主营业务收入,2021,10,亿元\n",
    )
    panel = _load(f, bundled=True)
    assert panel.observations.query("origin_file == 'obs.csv'").empty
    assert panel.errors()["problem"].tolist() == ["unknown park"]


def test_a_title_never_resolves_to_an_administrative_area(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "t.xlsx",
        [
            ["湖口县2021年1-9月主要经济指标"],
            ["指标名称", "单位", "本年累计"],
            ["主营业务收入", "亿元", 10],
        ],
    )
    panel = _load(f, bundled=True)
    assert panel.errors()["problem"].tolist() == [
        "the sheet names no single known park in its title or 填报单位 line"
    ]


# --- statistics-office columns ----------------------------------------------------------------


def test_growth_against_last_year_is_a_growth_rate_and_plans_are_not_observations(
    tmp_path: Path,
) -> None:
    f = _book(
        tmp_path / "s.xlsx",
        [
            ["填报单位：测试园区"],
            [
                "指标名称",
                "单位",
                "本年累计",
                "比上年同期增长%",
                "比上年同期增减",
                "上年同期",
                "全年计划",
            ],
            ["主营业务收入", "亿元", 450, 12.5, 50, 400, 800],
        ],
    )
    obs = _obs(_load(f))
    assert obs.to_dict() == {
        ("test_park", "main_business_revenue", "2021-09", "ytd"): 450.0,
        ("test_park", "main_business_revenue_yoy", "2021-09", "ytd"): 12.5,
        ("test_park", "main_business_revenue", "2020-09", "ytd"): 400.0,
    }


def test_percent_formatted_cells_are_read_as_shown(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "p.xlsx",
        [
            ["填报单位：测试园区"],
            ["指标名称", "单位", "本年累计", "同比增长"],
            ["主营业务收入", "亿元", 450, 0.125],
        ],
        formats={"D3": "0.0%"},
    )
    assert _obs(_load(f))[("test_park", "main_business_revenue_yoy", "2021-09", "ytd")] == 12.5


@pytest.mark.parametrize(
    ("title", "period", "basis"),
    [
        ("测试园区2021年上半年主要经济指标", "2021-06", "ytd"),
        ("测试园区2021年前三季度主要经济指标", "2021-09", "ytd"),
        ("测试园区2021年4-6月主要经济指标", "2021Q2", "quarter"),
    ],
)
def test_periods_written_in_titles(tmp_path: Path, title: str, period: str, basis: str) -> None:
    f = _book(
        tmp_path / "h.xlsx",
        [[title], ["指标名称", "单位", "本期"], ["主营业务收入", "亿元", 300]],
        sheet="Sheet1",
    )
    obs = _load(f).observations
    assert obs[["period", "basis"]].values.tolist() == [
        [period, "ytd" if basis == "ytd" else basis]
    ]


def test_years_in_column_headers_give_each_column_its_period(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "y.xlsx",
        [
            ["测试园区主要经济指标"],
            ["指标名称", "单位", "2020年", "2021年", "增长%"],
            ["主营业务收入", "亿元", 600, 700, 16.7],
        ],
        sheet="Sheet1",
    )
    obs = _obs(_load(f))
    assert obs[("test_park", "main_business_revenue", "2020", "annual")] == 600
    assert obs[("test_park", "main_business_revenue", "2021", "annual")] == 700


def test_sheet_unit_line_is_a_default_unit_not_a_park(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "u.xlsx",
        [["测试园区主要经济指标"], ["单位：万元"], ["指标名称", "本年累计"], ["利润总额", 28000]],
    )
    assert _obs(_load(f))[("test_park", "total_profit", "2021-09", "ytd")] == 2.8


def test_in_a_jan_feb_sheet_this_month_is_cumulative(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "jf.xlsx",
        [
            ["填报单位：测试园区"],
            ["指标名称", "单位", "本月", "本年累计"],
            ["主营业务收入", "亿元", 120, 120],
        ],
        sheet="2021年1-2月",
    )
    obs = _load(f).observations
    assert set(obs["basis"]) == {"ytd"} and set(obs["period"]) == {"2021-02"}


def test_a_tidy_sheet_is_not_taken_for_a_statistics_sheet_and_bad_sheets_do_not_sink_others(
    tmp_path: Path,
) -> None:
    f = _book(
        tmp_path / "two.xlsx",
        [
            ["园区名称", "指标名称", "时间", "口径", "数据", "单位"],
            ["测试园区", "主营业务收入", "2021", "全年", 800, "亿元"],
        ],
        sheet="2021",
        extra={"指标解释": [["指标", "解释"], ["主营业务收入", "……"]]},
    )
    panel = _load(f)
    assert _obs(panel)[("test_park", "main_business_revenue", "2021", "annual")] == 800
    assert panel.errors()["sheet"].tolist() == ["指标解释"]


# --- columns, rows, files ----------------------------------------------------------------------


def test_two_headers_meaning_one_column_are_an_error_not_a_crash(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "d.csv",
        "park_id,园区名称,indicator,period,value,unit\n"
        "test_park,测试园区,主营业务收入,2021,1,亿元\n",
    )
    issue = _load(f).errors().iloc[0]
    assert "all mean 'park_id'" in issue["problem"] and issue["column"] == "园区名称"


def test_row_numbers_count_blank_lines_and_tsv_is_tab_separated(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "b.csv",
        "park_id,indicator,period,value,unit\n"
        "测试园区,主营业务收入,2020,1,亿元\n\n测试园区,主营业务收入,2021,x,亿元\n",
    )
    assert _load(f).errors()["row"].tolist() == [4]
    t = _csv(
        tmp_path / "t.tsv",
        "park_id\tindicator\tperiod\tvalue\tunit\n测试园区\t主营业务收入\t2021\t5\t亿元\n",
    )
    assert _obs(_load(t))[("test_park", "main_business_revenue", "2021", "annual")] == 5


def test_excel_numeric_period_with_a_fraction_is_refused(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "n.xlsx",
        [
            ["园区", "指标", "时期", "口径", "数值", "单位"],
            ["测试园区", "主营业务收入", 2021.1, "本年累计", 5, "亿元"],
        ],
    )
    assert _load(f).errors()["problem"].tolist() == ["not a period"]


def test_basis_contradicting_the_period_text_is_an_error(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "c.csv",
        "park_id,indicator,period,basis,value,unit\n"
        "测试园区,主营业务收入,2021年1-9月,当月,5,亿元\n",
    )
    assert "contradicts the period 2021年1-9月" in _load(f).errors()["problem"].item()


def test_qualifier_column_disagreeing_with_the_value_is_a_warning(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "q.csv",
        "park_id,indicator,period,value,unit,qualifier\n"
        "测试园区,主营业务收入,2021,约300,亿元,exact\n",
    )
    panel = _load(f)
    assert panel.observations["qualifier"].tolist() == ["exact"]
    assert panel.issues["severity"].tolist() == ["warning"]


@pytest.mark.parametrize(
    ("value", "unit", "expected"), [("1.2万", "家", 12000.0), ("300亿", "元", 300.0)]
)
def test_bare_multipliers_combine_with_the_unit(
    tmp_path: Path, value: str, unit: str, expected: float
) -> None:
    indicator = "规上工业企业数" if unit == "家" else "主营业务收入"
    f = _csv(
        tmp_path / "m.csv",
        f"park_id,indicator,period,value,unit\n测试园区,{indicator},2021,{value},{unit}\n",
    )
    assert _load(f).observations["value"].tolist() == [expected]


def test_multiplier_clashing_with_unit_and_infinities_are_errors(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "x.csv",
        "park_id,indicator,period,value,unit\n"
        "测试园区,主营业务收入,2021,300亿,亿元\n测试园区,主营业务收入,2020,inf,亿元\n",
    )
    problems = sorted(_load(f).errors()["problem"])
    assert problems[0] == "not a number" and problems[1].startswith("the value says ×亿")


# --- duplicates are checked across all files ----------------------------------------------------


def test_conflicts_across_files_reject_both_and_repeats_without_source_are_dropped(
    tmp_path: Path,
) -> None:
    a = _csv(
        tmp_path / "a.csv",
        "park_id,indicator,period,value,unit\n"
        "测试园区,主营业务收入,2021,612.4,亿元\n测试园区,利润总额,2021,5,亿元\n"
        "测试园区,利润总额,2021,5,亿元\n",
    )
    b = _csv(
        tmp_path / "b.csv",
        "park_id,indicator,period,value,unit\n测试园区,主营业务收入,2021,700,亿元\n",
    )
    panel = _load(a, b)
    assert panel.observations["indicator"].tolist() == ["total_profit"]
    conflict = panel.errors()
    assert sorted(conflict["file"]) == ["a.csv", "b.csv"]
    assert "a.csv row 2 (612.4 亿元); b.csv row 2 (700.0 亿元)" in conflict["problem"].iloc[0]
    repeat = panel.issues.query("severity == 'warning'").iloc[0]
    assert repeat["problem"] == "dropped: the same observation as a.csv row 3"
    files = panel.files.set_index("table").loc["observations"].set_index("file")
    assert files.loc[str(a), ["read", "loaded", "rejected", "repeated"]].tolist() == [3, 1, 1, 1]


def test_a_conflict_listing_is_capped(tmp_path: Path) -> None:
    rows = "".join(f"测试园区,主营业务收入,2021,{v},亿元\n" for v in range(1, 40))
    f = _csv(tmp_path / "many.csv", "park_id,indicator,period,value,unit\n" + rows)
    problem = _load(f).errors()["problem"].iloc[0]
    assert problem.endswith("… and 34 more") and len(problem) < 400


def test_a_park_redefined_in_your_file_names_both_files(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "parks_mine.csv",
        "park_id,name_zh,short_name_zh,level,kind,province,source\n"
        "hukou_hitech,湖口高新园区,湖口,provincial,高新区,江西省,mine\n",
    )
    assert pkd.load(f, errors="skip").errors().empty  # a parks file stands alone
    issue = pkd.load(f, bundled=True, errors="skip").errors().iloc[0]
    assert (issue["file"], issue["row"]) == ("parks_mine.csv", 2)
    assert issue["problem"] == "park_id already defined in parks.csv row 2"


def test_growth_target_base_value_needs_its_unit(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "targets_x.csv",
        "target_id,park_id,indicator,kind,comparator,base_period,base_value,base_unit,"
        "target_period,target_value,unit,source,clause\n"
        "t1,测试园区,主营业务收入,multiple,>=,2019,400,,2022,2,倍,plan,三年倍增\n"
        "t2,测试园区,主营业务收入,multiple,>=,2019,4000000,万元,2022,2,倍,plan,三年倍增\n",
    )
    panel = _load(f)
    assert panel.errors()["column"].tolist() == ["base_unit"]
    assert panel.targets.set_index("target_id").loc["t2", "base_value"] == 400.0


# --- second review ------------------------------------------------------------------------------

TITLE = ["测试园区2021年1-9月主要经济指标"]


def test_column_headers_of_investment_and_comparison_reports(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "c.xlsx",
        [
            TITLE,
            [
                "指标名称",
                "单位",
                "本月完成",
                "本年累计完成",
                "环比增长%",
                "比上年同期增长额",
                "上年同月",
                "上年全年",
                "上年同期(2020年1-9月)",
            ],
            ["主营业务收入", "亿元", 20, 180, 3.1, 40, 45, 600, 160],
        ],
    )
    assert _obs(_load(f)).to_dict() == {
        ("test_park", "main_business_revenue", "2021-09", "month"): 20.0,
        ("test_park", "main_business_revenue", "2021-09", "ytd"): 180.0,
        ("test_park", "main_business_revenue", "2020-09", "month"): 45.0,
        ("test_park", "main_business_revenue", "2020", "annual"): 600.0,
        ("test_park", "main_business_revenue", "2020-09", "ytd"): 160.0,
    }


def test_a_bare_year_header_in_a_part_year_sheet_takes_the_sheet_span(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "y.xlsx",
        [
            TITLE,
            ["指标名称", "单位", "2021年", "2020年", "增长%"],
            ["主营业务收入", "亿元", 450, 400, 12.5],
        ],
    )
    obs = _obs(_load(f))
    assert obs[("test_park", "main_business_revenue", "2021-09", "ytd")] == 450
    assert obs[("test_park", "main_business_revenue", "2020-09", "ytd")] == 400
    g = _book(
        tmp_path / "m.xlsx",
        [["测试园区主要经济指标"], ["指标名称", "单位", "1-9月"], ["主营业务收入", "亿元", 450]],
        sheet="2021年",
    )
    assert _load(g).observations[["period", "basis"]].values.tolist() == [["2021-09", "ytd"]]


def test_the_same_statistics_sheet_twice_is_a_repeat_not_two_facts(tmp_path: Path) -> None:
    rows = [TITLE, ["指标名称", "单位", "本年累计"], ["主营业务收入", "亿元", 450]]
    panel = _load(_book(tmp_path / "a.xlsx", rows), _book(tmp_path / "a_copy.xlsx", rows))
    assert len(panel.observations) == 1
    assert panel.issues["problem"].str.startswith("dropped: the same observation").all()


def test_literal_percent_in_a_number_format_is_not_a_percentage(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "l.xlsx",
        [TITLE, ["指标名称", "单位", "本年累计", "同比增长"], ["主营业务收入", "亿元", 450, 12.5]],
        formats={"D3": '0.0"%"'},
    )
    assert _obs(_load(f))[("test_park", "main_business_revenue_yoy", "2021-09", "ytd")] == 12.5


def test_ambiguous_dotted_month_in_csv_is_refused(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "d.csv",
        "park_id,indicator,period,basis,value,unit\n测试园区,主营业务收入,2021.1,ytd,800,亿元\n",
    )
    assert _load(f).errors()["problem"].tolist() == ["not a period"]


def test_a_name_two_parks_share_is_an_error(tmp_path: Path) -> None:
    parks = _csv(
        tmp_path / "parks_two.csv",
        "park_id,name_zh,short_name_zh,level,kind,province,"
        "aliases_zh,source\njia_etdz,甲市经济技术开发区,甲市经开区,national,经开区,江西省,经开区,x\n"
        "yi_etdz,乙市经济技术开发区,乙市经开区,national,经开区,江西省,经开区,x\n",
    )
    obs = _csv(
        tmp_path / "o.csv", "park_id,indicator,period,value,unit\n经开区,主营业务收入,2021,1,亿元\n"
    )
    assert _load(parks, obs).errors()["problem"].tolist() == [
        "the name is shared by parks jia_etdz, yi_etdz"
    ]
    two = _book(
        tmp_path / "t.xlsx",
        [
            ["乙市经开区（甲市经开区托管）2021年1-9月主要经济指标"],
            ["指标名称", "单位", "本年累计"],
            ["主营业务收入", "亿元", 5],
        ],
    )
    assert "no single known park" in _load(parks, two).errors()["problem"].item()


def test_a_park_column_in_a_statistics_sheet_is_read_per_row(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "p.xlsx",
        [
            ["全市园区2021年1-9月主要经济指标"],
            ["园区名称", "指标名称", "单位", "本年累计"],
            ["测试园区", "主营业务收入", "亿元", 450],
        ],
    )
    assert _obs(_load(f))[("test_park", "main_business_revenue", "2021-09", "ytd")] == 450


def test_sheet_name_and_title_giving_different_periods_is_a_sheet_issue(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "s.xlsx",
        [TITLE, ["指标名称", "单位", "本年累计"], ["主营业务收入", "亿元", 450]],
        sheet="2020年1-9月",
    )
    issue = _load(f).errors().iloc[0]
    assert issue["sheet"] == "2020年1-9月" and "title says 2021-09" in issue["problem"]


def test_statistics_sheet_units_disagreeing_is_an_error_and_unit_line_is_found(
    tmp_path: Path,
) -> None:
    f = _book(
        tmp_path / "u.xlsx",
        [TITLE, ["指标名称", "计量单位", "本年累计"], ["主营业务收入(亿元)", "万元", 450]],
    )
    assert "but the unit column says 万元" in _load(f).errors()["problem"].item()
    g = _book(
        tmp_path / "v.xlsx",
        [
            ["测试园区2021年1-9月"],
            ["填报单位：测试园区   单位：万元"],
            ["指标名称", "本年累计"],
            ["利润总额", 28000],
        ],
    )
    assert _load(g).observations["value"].tolist() == [2.8]


def test_ytd_to_december_is_the_year_in_every_format(tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "y.csv",
        "park_id,indicator,period,value,unit\n测试园区,主营业务收入,2021年1-12月,600,亿元\n",
    )
    assert _load(f).observations[["period", "basis"]].values.tolist() == [["2021", "annual"]]


def test_small_things(tmp_path: Path) -> None:
    # integer year headers; a period-header sheet without park column is a statistics sheet
    f = _book(
        tmp_path / "b.xlsx",
        [
            ["测试园区主要经济指标"],
            ["指标名称", "单位", 2020, 2021, "增长%", "备注"],
            ["甲", "乙", 1, 2, 3, 4],  # a form's column numbering
            ["主营业务收入", "亿元", 600, 700, 16.7, None],
        ],
        sheet="Sheet1",
    )
    obs = _obs(_load(f))
    assert obs[("test_park", "main_business_revenue", "2020", "annual")] == 600
    assert obs[("test_park", "main_business_revenue_yoy", "2021", "annual")] == 16.7
    # a trailing comma on every row; the contract's qualifier words
    g = _csv(
        tmp_path / "t.csv",
        "park_id,indicator,period,value,unit,qualifier\n测试园区,主营业务收入,2021,3,亿元,逾,\n",
    )
    loaded = _load(g)
    assert loaded.observations[["value", "qualifier"]].values.tolist() == [[3.0, "at_least"]]
    assert "more fields than the header" in loaded.issues["problem"].item()
