"""Per-series projections with statsmodels: the reference the vectorised engine must equal, and the
models that have no closed form (damped-trend ETS, ARIMA).

:func:`fit_series` takes one series (values, times) and returns a one-row
:class:`~parkdata.trend.Forecast`, like :func:`parkdata.trend.forecast`:

* ``loglinear`` / ``weighted`` / ``linear`` / ``logit``: ``OLS`` / ``WLS`` and
  ``get_prediction(...).summary_frame(alpha)`` (``obs_ci_*``), back-transformed.
* ``ets_damped``: ``ETSModel(ln y, error="add", trend="add", damped_trend=True)``; exact
  normal prediction intervals (statsmodels ``get_prediction``). On 5–10 annual figures its
  variance often collapses and damping dominates: a conservative scenario, not the default.
* ``arima``: ``ARIMA(ln y, order=(1, 1, 0), trend="t")`` (AR(1) on the growth rate, with drift),
  from :data:`MIN_POINTS` ``["arima"]`` figures on a regular yearly grid.

Sources: statsmodels 0.15 documentation (regression prediction, ``ETSModel``, ``ARIMA``);
docs/methods.md §4.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from parkdata.projection.engine import LEVELS, Forecast, from_scale, t_quantile, to_scale
from parkdata.projection.model_table import MIN_POINTS, STATSMODELS_MODELS, TRANSFORMS

FITTED_MODELS = ("loglinear", "weighted", "linear", "logit", *STATSMODELS_MODELS)
"""Models :func:`fit_series` fits (the regressions, as the engine's reference, and the
state-space models only statsmodels has)."""


def _empty(model: str, t_new: np.ndarray, n: int) -> Forecast:
    nan = np.full((1, t_new.size), np.nan)
    return Forecast(
        model, TRANSFORMS[model], t_new[None, :], nan, nan, nan, nan, nan, nan, nan, nan,
        np.array([n]), np.array([np.nan]),
    )  # fmt: skip


def _pack(
    model: str, t_new: np.ndarray, n: int, loc: np.ndarray, var: np.ndarray, df: float, slope: float
) -> Forecast:
    transform = TRANSFORMS[model]
    scale = np.sqrt(var)
    dfa = np.full(loc.shape, df)
    bands = {}
    for level in LEVELS:
        q = t_quantile(0.5 + level / 2, dfa)
        lo, hi = from_scale(loc - q * scale, transform), from_scale(loc + q * scale, transform)
        bands[level] = (lo[None, :], hi[None, :])
    return Forecast(
        model=model,
        transform=transform,
        t=t_new[None, :],
        mean=from_scale(loc, transform)[None, :],
        lo80=bands[0.80][0],
        hi80=bands[0.80][1],
        lo95=bands[0.95][0],
        hi95=bands[0.95][1],
        loc=loc[None, :],
        scale=scale[None, :],
        df=dfa[None, :],
        n=np.array([n]),
        slope=np.array([slope]),
    )


def fit_series(
    y: np.ndarray,
    t: np.ndarray,
    t_new: np.ndarray,
    model: str = "loglinear",
    target_t: float | None = None,
) -> Forecast:
    """One series through statsmodels; NaN values are dropped. See the module docstring."""
    # heavy: statsmodels takes about 2.5 s to import, and only these fits need it
    import statsmodels.api as sm

    if model not in FITTED_MODELS:
        raise ValueError(f"model must be one of {FITTED_MODELS}, not {model!r}")
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    t_new = np.atleast_1d(np.asarray(t_new, dtype=float))
    keep = ~np.isnan(y)
    y, t = y[keep], t[keep]
    z = to_scale(y, TRANSFORMS[model])
    n = int(y.size)
    if n < MIN_POINTS[model] or np.isnan(z).any():
        return _empty(model, t_new, n)
    if model in STATSMODELS_MODELS:
        return _state_space(model, z, t, t_new)
    X = sm.add_constant(t, has_constant="add")
    if model == "weighted":
        big_t = t_new.max() if target_t is None else float(target_t)
        w = (big_t - t.min()) / (big_t - t)
        res = sm.WLS(z, X, weights=w / w.mean()).fit()
    else:
        res = sm.OLS(z, X).fit()
    pred = res.get_prediction(sm.add_constant(t_new, has_constant="add"))
    var = pred.var_pred_mean + res.scale
    return _pack(model, t_new, n, pred.predicted_mean, var, res.df_resid, res.params[1])


def _state_space(model: str, z: np.ndarray, t: np.ndarray, t_new: np.ndarray) -> Forecast:
    """Damped-trend ETS or ARIMA on a regular yearly grid; normal predictive distribution."""
    # heavy: statsmodels (see fit_series)
    from statsmodels.tsa.arima.model import ARIMA
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    n = z.size
    if not np.allclose(np.diff(t), 1.0):
        return _empty(model, t_new, n)  # both models need consecutive years
    steps = np.rint(t_new - t[-1]).astype(int)
    if (steps < 1).any():
        return _empty(model, t_new, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if model == "ets_damped":
            series = pd.Series(z)  # statsmodels 0.15's get_prediction needs an index
            res = ETSModel(series, error="add", trend="add", damped_trend=True).fit(disp=False)
            pred = res.get_prediction(start=n, end=n + int(steps.max()) - 1)
            mean, var = np.asarray(pred.predicted_mean), np.asarray(pred.var_pred_mean)
            slope = float(res.params[list(res.param_names).index("initial_trend")])
        else:
            res = ARIMA(z, order=(1, 1, 0), trend="t").fit()
            fc = res.get_forecast(int(steps.max()))
            mean, var = np.asarray(fc.predicted_mean), np.asarray(fc.var_pred_mean)
            slope = float(res.params[0])
    return _pack(model, t_new, n, mean[steps - 1], var[steps - 1], np.inf, slope)


__all__ = ["FITTED_MODELS", "fit_series"]
