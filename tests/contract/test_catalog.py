"""The indicator catalog: schema, lookup, formulas without eval."""

from __future__ import annotations

import pytest

import parkdata as pkd
from parkdata.contract.formulas import evaluate_formula, formula_inputs
from parkdata.contract.indicator_catalog import Catalog, read_catalog
from parkdata.contract.units import conversion_factor


def test_catalog_frame_has_metadata_for_every_indicator() -> None:
    frame = pkd.catalog()
    assert frame.index.is_unique and len(frame) >= 150
    for column in ("name_zh", "name_en", "unit", "kind", "direction", "agg_time", "description"):
        assert frame[column].notna().all() and (frame[column].astype(str) != "").all(), column
    assert frame.loc["tax_per_mu", "unit"] == "万元/亩"
    assert frame.loc["energy_per_value_added", "direction"] == "lower"


def test_lookup_by_chinese_name_alias_and_traditional_unit(catalog: Catalog) -> None:
    assert catalog.resolve("亩均税收") == "tax_per_mu"
    assert catalog.resolve("规模工业增加值") == "industrial_value_added_above_scale"
    assert catalog.resolve("主营业务收入增速") == "main_business_revenue_yoy"
    assert catalog.resolve("主营业务收入年均增长") == "main_business_revenue_cagr"
    assert catalog.resolve("no such thing") is None


def test_growth_variants_are_percent_and_point_to_their_level(catalog: Catalog) -> None:
    yoy = catalog["main_business_revenue_yoy"]
    assert (yoy.unit, yoy.kind, yoy.growth_of) == ("%", "growth", "main_business_revenue")


def test_every_formula_uses_known_codes_and_convertible_units(catalog: Catalog) -> None:
    derived = [i for i in catalog if i.formula]
    assert {"tax_per_mu", "investment_intensity", "leading_industry_share"} <= {
        i.code for i in derived
    }
    for ind in derived:
        for code, unit in ind.formula_units.items():
            conversion_factor(catalog[code].unit, unit)


def test_formula_evaluates_per_mu_tax() -> None:
    # 亩均税收: 30 亿元 of tax on 10 000 亩 = 300 000 万元 / 10 000 亩 = 30 万元/亩
    tax = 30 * conversion_factor("亿元", "万元")
    assert (
        evaluate_formula(
            "tax_revenue / industrial_land_area",
            {"tax_revenue": tax, "industrial_land_area": 10000.0},
        )
        == 30.0
    )


def test_formula_division_by_zero_is_missing_not_infinite() -> None:
    import math

    assert math.isnan(evaluate_formula("a / b", {"a": 1.0, "b": 0.0}))


@pytest.mark.parametrize(
    "formula", ["__import__('os').system('true')", "a.b", "a ** 2", "f(a)", "'x'", "a if b else c"]
)
def test_formula_refuses_anything_but_arithmetic(formula: str) -> None:
    with pytest.raises(pkd.FormulaError):
        formula_inputs(formula)


def test_malformed_catalog_entry_names_entry_and_field() -> None:
    bad = (
        "indicators:\n  - code: x\n    name_zh: 甲\n    name_en: X\n    unit: 斤\n"
        "    kind: flow\n    description: d\n"
    )
    with pytest.raises(pkd.CatalogError, match=r"indicator x: unit"):
        read_catalog(bad)


def test_name_claimed_twice_is_refused() -> None:
    text = (
        "indicators:\n"
        "  - {code: a, name_zh: 甲, name_en: A, unit: 亿元, kind: flow, description: d}\n"
        "  - {code: b, name_zh: 甲, name_en: B, unit: 亿元, kind: flow, description: d}\n"
    )
    with pytest.raises(pkd.CatalogError, match="claimed by both"):
        read_catalog(text)
