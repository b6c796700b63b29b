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
    "origin_column",
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
        once_per_sheet: bool = False,
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if severity == "error":
            mask = mask & ~self.bad  # one error per rejected row is enough
        rejected = mask
        if once_per_sheet and mask.any():  # a sheet-level fault: every row goes, one issue
            keys = self.raw.loc[mask, ["origin_file", "origin_sheet"]].astype(str)
            first = ~keys.duplicated().to_numpy()
            mask = mask.copy()
            mask[np.flatnonzero(mask)[~first]] = False
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
                    "row": np.full(int(mask.sum()), None)
                    if once_per_sheet
                    else self._origin("origin_row", mask),
                    "column": col,
                    "value": _texts_at(values, mask),
                    "problem": pick(problem),
                    "fix": pick(fix),
                    "severity": severity,
                }
            )
        )
        if severity == "error":
            self.bad |= rejected

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


def _map_fields(
    values: pd.Series, fn: Callable[[Any], tuple[object, ...]], n: int
) -> list[pd.Series]:
    """Like :func:`_map_distinct` for a function returning ``n`` fields: one call per value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [fn(u) for u in uniques]
    out = []
    for i in range(n):
        column = np.empty(len(uniques) + 1, dtype=object)
        column[:-1] = [r[i] for r in results]
        column[-1] = None
        out.append(pd.Series(column[codes], index=values.index))
    return out


def _map_pairs(
    a: pd.Series, b: pd.Series, fn: Callable[[Any, Any], tuple[object, ...]], n: int
) -> list[pd.Series]:
    """:func:`_map_fields` over pairs of values (e.g. unit and indicator): one call per pair."""
    keys = pd.DataFrame({"a": a, "b": b})
    group = keys.groupby(["a", "b"], sort=False, dropna=False).ngroup().to_numpy()
    first = keys.drop_duplicates()
    results = [fn(x, y) for x, y in zip(first["a"], first["b"], strict=True)]
    out = []
    for i in range(n):
        column = np.empty(len(results), dtype=object)
        column[:] = [r[i] for r in results]
        out.append(pd.Series(column[group], index=a.index))
    return out


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
    col: _Collector,
    names: pd.Series,
    registry: ParkRegistry,
    column: str = "park_id",
    from_title: pd.Series | None = None,
) -> pd.Series:
    """park_id per row: cells match whole names; sheet titles (``from_title``) may contain one."""
    ids = _map_distinct(names, registry.resolve)
    if from_title is not None and from_title.any():
        titled = _map_distinct(names, registry.resolve_title)
        ids = ids.where(~from_title, titled)
        unknown_title = ids.isna() & from_title
        col.flag(
            unknown_title,
            None,
            "the sheet names no single known park in its title or 填报单位 line",
            "write the park's name as in parks.csv on a 填报单位： line above the header",
            values=names,
            once_per_sheet=True,
        )
    shared = _map_distinct(names, lambda n: ", ".join(registry.shared_by(n)))
    ambiguous = ids.isna() & (shared != "")
    if ambiguous.any():
        col.flag(
            ambiguous,
            column,
            "the name is shared by parks " + shared.where(ambiguous, ""),
            "use the park_id, or a name only one park has",
            values=names,
        )
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
    col: _Collector, names: pd.Series, catalog: Catalog, growth: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """(code, unit written in the name) per row; ``growth == "yoy"`` rows get the ``_yoy`` code."""
    codes, units_in_name = _map_fields(names, lambda n: _resolve_indicator_name(n, catalog), 2)
    if growth is not None and (growth == "yoy").any():
        yoy = growth == "yoy"
        grown = _map_distinct(
            codes.where(yoy), lambda c: f"{c}_yoy" if f"{c}_yoy" in catalog else None
        )
        unknown_growth = yoy & codes.notna() & grown.isna()
        col.flag(
            unknown_growth,
            "indicator",
            "a growth rate is given for "
            + names.where(unknown_growth, "")
            + ", which has no growth variant",
            "leave the 同比 column empty for this indicator",
            values=names,
        )
        codes = codes.where(~yoy, grown)
        units_in_name = units_in_name.where(~yoy, None)
    unknown = codes.isna() & (names != "")
    if unknown.any():
        msgs = _map_distinct(names[unknown], catalog.unknown_message)
        col.flag(
            unknown,
            "indicator",
            msgs.reindex(names.index, fill_value=""),
            "use a code or Chinese name from the catalog (`parkdata catalog`), or add the "
            "indicator to an indicators.yaml beside your data",
            values=names,
        )
    col.flag(names == "", "indicator", "no indicator given", "fill in the indicator")
    return codes, units_in_name


def _parse_periods(
    col: _Collector, texts: pd.Series, column: str, required: bool = True
) -> tuple[pd.Series, pd.Series]:
    codes, hints = _map_fields(
        texts, lambda t: (p.code, p.basis_hint) if (p := parse_period(t)) else (None, None), 2
    )
    bad = codes.isna() & (texts != "")
    col.flag(
        bad,
        column,
        "not a period",
        "write 2021 (year), 2021Q3 (quarter), 2021-09 (month) or 2021年1-9月",
    )
    if required:
        col.flag(texts == "", column, "no period given", "fill in the period, e.g. 2021")
    return codes, hints


def _factors(
    col: _Collector, units: pd.Series, codes: pd.Series, catalog: Catalog, column: str = "unit"
) -> pd.Series:
    """Conversion factor per row from the reported unit to the indicator's canonical unit."""

    def factor(unit: object, code: object) -> tuple[float, str | None]:
        if not unit or not isinstance(code, str) or code not in catalog:
            return np.nan, None
        try:
            return conversion_factor(str(unit), catalog[code].unit), None
        except UnitError as exc:
            return np.nan, f"{exc} (indicator {code} is measured in {catalog[code].unit})"

    factors, errors = _map_pairs(units, codes, factor, 2)
    failed = errors.notna()
    if failed.any():
        col.flag(
            failed,
            column,
            errors.where(failed, "").astype(str),
            "give the unit the number was reported in "
            "(亿元, 万元, 平方公里, 亩, %, 家 …) matching what the indicator measures",
        )
    return pd.to_numeric(factors, errors="coerce")


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

    from_title = (
        raw["park_in_text"].astype(str).str.lower().eq("true")
        if "park_in_text" in raw.columns
        else None
    )
    growth = _text(raw, "growth") if "growth" in raw.columns else None
    park_ids = _resolve_parks(col, _text(raw, "park_id"), registry, from_title=from_title)
    codes, units_in_name = _resolve_indicators(col, _text(raw, "indicator"), catalog, growth)
    period_text = _text(raw, "period")
    periods, hints = _parse_periods(col, period_text, "period")

    basis_text = _text(raw, "basis")
    given = _map_distinct(basis_text, lambda b: _BASIS_WORDS.get(b.lower()) if b else "")
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
    shape = _map_distinct(periods, _period_shape)
    basis = basis.where(basis.notna() | (shape != "year"), "annual")
    col.flag(
        basis.isna() & periods.notna(),
        "basis",
        "basis missing for a sub-annual period",
        "say whether the number is ytd (本年累计, 1-N月), month (当月) or quarter (当季)",
        values=period_text,
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

    unit = _units(col, _text(raw, "unit"), parsed, units_in_name, empty)
    factors = _factors(col, unit, codes, catalog)

    source_given = _text(raw, "source")
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
            "unit": _map_distinct(codes, lambda c: catalog[c].unit if c in catalog else None),
            "value_reported": parsed["value"],
            "unit_reported": unit,
            "source": source,
            "note": _text(raw, "note"),
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
    col: _Collector,
    unit_column: pd.Series,
    parsed: pd.DataFrame,
    units_in_name: pd.Series,
    empty: pd.Series,
) -> pd.Series:
    """The reported unit per row, from the unit column, the value text (300亿元, 12%, 1.2万) or
    the indicator name (主营业务收入(亿元)); disagreements are errors."""
    unit_text = _map_distinct(unit_column, lambda u: normalize_unit(u) if u else "")
    in_value = parsed["unit"].fillna("")
    multiplier = in_value.isin(_MULTIPLIERS)
    if multiplier.any():  # 1.2万 with unit 家 is 1.2 万家; with unit 亿元 it is a contradiction
        combined = _map_pairs(
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
    # a base level: in the target's unit for level-like kinds, else in base_unit (a level, not %)
    base_unit = _text(raw, "base_unit").map(lambda u: normalize_unit(u) if u else "")
    has_base = base["value"].notna() if base is not None else pd.Series(False, index=raw.index)
    col.flag(
        has_base & ~converted & (base_unit == ""),
        "base_unit",
        "a base value for a " + kind + " target needs its unit",
        "fill in base_unit (e.g. 亿元): the base is a level, not a rate",
    )
    base_scale = scale.where(
        base_unit == "",
        _factors(
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
    out["origin_file"], out["origin_row"] = raw["origin_file"], raw["origin_row"]
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
