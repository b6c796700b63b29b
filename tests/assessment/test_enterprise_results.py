"""亩均 classes for every park and year: per-group classification with 规上/规下 schemes, the class
mix and its score thresholds, and class transitions over two years (hand-computed)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from parkdata.assessment.enterprise_results import (
    MATRIX_LEVELS,
    class_summary,
    class_transitions,
    classify_parks,
    latest_class_mix,
    transition_matrix,
)
from parkdata.assessment.enterprise_scheme import (
    HUANGYAN_2022,
    HUANGYAN_2022_BELOW_SCALE,
    EfficiencyScheme,
)
from parkdata.assessment.enterprises import classify_enterprises, sample_enterprises
from parkdata.errors import ArgumentError, InputError

# score = 100 × (tax ÷ land) ÷ 10, so a firm on 10 亩 paying 500 万元 scores 500
TAX_ONLY = EfficiencyScheme("tax only", weights={"tax_per_mu": 100}, benchmarks={"tax_per_mu": 10})


def firms(park: str, year: int, taxes: dict[str, float], **flags: dict[str, bool]) -> pd.DataFrame:
    """Firms on 10 亩 each paying the given tax (万元); tax per mu = tax ÷ 10."""
    ids = list(taxes)
    table = pd.DataFrame(
        {
            "enterprise_id": ids,
            "name": [f"企业{i}" for i in ids],
            "park_id": park,
            "year": year,
            "above_scale": True,
            "land_mu": 10.0,
            "tax": [taxes[i] for i in ids],
            "utility": [flags.get("utility", {}).get(i, False) for i in ids],
            "banned_industry": [flags.get("banned", {}).get(i, False) for i in ids],
            "fictional": True,
        }
    )
    return table


def with_origin(table: pd.DataFrame, file: str = "firms.csv", first: int = 2) -> pd.DataFrame:
    return table.assign(
        origin_file=file, origin_sheet=None, origin_row=range(first, first + len(table))
    )


def five_firms() -> pd.DataFrame:
    """Tax per mu 50, 40, 30, 20, 10 → scores 500 … 100 → rank shares 0.2, 0.4, 0.6, 0.8, 1.0
    → A, B, B, C, D with cut-offs 0.2 / 0.6 / 0.95; plus a banned firm (forced D whatever its
    score), a utility (not rated) and a firm without tax (not scored)."""
    table = firms(
        "p1",
        2024,
        {"F1": 500, "F2": 400, "F3": 300, "F4": 200, "F5": 100, "X": 900, "U": 800, "N": np.nan},
        banned={"X": True},
        utility={"U": True},
    )
    return with_origin(table)


def test_five_firms_are_classed_by_rank_share_with_the_hand_computed_cutoffs() -> None:
    out = classify_parks(five_firms(), schemes=[TAX_ONLY])
    got = out.set_index("enterprise_id")
    assert got.loc[["F1", "F2", "F3", "F4", "F5"], "score"].tolist() == [500, 400, 300, 200, 100]
    assert got.loc[["F1", "F2", "F3", "F4", "F5"], "class"].tolist() == ["A", "B", "B", "C", "D"]
    assert got.loc[["F1", "F2", "F3", "F4", "F5"], "rank_share"].tolist() == pytest.approx(
        [0.2, 0.4, 0.6, 0.8, 1.0]
    )
    assert got.loc["X", ["class", "status"]].tolist() == ["D", "forced_D"]
    assert got.loc["U", "status"] == "not_rated" and got.loc["U", "class"] is None
    assert got.loc["N", "status"] == "not_scored" and got.loc["N", "class"] is None
    assert set(out["scheme"]) == {"tax only"} and set(out["year"]) == {2024}
    assert out["origin_row"].tolist() == list(range(2, 10)) and out["fictional"].all()
    assert out.attrs["groups"] == [
        {
            "park_id": "p1",
            "year": 2024,
            "scheme": "tax only",
            "cutoffs": (0.2, 0.6, 0.95),
            "n_ranked": 5,
        }
    ]


def test_cutoffs_apply_per_scheme_and_are_checked() -> None:
    out = classify_parks(five_firms(), schemes=[TAX_ONLY], cutoffs=(0.4, 0.8, 0.9))
    # shares 0.2, 0.4 → A; 0.6, 0.8 → B; 1.0 > 0.9 → D
    assert out["class"].iloc[:5].tolist() == ["A", "A", "B", "B", "D"]
    mapped = classify_parks(five_firms(), schemes=[TAX_ONLY], cutoffs={"tax only": (0.4, 0.8, 0.9)})
    assert mapped["class"].tolist() == out["class"].tolist()
    with pytest.raises(ArgumentError, match="cut-offs"):
        classify_parks(five_firms(), schemes=[TAX_ONLY], cutoffs=(0.6, 0.2, 0.9))
    with pytest.raises(ArgumentError, match="not used"):
        classify_parks(five_firms(), schemes=[TAX_ONLY], cutoffs={"huangyan_2022": (0.2, 0.6, 0.9)})


def test_summary_counts_shares_and_the_scores_that_separate_the_classes() -> None:
    summary = class_summary(classify_parks(five_firms(), schemes=[TAX_ONLY]))
    assert summary["class"].tolist() == ["A", "B", "C", "D", None, None]
    assert summary["status"].tolist() == [
        "classed", "classed", "classed", "classed", "not_rated", "not_scored",
    ]  # fmt: skip
    assert summary["n"].tolist() == [1, 2, 1, 2, 1, 1]
    # six classed firms (five ranked + one forced D)
    assert summary["share"].iloc[:4].tolist() == pytest.approx([1 / 6, 2 / 6, 1 / 6, 2 / 6])
    assert summary["share"].iloc[4:].isna().all()
    # the forced-D firm scored 900 but is not ranked: D's range is the ranked D firm's 100
    assert summary["min_score"].iloc[:4].tolist() == [500, 300, 200, 100]
    assert summary["max_score"].iloc[:4].tolist() == [500, 400, 200, 100]
    assert summary["n_forced_D"].tolist() == [0, 0, 0, 1, 0, 0]
    assert set(summary["park_id"]) == {"p1"} and set(summary["year"]) == {2024}


def test_groups_are_ranked_separately_and_rows_keep_their_order_and_index() -> None:
    a = firms("p1", 2023, {"A1": 100, "A2": 200})
    b = firms("p2", 2023, {"B1": 10, "B2": 30, "B3": 20})
    c = firms("p1", 2024, {"A1": 300, "A2": 100})
    table = pd.concat([a, b, c], ignore_index=True).iloc[[6, 0, 3, 2, 5, 1, 4]]
    table.index = [f"r{i}" for i in range(7)]
    out = classify_parks(table, schemes=[TAX_ONLY])
    assert out.index.tolist() == table.index.tolist()
    assert out["enterprise_id"].tolist() == table["enterprise_id"].tolist()
    ranks = dict(
        zip(
            out["park_id"] + out["year"].astype(str) + out["enterprise_id"],
            out["rank"],
            strict=True,
        )
    )
    assert ranks == {
        "p12023A1": 2, "p12023A2": 1, "p22023B1": 3, "p22023B2": 1, "p22023B3": 2,
        "p12024A1": 1, "p12024A2": 2,
    }  # fmt: skip
    assert [(g["park_id"], g["year"], g["n_ranked"]) for g in out.attrs["groups"]] == [
        ("p1", 2023, 2), ("p1", 2024, 2), ("p2", 2023, 3),
    ]  # fmt: skip


def test_default_schemes_rate_above_and_below_scale_firms_separately() -> None:
    sample = sample_enterprises().assign(year=2024)
    out = classify_parks(sample)
    above = sample["above_scale"]
    assert set(out.loc[above, "scheme"]) == {"huangyan_2022"}
    assert set(out.loc[~above, "scheme"]) == {"huangyan_2022_below_scale"}
    alone = classify_enterprises(sample[above], HUANGYAN_2022)
    assert out.loc[above, "rank"].tolist() == alone["rank"].tolist()
    assert out.loc[above, "class"].tolist() == alone["class"].tolist()
    assert not out["out_of_scope"].any()
    assert out.loc[above, "tax_per_kwh"].isna().all()  # a 规下 indicator, not theirs
    assert out.loc[~above, "labour_productivity"].isna().all()
    n_ranked = {g["scheme"]: g["n_ranked"] for g in out.attrs["groups"]}
    assert n_ranked["huangyan_2022"] == alone.attrs["n_ranked"]
    summary = class_summary(out)
    assert summary["scheme"].unique().tolist() == ["huangyan_2022", "huangyan_2022_below_scale"]
    assert summary["n"].sum() == len(sample)


def test_a_firm_in_no_schemes_scope_is_not_rated_and_out_of_scope() -> None:
    sample = sample_enterprises().assign(year=2024)
    out = classify_parks(sample, schemes=["huangyan_2022"])
    below = ~sample["above_scale"]
    assert (out.loc[below, "status"] == "not_rated").all()
    assert out.loc[below, "out_of_scope"].all() and out.loc[below, "scheme"].isna().all()
    assert out.loc[below, "class"].isna().all()
    summary = class_summary(out)
    unscoped = summary[summary["scheme"].isna()]
    assert unscoped["n"].tolist() == [0, 0, 0, 0, int(below.sum()), 0]


def test_a_passed_bundled_scheme_keeps_its_code_and_unknown_codes_are_listed() -> None:
    sample = sample_enterprises().assign(year=2024)
    tighter = dataclasses.replace(HUANGYAN_2022, cutoffs=(0.1, 0.5, 0.9))
    out = classify_parks(sample, schemes=[tighter, "huangyan_2022_below_scale"])
    assert set(out["scheme"]) == {"huangyan_2022", "huangyan_2022_below_scale"}
    with pytest.raises(ArgumentError, match="huangyan_2022_below_scale") as err:
        classify_parks(sample, schemes=["huangyan_2021"])
    assert "huangyan_2021" in str(err.value)


def test_bad_rows_name_the_file_and_row_they_came_from() -> None:
    good = with_origin(firms("p1", 2024, {"F1": 100, "F2": 200}), "a.csv")
    bad = with_origin(firms("p2", 2024, {"G1": 100, "G2": 200, "G1 ": 0}), "b.csv", first=5)
    bad.loc[2, "enterprise_id"] = "G1"  # the same firm twice
    bad.loc[1, "land_mu"] = -3.0
    with pytest.raises(InputError) as err:
        classify_parks(pd.concat([good, bad], ignore_index=True), schemes=[TAX_ONLY])
    places = {(i.file, i.row, i.column) for i in err.value.issues}
    assert places == {("b.csv", 7, "enterprise_id"), ("b.csv", 6, "land_mu")}


def test_missing_key_columns_are_named() -> None:
    with pytest.raises(InputError) as err:
        classify_parks(five_firms().drop(columns=["year"]), schemes=[TAX_ONLY])
    assert [i.column for i in err.value.issues] == ["year"]
    with pytest.raises(InputError) as err:
        classify_parks(five_firms().drop(columns=["above_scale"]))
    assert [i.column for i in err.value.issues] == ["above_scale"]


def two_years() -> pd.DataFrame:
    """2023: F1 50, F2 40, F3 30, F4 20, F5 10 per mu → A B B C D.
    2024: F2 50, F4 40, F3 30, F1 20, F6 10 → A B B C D; F5 gone, F6 new; F7 a utility both years.
    """
    before = firms(
        "p1",
        2023,
        {"F1": 500, "F2": 400, "F3": 300, "F4": 200, "F5": 100, "F7": 0},
        utility={"F7": True},
    )
    now = firms(
        "p1",
        2024,
        {"F1": 200, "F2": 500, "F3": 300, "F4": 400, "F6": 100, "F7": 0},
        utility={"F7": True},
    )
    other = firms("p2", 2024, {"F1": 100})  # another park with a firm of the same id
    return pd.concat([before, now, other], ignore_index=True)


def test_transitions_over_two_years_hand_computed() -> None:
    out = class_transitions(classify_parks(two_years(), schemes=[TAX_ONLY]), "p1", 2024)
    assert out.attrs["previous_year"] == 2023
    rows = out.set_index("enterprise_id")
    assert out["enterprise_id"].tolist() == ["F2", "F4", "F1", "F6", "F5", "F7", "F3"]
    assert out["move"].tolist() == ["up", "up", "down", "new", "gone", "unrated", "same"]
    assert rows.loc["F2", ["class_before", "class_now"]].tolist() == ["B", "A"]
    assert rows.loc["F4", ["class_before", "class_now"]].tolist() == ["C", "B"]
    assert rows.loc["F1", ["class_before", "class_now", "score_before", "score_now"]].tolist() == [
        "A",
        "C",
        500,
        200,
    ]
    assert rows.loc["F6", "class_before"] is None and rows.loc["F6", "status_before"] is None
    assert rows.loc["F5", ["class_before", "class_now"]].tolist() == ["D", None]
    assert np.isnan(rows.loc["F5", "score_now"]) and rows.loc["F5", "name"] == "企业F5"
    assert rows.loc["F7", ["status_before", "status_now"]].tolist() == ["not_rated", "not_rated"]


def test_transition_matrix_counts_every_firm_once() -> None:
    transitions = class_transitions(classify_parks(two_years(), schemes=[TAX_ONLY]), "p1", 2024)
    matrix = transition_matrix(transitions)
    assert matrix.index.tolist() == list(MATRIX_LEVELS) == matrix.columns.tolist()
    assert int(matrix.to_numpy().sum()) == len(transitions) == 7
    cells = {
        (b, n): int(matrix.loc[b, n])
        for b in matrix.index
        for n in matrix.columns
        if matrix.loc[b, n]
    }
    assert cells == {
        ("A", "C"): 1, ("B", "A"): 1, ("B", "B"): 1, ("C", "B"): 1,
        ("D", "absent"): 1, ("absent", "D"): 1, ("unrated", "unrated"): 1,
    }  # fmt: skip


def test_previous_year_defaults_to_the_latest_earlier_year_and_is_checked() -> None:
    table = two_years()
    early = firms("p1", 2021, {"F1": 100, "F9": 500})
    classified = classify_parks(pd.concat([table, early], ignore_index=True), schemes=[TAX_ONLY])
    assert class_transitions(classified, "p1", 2023).attrs["previous_year"] == 2021
    explicit = class_transitions(classified, "p1", 2024, previous_year=2021)
    assert explicit.set_index("enterprise_id").loc["F9", "move"] == "gone"
    first = class_transitions(classified, "p1", 2021)
    assert first.empty and first.attrs["previous_year"] is None
    assert "move" in first.columns
    with pytest.raises(ArgumentError, match=r"2021, 2023, 2024"):
        class_transitions(classified, "p1", 2022)
    with pytest.raises(ArgumentError, match="previous year 2022"):
        class_transitions(classified, "p1", 2024, previous_year=2022)
    assert class_transitions(classified, "p2", 2024).empty


def test_the_sample_over_two_years_and_parks_with_the_default_schemes() -> None:
    sample = sample_enterprises()
    table = pd.concat(
        [sample.assign(park_id=p, year=y) for p in ("p1", "p2") for y in (2023, 2024)],
        ignore_index=True,
    )
    out = classify_parks(table)
    alone = classify_enterprises(sample[sample["above_scale"]], HUANGYAN_2022)
    for _, group in out[out["above_scale"]].groupby(["park_id", "year"]):
        assert group["class"].tolist() == alone["class"].tolist()
    assert len(out.attrs["groups"]) == 8
    moves = class_transitions(out, "p2", 2024)["move"]
    assert set(moves) == {"same", "unrated"} and len(moves) == len(sample)


def varied_parks() -> pd.DataFrame:
    """The sample over three parks and two years with perturbed values, shuffled: a tie, firms
    without emission data (mean-filled), a banned and a failed-emission firm (forced D), utilities
    and new firms (not rated), a blank-land firm (not scored), a park-year of one 规上 firm."""
    sample = sample_enterprises()
    numbers = ["land_mu", "tax", "value_added", "energy_tce", "emissions_t", "revenue"]
    rng = np.random.default_rng(17)
    parts = []
    for park in ("p1", "p2", "p3"):
        for year in (2023, 2024):
            part = sample.assign(park_id=park, year=year)
            part[numbers] = part[numbers] * rng.uniform(0.7, 1.3, (len(part), len(numbers)))
            parts.append(part)
    inputs = [*numbers, "employees", "rd_expenditure", "electricity_kwh"]
    parts[0].loc[3, inputs] = parts[0].loc[2, inputs]  # a tie
    parts[1].loc[:5, "emissions_t"] = np.nan
    parts[2].loc[8, "failed_emission_limit"] = True
    parts[3] = parts[3][parts[3]["above_scale"]].head(1)
    table = pd.concat(parts, ignore_index=True)
    table = table.iloc[rng.permutation(len(table))]
    table.index = [f"r{i}" for i in range(len(table))]
    return table


def group_by_group(
    table: pd.DataFrame, schemes: list[EfficiencyScheme]
) -> tuple[pd.DataFrame, list[tuple[str, int, str, int]]]:
    """The reference: classify_enterprises once per (park, year, scheme), rows in input order;
    and (park, year, scheme name, n ranked) per group."""
    parts, groups = [], []
    for (park, year), rows in table.groupby(["park_id", "year"]):
        left = pd.Series(True, index=rows.index)
        for scheme in schemes:
            take = left & (rows["above_scale"] == (scheme.scope == "above_scale"))
            left &= ~take
            if take.any():
                part = classify_enterprises(rows[take], scheme, cutoffs=(0.3, 0.6, 0.9))
                parts.append(part)
                groups.append((park, year, scheme.name, part.attrs["n_ranked"]))
    out = pd.concat(parts).loc[table.index]
    out.attrs = {}
    return out, groups


def test_one_pass_over_all_parks_equals_classing_each_group_on_its_own() -> None:
    table = varied_parks()
    minmax = dataclasses.replace(HUANGYAN_2022, name="黄岩 min-max", method="minmax")
    schemes = [minmax, HUANGYAN_2022_BELOW_SCALE]
    out = classify_parks(table, schemes=schemes, cutoffs=(0.3, 0.6, 0.9))
    expected, groups = group_by_group(table, schemes)
    assert set(out["status"]) == {"ranked", "forced_D", "not_rated", "not_scored"}
    assert out["indicator_notes"].str.contains("filled_mean").any()
    tie = out[(out["park_id"] == "p1") & (out["year"] == 2023)].set_index("enterprise_id")
    assert tie.loc["DEMO-003", "rank"] == tie.loc["DEMO-004", "rank"]
    pd.testing.assert_frame_equal(out[expected.columns], expected, check_exact=True)
    names = {
        "黄岩 min-max": "黄岩 min-max",
        HUANGYAN_2022_BELOW_SCALE.name: "huangyan_2022_below_scale",
    }
    assert [(g["park_id"], g["year"], g["scheme"], g["n_ranked"]) for g in out.attrs["groups"]] == [
        (park, year, names[name], n) for park, year, name, n in groups
    ]


def test_bad_rows_of_every_park_come_together_numbered_in_the_table() -> None:
    table = pd.concat(
        [firms("p1", 2024, {"F1": 100, "F2": 200}), firms("p2", 2024, {"G1": 100, "G2": 200})],
        ignore_index=True,
    )
    table.loc[1, "land_mu"] = -3.0
    table["tax"] = table["tax"].astype(object)
    table.loc[3, "tax"] = "many"
    with pytest.raises(InputError) as err:
        classify_parks(table, schemes=[TAX_ONLY])
    assert {(i.row, i.column) for i in err.value.issues} == {(2, "land_mu"), (4, "tax")}


def test_latest_class_mix_counts_each_parks_latest_year_with_its_rows() -> None:
    sample = sample_enterprises().assign(fictional=True)
    this_year = with_origin(sample.assign(park_id="p1", year=2023), "a.csv", first=2)
    last_year = with_origin(sample.assign(park_id="p1", year=2022), "a.csv", first=32)
    other = with_origin(sample.iloc[:10].assign(park_id="p2", year=2022), "b.csv", first=2)
    mix = latest_class_mix(pd.concat([last_year, this_year, other], ignore_index=True))
    mix = mix.set_index("park_id")
    assert mix.loc["p1", "year"] == 2023 and mix.loc["p2", "year"] == 2022  # each its latest
    expected = classify_parks(this_year)
    ranked = expected[expected["status"] == "ranked"]
    for grade in "ABCD":
        assert mix.loc["p1", grade] == (ranked["class"] == grade).sum()
    assert mix.loc["p1", "forced_D"] == (expected["status"] == "forced_D").sum() == 3
    assert mix.loc["p1", "no_class"] == expected["class"].isna().sum()
    assert mix.loc["p1", ["A", "B", "C", "D", "forced_D", "no_class"]].sum() == 30
    assert mix.loc["p1", "rows"] == "a.csv row 2–31" and mix.loc["p2", "rows"] == "b.csv row 2–11"
    assert mix.loc["p1", "schemes"] == "huangyan_2022;huangyan_2022_below_scale"
    assert bool(mix.loc["p1", "fictional"]) and latest_class_mix(this_year.iloc[:0]).empty
