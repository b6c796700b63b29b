"""The enterprise table of the 亩均效益 evaluation, checked with the same collector as every other
table: one row per firm, numbers where numbers belong (≥ 0 unless the input may be negative),
yes/no flags, ids that are unique per park and year (an 18-character 统一社会信用代码 must have a
valid check digit), and the plausibility rules of ``data/enterprise.yaml`` (land > 0 亩, negative
tax only with 留抵退税; warnings for odd but possible values). Problems name the file, sheet and
row the firm came from (the table's ``origin_*`` columns; without them, 1 = the first firm), the
column, the value and the fix; the errors are raised together as one
:class:`~parkdata.errors.InputError`, the warnings kept in ``values.attrs["warnings"]``.

The same checks serve ``pkd.classify_enterprises`` and the file loaders
(:mod:`parkdata.inputs.enterprise_files`), so a rule holds wherever firms come from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from parkdata.contract.enterprise_columns import PlausibilityRule, plausibility
from parkdata.contract.numbers import parse_numbers
from parkdata.contract.vocab import INEXACT
from parkdata.errors import InputError, Issue
from parkdata.inputs.checks import Collector, issue_objects

TABLE_LABEL = "enterprise table"
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "有", "√", "✓", "✔"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "无", "×", "✗", "✘"})
_USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
ENTERPRISE_RULES: tuple[PlausibilityRule, ...] = plausibility("enterprises")
"""The plausibility rules of the enterprise table (``data/enterprise.yaml``)."""


def _raw(firms: pd.DataFrame, label: str) -> pd.DataFrame:
    """The table with the origin columns the collector names problems by: the table's own
    (file, sheet, row of a loaded file) or ``label`` and 1, 2, … (1 = the first row)."""
    table = firms.reset_index(drop=True)
    if {"origin_file", "origin_row"} <= set(table.columns) and table["origin_row"].notna().all():
        return table if "origin_sheet" in table.columns else table.assign(origin_sheet=None)
    return table.assign(
        origin_file=label, origin_sheet=None, origin_row=np.arange(1, len(firms) + 1)
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
    """The column as booleans (True/False, 1/0, 是/否, √/×); anything else is flagged."""
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


def _uscc_problem(text: str) -> str | None:
    """Why an id that looks like a 统一社会信用代码 (18 characters of its alphabet) is not one;
    None for a valid code and for any other id (a local numbering such as DEMO-001)."""
    if len(text) != 18 or not set(text.upper()) <= _USCC_ALPHABET:
        return None
    try:
        uscc.validate(text.upper())
    except InvalidChecksum:
        return "not a valid 统一社会信用代码: the check digit (the 18th character) does not match"
    except ValidationError:
        return "not a valid 统一社会信用代码 (the registration authority, type or region code)"
    return None


def _row_text(row: object) -> str:
    """A row number as the user sees it (2, not 2.0)."""
    return str(int(row)) if isinstance(row, (int, float, np.integer, np.floating)) else str(row)


def _ids(col: Collector, raw: pd.DataFrame, id_column: str, key: Sequence[str]) -> pd.Series:
    """The ids, stripped (a 统一社会信用代码 in capitals); blanks, invalid 统一社会信用代码 and
    repeats (same id, and the same ``key`` columns such as park and year) are flagged."""
    ids = raw[id_column].astype(object).where(raw[id_column].notna(), "")
    ids = ids.astype(str).str.strip()
    col.flag(ids == "", id_column, "is blank", "give every row an id")
    problems = ids.map(_uscc_problem)
    col.flag(
        problems.notna(),
        id_column,
        problems.fillna(""),
        "copy the 18-character code from the business licence (营业执照); a local id "
        "(e.g. DEMO-001) is also accepted",
        values=ids,
    )
    ids = ids.where(problems.notna() | (ids.str.len() != 18), ids.str.upper())
    keys = pd.DataFrame({"id": ids})
    for name in key:
        if name in raw.columns:
            keys[name] = raw[name].astype(str)
    repeat = keys.duplicated(keep="first") & (ids != "")
    if repeat.any():
        group = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
        first = pd.Series(np.arange(len(raw))).groupby(group).transform("min").to_numpy()
        first_file = raw["origin_file"].astype(str).to_numpy()[first]
        first_row = [_row_text(r) for r in raw["origin_row"].to_numpy()[first]]
        same_file = first_file == raw["origin_file"].astype(str).to_numpy()
        where = [
            f"row {r}" if same else f"{f} row {r}"
            for f, r, same in zip(first_file, first_row, same_file, strict=True)
        ]
        scope = " and ".join(k for k in key if k in raw.columns)
        col.flag(
            repeat,
            id_column,
            pd.Series([f"repeats an earlier row ({w})" for w in where], index=raw.index),
            "keep one row per "
            + ("enterprise" if id_column == "enterprise_id" else "id")
            + (f" per {scope}" if scope else "")
            + " (merge or remove the duplicate)",
            values=ids,
        )
    return ids


def _plausible(
    col: Collector,
    values: pd.DataFrame,
    raw: pd.DataFrame,
    rules: Sequence[PlausibilityRule],
    truths: pd.DataFrame,
) -> None:
    """Flag the values ``rules`` find implausible (errors reject the row, warnings keep it)."""
    for rule in rules:
        if rule.column not in values.columns:
            continue
        x = values[rule.column]
        if rule.check == "positive":
            hit = x <= 0
        elif rule.check == "negative_needs_flag":
            flag = truths[rule.flag] if rule.flag in truths.columns else False
            hit = (x < 0) & ~pd.Series(flag, index=x.index).astype(bool)
        elif rule.check == "above_column":
            if rule.other not in values.columns:
                continue
            hit = x > values[rule.other]
        elif rule.check == "above":
            hit = x > float(rule.limit if rule.limit is not None else np.inf)
        else:  # not_whole
            hit = x.notna() & (x != np.floor(x))
        col.flag(
            hit.fillna(False).to_numpy(),
            rule.column,
            rule.problem,
            rule.fix,
            values=raw[rule.column],
            severity=rule.severity,
            code=rule.code,
        )


def check_firm_rows(
    firms: pd.DataFrame,
    numbers: Sequence[str],
    inputs: Mapping[str, Any],
    flags: Sequence[str] = (),
    optional_numbers: Sequence[str] = (),
    required_flags: Sequence[str] = (),
    *,
    id_column: str = "enterprise_id",
    key: Sequence[str] = ("park_id", "year"),
    rules: Sequence[PlausibilityRule] = ENTERPRISE_RULES,
    label: str = TABLE_LABEL,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`check_enterprise_table` for any table of firms or projects: ids in ``id_column``
    unique per ``key`` columns (those present), ``rules`` applied; the ids as checked (a
    统一社会信用代码 in capitals) are in ``truths.attrs["ids"]``."""
    if not isinstance(firms, pd.DataFrame):
        raise TypeError("firms must be a pandas DataFrame with one row per enterprise")
    missing = [c for c in [id_column, "name", *numbers, *required_flags] if c not in firms]
    if missing:
        raise InputError(
            [
                Issue(
                    label,
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
    raw = _raw(firms, label)
    col = Collector(raw, every_problem=True)
    ids = _ids(col, raw, id_column, key)
    present = [c for c in optional_numbers if c in raw.columns and c not in numbers]
    values = pd.DataFrame(
        {c: _numbers(col, raw, c, inputs.get(c)) for c in [*numbers, *present]}, index=raw.index
    )
    rule_flags = [r.flag for r in rules if r.flag is not None and r.flag in raw.columns]
    wanted = list(dict.fromkeys(c for c in [*flags, *rule_flags] if c in raw.columns))
    truths = pd.DataFrame(
        {c: _flags(col, raw, c, blank_ok=c not in required_flags) for c in wanted},
        index=raw.index,
    )
    _plausible(col, values, raw, rules, truths)
    issues = col.issues()
    errors = issues[issues["severity"] == "error"]
    if len(errors):
        raise InputError(issue_objects(errors))
    values.index = truths.index = firms.index
    values.attrs["warnings"] = issue_objects(issues[issues["severity"] != "error"])
    truths.attrs["ids"] = pd.Series(ids.to_numpy(), index=firms.index)
    return values, truths


def check_enterprise_table(
    firms: pd.DataFrame,
    numbers: Sequence[str],
    inputs: Mapping[str, Any],
    flags: Sequence[str] = (),
    optional_numbers: Sequence[str] = (),
    required_flags: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(numeric inputs as floats, flags as bools), indexed like ``firms``; or InputError.

    ``inputs`` describes the numeric columns (Chinese name, unit, may they be negative). The
    plausibility rules of ``data/enterprise.yaml`` apply to the columns checked (a rule's flag,
    such as ``tax_refund``, is read when the table has it); their warnings are
    ``values.attrs["warnings"]`` (a list of :class:`~parkdata.errors.Issue`).
    """
    return check_firm_rows(firms, numbers, inputs, flags, optional_numbers, required_flags)
