"""Series as rows of a matrix on a common grid of years: the shape every projection works on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SeriesMatrix:
    """Series as rows of a matrix on a common grid of years (NaN where a year is missing)."""

    keys: pd.DataFrame  # one row per series: the key columns
    years: np.ndarray
    values: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, key: list[str], time: str = "year") -> SeriesMatrix:
        """Pivot a tidy frame (``key`` columns, ``time``, ``value``) into a matrix."""
        groups = frame.groupby(key, sort=False, dropna=False)
        codes = groups.ngroup().to_numpy()
        years = np.sort(frame[time].unique()) if len(frame) else np.array([], dtype=int)
        col = np.searchsorted(years, frame[time].to_numpy())
        values = np.full((groups.ngroups, len(years)), np.nan)
        values[codes, col] = frame["value"].to_numpy(dtype=float)
        first = np.unique(codes, return_index=True)[1]
        keys = frame[key].iloc[first].reset_index(drop=True)
        return cls(keys, years.astype(float), values)


def positive_rows(values: np.ndarray) -> np.ndarray:
    """True for rows whose every reported value is > 0 (NaN = not reported)."""
    return np.asarray(~(values <= 0).any(axis=1))
