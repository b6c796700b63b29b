"""Projection columns of an assessment: projected value with bands, P(meet), anticipated progress.

For each level-type target (level, share, 倍增, growth rate) the park's year-end series up to the
as-of date is projected to the target year with the default model for its indicator
(:func:`parkdata.project.model_for`; two figures → ``cagr2`` with its stated prior; one → none).

* ``p_meet`` — P(y_T meets the comparator) from the predictive distribution (docs/methods.md §4);
* ``anticipated_progress`` — P_T = (x̂_T − x_b)/(target − x_b) (ESCAP), with ``progress_colour``:
  green ≥ 1, yellow in (0, 1), red ≤ 0, grey when it cannot be assessed.

A status already settled wins: 已完成 gives P = 1 and green, 到期未完成 P = 0 and red. A row the
assessment marks ``non_positive`` (a base or latest level of zero or less) is not projected: no
P(meet) is computed from levels growth cannot be measured on. Cumulative,
yearly-increment and count targets are not projected. ``projection_code`` says why a row has or
lacks a projection (``fitted``, ``settled_achieved``, ``no_target_year`` …) and
``projection_flags`` what to know about a fit (``linear_fallback``, ``bounds_as_values``,
``exact_fit``); the words for both are in the reporting layer's text table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.vocab import BOUNDS, LEVEL_KINDS, SETTLED
from parkdata.projection.engine import forecast, prob_meet
from parkdata.projection.matrix import SeriesMatrix, positive_rows
from parkdata.projection.model_table import MIN_POINTS, series_models

PROJECTION_COLUMNS = [
    "projection_model",
    "projection_n",
    "projection_df",
    "projected_value",
    "projected_lo80",
    "projected_hi80",
    "projected_lo95",
    "projected_hi95",
    "p_meet",
    "anticipated_progress",
    "progress_colour",
    "projection_code",
    "projection_flags",
]
_NUMBERS = PROJECTION_COLUMNS[1:10]
PROJECTION_CODES = (
    "settled_achieved",
    "settled_missed",
    "non_positive_level",
    "fitted",
    "kind_not_projected",
    "rank_or_rate",
    "no_target_year",
    "no_base_value",
    "no_goal",
    "two_points_not_log",
    "too_few_for_line",
    "fewer_than_two",
)
"""Why a row has, or lacks, a projection (the first case that holds)."""
PROJECTION_FLAGS = ("exact_fit", "linear_fallback", "bounds_as_values")
_EPS = 1e-9


def colour(progress: pd.Series) -> pd.Series:
    """ESCAP colours for anticipated progress: green ≥ 1, yellow (0, 1), red ≤ 0, grey NaN."""
    p = progress.astype(float)
    return pd.Series(
        np.select([p >= 1 - _EPS, p > 0, p <= 0], ["green", "yellow", "red"], "grey"),
        index=progress.index,
    )


def projection_columns(out: pd.DataFrame, levels: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The :data:`PROJECTION_COLUMNS` for assessment rows ``out`` (see the module docstring).

    ``out`` needs target_id, park_id, indicator, kind, T, horizon (times in years: a period's
    end), goal, ratio_base (the base progress counts from), comparator, status, and optionally
    non_positive (rows not to project); ``levels`` the year-end levels
    (:func:`~parkdata.series.levels.year_end_levels`).
    """
    res = pd.DataFrame(index=out.index, columns=PROJECTION_COLUMNS, dtype=object)
    for col in _NUMBERS:
        res[col] = np.nan
    kinds = {ind.code: ind.kind for ind in catalog}
    settled = out["status"].isin(SETTLED)
    level = out["kind"].isin(LEVEL_KINDS) & out["T"].notna() & out["goal"].notna()
    level &= ~_non_positive(out)
    pts = out.loc[level & ~settled, ["target_id", "indicator", "park_id", "horizon"]].merge(
        levels, on=["park_id", "indicator"]
    )
    pts = pts[pts["year"] + 1 <= pts["horizon"] + _EPS]  # a year's figure is known at its end
    bounded = set(pts.loc[pts["qualifier"].isin(BOUNDS), "target_id"])
    fallback = pd.Series(False, index=out.index)
    if len(pts):
        mat = SeriesMatrix.from_frame(pts, ["target_id"])
        idx = pd.Series(out.index, index=out["target_id"]).loc[mat.keys["target_id"]].to_numpy()
        n = (~np.isnan(mat.values)).sum(axis=1)
        res.loc[idx, "projection_n"] = n
        kind = out.loc[idx, "indicator"].map(kinds).to_numpy()
        positive = positive_rows(mat.values)
        chosen = series_models(kind, n, positive)
        fallback.loc[idx] = (chosen == "linear") & ~positive & (kind != "score")
        big_t = out.loc[idx, "T"].to_numpy(dtype=float) - 1  # the target year itself
        for m in pd.unique(chosen[chosen != None]):  # noqa: E711
            sel = np.flatnonzero((chosen == m) & (n >= MIN_POINTS[m]))
            if len(sel):
                _fill(res, out, idx[sel], n[sel], m, mat, sel, big_t[sel])
    with np.errstate(divide="ignore", invalid="ignore"):
        base = out["ratio_base"].astype(float)
        progress = (res["projected_value"].astype(float) - base) / (
            out["goal"].astype(float) - base
        )
    res["anticipated_progress"] = progress.replace([np.inf, -np.inf], np.nan)
    res["progress_colour"] = colour(res["anticipated_progress"])
    res.loc[out["status"] == "achieved", ["p_meet", "progress_colour"]] = [1.0, "green"]
    res.loc[out["status"] == "not_achieved", ["p_meet", "progress_colour"]] = [0.0, "red"]
    res["projection_code"] = _codes(out, res, kinds)
    res["projection_flags"] = _flags(out, res, bounded, fallback)
    return res


def _fill(
    res: pd.DataFrame,
    out: pd.DataFrame,
    rows: np.ndarray,
    n: np.ndarray,
    model: str,
    mat: SeriesMatrix,
    sel: np.ndarray,
    big_t: np.ndarray,
) -> None:
    """Projection to each target year by one model, P(meet) and the note, into ``res``."""
    fc = forecast(mat.values[sel], mat.years, big_t[:, None], model, target_t=big_t)
    fitted = np.isfinite(fc.mean[:, 0])
    rows, n = rows[fitted], n[fitted]
    res.loc[rows, "projection_model"] = model
    for src, dst in (
        ("mean", "projected_value"),
        ("lo80", "projected_lo80"),
        ("hi80", "projected_hi80"),
        ("lo95", "projected_lo95"),
        ("hi95", "projected_hi95"),
    ):
        res.loc[rows, dst] = getattr(fc, src)[fitted, 0]
    goal = out.loc[rows, "goal"].to_numpy(dtype=float)
    comparator = out.loc[rows, "comparator"].fillna(">=").to_numpy()
    loc, scale, df = fc.loc[fitted, 0], fc.scale[fitted, 0], fc.df[fitted, 0]
    res.loc[rows, "p_meet"] = prob_meet(loc, scale, df, goal, comparator, fc.transform)
    res.loc[rows, "projection_df"] = df
    res.loc[rows, "projection_flags"] = np.where(~np.isfinite(scale), "exact_fit", "")


def _non_positive(out: pd.DataFrame) -> pd.Series:
    """Rows whose base or latest level is zero or less (the assessment's ``non_positive``)."""
    if "non_positive" not in out:
        return pd.Series(False, index=out.index)
    return out["non_positive"].fillna(False).astype(bool)


def _codes(out: pd.DataFrame, res: pd.DataFrame, kinds: dict[str, str]) -> pd.Series:
    """Why a row has, or lacks, a projection: the first case that holds, settled statuses first."""
    n = res["projection_n"].astype(float)
    kind = out["indicator"].map(kinds)
    cases = [
        (out["status"] == "achieved", "settled_achieved"),
        (out["status"] == "not_achieved", "settled_missed"),
        (_non_positive(out), "non_positive_level"),
        (res["projection_model"].notna(), "fitted"),
        (~out["kind"].isin(LEVEL_KINDS), "kind_not_projected"),
        (kind.isin(["rank", "growth"]), "rank_or_rate"),
        (out["T"].isna(), "no_target_year"),
        (out["goal"].isna() & out["kind"].isin(["multiple", "growth_rate"]), "no_base_value"),
        (out["goal"].isna(), "no_goal"),
        (n == 2, "two_points_not_log"),
        (n >= 2, "too_few_for_line"),
    ]
    chosen = pd.Series(None, index=out.index, dtype=object)
    for cond, code in cases:
        chosen = chosen.where(chosen.notna() | ~cond.fillna(False).astype(bool), code)
    return chosen.fillna("fewer_than_two")


def _flags(
    out: pd.DataFrame, res: pd.DataFrame, bounded: set[str], fallback: pd.Series
) -> pd.Series:
    """What to know about a fit, as codes joined by ';' (empty when nothing)."""
    has = res["projection_model"].notna()
    flags = res["projection_flags"].where(has, "").fillna("").astype(str)
    for code, cond in (
        ("linear_fallback", has & fallback),
        ("bounds_as_values", has & out["target_id"].isin(bounded)),
    ):
        flags = flags.where(~cond, flags + ";" + code)
    return flags.str.strip(";")
