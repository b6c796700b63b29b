"""Targets: check the plan targets against the contract and convert level targets' units."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalog import Catalog
from .checks import (
    TARGET_COLUMNS,
    TARGET_KINDS,
    Collector,
    conversion_factors,
    parse_periods,
    require_columns,
    resolve_indicators,
    resolve_parks,
    text_column,
)
from .registry import ParkRegistry
from .units import normalize_unit, round_significant
from .values import parse_numbers

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
_CONVERTED_KINDS = ("level", "share", "cumulative", "annual_increment")
_KIND_UNITS = {"growth_rate": "%", "multiple": "倍"}

COMPARATORS = {
    ">=": ">=",
    "≥": ">=",
    "=>": ">=",
    "不低于": ">=",
    "以上": ">=",
    "至少": ">=",
    "<=": "<=",
    "≤": "<=",
    "=<": "<=",
    "不超过": "<=",
    "以下": "<=",
    "以内": "<=",
}


def normalize_targets(
    raw: pd.DataFrame, registry: ParkRegistry, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and convert raw target rows; returns ``(targets, issues)``."""
    missing = require_columns(raw, TARGET_REQUIRED, "targets")
    if len(missing):
        return pd.DataFrame(columns=TARGET_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = Collector(raw)
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
    park_ids = resolve_parks(col, text_column(raw, "park_id"), registry)
    codes, _ = resolve_indicators(col, text_column(raw, "indicator"), catalog)
    kind = text_column(raw, "kind").str.lower()
    col.flag(
        ~kind.isin(TARGET_KINDS),
        "kind",
        "unknown target kind",
        f"use one of {', '.join(TARGET_KINDS)}",
    )
    comp_text = text_column(raw, "comparator")
    comparator = comp_text.map(COMPARATORS)
    col.flag(comparator.isna(), "comparator", "unknown comparator", "use >= or <=")
    target_period, _ = parse_periods(
        col, text_column(raw, "target_period"), "target_period", required=False
    )
    col.flag(
        text_column(raw, "target_period") == "",
        "target_period",
        "no target period: the target is kept but cannot be assessed",
        "fill in the year the plan sets, if the source states it",
        severity="warning",
    )
    base_period, _ = parse_periods(
        col, text_column(raw, "base_period"), "base_period", required=False
    )
    needs_base = kind.isin(["growth_rate", "multiple", "cumulative", "annual_increment"])
    col.flag(
        needs_base
        & (text_column(raw, "base_period") == "")
        & (text_column(raw, "target_period") != ""),
        "base_period",
        "no base period: this kind of target counts from one; kept but cannot be assessed",
        "fill in base_period (e.g. 2019) if the plan states it",
        severity="warning",
    )
    value = parse_numbers(raw["target_value"])
    col.flag(
        value["value"].isna(),
        "target_value",
        "target value missing or not a number",
        "write the number the plan sets, e.g. 800",
    )
    base = parse_numbers(raw["base_value"]) if "base_value" in raw.columns else None
    for name in ("source", "clause"):
        col.flag(
            text_column(raw, name) == "",
            name,
            f"no {name}",
            "quote the plan: its title in source, the sentence in clause",
        )

    unit = text_column(raw, "unit").map(lambda u: normalize_unit(u) if u else "")
    converted = kind.isin(_CONVERTED_KINDS)
    factors = conversion_factors(col, unit.where(converted, ""), codes.where(converted), catalog)
    expected = kind.map(_KIND_UNITS)
    col.flag(
        expected.notna() & (unit != expected),
        "unit",
        "a " + kind + " target is stated in " + expected.fillna(""),
        "write growth rates in % and multiples in 倍",
    )
    counting = kind == "count_over_threshold"
    col.flag(
        counting & ~unit.isin(["个", "家", "户", "项"]),
        "unit",
        "a count_over_threshold target counts parks",
        "write the unit as 个 (or 家)",
    )
    thr_unit = text_column(raw, "threshold_unit").map(lambda u: normalize_unit(u) if u else "")
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
    scale = factors.where(converted, 1.0)
    # a base level: in the target's unit for level-like kinds, else in base_unit (a level, not %)
    base_unit = text_column(raw, "base_unit").map(lambda u: normalize_unit(u) if u else "")
    has_base = base["value"].notna() if base is not None else pd.Series(False, index=raw.index)
    col.flag(
        has_base & ~converted & (base_unit == ""),
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
    out = pd.DataFrame(
        {
            "target_id": ids,
            "park_id": park_ids,
            "indicator": codes,
            "kind": kind,
            "comparator": comparator,
            "base_period": base_period,
            "base_value": round_significant(base["value"] * base_scale)
            if base is not None
            else np.nan,
            "target_period": target_period,
            "target_value": round_significant(value["value"] * scale),
            "unit": np.where(
                converted, codes.map(lambda c: catalog[c].unit if c in catalog else None), unit
            ),
            "target_value_reported": value["value"],
            "unit_reported": unit,
            "threshold": round_significant(thr_value * thr_factor.where(counting)),
            "threshold_unit": np.where(
                counting, codes.map(lambda c: catalog[c].unit if c in catalog else None), None
            ),
            "source": text_column(raw, "source"),
            "clause": text_column(raw, "clause"),
            "note": text_column(raw, "note"),
            "origin_file": raw["origin_file"],
            "origin_sheet": raw["origin_sheet"],
            "origin_row": raw["origin_row"],
        }
    )[~col.bad]
    return out.reset_index(drop=True)[TARGET_COLUMNS], col.issues()
