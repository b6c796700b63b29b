"""The one vocabulary of parkdata (``data/vocab.yaml``): statuses, target kinds, comparators,
qualifiers, bases, projection models, progress colours and status rules, each a code with its
properties. Every other module reads codes and properties from here; the zh/en names are for
the reporting layer.

>>> STATUSES[:2]
('achieved', 'on_track')
>>> LEVEL_KINDS
('level', 'share', 'growth_rate', 'multiple')
>>> status("not_achieved").settled, comparator("≥")
(True, '>=')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from parkdata.contract.schema import entries, packaged_text, read_yaml, unique_codes
from parkdata.errors import SchemaError

ORIGIN = "vocab.yaml"


class Term(BaseModel):
    """A code and the names users read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str


class Status(Term):
    colour: str
    settled: bool = False
    good: bool = False
    judged: bool = True
    alarm: bool = False
    urgency: int


class TargetKind(Term):
    family: Literal["level", "flow", "count"]
    needs_base: bool = False
    unit: str | None = None
    units: tuple[str, ...] = ()
    in_indicator_unit: bool = False
    path: Literal["geometric", "linear"] | None = None
    annual_target: bool = False
    positive_base: bool = False
    value_above: float | None = None


class Comparator(Term):
    symbol: str
    higher: bool
    aliases: tuple[str, ...] = ()


class Qualifier(Term):
    mark: str
    quality: int
    bound: Literal["lower", "upper"] | None = None
    words: tuple[str, ...] = ()


class Basis(Term):
    shape: Literal["year", "quarter", "month"] | None = None
    words: tuple[str, ...] = ()


class Model(Term):
    transform: Literal["log", "logit", "identity"]
    min_points: int
    engine: Literal["closed_form", "statsmodels"]
    backtest: bool = False
    candidate: bool = False


class Colour(Term):
    colour: str


class Rule(Term):
    on_track: float
    lower: float


@dataclass(frozen=True)
class Vocabulary:
    """Every list of ``vocab.yaml``, checked."""

    statuses: tuple[Status, ...]
    target_kinds: tuple[TargetKind, ...]
    comparators: tuple[Comparator, ...]
    qualifiers: tuple[Qualifier, ...]
    bases: tuple[Basis, ...]
    models: tuple[Model, ...]
    progress_colours: tuple[Colour, ...]
    rules: tuple[Rule, ...]
    park_levels: tuple[Term, ...]
    park_kinds: tuple[Term, ...]
    default_models: dict[str, str | None]


_SECTIONS: dict[str, type[Term]] = {
    "statuses": Status,
    "target_kinds": TargetKind,
    "comparators": Comparator,
    "qualifiers": Qualifier,
    "bases": Basis,
    "models": Model,
    "progress_colours": Colour,
    "rules": Rule,
    "park_levels": Term,
    "park_kinds": Term,
}


def read_vocabulary(text: str, origin: str = ORIGIN) -> Vocabulary:
    """Check a vocabulary YAML text; errors name the section, the entry and the field."""
    data = read_yaml(text, origin)
    lists: dict[str, tuple[Term, ...]] = {}
    for section, model in _SECTIONS.items():
        items: tuple[Term, ...] = tuple(entries(data, section, model, origin))
        unique_codes(items, section, origin)
        lists[section] = items
    defaults = data.get("default_models")
    models = {m.code for m in lists["models"]}
    if not isinstance(defaults, dict) or not set(defaults.values()) <= models | {None}:
        raise SchemaError(f"{origin}: default_models must map indicator kinds to model codes")
    return Vocabulary(**lists, default_models=dict(defaults))  # type: ignore[arg-type]  # lists are typed per section


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (read once)."""
    return read_vocabulary(packaged_text(ORIGIN))


def _codes(items: tuple[Term, ...]) -> tuple[str, ...]:
    return tuple(i.code for i in items)


def status(code: str) -> Status:
    """A status by code."""
    return _by_code(vocabulary().statuses, code, "status")


def target_kind(code: str) -> TargetKind:
    """A target kind by code."""
    return _by_code(vocabulary().target_kinds, code, "target kind")


def model(code: str) -> Model:
    """A projection model by code."""
    return _by_code(vocabulary().models, code, "model")


def rule(code: str) -> Rule:
    """A status rule by code."""
    return _by_code(vocabulary().rules, code, "rule")


def comparator(text: str) -> str | None:
    """The comparator code for ``>=``, ``≥``, ``不低于`` …; None when unknown."""
    for c in vocabulary().comparators:
        if text == c.code or text in c.aliases:
            return c.code
    return None


def _by_code(items: tuple[Any, ...], code: str, what: str) -> Any:
    for item in items:
        if item.code == code:
            return item
    raise SchemaError(f"unknown {what} {code!r}; known: {', '.join(_codes(items))}")


_V = vocabulary()
STATUSES: tuple[str, ...] = _codes(_V.statuses)
SETTLED: tuple[str, ...] = tuple(s.code for s in _V.statuses if s.settled)
"""Statuses whose outcome is known (已完成, 到期未完成): no projection is needed."""
GOOD: tuple[str, ...] = tuple(s.code for s in _V.statuses if s.good)
"""Statuses that count as met or on course."""
UNJUDGED: tuple[str, ...] = tuple(s.code for s in _V.statuses if not s.judged)
"""Statuses that are no verdict (数据不足)."""
ALARM: tuple[str, ...] = tuple(s.code for s in _V.statuses if s.alarm)
"""Statuses flagged in league tables and the index."""
PRESSING: tuple[str, ...] = tuple(
    s.code for s in sorted(_V.statuses, key=lambda s: s.urgency) if s.judged and not s.good
)
"""Judged statuses short of good, most pressing first (the index's filter)."""
TARGET_KINDS: tuple[str, ...] = _codes(_V.target_kinds)
LEVEL_KINDS: tuple[str, ...] = tuple(k.code for k in _V.target_kinds if k.family == "level")
"""Target kinds judged on the indicator's level in the target year."""
FLOW_KINDS: tuple[str, ...] = tuple(k.code for k in _V.target_kinds if k.family == "flow")
NEEDS_BASE: tuple[str, ...] = tuple(k.code for k in _V.target_kinds if k.needs_base)
POSITIVE_BASE: tuple[str, ...] = tuple(k.code for k in _V.target_kinds if k.positive_base)
"""Target kinds whose goal is grown from the base level (倍增, 年均增长): it must be above 0."""
VALUE_ABOVE: dict[str, float] = {
    k.code: k.value_above for k in _V.target_kinds if k.value_above is not None
}
"""The value a target of a kind must be above (倍增: 0; 年均增长: −100 %)."""
QUALIFIERS: tuple[str, ...] = _codes(_V.qualifiers)
BOUNDS: tuple[str, ...] = tuple(q.code for q in _V.qualifiers if q.bound)
INEXACT: tuple[str, ...] = tuple(q.code for q in _V.qualifiers if q.code != "exact")
QUALITY: dict[str, int] = {q.code: q.quality for q in _V.qualifiers}
BASES: tuple[str, ...] = _codes(_V.bases)
MODELS: tuple[str, ...] = _codes(_V.models)
RULES: tuple[str, ...] = _codes(_V.rules)
PARK_LEVELS: tuple[str, ...] = _codes(_V.park_levels)
NOT_PARKS: tuple[str, ...] = _codes(_V.park_kinds)
"""Registry kinds that are not parks (groups and administrative areas)."""
