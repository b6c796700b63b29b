"""Where each target stands, kind by kind: goal, base, latest figure and observed pace.

* ``level`` / ``share``: the value itself;
* ``multiple`` (倍增): ``target × value at base_period``;
* ``growth_rate`` (年均增长g): ``value at base_period × (1+g)^(T−b)``, or, with no base level,
  the reported 年均增速 / 同比 against g;
* ``cumulative`` (累计): the sum of yearly flows after base_period (or the rise of a stock);
* ``annual_increment`` (每年新增N): each year's flow (or rise of a stock) against N;
* ``count_over_threshold`` (千亿园区达到5个): how many member parks reach the threshold.

Times are in years at a period's end (``T`` the target's, ``Tb`` the base's, ``horizon`` the
later of none and the as-of date). ``pace_basis`` says what the pace is read from: ``levels``
(``pace_from``–``pace_to``), ``reported_cagr`` / ``reported_yoy`` (a published rate for
``pace_to``), ``yearly_figures`` or ``member_trends``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkdata.assessment.rules import meets
from parkdata.contract.panel import Panel
from parkdata.contract.vocab import POSITIVE_BASE
from parkdata.series.growth import cagr, project_level

_EPS = 1e-9


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: lookups keyed on Arrow strings keep the key's dtype."""
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object))


def pick(frame: pd.DataFrame, by: str, how: str) -> pd.DataFrame:
    """First or last row per ``by`` in time order."""
    ordered = frame.sort_values([by, "t"], kind="stable")
    return ordered.drop_duplicates(by, keep="first" if how == "first" else "last").set_index(by)


def level_measures(tg: pd.DataFrame, trend: pd.DataFrame, growth: pd.DataFrame) -> pd.DataFrame:
    """Goal, base, current value and observed pace for level, share, multiple, growth_rate."""
    out = tg.copy()
    pts = tg[["target_id", "park_id", "indicator", "T", "horizon"]].merge(
        trend, on=["park_id", "indicator"]
    )
    pts = pts[pts["t"] <= pts["horizon"] + _EPS]
    first, last = pick(pts, "target_id", "first"), pick(pts, "target_id", "last")
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
    # a goal grown from a base of 0 or less is no goal (0 × 2 = 0 would be met by anything)
    out["goal"] = out["goal"].where(~(out["kind"].isin(POSITIVE_BASE) & (out["base_v"] <= 0)))
    # observed pace: levels first, reported growth rates when only one level is known
    span = out["cur_t"] - out["first_t"]
    out["cagr_obs"] = np.where(span > _EPS, cagr(out["first_v"], out["cur_value"], span), np.nan)
    from_levels = out["cagr_obs"].notna()
    out["pace_basis"] = pd.Series("levels", index=out.index).where(from_levels)
    out["pace_from"] = year_of(out["first_t"]).where(from_levels)
    out["pace_to"] = year_of(out["cur_t"]).where(from_levels)
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
    out["rep_growth_period"] = out["target_id"].map(rep["period"])
    use = out["cagr_obs"].isna() & out["rep_growth"].notna()
    out.loc[use, "cagr_obs"] = out.loc[use, "rep_growth"] / 100
    out.loc[use, "pace_basis"] = "reported_" + out.loc[use, "rep_growth_kind"].astype(str)
    out.loc[use, "pace_to"] = out.loc[use, "rep_growth_period"]
    out["v_b"] = out["base_v"].fillna(out["first_v"])
    out["start_t"] = out["Tb"].where(out["base_v"].notna(), out["first_t"])
    return out


def year_of(t: pd.Series) -> pd.Series:
    """The calendar year that ends at time ``t`` (2023.0 → "2022"; a quarter in it → "2022")."""
    return (np.ceil(t - _EPS) - 1).astype("Int64").astype(str)


def yearly_quantities(trend: pd.DataFrame, flows: set[str]) -> pd.DataFrame:
    """Yearly quantities: a flow's annual value, or a stock's rise over the previous year."""
    annual = trend[trend["basis"] == "annual"].copy()
    annual["year"] = (annual["t"] - 1).round().astype(int)
    is_flow = annual["indicator"].isin(flows)
    stock = annual[~is_flow].sort_values(["park_id", "indicator", "year"])
    prev = stock.groupby(["park_id", "indicator"])[["year", "value"]].shift(1)
    stock = stock.assign(value=stock["value"] - prev["value"])[prev["year"] == stock["year"] - 1]
    return pd.concat([annual[is_flow], stock], ignore_index=True)


def flow_measures(tg: pd.DataFrame, yearly: pd.DataFrame) -> pd.DataFrame:
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
    last = pick(pts, "target_id", "last")
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
    has_years = out["n_points"] > 0
    out["pace_basis"] = pd.Series("yearly_figures", index=out.index).where(has_years)
    out["pace_from"] = year_of(out["Tb"] + 1).where(has_years)
    out["pace_to"] = year_of(out["cur_t"]).where(has_years)
    return out


def count_measures(tg: pd.DataFrame, trend: pd.DataFrame, panel: Panel) -> pd.DataFrame:
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
    first, last = pick(pts, "key", "first"), pick(pts, "key", "last")
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
        last.groupby("target_id")["member_id"].apply(lambda m: ", ".join(sorted(m)))
    )
    out["cur_qualifier"] = np.where(out["undecided"] > 0, "at_least", "exact")
    out["cur_value"] = out["cur_value"].where(out["n_points"] > 0)  # no member figure: unknown
    out["goal"] = out["target_value"].astype(float)
    out["v_b"] = 0.0
    out["pace_basis"] = "member_trends"
    return out
