"""Projection columns of an assessment: projected value with bands, P(meet), anticipated progress.

For each level-type target (level, share, 倍增, growth rate) the park's year-end series up to the
as-of date is projected to the target year with the default model for its indicator
(:func:`parkdata.project.model_for`; two figures → ``cagr2`` with its stated prior; one → none).

* ``p_meet`` — P(y_T meets the comparator) from the predictive distribution (docs/methods.md §4);
* ``anticipated_progress`` — P_T = (x̂_T − x_b)/(target − x_b) (ESCAP), with ``progress_colour``:
  green ≥ 1, yellow in (0, 1), red ≤ 0, grey when it cannot be assessed.

A status already settled wins: 已完成 gives P = 1 and green, 到期未完成 P = 0 and red. Cumulative,
yearly-increment and count targets are not projected (their reason says so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalog import Catalog
from .checks import LEVEL_TARGET_KINDS
from .models import MIN_POINTS
from .project import SeriesMatrix, positive_rows, series_models
from .trend import PRIOR_GROWTH_SD, forecast, prob_meet

PROJECTION_COLUMNS = [
    "projection_model",
    "projection_n",
    "projected_value",
    "projected_lo80",
    "projected_hi80",
    "projected_lo95",
    "projected_hi95",
    "p_meet",
    "anticipated_progress",
    "progress_colour",
    "projection_note",
]
MODEL_ZH = {
    "loglinear": "对数线性趋势",
    "weighted": "近期加权对数线性趋势",
    "linear": "线性趋势",
    "logit": "logit比重趋势",
    "naive": "延续最近增速",
    "cagr2": "两点年均增速外推",
}
_EPS = 1e-9


def colour(progress: pd.Series) -> pd.Series:
    """ESCAP colours for anticipated progress: green ≥ 1, yellow (0, 1), red ≤ 0, grey NaN."""
    p = progress.astype(float)
    return pd.Series(
        np.select([p >= 1 - _EPS, p > 0, p <= 0], ["green", "yellow", "red"], "grey"),
        index=progress.index,
    )


def projection_columns(out: pd.DataFrame, trend: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The :data:`PROJECTION_COLUMNS` for assessment rows ``out`` (see the module docstring).

    ``out`` needs target_id, park_id, indicator, kind, T, horizon, goal, ratio_base (the base
    progress counts from), comparator, status; ``trend`` the year-end and point levels (park_id,
    indicator, t, value, qualifier).
    """
    res = pd.DataFrame(index=out.index, columns=PROJECTION_COLUMNS, dtype=object)
    for col in PROJECTION_COLUMNS[1:9]:
        res[col] = np.nan
    kinds = {ind.code: ind.kind for ind in catalog}
    settled = out["status"].isin(["achieved", "not_achieved"])
    level = out["kind"].isin(LEVEL_TARGET_KINDS) & out["T"].notna() & out["goal"].notna()
    pts = out.loc[level & ~settled, ["target_id", "indicator", "park_id", "horizon"]].merge(
        trend, on=["park_id", "indicator"]
    )
    pts = pts[(pts["t"] <= pts["horizon"] + _EPS) & np.isclose(pts["t"], np.round(pts["t"]))]
    pts = pts.sort_values(["target_id", "t"]).drop_duplicates(["target_id", "t"], keep="first")
    bounded = set(pts.loc[pts["qualifier"].isin(["at_least", "at_most"]), "target_id"])
    fallback = pd.Series(False, index=out.index)
    if len(pts):
        mat = SeriesMatrix.from_frame(pts.rename(columns={"t": "year"}), ["target_id"])
        idx = pd.Series(out.index, index=out["target_id"]).loc[mat.keys["target_id"]].to_numpy()
        n = (~np.isnan(mat.values)).sum(axis=1)
        res.loc[idx, "projection_n"] = n
        kind = out.loc[idx, "indicator"].map(kinds).to_numpy()
        positive = positive_rows(mat.values)
        chosen = series_models(kind, n, positive)
        fallback.loc[idx] = (chosen == "linear") & ~positive & (kind != "score")
        big_t = out.loc[idx, "T"].to_numpy(dtype=float)
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
    res["projection_note"] = _notes(out, res, kinds, bounded, fallback)
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
    note = MODEL_ZH[model] + "，" + pd.Series(n).astype(str).to_numpy() + "个数据点"
    if model == "cagr2":
        note = note + f"，区间按先验：增速标准差{PRIOR_GROWTH_SD:.0%}"
    else:
        note = note + "，自由度" + pd.Series(df).map("{:.0f}".format).to_numpy()
    exact = ~np.isfinite(scale)
    note = np.where(exact, note + "；数据完全落在趋势线上，无法估计不确定性 (exact fit)", note)
    res.loc[rows, "projection_note"] = note


def _notes(
    out: pd.DataFrame,
    res: pd.DataFrame,
    kinds: dict[str, str],
    bounded: set[str],
    fallback: pd.Series,
) -> pd.Series:
    """Why a row has, or lacks, a projection (Chinese, then English); settled statuses first."""
    note = res["projection_note"].astype(object)
    n = res["projection_n"].astype(float)
    kind = out["indicator"].map(kinds)
    cases = [
        (out["status"] == "achieved", "已完成，无需投影 (target met)"),
        (out["status"] == "not_achieved", "到期未完成 (deadline passed short of the goal)"),
        (note.notna(), None),
        (
            ~out["kind"].isin(LEVEL_TARGET_KINDS),
            "该类目标不做趋势投影 (cumulative, increment and count targets are not projected)",
        ),
        (
            kind.isin(["rank", "growth"]),
            "排名、增速类指标不做趋势投影 (ranks and rates are not projected)",
        ),
        (out["T"].isna(), "目标年份未定，不做投影 (no target year)"),
        (
            out["goal"].isna() & out["kind"].isin(["multiple", "growth_rate"]),
            "缺少基期数据，目标值未定 (no base-year figure: no goal to project toward)",
        ),
        (out["goal"].isna(), "目标值未定，不做投影 (no goal value)"),
        (
            n == 2,
            "仅2个数据点，比重或含≤0数值的指标不按两点外推 (two figures: not extrapolated here)",
        ),
        (n >= 2, "含≤0数值且数据点不足3个，不做投影 (values ≤ 0 and too few figures for a line)"),
    ]
    chosen = pd.Series(None, index=out.index, dtype=object)
    for cond, text in cases:
        pick = chosen.isna() & cond.fillna(False).astype(bool)
        chosen = chosen.where(~pick, "" if text is None else text)
    chosen = chosen.fillna("年末数据少于2个，不做投影 (fewer than two year-end figures)")
    note = note.where(chosen == "", chosen)
    has = res["projection_model"].notna()
    note = note.where(~(has & fallback), note + "；含≤0数值，改用线性趋势 (values ≤ 0: linear)")
    flagged = out["target_id"].isin(bounded) & has
    return note.where(~flagged, note + "；含区间值，按数值处理 (bounds used as values)")
