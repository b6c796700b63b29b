"""Trend projections for every park × indicator of a panel: ``pkd.project(panel)`` → tidy frame.

The series are the year-end levels (:func:`parkdata.series.levels.year_end_levels`), reported or
derived, cut at ``as_of``. Each series is projected from the year after its last figure to ``to``
(or ``horizon`` years ahead) by the vectorised engine (:mod:`parkdata.projection.engine`);
``ets_damped`` and ``arima`` go through statsmodels series by series
(:mod:`parkdata.projection.reference`). ``model="default"`` picks per indicator from the model
table (:mod:`parkdata.projection.model_table`): logit for shares, linear for scores, and the
backtest's choice for levels. Series with exactly two figures get the ``cagr2`` path with its
stated prior band; a single figure gets no projection.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from parkdata.contract.indicator_catalog import Catalog, find_indicators
from parkdata.contract.panel import Panel
from parkdata.contract.registry import find_parks
from parkdata.contract.vocab import MODELS
from parkdata.errors import ArgumentError
from parkdata.projection.engine import Forecast, forecast
from parkdata.projection.matrix import SeriesMatrix, positive_rows
from parkdata.projection.model_table import CLOSED_FORM_MODELS, MIN_POINTS, series_models
from parkdata.projection.reference import fit_series
from parkdata.series.levels import cut_at, values_as_of, year_end_levels

PROJECT_COLUMNS = [
    "park_id",
    "indicator",
    "period",
    "model",
    "mean",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "n_points",
    "df",
    "last_period",
    "last_value",
]


def run_model(
    values: np.ndarray,
    years: np.ndarray,
    t_new: np.ndarray,
    model: str,
    target_t: np.ndarray | None = None,
) -> Forecast:
    """One model over every row (at least one): the vectorised engine, or statsmodels row by row."""
    if model in CLOSED_FORM_MODELS:
        return forecast(values, years, t_new, model, target_t=target_t)
    t_rows = np.broadcast_to(np.atleast_2d(t_new), (values.shape[0], np.shape(t_new)[-1]))
    rows = [fit_series(values[i], years, t_rows[i], model) for i in range(values.shape[0])]
    arrays = [f for f in Forecast.__dataclass_fields__ if f not in ("model", "transform")]
    stacked = {f: np.concatenate([getattr(r, f) for r in rows]) for f in arrays}
    return Forecast(model=model, transform=rows[0].transform, **stacked)


def _kinds(catalog: Catalog) -> dict[str, str]:
    return {ind.code: ind.kind for ind in catalog}


def project(
    panel: Panel,
    model: str | Iterable[str] = "default",
    to: int | None = None,
    horizon: int = 3,
    as_of: str | None = None,
    park: str | Iterable[str] | None = None,
    indicators: Iterable[str] | None = None,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Projections for every park × indicator: one row per series, model and projected year.

    Years run from the year after each series' last figure to ``to`` (default: ``horizon`` years
    after it). ``model`` is ``"default"``, one of the models of vocab.yaml, or several.
    ``values`` (from :func:`~parkdata.series.levels.values_as_of`, already cut at as_of) saves
    computing them again.

    >>> import parkdata as pkd
    >>> table = pkd.project(pkd.load(), park="wuhan_donghu_hitech", indicators=["gdp"], to=2025)
    >>> table[["period", "model"]].iloc[0].tolist(), int(table["n_points"].iloc[0])
    (['2023', 'loglinear'], 4)
    """
    models = [model] if isinstance(model, str) else list(model)
    unknown = set(models) - set(MODELS) - {"default"}
    if unknown:
        raise ArgumentError(
            f"unknown model(s) {sorted(unknown)}; choose from {', '.join(MODELS)} or default"
        )
    park = find_parks(panel, park)
    indicators = find_indicators(panel.catalog, indicators)
    if values is None:
        values = values_as_of(panel, as_of=as_of, indicators=indicators)
    elif as_of is not None:
        values = cut_at(values, as_of)
    levels = year_end_levels(values, park=park, indicators=indicators)
    if levels.empty:
        return pd.DataFrame(columns=PROJECT_COLUMNS)
    mat = SeriesMatrix.from_frame(levels, ["park_id", "indicator"])
    n = (~np.isnan(mat.values)).sum(axis=1)
    last_idx = mat.values.shape[1] - 1 - np.argmax(~np.isnan(mat.values[:, ::-1]), axis=1)
    last_year = mat.years[last_idx]
    last_value = mat.values[np.arange(len(n)), last_idx]
    end = np.full(len(n), float(to)) if to is not None else last_year + horizon
    steps = int(max(0.0, np.max(end - last_year))) if len(n) else 0
    if steps == 0:
        return pd.DataFrame(columns=PROJECT_COLUMNS)
    t_new = last_year[:, None] + np.arange(1, steps + 1)[None, :]
    kind = mat.keys["indicator"].map(_kinds(panel.catalog)).to_numpy()
    positive = positive_rows(mat.values)
    frames = []
    done: dict[str, np.ndarray] = {}  # rows already projected by each model (no duplicates)
    for name in dict.fromkeys(models):
        chosen = series_models(kind, n, positive, name)
        for m in pd.unique(chosen[chosen != None]):  # noqa: E711
            wanted = (chosen == m) & (n >= MIN_POINTS[m]) & ~done.get(m, np.zeros(len(n), bool))
            rows = np.flatnonzero(wanted)
            if len(rows) == 0:
                continue
            done[m] = done.get(m, np.zeros(len(n), bool)) | wanted
            fc = run_model(mat.values[rows], mat.years, t_new[rows], m, target_t=end[rows])
            frames.append(_tidy(mat, rows, fc, last_year, last_value, end))
    if not frames:
        return pd.DataFrame(columns=PROJECT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["park_id", "indicator", "model", "period"]).reset_index(drop=True)


def _tidy(
    mat: SeriesMatrix,
    rows: np.ndarray,
    fc: Forecast,
    last_year: np.ndarray,
    last_value: np.ndarray,
    end: np.ndarray,
) -> pd.DataFrame:
    """Forecast arrays → tidy rows, keeping only years up to each series' end."""
    h = fc.mean.shape[1]
    rep = np.repeat(rows, h)
    t = fc.t.reshape(-1)
    frame = pd.DataFrame(
        {
            "park_id": mat.keys["park_id"].to_numpy()[rep],
            "indicator": mat.keys["indicator"].to_numpy()[rep],
            "period": t.astype(int).astype(str),
            "model": fc.model,
            "mean": fc.mean.reshape(-1),
            "lo80": fc.lo80.reshape(-1),
            "hi80": fc.hi80.reshape(-1),
            "lo95": fc.lo95.reshape(-1),
            "hi95": fc.hi95.reshape(-1),
            "n_points": np.repeat(fc.n, h),
            "df": fc.df.reshape(-1),
            "last_period": last_year[rep].astype(int).astype(str),
            "last_value": last_value[rep],
        }
    )
    return frame[(t <= end[rep] + 1e-9) & np.isfinite(frame["mean"].to_numpy())]
