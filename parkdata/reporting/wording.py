"""Every word a user reads, in Chinese (first) and English: one text table
(``data/text.yaml``) for sentences, labels and page titles, and the names of the vocabulary's
codes (``data/vocab.yaml``), units and indicators. The math returns codes and numbers; this
module is the one place that turns them into words.

>>> text("status", "en"), text("status", "zh")
('Status', '状态')
>>> status_name("on_track", "en"), status_name("on_track")
('on track', '按当前进度可完成')
>>> text("n_targets", "en", n=1), text("n_targets", "en", n=3), text("n_targets", n=3)
('1 target', '3 targets', '3个目标')
>>> unit_name("万元/亩", "en"), unit_name("万元/亩")
('10,000 yuan per mu', '万元/亩')
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.schema import packaged_text, read_yaml
from parkdata.contract.vocab import Term, vocabulary
from parkdata.errors import ArgumentError, SchemaError

ORIGIN = "text.yaml"
LANGUAGES = ("zh", "en")


class Entry(BaseModel):
    """One text: Chinese, English, and the English singular where a count is 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str
    en_one: str | None = None


@cache
def _table() -> dict[str, Entry]:
    data = read_yaml(packaged_text(ORIGIN), ORIGIN)
    out: dict[str, Entry] = {}
    for section, items in data.items():
        if not isinstance(items, dict):
            raise SchemaError(f"{ORIGIN}: section {section!r} must map keys to texts")
        for key, value in items.items():
            name = f"{section}.{key}" if section != "text" else str(key)
            try:
                out[name] = Entry.model_validate(value)
            except Exception as exc:  # pydantic's ValidationError, named by key
                raise SchemaError(f"{ORIGIN}: {name}: {exc}") from None
    return out


def check_language(lang: str) -> str:
    """``lang`` when it is one parkdata writes; an ArgumentError naming them otherwise."""
    if lang not in LANGUAGES:
        raise ArgumentError(f"language {lang!r}: use zh (中文) or en (English)")
    return lang


def text(key: str, lang: str = "zh", **params: Any) -> str:
    """The text ``key`` in ``lang``, with ``{params}`` filled in (``n`` picks the English
    singular when it is 1)."""
    entry = _table()[key]
    template = entry.zh if check_language(lang) == "zh" else entry.en
    if lang == "en" and entry.en_one is not None and params.get("n") == 1:
        template = entry.en_one
    return template.format(**params) if params else template


def has_text(key: str) -> bool:
    """True when the text table has ``key``."""
    return key in _table()


class Bilingual(Protocol):
    """Anything named in both languages: vocabulary terms, presets, dimensions, size tiers."""

    @property
    def zh(self) -> str: ...

    @property
    def en(self) -> str: ...


def in_language(named: Bilingual, lang: str = "zh") -> str:
    """The name of ``named`` in ``lang`` (its ``zh`` or ``en``)."""
    return named.zh if check_language(lang) == "zh" else named.en


def _term(items: Iterable[Term], code: str, lang: str) -> str:
    for item in items:
        if item.code == code:
            return in_language(item, lang)
    return code


def status_name(status: str, lang: str = "zh") -> str:
    """The name of a status code (an unknown code is shown as it is)."""
    return _term(vocabulary().statuses, status, lang)


def model_name(model: str, lang: str = "zh") -> str:
    """The name of a projection model."""
    return _term(vocabulary().models, model, lang)


def qualifier_name(qualifier: str, lang: str = "zh") -> str:
    """How a figure was stated: '' for exact, 至少 for 突破…, 约 for approximate."""
    return "" if qualifier == "exact" else _term(vocabulary().qualifiers, qualifier, lang)


def level_name(level: str, lang: str = "zh") -> str:
    """国家级 for 'national' (national in English)."""
    return _term(vocabulary().park_levels, level, lang)


def kind_name(kind: str, lang: str = "zh") -> str:
    """A park's kind: the registry's own words (高新区, 经开区 …) except the group and region rows;
    in English the kinds parkdata knows are translated and others kept as written."""
    name = _term(vocabulary().park_kinds, kind, lang)
    if lang == "en" and name == kind and has_text(f"park_kind.{kind}"):
        return text(f"park_kind.{kind}", "en")
    return name


def unit_name(unit: str | None, lang: str = "zh", n: float | None = None) -> str:
    """A unit as a reader of ``lang`` writes it: Chinese units as printed, English names for
    English pages (亿元 → 100 million yuan, 万元/亩 → 10,000 yuan per mu, 家 → firms; with
    ``n=1``, 家 → firm)."""
    if not unit:
        return ""
    if check_language(lang) == "zh":
        return unit
    if "/" in unit:
        top, _, bottom = unit.partition("/")
        return f"{unit_name(top, lang, n)} per {unit_name(bottom, lang, 1)}"
    key = f"unit.{unit}"
    return text(key, "en", n=1 if n == 1 else 2) if has_text(key) else unit


def indicator_name(catalog: Catalog, code: str, lang: str = "zh") -> str:
    """An indicator's name from the catalog (its code when unknown)."""
    if code not in catalog:
        return code
    ind = catalog[code]
    return ind.name_en if lang == "en" else ind.name_zh


def indicator_names(catalog: Catalog, lang: str = "zh") -> dict[str, str]:
    """Indicator code → name, for every indicator of ``catalog``."""
    return {ind.code: (ind.name_en if lang == "en" else ind.name_zh) for ind in catalog}


def sep(kind: str, lang: str = "zh") -> str:
    """Punctuation of ``lang``: ``colon``, ``list`` (、 or , ), ``clause`` (，/, ),
    ``semicolon``, ``open`` / ``close`` (brackets), ``stop`` (。 or .), ``sentence_end`` (。 or
    '. ', before another sentence)."""
    zh = {
        "colon": "：",
        "list": "、",
        "clause": "，",
        "semicolon": "；",
        "open": "（",
        "close": "）",
        "stop": "。",
        "sentence_end": "。",
    }
    en = {
        "colon": ": ",
        "list": ", ",
        "clause": ", ",
        "semicolon": "; ",
        "open": " (",
        "close": ")",
        "stop": ".",
        "sentence_end": ". ",
    }
    return (zh if check_language(lang) == "zh" else en)[kind]
