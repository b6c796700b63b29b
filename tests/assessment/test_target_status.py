"""Target assessment: the math checked against hand-computed cases, every target kind, as_of."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from helpers import TAX_TARGET, WORKED, make_panel, one

import parkdata as pkd
from parkdata.assessment.rules import meets
from parkdata.cli import main
from parkdata.contract.vocab import STATUSES

# --- the status rules ----------------------------------------------------------------------


def test_worked_example_unsd_ratio_1_104_on_track() -> None:
    row = one(make_panel(WORKED, [TAX_TARGET]), as_of="2023")
    assert row["unsd_ratio"] == pytest.approx(1.104, abs=5e-4)
    assert row["status"] == "on_track" and row["status_name"] == "按当前进度可完成"
    assert row["reason"] == "pace"
    assert row["achieved_cagr"] == pytest.approx(((26 / 18) ** 0.25 - 1) * 100)
    assert row["required_cagr"] == pytest.approx(((30 / 26) ** 0.5 - 1) * 100)
    assert row["expected_value"] == pytest.approx(26 * (26 / 18) ** 0.5)
    assert row["gap"] == pytest.approx(4.0) and row["pct_of_target"] == pytest.approx(260 / 3)
    # StatCan: CAGR_obs / CAGR required from the base (18 in 2019 → 30 in 2025)
    assert row["statcan_ratio"] == pytest.approx(
        ((26 / 18) ** 0.25 - 1) / ((30 / 18) ** (1 / 6) - 1)
    )
    assert row["current_source"] == "test.csv row 6" and row["rule"] == "unsd"
    assert "UNSD" in row["rule_text"]
    assert (
        one(make_panel(WORKED, [TAX_TARGET]), as_of="2023", rule="statcan")["status"] == "on_track"
    )


def test_worked_example_from_derived_tax_per_mu() -> None:
    """亩均税收 computed from 税收 (亿元) and 用地 (亩) gives the same assessment."""
    obs = [("p", "tax_revenue", y, v / 10000 * 12000) for _, _, y, v in WORKED]
    obs += [("p", "industrial_land_area", y, 12000.0) for y in range(2019, 2024)]
    row = one(make_panel(obs, [TAX_TARGET]), as_of="2023")
    assert row["current_value"] == pytest.approx(26.0)
    assert row["unsd_ratio"] == pytest.approx(1.104, abs=5e-4)
    assert row["current_source"].startswith("= tax_revenue / industrial_land_area")


def test_as_of_uses_only_figures_published_by_then() -> None:
    row = one(make_panel(WORKED, [TAX_TARGET]), as_of="2021")
    assert row["current_period"] == "2021" and row["n_points"] == 3
    assert row["achieved_cagr"] == pytest.approx(((22 / 18) ** 0.5 - 1) * 100)
    assert row["as_of"] == "2021"


def test_already_met_is_achieved_whatever_the_trend() -> None:
    obs = [("p", "tax_per_mu", 2022, 33.0), ("p", "tax_per_mu", 2023, 31.0)]
    assert one(make_panel(obs, [TAX_TARGET]), as_of="2023")["status"] == "achieved"


def test_lower_is_better_indicator() -> None:
    target = {
        "target_id": "e",
        "park_id": "p",
        "indicator": "energy_per_value_added",
        "kind": "level",
        "comparator": "<=",
        "target_period": "2025",
        "target_value": 0.5,
    }
    obs = [("p", "energy_per_value_added", 2020, 0.8), ("p", "energy_per_value_added", 2022, 0.7)]
    row = one(make_panel(obs, [target]), as_of="2022")
    pace = (0.7 / 0.8) ** 0.5 - 1
    expected = 0.7 * (1 + pace) ** 3
    assert row["unsd_ratio"] == pytest.approx((expected - 0.8) / (0.5 - 0.8))  # 0.757
    assert row["status"] == "needs_acceleration"
    assert row["statcan_ratio"] == pytest.approx(-pace / abs((0.5 / 0.8) ** 0.2 - 1))
    assert row["gap"] == pytest.approx(0.2)  # still 0.2 above the ceiling
    met = make_panel([*obs, ("p", "energy_per_value_added", 2023, 0.45)], [target])
    assert one(met, as_of="2023")["status"] == "achieved"
    worse = make_panel([*obs[:1], ("p", "energy_per_value_added", 2022, 0.9)], [target])
    assert one(worse, as_of="2022")["status"] == "off_track"


def test_bounds_decide_only_one_way() -> None:
    assert meets([1000.0], ["at_least"], [800.0], [">="]).tolist() == [1.0]
    assert math.isnan(meets([1000.0], ["at_least"], [1200.0], [">="])[0])
    assert meets([50.0], ["at_most"], [60.0], [">="]).tolist() == [0.0]
    assert math.isnan(meets([50.0], ["at_most"], [40.0], [">="])[0])
    target = {
        "target_id": "r",
        "park_id": "p",
        "indicator": "operating_revenue",
        "kind": "level",
        "target_period": "2024",
        "target_value": 800.0,
        "unit": "亿元",
    }
    obs = [
        ("p", "operating_revenue", 2021, 700.0),
        ("p", "operating_revenue", 2022, 1000.0, "at_least"),
    ]
    assert one(make_panel(obs, [target]), as_of="2022")["status"] == "achieved"
    higher = make_panel(obs, [target | {"target_value": 1200.0}])
    row = one(higher, as_of="2022")
    assert row["status"] != "achieved" and "区间值" in row["reason_text"]
    assert "latest_is_bound" in row["reason_flags"]
    at_deadline = [
        ("p", "operating_revenue", 2023, 900.0),
        ("p", "operating_revenue", 2024, 1000.0, "at_least"),
    ]
    row = one(make_panel(at_deadline, [target | {"target_value": 1200.0}]), as_of="2024")
    assert row["status"] == "insufficient_data"  # 突破1000 neither proves nor refutes ≥ 1200
    short = [("p", "operating_revenue", 2023, 700.0), ("p", "operating_revenue", 2024, 750.0)]
    assert one(make_panel(short, [target]), as_of="2024")["status"] == "not_achieved"


def test_multiple_doubling_target() -> None:
    target = {
        "target_id": "m",
        "park_id": "p",
        "indicator": "operating_revenue",
        "kind": "multiple",
        "base_period": "2021",
        "target_period": "2024",
        "target_value": 2.0,
        "unit": "倍",
    }
    obs = [
        ("p", "operating_revenue", 2021, 100.0),
        ("p", "operating_revenue", 2022, 126.0),
        ("p", "operating_revenue", 2023, 159.0),
    ]
    row = one(make_panel(obs, [target]), as_of="2023")
    assert row["goal"] == 200.0 and row["goal_unit"] == "亿元" and row["base_value"] == 100.0
    expected = 159.0 * (159.0 / 100.0) ** 0.5
    assert row["unsd_ratio"] == pytest.approx((expected - 100) / 100)
    assert row["status"] == "on_track"
    no_base = one(make_panel(obs[1:], [target]), as_of="2023")
    assert no_base["status"] == "insufficient_data" and "基期" in no_base["reason_text"]


def test_growth_rate_target_from_levels_and_from_reported_growth() -> None:
    target = {
        "target_id": "g",
        "park_id": "p",
        "indicator": "industrial_value_added",
        "kind": "growth_rate",
        "base_period": "2020",
        "target_period": "2023",
        "target_value": 10.0,
        "unit": "%",
    }
    obs = [
        ("p", "industrial_value_added", 2020, 100.0),
        ("p", "industrial_value_added", 2022, 125.0),
    ]
    row = one(make_panel(obs, [target]), as_of="2022")
    assert row["goal"] == pytest.approx(133.1)
    assert row["status"] == "on_track"
    reported = [("p", "industrial_value_added_yoy", 2023, 8.0)]
    one_year = target | {"base_period": "2022"}
    row = one(make_panel(reported, [one_year]), as_of="2023")
    assert row["status"] == "not_achieved" and "8%" in row["reason_text"]
    # one year's 同比 does not settle a three-year average: judged as pace (8/10 = 0.8)
    row = one(make_panel(reported, [target]), as_of="2023")
    assert row["status"] == "needs_acceleration"


def test_cumulative_target() -> None:
    target = {
        "target_id": "c",
        "park_id": "p",
        "indicator": "fixed_asset_investment",
        "kind": "cumulative",
        "base_period": "2020",
        "target_period": "2023",
        "target_value": 30.0,
        "unit": "亿元",
    }
    obs = [
        ("p", "fixed_asset_investment", 2020, 50.0),
        ("p", "fixed_asset_investment", 2021, 8.0),
        ("p", "fixed_asset_investment", 2022, 9.0),
    ]
    row = one(make_panel(obs, [target]), as_of="2022")
    assert row["current_value"] == 17.0  # 2021 + 2022: the base year does not count
    assert row["expected_value"] == pytest.approx(25.5)
    assert row["unsd_ratio"] == pytest.approx(25.5 / 30)
    assert row["required_increment"] == pytest.approx(13.0)
    assert row["status"] == "needs_acceleration"
    done = make_panel([*obs, ("p", "fixed_asset_investment", 2023, 14.0)], [target])
    assert one(done, as_of="2023")["status"] == "achieved"
    gap = make_panel([obs[0], obs[2]], [target])
    assert one(gap, as_of="2022")["status"] == "insufficient_data"


def test_annual_increment_target_on_a_stock() -> None:
    target = {
        "target_id": "a",
        "park_id": "p",
        "indicator": "high_tech_enterprises",
        "kind": "annual_increment",
        "base_period": "2019",
        "target_period": "2022",
        "target_value": 6.0,
        "unit": "家",
    }
    obs = [
        ("p", "high_tech_enterprises", 2019, 40),
        ("p", "high_tech_enterprises", 2020, 47),
        ("p", "high_tech_enterprises", 2021, 54),
    ]
    row = one(make_panel(obs, [target]), as_of="2021")
    assert row["current_value"] == 7.0 and row["status"] == "on_track"
    late = make_panel([*obs, ("p", "high_tech_enterprises", 2022, 58)], [target])
    row = one(late, as_of="2022")
    assert row["status"] == "not_achieved" and row["current_value"] == 4.0
    good = make_panel([*obs, ("p", "high_tech_enterprises", 2022, 61)], [target])
    assert one(good, as_of="2022")["status"] == "achieved"


def test_count_over_threshold_across_member_parks() -> None:
    members = [("g", "a"), ("g", "b"), ("g", "c")]
    target = {
        "target_id": "k",
        "park_id": "g",
        "indicator": "operating_revenue",
        "kind": "count_over_threshold",
        "target_period": "2025",
        "target_value": 2.0,
        "unit": "个",
        "threshold": 1000.0,
        "threshold_unit": "亿元",
    }
    obs = [
        ("a", "operating_revenue", 2023, 1200.0),
        ("b", "operating_revenue", 2021, 800.0),
        ("b", "operating_revenue", 2023, 900.0),
        ("c", "operating_revenue", 2021, 500.0),
        ("c", "operating_revenue", 2023, 500.0),
    ]
    row = one(make_panel(obs, [target], members), as_of="2023")
    assert row["current_value"] == 1.0  # only a is past 1000 now
    assert row["expected_value"] == 2.0  # b grows 6.1 %/yr: 900 → 1012 by 2025
    assert row["status"] == "on_track" and row["target_text"] == "≥2个（≥1,000亿元）"
    three = make_panel(obs, [target | {"target_value": 3.0}], members)
    assert one(three, as_of="2023")["status"] == "needs_acceleration"
    unknown = make_panel(obs[:3], [target | {"target_value": 3.0}], members)
    row = one(unknown, as_of="2023")
    assert row["status"] == "insufficient_data" and "成员" in row["reason_text"]
    met = make_panel([*obs, ("b", "operating_revenue", 2024, 1001.0)], [target], members)
    assert one(met, as_of="2024")["status"] == "achieved"


def test_missing_target_year_and_single_point_are_stated() -> None:
    row = one(make_panel(WORKED[-1:], [TAX_TARGET]), as_of="2023")
    assert row["status"] == "insufficient_data" and "1个数据点" in row["reason_text"]
    assert row["reason"] == "one_figure_no_pace"
    no_year = one(make_panel(WORKED, [TAX_TARGET | {"target_period": None}]), as_of="2023")
    assert no_year["status"] == "insufficient_data" and "目标年份" in no_year["reason_text"]


def test_unknown_park_and_rule_are_refused(panel: pkd.Panel) -> None:
    with pytest.raises(pkd.ParkDataError, match="nowhere"):
        pkd.assess(panel, park="nowhere")
    with pytest.raises(pkd.ParkDataError, match="rule"):
        pkd.assess(panel, rule="vibes")


# --- stage targets and 序时进度 -------------------------------------------------------------


# --- bundled data and the command line -----------------------------------------------------


def test_every_bundled_target_gets_a_status_or_a_reason(panel: pkd.Panel) -> None:
    table = pkd.assess(panel, as_of="2024")
    assert len(table) == len(panel.targets)
    assert set(table["status"]) <= set(STATUSES)
    worded = pkd.explain(table)
    assert table["reason"].notna().all() and worded["reason_text"].str.len().gt(0).all()
    assert worded["status_name"].notna().all()
    assert (table["status"] != "insufficient_data").sum() >= 5
    donghu = table.set_index("target_id").loc["donghu-01"]
    assert donghu["current_period"] == "2022" and donghu["current_value"] == pytest.approx(2643.81)


def test_cli_assess_prints_chinese_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--park", "wuhan_donghu_hitech", "--as-of", "2022"]) == 0
    out = capsys.readouterr().out
    assert "东湖" in out and "地区生产总值" in out and "需加快进度" in out


def test_cli_assess_writes_json(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "a.json"
    assert main(["assess", "--format", "json", "--out", str(out)]) == 0
    records = pd.read_json(out)
    assert len(records) == len(pkd.load().targets) and "park_name_zh" in records


def test_a_base_already_past_the_target_does_not_flip_the_ratio() -> None:
    """≥ 9.5 while falling from 12 to 9: the expected 2025 value misses, so not on track."""
    obs = [
        ("p", "tax_per_mu", 2020, 12.0),
        ("p", "tax_per_mu", 2022, 10.0),
        ("p", "tax_per_mu", 2023, 9.0),
    ]
    row = one(make_panel(obs, [TAX_TARGET | {"target_value": 9.5}]), as_of="2023")
    assert row["expected_value"] < 9.0 and row["unsd_ratio"] < 0
    assert row["status"] == "off_track" and row["base_value"] == 12.0


def test_a_year_short_of_every_year_fails_before_the_deadline() -> None:
    target = {
        "target_id": "a",
        "park_id": "p",
        "indicator": "high_tech_enterprises",
        "kind": "annual_increment",
        "base_period": "2021",
        "target_period": "2026",
        "target_value": 36.0,
        "unit": "家",
    }
    obs = [
        ("p", "high_tech_enterprises", 2021, 100),
        ("p", "high_tech_enterprises", 2022, 161),
        ("p", "high_tech_enterprises", 2023, 210),
        ("p", "high_tech_enterprises", 2024, 240),
    ]
    row = one(make_panel(obs, [target]), as_of="2024")
    assert row["status"] == "not_achieved" and "无法挽回" in row["reason_text"]


def test_pace_counts_from_the_plan_base_year() -> None:
    target = {
        "target_id": "m",
        "park_id": "p",
        "indicator": "operating_revenue",
        "kind": "multiple",
        "base_period": "2021",
        "target_period": "2024",
        "target_value": 2.0,
        "unit": "倍",
    }
    obs = [
        ("p", "operating_revenue", 2013, 20.0),
        ("p", "operating_revenue", 2021, 100.0),
        ("p", "operating_revenue", 2023, 150.0),
    ]
    row = one(make_panel(obs, [target]), as_of="2023")
    assert row["achieved_cagr"] == pytest.approx((1.5**0.5 - 1) * 100)
    assert row["pace_source"].startswith("2021–2023")


def test_rank_thresholds_count_parks_at_or_above_the_position(panel: pkd.Panel) -> None:
    row = pkd.explain(pkd.assess(panel, park="changde_parks", as_of="2024")).set_index("target_id")
    top30 = row.loc["changde2022-13"]
    assert top30["target_text"] == "≥5个（≤30位）"
    assert top30["current_value"] == 1.0  # 常德经开区 ranked 18th in 2019: within the top 30
    no_figures = pkd.assess(panel, park="ankang_county_zones").set_index("target_id")
    assert pd.isna(no_figures.loc["ankang-12", "current_value"])  # unknown, not zero
