"""Read numbers as statistics offices and news reports write them.

"1,234.5", full-width "１２３", "12.3%", "—" (missing), "约300" (approximately), "300余" and
"突破1000" (at least), "不足50" (at most). Commas must group thousands ("1,234",
"12,345,678.5"): "1,2,3" or "1.234,5" is an error, never 123 or 1.2345. Parsing is vectorised:
plain numbers take pandas' fast path and only the remaining distinct strings go through the text
rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

MISSING_TOKENS = frozenset(
    {
        "",
        "-",
        "--",
        "—",
        "——",
        "–",
        "─",
        "/",
        "…",
        "...",
        "nan",
        "na",
        "n/a",
        "null",
        "none",
        "无",
        "空",
    }
)

_PREFIXES: tuple[tuple[str, str], ...] = (
    ("不超过", "at_most"),
    ("不高于", "at_most"),
    ("不少于", "at_least"),
    ("不低于", "at_least"),
    ("超过", "at_least"),
    ("突破", "at_least"),
    ("大于", "at_least"),
    ("逾", "at_least"),
    ("超", "at_least"),
    ("大约", "approx"),
    ("约", "approx"),
    ("不足", "at_most"),
    ("不到", "at_most"),
    ("少于", "at_most"),
    ("近", "at_most"),
    ("达到", "exact"),
    ("达", "exact"),
    (">=", "at_least"),
    ("≥", "at_least"),
    (">", "at_least"),
    ("<=", "at_most"),
    ("≤", "at_most"),
    ("<", "at_most"),
    ("~", "approx"),
)
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("以上", "at_least"),
    ("余", "at_least"),
    ("多", "at_least"),
    ("+", "at_least"),
    ("左右", "approx"),
    ("上下", "approx"),
    ("以下", "at_most"),
    ("以内", "at_most"),
)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRAILING_UNIT = re.compile(r"^(?P<num>[+-]?[\d.]+)(?P<unit>[^\d.]+)$")
_DIGITS_AND_COMMAS = re.compile(r"[\d,]*,[\d,]*")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")
#: ``ParsedNumber.error`` of a number whose commas do not group thousands ("1,2,3").
BAD_THOUSANDS = "commas in the wrong place (they may only group thousands: 1,234 or 12,345,678.5)"


@dataclass(frozen=True)
class ParsedNumber:
    """One number read from text, with what the text said about it."""

    value: float | None
    qualifier: str = "exact"
    percent: bool = False
    unit: str | None = None
    error: str | None = None


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")  # − (minus sign)
    return text.replace(" ", "").replace("\u3000", "")


def _commas_group_thousands(text: str) -> bool:
    """True if every comma among digits groups thousands: "1,234.5" yes; "1,2,3", "1.234,5" no."""
    for match in _DIGITS_AND_COMMAS.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] == ".":  # a comma after the decimal point
            return False
        if not _THOUSANDS.fullmatch(match.group()):
            return False
    return True


def parse_number(text: object) -> ParsedNumber:
    """Read one value; ``error`` says why when it cannot be read.

    >>> parse_number("突破1,000").value, parse_number("突破1,000").qualifier
    (1000.0, 'at_least')
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ParsedNumber(None)
    if isinstance(text, (int, float, np.number)):
        return ParsedNumber(float(text))
    raw = _normalise(str(text))
    if raw.lower() in MISSING_TOKENS:
        return ParsedNumber(None)
    if "," in raw:
        if not _commas_group_thousands(raw):
            return ParsedNumber(None, error=BAD_THOUSANDS)
        raw = raw.replace(",", "")
    qualifier = "exact"
    rest = raw
    for prefix, qual in _PREFIXES:
        if rest.startswith(prefix):
            rest, qualifier = rest[len(prefix) :], qual
            break
    for suffix, qual in _SUFFIXES:
        if rest.endswith(suffix):
            rest = rest[: -len(suffix)]
            qualifier = qual if qualifier == "exact" else qualifier
            break
    percent = rest.endswith("%")
    rest = rest.rstrip("%")
    unit = None
    if not _NUMBER.match(rest):
        match = _TRAILING_UNIT.match(rest)
        if match is None or not _NUMBER.match(match["num"]):
            return ParsedNumber(None, error="not a number")
        rest, unit = match["num"], match["unit"]
        for suffix, qual in _SUFFIXES:  # "300余万元", "120万余平方米": 余 sits inside the unit
            if suffix in unit:
                unit = unit.replace(suffix, "")
                qualifier = qual if qualifier == "exact" else qualifier
    value = float(rest)
    if not np.isfinite(value):
        return ParsedNumber(None, error="not a number")
    return ParsedNumber(value, qualifier, percent, unit or None)


def parse_numbers(values: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`parse_number` over a Series (index kept).

    Columns: ``value`` (float, NaN when missing), ``qualifier`` (None where the text said nothing),
    ``percent`` (the text ended in %), ``unit`` (a unit written inside the value), ``error``.
    """
    n = len(values)
    out = pd.DataFrame(
        {
            "value": np.full(n, np.nan),
            "qualifier": pd.Series([None] * n, dtype=object).to_numpy(),
            "percent": np.zeros(n, dtype=bool),
            "unit": pd.Series([None] * n, dtype=object).to_numpy(),
            "error": pd.Series([None] * n, dtype=object).to_numpy(),
        },
        index=values.index,
    )
    if pd.api.types.is_numeric_dtype(values.dtype):
        out["value"] = values.astype(float).to_numpy()
        return out
    fast = pd.to_numeric(values, errors="coerce").astype(float)
    fast = fast.where(np.isfinite(fast))  # "inf" is not a statistic
    out["value"] = fast.to_numpy()
    slow = fast.isna() & values.notna()
    if slow.any():
        distinct = pd.unique(values[slow].astype(str))
        parsed = {text: parse_number(text) for text in distinct}
        texts = values[slow].astype(str)
        for col in ("value", "qualifier", "percent", "unit", "error"):
            lookup = {text: getattr(p, col) for text, p in parsed.items()}
            mapped = texts.map(lookup)
            out.loc[slow, col] = mapped.astype(float) if col == "value" else mapped
    return out
