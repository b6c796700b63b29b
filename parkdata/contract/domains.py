"""Plausibility as data: the values a figure of an indicator can take (``domains`` and
``kind_domains`` in ``data/catalog.yaml``).

A domain has bounds (``min``, ``max``, inclusive), may ask for whole numbers, and may keep values a
little past its maximum with a warning (``max_slack``: a share of 100.4 % is rounding). Every
indicator has one: its own ``domain`` or its kind's. :meth:`Domain.faults` says, value by value,
what is wrong; the input checks turn faults into issues naming file, row and column.

>>> share = Domain(code="share", description="0–100 %", min=0, max=100, max_slack=1, fix="…")
>>> share.faults(np.array([50.0, 100.4, 250.0, -20.0, np.inf])).tolist()
[None, 'above_max_slack', 'above_max', 'below_min', 'not_finite']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from parkdata.contract.schema import entries
from parkdata.errors import CatalogError

FAULTS = ("not_finite", "below_min", "above_max", "not_whole", "above_max_slack")
"""What :meth:`Domain.faults` returns for a value outside its domain; only ``above_max_slack``
is a warning (the value is kept), the others are errors."""
WARNING_FAULTS = frozenset({"above_max_slack"})
_WHOLE_TOLERANCE = 1e-9  # relative: 12000.000000000002 家 is 12000 家


class Domain(BaseModel):
    """One domain of ``catalog.yaml``: what a figure can be, and what to do when it is not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    min: float | None = None
    max: float | None = None
    max_slack: float = Field(default=0.0, ge=0)
    whole: bool = False
    fix: str

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Domain:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        if self.max_slack and self.max is None:
            raise ValueError("max_slack needs a max")
        return self

    @property
    def allows_negative(self) -> bool:
        """True when a figure of this domain may be below zero (a loss, a fall)."""
        return self.min is None or self.min < 0

    def faults(self, values: np.ndarray) -> np.ndarray:
        """Per value: ``None`` when it fits, else the first fault of :data:`FAULTS` that holds
        (missing values fit: they are no figure)."""
        x = np.asarray(values, dtype=float)
        out = np.full(x.shape, None, dtype=object)
        present = ~np.isnan(x)
        finite = np.isfinite(x)
        with np.errstate(invalid="ignore"):
            cases = [(present & ~finite, "not_finite")]
            if self.min is not None:
                cases.append((finite & (x < self.min), "below_min"))
            if self.max is not None:
                cases.append((finite & (x > self.max + self.max_slack), "above_max"))
            if self.whole:
                off = np.abs(x - np.round(x)) > _WHOLE_TOLERANCE * np.maximum(1.0, np.abs(x))
                cases.append((finite & off, "not_whole"))
            if self.max is not None and self.max_slack:
                cases.append((finite & (x > self.max), "above_max_slack"))
        for mask, code in reversed(cases):  # the first case that holds wins
            out[mask] = code
        return out


@dataclass(frozen=True)
class Domains:
    """The domains of a catalog and the domain of each indicator kind."""

    by_code: Mapping[str, Domain]
    by_kind: Mapping[str, str]

    def __getitem__(self, code: str) -> Domain:
        return self.by_code[code]


def read_domains(data: dict[str, Any], origin: str) -> Domains | None:
    """The ``domains`` and ``kind_domains`` sections of a catalog YAML mapping; ``None`` when it
    has neither (an extra catalog uses the shipped domains)."""
    if "domains" not in data and "kind_domains" not in data:
        return None
    items = entries(data, "domains", Domain, origin, CatalogError, "domain")
    by_code = {d.code: d for d in items}
    if len(by_code) != len(items):
        raise CatalogError(f"{origin}: a domain code is declared twice")
    by_kind = data.get("kind_domains")
    if not isinstance(by_kind, dict):
        raise CatalogError(f"{origin}: expected a 'kind_domains:' mapping of kind to domain")
    unknown = sorted({str(d) for d in by_kind.values()} - set(by_code))
    if unknown:
        raise CatalogError(f"{origin}: kind_domains names unknown domains {unknown}")
    if "any" not in by_code:  # the growth of a level that may be negative is any number
        raise CatalogError(f"{origin}: domains lack 'any'")
    return Domains(by_code=by_code, by_kind={str(k): str(v) for k, v in by_kind.items()})
