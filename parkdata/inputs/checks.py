"""What every table check shares: the contract's columns, the issue collector, and resolvers.

Checks take a raw table (text columns plus ``origin_*`` columns, as the readers return it) and
return ``(clean, issues)``: the rows that passed, in canonical units, and a DataFrame of issues
naming file, sheet, row, column, the value and what to do. Work is vectorised over distinct values
(:func:`map_distinct`), so millions of rows cost little more than reading them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from parkdata.contract.domains import WARNING_FAULTS
from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.periods import parse_period
from parkdata.contract.registry import ParkRegistry
from parkdata.contract.tables import ISSUE_COLUMNS
from parkdata.contract.units import conversion_factor, is_known_unit, normalize_unit
from parkdata.errors import Issue, UnitError

_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")


class Collector:
    """Collects issues for rows of one raw table and remembers which rows are rejected.

    A rejected row gets one error (the first found) unless ``every_problem`` is set, when each
    problem of a row is listed (for small tables whose rows are fixed by hand, such as firms).
    """

    def __init__(self, raw: pd.DataFrame, every_problem: bool = False):
        self.raw = raw
        self.bad = np.zeros(len(raw), dtype=bool)
        self.parts: list[pd.DataFrame] = []
        self.every_problem = every_problem

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
        code: str | None = None,
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if severity == "error" and not self.every_problem:
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
                    "value": texts_at(values, mask),
                    "problem": pick(problem),
                    "fix": pick(fix),
                    "severity": severity,
                    "code": code,
                }
            )
        )
        if severity == "error":
            self.bad |= rejected

    def issues(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        issues = pd.concat(self.parts, ignore_index=True).reindex(columns=ISSUE_COLUMNS)
        # a wide row melted into several cells repeats its row-level problems: list each once
        return issues.drop_duplicates(["file", "sheet", "row", "column", "problem"])


def texts_at(values: pd.Series | None, mask: np.ndarray) -> np.ndarray:
    """The offending values as text (None where missing), for the rows in ``mask`` only."""
    if values is None:
        return np.full(int(mask.sum()), None)
    picked = values[mask]
    return np.array([None if pd.isna(v) else str(v) for v in picked], dtype=object)


def text_column(raw: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text; a missing column reads as empty strings."""
    if column not in raw.columns:
        return pd.Series("", index=raw.index, dtype="str")
    col = raw[column]
    if not (pd.api.types.is_string_dtype(col.dtype) or col.dtype == object):
        return col.astype("str").where(col.notna(), "")
    return col.fillna("").astype("str").str.strip()


def map_distinct(values: pd.Series, fn: Callable[[Any], object]) -> pd.Series:
    """Apply ``fn`` once per distinct value and spread the results back (index kept).

    Uses :func:`pandas.factorize`, so a column of millions of rows with a few hundred distinct
    values costs a few hundred calls and one take.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [fn(u) for u in uniques]
    results[-1] = None  # missing values (code -1) map to None
    return pd.Series(results[codes], index=values.index)


def map_fields(
    values: pd.Series, fn: Callable[[Any], tuple[object, ...]], n: int
) -> list[pd.Series]:
    """Like :func:`map_distinct` for a function returning ``n`` fields: one call per value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [fn(u) for u in uniques]
    out = []
    for i in range(n):
        column = np.empty(len(uniques) + 1, dtype=object)
        column[:-1] = [r[i] for r in results]
        column[-1] = None
        out.append(pd.Series(column[codes], index=values.index))
    return out


def map_pairs(
    a: pd.Series, b: pd.Series, fn: Callable[[Any, Any], tuple[object, ...]], n: int
) -> list[pd.Series]:
    """:func:`map_fields` over pairs of values (e.g. unit and indicator): one call per pair."""
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


def resolve_parks(
    col: Collector,
    names: pd.Series,
    registry: ParkRegistry,
    column: str = "park_id",
    from_title: pd.Series | None = None,
) -> pd.Series:
    """park_id per row: cells match whole names; sheet titles (``from_title``) may contain one."""
    ids = map_distinct(names, registry.resolve)
    if from_title is not None and from_title.any():
        titled = map_distinct(names, registry.resolve_title)
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
    shared = map_distinct(names, lambda n: ", ".join(registry.shared_by(n)))
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
        hints = map_distinct(names[unknown], lambda n: "; ".join(registry.suggest(n)) or "none")
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


def resolve_indicator_name(name: str, catalog: Catalog) -> tuple[str | None, str | None]:
    """(code, unit written in the name) for 主营业务收入 / 主营业务收入(亿元) / main_business_revenue."""
    code = catalog.resolve(name)
    if code is not None:
        return code, None
    units = [u for u in _PAREN.findall(name) if is_known_unit(u)]
    stripped = _PAREN.sub("", name)
    code = catalog.resolve(stripped)
    return (code, normalize_unit(units[0]) if units else None) if code else (None, None)


def resolve_indicators(
    col: Collector, names: pd.Series, catalog: Catalog, growth: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """(code, unit written in the name) per row; ``growth == "yoy"`` rows get the ``_yoy`` code."""
    codes, units_in_name = map_fields(names, lambda n: resolve_indicator_name(n, catalog), 2)
    if growth is not None and (growth == "yoy").any():
        yoy = growth == "yoy"
        grown = map_distinct(
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
        msgs = map_distinct(names[unknown], catalog.unknown_message)
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


def parse_periods(
    col: Collector, texts: pd.Series, column: str, required: bool = True
) -> tuple[pd.Series, pd.Series]:
    codes, hints = map_fields(
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


def conversion_factors(
    col: Collector, units: pd.Series, codes: pd.Series, catalog: Catalog, column: str = "unit"
) -> pd.Series:
    """Conversion factor per row from the reported unit to the indicator's canonical unit."""

    def factor(unit: object, code: object) -> tuple[float, str | None]:
        if not unit or not isinstance(code, str) or code not in catalog:
            return np.nan, None
        try:
            return conversion_factor(str(unit), catalog[code].unit), None
        except UnitError as exc:
            return np.nan, f"{exc} (indicator {code} is measured in {catalog[code].unit})"

    factors, errors = map_pairs(units, codes, factor, 2)
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


def check_domains(
    col: Collector,
    values: pd.Series,
    codes: pd.Series,
    catalog: Catalog,
    column: str,
    shown: pd.Series | None = None,
) -> None:
    """Flag ``values`` (in each indicator's canonical unit) outside their indicator's domain
    (catalog.yaml ``domains``): not finite (1e308 万亿元 overflows), below its least or above its
    greatest value, not whole. A value only a little past the maximum (a share of 100.4 %) is
    kept with a warning. ``shown`` is the value as written (default: the raw ``column``)."""
    known = map_distinct(codes, lambda c: c if isinstance(c, str) and c in catalog else None)
    domain = map_distinct(known, lambda c: catalog[c].domain)
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    faults = np.full(len(x), None, dtype=object)
    for code in pd.unique(domain.dropna()):
        rows = (domain == code).to_numpy()
        faults[rows] = catalog.domains[code].faults(x[rows])
    faults = pd.Series(faults, index=values.index)
    if faults.isna().all():
        return
    unit = map_distinct(known, lambda c: catalog[c].unit)
    words = map_distinct(domain, lambda d: catalog.domains[d].description)
    fix = map_distinct(domain, lambda d: catalog.domains[d].fix)
    slack = map_distinct(domain, lambda d: f"{catalog.domains[d].max_slack:g}")
    top = map_distinct(domain, lambda d: f"{catalog.domains[d].max or 0:g}")
    shown = shown if shown is not None else text_column(col.raw, column)
    for fault in pd.unique(faults.dropna()):
        hit = (faults == fault).to_numpy()
        if fault == "not_finite":
            problem: str | pd.Series = (
                "not a finite number once converted to " + unit.fillna("") + " (too large, or inf)"
            )
            why: str | pd.Series = "check the number and its unit"
        elif fault in WARNING_FAULTS:
            problem = (
                "above the greatest possible value of "
                + known.fillna("")
                + " ("
                + words.fillna("")
                + ") by at most "
                + slack.fillna("")
                + ": kept, probably rounding"
            )
            why = "check the figure; write " + top.fillna("") + " if it was rounded up"
        else:
            problem = "impossible for " + known.fillna("") + ": " + words.fillna("")
            why = fix
        col.flag(
            hit,
            column,
            problem,
            why,
            values=shown,
            severity="warning" if fault in WARNING_FAULTS else "error",
            code=f"domain_{fault}" if fault in WARNING_FAULTS else None,
        )


def issue_objects(issues: pd.DataFrame) -> list[Issue]:
    """Rows of an issues table as :class:`Issue` objects (for printing)."""
    return [
        Issue(
            file=str(r.file),
            sheet=None if pd.isna(r.sheet) else str(r.sheet),
            row=None if pd.isna(r.row) else int(r.row),
            column=None if pd.isna(r.column) else str(r.column),
            value=None if pd.isna(r.value) else str(r.value),
            problem=str(r.problem),
            fix=str(r.fix),
            severity=str(r.severity),
            code=None if pd.isna(getattr(r, "code", None)) else str(r.code),
        )
        for r in issues.itertuples(index=False)
    ]
