"""The land-supply rule (湖口 2020) at and around its thresholds: 5000 万元 fixed-asset investment and
300 万元/亩 investment intensity, "以下" including the number itself (民法典第一千二百五十九条),
the special-requirement exception, missing figures and bad rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parkdata.assessment.land_supply import RULES, LandSupplyRule, check_projects, land_rule
from parkdata.contract.schema import entries
from parkdata.errors import ArgumentError, InputError, SchemaError
from parkdata.reporting.wording import has_text


def projects(
    investment: list[float | None], land: list[float | None], special: list[bool] | None = None
) -> pd.DataFrame:
    n = len(investment)
    return pd.DataFrame(
        {
            "project_id": [f"P{i + 1}" for i in range(n)],
            "name": [f"项目{i + 1}" for i in range(n)],
            "investment": investment,
            "land_mu": land,
            "special_requirement": special if special is not None else [False] * n,
        }
    )


def decided(
    table: pd.DataFrame, rule: str | LandSupplyRule = "hukou_2020"
) -> list[tuple[str, str]]:
    out = check_projects(table, rule)
    return list(zip(out["decision"], out["reasons"], strict=True))


def test_the_rule_is_data_with_its_clause_and_the_inclusive_source() -> None:
    rule = RULES["hukou_2020"]
    assert (rule.min_investment, rule.min_intensity, rule.inclusive) == (5000, 300, True)
    assert "5000万元以下" in rule.clause and "300万元以下" in rule.clause
    assert "第一千二百五十九条" in rule.inclusive_source and "包括本数" in rule.inclusive_source
    assert rule.exception_column == "special_requirement"


def test_investment_at_and_around_5000_wan_yuan() -> None:
    # 10 亩 each, so the intensity (≈ 500 万元/亩) is well above 300 and only investment decides
    out = check_projects(projects([4999.99, 5000.0, 5000.01], [10.0, 10.0, 10.0]))
    assert out["intensity"].tolist() == pytest.approx([499.999, 500.0, 500.001])
    assert list(zip(out["decision"], out["reasons"], strict=True)) == [
        ("standard_factory", "investment_below"),
        ("standard_factory", "investment_below"),  # 5000万元以下 includes 5000
        ("separate_land", "both_met"),
    ]
    assert set(out["rule"]) == {"hukou_2020"}


def test_intensity_at_and_around_300_wan_yuan_per_mu() -> None:
    # 6000 万元 (above 5000) on 20.000667 / 20 / 19.999333 亩 → 299.99 / 300 / 300.01 万元/亩
    land = [6000 / 299.99, 20.0, 6000 / 300.01]
    out = check_projects(projects([6000.0, 6000.0, 6000.0], land))
    assert out["intensity"].tolist() == pytest.approx([299.99, 300.0, 300.01])
    assert list(zip(out["decision"], out["reasons"], strict=True)) == [
        ("standard_factory", "intensity_below"),
        ("standard_factory", "intensity_below"),  # 300万元以下 includes 300
        ("separate_land", "both_met"),
    ]


def test_a_computed_intensity_a_rounding_error_off_300_counts_as_300() -> None:
    # 300.00000000000006 from the division: still "300万元以下"
    land = 6000 / 300.00000000000006
    assert check_projects(projects([6000.0], [land]))["decision"].tolist() == ["standard_factory"]


def test_an_exclusive_rule_lets_the_threshold_itself_pass() -> None:
    strict = RULES["hukou_2020"].model_copy(update={"code": "strict", "inclusive": False})
    table = projects([4999.99, 5000.0, 6000.0, 6000.0], [10.0, 10.0, 20.0, 6000 / 299.99])
    assert decided(table, strict) == [
        ("standard_factory", "investment_below"),
        ("separate_land", "both_met"),
        ("separate_land", "both_met"),
        ("standard_factory", "intensity_below"),
    ]
    assert set(check_projects(table, strict)["rule"]) == {"strict"}


def test_both_below_and_the_special_requirement_exception() -> None:
    table = projects([3000.0, 3000.0, 8000.0], [20.0, 20.0, 20.0], special=[False, True, True])
    out = check_projects(table)
    assert out["intensity"].tolist() == [150.0, 150.0, 400.0]
    assert list(zip(out["decision"], out["reasons"], strict=True)) == [
        ("standard_factory", "investment_below;intensity_below"),
        ("separate_land", "special_requirement;investment_below;intensity_below"),
        ("separate_land", "special_requirement;both_met"),
    ]


def test_missing_or_zero_land_and_missing_investment() -> None:
    table = projects([8000.0, 8000.0, 4000.0, None, None], [None, 0.0, None, 10.0, None])
    out = check_projects(table)
    assert out["intensity"].isna().all()
    assert list(zip(out["decision"], out["reasons"], strict=True)) == [
        ("undetermined", "missing_land"),
        ("undetermined", "missing_land"),  # 0 亩: no intensity
        ("standard_factory", "investment_below"),  # one figure below is enough
        ("undetermined", "missing_investment"),
        ("undetermined", "missing_investment"),
    ]


def test_the_table_keeps_its_columns_index_and_order() -> None:
    table = projects([6000.0, 1000.0], [10.0, 10.0])
    table.index = ["b", "a"]
    out = check_projects(table)
    assert out.index.tolist() == ["b", "a"]
    assert out.columns.tolist() == [*table.columns, "intensity", "decision", "reasons", "rule"]
    assert out.attrs["min_investment"] == 5000


def test_the_exception_column_may_be_absent_and_accepts_yes_no_words() -> None:
    table = projects([3000.0], [20.0]).drop(columns=["special_requirement"])
    assert decided(table) == [("standard_factory", "investment_below;intensity_below")]
    words = projects([3000.0, 3000.0, 3000.0], [20.0] * 3).assign(
        special_requirement=["是", "否", None]
    )
    assert check_projects(words)["decision"].tolist() == [
        "separate_land", "standard_factory", "standard_factory",
    ]  # fmt: skip


def test_bad_rows_name_file_row_and_column() -> None:
    table = projects([6000.0, -1.0, 6000.0, "很多"], [10.0, 10.0, -2.0, 5.0]).assign(
        origin_file="projects.csv", origin_sheet=None, origin_row=[2, 3, 4, 5]
    )
    with pytest.raises(InputError) as err:
        check_projects(table)
    places = {(i.file, i.row, i.column, i.problem) for i in err.value.issues}
    assert places == {
        ("projects.csv", 3, "investment", "is negative"),
        ("projects.csv", 4, "land_mu", "is negative"),
        ("projects.csv", 5, "investment", "not a plain number"),
    }
    in_memory = projects([6000.0, 6000.0], [10.0, -1.0])
    with pytest.raises(InputError) as err:
        check_projects(in_memory)
    assert [(i.row, i.column) for i in err.value.issues] == [
        (2, "land_mu")
    ]  # row 2 = second project


def test_missing_columns_and_unknown_rules() -> None:
    with pytest.raises(InputError) as err:
        check_projects(projects([1.0], [1.0]).drop(columns=["land_mu"]))
    assert [i.column for i in err.value.issues] == ["land_mu"]
    with pytest.raises(ArgumentError, match="hukou_2020"):
        check_projects(projects([1.0], [1.0]), rule="hukou_2019")
    assert land_rule(RULES["hukou_2020"]) is RULES["hukou_2020"]


def test_the_yaml_is_checked_by_the_one_validator() -> None:
    with pytest.raises(SchemaError, match="min_investment"):
        entries(
            {
                "rules": [
                    {
                        "code": "bad",
                        "zh": "坏",
                        "en": "bad",
                        "min_investment": -5,
                        "min_intensity": 300,
                    }
                ]
            },
            "rules",
            LandSupplyRule,
            "land_supply.yaml",
        )


def test_every_code_has_words() -> None:
    codes = ["separate_land", "standard_factory", "undetermined"]
    keys = [f"land_supply.decision_{c}" for c in codes]
    reasons = ["special_requirement", "both_met", "investment_below", "intensity_below"]
    keys += [f"land_supply.reason_{c}" for c in [*reasons, "missing_investment", "missing_land"]]
    keys += [f"land_supply.move_{m}" for m in ("up", "down", "same", "new", "gone", "unrated")]
    assert [k for k in keys if not has_text(k)] == []
    assert np.isnan(check_projects(projects([1.0], [0.0]))["intensity"].iloc[0])
