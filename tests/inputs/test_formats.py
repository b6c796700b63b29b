"""The same observations written the ways users send them load to the same tidy rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import FORMATS

import parkdata as pkd

KEY = ["park_id", "indicator", "period", "basis", "value", "qualifier", "unit"]


def _observations(*files: Path) -> pd.DataFrame:
    panel = pkd.load([FORMATS / "parks.csv", *files])
    obs = panel.observations[panel.observations["park_id"] == "test_park"]
    return obs[KEY].sort_values(KEY).reset_index(drop=True)


@pytest.fixture(scope="module")
def tidy() -> pd.DataFrame:
    return _observations(FORMATS / "tidy_utf8.csv")


def test_tidy_fixture_is_read_in_canonical_units(tidy: pd.DataFrame) -> None:
    assert len(tidy) == 32  # 4 indicators x 2 periods x (month, ytd) x (level, growth)
    profit = tidy.query("indicator == 'total_profit' and period == '2021-09' and basis == 'ytd'")
    assert profit["value"].item() == pytest.approx(30.12)  # 301200 万元 → 30.12 亿元
    assert set(tidy["unit"]) == {"亿元", "%"}
    assert (tidy.query("indicator == 'main_business_revenue_yoy'")["unit"] == "%").all()


@pytest.mark.parametrize("name", ["excel_gbk.csv", "excel_utf8_bom.csv", "stats_office.xlsx"])
def test_format_loads_to_the_same_observations(name: str, tidy: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(_observations(FORMATS / name), tidy)


def test_gbk_file_is_really_gbk() -> None:
    raw = (FORMATS / "excel_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert (FORMATS / "excel_utf8_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_stats_sheet_rows_trace_to_sheet_row_and_column() -> None:
    panel = pkd.load([FORMATS / "parks.csv", FORMATS / "stats_office.xlsx"])
    obs = panel.observations.query(
        "park_id == 'test_park' and indicator == 'main_business_revenue' and basis == 'ytd' "
        "and period == '2021-09'"
    )
    row = obs.iloc[0]
    assert row["origin_sheet"] == "2021年1-9月"
    assert row["origin_row"] == 5
    assert row["source"] == "stats_office.xlsx / 2021年1-9月 row 5, column E"


def test_wide_table_melts_to_long(tmp_path: Path) -> None:
    wide = tmp_path / "observations_wide.csv"
    wide.write_text(
        "园区,指标,单位,2019年,2020年,2021年\n"
        '测试园区,主营业务收入,亿元,300,"1,234.5",—\n'
        "测试园区,规上工业企业数,家,100,约120,突破130\n",
        encoding="utf-8",
    )
    panel = pkd.load([FORMATS / "parks.csv", wide])
    obs = panel.observations.query("park_id == 'test_park'").set_index(["indicator", "period"])
    assert obs.loc[("main_business_revenue", "2020"), "value"] == 1234.5
    assert ("main_business_revenue", "2021") not in obs.index  # "—" is missing, not zero
    assert obs.loc[("enterprises_above_scale", "2021"), "qualifier"] == "at_least"
    assert obs.loc[("enterprises_above_scale", "2020"), "qualifier"] == "approx"
    assert panel.files.set_index("file").loc[str(wide), "empty"] == 1


def test_parquet_round_trip(tmp_path: Path, tidy: pd.DataFrame) -> None:
    raw = pd.read_csv(FORMATS / "tidy_utf8.csv")
    raw.to_parquet(tmp_path / "observations.parquet")
    assert_frame = _observations(tmp_path / "observations.parquet")
    pd.testing.assert_frame_equal(assert_frame, tidy)


def _stat_book(path: Path, title: str, sheet: str, header: list[str], rows: list[list]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_stats_sheet_variant_single_header_prior_year_and_units_in_names(tmp_path: Path) -> None:
    # one header row; units inside indicator names; 上年同期 is last year's 本年累计; 增减% is growth
    path = _stat_book(
        tmp_path / "bulletin.xlsx",
        "测试园区主要经济指标",
        "2021.09",
        ["指标", "本年累计", "上年同期", "增减%"],
        [["主营业务收入(亿元)", 612.4, 531.6, 15.2], ["利润总额(万元)", "—", 280000, "—"]],
    )
    panel = pkd.load([FORMATS / "parks.csv", path])
    obs = panel.observations.query("park_id == 'test_park'").set_index(
        ["indicator", "period", "basis"]
    )
    assert obs.loc[("main_business_revenue", "2021-09", "ytd"), "value"] == 612.4
    assert obs.loc[("main_business_revenue", "2020-09", "ytd"), "value"] == 531.6
    assert obs.loc[("main_business_revenue_yoy", "2021-09", "ytd"), "value"] == 15.2
    assert obs.loc[("total_profit", "2020-09", "ytd"), "value"] == 28.0  # 280000 万元
    assert len(obs) == 4  # the two "—" cells are missing, not zero


def test_stats_sheet_without_period_says_how_to_name_it(tmp_path: Path) -> None:
    path = _stat_book(
        tmp_path / "undated.xlsx",
        "测试园区主要经济指标",
        "Sheet1",
        ["指标", "单位", "本年累计"],
        [["主营业务收入", "亿元", 612.4]],
    )
    with pytest.raises(pkd.InputError, match="name the sheet like 2021年1-9月"):
        pkd.load([FORMATS / "parks.csv", path])


def test_annual_stats_sheet_gives_annual_basis(tmp_path: Path) -> None:
    path = _stat_book(
        tmp_path / "annual.xlsx",
        "填报单位：测试园区",
        "2020年",
        ["指标名称", "计量单位", "本年累计"],
        [["一、主营业务收入", "亿元", 800.5]],
    )
    obs = pkd.load([FORMATS / "parks.csv", path]).observations.query("park_id == 'test_park'")
    assert obs[["indicator", "period", "basis", "value"]].values.tolist() == [
        ["main_business_revenue", "2020", "annual", 800.5]
    ]


def test_excel_tidy_sheet_with_date_cells_and_numbers(tmp_path: Path) -> None:
    import datetime

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["园区", "指标", "时期", "口径", "数值", "单位"])
    ws.append(
        ["测试园区", "主营业务收入", datetime.datetime(2021, 9, 1), "本年累计", 612.4, "亿元"]
    )
    ws.append(["测试园区", "主营业务收入", 2020, "全年", 800, "亿元"])
    book.save(tmp_path / "tidy.xlsx")
    obs = pkd.load([FORMATS / "parks.csv", tmp_path / "tidy.xlsx"]).observations
    got = obs.query("park_id == 'test_park'")[["period", "basis", "value"]].values.tolist()
    assert got == [["2021-09", "ytd", 612.4], ["2020", "annual", 800.0]]
