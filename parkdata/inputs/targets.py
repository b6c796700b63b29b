"""Targets: check the plan targets against the contract and convert level targets' units."""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.numbers import parse_numbers
from parkdata.contract.periods import period_time
from parkdata.contract.registry import ParkRegistry
from parkdata.contract.tables import TARGET_COLUMNS
from parkdata.contract.units import normalize_unit, round_significant
from parkdata.contract.vocab import (
    LEVEL_KINDS,
    NEEDS_BASE,
    POSITIVE_BASE,
    TARGET_KINDS,
    VALUE_ABOVE,
    comparator,
    vocabulary,
)
from parkdata.inputs.checks import (
    Collector,
    check_domains,
    conversion_factors,
    parse_periods,
    require_columns,
    resolve_indicators,
    resolve_parks,
    text_column,
)

TARGET_REQUIRED = (
    "target_id",
    "park_id",
    "indicator",
    "kind",
    "comparator",
    "target_period",
    "target_value",
    "unit",
    "source",
    "clause",
)
_CONVERTED_KINDS = tuple(k.code for k in vocabulary().target_kinds if k.in_indicator_unit)
_KIND_UNITS = {k.code: k.unit for k in vocabulary().target_kinds if k.unit}
_COUNT_UNITS = {k.code: list(k.units) for k in vocabulary().target_kinds if k.units}
_LEVEL_VALUED = tuple(k for k in LEVEL_KINDS if k in _CONVERTED_KINDS)
"""Kinds whose target value is a level of the indicator (level, share): checked against its domain."""


def _units(text: pd.Series) -> pd.Series:
    return text.map(lambda u: normalize_unit(u) if u else "")


def _check_ids(col: Collector, raw: pd.DataFrame) -> pd.Series:
    ids = text_column(raw, "target_id")
    col.flag(ids == "", "target_id", "no target_id", "give every target a unique ASCII id")
    col.flag(
        ~ids.str.fullmatch(r"[A-Za-z0-9_.\-]+") & (ids != ""),
        "target_id",
        "target_id is not ASCII",
        "use letters, digits, '-', '_' and '.' only",
    )
    col.flag(
        ids.duplicated(keep=False) & (ids != ""),
        "target_id",
        "target_id used twice",
        "make every target_id unique",
    )
    return ids


def _check_periods(col: Collector, raw: pd.DataFrame, kind: pd.Series) -> tuple[pd.Series, ...]:
    """(target_period, base_period): a missing target year, or a missing base year for a kind
    that counts from one, keeps the target with a warning (it cannot be assessed yet)."""
    target_text = text_column(raw, "target_period")
    target_period, _ = parse_periods(col, target_text, "target_period", required=False)
    col.flag(
        target_text == "",
        "target_period",
        "no target period: the target is kept but cannot be assessed",
        "fill in the year the plan sets, if the source states it",
        severity="warning",
    )
    base_text = text_column(raw, "base_period")
    base_period, _ = parse_periods(col, base_text, "base_period", required=False)
    col.flag(
        kind.isin(NEEDS_BASE) & (base_text == "") & (target_text != ""),
        "base_period",
        "no base period: this kind of target counts from one; kept but cannot be assessed",
        "fill in base_period (e.g. 2019) if the plan states it",
        severity="warning",
    )
    return target_period, base_period


def _check_units(
    col: Collector, raw: pd.DataFrame, kind: pd.Series, codes: pd.Series, catalog: Catalog
) -> tuple[pd.Series, pd.Series]:
    """(unit as written, factor to the indicator's unit) with the unit each kind needs."""
    unit = _units(text_column(raw, "unit"))
    converted = kind.isin(_CONVERTED_KINDS)
    factors = conversion_factors(col, unit.where(converted, ""), codes.where(converted), catalog)
    expected = kind.map(_KIND_UNITS)
    col.flag(
        expected.notna() & (unit != expected),
        "unit",
        "a " + kind + " target is stated in " + expected.fillna(""),
        "write growth rates in % and multiples in 倍",
    )
    for code, units in _COUNT_UNITS.items():
        col.flag(
            (kind == code) & ~unit.isin(units),
            "unit",
            f"a {code} target counts parks",
            "write the unit as 个 (or 家)",
        )
    return unit, factors.where(converted, 1.0)


def _threshold(
    col: Collector, raw: pd.DataFrame, kind: pd.Series, codes: pd.Series, catalog: Catalog
) -> pd.Series:
    """The threshold of count targets in the indicator's unit (NaN for other kinds)."""
    counting = kind == "count_over_threshold"
    thr_unit = _units(text_column(raw, "threshold_unit"))
    thr = parse_numbers(raw["threshold"]) if "threshold" in raw.columns else None
    thr_value = thr["value"] if thr is not None else pd.Series(np.nan, index=raw.index)
    if thr is not None:
        _flag_unreadable(col, thr["error"], "threshold")
    col.flag(
        counting & thr_value.isna() & (thr is None or thr["error"].isna()),
        "threshold",
        "no threshold for a count target",
        "fill in threshold and threshold_unit (e.g. 1000 and 亿元)",
    )
    thr_factor = conversion_factors(
        col, thr_unit.where(counting, ""), codes.where(counting), catalog, column="threshold_unit"
    )
    return round_significant(thr_value * thr_factor.where(counting))


def _base_value(
    col: Collector,
    raw: pd.DataFrame,
    kind: pd.Series,
    codes: pd.Series,
    catalog: Catalog,
    scale: pd.Series,
) -> pd.Series | float:
    """A base level: in the target's unit for level-like kinds, else in base_unit (a level)."""
    if "base_value" not in raw.columns:
        return np.nan
    base = parse_numbers(raw["base_value"])
    _flag_unreadable(col, base["error"], "base_value")
    base_unit = _units(text_column(raw, "base_unit"))
    has_base = base["value"].notna()
    col.flag(
        has_base & ~kind.isin(_CONVERTED_KINDS) & (base_unit == ""),
        "base_unit",
        "a base value for a " + kind + " target needs its unit",
        "fill in base_unit (e.g. 亿元): the base is a level, not a rate",
    )
    base_scale = scale.where(
        base_unit == "",
        conversion_factors(
            col, base_unit.where(has_base, ""), codes.where(has_base), catalog, column="base_unit"
        ),
    )
    return round_significant(base["value"] * base_scale)


def _flag_unreadable(col: Collector, errors: pd.Series, column: str) -> None:
    """A number that does not read (``1,2,3``, ``abc``) is an error, never a silent blank."""
    col.flag(
        errors.notna(),
        column,
        errors.fillna(""),
        "write a plain number such as 1234.5 (or leave the cell empty if the plan gives none)",
    )


def _not_finite(col: Collector, values: pd.Series, column: str, unit: pd.Series) -> None:
    """A number that is no longer finite once converted (1e308 万亿元) is an error."""
    x = values.astype(float)
    bad = x.notna() & ~np.isfinite(x)
    if bad.any():
        col.flag(
            bad,
            column,
            "not a finite number once converted to " + unit.fillna("") + " (too large, or inf)",
            "check the number and its unit",
            values=text_column(col.raw, column),
        )


def _check_consistency(
    col: Collector,
    kind: pd.Series,
    codes: pd.Series,
    catalog: Catalog,
    periods: tuple[pd.Series, pd.Series],
    values: dict[str, pd.Series],
    unit: pd.Series,
) -> None:
    """What makes a target impossible: a base period not before the target period, a value
    outside the indicator's domain (level and share targets, base values, thresholds), a
    multiple of 0 or less, a yearly growth of −100 % or less, a base of 0 or less for a target
    grown from its base (vocab.yaml ``value_above``, ``positive_base``)."""
    canonical = codes.map(lambda c: catalog[c].unit if c in catalog else None)
    target_unit = unit.where(~kind.isin(_CONVERTED_KINDS), canonical)
    target_period, base_period = periods
    col.flag(
        period_time(base_period) >= period_time(target_period),
        "base_period",
        "the base period "
        + base_period.fillna("")
        + " is not before the target period "
        + target_period.fillna(""),
        "the base period is the year the plan counts from: it comes before the target year",
    )
    _not_finite(col, values["target_value"], "target_value", target_unit)
    _not_finite(col, values["base_value"], "base_value", canonical)
    _not_finite(col, values["threshold"], "threshold", canonical)
    limit = kind.map(VALUE_ABOVE)
    at_or_below = limit.notna() & (values["target_value"] <= limit)
    if at_or_below.any():
        col.flag(
            at_or_below,
            "target_value",
            "a "
            + kind
            + " target must be above "
            + limit.map(lambda v: f"{v:g}", na_action="ignore").fillna("")
            + " "
            + unit,
            "a multiple is above 0 (倍增 is 2); a yearly growth above −100 % (年均下降3% is -3)",
        )
    base = values["base_value"]
    col.flag(
        kind.isin(POSITIVE_BASE) & (base <= 0),
        "base_value",
        "a " + kind + " target is grown from its base, which must be above 0",
        "give the base level the plan counts from (a positive number), or leave it empty",
        values=text_column(col.raw, "base_value"),
    )
    level_valued = kind.isin(_LEVEL_VALUED)
    check_domains(col, values["target_value"], codes.where(level_valued), catalog, "target_value")
    has_base = kind.isin(TARGET_KINDS) & (kind != "count_over_threshold")
    check_domains(col, base, codes.where(has_base), catalog, "base_value")
    counting = kind == "count_over_threshold"
    check_domains(col, values["threshold"], codes.where(counting), catalog, "threshold")


def normalize_targets(
    raw: pd.DataFrame, registry: ParkRegistry, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and convert raw target rows; returns ``(targets, issues)``."""
    missing = require_columns(raw, TARGET_REQUIRED, "targets")
    if len(missing):
        return pd.DataFrame(columns=TARGET_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = Collector(raw)
    ids = _check_ids(col, raw)
    park_ids = resolve_parks(col, text_column(raw, "park_id"), registry)
    codes, _ = resolve_indicators(col, text_column(raw, "indicator"), catalog)
    kind = text_column(raw, "kind").str.lower()
    col.flag(
        ~kind.isin(TARGET_KINDS),
        "kind",
        "unknown target kind",
        f"use one of {', '.join(TARGET_KINDS)}",
    )
    compared = text_column(raw, "comparator").map(comparator)
    col.flag(compared.isna(), "comparator", "unknown comparator", "use >= or <=")
    target_period, base_period = _check_periods(col, raw, kind)
    value = parse_numbers(raw["target_value"])
    _flag_unreadable(col, value["error"], "target_value")
    col.flag(
        value["value"].isna() & value["error"].isna(),
        "target_value",
        "target value missing",
        "write the number the plan sets, e.g. 800",
    )
    for name in ("source", "clause"):
        col.flag(
            text_column(raw, name) == "",
            name,
            f"no {name}",
            "quote the plan: its title in source, the sentence in clause",
        )
    unit, scale = _check_units(col, raw, kind, codes, catalog)
    canonical = codes.map(lambda c: catalog[c].unit if c in catalog else None)
    counting = kind == "count_over_threshold"
    threshold = _threshold(col, raw, kind, codes, catalog)
    base_value = _base_value(col, raw, kind, codes, catalog, scale)
    with np.errstate(over="ignore", invalid="ignore"):
        target_value = value["value"] * scale
    _check_consistency(
        col,
        kind,
        codes,
        catalog,
        (target_period, base_period),
        {
            "target_value": target_value,
            "base_value": pd.Series(base_value, index=raw.index, dtype=float),
            "threshold": pd.Series(threshold, index=raw.index, dtype=float),
        },
        unit,
    )
    out = pd.DataFrame(
        {
            "target_id": ids,
            "park_id": park_ids,
            "indicator": codes,
            "kind": kind,
            "comparator": compared,
            "base_period": base_period,
            "base_value": base_value,
            "target_period": target_period,
            "target_value": round_significant(target_value),
            "unit": np.where(kind.isin(_CONVERTED_KINDS), canonical, unit),
            "target_value_reported": value["value"],
            "unit_reported": unit,
            "threshold": threshold,
            "threshold_unit": np.where(counting, canonical, None),
            "source": text_column(raw, "source"),
            "clause": text_column(raw, "clause"),
            "note": text_column(raw, "note"),
            "origin_file": raw["origin_file"],
            "origin_sheet": raw["origin_sheet"],
            "origin_row": raw["origin_row"],
        }
    )[~col.bad]
    return out.reset_index(drop=True)[TARGET_COLUMNS], col.issues()
