"""The bundled data: every seed-plan target and every public figure, each with its source."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import parkdata as pkd
from parkdata import paths
from parkdata.contract.vocab import TARGET_KINDS

HUKOU_PLAN = "促进湖口高新园区创新发展三年倍增行动计划(2020—2022年)(送审稿)"
CHANGDE_PLAN = "常德市“五好”园区攻坚专项行动实施方案(2022—2025年)"


def _target(
    panel: pkd.Panel, park: str, indicator: str, kind: str = "level", period: str | None = None
) -> pd.Series:
    t = panel.targets
    rows = t[(t["park_id"] == park) & (t["indicator"] == indicator) & (t["kind"] == kind)]
    if period is not None:
        rows = rows[rows["target_period"] == period]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("park", "indicator", "kind", "period", "value", "unit", "clause_words", "source"),
    [
        (
            "hukou_hitech",
            "main_business_revenue",
            "level",
            "2022",
            800,
            "亿元",
            "主营业务收入突破800亿元",
            HUKOU_PLAN,
        ),
        (
            "hukou_hitech",
            "investment_intensity",
            "level",
            "2022",
            400,
            "万元/亩",
            "投资强度不低于400万元/亩",
            HUKOU_PLAN,
        ),
        (
            "hukou_hitech",
            "leading_industry_share",
            "share",
            "2022",
            65,
            "%",
            "首位产业集聚度达到65%以上",
            HUKOU_PLAN,
        ),
        (
            "changde_parks",
            "tech_industry_trade_revenue",
            "level",
            "2025",
            8000,
            "亿元",
            "技工贸总收入达到8000亿元以上",
            CHANGDE_PLAN,
        ),
        (
            "changde_parks",
            "tax_per_mu",
            "level",
            "2025",
            30,
            "万元/亩",
            "亩均税收达到30万元/亩以上",
            CHANGDE_PLAN,
        ),
        (
            "wuhan_donghu_hitech",
            "high_tech_enterprises",
            "level",
            "2025",
            10000,
            "家",
            "高新技術企業數量力爭突破10000家",
            None,
        ),
        (
            "ankang_county_zones",
            "operating_revenue",
            "level",
            "2021",
            2000,
            "亿元",
            "营业收入达到2000亿元",
            None,
        ),
    ],
)
def test_seed_target_by_value_unit_year_and_clause(
    panel: pkd.Panel,
    park: str,
    indicator: str,
    kind: str,
    period: str,
    value: float,
    unit: str,
    clause_words: str,
    source: str | None,
) -> None:
    row = _target(panel, park, indicator, kind, period)
    assert row["comparator"] == ">="
    assert row["target_value"] == value
    assert row["unit"] == unit
    assert clause_words in row["clause"]
    if source is not None:
        assert row["source"] == source


def test_zunyi_output_target_with_its_growth_rate(panel: pkd.Panel) -> None:
    level = _target(panel, "zunyi_parks", "industrial_output")
    growth = _target(panel, "zunyi_parks", "industrial_output", kind="growth_rate")
    assert (level["target_value"], level["unit"]) == (5500, "亿元")
    assert (growth["target_value"], growth["unit"], growth["comparator"]) == (20, "%", ">=")
    assert "年均增長20%以上" in growth["clause"]
    # the compilation prints its years as 20xx: kept, flagged, never invented
    assert pd.isna(level["target_period"])
    assert "20xx" in level["note"]


def test_count_over_threshold_target_for_a_group(panel: pkd.Panel) -> None:
    row = _target(
        panel, "changde_parks", "tech_industry_trade_revenue", kind="count_over_threshold"
    )
    assert (row["target_value"], row["threshold"], row["threshold_unit"]) == (5, 1000, "亿元")


def test_every_seed_plan_is_represented_and_targets_are_many(panel: pkd.Panel) -> None:
    t = panel.targets
    assert len(t) >= 200
    assert t["park_id"].nunique() >= 25
    for prefix in (
        "hukou2020-",
        "hunan2018-",
        "changde2022-",
        "nanjing-",
        "zunyi-",
        "quanzhou-",
        "donghu-",
        "ankang-",
    ):
        assert t["target_id"].str.startswith(prefix).any(), prefix
    assert set(t["kind"]) == set(TARGET_KINDS)  # every kind of the contract is exercised
    assert t["clause"].str.len().min() > 5 and t["source"].str.len().min() > 5


def test_every_public_figure_is_an_observation_with_its_source(panel: pkd.Panel) -> None:
    with (paths.BUNDLED_RAW_DIR / "snapshots" / "public_figures.csv").open(encoding="utf-8") as fh:
        snapshot = list(csv.DictReader(fh))
    obs = panel.observations[panel.observations["origin_file"] == "observations_public_figures.csv"]
    assert len(obs) == len(snapshot) == 158
    for row in obs.itertuples():
        original = snapshot[row.origin_row - 2]  # data rows start at file row 2
        if original["source_url"].startswith("http"):
            assert original["source_url"] in row.source
        assert original["source_quote"][:20] in row.source
        assert row.value_reported == pytest.approx(float(original["value"]))


def test_public_figure_qualifiers_and_units(panel: pkd.Panel) -> None:
    obs = panel.observations
    jx = obs.query(
        "park_id == 'jiangxi_parks' and indicator == 'operating_revenue' and period == '2020'"
    ).iloc[0]
    assert (jx["value"], jx["unit"], jx["value_reported"], jx["unit_reported"]) == (
        32400,
        "亿元",
        3.24,
        "万亿元",
    )
    assert jx["qualifier"] == "exact"  # "首次突破3万亿元，达3.24万亿元": 3.24 is exact
    area = obs.query("park_id == 'hukou_hitech' and indicator == 'standard_factory_area'").iloc[0]
    assert area["qualifier"] == "at_least"  # "120万余平方米"
    assert obs["qualifier"].isin(["exact", "at_least", "at_most", "approx"]).all()
    assert (obs["source"].str.len() > 10).all()


def test_growth_rates_are_kept_as_reported(panel: pkd.Panel) -> None:
    growth = panel.observations[panel.observations["indicator"].str.endswith(("_yoy", "_cagr"))]
    assert len(growth) >= 20
    assert (growth["unit"] == "%").all()
    assert (growth["value"] == growth["value_reported"]).all()


def test_distinct_revenue_measures_are_never_merged(catalog: pkd.Catalog) -> None:
    codes = {
        catalog.resolve(n) for n in ("营业收入", "主营业务收入", "工业营业收入", "技工贸总收入")
    }
    assert len(codes) == 4


def test_registry_covers_every_park_and_group(panel: pkd.Panel) -> None:
    ids = set(panel.parks["park_id"])
    assert set(panel.targets["park_id"]) <= ids
    assert set(panel.observations["park_id"]) <= ids
    groups = set(panel.parks.loc[panel.parks["kind"] == "group", "park_id"])
    assert {"changde_parks", "hunan_parks", "jiangxi_parks", "ankang_county_zones"} <= groups
    assert "changde_etdz" in panel.members("changde_parks")
    assert not panel.parks["fictional"].any()  # the bundled data is real


def test_bundled_data_loads_without_errors(panel: pkd.Panel) -> None:
    assert len(panel.errors()) == 0
    warnings = panel.issues[panel.issues["severity"] == "warning"]
    assert set(warnings["problem"]) <= {
        "no target period: the target is kept but cannot be assessed",
        "no base period: this kind of target counts from one; kept but cannot be assessed",
    }
