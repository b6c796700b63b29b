"""The 亩均效益 enterprise evaluation as data (``data/enterprise.yaml``): the firm-level inputs and
indicators, the classification rules and the scoring schemes, checked by the one validator
(:mod:`parkdata.contract.schema`).

>>> INDICATORS["tax_per_mu"].zh, INDICATORS["tax_per_mu"].unit
('亩均税收', '万元/亩')
>>> HUANGYAN_2022.weights["tax_per_mu"], [r.column for r in DEFAULT_RULES][:2]
(30.0, ['utility', 'years_in_operation'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from parkdata.contract.enterprise_columns import INPUTS, InputColumn
from parkdata.contract.schema import entries, packaged_text, read_yaml, unique_codes
from parkdata.errors import ArgumentError, SchemaError

__all__ = [
    "DEFAULT_RULES",
    "HUANGYAN_2022",
    "HUANGYAN_2022_BELOW_SCALE",
    "INDICATORS",
    "INPUTS",
    "SCHEMES",
    "SIX_INDICATORS",
    "EfficiencyScheme",
    "FirmIndicator",
    "InputColumn",
    "Rule",
    "check_cutoffs",
]
ORIGIN = "enterprise.yaml"
Method = Literal["benchmark", "minmax"]
Scope = Literal["all", "above_scale", "below_scale"]
Action = Literal["force_D", "not_rated"]


class FirmIndicator(BaseModel):
    """A per-firm indicator: ``numerator × factor / denominator``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    unit: str
    numerator: str
    denominator: str
    factor: float = 1.0


class _RuleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    column: str
    action: Action
    zh: str
    en: str
    below: float | None = None


class _SchemeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    name: str
    scope: Scope = "all"
    method: Method = "benchmark"
    weights: dict[str, float]
    benchmarks: dict[str, float] = {}
    cutoffs: tuple[float, float, float] = (0.20, 0.60, 0.95)
    fill_missing_with_mean: tuple[str, ...] = ()
    source: str = ""
    note_zh: str = ""
    note_en: str = ""


@cache
def _data() -> dict[str, Any]:
    data = read_yaml(packaged_text(ORIGIN), ORIGIN)
    indicators = entries(data, "indicators", FirmIndicator, ORIGIN)
    unique_codes(indicators, "indicator", ORIGIN)
    known = set(INPUTS)  # the inputs are read with the table columns (contract.enterprise_columns)
    for ind in indicators:
        if not {ind.numerator, ind.denominator} <= known:
            raise SchemaError(f"{ORIGIN}: indicator {ind.code} reads an unknown input")
    six = data.get("six_indicators")
    if not isinstance(six, list) or not set(six) <= {i.code for i in indicators}:
        raise SchemaError(f"{ORIGIN}: six_indicators must list indicator codes")
    return {
        "indicators": {i.code: i for i in indicators},
        "six": tuple(six),
        "rules": entries(data, "rules", _RuleEntry, ORIGIN),
        "schemes": entries(data, "schemes", _SchemeEntry, ORIGIN),
    }


INDICATORS: Mapping[str, FirmIndicator] = MappingProxyType(_data()["indicators"])
"""Per-firm indicator code → :class:`FirmIndicator`."""
SIX_INDICATORS: tuple[str, ...] = _data()["six"]
"""Zhejiang's six indicators for 规上 industrial firms (浙政发〔2018〕5号)."""


def check_cutoffs(cutoffs: Sequence[float]) -> tuple[float, float, float]:
    values = tuple(float(c) for c in cutoffs)
    if len(values) != 3 or not 0 < values[0] < values[1] < values[2] <= 1:
        raise ArgumentError(
            f"cut-offs {tuple(cutoffs)} must be three rank shares 0 < A < B < C ≤ 1, "
            "e.g. (0.20, 0.60, 0.95)"
        )
    return values[0], values[1], values[2]


@dataclass(frozen=True)
class EfficiencyScheme:
    """A scoring preset: weights and benchmarks per indicator code, method, cut-offs, scope.

    ``method="benchmark"`` scores ``w * x / B`` (benchmarks are not caps); ``"minmax"`` scores
    ``w * (20 + 80 * (x - min) / (max - min)) / 100`` over the evaluated firms, i.e. those in
    scope and not excluded by a ``not_rated`` rule (benchmarks unused; equal values all get
    ``w``). ``cutoffs`` are the rank shares that end classes A, B and C. ``scope`` limits the
    scheme to 规上 (``"above_scale"``) or 规下 (``"below_scale"``) firms. Indicators in
    ``fill_missing_with_mean`` that a firm lacks are scored the mean score of the evaluated firms
    that have them (黄岩: 规上无排放数据的，单位排放增加值按平均得分赋分). Override with
    :func:`dataclasses.replace`.
    """

    name: str
    weights: Mapping[str, float]
    benchmarks: Mapping[str, float] = field(default_factory=dict)
    method: Method = "benchmark"
    cutoffs: tuple[float, float, float] = (0.20, 0.60, 0.95)
    scope: Scope = "all"
    fill_missing_with_mean: tuple[str, ...] = ()
    source: str = ""
    note_zh: str = ""
    note_en: str = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(INDICATORS))
        if unknown or not self.weights:
            raise ArgumentError(
                f"scheme {self.name!r}: weights name unknown indicators {unknown}; "
                f"use codes from data/enterprise.yaml: {list(INDICATORS)}"
            )
        if not all(np.isfinite(w) and w >= 0 for w in self.weights.values()):
            raise ArgumentError(f"scheme {self.name!r}: weights must be finite numbers ≥ 0")
        if self.method not in ("benchmark", "minmax"):
            raise ArgumentError(f"scheme {self.name!r}: method must be 'benchmark' or 'minmax'")
        if self.method == "benchmark":
            bad = [c for c in self.weights if not self.benchmarks.get(c, 0) > 0]
            if bad:
                raise ArgumentError(
                    f"scheme {self.name!r}: benchmark method needs a benchmark > 0 for {bad}"
                )
        if self.scope not in ("all", "above_scale", "below_scale"):
            raise ArgumentError(
                f"scheme {self.name!r}: scope must be all, above_scale or below_scale"
            )
        stray = sorted(set(self.fill_missing_with_mean) - set(INDICATORS))
        if stray:
            raise ArgumentError(
                f"scheme {self.name!r}: fill_missing_with_mean names unknown indicators {stray}"
            )
        object.__setattr__(self, "cutoffs", check_cutoffs(self.cutoffs))
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "benchmarks", MappingProxyType(dict(self.benchmarks)))
        object.__setattr__(self, "fill_missing_with_mean", tuple(self.fill_missing_with_mean))

    def __hash__(self) -> int:
        return hash(
            (
                self.name,
                tuple(self.weights.items()),
                tuple(self.benchmarks.items()),
                self.method,
                self.cutoffs,
                self.scope,
                self.fill_missing_with_mean,
                self.source,
                self.note_zh,
                self.note_en,
            )
        )


@dataclass(frozen=True)
class Rule:
    """A classification rule as data: when ``column`` fires, ``action`` applies.

    A flag rule (``below=None``) fires where the column is true (True/1/是). A threshold rule fires
    where the number is below ``below`` (a blank never fires). ``label`` is the reason in
    Chinese, ``label_en`` in English (the rule's column when not given).
    """

    column: str
    action: Action
    label: str
    below: float | None = None
    label_en: str = ""

    def __post_init__(self) -> None:
        if self.action not in ("force_D", "not_rated"):
            raise ArgumentError(f"rule on {self.column!r}: action must be 'force_D' or 'not_rated'")


DEFAULT_RULES: tuple[Rule, ...] = tuple(
    Rule(r.column, r.action, r.zh, r.below, r.en) for r in _data()["rules"]
)
"""Not rated: utilities and firms under two years (as 淮安's T类); forced D: banned industry,
failed emission limit, safety incident. Rules whose column is absent do not apply."""
SCHEMES: Mapping[str, EfficiencyScheme] = MappingProxyType(
    {
        s.code: EfficiencyScheme(
            name=s.name,
            weights=s.weights,
            benchmarks=s.benchmarks,
            method=s.method,
            cutoffs=s.cutoffs,
            scope=s.scope,
            fill_missing_with_mean=s.fill_missing_with_mean,
            source=s.source,
            note_zh=s.note_zh,
            note_en=s.note_en,
        )
        for s in _data()["schemes"]
    }
)
"""Scheme code → :class:`EfficiencyScheme` (the schemes of data/enterprise.yaml)."""
HUANGYAN_2022 = SCHEMES["huangyan_2022"]
"""黄岩区 2022年度 规上 scheme: 亩均税收 30, 亩均增加值 20, 单位能耗增加值 20, 单位排放增加值 10,
全员劳动生产率 10, R&D占比 10. Only 亩均 units are certain; the others are assumptions that fit
the magnitudes. Firms without emission data get the mean 单位排放增加值 score."""
HUANGYAN_2022_BELOW_SCALE = SCHEMES["huangyan_2022_below_scale"]
"""黄岩区 2022年度 规下 scheme: 亩均税收 ÷ 11.5932 × 50 + 单位电耗税收 ÷ 0.2352 × 50."""
