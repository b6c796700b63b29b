"""Periods: canonical strings ``2021`` (year), ``2021Q3`` (quarter), ``2021-09`` (month).

Chinese forms are read too: ``2021年``, ``2021年9月``, ``2021年1-9月`` / ``2021年1—9月`` (本年累计 to
September: a ``ytd`` basis), ``2021年1-2月`` (January and February are published together: ``2021-02``
ytd), ``2021年三季度`` / ``2021年第3季度``, ``2021.09``, ``202109``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

BASES = ("annual", "ytd", "quarter", "month", "point")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_CANONICAL = re.compile(r"^(?P<y>\d{4})(?:Q(?P<q>[1-4])|-(?P<m>0[1-9]|1[0-2]))?$")
_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"^(?P<y>\d{4})年?(?:1|01)[-—–~至到](?P<m>\d{1,2})月?$"), "ytd"),
    (re.compile(r"^(?P<y>\d{4})年?(?:第)?(?P<q>[1-4一二三四])季度?$"), "quarter"),
    (re.compile(r"^(?P<y>\d{4})[-/.年]?Q(?P<q>[1-4])$", re.I), "quarter"),
    (re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})月?(?:末)?$"), None),
    (re.compile(r"^(?P<y>\d{4})(?P<m>0[1-9]|1[0-2])$"), None),
    (re.compile(r"^(?P<y>\d{4})(?:年(?:度|末|底)?)?(?:\.0)?$"), None),
)


@dataclass(frozen=True)
class Period:
    """A parsed period and, when the text says it, its basis (``ytd`` for 1-9月)."""

    code: str
    year: int
    quarter: int | None = None
    month: int | None = None
    basis_hint: str | None = None

    @property
    def end_month(self) -> int:
        """Last month the period covers (12 for a year)."""
        if self.month is not None:
            return self.month
        if self.quarter is not None:
            return self.quarter * 3
        return 12

    @property
    def sort_key(self) -> float:
        """Comparable position in time (year + fraction of the year elapsed)."""
        return self.year + self.end_month / 12


def parse_period(text: object) -> Period | None:
    """Read a period; ``None`` when the text is not one.

    >>> parse_period("2021年1-9月")
    Period(code='2021-09', year=2021, quarter=None, month=9, basis_hint='ytd')
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    if not raw:
        return None
    match = _CANONICAL.match(raw)
    hint: str | None = None
    if match is None:
        for pattern, basis in _PATTERNS:
            match = pattern.match(raw)
            if match is not None:
                hint = basis
                break
    if match is None:
        return None
    year = int(match["y"])
    groups = match.groupdict()
    quarter_text, month_text = groups.get("q"), groups.get("m")
    if quarter_text:
        quarter = _CN_DIGITS.get(quarter_text) or int(quarter_text)
        return Period(f"{year}Q{quarter}", year, quarter=quarter, basis_hint=hint)
    if month_text:
        month = int(month_text)
        if not 1 <= month <= 12:
            return None
        return Period(f"{year}-{month:02d}", year, month=month, basis_hint=hint)
    return Period(str(year), year, basis_hint=hint)
