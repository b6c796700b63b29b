"""亩均效益 enterprise classification: indicators, scores, classes, rules, bad input, sample."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import parkdata as pkd
from parkdata.assessment.enterprise_scheme import (
    DEFAULT_RULES,
    HUANGYAN_2022,
    HUANGYAN_2022_BELOW_SCALE,
    INDICATORS,
    SIX_INDICATORS,
    EfficiencyScheme,
    Rule,
)
from parkdata.assessment.enterprises import (
    classify_enterprises,
    compute_efficiency_indicators,
    sample_enterprises,
)
from parkdata.errors import ArgumentError, InputError


def reasons(out: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The class reasons in words (the math returns codes; pkd.explain words them)."""
    return pkd.explain(out, lang)["class_reason"]


def notes(ind: pd.DataFrame) -> pd.Series:
    """The indicator notes in English words."""
    return pkd.explain(ind, "en")["indicator_notes_text"]


# 黄岩 2022 weights and benchmarks over every firm (no 规上/规下 scope), for small hand-made tables
HUANGYAN_ALL = dataclasses.replace(HUANGYAN_2022, scope="all")
TAX_ONLY = EfficiencyScheme("tax only", weights={"tax_per_mu": 100}, benchmarks={"tax_per_mu": 10})


def three_firms() -> pd.DataFrame:
    """Three firms whose six indicators are round numbers (worked out in the comments)."""
    return pd.DataFrame(
        {
            "enterprise_id": ["F1", "F2", "F3"],
            "name": ["甲", "乙", "丙"],
            "land_mu": [20.0, 50.0, 8.0],
            "tax": [500.0, 600.0, 400.0],  # per mu: 25, 12, 50
            "value_added": [2000.0, 5000.0, 1600.0],  # per mu: 100, 100, 200
            "employees": [100, 250, 40],  # per person: 20, 20, 40
            "energy_tce": [800.0, 2500.0, 400.0],  # VA per tce: 2.5, 2.0, 4.0
            "emissions_t": [0.5, 2.0, 0.2],  # VA per t: 4000, 2500, 8000
            "rd_expenditure": [300.0, 100.0, 400.0],
            "revenue": [10000.0, 20000.0, 8000.0],  # R&D share: 0.03, 0.005, 0.05
        }
    )


def tax_firms(tax_per_mu: list[float], **extra: list[object]) -> pd.DataFrame:
    """Firms on 1 亩 each whose only difference is 亩均税收."""
    n = len(tax_per_mu)
    data: dict[str, list[object]] = {
        "enterprise_id": [f"E{i:02d}" for i in range(1, n + 1)],
        "name": [f"企业{i}" for i in range(1, n + 1)],
        "land_mu": [1.0] * n,
        "tax": list(tax_per_mu),
    }
    data.update(extra)
    return pd.DataFrame(data)


# ---------------------------------------------------------------- indicators


def test_six_indicators_by_hand() -> None:
    ind = compute_efficiency_indicators(three_firms())
    expected = {
        "tax_per_mu": [25.0, 12.0, 50.0],
        "value_added_per_mu": [100.0, 100.0, 200.0],
        "labour_productivity": [20.0, 20.0, 40.0],
        "value_added_per_energy": [2.5, 2.0, 4.0],
        "value_added_per_emission": [4000.0, 2500.0, 8000.0],
        "rd_revenue_share": [0.03, 0.005, 0.05],
    }
    for code, values in expected.items():
        np.testing.assert_allclose(ind[code].to_numpy(), values, rtol=1e-12, err_msg=code)
    assert list(ind.columns) == ["enterprise_id", *SIX_INDICATORS, "indicator_notes"]
    assert (ind["indicator_notes"] == "").all()


def test_zero_or_missing_denominators_give_nan_with_a_note_never_zero() -> None:
    firms = three_firms()
    firms.loc[0, "land_mu"] = np.nan  # a tenant leaves its land blank (0 亩 is an error)
    firms.loc[1, "employees"] = 0
    firms.loc[2, "revenue"] = np.nan
    ind = compute_efficiency_indicators(firms)
    assert np.isnan(ind.loc[0, "tax_per_mu"]) and np.isnan(ind.loc[0, "value_added_per_mu"])
    assert np.isnan(ind.loc[1, "labour_productivity"])
    assert np.isnan(ind.loc[2, "rd_revenue_share"])
    assert ind.loc[0, "labour_productivity"] == 20.0  # the other indicators still computed
    assert "tax_per_mu:missing:land_mu" in ind.loc[0, "indicator_notes"]
    assert "tax_per_mu: land_mu missing" in notes(ind)[0]
    assert "labour_productivity:zero:employees" in ind.loc[1, "indicator_notes"]
    assert "labour_productivity: employees is 0" in notes(ind)[1]
    assert "rd_revenue_share: revenue missing" in notes(ind)[2]
    assert not (ind[list(SIX_INDICATORS)] == 0).any().any()


def test_tax_per_kwh_is_yuan_per_kwh_and_index_is_kept() -> None:
    firms = tax_firms([60.0], electricity_kwh=[2_000_000])
    firms.index = ["x"]
    ind = compute_efficiency_indicators(firms, ["tax_per_kwh"])
    assert ind.loc["x", "tax_per_kwh"] == pytest.approx(0.3)  # 60 万元 = 600 000 元 / 2e6 kWh


def test_display_names_are_chinese_with_units() -> None:
    assert (INDICATORS["tax_per_mu"].zh, INDICATORS["tax_per_mu"].unit) == ("亩均税收", "万元/亩")
    energy = INDICATORS["value_added_per_energy"]
    assert (energy.zh, energy.unit) == ("单位能耗增加值", "万元/吨标准煤")
    assert set(SIX_INDICATORS) <= set(INDICATORS)


# ---------------------------------------------------------------- scores


def test_benchmark_ratio_score_with_huangyan_weights_by_hand() -> None:
    out = classify_enterprises(three_firms(), HUANGYAN_ALL, rules=())
    firm1 = (
        30 * 25 / 24.097  # 亩均税收
        + 20 * 100 / 136.16  # 亩均增加值
        + 20 * 2.5 / 2.694  # 单位能耗增加值
        + 10 * 4000 / 4929.81  # 单位排放增加值
        + 10 * 20 / 18.14  # 全员劳动生产率
        + 10 * 0.03 / 0.0302  # R&D占比
    )
    firm3 = (
        30 * 50 / 24.097
        + 20 * 200 / 136.16
        + 20 * 4.0 / 2.694
        + 10 * 8000 / 4929.81
        + 10 * 40 / 18.14
        + 10 * 0.05 / 0.0302
    )
    assert out.loc[0, "score"] == pytest.approx(firm1, rel=1e-12)
    assert out.loc[0, "score"] == pytest.approx(
        93.45, abs=0.01
    )  # 31.12 + 14.69 + 18.56 + 8.11 + 11.03 + 9.93
    assert out.loc[2, "score"] == pytest.approx(firm3, rel=1e-12)
    assert out.loc[0, "score_tax_per_mu"] == pytest.approx(30 * 25 / 24.097)
    assert out.loc[0, "score_labour_productivity"] == pytest.approx(10 * 20 / 18.14)
    parts = out.filter(like="score_").sum(axis=1)
    np.testing.assert_allclose(parts, out["score"])
    assert out["rank"].tolist() == [2, 3, 1]


def test_benchmarks_are_not_caps() -> None:
    out = classify_enterprises(tax_firms([100.0]), TAX_ONLY, rules=())
    assert out.loc[0, "score"] == pytest.approx(1000.0)  # 100 × 100/10, not capped at 100


def test_min_max_method_matches_the_jingde_formula() -> None:
    scheme = EfficiencyScheme("min-max", weights=HUANGYAN_2022.weights, method="minmax")
    out = classify_enterprises(three_firms(), scheme, rules=())
    # w * (20 + 80 * (x - min) / (max - min)) / 100; firm 3 has every maximum, firm 2 every minimum
    firm1 = (
        30 * (20 + 80 * (25 - 12) / (50 - 12)) / 100
        + 20 * (20 + 80 * 0) / 100  # 100 is the minimum 亩均增加值
        + 20 * (20 + 80 * (2.5 - 2.0) / (4.0 - 2.0)) / 100
        + 10 * (20 + 80 * (4000 - 2500) / (8000 - 2500)) / 100
        + 10 * (20 + 80 * 0) / 100
        + 10 * (20 + 80 * (0.03 - 0.005) / (0.05 - 0.005)) / 100
    )
    assert out.loc[0, "score"] == pytest.approx(firm1, rel=1e-12)
    assert out.loc[1, "score"] == pytest.approx(20.0)
    assert out.loc[2, "score"] == pytest.approx(100.0)


def test_overridden_weights_and_benchmarks() -> None:
    weights = {"tax_per_mu": 45, "value_added_per_mu": 35, "value_added_per_energy": 20}
    benchmarks = {"tax_per_mu": 50, "value_added_per_mu": 200, "value_added_per_energy": 5}
    scheme = dataclasses.replace(HUANGYAN_ALL, weights=weights, benchmarks=benchmarks)
    out = classify_enterprises(three_firms(), scheme, rules=())
    assert out.loc[0, "score"] == pytest.approx(45 * 25 / 50 + 35 * 100 / 200 + 20 * 2.5 / 5)
    assert "score_labour_productivity" not in out.columns
    assert HUANGYAN_2022.weights["tax_per_mu"] == 30  # the preset itself is untouched
    with pytest.raises(TypeError):
        HUANGYAN_2022.weights["tax_per_mu"] = 40  # type: ignore[index]


def test_missing_emission_data_gets_the_mean_score_in_huangyan() -> None:
    firms = three_firms()
    firms.loc[1, "emissions_t"] = np.nan
    out = classify_enterprises(firms, HUANGYAN_ALL, rules=())
    mean = (10 * 4000 / 4929.81 + 10 * 8000 / 4929.81) / 2
    assert out.loc[1, "score_value_added_per_emission"] == pytest.approx(mean)
    assert out.loc[1, "status"] == "ranked"
    assert "value_added_per_emission:filled_mean" in out.loc[1, "indicator_notes"]
    assert "no data, scored the mean" in pkd.explain(out, "en").loc[1, "indicator_notes_text"]
    # without the fill rule the firm cannot be scored
    strict = dataclasses.replace(HUANGYAN_ALL, fill_missing_with_mean=())
    out = classify_enterprises(firms, strict, rules=())
    assert out.loc[1, "status"] == "not_scored" and out.loc[1, "class"] is None
    assert reasons(out)[1] == "not scored: value_added_per_emission: emissions_t missing"


def test_below_scale_preset_by_hand() -> None:
    firms = tax_firms([12.0, 12.0], electricity_kwh=[400_000, 1_000_000], above_scale=[False, True])
    out = classify_enterprises(firms, HUANGYAN_2022_BELOW_SCALE)
    assert out.loc[0, "score"] == pytest.approx(50 * 12 / 11.5932 + 50 * 0.3 / 0.2352)
    assert out.loc[1, "status"] == "not_rated"  # 规上 firm outside the 规下 scheme
    assert out.loc[1, "out_of_scope"] and "仅评价规下企业" in reasons(out, "zh")[1]


# ---------------------------------------------------------------- classes


def test_cutoffs_20_60_95_on_20_firms_give_4_8_7_1() -> None:
    out = classify_enterprises(tax_firms([float(100 - i) for i in range(20)]), TAX_ONLY)
    assert out["class"].value_counts().to_dict() == {"A": 4, "B": 8, "C": 7, "D": 1}
    assert out["class"].tolist() == ["A"] * 4 + ["B"] * 8 + ["C"] * 7 + ["D"]
    assert out["rank"].tolist() == list(range(1, 21))
    assert reasons(out)[3] == "rank 4/20, share 0.200 ≤ 0.20"
    assert reasons(out)[4] == "rank 5/20, share 0.250 in (0.20, 0.60]"
    assert reasons(out)[19] == "rank 20/20, share 1.000 > 0.95"
    assert reasons(out, "zh")[3] == "排名 4/20，位次占比 0.200 ≤ 0.20"


def test_custom_cutoffs_25_70_95() -> None:
    firms = tax_firms([float(100 - i) for i in range(20)])
    out = classify_enterprises(firms, TAX_ONLY, cutoffs=(0.25, 0.70, 0.95))
    assert out["class"].tolist() == ["A"] * 5 + ["B"] * 9 + ["C"] * 5 + ["D"]
    in_scheme = dataclasses.replace(TAX_ONLY, cutoffs=(0.25, 0.70, 0.95))
    assert classify_enterprises(firms, in_scheme)["class"].tolist() == out["class"].tolist()
    with pytest.raises(ValueError, match="0 < A < B < C"):
        classify_enterprises(firms, TAX_ONLY, cutoffs=(0.6, 0.2, 0.95))


def test_ties_share_the_lower_rank_and_class() -> None:
    out = classify_enterprises(tax_firms([50.0, 50.0, 30.0, 20.0, 10.0]), TAX_ONLY)
    assert out["rank"].tolist() == [1, 1, 3, 4, 5]
    assert out["rank_share"].tolist() == pytest.approx([0.2, 0.2, 0.6, 0.8, 1.0])
    assert out["class"].tolist() == ["A", "A", "B", "C", "D"]


def test_by_ranks_pools_and_fills_each_group_on_its_own() -> None:
    # min-max over 亩均税收 (weight 60) and 单位排放增加值 (weight 40, mean-filled), two parks:
    # p1 tax per mu 10, 20, 30 → 20, 60, 100 % of 60; p2 tax per mu 5, 15 → 20, 100 % of 60
    scheme = EfficiencyScheme(
        "min-max",
        weights={"tax_per_mu": 60, "value_added_per_emission": 40},
        method="minmax",
        fill_missing_with_mean=("value_added_per_emission",),
    )
    firms = tax_firms(
        [10.0, 5.0, 20.0, 30.0, 15.0],
        park_id=["p1", "p2", "p1", "p1", "p2"],
        value_added=[100.0] * 5,
        emissions_t=[1.0, 1.0, 2.0, np.nan, 4.0],  # VA per t: p1 100, 50, (none); p2 100, 25
    )
    out = classify_enterprises(firms, scheme, rules=(), by=["park_id"])
    # p1 emission scores 40 × (20 + 80) / 100 = 40 and 40 × 20 / 100 = 8; firm 4 gets the mean 24
    assert out["score"].tolist() == pytest.approx([12 + 40, 12 + 40, 36 + 8, 60 + 24, 60 + 8])
    assert out["rank"].tolist() == [2, 2, 3, 1, 1]
    assert out["rank_share"].tolist() == pytest.approx([2 / 3, 1.0, 1.0, 1 / 3, 0.5])
    assert out.loc[3, "indicator_notes"].endswith("value_added_per_emission:filled_mean")
    assert out.attrs["n_ranked"] == 5
    # exactly what classing each park on its own gives
    for park in ("p1", "p2"):
        rows = firms[firms["park_id"] == park]
        alone = classify_enterprises(rows, scheme, rules=())
        pd.testing.assert_frame_equal(out.loc[rows.index], alone, check_exact=True)
    with pytest.raises(ArgumentError, match="year"):
        classify_enterprises(firms, scheme, by=["park_id", "year"])


def test_the_filled_mean_is_exactly_the_mean_of_the_other_scores() -> None:
    firms = sample_enterprises()
    firms.loc[[1, 5], "emissions_t"] = np.nan  # (a grouped mean would differ in the last digit)
    out = classify_enterprises(firms, HUANGYAN_2022)
    column = out["score_value_added_per_emission"]
    filled = out["indicator_notes"].str.contains("filled_mean")
    assert filled.sum() >= 3
    others = column[~filled & (out["status"] != "not_rated") & column.notna()]
    assert len(others) > 8 and (column[filled] == others.mean()).all()  # not just approximately


def test_forced_d_and_not_rated_rules() -> None:
    firms = tax_firms(
        [90.0, 80.0, 70.0, 30.0, 20.0, 10.0],
        banned_industry=[True, False, False, False, False, False],
        utility=["否", "是", "否", "否", "否", ""],
        years_in_operation=[10, 10, 1.5, 10, 10, np.nan],
    )
    out = classify_enterprises(firms, TAX_ONLY)
    assert out["status"].tolist() == [
        "forced_D",
        "not_rated",
        "not_rated",
        "ranked",
        "ranked",
        "ranked",
    ]
    assert out.loc[0, "class"] == "D" and pd.isna(out.loc[0, "rank"])
    assert out.loc[0, "score"] == pytest.approx(900.0)  # scored, but D whatever the score
    assert out.loc[0, "rules_fired"] == "banned_industry"
    assert reasons(out, "zh")[0] == "强制D类：属于淘汰类或禁止类产业（banned_industry）"
    assert reasons(out, "zh")[1] == "不参评：水、电、气等资源要素供给企业（utility）"
    assert reasons(out, "zh")[2] == "不参评：投产不满2年的新办企业（years_in_operation < 2）"
    assert reasons(out)[0] == "forced D: banned or phased-out industry (banned_industry)"
    assert out.loc[1:2, "class"].isna().all() and out.loc[1:2, "rank"].isna().all()
    # the three others are ranked among themselves: shares 1/3, 2/3, 1
    assert out.loc[3:, "rank"].tolist() == [1, 2, 3]
    assert out.loc[3:, "class"].tolist() == ["B", "C", "D"]
    assert set(out.attrs["skipped_rules"]) == {"failed_emission_limit", "safety_incident"}


def test_rules_are_data() -> None:
    firms = tax_firms([90.0, 80.0, 70.0, 60.0, 50.0], illegal_land=[0, 1, 0, 0, 0])
    rules = (*DEFAULT_RULES, Rule("illegal_land", "force_D", "违法用地"))
    out = classify_enterprises(firms, TAX_ONLY, rules=rules)
    assert reasons(out, "zh")[1] == "强制D类：违法用地（illegal_land）"
    assert out["class"].tolist() == ["B", "D", "B", "C", "D"]  # 4 ranked: 0.25, 0.5, 0.75, 1.0
    no_rules = classify_enterprises(firms, TAX_ONLY, rules=())
    assert no_rules["status"].eq("ranked").all()


def test_blank_land_firm_is_not_scored_and_zero_land_is_an_error() -> None:
    firms = tax_firms([30.0, 20.0, 10.0])
    firms.loc[1, "land_mu"] = np.nan  # a tenant without land of its own leaves it blank
    out = classify_enterprises(firms, TAX_ONLY)
    assert out.loc[1, "status"] == "not_scored" and out.loc[1, "class"] is None
    assert np.isnan(out.loc[1, "tax_per_mu"])
    assert reasons(out)[1] == "not scored: tax_per_mu: land_mu missing"
    assert out["rank"].tolist()[::2] == [1, 2]
    firms.loc[1, "land_mu"] = 0.0  # data/enterprise.yaml: land must be > 0 亩
    with pytest.raises(InputError) as err:
        classify_enterprises(firms, TAX_ONLY)
    assert "row 2, column 'land_mu': land must be more than 0 亩 (value '0.0')" in str(err.value)


def test_scope_needs_the_above_scale_column() -> None:
    firms = three_firms()
    with pytest.raises(InputError, match="above_scale"):
        classify_enterprises(firms)
    firms["above_scale"] = [True, "否", 1]
    out = classify_enterprises(firms)
    assert out["status"].tolist() == ["ranked", "not_rated", "ranked"]
    assert out["above_scale"].tolist() == [True, False, True]


# ---------------------------------------------------------------- bad input


def test_missing_column_names_the_column_and_the_fix() -> None:
    with pytest.raises(InputError) as err:
        compute_efficiency_indicators(three_firms().drop(columns=["land_mu"]))
    issue = err.value.issues[0]
    assert issue.column == "land_mu" and issue.problem == "required column is missing"
    assert "add a column 'land_mu' (用地面积, 亩)" in str(err.value)


def test_bad_values_name_row_column_value_and_fix() -> None:
    firms = three_firms()
    firms["land_mu"] = firms["land_mu"].astype(object)
    firms["tax"] = firms["tax"].astype(object)
    firms.loc[1, "land_mu"] = -5.0
    firms.loc[2, "tax"] = "abc"
    firms.loc[0, "tax"] = "约300"
    with pytest.raises(InputError) as err:
        compute_efficiency_indicators(firms)
    message = str(err.value)
    assert "3 problem(s)" in message
    assert "row 2, column 'land_mu': is negative (value '-5.0')" in message
    assert "must be ≥ 0" in message
    assert "row 3, column 'tax': not a plain number (value 'abc')" in message
    assert "row 1, column 'tax'" in message and "约" in message
    assert {(i.row, i.column) for i in err.value.issues} == {(2, "land_mu"), (3, "tax"), (1, "tax")}


def test_text_numbers_with_thousands_separators_are_read() -> None:
    firms = three_firms()
    firms["tax"] = ["500", "600", "1,200"]
    ind = compute_efficiency_indicators(firms)
    assert ind["tax_per_mu"].tolist() == [25.0, 12.0, 150.0]


def test_negative_tax_is_allowed_but_duplicate_ids_and_bad_flags_are_not() -> None:
    refund = tax_firms([-5.0, 10.0], tax_refund=["是", "否"])  # 留抵退税 can make tax negative
    out = classify_enterprises(refund, TAX_ONLY)
    assert out.loc[0, "score"] == pytest.approx(-50.0) and out.loc[0, "class"] == "D"
    with pytest.raises(InputError, match="row 1, column 'tax': tax is negative but 税收含留抵退税"):
        classify_enterprises(tax_firms([-5.0, 10.0]), TAX_ONLY)  # negative without 退税
    firms = tax_firms([1.0, 2.0], utility=["否", "maybe"])
    firms.loc[1, "enterprise_id"] = "E01"
    with pytest.raises(InputError) as err:
        classify_enterprises(firms, TAX_ONLY)
    message = str(err.value)
    assert "row 2, column 'enterprise_id': repeats an earlier row" in message
    assert "row 2, column 'utility': not a yes/no value (value 'maybe')" in message


def test_scheme_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown indicators"):
        EfficiencyScheme("x", weights={"no_such": 1}, benchmarks={"no_such": 1})
    with pytest.raises(ValueError, match="benchmark > 0"):
        EfficiencyScheme("x", weights={"tax_per_mu": 1})
    with pytest.raises(ValueError, match="action"):
        Rule("utility", "force_C", "x")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the bundled sample


def test_sample_is_fictional_and_classifies() -> None:
    firms = sample_enterprises()
    assert len(firms) == 30 and firms["enterprise_id"].is_unique
    assert firms["fictional"].eq(True).all()
    assert firms["source"].str.contains("虚构示例数据").all()
    assert firms["source"].str.contains("not real firms").all()
    assert firms["name"].str.endswith("（虚构）").all() and firms["park_id"].eq("demo_park").all()

    out = classify_enterprises(firms).set_index("enterprise_id")
    assert out["class"].value_counts().to_dict() == {"B": 8, "C": 7, "A": 4, "D": 3}
    assert out.loc["DEMO-007", "status"] == "forced_D"  # banned industry
    assert out.loc["DEMO-015", "status"] == "forced_D"  # failed emission limit
    worded = pkd.explain(classify_enterprises(firms), "zh").set_index("enterprise_id")
    assert worded.loc["DEMO-012", "class_reason"].startswith("不参评：水、电、气")  # utility
    assert out.loc["DEMO-018", "status"] == "not_rated"  # in operation for one year
    assert out.loc["DEMO-021", "status"] == "not_scored"  # tenant with its land left blank
    assert "value_added_per_emission:filled_mean" in out.loc["DEMO-009", "indicator_notes"]
    assert out.loc[~firms.set_index("enterprise_id")["above_scale"], "status"].eq("not_rated").all()

    small = classify_enterprises(firms, HUANGYAN_2022_BELOW_SCALE).set_index("enterprise_id")
    assert small["status"].eq("ranked").sum() == 4
    worded = pkd.explain(classify_enterprises(firms, HUANGYAN_2022_BELOW_SCALE), "zh")
    reason = worded.set_index("enterprise_id").loc["DEMO-028", "class_reason"]
    assert reason == "强制D类：发生安全生产事故（safety_incident）"
