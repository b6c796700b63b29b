"""The index page of the per-park reports: escaping, failed parks, hrefs, atomic writes."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from parkdata.contract.vocab import STATUSES
from parkdata.reporting.index_page import PortalEntry, check_href, render_index, write_index
from parkdata.reporting.wording import status_name

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ERROR = '<img src=x onerror=alert(2)> 第 3 行 & "quoted"'
META: dict[str, Any] = {
    "as_of": "2023年12月",
    "generated": "2024-03-18 09:30",
    "overview_href": "overview.html",
    "data_label": "公开数据",
}


def _entries() -> list[PortalEntry]:
    return [
        PortalEntry(
            park_id="hukou_hitech",
            name="湖口高新技术产业开发区",
            kind="高新区",
            level="省级",
            province="江西",
            fictional=False,
            href="reports/hukou_hitech.html",
            status_counts={"achieved": 3, "on_track": 4, "off_track": 2},
            n_targets=9,
            p_meet_mean=0.624,
            error=None,
            cached=False,
        ),
        PortalEntry(
            park_id="demo_007",
            name=HOSTILE,
            kind="产业园区",
            level="市级",
            province="示例省",
            fictional=True,
            href="reports/demo_007.html",
            status_counts={"needs_acceleration": 1},
            n_targets=1,
            p_meet_mean=None,
            error=None,
            cached=True,
        ),
        PortalEntry(
            park_id="broken_park",
            name="泉州台商投资区",
            kind="经开区",
            level="国家级",
            province="福建",
            fictional=False,
            href=None,
            status_counts={},
            n_targets=0,
            p_meet_mean=None,
            error=HOSTILE_ERROR,
            cached=False,
        ),
    ]


def _row(html: str, park_id: str) -> str:
    """The ``<tr>`` of one park."""
    match = re.search(rf'<tr class="park[^"]*" data-park-id="{park_id}".*?</tr>', html, re.S)
    assert match, f"no row for {park_id}"
    return match.group(0)


@pytest.fixture
def html() -> str:
    return render_index(_entries(), **META)


def test_hostile_name_is_escaped_everywhere(html: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert html.count("<script") == 1  # the page's own script only
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&amp;" in _row(html, "broken_park") and "&#34;quoted&#34;" in html


def test_failed_entry_shows_its_error_and_no_link(html: str) -> None:
    row = _row(html, "broken_park")
    assert "is-failed" in row and 'data-state="failed"' in row
    assert "错误：&lt;img src=x onerror=alert(2)&gt; 第 3 行" in row
    assert "<a " not in row and "href" not in row
    assert '<span class="badge b-failed">失败</span>' in row
    assert '<a href="reports/hukou_hitech.html" class="name">' in _row(html, "hukou_hitech")


def test_an_error_wins_over_an_href() -> None:
    entry = _entries()[0]
    entry.error = "stale"
    row = _row(render_index([entry], **META), "hukou_hitech")
    assert "<a " not in row and "stale" in row and "失败" in row


def test_summary_headers_and_counts(html: str) -> None:
    assert '<html lang="zh-CN">' in html
    assert "<title>园区目标进展报告</title>" in html  # Chinese only: no English gloss
    assert '<meta name="viewport"' in html
    assert "3个园区，2份报告，1个失败" in html
    assert "标注（虚构）的园区为虚构示例数据" in html
    assert "2023年12月" in html and "2024-03-18 09:30" in html and "公开数据" in html
    assert '<a href="overview.html" id="overview-link">' in html
    for name in map(status_name, STATUSES):
        assert f"<span>{name}</span>" in html
    for header in ("园区", "类型", "级别", "省份", "目标数", "平均达标概率", "状态"):
        assert f'class="sort">{header}</button>' in html
    hukou = _row(html, "hukou_hitech")
    cells = re.findall(r'<td class="num[^"]*" data-sort="([^"]*)">([^<]*)</td>', hukou)
    # six statuses, then targets and mean P(meet)
    assert [shown for _, shown in cells] == ["3", "4", "0", "2", "0", "0", "9", "62%"]
    assert cells[-1][0] == "0.624"
    assert '<span class="pid">hukou_hitech</span>' in hukou
    assert '<span class="badge b-report">报告</span>' in hukou
    assert '<span class="badge b-cached">缓存</span>' in _row(html, "demo_007")
    assert "（虚构）" in _row(html, "demo_007") and "（虚构）" not in hukou


def test_missing_values_show_a_dash_and_sort_last(html: str) -> None:
    broken = _row(html, "broken_park")
    assert broken.count('<td class="num na" data-sort="">—</td>') == 8
    nan = _entries()[0]
    nan.p_meet_mean = float("nan")
    assert '<td class="num na" data-sort="">—</td>' in render_index([nan], **META)


def test_no_fictional_note_and_no_overview_when_not_needed() -> None:
    entries = [e for e in _entries() if not e.fictional]
    page = render_index(entries, **{**META, "overview_href": None})
    assert "虚构示例数据" not in page and "overview-link" not in page
    assert "2个园区，1份报告，1个失败" in page


def test_unknown_status_codes_get_their_own_column() -> None:
    entry = _entries()[0]
    entry.status_counts = {**entry.status_counts, "withdrawn": 1}
    page = render_index([entry], **META)
    assert 'data-status="withdrawn"' in page and '<span class="dot s-other"' in page


def test_empty_index_and_english() -> None:
    assert "暂无园区" in render_index([], **META)
    page = render_index(_entries(), **META, lang="en")
    assert '<html lang="en">' in page and "3 parks, 2 reports, 1 failed" in page
    with pytest.raises(ValueError, match="lang"):
        render_index([], **META, lang="fr")


BAD_HREFS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://example.com/r.html",
    "//example.com/r.html",
    "/etc/passwd",
    "\\\\host\\share",
    "\\reports\\a.html",
    "",
]


@pytest.mark.parametrize("href", BAD_HREFS)
def test_hrefs_with_a_scheme_or_not_relative_are_refused(href: str) -> None:
    with pytest.raises(ValueError, match="href"):
        check_href(href)
    entry = _entries()[0]
    entry.href = href
    with pytest.raises(ValueError, match="href"):
        render_index([entry], **META)
    with pytest.raises(ValueError, match="href"):
        render_index([], **{**META, "overview_href": href})


@pytest.mark.parametrize(
    "href",
    [
        "reports/hukou_hitech.html",
        "../reports/a.html",
        "a.html#sec",
        "reports/a:b.html",
        "reports\\a.html",
    ],
)
def test_relative_hrefs_are_accepted(href: str) -> None:
    assert check_href(href) == href


def test_write_index_is_atomic_and_returns_the_path(tmp_path: Path) -> None:
    target = tmp_path / "site" / "index.html"
    out = write_index(target, _entries(), **META)
    assert out == target
    assert target.read_text(encoding="utf-8") == render_index(_entries(), **META)
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]
    before = target.read_bytes()
    entry = _entries()[0]
    entry.href = "javascript:alert(1)"
    with pytest.raises(ValueError):
        write_index(target, [entry], **META)
    assert target.read_bytes() == before  # a refused page never replaces the old one
    out = write_index(str(target), _entries()[:1], **META)
    assert out == target and "1个园区" in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]


def test_no_remote_resources(html: str) -> None:
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:)?//""", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert re.search(r"<link [^>]*href=\"data:,\"", html)  # no favicon request either


def test_csp_allows_exactly_the_inline_script_and_style(html: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp
    policy = csp.group(1).replace("&#39;", "'")
    assert policy.startswith("default-src 'none';")
    for tag in ("script", "style"):
        blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert len(blocks) == 1
        digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in policy


def test_template_is_package_data() -> None:
    template = resources.files("parkdata") / "templates" / "index.html.j2"
    assert template.is_file()
