"""The indicator catalog: indicator metadata declared as data (``data/catalog.yaml``).

Each entry is checked against :class:`Indicator`. Every level indicator ``X`` also gets two growth
variants, ``X_yoy`` (同比增速) and ``X_cagr`` (年均增速), both in %: reported growth rates are
observations of their own and never recomputed from levels. Every indicator has a ``domain`` (the
values its figures can take, :mod:`parkdata.contract.domains`): its own, else its kind's.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parkdata.contract.domains import Domain, Domains, read_domains
from parkdata.contract.formulas import formula_inputs
from parkdata.contract.names import fold_name
from parkdata.contract.schema import entries, packaged_text, read_yaml
from parkdata.contract.units import conversion_factor, is_known_unit, normalize_unit
from parkdata.errors import CatalogError

GROWTH_VARIANTS: dict[str, tuple[str, str, str]] = {
    # suffix: (name_zh suffix, name_en suffix, alias suffixes)
    "yoy": ("同比增速", "year-on-year growth", "增速|增长率|同比增长|同比增速|增幅|同比"),
    "cagr": ("年均增速", "average annual growth", "年均增长|年均增速|年均增长率"),
}


class Indicator(BaseModel):
    """One indicator's metadata (the schema every catalog entry is checked against)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    aliases_zh: tuple[str, ...] = ()
    unit: str
    kind: Literal["flow", "stock", "share", "ratio", "count", "rank", "score", "growth"]
    direction: Literal["higher", "lower"] = "higher"
    agg_time: Literal["sum", "last", "none"] | None = None
    agg_parks: Literal["sum", "none"] | None = None
    formula: str | None = None
    formula_units: dict[str, str] = Field(default_factory=dict)
    description: str
    growth_of: str | None = None
    domain: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """The values its figures can take (a code of the catalog's ``domains``); None: its kind's."""

    @field_validator("unit")
    @classmethod
    def _unit_known(cls, unit: str) -> str:
        if not is_known_unit(unit):
            raise ValueError(f"unknown unit {unit!r}")
        return normalize_unit(unit)

    @model_validator(mode="after")
    def _defaults_and_formula(self) -> Indicator:
        summable = self.kind in ("flow", "count")
        if self.agg_time is None:
            object.__setattr__(self, "agg_time", "sum" if self.kind == "flow" else "none")
        if self.agg_parks is None:
            object.__setattr__(self, "agg_parks", "sum" if summable else "none")
        if self.formula is not None:
            names = formula_inputs(self.formula)
            missing = names - set(self.formula_units)
            if missing:
                raise ValueError(f"formula_units lacks a unit for {sorted(missing)}")
        return self

    @property
    def is_level(self) -> bool:
        """True for quantities whose growth is meaningful (flows, stocks, counts, ratios)."""
        return self.kind in ("flow", "stock", "count", "ratio")


# --- the catalog ----------------------------------------------------------------------------


class Catalog:
    """The indicators parkdata knows, with lookup by code, Chinese name or alias."""

    def __init__(
        self,
        indicators: Iterable[Indicator],
        extra: Iterable[Indicator] = (),
        domains: Domains | None = None,
    ):
        self.domains: Domains = domains or shipped_domains()
        """The catalog's domains (plausibility rules) and the domain of each kind."""
        self.extra: tuple[Indicator, ...] = tuple(self._with_domain(i) for i in extra)
        """Indicators added to the shipped catalog (from ``indicators*.yaml`` beside the data)."""
        self._by_code: dict[str, Indicator] = {}
        indicators = [*(self._with_domain(i) for i in indicators), *self.extra]
        for ind in indicators:
            if ind.code in self._by_code:
                raise CatalogError(f"indicator code {ind.code!r} is declared twice")
            self._by_code[ind.code] = ind
        for ind in list(self._by_code.values()):
            if ind.is_level:
                negative = self.domains[str(ind.domain)].allows_negative
                for variant in _growth_variants(ind, "any" if negative else None):
                    self._by_code.setdefault(variant.code, self._with_domain(variant))
        self._names: dict[str, str] = {}
        self._shown: dict[str, str] = {}
        for ind in self._by_code.values():
            for name in (ind.code, ind.name_zh, ind.name_en, *ind.aliases_zh):
                key = fold_name(name)
                self._shown.setdefault(key, name)
                other = self._names.setdefault(key, ind.code)
                if other != ind.code and ind.growth_of is None:
                    raise CatalogError(
                        f"name {name!r} is claimed by both {other!r} and {ind.code!r}"
                    )
        for ind in self._by_code.values():
            if ind.formula:
                unknown = formula_inputs(ind.formula) - set(self._by_code)
                if unknown:
                    raise CatalogError(f"{ind.code}: formula uses unknown codes {sorted(unknown)}")
                for code, unit in ind.formula_units.items():
                    conversion_factor(self._by_code[code].unit, unit)

    def _with_domain(self, ind: Indicator) -> Indicator:
        """``ind`` with its domain filled in from its kind, and checked."""
        code = ind.domain or self.domains.by_kind.get(ind.kind)
        if code not in self.domains.by_code:
            known = ", ".join(self.domains.by_code)
            raise CatalogError(f"{ind.code}: unknown domain {code!r}; known: {known}")
        return ind if ind.domain == code else ind.model_copy(update={"domain": code})

    def domain(self, code: str) -> Domain:
        """The domain of an indicator (by code): the values its figures can take."""
        return self.domains[str(self[code].domain)]

    def with_extra(self, extra: Iterable[Indicator]) -> Catalog:
        """This catalog plus ``extra`` indicators (their growth variants are added too)."""
        base = [i for i in self._by_code.values() if i.growth_of is None and i not in self.extra]
        added = [*self.extra, *(i for i in extra if i.growth_of is None)]
        return Catalog(base, extra=added, domains=self.domains)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Indicator:
        try:
            return self._by_code[code]
        except KeyError:
            raise CatalogError(self.unknown_message(code)) from None

    def __iter__(self) -> Any:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def resolve(self, name: str) -> str | None:
        """The code for a code, Chinese name or alias; ``None`` when nothing matches."""
        return self._names.get(fold_name(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Closest known names to ``name`` (for error messages)."""
        keys = difflib.get_close_matches(fold_name(name), list(self._names), n=4 * n, cutoff=0.4)
        seen: dict[str, str] = {}  # one suggestion per indicator
        for k in keys:
            code = self._names[k]
            seen.setdefault(code, f"{self._shown[k]} ({code})" if k != code else code)
        return list(seen.values())[:n]

    def unknown_message(self, name: str) -> str:
        """'unknown indicator …; closest known: …' for error messages."""
        close = self.suggest(name)
        hint = f"; closest known: {', '.join(close)}" if close else ""
        return f"unknown indicator {name!r}{hint}"

    def to_frame(self, include_growth: bool = False) -> pd.DataFrame:
        """The catalog as a DataFrame, one row per indicator."""
        rows = [
            ind.model_dump() | {"aliases_zh": "; ".join(ind.aliases_zh)}
            for ind in self._by_code.values()
            if include_growth or ind.growth_of is None
        ]
        return pd.DataFrame(rows).set_index("code")


def _growth_variants(ind: Indicator, domain: str | None) -> list[Indicator]:
    """X_yoy and X_cagr of a level indicator; ``domain`` None: the ``growth`` kind's domain."""
    out = []
    for suffix, (zh, en, alias_suffixes) in GROWTH_VARIANTS.items():
        names = [ind.name_zh, *ind.aliases_zh]
        aliases = tuple(n + s for n in names for s in alias_suffixes.split("|"))
        out.append(
            Indicator(
                code=f"{ind.code}_{suffix}",
                name_zh=f"{ind.name_zh}{zh}",
                name_en=f"{ind.name_en}, {en}",
                aliases_zh=aliases,
                unit="%",
                kind="growth",
                direction=ind.direction,
                agg_time="none",
                agg_parks="none",
                description=f"Reported {en} of {ind.name_en} (as published; never recomputed).",
                growth_of=ind.code,
                domain=domain,
            )
        )
    return out


def find_indicators(catalog: Catalog, names: str | Iterable[str] | None) -> list[str] | None:
    """The codes of indicator names (codes, Chinese names, aliases); None for None; an unknown
    name is a :class:`~parkdata.errors.CatalogError` naming the closest known ones."""
    if names is None:
        return None
    codes = []
    for name in [names] if isinstance(names, str) else list(names):
        code = catalog.resolve(str(name))
        if code is None:
            raise CatalogError(catalog.unknown_message(str(name)))
        codes.append(code)
    return codes


def read_catalog(text: str, origin: str = "catalog.yaml") -> Catalog:
    """Build a catalog from YAML text; errors name the entry and the field. A text without
    ``domains`` (an extra catalog beside the data) uses the shipped ones."""
    data = read_yaml(text, origin, CatalogError)
    indicators = entries(data, "indicators", Indicator, origin, CatalogError, "indicator")
    return Catalog(indicators, domains=read_domains(data, origin))


def catalog_yaml(indicators: Iterable[Indicator]) -> str:
    """Indicators as catalog YAML (what :func:`read_catalog` reads back), e.g. the extra
    indicators a processed folder was built with."""
    rows = [
        {k: v for k, v in ind.model_dump().items() if v not in (None, (), {})} for ind in indicators
    ]
    for row in rows:
        if "aliases_zh" in row:
            row["aliases_zh"] = list(row["aliases_zh"])
    return yaml.safe_dump({"indicators": rows}, allow_unicode=True, sort_keys=False)


@lru_cache(maxsize=1)
def shipped_domains() -> Domains:
    """The domains of the shipped catalog (``domains`` and ``kind_domains`` of catalog.yaml)."""
    domains = read_domains(read_yaml(packaged_text("catalog.yaml"), "catalog.yaml"), "catalog.yaml")
    if domains is None:
        raise CatalogError("catalog.yaml: no 'domains:' section")
    return domains


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog shipped with parkdata (read once, then cached)."""
    return read_catalog(packaged_text("catalog.yaml"))


def catalog(include_growth: bool = False) -> pd.DataFrame:
    """The indicator catalog as a DataFrame indexed by code (``pkd.catalog()``)."""
    return default_catalog().to_frame(include_growth=include_growth)
