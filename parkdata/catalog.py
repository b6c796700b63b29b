"""The indicator catalog: indicator metadata declared as data (``data/catalog.yaml``).

Each entry is checked against :class:`Indicator`. Every level indicator ``X`` also gets two growth
variants, ``X_yoy`` (同比增速) and ``X_cagr`` (年均增速), both in %: reported growth rates are
observations of their own and never recomputed from levels.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import CatalogError, FormulaError
from .text import fold_name
from .units import conversion_factor, is_known_unit, normalize_unit

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


# --- formulas: parsed with ast, evaluated without eval -------------------------------------

_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _parse_formula(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {formula!r} is not arithmetic: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(
            node,
            (
                ast.Expression,
                ast.BinOp,
                ast.UnaryOp,
                ast.USub,
                ast.Name,
                ast.Load,
                ast.Constant,
                *tuple(_OPS),
            ),
        ):
            raise FormulaError(
                f"formula {formula!r} uses {type(node).__name__}; only indicator codes, numbers "
                "and + - * / are allowed"
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise FormulaError(f"formula {formula!r} contains a non-number {node.value!r}")
    return tree.body


def formula_inputs(formula: str) -> set[str]:
    """The indicator codes a formula reads."""
    return {n.id for n in ast.walk(_parse_formula(formula)) if isinstance(n, ast.Name)}


def evaluate_formula(formula: str, inputs: Mapping[str, Any]) -> Any:
    """Evaluate ``formula`` over ``inputs`` (numbers, arrays or aligned Series), without ``eval``.

    Division by zero gives NaN (numpy semantics), never an exception or a silent zero.

    >>> float(evaluate_formula("tax_revenue / industrial_land_area * 1", {"tax_revenue": 30.0,
    ...                  "industrial_land_area": 2.0}))
    15.0
    """

    def walk(node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in inputs:
                raise FormulaError(f"formula {formula!r} needs {node.id!r}, which was not given")
            return inputs[node.id]
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div):
                with np.errstate(divide="ignore", invalid="ignore"):
                    result = np.true_divide(left, right)
                return (
                    result.replace([np.inf, -np.inf], np.nan)
                    if isinstance(result, pd.Series)
                    else np.where(np.isinf(result), np.nan, result)[()]
                )
            return _OPS[type(node.op)](left, right)
        raise FormulaError(f"unsupported element in {formula!r}")  # unreachable after parse

    return walk(_parse_formula(formula))


# --- the catalog ----------------------------------------------------------------------------


class Catalog:
    """The indicators parkdata knows, with lookup by code, Chinese name or alias."""

    def __init__(self, indicators: Iterable[Indicator]):
        self._by_code: dict[str, Indicator] = {}
        for ind in indicators:
            if ind.code in self._by_code:
                raise CatalogError(f"indicator code {ind.code!r} is declared twice")
            self._by_code[ind.code] = ind
        for ind in list(self._by_code.values()):
            if ind.is_level:
                for variant in _growth_variants(ind):
                    self._by_code.setdefault(variant.code, variant)
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
        """'unknown indicator …; closest: …' for error messages."""
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


def _growth_variants(ind: Indicator) -> list[Indicator]:
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
            )
        )
    return out


def read_catalog(text: str, origin: str = "catalog.yaml") -> Catalog:
    """Build a catalog from YAML text; errors name the entry and the field."""
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"{origin}: not valid YAML: {exc}") from None
    entries = data.get("indicators")
    if not isinstance(entries, list):
        raise CatalogError(f"{origin}: expected a top-level 'indicators:' list")
    indicators = []
    for i, entry in enumerate(entries):
        try:
            indicators.append(Indicator.model_validate(entry))
        except ValidationError as exc:
            code = entry.get("code", f"#{i + 1}") if isinstance(entry, dict) else f"#{i + 1}"
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise CatalogError(f"{origin}: indicator {code}: {problems}") from None
    return Catalog(indicators)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog shipped with parkdata (read once, then cached)."""
    text = resources.files("parkdata").joinpath("data/catalog.yaml").read_text(encoding="utf-8")
    return read_catalog(text)


def catalog(include_growth: bool = False) -> pd.DataFrame:
    """The indicator catalog as a DataFrame indexed by code (``pkd.catalog()``)."""
    return default_catalog().to_frame(include_growth=include_growth)
