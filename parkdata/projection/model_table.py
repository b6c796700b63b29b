"""The one table of projection models (read from vocab.yaml): their scale, the fewest figures
each is fitted on, which engine runs them, and which model a series gets by default.

>>> model_for("stock"), model_for("share"), model_for("rank")
('loglinear', 'logit', None)
>>> MIN_POINTS["arima"], TRANSFORMS["logit"]
(10, 'logit')
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from parkdata.contract.vocab import vocabulary

Transform = Literal["log", "logit", "identity"]

_TABLE = vocabulary().models
TRANSFORMS: dict[str, Transform] = {m.code: m.transform for m in _TABLE}
MIN_POINTS: dict[str, int] = {m.code: m.min_points for m in _TABLE}
"""Fewest figures each model is fitted on (regressions need one residual degree of freedom)."""
CLOSED_FORM_MODELS = tuple(m.code for m in _TABLE if m.engine == "closed_form")
"""Models of the vectorised engine (:mod:`parkdata.projection.engine`)."""
STATSMODELS_MODELS = tuple(m.code for m in _TABLE if m.engine == "statsmodels")
"""Models fitted series by series through statsmodels (:mod:`parkdata.projection.reference`)."""
BACKTEST_MODELS = tuple(m.code for m in _TABLE if m.backtest)
CANDIDATES = tuple(m.code for m in _TABLE if m.candidate)
"""Models the backtest may choose as the default."""
LOG_MODELS = tuple(m for m, scale in TRANSFORMS.items() if scale == "log")
DEFAULTS = vocabulary().default_models
DEFAULT_MODEL = str(DEFAULTS["level"])
"""Default model for level indicators: the one the backtest supports (docs/projections.md)."""
LEVEL_INDICATOR_KINDS = ("flow", "stock", "count", "ratio")
"""Catalog kinds of level indicators (the default model serves them)."""


def model_for(kind: str | None, model: str = "default") -> str | None:
    """The model a series of this catalog ``kind`` gets (None: not projected, e.g. ranks)."""
    if model != "default":
        return model
    key = "level" if kind in LEVEL_INDICATOR_KINDS or kind is None else kind
    return DEFAULTS.get(key, DEFAULT_MODEL)


def series_models(
    kind: np.ndarray, n: np.ndarray, positive: np.ndarray, model: str = "default"
) -> np.ndarray:
    """The model each series gets (None: not projected).

    A requested model is used as asked. ``"default"`` resolves per indicator kind
    (:func:`model_for`); a series with a value ≤ 0 cannot go on the log scale and gets ``linear``;
    one with exactly two figures gets ``cagr2`` when its model is on the log scale (shares and
    values ≤ 0 are not extrapolated from two figures).
    """
    chosen = np.array([model_for(k, model) for k in kind], dtype=object)
    if model == "default":
        log = np.isin(chosen, LOG_MODELS)
        chosen = np.where(log & ~positive, "linear", chosen)
        chosen = np.where((n == 2) & np.isin(chosen, LOG_MODELS), "cagr2", chosen)
    return chosen
