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
from .project import SeriesMatrix, model_for
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

    ``out`` needs target_id, park_id, indicator, kind, T, horizon, goal, v_b, comparator,
    status; ``trend`` the year-end and point levels (park_id, indicator, t, value, qualifier).
    """
    res = pd.DataFrame(index=out.index, columns=PROJECTION_COLUMNS, dtype=object)
    for col in PROJECTION_COLUMNS[1:9]:
        res[col] = np.nan
    kinds = {ind.code: ind.kind for ind in catalog}
    level = out["kind"].isin(LEVEL_TARGET_KINDS) & out["T"].notna() & out["goal"].notna()
    pts = out.loc[level, ["target_id", "indicator", "park_id", "horizon"]].merge(
        trend, on=["park_id", "indicator"]
    )
    pts = pts[(pts["t"] <= pts["horizon"] + _EPS) & np.isclose(pts["t"], np.round(pts["t"]))]
    pts = pts.sort_values(["target_id", "t"]).drop_duplicates(["target_id", "t"], keep="first")
    bounded = set(pts.loc[pts["qualifier"].isin(["at_least", "at_most"]), "target_id"])
    if len(pts):
        mat = SeriesMatrix.from_frame(pts.rename(columns={"t": "year"}), ["target_id"])
        row_of = pd.Series(out.index, index=out["target_id"])
        idx = row_of.loc[mat.keys["target_id"]].to_numpy()
        n = (~np.isnan(mat.values)).sum(axis=1)
        kind = out.loc[idx, "indicator"].map(kinds).to_numpy()
        chosen = np.array([model_for(k) for k in kind], dtype=object)
        chosen = np.where((n == 2) & (chosen != None), "cagr2", chosen)  # noqa: E711
        big_t = out.loc[idx, "T"].to_numpy(dtype=float)
        for m in pd.unique(chosen[chosen != None]):  # noqa: E711
            sel = np.flatnonzero((chosen == m) & (n >= MIN_POINTS[m]))
            if len(sel) == 0:
                continue
            fc = forecast(mat.values[sel], mat.years, big_t[sel, None], m, target_t=big_t[sel])
            rows = idx[sel]
            goal = out.loc[rows, "goal"].to_numpy(dtype=float)
            comparator = out.loc[rows, "comparator"].fillna(">=").to_numpy()
            res.loc[rows, "projection_model"] = m
            res.loc[rows, "projection_n"] = n[sel]
            for src, dst in (
                ("mean", "projected_value"),
                ("lo80", "projected_lo80"),
                ("hi80", "projected_hi80"),
                ("lo95", "projected_lo95"),
                ("hi95", "projected_hi95"),
            ):
                res.loc[rows, dst] = getattr(fc, src)[:, 0]
            p = prob_meet(fc.loc[:, 0], fc.scale[:, 0], fc.df[:, 0], goal, comparator, fc.transform)
            res.loc[rows, "p_meet"] = p
            note = MODEL_ZH[m] + "，" + pd.Series(n[sel]).astype(str).to_numpy() + "个数据点"
            if m == "cagr2":
                note = note + f"，区间按先验增速标准差{PRIOR_GROWTH_SD:.0%}/年"
            else:
                note = note + "，自由度" + pd.Series(fc.df[:, 0]).map("{:.0f}".format).to_numpy()
            res.loc[rows, "projection_note"] = note
    with np.errstate(divide="ignore", invalid="ignore"):
        base = out["v_b"].astype(float)
        progress = (res["projected_value"].astype(float) - base) / (
            out["goal"].astype(float) - base
        )
    res["anticipated_progress"] = progress.replace([np.inf, -np.inf], np.nan)
    settled_yes, settled_no = out["status"] == "achieved", out["status"] == "not_achieved"
    res.loc[settled_yes, "p_meet"] = 1.0
    res.loc[settled_no, "p_meet"] = 0.0
    res["progress_colour"] = colour(res["anticipated_progress"])
    res.loc[settled_yes, "progress_colour"] = "green"
    res.loc[settled_no, "progress_colour"] = "red"
    res["projection_note"] = _notes(out, res, level, bounded)
    return res


def _notes(out: pd.DataFrame, res: pd.DataFrame, level: pd.Series, bounded: set[str]) -> pd.Series:
    """Why a row has, or lacks, a projection (Chinese, then English)."""
    note = res["projection_note"].astype(object)
    missing = note.isna()
    cases = [
        (out["status"] == "achieved", "已完成，无需投影 (target met)"),
        (out["status"] == "not_achieved", "到期未完成 (deadline passed short of the goal)"),
        (
            ~out["kind"].isin(LEVEL_TARGET_KINDS),
            "该类目标不做趋势投影 (not projected for this kind)",
        ),
        (out["T"].isna(), "目标年份未定，不做投影 (no target year)"),
        (out["goal"].isna(), "目标值未定，不做投影 (no goal value)"),
    ]
    for cond, text in cases:
        fill = missing & cond.fillna(False) & note.isna()
        note = note.where(~fill, text)
    rest = note.isna()
    note = note.where(~rest, "年末数据少于2个，不做投影 (fewer than two year-end figures)")
    flagged = out["target_id"].isin(bounded) & res["projection_model"].notna()
    note = note.where(~flagged, note + "；含区间值，按数值处理 (bounds used as values)")
    return note
