"""HTML sections for notebooks and exported pages: Jinja2 macros with autoescape, the report's
stylesheet, and the objects Jupyter displays as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from parkdata.reporting.charts import Chart
from parkdata.reporting.wording import sep


class Html:
    """An HTML fragment Jupyter displays as it is."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass
class Section(Html):
    """A report section: its HTML plus what tests and callers may want to inspect."""

    html: str
    sentences: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    rows: int = 0


@cache
def _macros(template: str) -> Any:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parkdata", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(template).module


@cache
def report_css() -> str:
    """The report's stylesheet (also used interactively, so sections look the same in Lab)."""
    return resources.files("parkdata").joinpath("templates/report.css").read_text("utf-8")


def section(
    macro: str, lang: str, template: str = "report_sections.html.j2", **context: Any
) -> str:
    """A macro of ``template`` (the park report's by default) rendered for ``lang``
    (punctuation included), in a ``pd-report`` block."""
    punctuation = {k: sep(k, lang) for k in ("colon", "semicolon", "open", "close")}
    body = getattr(_macros(template), macro)({**context, "p": punctuation})
    return f'<div class="pd-report" lang="{"en" if lang == "en" else "zh-CN"}">{body}</div>'
