"""The columns of the firm tables a park office fills in, and their plausibility rules, as data
(``data/enterprise.yaml``: ``inputs``, ``table_columns``, ``project_columns``, ``plausibility``,
``template_notes``), checked by the one validator (:mod:`parkdata.contract.schema`).

The enterprise table has one row per firm, park and year; the project table one row per proposed
industrial project. Each column has a code (also its English header), a Chinese header with its
unit (``用地面积（亩）``), other headers read as the same column, a kind and a help text for the
template. This module is in the contract stage so the loaders (inputs) and the evaluation
(assessment) read one spec.

>>> ENTERPRISE_COLUMNS["land_mu"].header, ENTERPRISE_COLUMNS["land_mu"].kind
('用地面积（亩）', 'number')
>>> [r.code for r in PLAUSIBILITY if r.severity == "error"]
['land_not_positive', 'negative_tax_without_refund', 'project_land_not_positive']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from parkdata.contract.schema import entries, packaged_text, read_yaml, unique_codes
from parkdata.errors import SchemaError

ORIGIN = "enterprise.yaml"
Kind = Literal["id", "text", "number", "flag", "year"]
Check = Literal["positive", "negative_needs_flag", "above_column", "above", "not_whole"]
TableName = Literal["enterprises", "projects"]


class InputColumn(BaseModel):
    """A numeric column of the enterprise table (as the indicators read it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    unit: str
    may_be_negative: bool = False


class TableColumn(BaseModel):
    """A column of a file a park office fills in."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    kind: Kind
    unit: str | None = None
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    width: float = 14.0

    @property
    def header(self) -> str:
        """The Chinese header the template writes: the name with its unit (用地面积（亩）)."""
        return f"{self.zh}（{self.unit}）" if self.unit else self.zh

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header read as this column: the code, the Chinese name (with or without the
        unit) and the aliases."""
        return (self.code, self.zh, self.header, *self.aliases)


class PlausibilityRule(BaseModel):
    """A check of a value against what is plausible: an error rejects the row, a warning keeps
    it. ``check``: ``positive`` (> 0), ``negative_needs_flag`` (< 0 only where ``flag`` is
    true), ``above_column`` (more than ``other``), ``above`` (more than ``limit``),
    ``not_whole`` (not a whole number)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    column: str
    check: Check
    severity: Literal["error", "warning"]
    problem: str
    fix: str
    table: TableName = "enterprises"
    flag: str | None = None
    other: str | None = None
    limit: float | None = None


def _check_columns(columns: Sequence[TableColumn], what: str) -> None:
    unique_codes(columns, what, ORIGIN)
    seen: dict[str, str] = {}
    for column in columns:
        for header in column.headers:
            key = header.strip().lower()
            if seen.setdefault(key, column.code) != column.code:
                raise SchemaError(
                    f"{ORIGIN}: {what} header {header!r} names both {seen[key]} and {column.code}"
                )


def _check_rules(
    rules: Sequence[PlausibilityRule], tables: Mapping[str, Mapping[str, TableColumn]]
) -> None:
    unique_codes(rules, "plausibility rule", ORIGIN)
    needs = {
        "negative_needs_flag": ("flag", "flag"),
        "above_column": ("other", "number"),
        "above": ("limit", None),
    }
    for rule in rules:
        columns = tables[rule.table]
        if columns.get(rule.column, None) is None or columns[rule.column].kind != "number":
            raise SchemaError(f"{ORIGIN}: plausibility {rule.code}: {rule.column} is no number")
        if rule.check in needs:
            field, kind = needs[rule.check]
            value = getattr(rule, field)
            bad_ref = kind is not None and (value not in columns or columns[value].kind != kind)
            if value is None or bad_ref:
                raise SchemaError(f"{ORIGIN}: plausibility {rule.code}: needs a valid {field}")


@cache
def _data() -> dict[str, Any]:
    data = read_yaml(packaged_text(ORIGIN), ORIGIN)
    inputs = entries(data, "inputs", InputColumn, ORIGIN)
    unique_codes(inputs, "input", ORIGIN)
    firms = entries(data, "table_columns", TableColumn, ORIGIN)
    projects = entries(data, "project_columns", TableColumn, ORIGIN)
    _check_columns(firms, "table column")
    _check_columns(projects, "project column")
    by_code = {i.code: i for i in inputs}
    for column in firms:
        if column.kind == "number" and (
            column.code not in by_code or by_code[column.code].unit != column.unit
        ):
            raise SchemaError(
                f"{ORIGIN}: table column {column.code} must be an input with the same unit"
            )
    tables = {"enterprises": {c.code: c for c in firms}, "projects": {c.code: c for c in projects}}
    rules = entries(data, "plausibility", PlausibilityRule, ORIGIN)
    _check_rules(rules, tables)
    notes = data.get("template_notes")
    if not isinstance(notes, dict) or not all(
        isinstance(notes.get(t), list) and all(isinstance(x, str) for x in notes[t]) for t in tables
    ):
        raise SchemaError(f"{ORIGIN}: template_notes must list lines for {sorted(tables)}")
    return {
        "inputs": by_code,
        "tables": tables,
        "rules": tuple(rules),
        "notes": {t: tuple(notes[t]) for t in tables},
    }


INPUTS: Mapping[str, InputColumn] = MappingProxyType(_data()["inputs"])
"""Numeric input column code → :class:`InputColumn` (Chinese name, unit …)."""
ENTERPRISE_COLUMNS: Mapping[str, TableColumn] = MappingProxyType(_data()["tables"]["enterprises"])
"""The enterprise table's columns by code, in the order of the template."""
PROJECT_COLUMNS: Mapping[str, TableColumn] = MappingProxyType(_data()["tables"]["projects"])
"""The project table's columns by code, in the order of the template."""
PLAUSIBILITY: tuple[PlausibilityRule, ...] = _data()["rules"]
"""The plausibility rules of both tables (``rule.table`` says which)."""
TEMPLATE_NOTES: Mapping[str, tuple[str, ...]] = MappingProxyType(_data()["notes"])
"""The opening lines of each template's 说明 sheet, by table."""


def table_columns(table: TableName) -> Mapping[str, TableColumn]:
    """The columns of ``table`` (``"enterprises"`` or ``"projects"``) by code."""
    return ENTERPRISE_COLUMNS if table == "enterprises" else PROJECT_COLUMNS


def plausibility(table: TableName) -> tuple[PlausibilityRule, ...]:
    """The plausibility rules of ``table``."""
    return tuple(r for r in PLAUSIBILITY if r.table == table)
