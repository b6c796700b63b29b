"""Target assessment: for every plan target, where the park stands and whether its pace is enough.

``assess(panel)`` returns one row per target: the current value and its source, the gap, the
percentage of the target reached, the growth the target requires and the growth achieved, the
expected value at the target year, the UNSD and StatCan ratios and a status (docs/methods.md §1–2).
Every target kind of the data contract is turned into something a published rule can judge:

* ``level`` / ``share``: the value itself;
* ``multiple`` (倍增): ``target × value at base_period``;
* ``growth_rate`` (年均增长g): ``value at base_period × (1+g)^(T−b)``, or, with no base level,
  the reported 年均增速 / 同比 against g;
* ``cumulative`` (累计): the sum of yearly flows after base_period (or the rise of a stock), paced
  linearly;
* ``annual_increment`` (每年新增N): each year's flow (or rise of a stock) against N;
* ``count_over_threshold`` (千亿园区达到5个): how many member parks reach the threshold.

Sources: UN Statistics Division, *SDG Progress Chart technical note* (2023); Statistics Canada /
Open SDG ``sdg-build`` ``ProgressMeasure.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .anticipate import PROJECTION_COLUMNS, projection_columns
from .checks import LEVEL_TARGET_KINDS
from .growth import cagr, period_time, project_level
from .panel import Panel
from .periods import as_of_label
from .progress import (
    RULES,
    STATUS_ZH,
    classify_statcan,
    classify_unsd,
    meets,
    statcan_ratio,
    unsd_ratio,
)
from .realism import base_rates
from .series import as_of_time, assessment_values
from .units import format_number

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
    "target_text",
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
    "status_zh",
    *PROJECTION_COLUMNS,
    "rule",
    "pace_source",
    "reason",
    "as_of",
    "source",
    "clause",
]
_FLOW_KINDS = ("cumulative", "annual_increment")
_EPS = 1e-9


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: lookups keyed on Arrow strings keep the key's dtype."""
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object))


def _trend_values(values: pd.DataFrame) -> pd.DataFrame:
    """Year-end levels for trends: annual figures and point-in-time stocks (no partial years)."""
    out = values[values["basis"].isin(["annual", "point"])]
    return out[~out["indicator"].str.endswith(("_yoy", "_cagr"))]


def _pick(frame: pd.DataFrame, by: str, how: str) -> pd.DataFrame:
    """First or last row per ``by`` in time order."""
    ordered = frame.sort_values([by, "t"], kind="stable")
    return ordered.drop_duplicates(by, keep="first" if how == "first" else "last").set_index(by)


def _level_like(tg: pd.DataFrame, trend: pd.DataFrame, growth: pd.DataFrame) -> pd.DataFrame:
    """Goal, base, current value and observed pace for level, share, multiple, growth_rate."""
    out = tg.copy()
    pts = tg[["target_id", "park_id", "indicator", "T", "horizon"]].merge(
        trend, on=["park_id", "indicator"]
    )
    pts = pts[pts["t"] <= pts["horizon"] + _EPS]
    first, last = _pick(pts, "target_id", "first"), _pick(pts, "target_id", "last")
    out["n_points"] = out["target_id"].map(pts.groupby("target_id").size()).fillna(0).astype(int)
    out["first_t"], out["first_v"] = (
        out["target_id"].map(first["t"]),
        out["target_id"].map(first["value"]),
    )
    for col in ("t", "value", "qualifier", "source", "period"):
        out[f"cur_{col}"] = out["target_id"].map(last[col])
    at_base = pts[(pts["t"] - pts["target_id"].map(out.set_index("target_id")["Tb"])).abs() < _EPS]
    base_obs = out["target_id"].map(
        at_base.drop_duplicates("target_id").set_index("target_id")["value"]
    )
    out["base_v"] = out["base_value"].astype(float).fillna(base_obs)
    # the pace counts from the plan's base year when its figure is known (UNSD: from the baseline)
    from_base = out["base_v"].notna() & out["Tb"].notna()
    out["first_t"] = out["first_t"].where(~from_base, out["Tb"])
    out["first_v"] = out["first_v"].where(~from_base, out["base_v"])
    # goal in the indicator's unit
    g = out["target_value"].astype(float)
    years = out["T"] - out["Tb"]
    out["goal"] = np.select(
        [out["kind"] == "multiple", out["kind"] == "growth_rate"],
        [g * out["base_v"], project_level(out["base_v"], g / 100, years)],
        g,
    )
    # observed pace: levels first, reported growth rates when only one level is known
    span = out["cur_t"] - out["first_t"]
    out["cagr_obs"] = np.where(span > _EPS, cagr(out["first_v"], out["cur_value"], span), np.nan)
    out["pace_source"] = np.where(
        out["cagr_obs"].notna(),
        _year(out["first_t"]) + "–" + _year(out["cur_t"]) + "年实际值",
        None,
    )
    rep = growth.merge(
        tg[["target_id", "park_id", "indicator", "horizon"]], on=["park_id", "indicator"]
    )
    rep = rep[rep["t"] <= rep["horizon"] + _EPS]
    rep = rep.assign(_rank=np.where(rep["kind"] == "cagr", 0, 1))
    rep = rep.sort_values(["target_id", "t", "_rank"], ascending=[True, True, False])
    rep = rep.drop_duplicates("target_id", keep="last").set_index("target_id")
    out["rep_growth"] = out["target_id"].map(rep["value"]).astype(float)
    out["rep_growth_t"] = out["target_id"].map(rep["t"]).astype(float)
    out["rep_growth_kind"] = out["target_id"].map(rep["kind"])
    use = out["cagr_obs"].isna() & out["rep_growth"].notna()
    out.loc[use, "cagr_obs"] = out.loc[use, "rep_growth"] / 100
    label = "公布的" + rep["period"] + rep["kind"].map({"cagr": "年均增速", "yoy": "同比增速"})
    out.loc[use, "pace_source"] = out.loc[use, "target_id"].map(label)
    out["v_b"] = out["base_v"].fillna(out["first_v"])
    out["start_t"] = out["Tb"].where(out["base_v"].notna(), out["first_t"])
    return out


def _year(t: pd.Series) -> pd.Series:
    return (np.ceil(t - _EPS) - 1).astype("Int64").astype(str)


def _yearly(trend: pd.DataFrame, flows: set[str]) -> pd.DataFrame:
    """Yearly quantities: a flow's annual value, or a stock's rise over the previous year."""
    annual = trend[trend["basis"] == "annual"].copy()
    annual["year"] = (annual["t"] - 1).round().astype(int)
    is_flow = annual["indicator"].isin(flows)
    stock = annual[~is_flow].sort_values(["park_id", "indicator", "year"])
    prev = stock.groupby(["park_id", "indicator"])[["year", "value"]].shift(1)
    stock = stock.assign(value=stock["value"] - prev["value"])[prev["year"] == stock["year"] - 1]
    return pd.concat([annual[is_flow], stock], ignore_index=True)


def _flow_like(tg: pd.DataFrame, yearly: pd.DataFrame) -> pd.DataFrame:
    """Cumulative and annual-increment targets from yearly quantities after the base year."""
    out = tg.copy()
    pts = tg[["target_id", "park_id", "indicator", "Tb", "horizon"]].merge(
        yearly, on=["park_id", "indicator"]
    )
    pts = pts[(pts["t"] > pts["Tb"] + _EPS) & (pts["t"] <= pts["horizon"] + _EPS)]
    agg = pts.groupby("target_id").agg(
        n=("value", "size"),
        total=("value", "sum"),
        low=("value", "min"),
        mean=("value", "mean"),
        last_t=("t", "max"),
    )
    last = _pick(pts, "target_id", "last")
    out["n_points"] = out["target_id"].map(agg["n"]).fillna(0).astype(int)
    out["cur_t"] = out["target_id"].map(agg["last_t"])
    out["cur_period"] = out["target_id"].map(last["period"])
    out["cur_source"] = out["target_id"].map(last["source"])
    out["cur_qualifier"] = out["target_id"].map(last["qualifier"])
    out["years_seen"] = (out["cur_t"] - out["Tb"]).round()
    out["complete"] = out["n_points"] == out["years_seen"]
    out["low"], out["mean"] = out["target_id"].map(agg["low"]), out["target_id"].map(agg["mean"])
    total = out["target_id"].map(agg["total"])
    cumulative = out["kind"] == "cumulative"
    out["cur_value"] = np.where(cumulative, total, out["target_id"].map(last["value"]))
    out["goal"] = out["target_value"].astype(float)
    left = (out["T"] - out["cur_t"]).clip(lower=0)
    out["expected"] = np.where(cumulative, total + out["mean"] * left, out["mean"])
    out["required_increment"] = np.where(
        cumulative, np.where(left > 0, (out["goal"] - total) / left, np.nan), out["goal"]
    )
    out["v_b"] = 0.0
    out["start_t"] = out["Tb"]
    out["pace_source"] = np.where(
        out["n_points"] > 0,
        _year(out["Tb"] + 1) + "–" + _year(out["cur_t"]) + "年逐年数据",
        None,
    )
    return out


def _count_like(tg: pd.DataFrame, trend: pd.DataFrame, panel: Panel) -> pd.DataFrame:
    """count_over_threshold: member parks at or past the threshold (ranks: at or above it)."""
    out = tg.copy()
    members = panel.memberships[["group_id", "member_id"]].drop_duplicates()
    pairs = tg[["target_id", "park_id", "indicator", "T", "horizon", "threshold"]].merge(
        members, left_on="park_id", right_on="group_id"
    )
    lower = {ind.code for ind in panel.catalog if ind.direction == "lower" or ind.kind == "rank"}
    pts = pairs.drop(columns="park_id").merge(
        trend.rename(columns={"park_id": "member_id"}), on=["member_id", "indicator"]
    )
    pts = pts[pts["t"] <= pts["horizon"] + _EPS]
    pts = pts.assign(key=pts["target_id"] + "|" + pts["member_id"])
    first, last = _pick(pts, "key", "first"), _pick(pts, "key", "last")
    comparator = np.where(last["indicator"].isin(lower), "<=", ">=")
    last = last.assign(
        met=meets(last["value"], last["qualifier"], last["threshold"], comparator),
        pace=cagr(first["value"], last["value"], last["t"] - first["t"]),
    )
    projected = project_level(last["value"], last["pace"], (last["T"] - last["t"]).clip(lower=0))
    last["will"] = np.where(
        last["pace"].notna(), meets(projected, "exact", last["threshold"], comparator), last["met"]
    )
    by = last.groupby("target_id")
    out["n_members"] = out["target_id"].map(pairs.groupby("target_id").size()).fillna(0).astype(int)
    out["n_points"] = out["target_id"].map(by.size()).fillna(0).astype(int)
    out["cur_value"] = out["target_id"].map(by["met"].apply(lambda m: (m == 1).sum())).fillna(0)
    out["undecided"] = out["n_members"] - out["target_id"].map(
        by["met"].apply(lambda m: m.notna().sum())
    ).fillna(0)
    out["expected"] = out["target_id"].map(by["will"].apply(lambda m: (m == 1).sum())).fillna(0)
    out["cur_t"] = out["target_id"].map(by["t"].max())
    out["cur_period"] = out["target_id"].map(
        last.sort_values("t").groupby("target_id")["period"].last()
    )
    out["cur_source"] = out["target_id"].map(
        last.groupby("target_id")["member_id"].apply(lambda m: "members: " + ", ".join(sorted(m)))
    )
    out["cur_qualifier"] = np.where(out["undecided"] > 0, "at_least", "exact")
    out["cur_value"] = out["cur_value"].where(out["n_points"] > 0)  # no member figure: unknown
    out["goal"] = out["target_value"].astype(float)
    out["v_b"] = 0.0
    out["pace_source"] = "各成员园区自身趋势"
    return out


def _reasons(frame: pd.DataFrame, conditions: list[tuple[pd.Series, str]]) -> pd.Series:
    """The first reason whose condition holds, per row."""
    reason = pd.Series(None, index=frame.index, dtype=object)
    for cond, text in conditions:
        reason = reason.where(reason.notna() | ~cond.fillna(False), text)
    return reason


def assess(
    panel: Panel,
    as_of: str | None = None,
    park: str | Iterable[str] | None = None,
    rule: str = "unsd",
    member_totals: bool = False,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per target: current value, gap, required vs achieved growth, ratio and status.

    ``as_of`` ("2020", "2021-09") uses only figures for periods ended by then — "as of 2020, was
    湖口 on course for its 2022 targets?"; ``None`` means today. ``rule`` picks the primary status
    rule: ``"unsd"`` (default) or ``"statcan"``; both ratios are always returned.

    >>> import parkdata as pkd
    >>> table = pkd.assess(pkd.load(), park="wuhan_donghu_hitech", as_of="2022")
    >>> table.set_index("target_id").loc["donghu-01", "status"]
    'needs_acceleration'
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {sorted(RULES)}, not {rule!r}")
    targets = panel.targets
    if park is not None:
        wanted = [park] if isinstance(park, str) else list(park)
        unknown = set(wanted) - set(panel.parks["park_id"])
        if unknown:
            raise ValueError(f"unknown park id(s): {', '.join(sorted(unknown))}")
        targets = targets[targets["park_id"].isin(wanted)]
    now = as_of_time(as_of, today)
    tg = _plain(targets).reset_index(drop=True)
    tg["T"] = period_time(tg["target_period"].astype("string").fillna(pd.NA).astype(object))
    tg["Tb"] = period_time(tg["base_period"].astype("string").fillna(pd.NA).astype(object))
    tg["horizon"] = np.fmin(tg["T"].fillna(np.inf), now)
    tg["unit_level"] = tg["indicator"].map({ind.code: ind.unit for ind in panel.catalog})
    tg["direction"] = tg["indicator"].map(
        {ind.code: "lower" if ind.kind == "rank" else ind.direction for ind in panel.catalog}
    )
    codes = set(tg["indicator"])
    codes |= {f"{c}_{s}" for c in codes for s in ("yoy", "cagr")}
    values = assessment_values(panel, as_of=None, indicators=codes, member_totals=member_totals)
    values = _plain(values[values["t"] <= now + _EPS])
    trend = _trend_values(values)
    growth = values[values["indicator"].str.endswith(("_yoy", "_cagr"))].copy()
    growth = growth[growth["basis"] == "annual"]
    growth["kind"] = np.where(growth["indicator"].str.endswith("_cagr"), "cagr", "yoy")
    growth["indicator"] = growth["indicator"].str.replace(r"_(yoy|cagr)$", "", regex=True)
    flows = {ind.code for ind in panel.catalog if ind.agg_time == "sum"}
    parts = []
    kinds = tg["kind"]
    if kinds.isin(LEVEL_TARGET_KINDS).any():
        parts.append(_level_like(tg[kinds.isin(LEVEL_TARGET_KINDS)], trend, growth))
    if kinds.isin(_FLOW_KINDS).any():
        parts.append(_flow_like(tg[kinds.isin(_FLOW_KINDS)], _yearly(trend, flows)))
    if (kinds == "count_over_threshold").any():
        parts.append(_count_like(tg[kinds == "count_over_threshold"], trend, panel))
    if not parts:
        return pd.DataFrame(columns=ASSESSMENT_COLUMNS)
    out = _finish(pd.concat(parts).sort_index(), now, rule, as_of_label(as_of, today))
    out[PROJECTION_COLUMNS] = projection_columns(out, trend, panel.catalog)
    out[["realism_base_rate", "realism_series"]] = _realism(out, trend)
    return out.reindex(columns=ASSESSMENT_COLUMNS).reset_index(drop=True)


def _realism(out: pd.DataFrame, trend: pd.DataFrame) -> pd.DataFrame:
    """Plan-realism base rate for the growth each level target requires from its base."""
    year_end = trend[np.isclose(trend["t"], np.round(trend["t"]))]
    levels = year_end.assign(year=np.round(year_end["t"]).astype(int) - 1)
    levels = levels.drop_duplicates(["park_id", "indicator", "year"])
    span = out["T"] - out["start_t"]
    required = pd.Series(
        np.where(out["kind"].isin(LEVEL_TARGET_KINDS), cagr(out["v_b"], out["goal"], span), np.nan),
        index=out.index,
    )
    return base_rates(levels, out["indicator"], required, span, out["comparator"] == "<=")


def _fmt(x: pd.Series) -> pd.Series:
    return x.astype(float).map(format_number)


def _finish(out: pd.DataFrame, now: float, rule: str, as_of: str) -> pd.DataFrame:
    """Gap, ratios, status and reason for every kind, from the columns the kind builders set."""
    for col in ("expected", "cagr_obs", "required_increment", "rep_growth", "rep_growth_t"):
        out[col] = out[col].astype(float) if col in out else np.nan
    for col in ("undecided", "low", "first_t", "base_v", "start_t"):
        out[col] = out[col].astype(float) if col in out else np.nan
    out["complete"] = out["complete"].fillna(True).astype(bool) if "complete" in out else True
    kind = out["kind"]
    level, flow = kind.isin(LEVEL_TARGET_KINDS), kind.isin(_FLOW_KINDS)
    count, increment = kind == "count_over_threshold", kind == "annual_increment"
    higher = out["comparator"] != "<="
    goal, cur = out["goal"].astype(float), out["cur_value"].astype(float)
    left = (out["T"] - out["cur_t"]).clip(lower=0)
    # a base already past the target (≥ 8.6 from 12.1) makes the UNSD ratio flip sign: measure
    # the distance to go from the latest figure instead
    wrong_side = np.where(higher, goal <= out["v_b"], goal >= out["v_b"]) & level
    ratio_base = out["v_b"].where(~wrong_side, cur)
    out["ratio_base"] = ratio_base  # progress toward the goal is measured from here
    out["expected_value"] = np.where(
        level, project_level(cur, out["cagr_obs"], left), out["expected"]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["unsd_ratio"] = np.where(
            level,
            unsd_ratio(ratio_base, cur, out["cagr_obs"], goal, left),
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
    growth_text = "公布增速 " + _fmt(out["rep_growth"]) + "% 对比目标 " + _fmt(rate) + "%"
    growth_status = pd.Series(classify_statcan(out["rep_growth"] / rate), index=out.index)
    ratio = out["unsd_ratio"] if rule == "unsd" else out["statcan_ratio"]
    classify = classify_unsd if rule == "unsd" else classify_statcan
    pace_status = pd.Series(classify(ratio), index=out.index)
    pace_status[~level] = classify_unsd(out["unsd_ratio"][~level])
    years_ok = out["low"] >= goal
    undecided_count = (
        count & (out["expected"] < goal) & (out["expected"] + out["undecided"] >= goal)
    )
    pace_text = (
        "按"
        + out["pace_source"].fillna("")
        + "推算，目标年约 "
        + _fmt(out["expected_value"])
        + "，目标 "
        + _fmt(goal)
        + " (expected at the target year vs the goal)"
    )
    branches: list[tuple[pd.Series, str, object]] = [
        (
            ~growth_mode & ~increment & (met == 1),
            "achieved",
            "已达到目标 (target met by the latest figure)",
        ),
        (
            increment & out["complete"] & years_ok & passed & at_deadline,
            "achieved",
            "每年均达到新增目标 (every year reached the yearly increment)",
        ),
        (
            growth_final & (growth_met == 1),
            "achieved",
            growth_text + "，达到目标 (reported growth meets the rate)",
        ),
        (
            out["T"].isna(),
            "insufficient_data",
            "规划未写明目标年份 (the plan gives no target year)",
        ),
        (
            increment & (out["low"] < goal),
            "not_achieved",
            "已有年份未达到每年新增目标，无法挽回 (a year already fell short of the yearly increment)",
        ),
        (
            out["n_points"].eq(0) & ~growth_mode,
            "insufficient_data",
            "截至评估时点无可用数据 (no figure reported for this indicator by the as-of date)",
        ),
        (
            level & goal.isna() & ~growth_mode,
            "insufficient_data",
            "缺少基期数据 (no figure for the base year " + out["base_period"].astype(str) + ")",
        ),
        (
            flow & out["Tb"].isna(),
            "insufficient_data",
            "规划未写明起算年份 (the plan gives no base year)",
        ),
        (
            flow & ~out["complete"],
            "insufficient_data",
            "基期后逐年数据不全 (yearly figures missing for some years after the base year)",
        ),
        (
            passed & at_deadline & (met == 0),
            "not_achieved",
            "目标年数据未达到目标 (the figure for the target year falls short)",
        ),
        (
            count & passed & (out["cur_value"] + out["undecided"] < goal),
            "not_achieved",
            "到期达标园区数不足 (too few member parks reached the threshold by the target year)",
        ),
        (
            growth_final & (growth_met == 0),
            "not_achieved",
            growth_text + "，未达到目标 (reported growth falls short)",
        ),
        (
            passed & at_deadline & met.isna(),
            "insufficient_data",
            "目标年数据为区间值，不能判断 (the target-year figure is a bound that does not decide it)",
        ),
        (
            undecided_count,
            "insufficient_data",
            "部分成员园区无数据，结果未定 (members without figures could decide it)",
        ),
        (
            level & out["cagr_obs"].isna() & ~growth_mode,
            "insufficient_data",
            "仅有1个数据点且无公布增速，无法判断趋势 (one figure and no reported growth: no pace to judge)",
        ),
        (
            increment & years_ok,
            "on_track",
            "已有年份均达到每年新增目标 (every year so far reached it)",
        ),
        (
            growth_mode,
            growth_status,
            growth_text + " (reported growth vs the rate)",
        ),
    ]
    conditions = [c.fillna(False).astype(bool).to_numpy() for c, _, _ in branches]
    out["status"] = np.select(
        conditions, [np.asarray(s, dtype=object) for _, s, _ in branches], pace_status.to_numpy()
    )
    stale = passed & ~at_deadline
    fallback = pace_text.where(~stale, "目标年已过但无目标年数据；" + pace_text)
    out["reason"] = np.select(
        conditions, [np.asarray(r, dtype=object) for _, _, r in branches], fallback.to_numpy()
    )
    bound = out["cur_qualifier"].isin(["at_least", "at_most"]) & met.isna() & level
    out["reason"] = out["reason"].where(
        ~bound, out["reason"] + "；最新数据为区间值 (latest figure is a bound)"
    )
    out["status_zh"] = out["status"].map(STATUS_ZH)
    out["rule"] = np.where(growth_mode, RULES["statcan"], RULES[rule])
    out["current_period"] = out["cur_period"]
    out["current_value"] = cur
    out["current_qualifier"] = out["cur_qualifier"]
    out["current_source"] = out["cur_source"]
    out["base_value"] = out["v_b"]
    out["start_period"] = _year(out["start_t"]).where(out["start_t"].notna())
    out["goal_unit"] = np.where(count, "个", out["unit_level"])
    symbol = out["comparator"].map({">=": "≥", "<=": "≤"}).fillna("")
    threshold = np.where(
        count,
        "（"
        + np.where(out["direction"] == "lower", "≤", "≥")
        + _fmt(out["threshold"])
        + out["threshold_unit"].fillna("").astype(str)
        + "）",
        "",
    )
    out["target_text"] = symbol + _fmt(out["target_value"]) + out["unit"].astype(str) + threshold
    out["as_of"] = as_of
    return out
