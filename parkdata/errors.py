"""Errors and data issues: every problem names where it is and what to do about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One problem found in an input: where it is, what is wrong, and how to fix it."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    problem: str
    fix: str
    sheet: str | None = None
    severity: str = "error"  # "error" rejects the row; "warning" keeps it
    code: str | None = None  # a warning's code, for reports to say it in words (text.yaml)

    def location(self) -> str:
        """Human-readable place: ``file [sheet] row N, column C``."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{self.location()}: {self.problem}{shown}. {self.fix}"

    def as_dict(self) -> dict[str, Any]:
        """The issue as a plain dict (for tables and JSON)."""
        return asdict(self)


class ParkDataError(Exception):
    """Base class of every error parkdata raises on purpose."""


class UnitError(ParkDataError, ValueError):
    """A unit is unknown or cannot be converted to the one asked for."""


class SchemaError(ParkDataError):
    """A data file of parkdata (catalog, vocabulary, presets) does not follow its schema."""


class CatalogError(SchemaError):
    """The indicator catalog is malformed, or a code or name is not in it."""


class ArgumentError(ParkDataError, ValueError):
    """A parameter a user gave is not one parkdata knows (a park, indicator, period, model …);
    the message names it, says what is accepted and lists the closest known values."""


class FormulaError(CatalogError):
    """A derived indicator's formula uses something other than codes, numbers and + - * /."""


@dataclass
class InputError(ParkDataError):
    """An input file (or several) could not be read as the data contract asks."""

    issues: list[Issue] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{len(self.issues)} problem(s) in the input:"
        shown = "\n".join(f"- {issue}" for issue in self.issues[:20])
        more = f"\n… and {len(self.issues) - 20} more" if len(self.issues) > 20 else ""
        return f"{head}\n{shown}{more}"
