"""The index page in headless Chromium: no console errors, escaping, sorting, filtering, links.

Needs Debian's chromium at /usr/bin/chromium. Without it the tests are skipped locally and fail
when ``CI`` is set (``.ci/run`` sets it and installs chromium).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, sync_playwright

from parkdata.reporting.index_page import PortalEntry, write_index

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
MISSING = "install Debian's chromium: `apt-get install -y chromium`"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = "<script>alert(1)</script>"
ENTRIES = [
    PortalEntry(
        park_id="hukou_hitech",
        name="湖口高新技术产业开发区",
        kind="高新区",
        level="省级",
        province="江西",
        fictional=False,
        href="reports/hukou_hitech.html",
        status_counts={"achieved": 3, "on_track": 4, "off_track": 2},
        n_targets=12,
        p_meet_mean=0.62,
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
        status_counts={"needs_acceleration": 1, "off_track": 4},
        n_targets=5,
        p_meet_mean=0.4,
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
        error="ValueError: <img src=x onerror=alert(2)>",
    ),
]
# The data: icon stops Chromium asking the server for /favicon.ico, whose 404 it logs as a
# console error; real report pages need the same line to pass the no-console-errors check.
REPORT = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{id}</title>'
    '<link rel="icon" href="data:,"></head><body><h1>{id} 报告</h1></body></html>\n'
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _require_chromium() -> None:
    """Fail in CI, skip elsewhere, when Debian's chromium is not installed."""
    if CHROMIUM.exists():
        return
    if _in_ci():
        pytest.fail(f"{CHROMIUM} not found; {MISSING}", pytrace=False)
    pytest.skip(f"{CHROMIUM} not found; {MISSING}")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output directory: the index page and a tiny report per park that has one."""
    root = tmp_path_factory.mktemp("portal")
    for entry in ENTRIES:
        if entry.href is not None:
            report = root / entry.href
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(REPORT.format(id=entry.park_id), encoding="utf-8")
    (root / "overview.html").write_text(REPORT.format(id="overview"), encoding="utf-8")
    write_index(
        root / "index.html",
        ENTRIES,
        as_of="2023年12月",
        generated="2024-03-18 09:30",
        overview_href="overview.html",
        data_label="测试数据",
    )
    return root


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """``site`` served over HTTP on a free port of 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught errors, dialogs, requests."""

    origin: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text} at {msg.location}")

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self) -> None:
        assert not self.dialogs, f"a dialog opened: {self.dialogs}"
        assert not self.errors, "\n".join(self.errors)
        foreign = [url for url in self.requests if not url.startswith(self.origin)]
        assert not foreign, f"requests outside {self.origin}: {foreign}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser | None]:
    """One headless Chromium for the module (None when it is not installed)."""
    if not CHROMIUM.exists():
        yield None  # each test then skips, or fails in CI, in its own body
        return
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def _page(browser: Browser | None, origin: str) -> Iterator[tuple[Page, Watch]]:
    """A page in a fresh context with a Watch attached; the Watch is checked at the end."""
    _require_chromium()
    assert browser is not None
    watch = Watch(origin)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.on("console", watch.console)
        page.on("pageerror", lambda exc: watch.errors.append(f"pageerror: {exc}"))
        page.on("dialog", watch.dialog)
        page.on("request", lambda req: watch.requests.append(_url(req)))
        yield page, watch
        page.wait_for_timeout(100)  # let late console messages arrive
    finally:
        context.close()
    watch.check()


def _url(request: Request) -> str:
    return request.url


def _order(page: Page) -> list[str]:
    return page.locator("#parks tbody tr.park").evaluate_all(
        "rows => rows.map(r => r.dataset.parkId)"
    )


def _visible(page: Page) -> list[str]:
    return page.locator("#parks tbody tr.park").evaluate_all(
        "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.parkId)"
    )


def test_hostile_name_is_text_and_nothing_runs(browser: Browser | None, base_url: str) -> None:
    with _page(browser, base_url) as (page, _):
        page.goto(base_url + "index.html")
        name = page.locator('tr[data-park-id="demo_007"] .name')
        assert name.inner_text() == HOSTILE
        assert HOSTILE in page.locator("#parks").inner_text()
        assert page.locator("script").count() == 1  # the page's own script only
        assert page.locator("img").count() == 0
        failed = page.locator('tr[data-park-id="broken_park"]')
        assert "<img src=x onerror=alert(2)>" in failed.inner_text()
        assert failed.locator("a").count() == 0
        assert (
            page.locator("#summary").inner_text() == "3个园区，2份报告，1个失败（其中1份沿用缓存）"
        )
        assert page.locator("#controls").is_visible()  # the script ran (its CSP hash matches)


def test_numeric_and_text_headers_sort_and_reverse(browser: Browser | None, base_url: str) -> None:
    with _page(browser, base_url) as (page, _):
        page.goto(base_url + "index.html")
        assert _order(page) == ["hukou_hitech", "demo_007", "broken_park"]
        header = page.locator("#col-targets")
        assert header.get_attribute("aria-sort") is None
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "ascending"
        assert _order(page) == ["demo_007", "hukou_hitech", "broken_park"]  # missing last
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "descending"
        assert _order(page) == ["hukou_hitech", "demo_007", "broken_park"]

        off_track = page.locator('th[data-status="off_track"]')
        off_track.locator("button").click()
        assert off_track.get_attribute("aria-sort") == "ascending"
        assert header.get_attribute("aria-sort") is None
        assert _order(page) == ["hukou_hitech", "demo_007", "broken_park"]
        off_track.locator("button").click()
        assert _order(page) == ["demo_007", "hukou_hitech", "broken_park"]

        name = page.locator("#parks thead th").first
        name.locator("button").click()
        ascending = _order(page)
        names = {e.park_id: e.name for e in ENTRIES}
        expected = page.evaluate(
            "names => names.slice().sort((a, b) => a.localeCompare(b, 'zh-CN'))",
            [names[i] for i in ascending],
        )
        assert [names[i] for i in ascending] == expected
        name.locator("button").click()
        assert name.get_attribute("aria-sort") == "descending"
        assert _order(page) == ascending[::-1]


def test_filters_by_text_and_state(browser: Browser | None, base_url: str) -> None:
    with _page(browser, base_url) as (page, _):
        page.goto(base_url + "index.html")
        assert _visible(page) == ["hukou_hitech", "demo_007", "broken_park"]
        box = page.locator("#filter-text")
        box.fill("HUKOU")  # park id, case-insensitive
        assert _visible(page) == ["hukou_hitech"]
        assert page.locator("#n-shown").inner_text() == "1"
        box.fill("福建")  # province
        assert _visible(page) == ["broken_park"]
        box.fill("<SCRIPT>")  # name
        assert _visible(page) == ["demo_007"]
        box.fill("no such park")
        assert _visible(page) == []
        assert page.locator("#no-match").is_visible()
        box.fill("")
        assert _visible(page) == ["hukou_hitech", "demo_007", "broken_park"]
        assert not page.locator("#no-match").is_visible()
        state = page.locator("#filter-state")
        state.select_option("failed")
        assert _visible(page) == ["broken_park"]
        state.select_option("has-off_track")
        assert _visible(page) == ["hukou_hitech", "demo_007"]
        state.select_option("cached")
        assert _visible(page) == ["demo_007"]
        state.select_option("all")
        assert page.locator("#n-shown").inner_text() == "3"


def test_park_and_overview_links_open_the_reports(browser: Browser | None, base_url: str) -> None:
    with _page(browser, base_url) as (page, _):
        page.goto(base_url + "index.html")
        page.locator('tr[data-park-id="hukou_hitech"] a').click()
        page.wait_for_url(base_url + "reports/hukou_hitech.html")
        assert page.locator("h1").inner_text() == "hukou_hitech 报告"
        page.go_back()
        page.locator("#overview-link").click()
        page.wait_for_url(base_url + "overview.html")
        assert page.locator("h1").inner_text() == "overview 报告"


def test_works_from_file_urls(browser: Browser | None, site: Path) -> None:
    with _page(browser, site.as_uri()) as (page, _):
        page.goto((site / "index.html").as_uri())
        assert page.locator('tr[data-park-id="demo_007"] .name').inner_text() == HOSTILE
        page.locator("#col-p-meet button").click()
        assert _order(page) == ["demo_007", "hukou_hitech", "broken_park"]
        page.locator("#filter-text").fill("江西")
        assert _visible(page) == ["hukou_hitech"]
        page.locator("#filter-text").fill("")
        page.locator('tr[data-park-id="demo_007"] a').click()
        page.wait_for_url("**/reports/demo_007.html")
        assert page.locator("h1").inner_text() == "demo_007 报告"


def test_phone_width_scrolls_the_table_not_the_page(browser: Browser | None, base_url: str) -> None:
    with _page(browser, base_url) as (page, _):
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(base_url + "index.html")
        widths = page.evaluate(
            """() => {
              const wrap = document.querySelector('.table-wrap');
              return [document.documentElement.scrollWidth, window.innerWidth,
                      wrap.scrollWidth, wrap.clientWidth];
            }"""
        )
        page_width, viewport, table_width, wrap_width = widths
        assert page_width <= viewport
        assert table_width > wrap_width
