"""Plausibility as data: every indicator has a domain (catalog.yaml ``domains``, ``kind_domains``),
checked by the schema, and a domain says value by value what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

import parkdata as pkd
from parkdata.contract.domains import FAULTS, WARNING_FAULTS, Domain
from parkdata.contract.indicator_catalog import Catalog, read_catalog

ONE = """
  - code: x
    name_zh: 某指标
    name_en: X
    unit: 亿元
    kind: flow
    description: test
"""
DOMAINS = """
domains:
  - {code: non_negative, description: "≥ 0", min: 0, fix: check}
  - {code: any, description: anything, fix: check}
kind_domains: {flow: non_negative, growth: any}
"""


def test_every_indicator_has_a_known_domain(catalog: Catalog) -> None:
    for ind in catalog:
        assert ind.domain in catalog.domains.by_code, ind.code
    frame = pkd.catalog()
    assert frame.loc["operating_revenue", "domain"] == "non_negative"
    assert frame.loc["total_area", "domain"] == "non_negative"
    assert frame.loc["high_tech_output_share", "domain"] == "share"
    assert frame.loc["enterprises_above_scale", "domain"] == "count"
    assert frame.loc["rank_national_hitech", "domain"] == "rank"
    assert frame.loc["total_profit", "domain"] == "any"  # a loss is a negative profit


def test_growth_rates_fall_at_most_100_percent_unless_the_level_may_be_negative(
    catalog: Catalog,
) -> None:
    assert catalog.domain("main_business_revenue_yoy").min == -100
    assert catalog.domain("total_profit_cagr").min is None


def test_a_domain_says_what_is_wrong_value_by_value(catalog: Catalog) -> None:
    count = catalog.domain("enterprises_above_scale")
    values = np.array([3.0, 12000.000000000002, 3.5, -3.0, np.nan, np.inf])
    assert count.faults(values).tolist() == [
        None,
        None,
        "not_whole",
        "below_min",
        None,
        "not_finite",
    ]
    share = catalog.domain("high_tech_output_share")
    assert share.faults(np.array([100.0, 100.4, 101.5, -0.1])).tolist() == [
        None,
        "above_max_slack",
        "above_max",
        "below_min",
    ]
    assert set(FAULTS) > WARNING_FAULTS


def test_the_schema_checks_domains() -> None:
    with pytest.raises(ValueError, match=r"min 5\.0 is above max 1\.0"):
        Domain(code="d", description="d", min=5, max=1, fix="f")
    with pytest.raises(ValueError, match="max_slack needs a max"):
        Domain(code="d", description="d", max_slack=1, fix="f")
    bad = DOMAINS.replace("min: 0,", "min: zero,") + "indicators:" + ONE
    with pytest.raises(pkd.CatalogError, match="domain non_negative: min"):
        read_catalog(bad)
    unknown = DOMAINS.replace("flow: non_negative", "flow: positive") + "indicators:" + ONE
    with pytest.raises(pkd.CatalogError, match="unknown domains"):
        read_catalog(unknown)


def test_an_indicator_names_a_known_domain_or_takes_its_kind_s() -> None:
    catalog = read_catalog(DOMAINS + "indicators:" + ONE)
    assert catalog["x"].domain == "non_negative" and catalog["x_yoy"].domain == "any"
    with pytest.raises(pkd.CatalogError, match="x: unknown domain 'share'"):
        read_catalog(DOMAINS + "indicators:" + ONE + "    domain: share\n")


def test_an_extra_catalog_uses_the_shipped_domains(catalog: Catalog) -> None:
    extra = read_catalog("indicators:" + ONE + "    domain: share\n")
    assert extra.domain("x").max == 100
    merged = catalog.with_extra([extra["x"]])
    assert merged["x"].domain == "share" and merged["x_yoy"].domain == "growth"
