"""Units of Chinese park statistics and conversion between them.

1 亿元 = 10 000 万元; 1 平方公里 = 100 公顷 = 1500 亩; 1 万平方米 = 1 公顷 (methods.md §6).
Compound units ``A/B`` (万元/亩, 亿元/平方公里) convert factor by factor.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np

from parkdata.errors import UnitError

# unit -> (dimension, factor to the dimension's base unit)
_ATOMIC: dict[str, tuple[str, float]] = {
    # money, RMB (base 元)
    "元": ("cny", 1.0),
    "千元": ("cny", 1e3),
    "万元": ("cny", 1e4),
    "百万元": ("cny", 1e6),
    "千万元": ("cny", 1e7),
    "亿元": ("cny", 1e8),
    "万亿元": ("cny", 1e12),
    # money, USD (base 美元)
    "美元": ("usd", 1.0),
    "万美元": ("usd", 1e4),
    "亿美元": ("usd", 1e8),
    # area (base 亩)
    "亩": ("area", 1.0),
    "万亩": ("area", 1e4),
    "公顷": ("area", 15.0),
    "平方公里": ("area", 1500.0),
    "平方米": ("area", 0.0015),
    "万平方米": ("area", 15.0),
    # shares and multiples
    "%": ("percent", 1.0),
    "百分点": ("pp", 1.0),
    "倍": ("times", 1.0),
    # counts
    "家": ("count", 1.0),
    "户": ("count", 1.0),
    "个": ("count", 1.0),
    "项": ("count", 1.0),
    "座": ("count", 1.0),
    "件": ("count", 1.0),
    "次": ("count", 1.0),
    "场": ("count", 1.0),
    "万家": ("count", 1e4),
    "万户": ("count", 1e4),
    "万个": ("count", 1e4),
    "人": ("people", 1.0),
    "名": ("people", 1.0),
    "万人": ("people", 1e4),
    # evaluations
    "位": ("rank", 1.0),
    "分": ("score", 1.0),
    # energy
    "吨标准煤": ("energy", 1.0),
    "万吨标准煤": ("energy", 1e4),
}

_SPELLINGS: dict[str, str] = {
    "km2": "平方公里",
    "km²": "平方公里",
    "平方千米": "平方公里",
    "ha": "公顷",
    "m2": "平方米",
    "m²": "平方米",
    "亿": "亿元",
    "万亿": "万亿元",
    "億元": "亿元",
    "萬元": "万元",
    "萬億元": "万亿元",
    "畝": "亩",
    "個": "个",
    "戶": "户",
    "percent": "%",
    "pct": "%",
    "百分比": "%",
    "吨标煤": "吨标准煤",
    "万吨标煤": "万吨标准煤",
    "tce": "吨标准煤",
}


def normalize_unit(unit: str) -> str:
    """Canonical spelling of a unit: full-width forms folded, aliases (km², 億元, 亿) resolved."""
    text = unicodedata.normalize("NFKC", str(unit)).strip().replace(" ", "")
    text = text.replace("（", "(").replace("）", ")").strip("()")
    if "/" in text:
        return "/".join(normalize_unit(part) for part in text.split("/"))
    return _SPELLINGS.get(text, _SPELLINGS.get(text.lower(), text))


@lru_cache(maxsize=1024)
def _dimension(unit: str) -> tuple[str, float]:
    norm = normalize_unit(unit)
    if "/" in norm:
        top, _, bottom = norm.partition("/")
        dim_t, f_t = _dimension(top)
        dim_b, f_b = _dimension(bottom)
        return f"{dim_t}/{dim_b}", f_t / f_b
    if norm not in _ATOMIC:
        raise UnitError(f"unknown unit {unit!r}; known units: {', '.join(known_units())}")
    return _ATOMIC[norm]


def is_known_unit(unit: str) -> bool:
    """True if ``unit`` (or each part of a compound unit) is known."""
    try:
        _dimension(unit)
    except UnitError:
        return False
    return True


def known_units() -> list[str]:
    """Every atomic unit parkdata converts (compound units are built from these)."""
    return list(_ATOMIC)


@lru_cache(maxsize=1024)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor that turns a value in ``from_unit`` into ``to_unit``.

    >>> conversion_factor("平方公里", "亩")
    1500.0
    >>> conversion_factor("亿元/平方公里", "万元/亩") * 1500 == 10000
    True
    """
    dim_f, f_f = _dimension(from_unit)
    dim_t, f_t = _dimension(to_unit)
    if dim_f != dim_t:
        raise UnitError(
            f"cannot convert {from_unit!r} ({dim_f}) to {to_unit!r} ({dim_t}): "
            "they measure different things"
        )
    return f_f / f_t


def round_significant(values: np.ndarray, digits: int = 12) -> np.ndarray:
    """Round to ``digits`` significant digits: removes binary noise of unit conversion.

    3.24 万亿元 × 10 000 is 32400.000000000004 in floating point; as data it is 32400.
    """
    x = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(x)))
    scale = np.where(np.isfinite(magnitude), 10.0 ** (digits - 1 - magnitude), 1.0)
    return np.where(np.isfinite(x) & (x != 0), np.round(x * scale) / scale, x)
