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
from typing import NamedTuple

import numpy as np
import pandas as pd

from parkdata.contract.panel import Panel
from parkdata.contract.reasons import Reason
from parkdata.errors import ArgumentError
from parkdata.projection.engine import Forecast
from parkdata.projection.matrix import SeriesMatrix
from parkdata.projection.model_table import (
    BACKTEST_MODELS,
    CANDIDATES,
    DEFAULT_MODEL,
    LEVEL_INDICATOR_KINDS,
    MIN_POINTS,
    STATSMODELS_MODELS,
)
from parkdata.projection.trend_paths import run_model
from parkdata.series.levels import values_as_of, year_end_levels

_SLOW = STATSMODELS_MODELS
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
    levels = year_end_levels(values_as_of(panel, indicators=indicators))
    if indicators is None:
        kinds = {ind.code: ind.kind for ind in panel.catalog}
        levels = levels[levels["indicator"].map(kinds).isin(LEVEL_INDICATOR_KINDS)]
    models = list(models)
    unknown = set(models) - set(MIN_POINTS)
    if unknown:
        raise ArgumentError(
            f"unknown model(s) {sorted(unknown)}; choose from {', '.join(BACKTEST_MODELS)}"
        )
    if levels.empty:
        return pd.DataFrame(columns=CASE_COLUMNS)
    mat = SeriesMatrix.from_frame(levels, ["park_id", "indicator"])
    years, values = mat.years, mat.values
    horizons = [int(h) for h in horizons]
    counts = np.cumsum(~np.isnan(values), axis=1)  # figures up to each origin
    cols: dict[int, dict[int, int]] = {}
    eligible: dict[int, np.ndarray] = {}
    for o, origin in enumerate(years):
        at = {h: int(np.searchsorted(years, origin + h)) for h in horizons}
        hs = {h: c for h, c in at.items() if c < len(years) and years[c] == origin + h}
        scored = np.zeros(len(values), bool)
        for c in hs.values():
            scored |= ~np.isnan(values[:, c])
        rows = np.flatnonzero(~np.isnan(values[:, o]) & (counts[:, o] >= 2) & scored)
        if len(rows):
            cols[o], eligible[o] = hs, rows
    frames = []
    for model in models:
        picked = {o: rows[counts[rows, o] >= MIN_POINTS[model]] for o, rows in eligible.items()}
        if model == "cagr2":
            picked = {o: rows[counts[rows, o] == 2] for o, rows in picked.items()}
        if model in _SLOW:  # one reproducible sample of (series, origin) pairs per model
            picked = _sample(
                picked, max_fits, np.random.default_rng([seed, BACKTEST_MODELS.index(model)])
            )
        for o, use in picked.items():
            if len(use) == 0:
                continue
            train = values[use].copy()
            train[:, o + 1 :] = np.nan
            # closed forms per horizon (ESCAP weights use T = origin + h); statsmodels fits once
            batches = [[h] for h in cols[o]] if model not in _SLOW else [list(cols[o])]
            for ahead in batches:
                t_new = np.broadcast_to(years[o] + np.array(ahead, float), (len(use), len(ahead)))
                fc = run_model(train, years, t_new, model, target_t=t_new[:, -1])
                for j, h in enumerate(ahead):
                    frames.append(_cases(mat, use, o, h, cols[o][h], model, counts[:, o], fc, j))
    if not frames:
        return pd.DataFrame(columns=CASE_COLUMNS)
    cases = pd.concat(frames, ignore_index=True)
    return cases[np.isfinite(cases["mean"])].reset_index(drop=True)


def _sample(
    picked: dict[int, np.ndarray], size: int, rng: np.random.Generator
) -> dict[int, np.ndarray]:
    """At most ``size`` (series, origin) pairs drawn evenly from all of them."""
    pairs = [(o, r) for o, rows in picked.items() for r in rows]
    if len(pairs) <= size:
        return picked
    keep = sorted(rng.choice(len(pairs), size, replace=False))
    out: dict[int, list[int]] = {}
    for i in keep:
        out.setdefault(pairs[i][0], []).append(int(pairs[i][1]))
    return {o: np.array(rows) for o, rows in out.items()}


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


CASE_KEY = ["park_id", "indicator", "origin", "horizon"]


def _scored(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases with their absolute percentage error and whether each band held the outcome."""
    return cases.assign(
        ape=(cases["mean"] - cases["actual"]).abs() / cases["actual"].abs() * 100,
        in80=(cases["lo80"] <= cases["actual"]) & (cases["actual"] <= cases["hi80"]),
        in95=(cases["lo95"] <= cases["actual"]) & (cases["actual"] <= cases["hi95"]),
        has_band=cases["lo80"].notna(),
    )


def summarise(cases: pd.DataFrame) -> pd.DataFrame:
    """Per model and horizon: forecasts, series, coverage 80/95 %, MdAPE and skill vs naive."""
    if cases.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    c = _scored(cases)
    key = CASE_KEY
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


class ModelChoice(NamedTuple):
    """The model a backtest supports and why (a :class:`Reason`: code and numbers)."""

    model: str
    why: Reason


def choose_model(cases: pd.DataFrame, candidates: Iterable[str] | None = None) -> ModelChoice:
    """The model a backtest supports, and why.

    ``cases`` come from :func:`backtest_cases`. Candidates need at least :data:`MIN_FORECASTS`
    forecasts, 80 % coverage of 70–90 % and 95 % coverage of at least 88 % (honest bands). The
    calibrated candidates are then compared on the same forecasts — the (series, origin, horizon)
    cases every one of them made, dropping the candidate with the fewest forecasts until at least
    :data:`MIN_FORECASTS` are shared — and the lowest median absolute percentage error wins.
    Otherwise the current default stays. ``why.code`` is ``chosen`` (with cov80, cov95, shared,
    mdape and the others' MdAPE), ``too_few_forecasts`` or ``none_calibrated``.
    """
    pool = list(candidates or CANDIDATES)
    c = _scored(cases[cases["model"].isin(pool)]) if len(cases) else _scored(cases)
    banded = c[c["has_band"]]
    per = pd.DataFrame(
        {
            "forecasts": c.groupby("model").size(),
            "cov80": banded.groupby("model")["in80"].mean() * 100,
            "cov95": banded.groupby("model")["in95"].mean() * 100,
        }
    )
    enough = per[per["forecasts"] >= MIN_FORECASTS]
    if enough.empty:
        why = Reason("too_few_forecasts", {"needed": MIN_FORECASTS, "model": DEFAULT_MODEL})
        return ModelChoice(DEFAULT_MODEL, why)
    calibrated = enough[enough["cov80"].between(70, 90) & (enough["cov95"] >= 88)]
    if calibrated.empty:
        return ModelChoice(DEFAULT_MODEL, Reason("none_calibrated", {"model": DEFAULT_MODEL}))
    names = calibrated.sort_values("forecasts", ascending=False).index.tolist()
    keyed = c.set_index(CASE_KEY)

    def shared_by(models: list[str]) -> pd.Index:
        index = keyed[keyed["model"] == models[0]].index
        for name in models[1:]:
            index = index.intersection(keyed[keyed["model"] == name].index)
        return index

    shared = shared_by(names)
    while len(names) > 1 and len(shared) < MIN_FORECASTS:
        names.pop()  # the candidate with the fewest forecasts
        shared = shared_by(names)
    common = keyed[keyed.index.isin(shared) & keyed["model"].isin(names)]
    mdape = common.groupby("model")["ape"].median()
    best = str(mdape.idxmin())
    row = calibrated.loc[best]
    return ModelChoice(
        best,
        Reason(
            "chosen",
            {
                "model": best,
                "cov80": float(row["cov80"]),
                "cov95": float(row["cov95"]),
                "shared": len(shared),
                "mdape": float(mdape[best]),
                "others": {str(m): float(v) for m, v in mdape.drop(best).items()},
            },
        ),
    )
