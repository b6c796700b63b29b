"""Time math on indicator series: CAGR, a level grown at a rate, year-to-date from parts.

Pure, vectorised functions (numbers, numpy arrays or pandas Series in; the same shape out). A
result that cannot be computed (a non-positive level, a zero span) is NaN, never zero. Formulas:
docs/methods.md §1 (UNSD / StatCan conventions).

>>> round(float(cagr(100, 200, 3)), 4)        # 三年倍增
0.2599
>>> round(float(cagr(26.0, 30.0, 2)), 4)       # the growth 26 → 30 in two years requires
0.0742
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from parkdata.contract.periods import period_month, period_year

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


def project_level(current: ArrayLike, growth: ArrayLike, years: ArrayLike) -> ArrayLike:
    """``current`` grown at ``growth`` (fraction) a year for ``years``."""
    return np.asarray(current, dtype=float) * np.power(1.0 + np.asarray(growth, dtype=float), years)


_KEYS = ["park_id", "indicator"]


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
