"""Validate raw tables against the data contract and bring them to canonical form.

Each ``normalize_*`` function takes a raw table (text columns plus ``origin_*`` columns, as the
readers return it) and returns ``(clean, issues)``: the rows that passed, in canonical units, and
a DataFrame of issues naming file, sheet, row, column, the value and what to do. Work is vectorised
over distinct values, so millions of rows cost little more than reading them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .catalog import Catalog
from .errors import UnitError
from .periods import BASES, parse_period
from .registry import ParkRegistry
from .units import conversion_factor, is_known_unit, normalize_unit, round_significant
from .values import QUALIFIERS, parse_numbers

ISSUE_COLUMNS = ["file", "sheet", "row", "column", "value", "problem", "fix", "severity"]

OBSERVATION_COLUMNS = [
    "park_id",
    "indicator",
    "period",
    "basis",
    "value",
    "qualifier",
    "unit",
    "value_reported",
    "unit_reported",
    "source",
    "note",
    "origin_file",
    "origin_sheet",
    "origin_row",
]
TARGET_COLUMNS = [
    "target_id",
    "park_id",
    "indicator",
    "kind",
    "comparator",
    "base_period",
    "base_value",
    "target_period",
    "target_value",
    "unit",
    "target_value_reported",
    "unit_reported",
    "threshold",
    "threshold_unit",
    "source",
    "clause",
    "note",
    "origin_file",
    "origin_sheet",
    "origin_row",
]
PARK_COLUMNS = [
    "park_id",
    "name_zh",
    "short_name_zh",
    "level",
    "kind",
    "province",
    "city",
    "county",
    "aliases_zh",
    "fictional",
    "source",
    "note",
]
MEMBERSHIP_COLUMNS = ["group_id", "member_id", "source"]

TARGET_KINDS = (
    "level",
    "share",
    "growth_rate",
    "multiple",
    "cumulative",
    "annual_increment",
    "count_over_threshold",
)
LEVELS = ("national", "provincial", "municipal", "county")

_BASIS_WORDS = {
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
_QUALIFIER_WORDS = {
    **{q: q for q in QUALIFIERS},
    "": None,
    "精确": "exact",
    "以上": "at_least",
    "至少": "at_least",
    "突破": "at_least",
    "超": "at_least",
    "余": "at_least",
    "以下": "at_most",
    "至多": "at_most",
    "不足": "at_most",
    "约": "approx",
    "左右": "approx",
    "approximately": "approx",
}
_COMPARATORS = {
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
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_BASIS_NEEDS = {"annual": "year", "quarter": "quarter", "month": "month", "ytd": "month"}


def _period_shape(code: object) -> str | None:
    """``year`` / ``quarter`` / ``month`` for a canonical period code."""
    if not isinstance(code, str):
        return None
    return "quarter" if "Q" in code else "month" if "-" in code else "year"


class _Collector:
    """Collects issues for rows of one raw table and remembers which rows are rejected."""

    def __init__(self, raw: pd.DataFrame):
        self.raw = raw
        self.bad = np.zeros(len(raw), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def _origin(self, name: str, mask: np.ndarray) -> np.ndarray:
        if name in self.raw.columns:
            return self.raw[name].to_numpy()[mask]
        return np.full(int(mask.sum()), None)

    def flag(
        self,
        mask: np.ndarray | pd.Series,
        column: str | None,
        problem: str | pd.Series,
        fix: str | pd.Series,
        values: pd.Series | None = None,
        severity: str = "error",
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if severity == "error":
            mask = mask & ~self.bad  # one error per rejected row is enough
        if not mask.any():
            return
        if values is None and column is not None and column in self.raw.columns:
            values = self.raw[column]
        if "origin_column" in self.raw.columns and column in ("value", None):
            col = self.raw["origin_column"].to_numpy()[mask]
            col = np.where(pd.isna(col), column, col)
        else:
            col = np.full(int(mask.sum()), column)

        def pick(x: str | pd.Series | None) -> object:
            if isinstance(x, pd.Series):
                return x.to_numpy()[mask]
            return np.full(int(mask.sum()), x)

        self.parts.append(
            pd.DataFrame(
                {
                    "file": self._origin("origin_file", mask),
                    "sheet": self._origin("origin_sheet", mask),
                    "row": self._origin("origin_row", mask),
                    "column": col,
                    "value": _texts_at(values, mask),
                    "problem": pick(problem),
                    "fix": pick(fix),
                    "severity": severity,
                }
            )
        )
        if severity == "error":
            self.bad |= mask

    def issues(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        issues = pd.concat(self.parts, ignore_index=True)[ISSUE_COLUMNS]
        # a wide row melted into several cells repeats its row-level problems: list each once
        return issues.drop_duplicates(["file", "sheet", "row", "column", "problem"])


def _texts_at(values: pd.Series | None, mask: np.ndarray) -> np.ndarray:
    """The offending values as text (None where missing), for the rows in ``mask`` only."""
    if values is None:
        return np.full(int(mask.sum()), None)
    picked = values[mask]
    return np.array([None if pd.isna(v) else str(v) for v in picked], dtype=object)


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text; a missing column reads as empty strings."""
    if column not in raw.columns:
        return pd.Series("", index=raw.index, dtype="str")
    col = raw[column]
    if not (pd.api.types.is_string_dtype(col.dtype) or col.dtype == object):
        return col.astype("str").where(col.notna(), "")
    return col.fillna("").astype("str").str.strip()


def _map_distinct(values: pd.Series, fn: Callable[[Any], object]) -> pd.Series:
    """Apply ``fn`` once per distinct value and spread the results back (index kept).

    Uses :func:`pandas.factorize`, so a column of millions of rows with a few hundred distinct
    values costs a few hundred calls and one take.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [fn(u) for u in uniques]
    results[-1] = None  # missing values (code -1) map to None
    return pd.Series(results[codes], index=values.index)


def _map_pairs(a: pd.Series, b: pd.Series, fn: Callable[[Any, Any], object]) -> pd.Series:
    """:func:`_map_distinct` over pairs of values (e.g. unit and indicator)."""
    keys = pd.DataFrame({"a": a, "b": b})
    group = keys.groupby(["a", "b"], sort=False, dropna=False).ngroup().to_numpy()
    first = keys.drop_duplicates()
    results = np.empty(len(first), dtype=object)
    results[:] = [fn(x, y) for x, y in zip(first["a"], first["b"], strict=True)]
    return pd.Series(results[group], index=a.index)


def require_columns(raw: pd.DataFrame, required: tuple[str, ...], what: str) -> pd.DataFrame:
    """Issues for contract columns a table lacks (one per missing column)."""
    missing = [c for c in required if c not in raw.columns]
    file = raw["origin_file"].iloc[0] if "origin_file" in raw.columns and len(raw) else "?"
    sheet = raw["origin_sheet"].iloc[0] if "origin_sheet" in raw.columns and len(raw) else None
    present = [c for c in raw.columns if not str(c).startswith("origin_")]
    return pd.DataFrame(
        [
            {
                "file": file,
                "sheet": sheet,
                "row": None,
                "column": c,
                "value": None,
                "problem": f"the {what} table has no column {c!r} (columns found: {present})",
                "fix": f"add a {c!r} column (see docs/data-contract.md)",
                "severity": "error",
            }
            for c in missing
        ],
        columns=ISSUE_COLUMNS,
    )


# --- shared resolvers -------------------------------------------------------------------------


def _resolve_parks(
    col: _Collector, names: pd.Series, registry: ParkRegistry, column: str = "park_id"
) -> pd.Series:
    ids = _map_distinct(names, registry.resolve)
    unknown = ids.isna() & (names != "")
    if unknown.any():
        hints = _map_distinct(names[unknown], lambda n: "; ".join(registry.suggest(n)) or "none")
        col.flag(
            unknown,
            column,
            "unknown park",
            "use a park_id or name from parks.csv (closest known: "
            + hints.reindex(names.index, fill_value="")
            + ") or add the park to parks.csv",
            values=names,
        )
    col.flag(names == "", column, "no park given", "fill in the park_id (or its Chinese name)")
    return ids


def _resolve_indicator_name(name: str, catalog: Catalog) -> tuple[str | None, str | None]:
    """(code, unit written in the name) for 主营业务收入 / 主营业务收入(亿元) / main_business_revenue."""
    code = catalog.resolve(name)
    if code is not None:
        return code, None
    units = [u for u in _PAREN.findall(name) if is_known_unit(u)]
    stripped = _PAREN.sub("", name)
    code = catalog.resolve(stripped)
    return (code, normalize_unit(units[0]) if units else None) if code else (None, None)


def _resolve_indicators(
    col: _Collector, names: pd.Series, catalog: Catalog
) -> tuple[pd.Series, pd.Series]:
    codes = _map_distinct(names, lambda n: _resolve_indicator_name(n, catalog)[0])
    units_in_name = _map_distinct(names, lambda n: _resolve_indicator_name(n, catalog)[1])
    unknown = codes.isna() & (names != "")
    if unknown.any():
        msgs = _map_distinct(names[unknown], catalog.unknown_message)
        col.flag(
            unknown,
            "indicator",
            msgs.reindex(names.index, fill_value=""),
            "use a code or Chinese name from the catalog (`parkdata catalog`), or add the "
            "indicator to catalog.yaml",
            values=names,
        )
    col.flag(names == "", "indicator", "no indicator given", "fill in the indicator")
    return codes, units_in_name


def _parse_periods(
    col: _Collector, texts: pd.Series, column: str, required: bool = True
) -> tuple[pd.Series, pd.Series]:
    parsed = _map_distinct(texts, parse_period)
    bad = parsed.isna() & (texts != "")
    col.flag(
        bad,
        column,
        "not a period",
        "write 2021 (year), 2021Q3 (quarter), 2021-09 (month) or 2021年1-9月",
    )
    if required:
        col.flag(texts == "", column, "no period given", "fill in the period, e.g. 2021")
    codes = _map_distinct(texts, lambda t: getattr(parse_period(t), "code", None))
    hints = _map_distinct(texts, lambda t: getattr(parse_period(t), "basis_hint", None))
    return codes, hints


def _factors(
    col: _Collector, units: pd.Series, codes: pd.Series, catalog: Catalog, column: str = "unit"
) -> pd.Series:
    """Conversion factor per row from the reported unit to the indicator's canonical unit."""

    def factor(unit: object, code: object) -> object:
        if not unit or not isinstance(code, str) or code not in catalog:
            return np.nan
        try:
            return conversion_factor(str(unit), catalog[code].unit)
        except UnitError as exc:
            return f"{exc} (indicator {code} is measured in {catalog[code].unit})"

    result = _map_pairs(units, codes, factor)
    failed = _map_pairs(units, codes, lambda u, c: isinstance(factor(u, c), str)).astype(bool)
    if failed.any():
        col.flag(
            failed,
            column,
            result.where(failed, "").astype(str),
            "give the unit the number was reported in "
            "(亿元, 万元, 平方公里, 亩, %, 家 …) matching what the indicator measures",
        )
    return pd.to_numeric(result.where(~failed), errors="coerce")


# --- observations -----------------------------------------------------------------------------

OBS_REQUIRED = ("park_id", "indicator", "period", "value")


def normalize_observations(
    raw: pd.DataFrame, registry: ParkRegistry, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and convert raw observation rows; returns ``(observations, issues)``."""
    missing = require_columns(raw, OBS_REQUIRED, "observations")
    if len(missing):
        return pd.DataFrame(columns=OBSERVATION_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = _Collector(raw)

    parsed = parse_numbers(raw["value"])
    empty = parsed["value"].isna() & parsed["error"].isna()
    col.flag(
        parsed["error"].notna(),
        "value",
        "not a number",
        "write a plain number such as 1234.5 (约, 突破, 余, 以上 and % are understood)",
    )

    park_ids = _resolve_parks(col, _text(raw, "park_id"), registry)
    codes, units_in_name = _resolve_indicators(col, _text(raw, "indicator"), catalog)
    periods, hints = _parse_periods(col, _text(raw, "period"), "period")

    basis_text = _text(raw, "basis")
    basis = _map_distinct(basis_text, lambda b: _BASIS_WORDS.get(b.lower()) if b else "")
    col.flag(basis.isna(), "basis", "unknown basis", f"use one of {', '.join(BASES)}")
    basis = basis.where(basis_text != "", hints)
    shape = _map_distinct(periods, _period_shape)
    basis = basis.where(basis.notna() | (shape != "year"), "annual")
    col.flag(
        basis.isna() & periods.notna(),
        "basis",
        "basis missing for a sub-annual period",
        "say whether the number is ytd (本年累计, 1-N月), month (当月) or quarter (当季)",
        values=_text(raw, "period"),
    )
    needs = _map_distinct(basis, lambda b: _BASIS_NEEDS.get(b))
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

    qual_text = _text(raw, "qualifier")
    qualifier = _map_distinct(qual_text, lambda q: _QUALIFIER_WORDS.get(q.lower(), "?"))
    col.flag(
        qualifier == "?", "qualifier", "unknown qualifier", f"use one of {', '.join(QUALIFIERS)}"
    )
    qualifier = qualifier.where(qual_text != "", parsed["qualifier"]).fillna("exact")

    unit_text = _map_distinct(_text(raw, "unit"), lambda u: normalize_unit(u) if u else "")
    in_value = parsed["unit"].fillna("")
    if (in_value != "").any():
        in_value = _map_distinct(in_value, lambda u: normalize_unit(u) if u else "")
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
    factors = _factors(col, unit, codes, catalog)

    source = _text(raw, "source")
    no_source = source == ""
    if no_source.any():  # the file itself is then the source: file / sheet / row
        sub = raw[no_source]
        where = (
            sub["origin_file"].astype(str)
            + np.where(sub["origin_sheet"].notna(), " / " + sub["origin_sheet"].astype(str), "")
            + " / row "
            + sub["origin_row"].astype(str)
        )
        source = source.where(~no_source, where)

    keep = ~col.bad & ~empty.to_numpy()
    out = pd.DataFrame(
        {
            "park_id": park_ids,
            "indicator": codes,
            "period": periods,
            "basis": basis,
            "value": round_significant(parsed["value"] * factors),
            "qualifier": qualifier,
            "unit": _map_distinct(codes, lambda c: catalog[c].unit if c in catalog else None),
            "value_reported": parsed["value"],
            "unit_reported": unit,
            "source": source,
            "note": _text(raw, "note"),
            "origin_file": raw["origin_file"],
            "origin_sheet": raw["origin_sheet"],
            "origin_row": raw["origin_row"],
        }
    )[keep]
    out, dup_issues = _check_duplicates(out)
    issues = (
        pd.concat([i for i in (col.issues(), dup_issues) if len(i)], ignore_index=True)
        if len(dup_issues)
        else col.issues()
    )
    return out.reset_index(drop=True)[OBSERVATION_COLUMNS], issues


OBS_KEY = ["park_id", "indicator", "period", "basis"]


def _check_duplicates(obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop exact repeats; reject conflicting exact values for the same key, naming every row."""
    shared = obs.duplicated(OBS_KEY, keep=False)  # one pass over all rows; the rest is small
    if not shared.any():
        return obs, pd.DataFrame(columns=ISSUE_COLUMNS)
    cand = obs[shared]
    issues = []
    same = cand.duplicated([*OBS_KEY, "value", "qualifier", "source"], keep="first")
    if same.any():
        rep = cand[same]
        issues.append(
            pd.DataFrame(
                {
                    "file": rep["origin_file"],
                    "sheet": rep["origin_sheet"],
                    "row": rep["origin_row"],
                    "column": None,
                    "value": rep["value_reported"].astype(str),
                    "problem": "the same observation appears twice",
                    "fix": "delete the repeated row",
                    "severity": "warning",
                }
            )
        )
        cand = cand[~same]
    exact = cand[cand["qualifier"] == "exact"]
    dup = exact[exact.duplicated(OBS_KEY, keep=False)]
    drop = cand.index[:0].union(same[same].index)
    if len(dup):
        spread = dup.groupby(OBS_KEY, sort=False)["value"].transform(lambda v: v.max() - v.min())
        scale = dup.groupby(OBS_KEY, sort=False)["value"].transform(lambda v: v.abs().max())
        conflicting = dup[spread > 1e-9 * scale.clip(lower=1)]
        if len(conflicting):
            where = (
                conflicting["origin_file"].astype(str)
                + " row "
                + conflicting["origin_row"].astype(str)
                + " ("
                + conflicting["value_reported"].astype(str)
                + " "
                + conflicting["unit_reported"].astype(str)
                + ")"
            )
            listing = where.groupby([conflicting[k] for k in OBS_KEY], sort=False).transform(
                lambda s: "; ".join(s)
            )
            issues.append(
                pd.DataFrame(
                    {
                        "file": conflicting["origin_file"],
                        "sheet": conflicting["origin_sheet"],
                        "row": conflicting["origin_row"],
                        "column": "value",
                        "value": conflicting["value_reported"].astype(str),
                        "problem": "conflicting values for "
                        + conflicting["park_id"]
                        + " "
                        + conflicting["indicator"]
                        + " "
                        + conflicting["period"]
                        + ": "
                        + listing,
                        "fix": "keep one of the rows, or tell them apart (a different basis, or a "
                        "qualifier such as approx)",
                        "severity": "error",
                    }
                )
            )
            drop = drop.union(conflicting.index)
    frame = (
        pd.concat(issues, ignore_index=True)[ISSUE_COLUMNS]
        if issues
        else pd.DataFrame(columns=ISSUE_COLUMNS)
    )
    return (obs.drop(index=drop) if len(drop) else obs), frame


# --- targets ----------------------------------------------------------------------------------

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


def normalize_targets(
    raw: pd.DataFrame, registry: ParkRegistry, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and convert raw target rows; returns ``(targets, issues)``."""
    missing = require_columns(raw, TARGET_REQUIRED, "targets")
    if len(missing):
        return pd.DataFrame(columns=TARGET_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = _Collector(raw)
    ids = _text(raw, "target_id")
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
    park_ids = _resolve_parks(col, _text(raw, "park_id"), registry)
    codes, _ = _resolve_indicators(col, _text(raw, "indicator"), catalog)
    kind = _text(raw, "kind").str.lower()
    col.flag(
        ~kind.isin(TARGET_KINDS),
        "kind",
        "unknown target kind",
        f"use one of {', '.join(TARGET_KINDS)}",
    )
    comp_text = _text(raw, "comparator")
    comparator = comp_text.map(_COMPARATORS)
    col.flag(comparator.isna(), "comparator", "unknown comparator", "use >= or <=")
    target_period, _ = _parse_periods(
        col, _text(raw, "target_period"), "target_period", required=False
    )
    col.flag(
        _text(raw, "target_period") == "",
        "target_period",
        "no target period: the target is kept but cannot be assessed",
        "fill in the year the plan sets, if the source states it",
        severity="warning",
    )
    base_period, _ = _parse_periods(col, _text(raw, "base_period"), "base_period", required=False)
    needs_base = kind.isin(["growth_rate", "multiple", "cumulative", "annual_increment"])
    col.flag(
        needs_base & (_text(raw, "base_period") == "") & (_text(raw, "target_period") != ""),
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
            _text(raw, name) == "",
            name,
            f"no {name}",
            "quote the plan: its title in source, the sentence in clause",
        )

    unit = _text(raw, "unit").map(lambda u: normalize_unit(u) if u else "")
    converted = kind.isin(_CONVERTED_KINDS)
    factors = _factors(col, unit.where(converted, ""), codes.where(converted), catalog)
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
    thr_unit = _text(raw, "threshold_unit").map(lambda u: normalize_unit(u) if u else "")
    thr = parse_numbers(raw["threshold"]) if "threshold" in raw.columns else None
    thr_value = thr["value"] if thr is not None else pd.Series(np.nan, index=raw.index)
    col.flag(
        counting & thr_value.isna(),
        "threshold",
        "no threshold for a count target",
        "fill in threshold and threshold_unit (e.g. 1000 and 亿元)",
    )
    thr_factor = _factors(
        col, thr_unit.where(counting, ""), codes.where(counting), catalog, column="threshold_unit"
    )
    scale = factors.where(converted, 1.0)
    out = pd.DataFrame(
        {
            "target_id": ids,
            "park_id": park_ids,
            "indicator": codes,
            "kind": kind,
            "comparator": comparator,
            "base_period": base_period,
            "base_value": round_significant(base["value"] * scale) if base is not None else np.nan,
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
            "source": _text(raw, "source"),
            "clause": _text(raw, "clause"),
            "note": _text(raw, "note"),
            "origin_file": raw["origin_file"],
            "origin_sheet": raw["origin_sheet"],
            "origin_row": raw["origin_row"],
        }
    )[~col.bad]
    return out.reset_index(drop=True)[TARGET_COLUMNS], col.issues()


# --- parks and memberships --------------------------------------------------------------------

PARK_REQUIRED = ("park_id", "name_zh", "short_name_zh", "level", "kind", "province", "source")


def normalize_parks(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check the park registry; returns ``(parks, issues)``."""
    missing = require_columns(raw, PARK_REQUIRED, "parks")
    if len(missing):
        return pd.DataFrame(columns=PARK_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = _Collector(raw)
    ids = _text(raw, "park_id")
    col.flag(
        ~ids.str.fullmatch(r"[a-z][a-z0-9_]*"),
        "park_id",
        "park_id is not an ASCII slug",
        "use lowercase letters, digits and '_' (e.g. hukou_hitech)",
    )
    col.flag(ids.duplicated(keep=False), "park_id", "park_id used twice", "make park_id unique")
    for name in ("name_zh", "short_name_zh", "kind", "province", "source"):
        col.flag(_text(raw, name) == "", name, f"no {name}", f"fill in {name}")
    level = _text(raw, "level")
    col.flag(~level.isin(LEVELS), "level", "unknown level", f"use one of {', '.join(LEVELS)}")
    fictional = _text(raw, "fictional").str.lower().isin(["true", "1", "yes", "是"])
    out = pd.DataFrame({c: _text(raw, c) for c in PARK_COLUMNS})
    out["fictional"] = fictional
    return out[~col.bad].reset_index(drop=True), col.issues()


def normalize_memberships(
    raw: pd.DataFrame, parks: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check group memberships against the registry; returns ``(memberships, issues)``."""
    missing = require_columns(raw, tuple(MEMBERSHIP_COLUMNS), "memberships")
    if len(missing):
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = _Collector(raw)
    groups = set(parks.loc[parks["kind"] == "group", "park_id"])
    known = set(parks["park_id"])
    group_id, member_id = _text(raw, "group_id"), _text(raw, "member_id")
    col.flag(
        ~group_id.isin(groups),
        "group_id",
        "not a group in parks.csv",
        "use the park_id of a row whose kind is group",
    )
    col.flag(~member_id.isin(known), "member_id", "unknown park", "add the park to parks.csv")
    col.flag(
        _text(raw, "source") == "", "source", "no source", "say where the membership is stated"
    )
    out = pd.DataFrame(
        {"group_id": group_id, "member_id": member_id, "source": _text(raw, "source")}
    )
    return out[~col.bad].drop_duplicates().reset_index(drop=True), col.issues()
