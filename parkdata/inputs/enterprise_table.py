"""The enterprise table of the 亩均效益 evaluation, checked with the same collector as every other
table: one row per firm, numbers where numbers belong (≥ 0 unless the input may be negative),
yes/no flags, unique ids. Problems name the row (1 = the first firm), the column, the value and
the fix; all of them are raised together as one :class:`~parkdata.errors.InputError`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from parkdata.contract.numbers import parse_numbers
from parkdata.contract.vocab import INEXACT
from parkdata.errors import InputError, Issue
from parkdata.inputs.building import issue_objects
from parkdata.inputs.checks import Collector

TABLE_LABEL = "enterprise table"
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "有", "√", "✓"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "无", "×"})


def _raw(firms: pd.DataFrame) -> pd.DataFrame:
    """The table with the origin columns the collector names problems by."""
    return firms.reset_index(drop=True).assign(
        origin_file=TABLE_LABEL, origin_sheet=None, origin_row=np.arange(1, len(firms) + 1)
    )


def _numbers(col: Collector, raw: pd.DataFrame, column: str, meta: Any) -> pd.Series:
    """The column as floats; text, approximate values and forbidden negatives are flagged."""
    series = raw[column]
    described = f"{meta.zh}, {meta.unit}" if meta is not None else column
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        parsed = parse_numbers(series.astype(object))
        qualified = parsed["qualifier"].isin(INEXACT)
        marked = parsed["percent"].astype(bool) | parsed["unit"].notna()
        bad = parsed["error"].notna() | qualified | marked
        values = parsed["value"].astype(float).where(~bad)
    else:
        bad = pd.Series(False, index=series.index)
        values = series.astype(float)
    bad = bad | np.isinf(values)
    col.flag(
        bad,
        column,
        "not a plain number",
        f"write {column} ({described}) as a number such as 12.5, without units, % or words "
        "like 约; leave it blank if unknown",
    )
    may_be_negative = bool(getattr(meta, "may_be_negative", False))
    negative = ~bad & (values < 0) & (not may_be_negative)
    col.flag(
        negative,
        column,
        "is negative",
        f"{column} ({described}) must be ≥ 0; correct the figure or leave it blank",
    )
    return values.where(~bad & ~negative)


def _flags(col: Collector, raw: pd.DataFrame, column: str, blank_ok: bool) -> pd.Series:
    """The column as booleans (True/False, 1/0, 是/否); anything else is flagged."""
    series = raw[column]
    if pd.api.types.is_bool_dtype(series):
        return series.astype(bool)
    text = series.astype(object).where(series.notna(), "").astype(str).str.strip().str.lower()
    truth = text.isin(_TRUE)
    known = truth | text.isin(_FALSE) | ((text == "") & blank_ok)
    fix = f"write True or False (or 是/否, 1/0) in {column}"
    col.flag(~known & (text == ""), column, "is blank", fix)
    col.flag(~known & (text != ""), column, "not a yes/no value", fix)
    return truth


def _ids(col: Collector, raw: pd.DataFrame) -> None:
    ids = raw["enterprise_id"].astype(object).where(raw["enterprise_id"].notna(), "")
    ids = ids.astype(str).str.strip()
    col.flag(ids == "", "enterprise_id", "is blank", "give every enterprise an id")
    col.flag(
        ids.duplicated(keep="first") & (ids != ""),
        "enterprise_id",
        "repeats an earlier row",
        "keep one row per enterprise (merge or remove the duplicate)",
        values=ids,
    )


def check_enterprise_table(
    firms: pd.DataFrame,
    numbers: Sequence[str],
    inputs: Mapping[str, Any],
    flags: Sequence[str] = (),
    optional_numbers: Sequence[str] = (),
    required_flags: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(numeric inputs as floats, flags as bools), indexed like ``firms``; or InputError.

    ``inputs`` describes the numeric columns (Chinese name, unit, may they be negative).
    """
    if not isinstance(firms, pd.DataFrame):
        raise TypeError("firms must be a pandas DataFrame with one row per enterprise")
    missing = [c for c in ["enterprise_id", "name", *numbers, *required_flags] if c not in firms]
    if missing:
        raise InputError(
            [
                Issue(
                    TABLE_LABEL,
                    None,
                    c,
                    None,
                    "required column is missing",
                    f"add a column {c!r}"
                    + (f" ({inputs[c].zh}, {inputs[c].unit})" if c in inputs else "")
                    + ", one row per enterprise",
                )
                for c in missing
            ]
        )
    raw = _raw(firms)
    col = Collector(raw, every_problem=True)
    _ids(col, raw)
    present = [c for c in optional_numbers if c in raw.columns and c not in numbers]
    values = pd.DataFrame({c: _numbers(col, raw, c, inputs.get(c)) for c in [*numbers, *present]})
    wanted = [c for c in flags if c in raw.columns]
    truths = pd.DataFrame(
        {c: _flags(col, raw, c, blank_ok=c not in required_flags) for c in wanted},
        index=raw.index,
    )
    issues = col.issues()
    if len(issues):
        raise InputError(issue_objects(issues))
    values.index = truths.index = firms.index
    return values, truths
