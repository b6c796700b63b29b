"""Observations: check raw rows against the contract, convert units, and find duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalog import Catalog
from .checks import (
    ISSUE_COLUMNS,
    OBSERVATION_COLUMNS,
    Collector,
    conversion_factors,
    map_distinct,
    map_pairs,
    parse_periods,
    require_columns,
    resolve_indicators,
    resolve_parks,
    text_column,
)
from .periods import BASES
from .registry import ParkRegistry
from .units import is_known_unit, normalize_unit, round_significant
from .values import QUALIFIERS, parse_numbers

OBS_REQUIRED = ("park_id", "indicator", "period", "value")

BASIS_WORDS = {
    **{b: b for b in BASES},
    "年度": "annual",
    "全年": "annual",
    "年": "annual",
    "year": "annual",
    "yearly": "annual",
    "累计": "ytd",
    "本年累计": "ytd",
    "年初至今": "ytd",
    "cumulative": "ytd",
    "季度": "quarter",
    "当季": "quarter",
    "本季": "quarter",
    "月度": "month",
    "当月": "month",
    "本月": "month",
    "monthly": "month",
    "时点": "point",
    "截至": "point",
    "期末": "point",
}
QUALIFIER_WORDS = {
    **{q: q for q in QUALIFIERS},
    "": None,
    "精确": "exact",
    "以上": "at_least",
    "至少": "at_least",
    "突破": "at_least",
    "超": "at_least",
    "余": "at_least",
    "逾": "at_least",
    "超过": "at_least",
    "多": "at_least",
    "以下": "at_most",
    "近": "at_most",
    "不到": "at_most",
    "大约": "approx",
    "至多": "at_most",
    "不足": "at_most",
    "约": "approx",
    "左右": "approx",
    "approximately": "approx",
}
BASIS_NEEDS = {"annual": "year", "quarter": "quarter", "month": "month", "ytd": "month"}


def period_shape(code: object) -> str | None:
    """``year`` / ``quarter`` / ``month`` for a canonical period code."""
    if not isinstance(code, str):
        return None
    return "quarter" if "Q" in code else "month" if "-" in code else "year"


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
        "not a number",
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
    period_text = text_column(raw, "period")
    periods, hints = parse_periods(col, period_text, "period")

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

    qual_text = text_column(raw, "qualifier")
    qualifier = map_distinct(qual_text, lambda q: QUALIFIER_WORDS.get(q.lower(), "?"))
    col.flag(
        qualifier == "?", "qualifier", "unknown qualifier", f"use one of {', '.join(QUALIFIERS)}"
    )
    said = parsed["qualifier"]
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
    qualifier = qualifier.where(qual_text != "", said).fillna("exact")

    unit = _units(col, text_column(raw, "unit"), parsed, units_in_name, empty)
    factors = conversion_factors(col, unit, codes, catalog)

    source_given = text_column(raw, "source")
    source = source_given
    no_source = source == ""
    if no_source.any():  # the file itself is then the source: file / sheet, row, column
        sub = raw[no_source]
        if "origin_column" not in sub.columns:
            sub = sub.assign(origin_column=None)
        source = source.where(~no_source, _where(sub))

    keep = ~col.bad & ~empty.to_numpy()
    out = pd.DataFrame(
        {
            "park_id": park_ids,
            "indicator": codes,
            "period": periods,
            "basis": basis,
            "value": round_significant(parsed["value"] * factors),
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


def check_duplicates(obs: pd.DataFrame, shown: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Across all files: drop exact repeats (warning), reject conflicting values (error).

    Rows of one key (park, indicator, period, basis) conflict when they are ``exact`` and their
    values differ; every one of them is rejected and each issue lists up to ``shown`` of them.
    The same value from two different sources is two facts, and both are kept.
    """
    shared = obs.duplicated(OBS_KEY, keep=False)  # one pass over all rows; the rest is small
    empty = pd.DataFrame(columns=ISSUE_COLUMNS)
    if not shared.any():
        return obs, empty
    cand = obs[shared]
    issues = []
    same_cols = [*OBS_KEY, "value", "qualifier", "source_given"]
    repeat = cand.duplicated(same_cols, keep="first")
    if repeat.any():
        first = cand[~repeat].drop_duplicates(same_cols)
        firsts = (
            cand[repeat]
            .merge(
                first[[*same_cols]].assign(_at=_where(first).to_numpy()), on=same_cols, how="left"
            )["_at"]
            .to_numpy()
        )
        rep = cand[repeat]
        issues.append(
            pd.DataFrame(
                {
                    "file": rep["origin_file"],
                    "sheet": rep["origin_sheet"],
                    "row": rep["origin_row"],
                    "column": None,
                    "value": rep["value_reported"].astype(str),
                    "problem": "dropped: the same observation as "
                    + pd.Series(firsts, index=rep.index),
                    "fix": "delete the repeated row",
                    "severity": "warning",
                }
            )
        )
    drop = cand.index[repeat.to_numpy()]
    exact = cand[~repeat & (cand["qualifier"] == "exact")]
    dup = exact[exact.duplicated(OBS_KEY, keep=False)]
    if len(dup):
        grouped = dup.groupby(OBS_KEY, sort=False)["value"]
        spread = grouped.transform("max") - grouped.transform("min")
        scale = grouped.transform(lambda v: v.abs().max()).clip(lower=1)
        conflicting = dup[spread > 1e-9 * scale]
        if len(conflicting):
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
                    "; ".join(w.iloc[:shown])
                    + (f"; … and {len(w) - shown} more" if len(w) > shown else "")
                )
            )
            text = pd.Series(
                listing.reindex(pd.MultiIndex.from_arrays(keys)).to_numpy(),
                index=conflicting.index,
            )
            issues.append(
                pd.DataFrame(
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
            )
            drop = drop.union(conflicting.index)
    frame = pd.concat(issues, ignore_index=True)[ISSUE_COLUMNS] if issues else empty
    return (obs.drop(index=drop) if len(drop) else obs), frame
