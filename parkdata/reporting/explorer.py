"""Interactive exploration for researchers (``notebooks/explore.ipynb``): one series, several
projection models side by side, any as-of date; ipywidgets pick the park, indicator and date.

>>> from parkdata.reporting.explorer import Explorer
>>> ex = Explorer()
>>> table = ex.compare("wuhan_donghu_hitech", "gdp", as_of="2022").table
>>> sorted(table["model"])[:2]
['linear', 'loglinear']
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata.contract.panel import Panel
from parkdata.errors import ParkDataError
from parkdata.inputs.loading import load
from parkdata.projection.trend_paths import project
from parkdata.reporting.charts import Chart, plot_target, to_chart
from parkdata.reporting.sections import report_css
from parkdata.reporting.wording import indicator_names, text, unit_name
from parkdata.series.levels import cut_at, values_as_of, year_end_levels

DEFAULT_MODELS = ("loglinear", "weighted", "linear", "naive")


@dataclass
class Comparison:
    """Projections of one series by several models: the table and one chart per model."""

    table: pd.DataFrame
    charts: list[Chart]

    def _repr_html_(self) -> str:
        rows = self.table.round(2).to_html(index=False, escape=True, classes="pd-table")
        charts = "".join(c._repr_html_() for c in self.charts)
        return (
            f'<style>{report_css()}</style><div class="pd-report">'
            f'<div class="pd-scroll">{rows}</div><div class="pd-grid">{charts}</div></div>'
        )


class Explorer:
    """A panel to explore: ``compare`` models on a series, or ``widget()`` to pick interactively.
    Words are Chinese (``lang="zh"``) or English (``lang="en"``)."""

    def __init__(self, data: str | Path | Panel | None = None, lang: str = "zh") -> None:
        self.panel = data if isinstance(data, Panel) else load(data)
        self.lang = lang
        self.values = values_as_of(self.panel)  # every figure, computed once
        self.names = indicator_names(self.panel.catalog, lang)
        self.units = {ind.code: ind.unit for ind in self.panel.catalog}
        self.labels = self.panel.park_labels(text("fictional_mark", lang))

    def series(self) -> pd.DataFrame:
        """Every park × indicator with at least two year-end figures (what can be projected)."""
        lv = year_end_levels(self.values)
        n = lv.groupby(["park_id", "indicator"]).size().rename("points").reset_index()
        return n[n["points"] >= 2].sort_values("points", ascending=False, ignore_index=True)

    def compare(
        self,
        park_id: str,
        indicator: str,
        as_of: str | None = None,
        models: tuple[str, ...] = DEFAULT_MODELS,
        to: int | None = None,
    ) -> Comparison:
        """Project ``park_id``'s ``indicator`` with each of ``models`` from figures up to as_of."""
        values = cut_at(self.values, as_of) if as_of is not None else self.values
        history = year_end_levels(values, park=park_id, indicators=[indicator])
        full = year_end_levels(self.values, park=park_id, indicators=[indicator])
        if history.empty:
            raise ValueError(f"{park_id} has no year-end figures of {indicator} up to {as_of}")
        end = to or int(full["year"].max()) + 3
        paths = project(
            self.panel,
            model=list(models),
            to=end,
            park=park_id,
            indicators=[indicator],
            values=values,
        )
        last = paths.sort_values("period").drop_duplicates("model", keep="last")
        table = last[["model", "period", "mean", "lo80", "hi80", "lo95", "hi95", "n_points"]]
        later = full[full["year"] > history["year"].max()]
        charts = []
        name = self.names.get(indicator, indicator)
        for model, path in paths.groupby("model", sort=False):
            title = f"{name} · {model}"
            if as_of:
                title = text("chart.compare_title", self.lang, name=name, model=model, as_of=as_of)
            fig = plot_target(
                history.assign(year=history["year"].astype(float))[["year", "value", "qualifier"]],
                path.assign(year=path["period"].astype(float)),
                goal=float("nan"),
                target_year=float(end),
                title=title,
                unit=unit_name(self.units.get(indicator, ""), self.lang),
                stages=later[["year", "value"]].assign(year=later["year"].astype(float)),
                lang=self.lang,
                stages_label=text("chart.later", self.lang),
            )
            caption = text("chart.compare_caption", self.lang) if len(later) else ""
            charts.append(to_chart(fig, alt=f"{name} {model}", caption=caption))
        return Comparison(table.reset_index(drop=True), charts)

    def widget(self, park_id: str | None = None, indicator: str | None = None) -> Any:
        """Dropdowns for park and indicator, a text box for as_of; the comparison redraws."""
        # optional: ipywidgets is only needed for this interactive widget
        import ipywidgets as w

        series = self.series()
        parks = list(dict.fromkeys(series["park_id"]))
        park = w.Dropdown(
            options=[(str(self.labels.get(p, p)), p) for p in parks],
            value=park_id or parks[0],
            description=text("overview.park", self.lang),
        )
        ind = w.Dropdown(description=text("indicator", self.lang))
        as_of = w.Text(value="", description="as_of", placeholder="2021")
        # an HTML widget, not an Output widget: captured output can hang headless runs
        # (jupyter/nbclient#312), and the comparison is HTML anyway
        view = w.HTML()

        def indicators(*_: Any) -> None:
            codes = series.loc[series["park_id"] == park.value, "indicator"].tolist()
            ind.options = [(self.names.get(c, c), c) for c in codes]
            if indicator in codes:
                ind.value = indicator

        def redraw(*_: Any) -> None:
            try:
                view.value = self.compare(
                    park.value, ind.value, as_of.value.strip() or None
                )._repr_html_()
            except (ValueError, ParkDataError) as exc:
                view.value = html.escape(str(exc))

        indicators()
        park.observe(indicators, names="value")
        for control in (park, ind, as_of):
            control.observe(redraw, names="value")
        redraw()
        return w.VBox([w.HBox([park, ind, as_of]), view])
