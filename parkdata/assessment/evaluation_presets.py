"""Weighting presets and size tiers of the comprehensive evaluation (``data/evaluation.yaml``),
checked by the one validator (:mod:`parkdata.contract.schema`).

>>> sorted(PRESETS)
['mofcom', 'muju']
>>> [d.weight for d in PRESETS["mofcom"].dimensions]
[30.0, 30.0, 15.0, 15.0, 10.0]
>>> size_tier(pd.Series([1000.0, 999.9, 49.0, None])).tolist()
['t1000', 't500', 'below50', nan]
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from parkdata.contract.schema import entries, packaged_text, read_yaml, unique_codes

ORIGIN = "evaluation.yaml"
TIER_UNIT = "亿元"
"""The unit of the size tiers' bounds."""
TIER_INDICATORS = ("operating_revenue", "main_business_revenue", "industrial_output")
"""Size measures for :func:`size_tier`, in order of preference (营业收入, 主营业务收入, 工业总产值)."""


class Dimension(BaseModel):
    """One first-level dimension of a preset: its weight and the indicator codes measuring it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    weight: float
    indicators: tuple[str, ...]


class Preset(BaseModel):
    """A named weighting: dimensions whose weight is split evenly across their indicators.

    An indicator no park in scope reports is dropped (its dimension's weight goes to the rest of
    the dimension); a dimension with no data at all has its weight re-spread over the other
    dimensions in proportion to theirs. Both are reported in ``attrs["notes"]``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    source: str
    note: str = ""
    dimensions: tuple[Dimension, ...]

    @property
    def name(self) -> str:
        """The preset's code (``evaluate(panel, weights=preset.name)``)."""
        return self.code

    def nominal_weights(self) -> pd.DataFrame:
        """indicator (index) → dimension, weight (shares summing to 1)."""
        total = sum(d.weight for d in self.dimensions)
        rows = [
            (code, d.code, d.weight / len(d.indicators) / total)
            for d in self.dimensions
            for code in d.indicators
        ]
        frame = pd.DataFrame(rows, columns=["indicator", "dimension", "weight"])
        return frame.groupby("indicator", sort=False).agg(
            dimension=("dimension", "first"), weight=("weight", "sum")
        )


class Tier(BaseModel):
    """A size tier: its code, names and lower bound in 亿元 (inclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    lower: float


@cache
def _read() -> tuple[dict[str, Preset], tuple[Tier, ...]]:
    data = read_yaml(packaged_text(ORIGIN), ORIGIN)
    presets = entries(data, "presets", Preset, ORIGIN)
    tiers = tuple(entries(data, "size_tiers", Tier, ORIGIN))
    unique_codes(presets, "preset", ORIGIN)
    unique_codes(tiers, "size tier", ORIGIN)
    return {p.code: p for p in presets}, tiers


PRESETS: Mapping[str, Preset] = MappingProxyType(_read()[0])
"""Preset code → :class:`Preset` (``evaluate(panel, weights="mofcom")``)."""
TIERS: tuple[Tier, ...] = _read()[1]
"""Size tiers, largest first (the last one takes everything below the others)."""


def size_tier(values: pd.Series) -> pd.Series:
    """Size tier code of revenues in 亿元 (bounds inclusive: 1000 → t1000, 999.9 → t500); a
    missing value gives a missing tier."""
    x = pd.to_numeric(values, errors="coerce").astype(float)
    codes = np.select(
        [x >= tier.lower for tier in TIERS[:-1]] + [x.notna()],
        [tier.code for tier in TIERS],
        default="",
    )
    return pd.Series(codes, index=values.index, dtype=object).replace("", np.nan)
