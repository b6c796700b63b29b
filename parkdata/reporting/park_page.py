"""One park's report, section by section, for the notebook ``notebooks/park_report.ipynb``.

>>> report = park_report("wuhan_donghu_hitech", as_of="2022")
>>> "东湖" in report.header()._repr_html_()
True
>>> report.summary().sentences[0].startswith("截至2022年，东湖高新区共有")
True

Each method returns a :class:`~parkdata.reporting.sections.Section` (shown by Jupyter, exported to
HTML as it is). Every string from data goes through Jinja2's autoescape; charts escape their own
alt text and captions. Every fixed word comes from the text table, in the report's language.
The report never raises for a park with few figures: sections say what is missing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from parkdata.contract.panel import Panel
from parkdata.contract.registry import find_park
from parkdata.contract.vocab import UNJUDGED
from parkdata.inputs.firm_totals import firms_used
from parkdata.reporting.charts import Chart
from parkdata.reporting.explanations import explain
from parkdata.reporting.formatting import (
    format_number,
    format_range,
    format_value,
    missing,
    pct,
    period_label,
    year_text,
)
from parkdata.reporting.narrative import status_counts, summary_sentences
from parkdata.reporting.report_data import ReportData, check_settings, load_report_data
from parkdata.reporting.sections import Section, report_css, section
from parkdata.reporting.style import PROGRESS_COLOURS, STATUS_COLOURS
from parkdata.reporting.target_charts import (
    efficiency_charts,
    firm_class_chart,
    indicator_names,
    schedule_chart,
    structure_chart,
    target_chart,
)
from parkdata.reporting.wording import (
    kind_name,
    level_name,
    qualifier_name,
    sep,
    status_name,
    text,
    unit_name,
)
from parkdata.version import __version__

METHODS = ("status", "trend", "p_meet", "realism", "schedule")
"""The methods a report lists (``method.*`` of the text table)."""
TABLE_COLUMNS = (
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
)
_MARKS = {"at_least": "≥", "at_most": "≤", "approx": "~"}


def _text_or(values: pd.Series, blank: str) -> pd.Series:
    """Cells as text, ``blank`` where missing (stored tables may hold None as "None")."""
    text_ = values.astype(object).where(values.notna(), blank).astype(str)
    return text_.replace({"None": blank, "nan": blank, "<NA>": blank, "": blank})


class ParkReport:
    """The sections of one park's report (see the module docstring)."""

    def __init__(self, rd: ReportData, park_id: str, language: str = "zh") -> None:
        park_id = find_park(rd.panel, park_id)
        self.rd, self.park_id, self.lang = rd, park_id, language
        self.park = rd.panel.parks.set_index("park_id").loc[park_id]
        self.name = str(rd.panel.park_labels(text("fictional_mark", language)).get(park_id))
        self.names = indicator_names(rd, language)
        a = rd.assessment
        rows = a[a["park_id"] == park_id].reset_index(drop=True)
        self.rows = explain(rows, language, rd.panel.catalog) if len(rows) else rows
        label = str(rd.settings.get("as_of_label") or rd.settings.get("as_of") or "")
        self.as_of = period_label(label, language)
        self.confidence = float(rd.settings.get("confidence", 0.8))

    # ------------------------------------------------------------------ sections
    def header(self) -> Section:
        """Park name, level, kind, location, data as of, sources and plan documents."""
        lang, park = self.lang, self.park
        place = " ".join(str(park.get(k) or "") for k in ("province", "city", "county")).strip()
        facts = [
            (text("level", lang), level_name(str(park.get("level") or ""), lang)),
            (text("kind", lang), kind_name(str(park.get("kind") or ""), lang)),
            (text("location", lang), place),
            (text("as_of", lang), self.as_of),
            (text("latest_data", lang), self._latest_figure()),
            (text("sources", lang), str(park.get("source") or "")),
        ]
        plans = (
            list(dict.fromkeys(self.rows["source"].dropna().astype(str))) if len(self.rows) else []
        )
        html = f"<style>{report_css()}</style>" + section(
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
        latest = max(periods, default="")
        return period_label(latest, self.lang) if latest else text("none", self.lang)

    def summary(self) -> Section:
        """结论摘要: counts by status and the generated narrative."""
        sentences = summary_sentences(
            self.rows, self.names, self.name, self.as_of, self.confidence, self.lang
        )
        counts = [
            {"name": status_name(s, self.lang), "n": n, "colour": STATUS_COLOURS[s]}
            for s, n in (status_counts(self.rows).items() if len(self.rows) else [])
        ]
        html = section(
            "summary",
            self.lang,
            heading=text("summary", self.lang),
            counts=counts,
            sentences=sentences,
            empty=text("no_targets", self.lang),
        )
        return Section(html, sentences=sentences)

    def _table_row(self, r: pd.Series, level: str) -> dict[str, object]:
        lang, unit = self.lang, str(r.get("goal_unit") or "")
        latest = ""
        if not missing(r["current_value"]):
            mark = _MARKS.get(str(r.get("current_qualifier")), "")
            period = period_label(str(r["current_period"]), lang)
            latest = f"{mark}{format_number(r['current_value'])}{sep('open', lang)}{period}{sep('close', lang)}"
        projected = ""
        if not missing(r["projected_value"]):
            lo, hi = r[f"projected_lo{level}"], r[f"projected_hi{level}"]
            band = "" if missing(lo) else f" [{format_range(lo, hi, unit, lang)}]"
            projected = f"{format_value(r['projected_value'], unit, lang)}{band}"
        realism = ""
        if not missing(r["realism_base_rate"]):
            rate = pct(r["realism_base_rate"], scale=1)
            realism = text("realism_value", lang, rate=rate, n=int(r["realism_series"]))
        has_p = not missing(r["p_meet"])
        return {
            "target_id": r["target_id"],
            "indicator": r["indicator"],
            "name": self.names.get(r["indicator"], r["indicator"]),
            "target": str(r.get("target_text") or ""),
            "year": year_text(r["target_period"], lang),
            "latest": latest,
            "pct": pct(r["pct_of_target"], scale=1),
            "required": pct(r["required_cagr"], scale=1, digits=1),
            "achieved": pct(r["achieved_cagr"], scale=1, digits=1),
            "projected": projected,
            "p_meet": pct(r["p_meet"]),
            "p_colour": PROGRESS_COLOURS.get(str(r["progress_colour"]), "transparent")
            if has_p
            else "transparent",
            "realism": realism,
            "status": status_name(str(r["status"]), lang),
            "colour": STATUS_COLOURS.get(str(r["status"]), "#999"),
        }

    def target_table(self) -> Section:
        """One row per target: goal, latest figure, growth required and achieved, outlook."""
        lang, level = self.lang, "80" if self.confidence < 0.9 else "95"
        rows = [self._table_row(r, level) for _, r in self.rows.iterrows()]
        columns = [text(k, lang, level=level) for k in TABLE_COLUMNS]
        html = section(
            "table",
            lang,
            heading=text("targets", lang),
            columns=columns,
            rows=rows,
            footnote=text("table_footnote", lang),
            empty=text("no_targets", lang),
        )
        return Section(html, rows=len(rows))

    def _titled(self, r: pd.Series) -> str:
        name = self.names.get(r["indicator"], r["indicator"])
        year = year_text(r["target_period"], self.lang)
        if year[:1].isdigit():
            year = text("year", self.lang, year=year)
        lang = self.lang
        return f"{name}{sep('colon', lang)}{r['target_text']}{sep('open', lang)}{year}{sep('close', lang)}"

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
            names = sep("list", self.lang).join(dict.fromkeys(skipped))
            notes.append(text("skipped_charts", self.lang, n=len(skipped), names=names))
        html = section(
            "figures", self.lang, heading=text("charts", self.lang), notes=notes, charts=charts
        )
        return Section(html, charts=charts)

    def _figures(self, key: str, charts: list[Chart], empty: str) -> Section:
        notes = [] if charts else [text(empty, self.lang)]
        html = section(
            "figures", self.lang, heading=text(key, self.lang), notes=notes, charts=charts
        )
        return Section(html, charts=charts)

    def schedule(self) -> Section:
        """年内序时进度 when in-year figures and a target for the year exist."""
        chart = schedule_chart(self.rd, self.park_id, self.lang)
        return self._figures("schedule", [chart] if chart else [], "no_schedule")

    def efficiency(self) -> Section:
        """亩均 figures of the park among its group's, and its firms by 亩均效益 class when the
        data has a firm table."""
        charts = efficiency_charts(self.rd, self.park_id, self.lang)
        mix = firm_class_chart(self.rd, self.park_id, self.lang)
        return self._figures("efficiency", [*charts, *([mix] if mix else [])], "no_efficiency")

    def structure(self) -> Section:
        """Share indicators (structure) with their goals."""
        chart = structure_chart(self.rd, self.park_id, self.lang)
        return self._figures("structure", [chart] if chart else [], "no_structure")

    def _sources(self) -> list[tuple[str, ...]]:
        """Every figure of the park: indicator, period, value, unit, qualifier, file and row."""
        lang = self.lang
        obs = self.rd.panel.observations
        obs = obs[obs["park_id"] == self.park_id].sort_values(["indicator", "period"])
        return [
            (
                self.names.get(o["indicator"], o["indicator"]),
                period_label(str(o["period"]), lang),
                format_number(o["value"]),
                unit_name(str(o["unit"] or ""), lang),
                qualifier_name(str(o["qualifier"] or ""), lang),
                *self._where(o),
            )
            for _, o in obs.iterrows()
        ]

    def _where(self, o: pd.Series) -> tuple[str, str]:
        """(file · row, source) of a figure; one summed from firms names its rows and says so."""
        n = firms_used(o["note"])
        if n is None:
            return f"{Path(str(o['origin_file'])).name} · {o['origin_row']}", str(o["source"] or "")
        where = str(o["source"]).replace(" row ", " · ")  # file · rows, per file
        return where, text("park_firms.derived_source", self.lang, n=n)

    def _warnings(self) -> list[str]:
        """The warnings kept with this park's figures (an implausible but possible value …),
        each with its figure, its words and its file and row."""
        lang, issues = self.lang, self.rd.panel.issues
        if "code" not in issues.columns:  # a processed folder from before warnings had codes
            return []
        warned = issues[(issues["severity"] == "warning") & issues["row"].notna()]
        obs = self.rd.panel.observations
        obs = obs[obs["park_id"] == self.park_id]
        if warned.empty or obs.empty:
            return []
        # the warning's cell: file, sheet, row and column (a wide table's year column, or value)
        key = ["origin_file", "sheet_key", "origin_row", "column_key"]
        warned = warned.assign(
            origin_file=warned["file"].astype(str),
            sheet_key=_text_or(warned["sheet"], ""),
            origin_row=warned["row"].astype("int64"),
            column_key=_text_or(warned["column"], "value"),
        )
        cells = obs.assign(
            sheet_key=_text_or(obs["origin_sheet"], ""),
            origin_row=obs["origin_row"].astype("int64"),
            column_key=_text_or(obs["origin_column"], "value"),
        )
        hits = cells.merge(warned.drop(columns=["column"]), on=key)
        out = []
        for _, w in hits.sort_values(["indicator", "period"]).iterrows():
            code = w["code"] if isinstance(w["code"], str) else "other"
            words = text(f"data_warning.{code}", lang, value=w["value_y"], problem=w["problem"])
            where = f"{sep('open', lang)}{Path(str(w['origin_file'])).name} · {w['origin_row']}{sep('close', lang)}"
            name = self.names.get(w["indicator"], w["indicator"])
            out.append(
                f"{name} {period_label(str(w['period']), lang)}{sep('colon', lang)}{words}{where}"
            )
        return out

    def notes(self) -> Section:
        """Every figure's source, the model per target and why, what could not be assessed."""
        lang = self.lang
        sources = self._sources()
        rows = self.rows
        projected = rows[rows["projection_model"].notna()] if len(rows) else rows
        models = [
            {"name": self._titled(r), "note": self._model_note(r)} for _, r in projected.iterrows()
        ]
        unassessed = rows[rows["status"].isin(UNJUDGED)] if len(rows) else rows
        not_assessed = [
            {
                "name": self.names.get(r["indicator"], r["indicator"]),
                "target": f"{r['target_text']}{sep('clause', lang)}{year_text(r['target_period'], lang)}",
                "reason": sep("semicolon", lang).join(
                    str(x) for x in (r.get("reason_text"), r.get("projection_note")) if x == x and x
                ),
            }
            for _, r in unassessed.iterrows()
        ]
        generated = text(
            "generated",
            lang,
            version=__version__,
            date=dt.date.today().isoformat(),
            as_of=self.as_of,
        )
        html = section(
            "notes",
            lang,
            heading=text("notes", lang),
            sources_heading=text("series_sources", lang),
            source_columns=[
                text(k, lang)
                for k in (
                    "indicator",
                    "period",
                    "value",
                    "unit",
                    "qualifier",
                    "file_row",
                    "document",
                )
            ],
            sources=sources,
            warnings_heading=text("data_warnings", lang),
            warnings=self._warnings(),
            models_heading=text("models_used", lang),
            models=models,
            missing_heading=text("not_assessed", lang),
            missing=not_assessed,
            methods_heading=text("methods", lang),
            methods=[text(f"method.{m}", lang) for m in METHODS],
            generated=generated,
        )
        return Section(html, rows=len(sources))

    def _model_note(self, r: pd.Series) -> str:
        """The projection note: it names the model in the page's language, n, df, the prior."""
        return str(r.get("projection_note") or "")

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
    """The report of ``park_id`` (an id, Chinese name or alias): ``data`` is a prepared folder,
    raw or processed data, or None for the bundled data (the notebook's parameters, one to one)."""
    check_settings(as_of, horizon, confidence, language)
    rd = (
        data if isinstance(data, ReportData) else load_report_data(data, as_of, horizon, confidence)
    )
    return ParkReport(rd, park_id, language)


__all__ = ["ParkReport", "park_report"]
