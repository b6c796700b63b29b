"""Progress rules: is a target met, and is the current pace enough? (docs/methods.md §2)

Two published, auditable rules, vectorised over arrays of targets:

* **UNSD progress chart** (UN Statistics Division, SDG progress chart technical note 2023):
  the value expected at the target year if the observed pace continues,
  ``v_e = v_t · (1 + CAGR_obs)^(T − t)``, against the distance to go, ``(v_e − v_b) / (target − v_b)``;
  ≥ 0.95 on track, 0.10–0.95 acceleration needed, < 0.10 stagnation or regression. The ratio is
  direction-free, so it works unchanged for lower-is-better indicators (能耗, 排名).
* **Statistics Canada / Open SDG** (``sdg-build`` ``ProgressMeasure.py``):
  ``R = d · CAGR_obs / |CAGR_req|`` (d = +1 higher-is-better, −1 lower-is-better); ≥ 0.95 on track,
  0.60–0.95 acceleration needed, 0–0.60 limited progress, < 0 deterioration.

>>> round(float(unsd_ratio(18.0, 26.0, (26 / 18) ** 0.25 - 1, 30.0, 2)), 3)
1.104
>>> classify_unsd([1.104, 0.5, -0.2]).tolist()
['on_track', 'needs_acceleration', 'off_track']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from parkdata.contract.vocab import rule

UNSD_THRESHOLDS = (rule("unsd").on_track, rule("unsd").lower)
STATCAN_THRESHOLDS = (rule("statcan").on_track, rule("statcan").lower)


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=float)


def unsd_ratio(base: Any, current: Any, cagr_obs: Any, target: Any, years_left: Any) -> Any:
    """UNSD ratio of expected to required progress (NaN where the target equals the base)."""
    base, current, cagr_obs, target, years_left = map(
        _arr, (base, current, cagr_obs, target, years_left)
    )
    expected = current * np.power(1.0 + cagr_obs, np.maximum(years_left, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(target != base, (expected - base) / (target - base), np.nan)
    return out[()] if out.ndim == 0 else out


def statcan_ratio(cagr_obs: Any, cagr_req: Any, lower_is_better: Any = False) -> Any:
    """StatCan ratio ``d · CAGR_obs / |CAGR_req|`` (NaN where no growth is required)."""
    d = np.where(np.asarray(lower_is_better, dtype=bool), -1.0, 1.0)
    cagr_obs, cagr_req = _arr(cagr_obs), _arr(cagr_req)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(cagr_req != 0, d * cagr_obs / np.abs(cagr_req), np.nan)
    return out[()] if out.ndim == 0 else out


def _classify(ratio: Any, thresholds: tuple[float, float]) -> np.ndarray:
    ratio = _arr(ratio)
    on, low = thresholds
    return np.select(
        [np.isnan(ratio), ratio >= on, ratio >= low],
        ["insufficient_data", "on_track", "needs_acceleration"],
        "off_track",
    )


def classify_unsd(ratio: Any) -> np.ndarray:
    """Status from a UNSD ratio: on_track / needs_acceleration / off_track."""
    return _classify(ratio, UNSD_THRESHOLDS)


def classify_statcan(ratio: Any) -> np.ndarray:
    """Status from a StatCan ratio: on_track / needs_acceleration / off_track."""
    return _classify(ratio, STATCAN_THRESHOLDS)


def meets(value: Any, qualifier: Any, target: Any, comparator: Any) -> np.ndarray:
    """Does a reported value meet a target? 1.0 yes, 0.0 no, NaN cannot tell.

    A bound decides only one way: "突破1000亿" (at_least 1000) meets an 800亿 target but leaves a
    1200亿 one open; "不足50" (at_most 50) fails a ≥ 60 target but leaves a ≥ 40 one open. Approximate
    figures (约) are taken at face value.
    """
    value, target = _arr(value), _arr(target)
    qualifier = pd.Series(np.asarray(qualifier, dtype=object)).fillna("exact").to_numpy()
    higher = np.asarray(comparator, dtype=object) != "<="
    ok = np.where(higher, value >= target, value <= target)
    helps = np.where(higher, qualifier == "at_least", qualifier == "at_most")  # true ≥ printed
    hurts = np.where(higher, qualifier == "at_most", qualifier == "at_least")
    bounded = helps | hurts
    decided = ~bounded | (helps & ok) | (hurts & ~ok)
    out = np.where(decided, ok.astype(float), np.nan)
    return np.where(np.isnan(value) | np.isnan(target), np.nan, out)
