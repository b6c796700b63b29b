"""Observations: check raw rows against the contract, convert units, and find duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.numbers import parse_numbers
from parkdata.contract.registry import ParkRegistry
from parkdata.contract.tables import ISSUE_COLUMNS, OBSERVATION_COLUMNS
from parkdata.contract.units import is_known_unit, normalize_unit, round_significant
from parkdata.contract.vocab import BASES, QUALIFIERS, vocabulary
from parkdata.inputs.checks import (
    Collector,
    check_domains,
    conversion_factors,
    map_distinct,
    map_pairs,
    parse_periods,
    require_columns,
    resolve_indicators,
    resolve_parks,
    text_column,
)

OBS_REQUIRED = ("park_id", "indicator", "period", "value")

BASIS_WORDS: dict[str, str] = {
    word.lower(): b.code for b in vocabulary().bases for word in (b.code, *b.words)
}
"""What a basis column may say (全年, 本年累计, 当月 …) → basis code (vocab.yaml)."""
QUALIFIER_WORDS: dict[str, str | None] = {
    "": None,
    **{word.lower(): q.code for q in vocabulary().qualifiers for word in (q.code, *q.words)},
}
"""What a qualifier column may say (突破, 约, 不足 …) → qualifier code (vocab.yaml)."""
BASIS_NEEDS = {b.code: b.shape for b in vocabulary().bases if b.shape}
"""The period shape each basis needs (annual → 2021, quarter → 2021Q3, month and ytd → 2021-09)."""


def period_shape(code: object) -> str | None:
    """``year`` / ``quarter`` / ``month`` for a canonical period code."""
    if not isinstance(code, str):
        return None
    return "quarter" if "Q" in code else "month" if "-" in code else "year"


def _bases(
    col: Collector, raw: pd.DataFrame, periods: pd.Series, hints: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """(basis, period) per row: the basis column or what the period says (1-9月 is ytd);
    1-12月 becomes the year; a basis that contradicts or does not fit the period is an error."""
    period_text = text_column(raw, "period")
    basis_text = text_column(raw, "basis")
    given = map_distinct(basis_text, lambda b: BASIS_WORDS.get(b.lower()) if b else "")
    col.flag(given.isna(), "basis", "unknown basis", f"use one of {', '.join(BASES)}")
    contradicts = (given != "") & given.notna() & hints.notna() & (given != hints)
    if contradicts.any():
        col.flag(
            contradicts,
            "basis",
            "basis "
            + given.where(contradicts, "")
            + " contradicts the period "
            + period_text.where(contradicts, "")
            + " ("
            + hints.where(contradicts, "")
            + ")",
            "make the basis agree with the period: 1-9月 is ytd (本年累计)",
            values=basis_text,
        )
    basis = given.where(given != "", hints)
    december = (basis == "ytd") & periods.str.endswith("-12", na=False)  # 1-12月 is the year
    if december.any():
        basis = basis.where(~december, "annual")
        periods = periods.where(~december, periods.str.slice(0, 4))
    shape = map_distinct(periods, period_shape)
    basis = basis.where(basis.notna() | (shape != "year"), "annual")
    col.flag(
        basis.isna() & periods.notna(),
        "basis",
        "basis missing for a sub-annual period",
        "say whether the number is ytd (本年累计, 1-N月), month (当月) or quarter (当季)",
        values=period_text,
    )
    needs = map_distinct(basis, lambda b: BASIS_NEEDS.get(b))
    mismatch = needs.notna() & shape.notna() & (needs != shape)
    if mismatch.any():
        col.flag(
            mismatch,
            "basis",
            "basis "
            + basis.where(mismatch, "")
            + " does not fit period "
            + periods.where(mismatch, ""),
            "annual goes with 2021, quarter with 2021Q3, month and ytd with 2021-09",
            values=basis_text,
        )
    return basis, periods


def _qualifiers(col: Collector, raw: pd.DataFrame, said: pd.Series) -> pd.Series:
    """The qualifier column's word, else what the value said (突破1000 → at_least), else exact."""
    qual_text = text_column(raw, "qualifier")
    qualifier = map_distinct(qual_text, lambda q: QUALIFIER_WORDS.get(q.lower(), "?"))
    col.flag(
        qualifier == "?", "qualifier", "unknown qualifier", f"use one of {', '.join(QUALIFIERS)}"
    )
    differs = (qual_text != "") & said.notna() & (qualifier != said) & (qualifier != "?")
    if differs.any():
        col.flag(
            differs,
            "qualifier",
            "the qualifier column says "
            + qualifier.where(differs, "")
            + " but the value says "
            + said.where(differs, "").astype(str),
            "the column's qualifier is kept; make the two agree",
            severity="warning",
        )
    return qualifier.where(qual_text != "", said).fillna("exact")


def _sources(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(source, source as given): a row without one is sourced to its file, sheet, row, column."""
    given = text_column(raw, "source")
    no_source = given == ""
    if not no_source.any():
        return given, given
    sub = raw[no_source]
    if "origin_column" not in sub.columns:
        sub = sub.assign(origin_column=None)
    return given.where(~no_source, _where(sub)), given


def normalize_observations(
    raw: pd.DataFrame, registry: ParkRegistry, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and convert raw observation rows; returns ``(observations, issues)``."""
    missing = require_columns(raw, OBS_REQUIRED, "observations")
    if len(missing):
        return pd.DataFrame(columns=OBSERVATION_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = Collector(raw)
    parsed = parse_numbers(raw["value"])
    empty = parsed["value"].isna() & parsed["error"].isna()
    col.flag(
        parsed["error"].notna(),
        "value",
        parsed["error"].fillna("not a number"),
        "write a plain number such as 1234.5 (约, 突破, 余, 以上 and % are understood)",
    )
    from_title = (
        raw["park_in_text"].astype(str).str.lower().eq("true")
        if "park_in_text" in raw.columns
        else None
    )
    growth = text_column(raw, "growth") if "growth" in raw.columns else None
    park_ids = resolve_parks(col, text_column(raw, "park_id"), registry, from_title=from_title)
    codes, units_in_name = resolve_indicators(col, text_column(raw, "indicator"), catalog, growth)
    periods, hints = parse_periods(col, text_column(raw, "period"), "period")
    basis, periods = _bases(col, raw, periods, hints)
    qualifier = _qualifiers(col, raw, parsed["qualifier"])
    unit = _units(col, text_column(raw, "unit"), parsed, units_in_name, empty)
    factors = conversion_factors(col, unit, codes, catalog)
    with np.errstate(over="ignore", invalid="ignore"):
        converted = parsed["value"] * factors
    check_domains(col, converted, codes, catalog, "value", shown=raw["value"])
    source, source_given = _sources(raw)
    keep = ~col.bad & ~empty.to_numpy()
    out = pd.DataFrame(
        {
            "park_id": park_ids,
            "indicator": codes,
            "period": periods,
            "basis": basis,
            "value": round_significant(converted),
            "qualifier": qualifier,
            "unit": map_distinct(codes, lambda c: catalog[c].unit if c in catalog else None),
            "value_reported": parsed["value"],
            "unit_reported": unit,
            "source": source,
            "note": text_column(raw, "note"),
            "origin_file": raw["origin_file"],
            "origin_sheet": raw["origin_sheet"],
            "origin_row": raw["origin_row"],
            "origin_column": raw["origin_column"] if "origin_column" in raw.columns else None,
            "source_given": source_given,
        }
    )[keep].reset_index(drop=True)
    for name in _TEXT_COLUMNS:  # one dtype whatever path a column took (object → str)
        if out[name].dtype == object:
            out[name] = out[name].astype("str")
    out.attrs["empty"] = int(empty.sum())
    return out, col.issues()


_MULTIPLIERS = ("万亿", "千", "万", "亿")
_TEXT_COLUMNS = (
    "park_id",
    "indicator",
    "period",
    "basis",
    "qualifier",
    "unit",
    "unit_reported",
    "source",
    "note",
    "origin_file",
    "origin_sheet",
    "origin_column",
)


def _units(
    col: Collector,
    unit_column: pd.Series,
    parsed: pd.DataFrame,
    units_in_name: pd.Series,
    empty: pd.Series,
) -> pd.Series:
    """The reported unit per row, from the unit column, the value text (300亿元, 12%, 1.2万) or
    the indicator name (主营业务收入(亿元)); disagreements are errors."""
    unit_text = map_distinct(unit_column, lambda u: normalize_unit(u) if u else "")
    in_value = parsed["unit"].fillna("")
    multiplier = in_value.isin(_MULTIPLIERS)
    if multiplier.any():  # 1.2万 with unit 家 is 1.2 万家; with unit 亿元 it is a contradiction
        combined = map_pairs(
            in_value,
            unit_text,
            lambda m, u: (
                normalize_unit(m + u) if m in _MULTIPLIERS and u and is_known_unit(m + u) else "",
            ),
            1,
        )[0]
        bad = multiplier & (combined == "")
        col.flag(
            bad,
            "unit",
            "the value says ×"
            + in_value.where(bad, "")
            + " but the unit is "
            + unit_text.where(bad, "").replace("", "missing"),
            "write the full unit in the unit column (e.g. 万家) and a plain number",
        )
        unit_text = unit_text.where(~multiplier, combined)
        in_value = in_value.where(~multiplier, "")
    if (in_value != "").any():
        in_value = map_distinct(in_value, lambda u: normalize_unit(u) if u else "")
    implied = in_value.where(in_value != "", units_in_name.fillna(""))
    implied = implied.where(implied != "", np.where(parsed["percent"], "%", ""))
    clash = (unit_text != "") & (implied != "") & (unit_text != implied)
    if clash.any():
        col.flag(
            clash,
            "unit",
            "the value says "
            + implied.where(clash, "")
            + " but the unit column says "
            + unit_text.where(clash, ""),
            "make the unit column agree with the value",
        )
    unit = unit_text.where(unit_text != "", implied)
    col.flag(
        (unit == "") & ~empty,
        "unit",
        "no unit given",
        "add the unit the number was reported in, e.g. 亿元",
    )
    return unit


OBS_KEY = ["park_id", "indicator", "period", "basis"]
REPEAT_PROBLEM = "dropped: the same"
"""How the issue of a repeated observation starts (counted per file as ``repeated``)."""


def _where(rows: pd.DataFrame) -> pd.Series:
    """'file / sheet, row N, column C' for each row (the parts that exist)."""
    sheet = rows["origin_sheet"].astype(str).where(rows["origin_sheet"].notna(), "")
    column = rows["origin_column"].astype(str).where(rows["origin_column"].notna(), "")
    return (
        rows["origin_file"].astype(str)
        + np.where(sheet != "", " / " + sheet, "")
        + " row "
        + rows["origin_row"].astype(str)
        + np.where(column != "", ", column " + column, "")
    )


def _repeats(cand: pd.DataFrame, same_cols: list[str]) -> tuple[pd.Series, pd.DataFrame]:
    """Rows that repeat an earlier one exactly (value, qualifier, source), and a warning each."""
    repeat = cand.duplicated(same_cols, keep="first")
    if not repeat.any():
        return repeat, pd.DataFrame(columns=ISSUE_COLUMNS)
    first = cand[~repeat].drop_duplicates(same_cols)
    firsts = (
        cand[repeat]
        .merge(first[[*same_cols]].assign(_at=_where(first).to_numpy()), on=same_cols, how="left")[
            "_at"
        ]
        .to_numpy()
    )
    rep = cand[repeat]
    issues = pd.DataFrame(
        {
            "file": rep["origin_file"],
            "sheet": rep["origin_sheet"],
            "row": rep["origin_row"],
            "column": None,
            "value": rep["value_reported"].astype(str),
            "problem": REPEAT_PROBLEM + " observation as " + pd.Series(firsts, index=rep.index),
            "fix": "delete the repeated row",
            "severity": "warning",
        }
    )
    return repeat, issues


def _conflicts(exact: pd.DataFrame, shown: int) -> tuple[pd.Index, pd.DataFrame]:
    """Exact rows of one key with different values: every one rejected, each issue listing up
    to ``shown`` of them."""
    dup = exact[exact.duplicated(OBS_KEY, keep=False)]
    if not len(dup):
        return dup.index, pd.DataFrame(columns=ISSUE_COLUMNS)
    grouped = dup.groupby(OBS_KEY, sort=False)["value"]
    spread = grouped.transform("max") - grouped.transform("min")
    scale = grouped.transform(lambda v: v.abs().max()).clip(lower=1)
    conflicting = dup[spread > 1e-9 * scale]
    if not len(conflicting):
        return conflicting.index, pd.DataFrame(columns=ISSUE_COLUMNS)
    where = (
        _where(conflicting)
        + " ("
        + conflicting["value_reported"].astype(str)
        + " "
        + conflicting["unit_reported"].astype(str)
        + ")"
    )
    keys = [conflicting[k] for k in OBS_KEY]
    listing = where.groupby(keys, sort=False).agg(
        lambda w: (
            "; ".join(w.iloc[:shown]) + (f"; … and {len(w) - shown} more" if len(w) > shown else "")
        )
    )
    text = pd.Series(
        listing.reindex(pd.MultiIndex.from_arrays(keys)).to_numpy(), index=conflicting.index
    )
    issues = pd.DataFrame(
        {
            "file": conflicting["origin_file"],
            "sheet": conflicting["origin_sheet"],
            "row": conflicting["origin_row"],
            "column": conflicting["origin_column"].fillna("value"),
            "value": conflicting["value_reported"].astype(str),
            "problem": "conflicting values for "
            + conflicting["park_id"]
            + " "
            + conflicting["indicator"]
            + " "
            + conflicting["period"]
            + " "
            + conflicting["basis"]
            + ": "
            + text,
            "fix": "keep one of the rows, or tell them apart (a different basis, or a "
            "qualifier such as approx)",
            "severity": "error",
        }
    )
    return conflicting.index, issues


def check_duplicates(obs: pd.DataFrame, shown: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Across all files: drop exact repeats (warning), reject conflicting values (error).

    Rows of one key (park, indicator, period, basis) conflict when they are ``exact`` and their
    values differ; every one of them is rejected and each issue lists up to ``shown`` of them.
    The same value from two different sources is two facts, and both are kept.
    """
    shared = obs.duplicated(OBS_KEY, keep=False)  # one pass over all rows; the rest is small
    if not shared.any():
        return obs, pd.DataFrame(columns=ISSUE_COLUMNS)
    cand = obs[shared]
    repeat, repeats = _repeats(cand, [*OBS_KEY, "value", "qualifier", "source_given"])
    exact = cand[~repeat & (cand["qualifier"] == "exact")]
    conflicting, conflicts = _conflicts(exact, shown)
    drop = cand.index[repeat.to_numpy()].union(conflicting)
    parts = [f for f in (repeats, conflicts) if len(f)]
    frame = pd.concat(parts, ignore_index=True).reindex(columns=ISSUE_COLUMNS) if parts else repeats
    return (obs.drop(index=drop) if len(drop) else obs), frame
