"""Vectorised trend projections: closed-form fits for every series at once (no loop per series).

A panel of series is a matrix ``y`` (series × time, NaN where a year is missing) on a common time
grid ``t`` (years). :func:`forecast` fits one model to every row and returns, for the times asked,
the point path, 80 % and 95 % prediction intervals and the predictive distribution (Student t on
the model's scale), from which :func:`prob_meet` gives the chance a target is met.

Models (docs/methods.md §3–4, docs/projections.md):

* ``loglinear`` — OLS of ln y on t; the predictive distribution of ln y_T is Student t with n−2
  df and scale √(se_mean² + σ²).
* ``weighted`` — the same with ESCAP recency weights w_i = (T − t_min)/(T − t_i), T the target
  time, normalised to mean 1 so σ² is the noise of an average point (statsmodels WLS with
  ``get_prediction`` at weight 1).
* ``linear`` — OLS of y on t (for scores and quantities that can be negative).
* ``logit`` — OLS of logit(y/100) on t, for shares in %: the path and bands stay in (0, 100).
* ``naive`` — the last growth rate carried forward (the yardstick). Its error is that of a growth
  rate following a random walk: the variance of the changes in growth from year to year,
  σ_η², times h(h+1)(2h+1)/6 at h years ahead, Student t with n−2 df.
* ``cagr2`` — for a series with exactly two figures: their CAGR carried forward, with a band
  from a stated prior (:data:`PRIOR_GROWTH_SD` per year on the growth, normal): sd = s·√(1+h²).

Series with fewer than two figures get no projection; regressions need three (one degree of
freedom). Each result records ``n`` (figures used) and ``df``. The point path is the predictive
median on the original scale (exp of the mean of ln y), which is what the intervals surround.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from parkdata.projection.model_table import CLOSED_FORM_MODELS, TRANSFORMS, Transform

PRIOR_GROWTH_SD = 0.10
"""Stated prior for two-figure series: sd of the yearly growth (log scale) around their CAGR."""
SHARE_CLIP = 1e-3
"""Shares are clipped to [0.1 %, 99.9 %] before the logit (a reported 100 % would be infinite)."""
LEVELS = (0.80, 0.95)


@dataclass(frozen=True)
class Forecast:
    """Forecasts of S series at H times; arrays are (S, H) unless noted.

    ``loc``/``scale``/``df`` describe the predictive distribution on the model's scale
    (``transform``): Student t with ``df`` degrees of freedom (``inf`` = normal).
    """

    model: str
    transform: Transform
    t: np.ndarray
    mean: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray
    loc: np.ndarray
    scale: np.ndarray
    df: np.ndarray
    n: np.ndarray  # (S,) figures used
    slope: np.ndarray  # (S,) per year on the model's scale (ln y: log growth)


def to_scale(y: np.ndarray, transform: Transform) -> np.ndarray:
    """Values on the model's scale; NaN where the transform is undefined (ln of y ≤ 0)."""
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "log":
            out = np.full(y.shape, np.nan)
            return np.log(y, out=out, where=y > 0)
        if transform == "logit":
            p = np.clip(y / 100.0, SHARE_CLIP, 1 - SHARE_CLIP)
            return np.where((y >= 0) & (y <= 100), special.logit(p), np.nan)
    return y


def from_scale(z: np.ndarray, transform: Transform) -> np.ndarray:
    """Inverse of :func:`to_scale`."""
    if transform == "log":
        with np.errstate(over="ignore"):
            return np.exp(z)
    if transform == "logit":
        return special.expit(z) * 100.0
    return z


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique with inverse, short-cut when every value is the same (the usual panel)."""
    if values.size and values.min() == values.max():
        return values[:1], np.zeros(values.shape, dtype=int)
    return np.unique(values, return_inverse=True)


def t_quantile(q: float, df: np.ndarray) -> np.ndarray:
    """Student t quantile for an array of df (inf = normal), computed once per distinct df."""
    df = np.asarray(df, dtype=float)
    out = np.full(df.shape, np.nan)
    ok = df > 0
    if ok.any():
        uniq, inv = _distinct(df[ok])
        finite = np.where(np.isinf(uniq), 1.0, uniq)
        vals = np.where(np.isinf(uniq), special.ndtri(q), special.stdtrit(finite, q))
        out[ok] = vals[inv]
    return out


def _t_cdf_integer(x: np.ndarray, nu: int) -> np.ndarray:
    """Student t CDF for an integer df by the finite series of Abramowitz & Stegun 26.7.3–4
    (exact; about five times faster than ``scipy.special.stdtr``, equal to it within 1e-15)."""
    theta = np.arctan(x / np.sqrt(nu))
    c2, sin = np.cos(theta) ** 2, np.sin(theta)
    if nu % 2 == 0:
        term, acc = np.ones_like(x), np.ones_like(x)
        for k in range(1, nu // 2):
            term = term * c2 * ((2 * k - 1) / (2 * k))
            acc += term
        a = sin * acc
    elif nu == 1:
        a = theta * (2 / np.pi)
    else:
        cos = np.sqrt(c2)
        term, acc = cos.copy(), cos.copy()
        for k in range(1, (nu - 1) // 2):
            term = term * c2 * ((2 * k) / (2 * k + 1))
            acc += term
        a = (2 / np.pi) * (theta + sin * acc)
    return 0.5 + 0.5 * a


def t_cdf(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Student t CDF, elementwise (inf df = normal); integer df up to 100 in closed form."""
    x, df = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(df, dtype=float))
    shape = x.shape
    x, df = x.reshape(-1), df.reshape(-1)
    out = np.full(x.shape, np.nan)
    known = ~np.isnan(df)
    for nu in _distinct(df[known])[0]:
        sel = (df == nu) if not known.all() or df.min() != df.max() else slice(None)
        if np.isinf(nu):
            out[sel] = special.ndtr(x[sel])
        elif nu == int(nu) and 1 <= nu <= 100:
            out[sel] = _t_cdf_integer(x[sel], int(nu))
        else:
            out[sel] = special.stdtr(nu, x[sel])
    return out.reshape(shape)


def _compress(z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed figures moved to the front of each row (order kept): z, t and the count n."""
    mask = ~np.isnan(z)
    order = np.argsort(~mask, axis=1, kind="stable")
    zc = np.take_along_axis(z, order, axis=1)
    tc = np.take_along_axis(np.broadcast_to(t, z.shape), order, axis=1)
    n = mask.sum(axis=1)
    keep = np.arange(z.shape[1])[None, :] < n[:, None]
    return np.where(keep, zc, np.nan), np.where(keep, tc, np.nan), n


def _pick(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """a[s, idx[s]] with NaN where idx < 0."""
    safe = np.clip(idx, 0, a.shape[1] - 1)
    return np.where(idx >= 0, np.take_along_axis(a, safe[:, None], axis=1)[:, 0], np.nan)


def _regression(
    z: np.ndarray, t: np.ndarray, t_new: np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least squares of z on t per row: loc, predictive scale, df, n, slope.

    Sums are matrix–vector products on a centred time grid; one pass for the residuals.
    """
    mask = ~np.isnan(z)
    t0 = t.mean() if t.size else 0.0
    tc = t - t0
    if weights is None and mask.all():
        return _ols_complete(z, tc, t_new - t0)
    n = mask.sum(axis=1)
    w = mask.astype(float) if weights is None else np.where(mask, weights, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if weights is not None:
            w *= (n / w.sum(axis=1))[:, None]  # mean weight 1 over the figures used
        zz = np.where(mask, z, 0.0)
        sw = w.sum(axis=1)
        wz = w * zz
        tbar = (w @ tc) / sw
        zbar = wz.sum(axis=1) / sw
        sxx = w @ (tc * tc) - sw * tbar * tbar
        slope = (wz @ tc - sw * tbar * zbar) / sxx
        resid = zz - (zbar - slope * tbar)[:, None] - slope[:, None] * tc[None, :]
        df = (n - 2).astype(float)
        sigma2 = np.einsum("ij,ij->i", w * resid, resid) / df
        d_new = (t_new - t0) - tbar[:, None]
        loc = zbar[:, None] + slope[:, None] * d_new
        se_mean2 = sigma2[:, None] * (1.0 / sw[:, None] + d_new * d_new / sxx[:, None])
        scale = np.sqrt(se_mean2 + sigma2[:, None])
    bad = (df < 1) | ~(sxx > 1e-12)
    loc[bad], scale[bad], slope[bad] = np.nan, np.nan, np.nan
    scale[_exact(sigma2, zbar)] = np.nan
    return loc, scale, np.where(bad, np.nan, df), n, slope


def _exact(sigma2: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Rows whose figures lie on the line to rounding (σ ≤ 1e-9 of the level, e.g. 5, 5, 5):
    a zero-width band would claim certainty, so such rows get no band and no probability."""
    with np.errstate(invalid="ignore"):
        return sigma2 <= (1e-9 * np.maximum(np.abs(level), 1.0)) ** 2


def _ols_complete(
    z: np.ndarray, tc: np.ndarray, d_new: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_regression` for unweighted rows with no gap (the common case), on a centred grid."""
    s, length = z.shape
    sxx = float(tc @ tc)
    zbar = z.mean(axis=1)
    slope = (z @ tc) / sxx if sxx > 0 else np.full(s, np.nan)
    resid = z - zbar[:, None] - slope[:, None] * tc[None, :]
    df = np.full(s, float(length - 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma2 = np.einsum("ij,ij->i", resid, resid) / df
    loc = zbar[:, None] + slope[:, None] * d_new
    scale = np.sqrt(sigma2[:, None] * (1.0 + 1.0 / length + d_new * d_new / sxx))
    scale[_exact(sigma2, zbar)] = np.nan
    if length < 3 or not sxx > 0:
        nan = np.full(s, np.nan)
        return np.full(loc.shape, np.nan), np.full(loc.shape, np.nan), nan, np.full(s, length), nan
    return loc, scale, df, np.full(s, length), slope


def _growth_paths(
    z: np.ndarray, t: np.ndarray, t_new: np.ndarray, model: str, prior_sd: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """naive (last growth, random-walk growth error) and cagr2 (two figures, stated prior)."""
    zc, tc, n = _compress(z, t)
    last = n - 1
    z_n, t_n = _pick(zc, last), _pick(tc, last)
    if model == "cagr2":
        z_0, t_0 = zc[:, 0], tc[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            g = (z_n - z_0) / (t_n - t_0)
        h = t_new - t_n[:, None]
        scale = prior_sd * np.sqrt(1.0 + h * h)
        df = np.where(n == 2, np.inf, np.nan)
        ok = n == 2
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            growth = np.diff(zc, axis=1) / np.diff(tc, axis=1)  # growth per year between figures
            g = _pick(growth, last - 1)
            change = np.diff(growth, axis=1)
            m = np.maximum(n - 2, 0)
            sig2 = np.nansum(change * change, axis=1) / m
        h = t_new - t_n[:, None]
        sig2 = np.where(_exact(sig2, z_n), np.nan, sig2)
        scale = np.sqrt(sig2[:, None] * h * (h + 1) * (2 * h + 1) / 6.0)
        df = np.where(n >= 3, (n - 2).astype(float), np.nan)
        scale = np.where(n[:, None] >= 3, scale, np.nan)
        ok = n >= 2
    loc = z_n[:, None] + g[:, None] * (t_new - t_n[:, None])
    loc = np.where(ok[:, None], loc, np.nan)
    scale = np.where(ok[:, None], scale, np.nan)
    return loc, scale, df, n, np.where(ok, g, np.nan)


def forecast(
    y: np.ndarray,
    t: np.ndarray,
    t_new: np.ndarray,
    model: str = "loglinear",
    target_t: np.ndarray | float | None = None,
    prior_sd: float = PRIOR_GROWTH_SD,
) -> Forecast:
    """Fit ``model`` to every row of ``y`` (S × L on times ``t``) and forecast at ``t_new``.

    ``t_new`` is (H,) or (S, H). ``target_t`` sets T in the ESCAP weights (default: each row's
    last ``t_new``). A row whose values the model's scale cannot take (ln of a value ≤ 0, a share
    outside 0–100) or with too few figures gets NaN.

    >>> import numpy as np
    >>> fc = forecast(np.array([[18.0, 20.5, 22.0, 24.5, 26.0]]), np.arange(2019, 2024), [2025])
    >>> round(float(fc.mean[0, 0]), 1), round(float(np.expm1(fc.slope[0])), 4)
    (31.7, 0.0957)
    """
    if model not in CLOSED_FORM_MODELS:
        raise ValueError(f"model must be one of {CLOSED_FORM_MODELS}, not {model!r}")
    transform = TRANSFORMS[model]
    y = np.atleast_2d(np.asarray(y, dtype=float))
    t = np.asarray(t, dtype=float)
    t_new = np.asarray(t_new, dtype=float)
    if t_new.ndim < 2:
        t_new = np.broadcast_to(np.atleast_1d(t_new), (y.shape[0], t_new.size))
    z = to_scale(y, transform)
    z[(np.isnan(z) & ~np.isnan(y)).any(axis=1)] = np.nan  # one value off the scale: no fit
    if model in ("naive", "cagr2"):
        loc, scale, df, n, slope = _growth_paths(z, t, t_new, model, prior_sd)
    else:
        weights = None
        if model == "weighted":
            big_t = t_new.max(axis=1) if target_t is None else np.asarray(target_t, dtype=float)
            big_t = np.broadcast_to(big_t, (y.shape[0],))
            first = np.where(np.isnan(z), np.inf, np.broadcast_to(t, z.shape)).min(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                weights = (big_t - first)[:, None] / (big_t[:, None] - t[None, :])
            weights = np.where(weights > 0, weights, np.nan)
        loc, scale, df, n, slope = _regression(z, t, t_new, weights)
    df2 = np.broadcast_to(df[:, None], loc.shape)
    bands = {}
    for level in LEVELS:
        q = t_quantile(0.5 + level / 2, df)[:, None]
        lo, hi = loc - q * scale, loc + q * scale
        bands[level] = (from_scale(lo, transform), from_scale(hi, transform))
    return Forecast(
        model=model,
        transform=transform,
        t=t_new,
        mean=from_scale(loc, transform),
        lo80=bands[0.80][0],
        hi80=bands[0.80][1],
        lo95=bands[0.95][0],
        hi95=bands[0.95][1],
        loc=loc,
        scale=scale,
        df=df2,
        n=n,
        slope=slope,
    )


def prob_meet(
    loc: np.ndarray,
    scale: np.ndarray,
    df: np.ndarray,
    goal: np.ndarray,
    comparator: np.ndarray | str,
    transform: Transform,
) -> np.ndarray:
    """P(y_T meets the goal) from a Student t predictive distribution on the model's scale.

    ``comparator`` ">=" (higher is better) or "<="; a goal outside the scale's range (≤ 0 on the
    log scale) is met for sure by ">=" and never by "<=". Zero scale gives 0 or 1.

    >>> fc = forecast(np.array([[18.0, 20.5, 22.0, 24.5, 26.0]]), np.arange(2019, 2024), [2025])
    >>> round(float(prob_meet(fc.loc, fc.scale, fc.df, 30.0, ">=", fc.transform)[0, 0]), 3)
    0.9
    """
    loc, scale, df, goal = (np.asarray(a, dtype=float) for a in (loc, scale, df, goal))
    higher = np.asarray(comparator) != "<="
    if transform == "logit":
        zg = special.logit(np.clip(goal / 100.0, SHARE_CLIP, 1 - SHARE_CLIP))
        below = goal <= 0
        above = goal >= 100
    else:
        zg = to_scale(goal, transform)
        below = (goal <= 0) if transform == "log" else np.zeros(np.shape(goal), bool)
        above = np.zeros(np.shape(goal), bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (zg - loc) / scale
        x = np.where(scale > 0, x, np.where(loc >= zg, -np.inf, np.inf))
    p_below = t_cdf(x, df)  # P(y_T < goal)
    p = np.where(higher, 1.0 - p_below, p_below)
    p = np.where(below, np.where(higher, 1.0, 0.0), p)
    p = np.where(above & ~below, np.where(higher, 0.0, 1.0), p)
    undefined = np.isnan(loc) | np.isnan(scale) | np.isnan(goal)
    out = np.where(undefined, np.nan, p)
    return out[()] if out.ndim == 0 else out
