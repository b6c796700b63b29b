"""Target assessment: for every plan target, where the park stands and whether its pace is enough.

``assess(panel)`` returns one row per target: the current value and its source, the gap, the
percentage of the target reached, the growth the target requires and the growth achieved, the
expected value at the target year, the UNSD and StatCan ratios, a status and a reason code
(docs/assessment.md, docs/methods.md §1–2). How each target kind is measured is in
:mod:`parkdata.assessment.target_measures`; the rules that turn measures into a verdict in
:mod:`parkdata.assessment.verdicts`. Statuses and reasons are codes; ``pkd.explain(table)``
adds the words (Chinese or English).

Sources: UN Statistics Division, *SDG Progress Chart technical note* (2023); Statistics Canada /
Open SDG ``sdg-build`` ``ProgressMeasure.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from parkdata.assessment.target_measures import (
    count_measures,
    flow_measures,
    level_measures,
    plain,
    year_of,
    yearly_quantities,
)
from parkdata.assessment.verdicts import decide, measure
from parkdata.contract.panel import Panel
from parkdata.contract.periods import as_of_label, as_of_time, period_time
from parkdata.contract.registry import find_parks
from parkdata.contract.vocab import FLOW_KINDS, LEVEL_KINDS, RULES
from parkdata.errors import ArgumentError
from parkdata.projection.anticipate import PROJECTION_COLUMNS, projection_columns
from parkdata.projection.realism import base_rates
from parkdata.series.growth import cagr
from parkdata.series.levels import (
    level_figures,
    reported_growth,
    values_as_of,
    year_end_levels,
)

ASSESSMENT_COLUMNS = [
    "target_id",
    "park_id",
    "indicator",
    "kind",
    "comparator",
    "base_period",
    "target_period",
    "target_value",
    "unit",
    "threshold",
    "threshold_unit",
    "goal",
    "goal_unit",
    "base_value",
    "start_period",
    "current_period",
    "current_value",
    "current_qualifier",
    "current_source",
    "n_points",
    "gap",
    "pct_of_target",
    "achieved_cagr",
    "required_cagr",
    "realism_base_rate",
    "realism_series",
    "required_increment",
    "expected_value",
    "unsd_ratio",
    "statcan_ratio",
    "status",
    *PROJECTION_COLUMNS,
    "rule",
    "pace_basis",
    "pace_from",
    "pace_to",
    "reported_growth",
    "reason",
    "reason_flags",
    "as_of",
    "source",
    "clause",
]
_EPS = 1e-9


def _targets(panel: Panel, park: str | Iterable[str] | None, now: float) -> pd.DataFrame:
    """The targets to assess with their times (T, Tb, horizon), level unit and direction."""
    targets = panel.targets
    wanted = find_parks(panel, park)
    if wanted is not None:
        targets = targets[targets["park_id"].isin(wanted)]
    tg = plain(targets).reset_index(drop=True)
    tg["T"] = period_time(tg["target_period"].astype("string").fillna(pd.NA).astype(object))
    tg["Tb"] = period_time(tg["base_period"].astype("string").fillna(pd.NA).astype(object))
    tg["horizon"] = np.fmin(tg["T"].fillna(np.inf), now)
    tg["unit_level"] = tg["indicator"].map({ind.code: ind.unit for ind in panel.catalog})
    tg["direction"] = tg["indicator"].map(
        {ind.code: "lower" if ind.kind == "rank" else ind.direction for ind in panel.catalog}
    )
    return tg


def assess(
    panel: Panel,
    as_of: str | None = None,
    park: str | Iterable[str] | None = None,
    rule: str = "unsd",
    member_totals: bool = False,
    today: dt.date | None = None,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per target: current value, gap, required vs achieved growth, ratio and status.

    ``as_of`` ("2020", "2021-09") uses only figures for periods ended by then — "as of 2020, was
    湖口 on course for its 2022 targets?"; ``None`` means today. ``rule`` picks the primary status
    rule: ``"unsd"`` (default) or ``"statcan"``; both ratios are always returned. ``values``
    (from :func:`~parkdata.series.levels.values_as_of`) saves computing them again.

    >>> import parkdata as pkd
    >>> table = pkd.assess(pkd.load(), park="wuhan_donghu_hitech", as_of="2022")
    >>> table.set_index("target_id").loc["donghu-01", ["status", "reason"]].tolist()
    ['needs_acceleration', 'pace']
    """
    if rule not in RULES:
        raise ArgumentError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    now = as_of_time(as_of, today)
    tg = _targets(panel, park, now)
    if tg.empty:
        return pd.DataFrame(columns=ASSESSMENT_COLUMNS)
    if values is not None and member_totals:
        raise ArgumentError("member_totals=True needs values computed with it (or none given)")
    if values is None:
        codes = set(tg["indicator"])
        codes |= {f"{c}_{s}" for c in codes for s in ("yoy", "cagr")}
        values = values_as_of(panel, indicators=codes, member_totals=member_totals)
    values = plain(values[values["t"] <= now + _EPS])
    trend = level_figures(values)
    flows = {ind.code for ind in panel.catalog if ind.agg_time == "sum"}
    parts = []
    kinds = tg["kind"]
    if kinds.isin(LEVEL_KINDS).any():
        parts.append(level_measures(tg[kinds.isin(LEVEL_KINDS)], trend, reported_growth(values)))
    if kinds.isin(FLOW_KINDS).any():
        parts.append(flow_measures(tg[kinds.isin(FLOW_KINDS)], yearly_quantities(trend, flows)))
    if (kinds == "count_over_threshold").any():
        parts.append(count_measures(tg[kinds == "count_over_threshold"], trend, panel))
    if not parts:
        return pd.DataFrame(columns=ASSESSMENT_COLUMNS)
    out = decide(measure(pd.concat(parts).sort_index()), now, rule)
    out = _finish(out, as_of_label(as_of, today))
    levels = year_end_levels(trend)  # the year ends of the level figures
    out[PROJECTION_COLUMNS] = projection_columns(out, levels, panel.catalog)
    out[["realism_base_rate", "realism_series"]] = _realism(out, levels)
    return out.reindex(columns=ASSESSMENT_COLUMNS).reset_index(drop=True)


def _finish(out: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The published columns from the working ones."""
    out["current_period"] = out["cur_period"]
    out["current_value"] = out["cur_value"].astype(float)
    out["current_qualifier"] = out["cur_qualifier"]
    out["current_source"] = out["cur_source"]
    out["base_value"] = out["v_b"]
    out["start_period"] = year_of(out["start_t"]).where(out["start_t"].notna())
    out["goal_unit"] = np.where(out["kind"] == "count_over_threshold", "个", out["unit_level"])
    out["reported_growth"] = out["rep_growth"]
    out["as_of"] = as_of
    return out


def _realism(out: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Plan-realism base rate for the growth each level target requires from its base."""
    span = out["T"] - out["start_t"]
    required = pd.Series(
        np.where(out["kind"].isin(LEVEL_KINDS), cagr(out["v_b"], out["goal"], span), np.nan),
        index=out.index,
    )
    return base_rates(levels, out["indicator"], required, span, out["comparator"] == "<=")
