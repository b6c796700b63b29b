"""Numbers, values with units, periods and targets as a reader of each language writes them:
the one place parkdata formats numbers for people.

>>> format_number(255330.2), format_number(31.2481), format_number(float("nan"))
('255,330', '31.25', '')
>>> format_value(3808.4, "亿元"), format_value(3808.4, "亿元", "en"), format_value(12, "家", "en")
('3,808亿元', '3,808 × 100 million yuan', '12 firms')
>>> period_label("2026-10"), period_label("2022"), period_label("2022Q3"), period_label("2026-10", "en")
('2026年10月', '2022年', '2022年Q3', '2026-10')
>>> pct(0.8995), pct(12.345, scale=1, digits=1)
('90%', '12.3%')
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from parkdata.contract.vocab import vocabulary
from parkdata.reporting.wording import sep, text, unit_name

COUNT_UNITS = ("家", "个", "户", "人", "项", "件", "所", "座")
"""Units of things counted one by one: shown as whole numbers from 10 on."""
_SYMBOLS = {c.code: c.symbol for c in vocabulary().comparators}


def missing(value: Any) -> bool:
    """True for None and NaN (and pandas' NA)."""
    return value is None or bool(pd.isna(value))


def format_number(value: float | None) -> str:
    """A number as users read it: thousands separators for large values, 4 significant digits
    for small ones, blank for missing (255330.2 → '255,330'; 31.2481 → '31.25')."""
    if missing(value):
        return ""
    value = float(value)  # type: ignore[arg-type]
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def format_value(value: float, unit: str = "", lang: str = "zh") -> str:
    """A value with its unit as a sentence of ``lang`` reads it; counts as whole numbers."""
    if missing(value):
        return ""
    number = f"{value:,.0f}" if unit in COUNT_UNITS and abs(value) >= 10 else format_number(value)
    return with_unit(number, unit_name(unit, lang, float(number.replace(",", ""))), lang)


def format_range(low: float, high: float, unit: str = "", lang: str = "zh") -> str:
    """A range with its unit once, after it ('3,288–4,410亿元', '58–131 firms'); counts whole."""
    bare = [format_value(v, unit if unit in COUNT_UNITS else "", "zh") for v in (low, high)]
    if unit in COUNT_UNITS:
        bare = [b.removesuffix(unit) for b in bare]
    return with_unit(f"{bare[0]}–{bare[1]}", unit_name(unit, lang), lang)


def with_unit(number: str, unit: str, lang: str = "zh") -> str:
    """A formatted number and a unit already in ``lang`` ('3,808亿元', '3,808 × 100 million yuan',
    '12 firms', '12%')."""
    if lang == "zh" or not unit or unit == "%":
        return f"{number}{unit}"
    return f"{number} × {unit}" if unit[0].isdigit() else f"{number} {unit}"


def pct(value: float | None, scale: float = 100.0, digits: int = 0) -> str:
    """``value × scale`` as a percentage ('' when missing): a share (0.8) or a rate in %."""
    if missing(value):
        return ""
    return f"{float(value) * scale:.{digits}f}%"  # type: ignore[arg-type]


def share_cut(x: float) -> str:
    """A rank-share cut-off: 0.2 → '0.20', 0.125 → '0.125'."""
    return f"{x:.2f}" if round(x, 2) == x else f"{x:g}"


def period_label(label: str, lang: str = "zh") -> str:
    """'2026-10' → '2026年10月', '2022' → '2022年', '2022Q3' → '2022年Q3' (English keeps the
    canonical code, which reads as it is)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})|-?Q([1-4]))?", label)
    if lang == "en" or match is None:
        return label
    year, month, quarter = match.groups()
    if month:
        return text("year_month", lang, year=year, month=int(month))
    if quarter:
        return text("year_quarter", lang, year=year, quarter=quarter)
    return text("year", lang, year=year)


def year_text(period: object, lang: str = "zh") -> str:
    """The target year as written in a sentence, or 未写明 when the plan gives none."""
    shown = "" if missing(period) else str(period)[:4]
    return shown or text("unstated", lang)


def target_text(row: Any, lang: str = "zh") -> str:
    """'≥800亿元' — the target as the plan states it; count targets add their threshold."""
    symbol = _SYMBOLS.get(str(row.get("comparator") or ""), "")
    value = row.get("target_value")
    unit = str(row.get("unit") or "")
    shown = format_value(float(value), unit, lang) if not missing(value) else ""
    space = " " if lang == "en" and symbol else ""
    out = f"{symbol}{space}{shown}"
    if row.get("kind") == "count_over_threshold" and not missing(row.get("threshold")):
        lower = row.get("direction") == "lower"
        threshold = format_value(
            float(row["threshold"]), str(row.get("threshold_unit") or ""), lang
        )
        mark = ("≤" if lower else "≥") + space
        out += f"{sep('open', lang)}{mark}{threshold}{sep('close', lang)}"
    return out
