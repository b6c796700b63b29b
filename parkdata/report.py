"""One park's report, section by section, for the notebook ``notebooks/park_report.ipynb``.

>>> from parkdata.report import park_report
>>> report = park_report("wuhan_donghu_hitech", as_of="2022")
>>> "东湖" in report.header()._repr_html_()
True
>>> report.summary().sentences[0].startswith("截至2022年，东湖高新区共有")
True

Each method returns an :class:`Html` section (shown by Jupyter, exported to HTML as it is).
Every string from data goes through Jinja2's autoescape; charts escape their own alt text and
captions. The report never raises for a park with few figures: sections say what is missing.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from . import __version__
from .anticipate import MODEL_ZH
from .charts import Chart
from .lang import STATUS_ORDER, kind_name, level_name, qualifier_name, status_name, text
from .narrative import (
    _year_text,
    format_value,
    period_label,
    status_counts,
    summary_sentences,
)
from .panel import Panel
from .report_charts import (
    efficiency_charts,
    indicator_names,
    schedule_chart,
    structure_chart,
    target_chart,
)
from .reportdata import ReportData, check_settings, report_data
from .style import PROGRESS_COLOURS, STATUS_COLOURS
from .units import format_number

METHODS = (
    "状态判定：UN Statistics Division《SDG Progress Chart technical note》(2023) 的进度比率；"
    "到期目标以目标年数据判定。",
    "趋势外推：对数线性回归（t 分布预测区间，自由度 n−2）；比重用 logit 变换；两个数据点时按年均增速外推并"
    "假定增速标准差 0.10（先验）；一个数据点不外推。方法与回测见 docs/projections.md。",
    "达标概率：预测分布下目标年数值达到目标的概率；预期进度 P_T = (x̂_T − x_b)/(目标 − x_b)（UNESCAP）。",
    "同类目标实现率：同一指标的全部序列中，曾在同样年数内实现目标所需年均增速的比例（至少10个序列）。",
    "序时进度：本年累计 ÷ 年度目标，对照已过月份占全年比例（1–11月为91.7%）。",
)


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
def _macros() -> Any:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parkdata", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report_sections.html.j2").module


@cache
def report_css() -> str:
    """The report's stylesheet (also used interactively, so sections look the same in Lab)."""
    return resources.files("parkdata").joinpath("templates/report.css").read_text("utf-8")


def _pct(value: float, digits: int = 0) -> str:
    return "" if value != value else f"{value:.{digits}f}%"


def _section(macro: str, lang: str, **context: Any) -> str:
    body = getattr(_macros(), macro)(context)
    return f'<div class="pd-report" lang="{"en" if lang == "en" else "zh-CN"}">{body}</div>'


class ParkReport:
    """The sections of one park's report (see the module docstring)."""

    def __init__(self, rd: ReportData, park_id: str, language: str = "zh") -> None:
        parks = rd.panel.parks.set_index("park_id")
        if park_id not in parks.index:
            close = difflib.get_close_matches(park_id, parks.index.tolist(), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"park_id {park_id!r} is not in the data's parks.csv{hint}")
        self.rd, self.park_id, self.lang = rd, park_id, language
        self.park = parks.loc[park_id]
        self.name = str(rd.panel.park_labels().get(park_id, park_id))
        self.names = indicator_names(rd, language)
        a = rd.assessment
        self.rows = a[a["park_id"] == park_id].reset_index(drop=True)
        label = str(rd.settings.get("as_of_label") or rd.settings.get("as_of") or "")
        self.as_of = period_label(label, language)
        self.confidence = float(rd.settings.get("confidence", 0.8))

    # ------------------------------------------------------------------ sections
    def header(self) -> Section:
        """Park name, level, kind, location, data as of, sources and plan documents."""
        lang, park = self.lang, self.park
        place = " ".join(str(park.get(k) or "") for k in ("province", "city", "county")).strip()
        level = str(park.get("level") or "")
        facts = [
            (text("level", lang), level_name(level, lang)),
            (text("kind", lang), kind_name(str(park.get("kind") or ""), lang)),
            (text("location", lang), place),
            (text("as_of", lang), self.as_of),
            (text("latest_data", lang), self._latest_figure()),
            (text("sources", lang), str(park.get("source") or "")),
        ]
        plans = list(dict.fromkeys(self.rows["source"].dropna().astype(str)))
        html = f"<style>{report_css()}</style>" + _section(
            "header",
            lang,
            name=self.name,
            title=text("report_title", lang),
            park_id=self.park_id,
            facts=facts,
            plans=plans,
            plans_label=text("plans", lang),
            fictional=bool(park.get("fictional")),
            fictional_banner=text("fictional_banner", lang),
        )
        return Section(html)

    def _latest_figure(self) -> str:
        """The period of the park's latest figure (what 'data as of' means to a reader)."""
        obs = self.rd.panel.observations
        periods = obs.loc[obs["park_id"] == self.park_id, "period"].astype(str)
        return max(periods, default="—")

    def summary(self) -> Section:
        """结论摘要: counts by status and the generated narrative."""
        sentences = summary_sentences(
            self.rows, self.names, self.name, self.as_of, self.confidence, self.lang
        )
        counts = [
            {"name": status_name(s, self.lang), "n": n, "colour": STATUS_COLOURS[s]}
            for s, n in status_counts(self.rows).items()
        ]
        html = _section(
            "summary",
            self.lang,
            heading=text("summary", self.lang),
            counts=counts,
            sentences=sentences,
            empty=text("no_targets", self.lang),
        )
        return Section(html, sentences=sentences)

    def target_table(self) -> Section:
        """One row per target: goal, latest figure, growth required and achieved, outlook."""
        lang, level = self.lang, "80" if self.confidence < 0.9 else "95"
        rows = []
        for _, r in self.rows.iterrows():
            unit = str(r.get("goal_unit") or "")
            latest = ""
            if r["current_value"] == r["current_value"]:
                mark = {"at_least": "≥", "at_most": "≤", "approx": "约"}.get(
                    str(r.get("current_qualifier")), ""
                )
                latest = f"{mark}{format_number(r['current_value'])}（{r['current_period']!s}）"
            projected = ""
            if r["projected_value"] == r["projected_value"]:
                lo, hi = r[f"projected_lo{level}"], r[f"projected_hi{level}"]
                band = f" [{format_number(lo)}–{format_number(hi)}]" if lo == lo else ""
                projected = f"{format_value(r['projected_value'], unit)}{band}"
            realism = ""
            if r["realism_base_rate"] == r["realism_base_rate"]:
                realism = f"{_pct(100 * r['realism_base_rate'])} (n={int(r['realism_series'])})"
            rows.append(
                {
                    "target_id": r["target_id"],
                    "indicator": r["indicator"],
                    "name": self.names.get(r["indicator"], r["indicator"]),
                    "target": str(r.get("target_text") or ""),
                    "year": _year_text(r["target_period"], lang),
                    "latest": latest,
                    "pct": _pct(r["pct_of_target"]),
                    "required": _pct(r["required_cagr"], 1),
                    "achieved": _pct(r["achieved_cagr"], 1),
                    "projected": projected,
                    "p_meet": _pct(100 * r["p_meet"]),
                    "p_colour": PROGRESS_COLOURS.get(str(r["progress_colour"]), "transparent")
                    if r["p_meet"] == r["p_meet"]
                    else "transparent",
                    "realism": realism,
                    "status": status_name(str(r["status"]), lang),
                    "colour": STATUS_COLOURS.get(str(r["status"]), "#999"),
                }
            )
        keys = [
            "indicator",
            "target",
            "target_year",
            "latest",
            "pct_of_target",
            "required_cagr",
            "achieved_cagr",
            "projected",
            "p_meet",
            "realism",
            "status",
        ]
        columns = [text(k, lang) for k in keys]
        columns[7] += f"（{level}%区间）" if lang == "zh" else f" ({level}% interval)"
        footnote = (
            "完成度 = 最新值 ÷ 目标；增速为年均复合增速；达标概率由趋势预测分布得出；"
            "同类目标实现率需至少10个同指标序列，否则留空。"
            if lang == "zh"
            else "% of target = latest ÷ target; growth is compound annual; P(meet) comes from "
            "the projection's predictive distribution; the base rate needs 10 series of the "
            "same indicator."
        )
        html = _section(
            "table",
            lang,
            heading=text("targets", lang),
            columns=columns,
            rows=rows,
            footnote=footnote,
            empty=text("no_targets", lang),
        )
        return Section(html, rows=len(rows))

    def _titled(self, r: pd.Series) -> str:
        name = self.names.get(r["indicator"], r["indicator"])
        year = _year_text(r["target_period"], self.lang)
        suffix = "年" if self.lang == "zh" and year[:1].isdigit() else ""
        return f"{name}：{r['target_text']}（{year}{suffix}）"

    def target_charts(self) -> Section:
        """A chart per target that has figures; the others are named, not drawn empty."""
        charts, skipped = [], []
        for _, r in self.rows.iterrows():
            chart = target_chart(self.rd, r, self._titled(r), self.lang)
            if chart is None:
                skipped.append(self.names.get(r["indicator"], r["indicator"]))
            else:
                charts.append(chart)
        notes = []
        if not charts:
            notes.append(text("no_charts", self.lang))
        elif skipped:
            names = "、".join(dict.fromkeys(skipped))
            notes.append(
                f"另有{len(skipped)}个目标没有数据，不绘图：{names}。"
                if self.lang == "zh"
                else f"{len(skipped)} targets have no figures and are not drawn: {names}."
            )
        html = _section(
            "figures", self.lang, heading=text("charts", self.lang), notes=notes, charts=charts
        )
        return Section(html, charts=charts)

    def _figures(self, key: str, charts: list[Chart], empty: str) -> Section:
        notes = [] if charts else [text(empty, self.lang)]
        html = _section(
            "figures", self.lang, heading=text(key, self.lang), notes=notes, charts=charts
        )
        return Section(html, charts=charts)

    def schedule(self) -> Section:
        """年内序时进度 when in-year figures and a target for the year exist."""
        chart = schedule_chart(self.rd, self.park_id, self.lang)
        return self._figures("schedule", [chart] if chart else [], "no_schedule")

    def efficiency(self) -> Section:
        """亩均 figures of the park among its group's."""
        return self._figures(
            "efficiency", efficiency_charts(self.rd, self.park_id, self.lang), "no_efficiency"
        )

    def structure(self) -> Section:
        """Share indicators (structure) with their goals."""
        chart = structure_chart(self.rd, self.park_id, self.lang)
        return self._figures("structure", [chart] if chart else [], "no_structure")

    def notes(self) -> Section:
        """Every figure's source, the model per target and why, what could not be assessed."""
        lang = self.lang
        obs = self.rd.panel.observations
        obs = obs[obs["park_id"] == self.park_id].sort_values(["indicator", "period"])
        sources = [
            (
                self.names.get(o["indicator"], o["indicator"]),
                str(o["period"]),
                format_number(o["value"]),
                str(o["unit"] or ""),
                qualifier_name(str(o["qualifier"] or ""), lang),
                f"{Path(str(o['origin_file'])).name} · {o['origin_row']}",
                str(o["source"] or ""),
            )
            for _, o in obs.iterrows()
        ]
        source_columns = [
            text(k, lang)
            for k in ("indicator", "period", "value", "unit", "qualifier", "file_row", "document")
        ]
        projected = self.rows[self.rows["projection_model"].notna()]
        models = [
            {"name": self._titled(r), "note": self._model_note(r)} for _, r in projected.iterrows()
        ]
        missing = [
            {
                "name": self.names.get(r["indicator"], r["indicator"]),
                "target": f"{r['target_text']}，{_year_text(r['target_period'], lang)}",
                "reason": "；".join(
                    str(x) for x in (r.get("reason"), r.get("projection_note")) if x == x and x
                ),
            }
            for _, r in self.rows[self.rows["status"] == "insufficient_data"].iterrows()
        ]
        generated = (
            f"parkdata {__version__} · 生成于 {dt.date.today().isoformat()} · 评估截至 {self.as_of}"
        )
        html = _section(
            "notes",
            lang,
            heading=text("notes", lang),
            sources_heading=text("series_sources", lang),
            source_columns=source_columns,
            sources=sources,
            models_heading=text("models_used", lang),
            models=models,
            missing_heading=text("not_assessed", lang),
            missing=missing,
            methods_heading=text("methods", lang),
            methods=METHODS,
            generated=generated,
        )
        return Section(html, rows=len(sources))

    def _model_note(self, r: pd.Series) -> str:
        model = str(r.get("projection_model") or "")
        label = MODEL_ZH.get(model, model) if self.lang == "zh" else model
        note = str(r.get("projection_note") or "")
        return f"{label}（{model}）— {note}" if label else note

    def sections(self) -> list[Section]:
        """Every section in reading order."""
        return [
            self.header(),
            self.summary(),
            self.target_table(),
            self.target_charts(),
            self.schedule(),
            self.efficiency(),
            self.structure(),
            self.notes(),
        ]


def park_report(
    park_id: str,
    data: str | Path | Panel | ReportData | None = None,
    as_of: str | None = None,
    horizon: int = 3,
    confidence: float = 0.8,
    language: str = "zh",
) -> ParkReport:
    """The report of ``park_id``: ``data`` is a prepared folder, raw or processed data, or None
    for the bundled data (the notebook's parameters, one to one)."""
    check_settings(as_of, horizon, confidence, language)
    rd = data if isinstance(data, ReportData) else report_data(data, as_of, horizon, confidence)
    return ParkReport(rd, park_id, language)


__all__ = ["STATUS_ORDER", "Html", "ParkReport", "Section", "park_report"]
