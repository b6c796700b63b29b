"""Comprehensive evaluation (综合考评): hand-computed scores, ranks, 黄牌, tiers and scope."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import parkdata as pkd
from parkdata.assessment.evaluation import evaluate, evaluation_components
from parkdata.assessment.evaluation_presets import PRESETS, size_tier
from parkdata.assessment.scoring import normalise, rank_scores
from parkdata.inputs.demo import demo_observations, demo_parks
from parkdata.reporting.explanations import evaluation_note

MOFCOM = PRESETS["mofcom"]


def notes_of(table: pd.DataFrame) -> str:
    """The evaluation's notes in Chinese words, joined."""
    return " ".join(evaluation_note(n, "zh") for n in table.attrs["notes"])


def status_text(table: pd.DataFrame) -> pd.Series:
    """The status of every park in Chinese words, by park."""
    return pkd.explain(table).set_index("park_id")["status_text"]


PARK_HEADER = (
    "park_id,name_zh,short_name_zh,level,kind,province,city,county,aliases_zh,fictional,source,note"
)
Row = tuple[str, str, str, float, str]  # park_id, indicator, period, value, unit


def _panel(
    tmp_path: Path,
    rows: Sequence[Row],
    parks: Sequence[str] = ("a", "b", "c"),
    groups: dict[str, Sequence[str]] | None = None,
    points: Sequence[Row] = (),
) -> pkd.Panel:
    """A panel of fictional parks (``a`` → 园区A) written as CSV files and loaded alone."""
    lines = [PARK_HEADER]
    lines += [
        f"{p},测试园区{p.upper()},园区{p.upper()},county,工业园区,江西省,,,,true,test,"
        for p in parks
    ]
    lines += [f"{g},测试组{g},组{g},county,group,江西省,,,,true,test," for g in groups or {}]
    (tmp_path / "parks.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    obs = ["park_id,indicator,period,basis,value,unit,source"]
    obs += [f"{p},{i},{t},,{v},{u},test" for p, i, t, v, u in rows]
    obs += [f"{p},{i},{t},point,{v},{u},test" for p, i, t, v, u in points]
    (tmp_path / "observations.csv").write_text("\n".join(obs) + "\n", encoding="utf-8")
    if groups:
        members = ["group_id,member_id,source"]
        members += [f"{g},{m},test" for g, ms in groups.items() for m in ms]
        (tmp_path / "memberships.csv").write_text("\n".join(members) + "\n", encoding="utf-8")
    return pkd.load(tmp_path, bundled=False)


TAX = {"a": 10.0, "b": 20.0, "c": 40.0}  # 税收收入, 亿元
JOBS = {"a": 100.0, "b": 300.0, "c": 200.0}  # 从业人员, 人
ENERGY = {"a": 5.0, "b": 10.0, "c": 20.0}  # 综合能源消费量 (lower is better), 万吨标准煤


def _rows(**series: dict[str, float]) -> list[Row]:
    units = {"tax_revenue": "亿元", "employees": "人", "energy_consumption": "万吨标准煤"}
    return [
        (park, code, "2022", value, units[code])
        for code, values in series.items()
        for park, value in values.items()
    ]


@pytest.fixture
def three(tmp_path: Path) -> pkd.Panel:
    return _panel(tmp_path, _rows(tax_revenue=TAX, employees=JOBS, energy_consumption=ENERGY))


def _by_park(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("park_id")


# --------------------------------------------------------------------------- methods


def test_minmax_two_indicators_by_hand(three: pkd.Panel) -> None:
    table = evaluate(three, weights={"tax_revenue": 3, "employees": 1})
    t = _by_park(table)
    # tax: (x-10)/30*100 → 0, 33.33, 100; employees: (x-100)/200*100 → 0, 100, 50
    assert t.loc["a", "score"] == pytest.approx(0.0)
    assert t.loc["b", "score"] == pytest.approx(0.75 * 100 / 3 + 0.25 * 100)  # 50
    assert t.loc["c", "score"] == pytest.approx(0.75 * 100 + 0.25 * 50)  # 87.5
    assert table["park_id"].tolist() == ["c", "b", "a"]  # best first
    assert table["rank"].tolist() == [1, 2, 3]
    assert (table["n_ranked"] == 3).all() and (table["coverage"] == 1.0).all()
    assert t.loc["b", "component_employees"] == pytest.approx(100.0)
    assert t.loc["a", "name"] == "园区A（虚构）"
    assert (table["period"] == "2022").all() and (table["status"] == "ranked").all()
    assert table.attrs["weights"] == {"tax_revenue": 0.75, "employees": 0.25}


def test_lower_is_better_indicator_is_reversed(three: pkd.Panel) -> None:
    t = _by_park(evaluate(three, weights={"energy_consumption": 1}))
    # (max - x) / (max - min) * 100 with min 5, max 20
    assert t["score"].to_dict() == pytest.approx({"a": 100.0, "b": 200 / 3, "c": 0.0})
    assert t["rank"].to_dict() == {"a": 1, "b": 2, "c": 3}


def test_benchmark_ratio_with_given_benchmarks(three: pkd.Panel) -> None:
    table = evaluate(
        three,
        weights={"tax_revenue": 1, "energy_consumption": 1},
        method="benchmark",
        benchmarks={"tax_revenue": 20, "energy_consumption": 10},
    )
    t = _by_park(table)
    # tax 100·x/20: 50, 100, 200; energy (lower) 100·10/x: 200, 100, 50
    assert t["score"].to_dict() == pytest.approx({"a": 125.0, "b": 100.0, "c": 125.0})
    assert t["rank"].to_dict() == {"a": 1, "b": 3, "c": 1}  # ties share the best place
    assert table.attrs["benchmarks"] == {"tax_revenue": 20.0, "energy_consumption": 10.0}


def test_benchmark_defaults_to_twice_the_mean(three: pkd.Panel) -> None:
    detail = evaluation_components(three, weights={"tax_revenue": 1}, method="benchmark")
    b = 2 * (10 + 20 + 40) / 3
    assert detail["benchmark"].tolist() == pytest.approx([b, b, b])
    assert detail.set_index("park_id")["component"].to_dict() == pytest.approx(
        {p: 100 * x / b for p, x in TAX.items()}
    )


def test_zscore_with_direction(three: pkd.Panel) -> None:
    t = _by_park(
        evaluate(three, weights={"tax_revenue": 1, "energy_consumption": 1}, method="zscore")
    )

    def z(values: dict[str, float], park: str) -> float:
        data = list(values.values())
        return (values[park] - statistics.mean(data)) / statistics.pstdev(data)

    for park in "abc":
        expected = (z(TAX, park) - z(ENERGY, park)) / 2  # energy: lower is better, sign flipped
        assert t.loc[park, "score"] == pytest.approx(expected)
    assert t["component_tax_revenue"].sum() == pytest.approx(0.0, abs=1e-12)


def test_normalise_is_pure_and_handles_ties() -> None:
    frame = pd.DataFrame({"x": [1.0, 3.0, np.nan], "same": [7.0, 7.0, 7.0]}, index=["p", "q", "r"])
    out = normalise(frame, "minmax", {"x": "lower", "same": "higher"})
    assert out["x"].tolist()[:2] == [100.0, 0.0] and np.isnan(out.loc["r", "x"])
    assert out["same"].tolist() == [50.0, 50.0, 50.0]  # no spread: the middle, not a winner
    assert normalise(frame, "zscore")["same"].tolist() == [0.0, 0.0, 0.0]
    assert frame.loc["p", "x"] == 1.0  # input untouched
    with pytest.raises(ValueError, match="method"):
        normalise(frame, "rank")


# --------------------------------------------------------------------------- cards and tiers


def test_bottom_n_get_yellow_cards(tmp_path: Path) -> None:
    parks = ["p1", "p2", "p3", "p4", "p5", "p6"]
    rows = [(p, "tax_revenue", "2022", float(i + 1), "亿元") for i, p in enumerate(parks)]
    panel = _panel(tmp_path, rows, parks=parks)
    t = _by_park(evaluate(panel, weights={"tax_revenue": 1}, bottom=2))
    assert sorted(t.index[t["yellow_card"]]) == ["p1", "p2"]
    assert not evaluate(panel, weights={"tax_revenue": 1}, bottom=0)["yellow_card"].any()
    # bottom 6 of 6 says nothing: no cards, and a note says why
    everyone = evaluate(panel, weights={"tax_revenue": 1}, bottom=6)
    assert not everyone["yellow_card"].any()
    assert "黄牌" in notes_of(everyone)
    assert [n["code"] for n in everyone.attrs["notes"]] == ["too_few_for_cards"]


def test_parks_tied_at_the_cut_are_all_carded() -> None:
    scores = pd.Series([1.0, 2.0, 2.0, 4.0, 5.0, np.nan], index=list("uvwxyz"))
    out = rank_scores(scores, bottom=2)
    assert out["yellow_card"].to_dict() == dict(zip("uvwxyz", [1, 1, 1, 0, 0, 0], strict=True))
    assert out["rank"].tolist()[:5] == [5, 3, 3, 2, 1] and out["rank"].isna().iloc[5]
    assert (out["n_ranked"] == 5).all()


def test_size_tier_boundaries() -> None:
    values = pd.Series([1000.0, 999.9, 500.0, 499.99, 100.0, 50.0, 49.99, np.nan])
    assert size_tier(values).tolist()[:7] == [
        "t1000",
        "t500",
        "t500",
        "t100",
        "t100",
        "t50",
        "below50",
    ]
    assert pd.isna(size_tier(values).iloc[7])


def test_tiers_in_evaluate_fall_back_and_use_canonical_units(tmp_path: Path) -> None:
    rows = [
        *_rows(tax_revenue=TAX),
        ("a", "operating_revenue", "2022", 10_000_000, "万元"),  # = 1000 亿元
        ("a", "main_business_revenue", "2022", 30, "亿元"),  # not used: 营业收入 comes first
        ("b", "main_business_revenue", "2022", 999.9, "亿元"),
        ("c", "industrial_output", "2022", 60, "亿元"),
    ]
    t = _by_park(evaluate(_panel(tmp_path, rows), weights={"tax_revenue": 1}))
    assert t["tier"].to_dict() == {"a": "t1000", "b": "t500", "c": "t50"}
    assert t["tier_indicator"].to_dict() == {
        "a": "operating_revenue",
        "b": "main_business_revenue",
        "c": "industrial_output",
    }
    assert t.loc["a", "tier_value"] == pytest.approx(1000.0)
    assert "component_operating_revenue" not in t  # size measures are not scored unless weighted


# --------------------------------------------------------------------------- scope, coverage, year


def test_group_scope_via_memberships(tmp_path: Path) -> None:
    rows = _rows(tax_revenue={**TAX, "d": 80.0})
    panel = _panel(tmp_path, rows, parks=["a", "b", "c", "d"], groups={"g": ["a", "c"]})
    t = _by_park(evaluate(panel, weights={"tax_revenue": 1}, group="g"))
    assert sorted(t.index) == ["a", "c"]
    assert t["score"].to_dict() == pytest.approx({"a": 0.0, "c": 100.0})  # min-max within g
    everyone = evaluate(panel, weights={"tax_revenue": 1})
    assert sorted(everyone["park_id"]) == ["a", "b", "c", "d"]  # the group itself is not a park
    assert evaluate(panel, weights={"tax_revenue": 1}, parks=["b", "d"])["n_ranked"].iloc[0] == 2
    with pytest.raises(ValueError, match="'gg'"):
        evaluate(panel, weights={"tax_revenue": 1}, group="gg")
    with pytest.raises(ValueError, match="'zz'"):
        evaluate(panel, weights={"tax_revenue": 1}, parks=["a", "zz"])


def test_low_coverage_is_not_ranked(tmp_path: Path) -> None:
    rows = _rows(tax_revenue=TAX, employees={**JOBS, "d": 400.0})
    panel = _panel(tmp_path, rows, parks=["a", "b", "c", "d"])
    weights = {"tax_revenue": 3, "employees": 1}
    table = evaluate(panel, weights=weights)
    d = _by_park(table).loc["d"]
    assert d["coverage"] == pytest.approx(0.25)
    assert pd.isna(d["rank"]) and pd.isna(d["score"]) and not d["yellow_card"]
    assert d["status"] == "low_coverage"
    words = status_text(table)["d"]
    assert words.startswith("未排名") and "25%" in words
    assert table["park_id"].iloc[-1] == "d" and (table["n_ranked"] == 3).all()
    # allowed with a lower bar: scored on what it has (employees: max → 100)
    low = _by_park(evaluate(panel, weights=weights, min_coverage=0.2))
    assert low.loc["d", "score"] == pytest.approx(100.0) and low.loc["d", "rank"] == 1


def test_year_most_parks_report_is_chosen_and_period_overrides(tmp_path: Path) -> None:
    rows = [
        *_rows(tax_revenue=TAX),
        ("a", "tax_revenue", "2023", 50.0, "亿元"),  # only one park has 2023 yet
    ]
    panel = _panel(tmp_path, rows)
    assert evaluate(panel, weights={"tax_revenue": 1})["period"].unique().tolist() == ["2022"]
    latest = _by_park(evaluate(panel, weights={"tax_revenue": 1}, period=2023))
    assert latest["n_ranked"].iloc[0] == 1 and latest.loc["b", "status"] == "no_data"
    table = evaluate(panel, weights={"tax_revenue": 1}, period=2023)
    assert status_text(table)["b"].startswith("无数据")
    cut = evaluate(panel, weights={"tax_revenue": 1}, as_of="2021")
    assert cut["period"].isna().all() and cut["rank"].isna().all()
    with pytest.raises(ValueError, match="not a year"):
        evaluate(panel, weights={"tax_revenue": 1}, period="2022-09")


def test_year_end_point_figures_count_for_the_year(tmp_path: Path) -> None:
    points = [
        ("a", "employees", "2022-12", 100.0, "人"),
        ("b", "employees", "2022-12", 300.0, "人"),
    ]
    panel = _panel(tmp_path, _rows(tax_revenue=TAX), points=points)
    t = _by_park(evaluate(panel, weights={"employees": 1}))
    assert t.loc["b", "rank"] == 1 and t.loc["a", "score"] == pytest.approx(0.0)


# --------------------------------------------------------------------------- weights


def test_weight_errors(three: pkd.Panel) -> None:
    with pytest.raises(pkd.CatalogError, match="tax_revenue"):
        evaluate(three, weights={"tax_revenu": 1})
    with pytest.raises(ValueError, match="≥ 0"):
        evaluate(three, weights={"tax_revenue": -1})
    with pytest.raises(ValueError, match="preset"):
        evaluate(three, weights="nope")
    with pytest.raises(ValueError, match="benchmark"):
        evaluate(three, weights={"tax_revenue": 1}, benchmarks={"tax_revenue": 5})
    with pytest.raises(ValueError, match="not both"):
        evaluate(three, weights={"tax_revenue": 1}, group="g", parks=["a"])


def test_explicit_weight_nobody_reports_lowers_coverage(three: pkd.Panel) -> None:
    table = evaluate(three, weights={"tax_revenue": 1, "actual_foreign_investment": 1})
    assert (table["coverage"] == 0.5).all() and (table["n_ranked"] == 3).all()
    assert "实际利用外资" in notes_of(table)
    assert not evaluate(three, weights={"tax_revenue": 1, "foreign_trade": 3})["rank"].notna().any()


def test_weights_accept_chinese_names(three: pkd.Panel) -> None:
    by_name = evaluate(three, weights={"税收收入": 3, "从业人员": 1})
    by_code = evaluate(three, weights={"tax_revenue": 3, "employees": 1})
    pd.testing.assert_frame_equal(by_name, by_code)


def test_preset_respreads_dimensions_without_data(tmp_path: Path) -> None:
    rows = [
        *_rows(employees=JOBS),
        *[(p, "export_delivery_value", "2022", v, "亿元") for p, v in TAX.items()],
    ]
    table = evaluate(_panel(tmp_path, rows), weights="mofcom")
    # only 对外开放 (30) and 统筹协调 (10) have data: 30/40 and 10/40
    assert table.attrs["weights"] == pytest.approx(
        {"export_delivery_value": 0.75, "employees": 0.25}
    )
    notes = notes_of(table)
    assert "发展质量" in notes and "科技创新" in notes and "绿色发展" in notes
    assert _by_park(table).loc["c", "score"] == pytest.approx(0.75 * 100 + 0.25 * 50)


def test_presets_use_catalog_codes_only() -> None:
    catalog = pkd.default_catalog()
    for preset in PRESETS.values():
        for dim in preset.dimensions:
            assert all(code in catalog for code in dim.indicators), dim
        assert preset.nominal_weights()["weight"].sum() == pytest.approx(1.0)
    assert [d.weight for d in MOFCOM.dimensions] == [30, 30, 15, 15, 10]
    assert "mirror where the data allows" in MOFCOM.note


# --------------------------------------------------------------------------- demo universe


def test_demo_universe_with_mofcom_preset(tmp_path: Path) -> None:
    demo_parks(50).to_csv(tmp_path / "parks.csv", index=False)
    demo_observations(50, years=range(2020, 2025), quarterly=False).to_csv(
        tmp_path / "observations.csv", index=False
    )
    panel = pkd.load(tmp_path, bundled=False)
    table = evaluate(panel, weights="mofcom")
    assert len(table) == 50 and (table["n_ranked"] == 50).all()
    assert sorted(table["rank"]) == list(range(1, 51))
    assert table["yellow_card"].sum() == 5
    assert table.loc[table["yellow_card"], "rank"].min() == 46
    assert (table["period"] == "2024").all() and table["name"].str.endswith("（虚构）").all()
    assert panel.parks.set_index("park_id").loc[table["park_id"], "fictional"].all()
    assert table["tier"].notna().all()
    detail = evaluation_components(panel, weights="mofcom")
    total = detail.groupby("park_id")["contribution"].sum()
    scores = table.set_index("park_id")["score"]
    pd.testing.assert_series_equal(total.sort_index(), scores.sort_index(), check_names=False)
    assert detail["source"].notna().all()  # every figure traces to a file row or a formula
