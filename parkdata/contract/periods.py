"""Periods: canonical strings ``2021`` (year), ``2021Q3`` (quarter), ``2021-09`` (month).

One grammar serves table cells (:func:`parse_period`, the whole text must be a period) and sheet
titles (:func:`find_period`, the first period inside a longer text). Chinese forms are read:
``2021年``, ``2021年9月``, ``2021年1-9月`` / ``2021年1—9月`` (本年累计 to September: basis ``ytd``),
``2021年1-2月`` (published together: ``2021-02`` ytd), ``2021年上半年`` (ytd to June),
``2021年前三季度`` (ytd to September), ``2021年三季度`` / ``2021年第3季度`` / ``2021年7-9月``
(the quarter alone), ``2021.09``, ``202109``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parkdata.errors import ArgumentError

_Y = r"(?P<y>(?:19|20)\d{2})"
_DASH = r"[-—–~～至到]"
_CN = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
# (pattern, kind): kind says how the groups are read; order matters (most specific first)
_GRAMMAR: tuple[tuple[str, str], ...] = (
    (_Y + r"年?(?:1|01)月?" + _DASH + r"(?P<m>\d{1,2})月", "ytd"),
    (_Y + r"年?截至(?P<m>\d{1,2})月(?:底|末)?", "ytd"),
    (_Y + r"年?(?:1|一)" + _DASH + r"(?P<n>[二两三四2-4])季度", "ytd_quarters"),
    (_Y + r"年?(?P<m1>\d{1,2})月?" + _DASH + r"(?P<m2>\d{1,2})月", "span"),
    (_Y + r"年?度?上半年", "h1"),
    (_Y + r"年?前(?P<n>[一二两三四1-4])个?季度", "ytd_quarters"),
    (_Y + r"年?第?(?P<q>[1-4一二三四])季度", "quarter"),
    (_Y + r"[-/.年]?Q(?P<q>[1-4])", "quarter"),
    (_Y + r"年(?P<m>\d{1,2})月(?:末|底)?", "month"),
    (_Y + r"年(?P<cm>十[一二]?|[一二三四五六七八九])月(?:末|底)?", "month"),
    (_Y + r"[-/](?P<m>\d{1,2})(?:月(?:末|底)?)?", "month"),
    # 2021.09; not 2021.1, which is what a spreadsheet makes of 2021.10
    (_Y + r"\.(?P<m>0[1-9]|1[0-2])", "month"),
    (_Y + r"(?P<m>0[1-9]|1[0-2])", "month"),
    (_Y + r"(?:年(?:度|末|底)?)?(?:\.0)?", "year"),
)
_FULL = tuple((re.compile(rf"^{p}$", re.I), kind) for p, kind in _GRAMMAR)
_SEARCH = (
    *((re.compile(p, re.I), kind) for p, kind in _GRAMMAR[:-1]),
    # in titles a year needs its 年, and nothing after it that we do not read (下半年, 前…)
    (
        re.compile(
            _Y + r"年(?!\d|[上下]半年|前|第|[一二三四五六七八九十]|截至|度[上下前第一二三四])"
        ),
        "year",
    ),
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


def _month(year: int, month: int, hint: str | None) -> Period | None:
    if not 1 <= month <= 12:
        return None
    return Period(f"{year}-{month:02d}", year, month=month, basis_hint=hint)


def _quarter(year: int, quarter: int) -> Period:
    return Period(f"{year}Q{quarter}", year, quarter=quarter, basis_hint="quarter")


def _build(match: re.Match[str], kind: str) -> Period | None:
    year = int(match["y"])
    if kind == "ytd":
        return _month(year, int(match["m"]), "ytd")
    if kind == "span":  # 4-6月 is the second quarter; other spans are not periods we keep
        first, last = int(match["m1"]), int(match["m2"])
        if last - first == 2 and first in (1, 4, 7, 10):
            return _quarter(year, last // 3)
        return None
    if kind == "h1":
        return _month(year, 6, "ytd")
    if kind == "ytd_quarters":
        n = match["n"]
        return _month(year, 3 * (_CN.get(n) or int(n)), "ytd")
    if kind == "quarter":
        q = match["q"]
        return _quarter(year, _CN.get(q) or int(q))
    if kind == "month":
        month = _CN[match["cm"]] if match.groupdict().get("cm") else int(match["m"])
        return _month(year, month, None)
    return Period(str(year), year)


def _normalise(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")


def parse_period(text: object) -> Period | None:
    """Read a period that is the whole of ``text``; ``None`` when it is not one.

    >>> parse_period("2021年1-9月")
    Period(code='2021-09', year=2021, quarter=None, month=9, basis_hint='ytd')
    """
    raw = _normalise(text)
    for pattern, kind in _FULL:
        match = pattern.match(raw)
        if match is not None:
            period = _build(match, kind)
            if period is not None:
                return period
    return None


def find_period(text: object) -> Period | None:
    """The first period written inside a longer text (a sheet title, a sheet name).

    >>> find_period("湖口高新园区2021年前三季度主要经济指标").code
    '2021-09'
    """
    raw = _normalise(text)
    found: list[tuple[int, int, Period]] = []
    for rank, (pattern, kind) in enumerate(_SEARCH):
        for match in pattern.finditer(raw):
            period = _build(match, kind)
            if period is not None:
                found.append((match.start(), rank, period))
                break
    if not found:
        return None
    # the earliest position wins; at one position the most specific form (lowest rank)
    return min(found, key=lambda f: (f[0], f[1]))[2]


def _period_attr(codes: pd.Series, attr: str) -> pd.Series:
    """One attribute of parsed period codes (NaN where a code does not parse)."""
    values: dict[object, float] = {}
    for code in pd.unique(codes.dropna()):
        period = parse_period(code)
        values[code] = np.nan if period is None else float(getattr(period, attr))
    return codes.map(values).astype(float)


def period_time(codes: pd.Series) -> pd.Series:
    """Position in time of period codes in years: the end of the period (2022 → 2023.0,
    2022-09 → 2022.75), so spans between any two periods are in years."""
    return _period_attr(codes, "sort_key")


def period_year(codes: pd.Series) -> pd.Series:
    """Calendar year of period codes."""
    return _period_attr(codes, "year")


def period_month(codes: pd.Series) -> pd.Series:
    """Last month covered by period codes (12 for a year, 9 for 2021-09 or 2021Q3)."""
    return _period_attr(codes, "end_month")


AS_OF_FORMS = "2022 (a year), 2022Q3 (a quarter), 2022-09 or 2022年1-9月 (a month)"


def check_as_of(as_of: str | None) -> str | None:
    """``as_of`` as given when it is None or a period; ArgumentError naming the forms otherwise.

    >>> check_as_of("2022Q3")
    '2022Q3'
    >>> check_as_of("20x1")
    Traceback (most recent call last):
    ...
    parkdata.errors.ArgumentError: as_of '20x1' is not a period; write 2022 (a year), 2022Q3 (a quarter), 2022-09 or 2022年1-9月 (a month)
    """
    if as_of is not None and parse_period(as_of) is None:
        raise ArgumentError(f"as_of {as_of!r} is not a period; write {AS_OF_FORMS}")
    return as_of


def as_of_time(as_of: str | None, today: dt.date | None = None) -> float:
    """``as_of`` as a time in years (a period's end); ``None`` means the last completed month.

    >>> as_of_time("2022"), as_of_time("2022-09")
    (2023.0, 2022.75)
    """
    if as_of is None:
        today = today or dt.date.today()
        return today.year + (today.month - 1) / 12
    period = parse_period(check_as_of(as_of))
    assert period is not None  # checked above
    return period.sort_key


def as_of_label(as_of: str | None, today: dt.date | None = None) -> str:
    """The as-of period shown to users (today's last completed month when not given)."""
    if as_of is not None:
        return str(as_of)
    today = today or dt.date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"
