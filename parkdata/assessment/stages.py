"""Stage targets (按年度确定阶段目标) and in-year progress against time (序时进度).

* ``stage_targets``: each multi-year target broken into yearly milestones along the required path
  — geometric (constant growth) for levels, shares and multiples; linear for cumulative totals and
  yearly increments — beside the figure actually reported for each year.
* ``time_progress``: for 本年累计 (ytd) figures, progress = ytd / the year's target against the
  elapsed share of the year m/12 (1–11月: 91.7 %) and against a seasonal profile — the share of
  the year the park's earlier years had reached by the same month (Q1 is weak). ``flag`` is
  ``behind_time`` (未达序时进度), ``behind_time_seasonal_ok`` (behind the calendar but not the
  seasonal profile) or ``on_time`` (docs/methods.md §6).

>>> round(float(elapsed_share(11)) * 100, 1)
91.7
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from parkdata.assessment.target_status import assess
from parkdata.contract.panel import Panel
from parkdata.contract.periods import period_month, period_year
from parkdata.contract.vocab import target_kind, vocabulary
from parkdata.series.growth import periods_to_ytd
from parkdata.series.levels import cut_at, values_as_of, year_end_levels

_GEOMETRIC = tuple(k.code for k in vocabulary().target_kinds if k.path == "geometric")
_ANNUAL_TARGET = tuple(k.code for k in vocabulary().target_kinds if k.annual_target)

STAGE_COLUMNS = [
    "target_id",
    "park_id",
    "indicator",
    "kind",
    "year",
    "stage_value",
    "path",
    "actual_value",
    "stage_met",
]
PROGRESS_COLUMNS = [
    "park_id",
    "indicator",
    "period",
    "month",
    "ytd_value",
    "annual_target",
    "target_ref",
    "progress",
    "elapsed",
    "seasonal_expected",
    "seasonal_years",
    "behind_time",
    "behind_season",
    "flag",
    "ref_kind",
    "ref_year",
]


def elapsed_share(month: Any) -> Any:
    """Share of the year elapsed at the end of ``month`` (序时进度 m/12)."""
    return np.asarray(month, dtype=float) / 12.0


def stage_path(start: Any, goal: Any, start_year: Any, goal_year: Any, year: Any, path: Any) -> Any:
    """Milestone for ``year`` on the way from ``start`` to ``goal``: geometric or linear."""
    start, goal = np.asarray(start, dtype=float), np.asarray(goal, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (np.asarray(year, float) - start_year) / (np.asarray(goal_year, float) - start_year)
        geometric = start * np.power(goal / start, frac)
    linear = start + (goal - start) * frac
    return np.where(np.asarray(path) == "geometric", geometric, linear)


def stage_targets(
    assessment: pd.DataFrame, panel: Panel | None = None, values: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Yearly milestones for every assessable multi-year target of an ``assess`` table.

    Levels, shares, multiples and growth rates follow constant growth from the start figure to
    the goal (``path`` in vocab.yaml); cumulative targets a straight line from 0; yearly
    increments N per year. With ``panel`` (or its ``values``) the year-end level reported for
    each year is added (``actual_value``, ``stage_met``).
    """
    a = assessment.dropna(subset=["goal", "target_period", "start_period"]).copy()
    a = a[a["kind"] != "count_over_threshold"]
    a["goal_year"] = pd.to_numeric(a["target_period"].astype(str).str[:4], errors="coerce")
    a["start_year"] = pd.to_numeric(a["start_period"], errors="coerce")
    a = a[(a["goal_year"] > a["start_year"])]
    geometric = a["kind"].isin(_GEOMETRIC)
    a = a[~geometric | (a["base_value"] > 0)]
    span = (a["goal_year"] - a["start_year"]).astype(int)
    rows = a.loc[a.index.repeat(span)].copy()
    rows["year"] = rows["start_year"] + rows.groupby(level=0).cumcount() + 1
    geometric = rows["kind"].isin(_GEOMETRIC)
    rows["path"] = rows["kind"].map(lambda k: target_kind(k).path)
    increment = rows["kind"] == "annual_increment"
    goal = np.where(
        increment, rows["goal"] * (rows["goal_year"] - rows["start_year"]), rows["goal"]
    )
    start = np.where(geometric, rows["base_value"], 0.0)
    rows["stage_value"] = stage_path(
        start, goal, rows["start_year"], rows["goal_year"], rows["year"], rows["path"]
    )
    rows["year"] = rows["year"].astype(int)
    rows["actual_value"] = np.nan
    if (panel is not None or values is not None) and len(rows):
        if values is None:
            values = values_as_of(panel, indicators=set(rows["indicator"]))  # type: ignore[arg-type]
        actual = year_end_levels(values).set_index(["park_id", "indicator", "year"])["value"]
        keys = pd.MultiIndex.from_frame(rows[["park_id", "indicator", "year"]])
        rows["actual_value"] = actual.reindex(keys).to_numpy()
        rows.loc[~geometric, "actual_value"] = np.nan  # yearly flows are not cumulative totals
    higher = rows["comparator"] != "<="
    met = np.where(
        higher,
        rows["actual_value"] >= rows["stage_value"],
        rows["actual_value"] <= rows["stage_value"],
    )
    rows["stage_met"] = pd.array(np.where(rows["actual_value"].isna(), None, met), dtype="boolean")
    return rows[STAGE_COLUMNS].reset_index(drop=True)


def _annual_targets(table: pd.DataFrame) -> pd.DataFrame:
    """The target for each park, indicator and year: plan targets due that year (``ref_kind``
    due), else the stage targets of longer plans (``stage``), from an ``assess`` table."""
    due = table[table["kind"].isin(_ANNUAL_TARGET) & table["goal"].notna()]
    due = due.assign(year=pd.to_numeric(due["target_period"].astype(str).str[:4], errors="coerce"))
    due = due.assign(value=due["goal"], target_ref=due["target_id"], ref_kind="due")
    stages = stage_targets(table)
    stages = stages[stages["kind"].isin(_ANNUAL_TARGET)]
    stages = stages.assign(
        value=stages["stage_value"], target_ref=stages["target_id"], ref_kind="stage"
    )
    cols = ["park_id", "indicator", "year", "value", "target_ref", "ref_kind"]
    both = pd.concat([due[cols], stages[cols]], ignore_index=True).dropna(subset=["year"])
    both["year"] = both["year"].astype(int)
    return both.drop_duplicates(["park_id", "indicator", "year"], keep="first")


def _seasonal_profile(ytd: pd.DataFrame, annual: pd.DataFrame) -> pd.DataFrame:
    """Per park, indicator, year and month: the mean share of the year earlier years had
    reached by that month (``mean``) and how many years that is (``size``)."""
    share = ytd.merge(
        annual[["park_id", "indicator", "year", "value"]],
        on=["park_id", "indicator", "year"],
        suffixes=("", "_year"),
    )
    share = share.assign(share=share["value"] / share["value_year"])
    pairs = ytd[["park_id", "indicator", "year", "month"]].merge(
        share[["park_id", "indicator", "month", "year", "share"]].rename(columns={"year": "y0"}),
        on=["park_id", "indicator", "month"],
    )
    pairs = pairs[pairs["y0"] < pairs["year"]]
    return pairs.groupby(["park_id", "indicator", "year", "month"])["share"].agg(["mean", "size"])


def time_progress(
    panel: Panel,
    as_of: str | None = None,
    annual_targets: pd.DataFrame | None = None,
    assessment: pd.DataFrame | None = None,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """序时进度 of every in-year cumulative figure that has a target for its year.

    ``annual_targets`` (park_id, indicator, year, value[, target_ref]) gives the year's targets
    directly (年度目标); by default they come from the plan: targets due that year, else the
    stage targets of longer plans (from ``assessment``, the ``assess`` table as of the same
    date, when given). Quarterly or monthly figures are summed into ytd first. Seasonal
    expectation = mean over earlier years of ytd(m) / that year's total. ``values`` (from
    :func:`~parkdata.series.levels.values_as_of`) saves computing them again.
    """
    flows = {ind.code for ind in panel.catalog if ind.agg_time == "sum"}
    if values is None:
        values = values_as_of(panel, as_of=as_of, indicators=flows, derived=False)
    else:
        values = cut_at(values, as_of) if as_of is not None else values
        values = values[values["indicator"].isin(flows) & ~values["derived"].astype(bool)]
    summed = periods_to_ytd(values)
    ytd = pd.concat(
        [values[values["basis"] == "ytd"], summed[summed["basis"] == "ytd"]], ignore_index=True
    ).drop_duplicates(["park_id", "indicator", "period"])
    if ytd.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    ytd = ytd.assign(
        year=period_year(ytd["period"]).astype(int), month=period_month(ytd["period"]).astype(int)
    )
    annual = pd.concat(
        [values[values["basis"] == "annual"], summed[summed["basis"] == "annual"]],
        ignore_index=True,
    )
    annual = annual.assign(year=period_year(annual["period"]).astype(int)).drop_duplicates(
        ["park_id", "indicator", "year"]
    )
    profile = _seasonal_profile(ytd, annual)
    if annual_targets is None:
        table = assessment if assessment is not None else assess(panel, as_of=as_of)
        annual_targets = _annual_targets(table)
    targets = annual_targets
    if "target_ref" not in targets:
        targets = targets.assign(target_ref="annual_targets")
    if "ref_kind" not in targets:
        targets = targets.assign(ref_kind="given")
    out = ytd.merge(targets, on=["park_id", "indicator", "year"], suffixes=("", "_target"))
    out = out.join(profile, on=["park_id", "indicator", "year", "month"])
    out = out.rename(columns={"value": "ytd_value", "value_target": "annual_target"})
    out["progress"] = out["ytd_value"] / out["annual_target"] * 100
    out["elapsed"] = elapsed_share(out["month"]) * 100
    out["seasonal_expected"] = out["mean"] * 100
    out["seasonal_years"] = out["size"].fillna(0).astype(int)
    out["behind_time"] = out["progress"] < out["elapsed"] - 1e-9
    out["behind_season"] = pd.array(
        np.where(out["seasonal_expected"].isna(), None, out["progress"] < out["seasonal_expected"]),
        dtype="boolean",
    )
    out["flag"] = np.where(out["behind_time"], "behind_time", "on_time")
    out["flag"] = np.where(
        out["behind_time"] & ~out["behind_season"].fillna(True),
        "behind_time_seasonal_ok",
        out["flag"],
    )
    out["ref_year"] = out["year"]
    return out[PROGRESS_COLUMNS].sort_values(["park_id", "indicator", "period"], ignore_index=True)
