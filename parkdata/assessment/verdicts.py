"""From where a target stands to a verdict: gap, growth required and achieved, the rule's
ratio, a status code and a reason code (docs/assessment.md lists every reason).

A target whose goal is grown from a base (倍增, 年均增长) with a base or latest figure of zero
or less is never met by arithmetic accident (0 × 2 ≥ 0): it is ``insufficient_data`` with the
reason ``non_positive_level`` (``non_positive`` marks those rows: they get no projection); so is
a level target whose pace cannot be computed because a figure is zero or less (its series may
still be projected on a line).

The first branch of :data:`BRANCHES` whose condition holds gives the status and the reason;
no branch means the pace decides (``pace``, or ``stale_pace`` when the target year has passed
without its figure). ``reason_flags`` adds ``latest_is_bound`` where the latest figure is a
bound (突破 …) that does not decide the target. Words for every code live in the reporting
layer's text table: the math returns codes and numbers, never sentences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkdata.assessment.rules import (
    classify_statcan,
    classify_unsd,
    meets,
    statcan_ratio,
    unsd_ratio,
)
from parkdata.contract.vocab import BOUNDS, FLOW_KINDS, LEVEL_KINDS, POSITIVE_BASE
from parkdata.series.growth import cagr, project_level

REASONS = (
    "non_positive_level",
    "met",
    "every_year_met",
    "reported_growth_met",
    "no_target_year",
    "a_year_fell_short",
    "no_figure",
    "no_base_figure",
    "no_base_year",
    "yearly_figures_missing",
    "target_year_short",
    "too_few_members_reached",
    "reported_growth_short",
    "target_year_bound",
    "members_without_figures",
    "one_figure_no_pace",
    "every_year_so_far",
    "reported_growth_pace",
    "pace",
    "stale_pace",
)
"""Every reason code, in the order the branches are checked (the last two: no branch held)."""
REASON_FLAGS = ("latest_is_bound",)
_EPS = 1e-9
_FLOATS = (
    "expected",
    "cagr_obs",
    "required_increment",
    "rep_growth",
    "rep_growth_t",
    "undecided",
    "low",
    "first_t",
    "base_v",
    "start_t",
)


def measure(out: pd.DataFrame) -> pd.DataFrame:
    """Gap, % of target, expected value, the UNSD and StatCan ratios and the growth required and
    achieved, from the columns the kind measures set (``out`` is changed and returned)."""
    for col in _FLOATS:
        out[col] = out[col].astype(float) if col in out else np.nan
    out["complete"] = out["complete"].fillna(True).astype(bool) if "complete" in out else True
    level = out["kind"].isin(LEVEL_KINDS)
    higher = out["comparator"] != "<="
    goal, cur = out["goal"].astype(float), out["cur_value"].astype(float)
    left = (out["T"] - out["cur_t"]).clip(lower=0)
    # a base already past the target (≥ 8.6 from 12.1) makes the UNSD ratio flip sign: measure
    # the distance to go from the latest figure instead
    wrong_side = np.where(higher, goal <= out["v_b"], goal >= out["v_b"]) & level
    out["ratio_base"] = out["v_b"].where(~wrong_side, cur)  # progress counts from here
    out["expected_value"] = np.where(
        level, project_level(cur, out["cagr_obs"], left), out["expected"]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["unsd_ratio"] = np.where(
            level,
            unsd_ratio(out["ratio_base"], cur, out["cagr_obs"], goal, left),
            np.where(goal != 0, out["expected_value"] / goal, np.nan),
        )
        out["pct_of_target"] = np.where(higher, cur / goal, goal / cur) * 100
    out["pct_of_target"] = out["pct_of_target"].replace([np.inf, -np.inf], np.nan)
    start = out["Tb"].where(out["base_v"].notna(), out["first_t"])
    out["required_cagr"] = np.where(level & (left > _EPS), cagr(cur, goal, left) * 100, np.nan)
    req_from_base = cagr(out["v_b"], goal, out["T"] - start)
    out["statcan_ratio"] = np.where(
        level, statcan_ratio(out["cagr_obs"], req_from_base, ~higher), np.nan
    )
    out["achieved_cagr"] = np.where(level, out["cagr_obs"] * 100, np.nan)
    out["gap"] = np.where(higher, goal - cur, cur - goal)
    return out


def _branches(out: pd.DataFrame, now: float) -> list[tuple[pd.Series, object, str]]:
    """(condition, status, reason code) in order: the first that holds decides."""
    kind = out["kind"]
    level, flow = kind.isin(LEVEL_KINDS), kind.isin(FLOW_KINDS)
    count, increment = kind == "count_over_threshold", kind == "annual_increment"
    goal, cur = out["goal"].astype(float), out["cur_value"].astype(float)
    met = pd.Series(meets(cur, out["cur_qualifier"], goal, out["comparator"]), index=out.index)
    passed = out["T"].notna() & (now >= out["T"] - _EPS)
    at_deadline = (out["cur_t"] - out["T"]).abs() < _EPS
    # growth_rate with no base level: the reported growth rate against the target rate
    rate = out["target_value"].astype(float)
    growth_mode = (kind == "growth_rate") & goal.isna() & out["rep_growth"].notna()
    growth_met = pd.Series(
        meets(out["rep_growth"], "exact", rate, out["comparator"]), index=out.index
    )
    # decisive only when the reported rate spans the plan: 年均增速, or 同比 of a one-year plan
    spans_plan = (out.get("rep_growth_kind") == "cagr") | ((out["T"] - out["Tb"]) <= 1 + _EPS)
    growth_final = (
        growth_mode & passed & spans_plan & ((out["rep_growth_t"] - out["T"]).abs() < _EPS)
    )
    growth_status = pd.Series(classify_statcan(out["rep_growth"] / rate), index=out.index)
    years_ok = out["low"] >= goal
    # a goal grown from a base of 0 or less, or a latest figure of 0 or less, decides nothing
    grown = kind.isin(POSITIVE_BASE) & ~growth_mode
    non_positive_base = grown & ((out["base_v"] <= 0) | (cur <= 0))
    # a level's pace (CAGR) needs levels above 0: say so instead of "one figure"
    no_pace = level & out["cagr_obs"].isna() & ~growth_mode & (out["n_points"] >= 2)
    non_positive_pace = no_pace & ((out["v_b"] <= 0) | (cur <= 0))
    undecided_count = (
        count & (out["expected"] < goal) & (out["expected"] + out["undecided"] >= goal)
    )
    return [
        (non_positive_base, "insufficient_data", "non_positive_level"),
        (~growth_mode & ~increment & (met == 1), "achieved", "met"),
        (
            increment & out["complete"] & years_ok & passed & at_deadline,
            "achieved",
            "every_year_met",
        ),
        (growth_final & (growth_met == 1), "achieved", "reported_growth_met"),
        (out["T"].isna(), "insufficient_data", "no_target_year"),
        (increment & (out["low"] < goal), "not_achieved", "a_year_fell_short"),
        (out["n_points"].eq(0) & ~growth_mode, "insufficient_data", "no_figure"),
        (level & goal.isna() & ~growth_mode, "insufficient_data", "no_base_figure"),
        (flow & out["Tb"].isna(), "insufficient_data", "no_base_year"),
        (flow & ~out["complete"], "insufficient_data", "yearly_figures_missing"),
        (passed & at_deadline & (met == 0), "not_achieved", "target_year_short"),
        (
            count & passed & (cur + out["undecided"] < goal),
            "not_achieved",
            "too_few_members_reached",
        ),
        (growth_final & (growth_met == 0), "not_achieved", "reported_growth_short"),
        (passed & at_deadline & met.isna(), "insufficient_data", "target_year_bound"),
        (undecided_count, "insufficient_data", "members_without_figures"),
        (non_positive_pace, "insufficient_data", "non_positive_level"),
        (
            level & out["cagr_obs"].isna() & ~growth_mode,
            "insufficient_data",
            "one_figure_no_pace",
        ),
        (increment & years_ok, "on_track", "every_year_so_far"),
        (growth_mode, growth_status, "reported_growth_pace"),
    ]


def decide(out: pd.DataFrame, now: float, rule: str) -> pd.DataFrame:
    """``status``, ``reason``, ``reason_flags`` and ``rule`` for every row of a measured table."""
    level = out["kind"].isin(LEVEL_KINDS)
    ratio = out["unsd_ratio"] if rule == "unsd" else out["statcan_ratio"]
    classify = classify_unsd if rule == "unsd" else classify_statcan
    pace_status = pd.Series(classify(ratio), index=out.index)
    pace_status[~level] = classify_unsd(out["unsd_ratio"][~level])
    branches = _branches(out, now)
    conditions = [c.fillna(False).astype(bool).to_numpy() for c, _, _ in branches]
    out["status"] = np.select(
        conditions, [np.asarray(s, dtype=object) for _, s, _ in branches], pace_status.to_numpy()
    )
    passed = out["T"].notna() & (now >= out["T"] - _EPS)
    at_deadline = (out["cur_t"] - out["T"]).abs() < _EPS
    pace = np.where(passed & ~at_deadline, "stale_pace", "pace")
    out["reason"] = np.select(conditions, [r for _, _, r in branches], pace)
    grown = out["kind"].isin(POSITIVE_BASE)  # a level target's series may still be projected
    out["non_positive"] = grown & (out["reason"] == "non_positive_level")
    met = meets(
        out["cur_value"].astype(float),
        out["cur_qualifier"],
        out["goal"].astype(float),
        out["comparator"],
    )
    bound = out["cur_qualifier"].isin(BOUNDS) & np.isnan(met) & level
    out["reason_flags"] = np.where(bound, "latest_is_bound", "")
    growth_mode = (out["kind"] == "growth_rate") & out["goal"].isna() & out["rep_growth"].notna()
    out["rule"] = np.where(growth_mode, "statcan", rule)
    return out
