"""One text table for every word users read: complete for every code the math returns, the same
placeholders in both languages, and pages in one language (a Chinese page without English
glosses, an English page without Chinese but for names and quoted sources)."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser

import pytest

import parkdata as pkd
from parkdata.assessment.enterprise_scheme import DEFAULT_RULES
from parkdata.assessment.verdicts import REASON_FLAGS, REASONS
from parkdata.contract.schema import packaged_text, read_yaml
from parkdata.contract.vocab import vocabulary
from parkdata.projection.anticipate import PROJECTION_CODES, PROJECTION_FLAGS
from parkdata.reporting.wording import has_text, text, unit_name

CJK = re.compile(r"[\u4e00-\u9fff]")
TABLE = read_yaml(packaged_text("text.yaml"), "text.yaml")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize(("section", "key"), [(s, k) for s, items in TABLE.items() for k in items])
def test_every_text_has_both_languages_and_the_same_placeholders(section: str, key: str) -> None:
    entry = TABLE[section][key]
    assert entry["zh"] and (entry["en"] or section == "unit"), key  # 个: a count, no noun
    assert _fields(entry["zh"]) == _fields(entry["en"]), key
    if section not in ("unit", "park_kind", "index"):
        assert not CJK.search(entry["en"].replace("突破", "")), key  # English is English


def test_every_code_the_math_returns_has_words() -> None:
    keys = [f"reason.{c}" for c in (*REASONS, *REASON_FLAGS)]
    keys += [f"projection.{c}" for c in PROJECTION_CODES if c != "fitted"]
    keys += [f"projection.{c}" for c in PROJECTION_FLAGS]
    keys += [f"pace.{c}" for c in ("levels", "reported_cagr", "reported_yoy")]
    keys += [f"pace.{c}" for c in ("yearly_figures", "member_trends")]
    keys += [f"rule.{r.code}" for r in vocabulary().rules]
    keys += [f"schedule.{c}" for c in ("behind_time", "behind_time_seasonal_ok", "on_time")]
    keys += [f"evaluation.{c}" for c in ("ranked", "low_coverage", "no_data")]
    keys += [f"model_choice.{c}" for c in ("chosen", "too_few_forecasts", "none_calibrated")]
    keys += [f"derived.{c}" for c in ("missing_input", "division_by_zero")]
    missing = [k for k in keys if not has_text(k)]
    assert not missing
    assert all(rule.label_en for rule in DEFAULT_RULES)


def test_units_have_english_names() -> None:
    assert unit_name("亿元", "en") == "100 million yuan"
    assert unit_name("万元/亩", "en") == "10,000 yuan per mu"
    assert unit_name("家", "en") == "firms" and unit_name("家") == "家"
    assert unit_name("亿元/平方公里", "en") == "100 million yuan per km²"
    units = {ind.unit for ind in pkd.default_catalog()}
    untranslated = [u for u in units if CJK.search(unit_name(u, "en"))]
    assert not untranslated


def test_plurals_in_english() -> None:
    assert text("narrative.more", "en", n=1) == "1 more in the table below."
    assert text("narrative.more", "en", n=2) == "2 more in the table below."


class _Texts(HTMLParser):
    """Visible text of generated parts of a report page: (tag path, text) pairs."""

    SKIP = ("style", "script")

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.found: list[tuple[tuple[tuple[str, str], ...], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "img", "meta", "link", "input"):
            self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(t in self.SKIP for t, _ in self.stack):
            self.found.append((tuple(self.stack), data.strip()))


def _generated(html: str) -> list[str]:
    """The words parkdata generates: headings, table headers, statuses, sentences, notes —
    not the figures' sources, plan titles and clauses quoted from documents, or captions."""
    parser = _Texts()
    parser.feed(html)
    out = []
    for path, data in parser.found:
        classes = " ".join(c for _, c in path)
        tags = [t for t, _ in path]
        if "figcaption" in tags or "pd-plans" in classes or "pd-meta" in classes:
            continue  # captions cite documents; the header quotes the registry
        if "pd-small" in classes and "td" in tags:
            continue  # the sources table quotes its documents
        out.append(data)
    return out


@pytest.fixture(scope="module")
def donghu() -> dict[str, str]:
    pages = {}
    for lang in ("zh", "en"):
        report = pkd.park_report("wuhan_donghu_hitech", as_of="2022", language=lang)
        pages[lang] = "".join(s.html for s in report.sections())
    return pages


def test_the_chinese_report_has_no_english_glosses(donghu: dict[str, str]) -> None:
    # an English phrase in brackets, as "（target met by the latest figure）" was; a model's code
    # (loglinear) or a cited body (UNESCAP) is one word, not a gloss
    gloss = re.compile(r"[（(][A-Za-z]+[ ,][A-Za-z ,.;:'-]+[)）]")
    words = _generated(donghu["zh"])
    assert not [t for t in words if gloss.search(t)]
    assert not [t for t in words if re.search(r"\b(the|of|and|figure|target)\b", t)]


def test_the_english_report_is_english_but_for_names(donghu: dict[str, str]) -> None:
    names = ("东湖高新区", "開發區高質量發展實施方案", "武汉")
    words = _generated(donghu["en"])
    chinese = [t for t in words if CJK.search(t) and not any(n in t for n in names)]
    assert not chinese
    for heading in ("Summary", "Targets", "Target by target", "Data and method notes", "Methods"):
        assert any(t == heading for t in words), heading
    assert any(t == "needs acceleration" for t in words)  # statuses
    assert any("no figure for this indicator by the as-of date" in t for t in words)  # reasons
    assert any("× 100 million yuan" in t for t in words)  # units
