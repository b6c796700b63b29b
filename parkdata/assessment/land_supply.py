"""Land-supply check for proposed industrial projects: who gets land of their own (单独供地) and
who moves into the park's standard factory buildings (入驻标准厂房), by a plan's admission rule.

Rules are data (``data/land_supply.yaml``, checked by the one validator): the fixed-asset
investment (万元) and investment intensity (万元/亩 = investment ÷ land) a project must exceed, whether
"以下" includes the threshold itself (it does in Chinese law: 民法典第一千二百五十九条) and the
flag column that exempts a project (有特殊工业要求、不适于入驻标准厂房). Results are codes;
the words are under ``land_supply:`` in ``data/text.yaml``.

>>> RULES["hukou_2020"].min_investment, RULES["hukou_2020"].min_intensity, RULES["hukou_2020"].inclusive
(5000.0, 300.0, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from parkdata.contract.schema import entries, packaged_text, read_yaml, unique_codes
from parkdata.errors import ArgumentError, InputError, Issue
from parkdata.inputs.checks import Collector, issue_objects

ORIGIN = "land_supply.yaml"
TABLE_LABEL = "project table"
DECISIONS: tuple[str, ...] = ("separate_land", "standard_factory", "undetermined")
"""Decision codes: 单独供地, 入驻标准厂房, cannot be decided from the data given."""
REASONS: tuple[str, ...] = (
    "special_requirement",
    "both_met",
    "investment_below",
    "intensity_below",
    "missing_investment",
    "missing_land",
)
"""Reason codes, in the order ``reasons`` lists them."""
_REL_TOL = 1e-9  # a value this close to a threshold (relative) is the threshold itself


class LandSupplyRule(BaseModel):
    """A plan's admission rule: projects below ``min_investment`` (万元) or ``min_intensity``
    (万元/亩) go into standard factory buildings; ``inclusive``: a value equal to a threshold
    counts as below (以下 includes the number); a true ``exception_column`` exempts a project."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    min_investment: float = Field(gt=0)
    min_intensity: float = Field(gt=0)
    inclusive: bool = True
    inclusive_source: str = ""
    exception_column: str | None = None
    clause: str = ""
    source: str = ""


@cache
def _rules() -> dict[str, LandSupplyRule]:
    data = read_yaml(packaged_text(ORIGIN), ORIGIN)
    rules = entries(data, "rules", LandSupplyRule, ORIGIN)
    unique_codes(rules, "rule", ORIGIN)
    return {r.code: r for r in rules}


RULES: Mapping[str, LandSupplyRule] = MappingProxyType(_rules())
"""Rule code → :class:`LandSupplyRule` (the rules of data/land_supply.yaml)."""


def land_rule(rule: str | LandSupplyRule) -> LandSupplyRule:
    """The rule for a code or a :class:`LandSupplyRule`; an unknown code is an ArgumentError
    listing the codes."""
    if isinstance(rule, LandSupplyRule):
        return rule
    if isinstance(rule, str) and rule in RULES:
        return RULES[rule]
    raise ArgumentError(
        f"unknown land-supply rule {rule!r}; choose from {list(RULES)} (data/land_supply.yaml) "
        "or pass a LandSupplyRule"
    )


def _raw(projects: pd.DataFrame) -> pd.DataFrame:
    """The table with origin columns for issues (row 1 = the first project when none given)."""
    raw = projects.reset_index(drop=True)
    if "origin_row" not in raw.columns:
        raw = raw.assign(origin_row=np.arange(1, len(raw) + 1))
    if "origin_file" not in raw.columns:
        raw = raw.assign(origin_file=TABLE_LABEL)
    if "origin_sheet" not in raw.columns:
        raw = raw.assign(origin_sheet=None)
    return raw


def _number(col: Collector, raw: pd.DataFrame, column: str, what: str) -> pd.Series:
    series = raw[column]
    if pd.api.types.is_bool_dtype(series):
        values = pd.Series(np.nan, index=series.index)
        bad = pd.Series(True, index=series.index)
    else:
        values = pd.to_numeric(series, errors="coerce").astype(float)
        bad = (values.isna() & series.notna()) | np.isinf(values)
        if series.dtype == object:
            bad &= series.astype(str).str.strip() != ""
    col.flag(
        bad, column, "not a plain number", f"write {what} as a number; leave it blank if unknown"
    )
    negative = ~bad & (values < 0)
    col.flag(negative, column, "is negative", f"{what} must be ≥ 0; correct the figure")
    return values.where(~bad & ~negative)


def _flag(col: Collector, raw: pd.DataFrame, column: str) -> pd.Series:
    series = raw[column]
    if pd.api.types.is_bool_dtype(series):
        return series.astype(bool)
    text = series.astype(object).where(series.notna(), "").astype(str).str.strip().str.lower()
    truth = text.isin({"true", "t", "yes", "y", "1", "1.0", "是", "有", "√", "✓"})
    known = truth | text.isin({"false", "f", "no", "n", "0", "0.0", "否", "无", "×", ""})
    col.flag(~known, column, "not a yes/no value", f"write True or False (是/否) in {column}")
    return truth


def _inputs(projects: pd.DataFrame, rule: LandSupplyRule) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(investment, land, exempt) checked, or an InputError naming file, row and column."""
    if not isinstance(projects, pd.DataFrame):
        raise TypeError("projects must be a pandas DataFrame with one row per project")
    missing = [c for c in ("investment", "land_mu") if c not in projects.columns]
    if missing:
        file = (
            str(projects["origin_file"].iloc[0])
            if "origin_file" in projects.columns and len(projects)
            else TABLE_LABEL
        )
        raise InputError(
            [
                Issue(
                    file, None, c, None, "required column is missing", f"add a column {c!r} ({w})"
                )
                for c, w in (("investment", "固定资产投资, 万元"), ("land_mu", "拟用地面积, 亩"))
                if c in missing
            ]
        )
    raw = _raw(projects)
    col = Collector(raw, every_problem=True)
    investment = _number(col, raw, "investment", "investment (固定资产投资, 万元)")
    land = _number(col, raw, "land_mu", "land_mu (拟用地面积, 亩)")
    column = rule.exception_column
    if column and column in raw.columns:
        exempt = _flag(col, raw, column)
    else:
        exempt = pd.Series(False, index=raw.index)
    issues = col.issues()
    if len(issues):
        raise InputError(issue_objects(issues))
    return investment, land, exempt


def _below(values: pd.Series, threshold: float, inclusive: bool) -> pd.Series:
    """Below the threshold (equal counts as below when ``inclusive``); NaN is never below."""
    at = np.isclose(values, threshold, rtol=_REL_TOL, atol=0.0)
    below = (values < threshold) & ~at
    return pd.Series(below | (at & inclusive), index=values.index)


def check_projects(
    projects: pd.DataFrame, rule: str | LandSupplyRule = "hukou_2020"
) -> pd.DataFrame:
    """Apply a land-supply rule to proposed projects (``investment`` 万元, ``land_mu`` 亩, and
    the rule's exception column, e.g. ``special_requirement``, optional: absent = no exemption).

    Returns the table (same index and columns) plus ``intensity`` (万元/亩 = investment ÷ land;
    NaN when land is missing or 0), ``decision`` (``separate_land`` | ``standard_factory`` |
    ``undetermined``), ``reasons`` (codes joined by ';', in the order of :data:`REASONS`) and
    ``rule`` (the rule's code). A project below either threshold goes into standard factory
    buildings (``investment_below`` and/or ``intensity_below``; one below is enough even when
    the other figure is missing); above both gets its own land (``both_met``); an exempt project
    gets its own land (``special_requirement``, with the threshold reasons that would otherwise
    apply); otherwise the decision is ``undetermined`` (``missing_investment`` /
    ``missing_land``). With ``rule.inclusive`` a figure equal to a threshold is below it
    ("以下" includes the number, 民法典第一千二百五十九条); figures within a relative 1e-9 of a
    threshold count as equal. Negative or non-numeric figures raise :class:`InputError` naming
    file, row and column.

    >>> table = pd.DataFrame({"investment": [5000.0, 6000.0], "land_mu": [10.0, 15.0]})
    >>> check_projects(table)[["intensity", "decision", "reasons"]].values.tolist()
    [[500.0, 'standard_factory', 'investment_below'], [400.0, 'separate_land', 'both_met']]
    """
    spec = land_rule(rule)
    investment, land, exempt = _inputs(projects, spec)
    intensity = (investment / land.where(land > 0)).astype(float)
    inv_below = _below(investment, spec.min_investment, spec.inclusive)
    int_below = _below(intensity, spec.min_intensity, spec.inclusive)
    below = inv_below | int_below
    met = investment.notna() & intensity.notna() & ~below
    no_investment = investment.isna()
    no_land = ~no_investment & intensity.isna()
    flags = {
        "special_requirement": exempt,
        "both_met": met,
        "investment_below": inv_below,
        "intensity_below": int_below,
        "missing_investment": no_investment & ~below,
        "missing_land": no_land & ~below,
    }
    reasons = pd.Series("", index=investment.index, dtype=object)
    for code in REASONS:
        reasons = reasons + np.where(flags[code], ";" + code, "")
    decision = np.select(
        [exempt, below, met],
        ["separate_land", "standard_factory", "separate_land"],
        default="undetermined",
    )
    out = projects.copy()
    out["intensity"] = intensity.to_numpy()
    out["decision"] = decision
    out["reasons"] = reasons.str.slice(1).to_numpy()
    out["rule"] = spec.code
    out.attrs.update(
        rule=spec.code,
        min_investment=spec.min_investment,
        min_intensity=spec.min_intensity,
        inclusive=spec.inclusive,
        exception_column=spec.exception_column,
    )
    return out
