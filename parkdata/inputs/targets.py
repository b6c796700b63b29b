"""Targets: check the plan targets against the contract and convert level targets' units."""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.numbers import parse_numbers
from parkdata.contract.registry import ParkRegistry
from parkdata.contract.tables import TARGET_COLUMNS
from parkdata.contract.units import normalize_unit, round_significant
from parkdata.contract.vocab import NEEDS_BASE, TARGET_KINDS, comparator, vocabulary
from parkdata.inputs.checks import (
    Collector,
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
    col.flag(
        counting & thr_value.isna(),
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
    col.flag(
        value["value"].isna(),
        "target_value",
        "target value missing or not a number",
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
            "target_value": round_significant(value["value"] * scale),
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
