"""Time math on indicator series: CAGR, the growth a target requires, YoY from levels, ytd ↔ period.

Pure, vectorised functions (numbers, numpy arrays or pandas Series in; the same shape out). A
result that cannot be computed (a non-positive level, a zero span) is NaN, never zero. Formulas:
docs/methods.md §1 (UNSD / StatCan conventions).

>>> round(float(cagr(100, 200, 3)), 4)        # 三年倍增
0.2599
>>> round(float(required_cagr(26.0, 30.0, 2)), 4)
0.0742
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .periods import parse_period

ArrayLike = Any  # float | np.ndarray | pd.Series


def _div(a: ArrayLike, b: ArrayLike) -> ArrayLike:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(a, b)


def cagr(start: ArrayLike, end: ArrayLike, years: ArrayLike) -> ArrayLike:
    """Compound annual growth rate from ``start`` to ``end`` over ``years`` (a fraction: 0.2599).

    NaN when a level is not positive or the span is not positive.
    """
    start, end, years = (np.asarray(x, dtype=float) for x in (start, end, years))
    ok = (start > 0) & (end > 0) & (years > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(ok, np.power(_div(end, start), _div(1.0, years)) - 1.0, np.nan)
    return out[()] if out.ndim == 0 else out


def required_cagr(current: ArrayLike, target: ArrayLike, years: ArrayLike) -> ArrayLike:
    """Yearly growth needed to go from ``current`` to ``target`` in ``years`` (methods §1)."""
    return cagr(current, target, years)


def multiple_cagr(multiple: ArrayLike, years: ArrayLike) -> ArrayLike:
    """Yearly growth equivalent to multiplying by ``multiple`` in ``years`` (×2 in 3 → 25.99 %)."""
    return cagr(1.0, multiple, years)


def doubles_within(growth: ArrayLike, years: float = 3.0) -> ArrayLike:
    """True where a yearly growth rate (fraction) doubles a level within ``years`` (倍增 check)."""
    return np.asarray(growth, dtype=float) >= float(multiple_cagr(2.0, years)) - 1e-12


def project_level(current: ArrayLike, growth: ArrayLike, years: ArrayLike) -> ArrayLike:
    """``current`` grown at ``growth`` (fraction) a year for ``years``."""
    return np.asarray(current, dtype=float) * np.power(1.0 + np.asarray(growth, dtype=float), years)


def _period_attr(codes: pd.Series, attr: str) -> pd.Series:
    """One attribute of parsed period codes (NaN where a code does not parse)."""
    values: dict[object, float] = {}
    for code in pd.unique(codes.dropna()):
        period = parse_period(code)
        values[code] = np.nan if period is None else float(getattr(period, attr))
    return codes.map(values).astype(float)


def period_time(codes: pd.Series) -> pd.Series:
    """Position in time of period codes in years: the end of the period (2022 → 2023.0,
    2022-09 → 2022.75), so spans between any two periods are in years."""
    return _period_attr(codes, "sort_key")


def period_year(codes: pd.Series) -> pd.Series:
    """Calendar year of period codes."""
    return _period_attr(codes, "year")


def period_month(codes: pd.Series) -> pd.Series:
    """Last month covered by period codes (12 for a year, 9 for 2021-09 or 2021Q3)."""
    return _period_attr(codes, "end_month")


_KEYS = ["park_id", "indicator"]


def yoy_from_levels(observations: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year growth (%) computed from levels, beside the reported 同比 where there is one.

    Compares each annual value with the previous year's and each ytd value with the same months
    of the previous year. Reported growth (``X_yoy`` observations) is never overwritten: both are
    returned, with ``difference`` (computed − reported, percentage points), so a disagreement —
    published 同比 is on a comparable set of firms (methods §6) — is visible, not hidden.
    """
    obs = observations[observations["basis"].isin(["annual", "ytd", "quarter", "month"])]
    levels = obs[~obs["indicator"].str.endswith(("_yoy", "_cagr"))].copy()
    levels = levels[levels["qualifier"].fillna("exact").isin(["exact", "approx"])]
    levels["year"] = period_year(levels["period"])
    levels["month"] = period_month(levels["period"])
    levels = levels.drop_duplicates([*_KEYS, "basis", "period"], keep="first")
    prev = levels[[*_KEYS, "basis", "year", "month", "value", "period"]].copy()
    prev["year"] += 1
    merged = levels.merge(prev, on=[*_KEYS, "basis", "year", "month"], suffixes=("", "_prev"))
    merged["yoy_computed"] = (_div(merged["value"], merged["value_prev"]) - 1.0) * 100.0
    reported = observations[observations["indicator"].str.endswith("_yoy")][
        ["park_id", "indicator", "period", "basis", "value"]
    ].rename(columns={"value": "yoy_reported"})
    reported["indicator"] = reported["indicator"].str.removesuffix("_yoy")
    reported = reported.drop_duplicates(["park_id", "indicator", "period", "basis"])
    out = merged.merge(reported, on=["park_id", "indicator", "period", "basis"], how="left")
    out["difference"] = out["yoy_computed"] - out["yoy_reported"]
    cols = [
        "park_id",
        "indicator",
        "period",
        "basis",
        "value",
        "period_prev",
        "value_prev",
        "yoy_computed",
        "yoy_reported",
        "difference",
    ]
    return out[cols].sort_values(["park_id", "indicator", "basis", "period"], ignore_index=True)


def ytd_to_periods(observations: pd.DataFrame) -> pd.DataFrame:
    """Single-period values from cumulative (本年累计) ones: 1-9月 − 1-6月 = Q3.

    Differences consecutive ytd values within a year; ``first_month``–``last_month`` say which
    months each value covers (1-2月 is published together, so it covers months 1–2). A gap in the
    ytd series gives a longer span, never an invented split.
    """
    ytd = observations[observations["basis"] == "ytd"].copy()
    ytd["year"] = period_year(ytd["period"])
    ytd["last_month"] = period_month(ytd["period"])
    ytd = ytd.drop_duplicates([*_KEYS, "period"]).sort_values([*_KEYS, "year", "last_month"])
    grouped = ytd.groupby([*_KEYS, "year"], sort=False)
    prev_value = grouped["value"].shift(1)
    prev_month = grouped["last_month"].shift(1)
    ytd["first_month"] = (prev_month.fillna(0) + 1).astype(int)
    ytd["last_month"] = ytd["last_month"].astype(int)
    ytd["value"] = ytd["value"] - prev_value.fillna(0.0)
    ytd["basis"] = "period"
    cols = ["park_id", "indicator", "period", "first_month", "last_month", "value", "unit"]
    return ytd[cols].reset_index(drop=True)


def periods_to_ytd(observations: pd.DataFrame) -> pd.DataFrame:
    """Cumulative (ytd) values from quarterly or monthly ones; a year with a missing earlier
    period gives no ytd value from the gap on (a running sum over a hole would understate it)."""
    parts = observations[observations["basis"].isin(["quarter", "month"])].copy()
    parts["year"] = period_year(parts["period"])
    parts["last_month"] = period_month(parts["period"])
    parts["span"] = np.where(parts["basis"] == "quarter", 3, 1)
    parts = parts.drop_duplicates([*_KEYS, "basis", "period"]).sort_values(
        [*_KEYS, "basis", "year", "last_month"]
    )
    grouped = parts.groupby([*_KEYS, "basis", "year"], sort=False)
    covered = grouped["span"].cumsum()
    complete = covered == parts["last_month"]
    parts["value"] = grouped["value"].cumsum().where(complete)
    years, months = parts["year"].astype(int).to_numpy(), parts["last_month"].astype(int).to_numpy()
    parts["period"] = [
        str(y) if m == 12 else f"{y}-{m:02d}" for y, m in zip(years, months, strict=True)
    ]
    parts["basis"] = np.where(months == 12, "annual", "ytd")
    cols = [c for c in ["park_id", "indicator", "period", "basis", "value", "unit"] if c in parts]
    return parts.loc[complete, cols].reset_index(drop=True)


def annualise(ytd_value: ArrayLike, months: ArrayLike, seasonal_share: ArrayLike = None) -> Any:
    """A full-year estimate from a ytd value — only when asked for.

    Linear (``ytd * 12 / months``) by default; with ``seasonal_share`` (the share of the year
    earlier years had reached by that month) ``ytd / share``.
    """
    ytd_value = np.asarray(ytd_value, dtype=float)
    if seasonal_share is None:
        return _div(ytd_value * 12.0, np.asarray(months, dtype=float))
    return _div(ytd_value, np.asarray(seasonal_share, dtype=float))
