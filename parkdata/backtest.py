"""Model choice by evidence: rolling-origin backtests of the projection models.

For every series long enough and every origin year, each model is fitted on the figures up to the
origin and asked for the value ``h`` years later; where that figure was reported, the forecast is
scored. Per model and horizon: how many forecasts, interval coverage (80 % and 95 %: the share of
outcomes inside the bands — near nominal means honest bands), the median absolute percentage error
(MdAPE) and the skill against the naive forecast on the same cases, 1 − MdAPE / MdAPE(naive)
(Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.8–5.10).

Closed-form models run vectorised over all series; ``ets_damped`` and ``arima`` run through
statsmodels on a reproducible sample of at most ``max_fits`` (series, origin) pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .models import MIN_POINTS
from .panel import Panel
from .project import DEFAULT_MODEL, SeriesMatrix, run_model, year_end_levels
from .trend import Forecast

BACKTEST_MODELS = ("loglinear", "weighted", "linear", "naive", "cagr2", "ets_damped", "arima")
LEVEL_KINDS = ("flow", "stock", "count", "ratio")
_SLOW = ("ets_damped", "arima")
SUMMARY_COLUMNS = [
    "model",
    "horizon",
    "forecasts",
    "series",
    "coverage80",
    "coverage95",
    "mdape",
    "mdape_naive",
    "skill",
]
CASE_COLUMNS = [
    "park_id",
    "indicator",
    "origin",
    "horizon",
    "model",
    "n_points",
    "actual",
    "mean",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
]


def backtest_cases(
    panel: Panel,
    horizons: Sequence[int] = (1, 2, 3),
    models: Iterable[str] = BACKTEST_MODELS,
    indicators: Iterable[str] | None = None,
    max_fits: int = 300,
    seed: int = 0,
) -> pd.DataFrame:
    """Every scored forecast: series, origin year, horizon, model, actual, point and bands.

    By default the series are the level indicators (flows, stocks, counts, ratios), which the
    default model serves; shares are projected on the logit scale by construction.
    """
    levels = year_end_levels(panel, indicators=indicators)
    if indicators is None:
        kinds = {ind.code: ind.kind for ind in panel.catalog}
        levels = levels[levels["indicator"].map(kinds).isin(LEVEL_KINDS)]
    models = list(models)
    unknown = set(models) - set(MIN_POINTS)
    if unknown:
        raise ValueError(f"unknown model(s) {sorted(unknown)}; choose from {BACKTEST_MODELS}")
    if levels.empty:
        return pd.DataFrame(columns=CASE_COLUMNS)
    mat = SeriesMatrix.from_frame(levels, ["park_id", "indicator"])
    years, values = mat.years, mat.values
    horizons = [int(h) for h in horizons]
    rng = np.random.default_rng(seed)
    # origins with a later figure to score against; statsmodels fits share one budget
    origins = [o for o, y in enumerate(years) if np.isin(y + np.array(horizons), years).any()]
    budget = max(1, max_fits // max(1, len(origins)))
    frames = []
    for o in origins:
        origin = years[o]
        train = values.copy()
        train[:, o + 1 :] = np.nan
        n_train = (~np.isnan(train)).sum(axis=1)
        cols = {h: int(np.searchsorted(years, origin + h)) for h in horizons}
        cols = {h: c for h, c in cols.items() if c < len(years) and years[c] == origin + h}
        scored = np.zeros(len(values), bool)
        for c in cols.values():
            scored |= ~np.isnan(values[:, c])
        base = np.flatnonzero(~np.isnan(values[:, o]) & (n_train >= 2) & scored)
        for model in models:
            use = base[n_train[base] >= MIN_POINTS[model]]
            if model == "cagr2":
                use = use[n_train[use] == 2]
            if model in _SLOW and len(use) > budget:
                use = np.sort(rng.choice(use, budget, replace=False))
            if len(use) == 0:
                continue
            # closed forms per horizon (ESCAP weights use T = origin + h); statsmodels fits once
            batches = [[h] for h in cols] if model not in _SLOW else [list(cols)]
            for hs in batches:
                t_new = np.broadcast_to(origin + np.array(hs, float), (len(use), len(hs)))
                fc = run_model(train[use], years, t_new, model, target_t=t_new[:, -1])
                for j, h in enumerate(hs):
                    frames.append(_cases(mat, use, o, h, cols[h], model, n_train, fc, j))
    if not frames:
        return pd.DataFrame(columns=CASE_COLUMNS)
    cases = pd.concat(frames, ignore_index=True)
    return cases[np.isfinite(cases["mean"])].reset_index(drop=True)


def _cases(
    mat: SeriesMatrix,
    rows: np.ndarray,
    o: int,
    h: int,
    col: int,
    model: str,
    n_train: np.ndarray,
    fc: Forecast,
    j: int,
) -> pd.DataFrame:
    """Scored forecasts of one model, origin and horizon (rows with a reported outcome)."""
    frame = pd.DataFrame(
        {
            "park_id": mat.keys["park_id"].to_numpy()[rows],
            "indicator": mat.keys["indicator"].to_numpy()[rows],
            "origin": int(mat.years[o]),
            "horizon": h,
            "model": model,
            "n_points": n_train[rows],
            "actual": mat.values[rows, col],
            "mean": fc.mean[:, j],
            "lo80": fc.lo80[:, j],
            "hi80": fc.hi80[:, j],
            "lo95": fc.lo95[:, j],
            "hi95": fc.hi95[:, j],
        }
    )
    return frame[frame["actual"].notna()]


def summarise(cases: pd.DataFrame) -> pd.DataFrame:
    """Per model and horizon: forecasts, series, coverage 80/95 %, MdAPE and skill vs naive."""
    if cases.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    c = cases.assign(
        ape=(cases["mean"] - cases["actual"]).abs() / cases["actual"].abs() * 100,
        in80=(cases["lo80"] <= cases["actual"]) & (cases["actual"] <= cases["hi80"]),
        in95=(cases["lo95"] <= cases["actual"]) & (cases["actual"] <= cases["hi95"]),
        has_band=cases["lo80"].notna(),
    )
    key = ["park_id", "indicator", "origin", "horizon"]
    naive = c[c["model"] == "naive"].set_index(key)["ape"].rename("ape_naive")
    c = c.join(naive, on=key)
    rows = []
    for (model, h), g in c.groupby(["model", "horizon"], sort=False):
        banded = g[g["has_band"]]
        matched = g[g["ape_naive"].notna()]
        md, md_naive = matched["ape"].median(), matched["ape_naive"].median()
        rows.append(
            {
                "model": model,
                "horizon": h,
                "forecasts": len(g),
                "series": len(g.drop_duplicates(["park_id", "indicator"])),
                "coverage80": banded["in80"].mean() * 100 if len(banded) else np.nan,
                "coverage95": banded["in95"].mean() * 100 if len(banded) else np.nan,
                "mdape": g["ape"].median(),
                "mdape_naive": md_naive,
                "skill": 1 - md / md_naive if md_naive > 0 else np.nan,
            }
        )
    order = {m: i for i, m in enumerate(BACKTEST_MODELS)}
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out = out.sort_values(
        ["model", "horizon"], key=lambda s: s.map(order) if s.name == "model" else s
    )
    return out.reset_index(drop=True)


def backtest(
    panel: Panel,
    horizons: Sequence[int] = (1, 2, 3),
    models: Iterable[str] = BACKTEST_MODELS,
    indicators: Iterable[str] | None = None,
    max_fits: int = 300,
    seed: int = 0,
) -> pd.DataFrame:
    """Rolling-origin backtest summary per model and horizon (see the module docstring).

    >>> import parkdata as pkd
    >>> table = pkd.backtest(pkd.load(), models=["loglinear", "naive", "cagr2"])
    >>> sorted(table["model"].unique())
    ['cagr2', 'loglinear', 'naive']
    """
    return summarise(backtest_cases(panel, horizons, models, indicators, max_fits, seed))


MIN_FORECASTS = 100
"""Fewest scored forecasts per model for a backtest to decide the default."""


def choose_model(summary: pd.DataFrame, candidates: Iterable[str] | None = None) -> tuple[str, str]:
    """The model a backtest supports, and why (Chinese first, then English).

    Among candidates with at least :data:`MIN_FORECASTS` forecasts whose 80 % intervals are
    honest (coverage 70–90 %) and 95 % intervals cover at least 88 %, the lowest MdAPE averaged
    over horizons wins. With no calibrated candidate, or too few forecasts, the current default
    stays and the reason says so.
    """
    pool = list(candidates or ("loglinear", "weighted", "linear", "ets_damped", "arima"))
    s = summary[summary["model"].isin(pool)]
    agg = s.groupby("model").agg(
        forecasts=("forecasts", "sum"),
        cov80=("coverage80", "mean"),
        cov95=("coverage95", "mean"),
        mdape=("mdape", "mean"),
        skill=("skill", "mean"),
    )
    enough = agg[agg["forecasts"] >= MIN_FORECASTS]
    if enough.empty:
        return DEFAULT_MODEL, (
            f"回测预测数不足{MIN_FORECASTS}个，沿用默认模型 {DEFAULT_MODEL} "
            f"(fewer than {MIN_FORECASTS} scored forecasts: the default {DEFAULT_MODEL} stays)"
        )
    calibrated = enough[enough["cov80"].between(70, 90) & (enough["cov95"] >= 88)]
    if calibrated.empty:
        return DEFAULT_MODEL, (
            f"没有区间覆盖率合格的模型，沿用默认模型 {DEFAULT_MODEL} "
            f"(no model's intervals are calibrated: the default {DEFAULT_MODEL} stays)"
        )
    best = calibrated["mdape"].idxmin()
    row = calibrated.loc[best]
    return str(best), (
        f"{best}：80%区间覆盖率{row['cov80']:.0f}%、95%区间覆盖率{row['cov95']:.0f}%，"
        f"中位绝对百分比误差{row['mdape']:.1f}%，为区间合格模型中最低，相对朴素预测技能{row['skill']:.2f} "
        f"({best}: calibrated intervals and the lowest MdAPE among calibrated models, "
        f"{int(row['forecasts'])} forecasts)"
    )
