"""The index page of the per-park HTML reports: one sortable, filterable table of parks.

The page is self-contained (inline CSS and JS, no network requests), works from ``file://``,
and carries a Content-Security-Policy that only lets its own inline script and style run.
Everything taken from data is escaped by Jinja2 autoescape.

>>> entry = PortalEntry(
...     park_id="demo", name="示例园区", kind="高新区", level="国家级", province="江西",
...     fictional=True, href="reports/demo.html", status_counts={"on_track": 2},
...     n_targets=2, p_meet_mean=0.8, error=None, cached=False,
... )
>>> html = render_index([entry], as_of="2022", generated="2024-01-01 12:00",
...                     overview_href=None, data_label="示例")
>>> "1个园区，1份报告，0个失败" in html
True
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from parkdata.contract.vocab import ALARM, PRESSING, STATUSES
from parkdata.files import write_text_if_changed
from parkdata.reporting.formatting import pct
from parkdata.reporting.style import STATUS_COLOURS
from parkdata.reporting.wording import check_language, sep, status_name, text

__all__ = ["PortalEntry", "check_href", "render_index", "write_index"]

TEMPLATE = "index.html.j2"

# statuses offered in the "has …" filter, worst first
FILTER_STATUSES = PRESSING

_LABELS = (
    "title",
    "generated",
    "data",
    "overview",
    "overview_link",
    "cached_note",
    "fictional_note",
    "filter_text",
    "filter_placeholder",
    "filter_state",
    "all",
    "ok",
    "failed_opt",
    "cached_opt",
    "has",
    "shown_pre",
    "shown_post",
    "scroll_hint",
    "no_match",
    "no_parks",
    "col_name",
    "col_kind",
    "col_level",
    "col_province",
    "col_targets",
    "col_p_meet",
    "col_p_meet_title",
    "col_state",
    "status_title",
    "report",
    "cached",
    "failed",
    "error",
    "no_report",
    "sort_hint",
)


def labels(lang: str) -> dict[str, str]:
    """The index page's fixed words in ``lang`` (templates with ``{…}`` are filled later)."""
    check_language(lang)
    words = {key: text(f"index.{key}", lang) for key in _LABELS}
    words.update(
        html_lang="zh-CN" if lang == "zh" else "en",
        as_of=text("as_of", lang),
        fictional_tag=text("fictional_mark", lang).strip(),
    )
    return words


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class PortalEntry:
    """One park's line on the index page (``href`` is None and ``error`` set when it failed)."""

    park_id: str
    name: str
    kind: str
    level: str
    province: str
    fictional: bool
    href: str | None
    status_counts: dict[str, int] = field(default_factory=dict)
    n_targets: int = 0
    p_meet_mean: float | None = None
    error: str | None = None
    cached: bool = False

    @property
    def state(self) -> str:
        """``"failed"`` (error or no report), ``"cached"`` or ``"report"``."""
        if self.error is not None or self.href is None:
            return "failed"
        return "cached" if self.cached else "report"


def check_href(href: str) -> str:
    """Return ``href`` if it is a relative path; raise ValueError for schemes (``javascript:``…).

    >>> check_href("reports/hukou_hitech.html")
    'reports/hukou_hitech.html'
    >>> check_href("JavaScript:alert(1)")
    Traceback (most recent call last):
    ...
    ValueError: href must be a relative path, not a URL with a scheme: 'JavaScript:alert(1)'
    """
    if not isinstance(href, str) or not href:
        raise ValueError(f"href must be a non-empty relative path: {href!r}")
    # browsers drop control characters and surrounding spaces before reading the scheme
    if _CONTROL.search(href) or href != href.strip():
        raise ValueError(f"href must not contain control characters or edge spaces: {href!r}")
    if _SCHEME.match(href):
        raise ValueError(f"href must be a relative path, not a URL with a scheme: {href!r}")
    if href.startswith(("/", "\\")):  # browsers treat a backslash like "/": both are absolute
        raise ValueError(f"href must be a relative path, not start with / or \\: {href!r}")
    return href


def _csp_hash(text: Any) -> str:
    """The CSP source expression (``'sha256-…'``) allowing an inline block with this text."""
    digest = hashlib.sha256(str(text).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("parkdata", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["csp_hash"] = _csp_hash
    return env


def _status_columns(entries: list[PortalEntry], lang: str) -> list[dict[str, str]]:
    """The status columns: the known statuses in order, then any other code found in the data."""
    extra = sorted({code for e in entries for code in e.status_counts} - set(STATUSES))
    return [
        {
            "code": code,
            "name": _header(status_name(code, lang), lang),
            "css": f"s-{code}" if code in STATUSES else "s-other",
        }
        for code in (*STATUSES, *extra)
    ]


def _header(name: str, lang: str) -> str:
    """A status name as a column header (capitalised in English)."""
    return name[:1].upper() + name[1:] if lang == "en" else name


def _row(entry: PortalEntry, codes: list[str], t: dict[str, str]) -> dict[str, Any]:
    """What the template shows for one entry (all strings still unescaped)."""
    state = entry.state
    p = entry.p_meet_mean
    if p is not None and not math.isfinite(p):
        p = None
    has_counts = bool(entry.status_counts) or state != "failed"
    counts = [
        {"code": code, "n": int(entry.status_counts.get(code, 0)) if has_counts else None}
        for code in codes
    ]
    flags = [state, "ok" if state != "failed" else ""]
    flags += [
        f"has-{code}" for code in FILTER_STATUSES if int(entry.status_counts.get(code, 0)) > 0
    ]
    error = None
    if state == "failed":
        error = entry.error if entry.error is not None else t["no_report"]
    return {
        "park_id": entry.park_id,
        "name": entry.name,
        "kind": entry.kind,
        "level": entry.level,
        "province": entry.province,
        "fictional": entry.fictional,
        "href": entry.href if state != "failed" else None,
        "counts": counts,
        "n_targets": entry.n_targets if has_counts else None,
        "p_meet": p,
        "p_meet_pct": None if p is None else pct(p),
        "state": state,
        "state_label": t[state],
        "error": error,
        "flags": " ".join(f for f in flags if f),
        "search": " ".join((entry.name, entry.park_id, entry.province)),
    }


def render_index(
    entries: Iterable[PortalEntry],
    *,
    as_of: str,
    generated: str,
    overview_href: str | None,
    data_label: str,
    lang: str = "zh",
) -> str:
    """The index page as an HTML string (``lang`` "zh" or "en"); bad hrefs raise ValueError."""
    t = labels(lang)
    entries = list(entries)
    for entry in entries:
        if entry.href is not None:
            check_href(entry.href)
    if overview_href is not None:
        check_href(overview_href)
    columns = _status_columns(entries, lang)
    rows = [_row(e, [c["code"] for c in columns], t) for e in entries]
    n_failed = sum(r["state"] == "failed" for r in rows)
    n_cached = sum(r["state"] == "cached" for r in rows)
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            t=t,
            lang=lang,
            status_colours=STATUS_COLOURS,
            alarm=ALARM,
            as_of=as_of,
            generated=generated,
            overview_href=overview_href,
            data_label=data_label,
            columns=columns,
            rows=rows,
            summary=sep("clause", lang).join(
                text(f"index.n_{what}", lang, n=n)
                for what, n in (
                    ("parks", len(rows)),
                    ("reports", len(rows) - n_failed),
                    ("failed", n_failed),
                )
            ),
            cached_note=t["cached_note"].format(cached=n_cached) if n_cached else "",
            any_fictional=any(e.fictional for e in entries),
            filter_options=[("all", t["all"]), ("ok", t["ok"]), ("failed", t["failed_opt"])]
            + ([("cached", t["cached_opt"])] if n_cached else [])
            + [
                (f"has-{c}", t["has"].format(status=_header(status_name(c, lang), lang)))
                for c in FILTER_STATUSES
            ],
            shown_post=t["shown_post"].format(total=len(rows)),
        )
    )


def write_index(
    path: str | Path,
    entries: Iterable[PortalEntry],
    *,
    as_of: str,
    generated: str,
    overview_href: str | None,
    data_label: str,
    lang: str = "zh",
) -> Path:
    """Render the index page and write it atomically to ``path`` (UTF-8) unless it already
    holds exactly that page (an unchanged rerun leaves the file alone); return the path."""
    html = render_index(
        entries,
        as_of=as_of,
        generated=generated,
        overview_href=overview_href,
        data_label=data_label,
        lang=lang,
    )
    target = Path(path)
    write_text_if_changed(target, html)
    return target
