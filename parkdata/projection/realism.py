"""Plan realism: how often did park series ever sustain the growth a target requires?

For a required CAGR r over k years, the base rate is the share of series in the data whose best
k-year stretch grew at least that fast: max over windows of (ln y_{s+k} − ln y_s)/k ≥ ln(1+r). It
puts a 三年倍增 (25.99 %/yr for 3 years) beside what parks actually achieved. Series of the same
indicator in the data (up to the as-of date) are the reference class; with fewer than
:data:`MIN_SERIES` of them there is no rate (mixing GDP with counts of firms would not be a
reference class). Lower-is-better targets ask for the steepest fall.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from parkdata.projection.matrix import SeriesMatrix

MIN_SERIES = 10
"""Fewest reference series for a base rate."""


def best_growth(values: np.ndarray, years: np.ndarray, span: int) -> np.ndarray:
    """Per row, the highest and lowest log growth a year over any ``span``-year window.

    Returns (S, 2): [max, min]; NaN where no two figures ``span`` years apart exist.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.log(np.where(values > 0, values, np.nan))
    pos = {int(y): i for i, y in enumerate(years)}
    pairs = [(i, pos[int(y) + span]) for i, y in enumerate(years) if int(y) + span in pos]
    if not pairs:
        return np.full((values.shape[0], 2), np.nan)
    a, b = (np.array(p) for p in zip(*pairs, strict=True))
    d = (z[:, b] - z[:, a]) / span
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN, as meant
        return np.stack([np.nanmax(d, axis=1), np.nanmin(d, axis=1)], axis=1)


def base_rates(
    levels: pd.DataFrame,
    indicator: pd.Series,
    required: pd.Series,
    span: pd.Series,
    lower: pd.Series,
) -> pd.DataFrame:
    """Base rate (%) and the number of reference series for each requirement row.

    ``levels``: park_id, indicator, year, value. ``required``: CAGR as a fraction; ``span``: years
    (rounded); ``lower``: True where lower is better.
    """
    out = pd.DataFrame({"realism_base_rate": np.nan, "realism_series": 0}, index=required.index)
    k = np.round(span.astype(float))
    ok = required.notna() & (k >= 1)
    if not ok.any() or levels.empty:
        return out
    mat = SeriesMatrix.from_frame(levels, ["park_id", "indicator"])
    codes = mat.keys["indicator"].to_numpy()
    for kk in np.unique(k[ok]).astype(int):
        best = best_growth(mat.values, mat.years, kk)
        rows = ok & (k == kk)
        for ind in pd.unique(indicator[rows]):
            sel = rows & (indicator == ind)
            same = (codes == ind) & ~np.isnan(best[:, 0])
            out.loc[sel, "realism_series"] = int(same.sum())
            if same.sum() < MIN_SERIES:
                continue
            need = np.log1p(required[sel].to_numpy(dtype=float))
            low = lower[sel].to_numpy(dtype=bool)
            hi_hit = best[same, 0][None, :] >= need[:, None] - 1e-12
            lo_hit = best[same, 1][None, :] <= need[:, None] + 1e-12
            rate = np.where(low, lo_hit.mean(axis=1), hi_hit.mean(axis=1)) * 100
            out.loc[sel, "realism_base_rate"] = rate
    return out
