"""All parks of a group (or of the data set) on one page, for ``notebooks/overview.ipynb``.

League table, status heat-map (park × indicator), the comprehensive evaluation (综合考评) with
the bottom flagged (黄牌), size tiers (千亿 / 500亿 / 100亿级) and required against achieved growth.

>>> ov = overview(as_of="2022")
>>> ov.league_table().rows > 10
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata.assessment.evaluation_presets import PRESETS, TIERS
from parkdata.contract.panel import Panel
from parkdata.contract.vocab import ALARM, GOOD, STATUSES, UNJUDGED
from parkdata.errors import ArgumentError
from parkdata.reporting.charts import (
    plot_growth_gap,
    plot_peers,
    plot_status_heatmap,
    plot_tiers,
    to_chart,
)
from parkdata.reporting.explanations import evaluation_note, evaluation_status
from parkdata.reporting.formatting import format_number, pct, period_label
from parkdata.reporting.report_data import ReportData, check_settings, load_report_data
from parkdata.reporting.sections import Section, report_css, section
from parkdata.reporting.target_charts import MAX_BARS, indicator_names
from parkdata.reporting.wording import in_language, indicator_name, status_name, text

MAX_HEATMAP_PARKS = 60
MAX_HEATMAP_COLUMNS = 40


def _preset_name(code: str | None, lang: str) -> str:
    """The name of an evaluation preset (custom weights when none)."""
    preset = PRESETS.get(code or "")
    if preset is None:
        return text("overview.eval_custom", lang)
    return in_language(preset, lang)


def _tier_name(code: str, lang: str) -> str:
    for tier in TIERS:
        if tier.code == code:
            return in_language(tier, lang)
    return code


class Overview:
    """The overview sections for the parks in scope."""

    def __init__(self, rd: ReportData, parks: Sequence[str] | None, group: str | None, lang: str):
        self.rd, self.lang, self.group = rd, lang, group
        if group:
            members = rd.panel.members(group)
            if not members:
                raise ArgumentError(f"group {group!r} has no members in memberships.csv")
            scope = [group, *members]
        else:
            scope = list(parks) if parks else rd.park_ids()
        a = rd.assessment
        self.rows = a[a["park_id"].isin(scope)]
        self.scope = scope
        self.labels = rd.panel.park_labels(text("fictional_mark", lang))
        self.names = indicator_names(rd, lang)
        label = str(rd.settings.get("as_of_label") or rd.settings.get("as_of") or "")
        self.as_of = period_label(label, lang)

    def header(self) -> Section:
        """Title, scope, data as of and a 虚构 banner when fictional parks are included."""
        parks = self.rd.panel.parks.set_index("park_id")
        fictional = bool(parks.reindex(self.scope)["fictional"].fillna(False).astype(bool).any())
        scope = (
            str(self.labels.get(self.group, self.group))
            if self.group
            else text("overview.all_parks", self.lang)
        )
        facts = [
            (text("as_of", self.lang), self.as_of),
            (text("overview.parks", self.lang), str(len(self.scope))),
            (text("overview.targets", self.lang), str(len(self.rows))),
        ]
        html = f"<style>{report_css()}</style>" + section(
            "overview_header",
            self.lang,
            title=text("overview_title", self.lang),
            scope=scope,
            facts=facts,
            fictional=fictional,
            fictional_banner=text("fictional_banner", self.lang),
        )
        return Section(html)

    def _plain(
        self,
        heading: str,
        columns: list[str],
        rows: list[dict[str, Any]],
        charts: list[Any] | None = None,
        notes: list[str] | None = None,
    ) -> Section:
        html = section(
            "plain_table",
            self.lang,
            heading=heading,
            columns=columns,
            rows=rows,
            charts=charts or [],
            notes=notes or [],
        )
        return Section(html, charts=charts or [], rows=len(rows))

    def league(self) -> pd.DataFrame:
        """One row per park: targets by status, mean P(meet), evaluation rank and tier."""
        counts = self.rows.groupby(["park_id", "status"]).size().unstack(fill_value=0)
        counts = counts.reindex(columns=list(STATUSES), fill_value=0)
        out = counts.assign(
            targets=counts.sum(axis=1),
            assessed=counts.drop(columns=list(UNJUDGED)).sum(axis=1),
            p_meet=self.rows.groupby("park_id")["p_meet"].mean(),
        )
        ev = self.rd.evaluation.set_index("park_id")
        out = out.join(ev[["rank", "score", "tier"]], how="left")
        good = out[list(GOOD)].sum(axis=1)
        out["share_good"] = good / out["assessed"].where(out["assessed"] > 0)
        return out.sort_values(["share_good", "assessed"], ascending=False, na_position="last")

    def league_table(self) -> Section:
        """League table: parks by the share of assessable targets met or on track."""
        lg = self.league()
        lang = self.lang
        columns = [
            text("overview.park", lang),
            *[status_name(s, lang) for s in STATUSES],
            text("overview.met_or_on_track", lang),
            text("overview.mean_p_meet", lang),
            text("overview.evaluation_rank", lang),
            text("overview.size_tier", lang),
        ]
        rows = [
            {
                "cells": [
                    str(self.labels.get(pid, pid)),
                    *[int(r[s]) for s in STATUSES],
                    pct(r["share_good"]),
                    pct(r["p_meet"]),
                    "" if pd.isna(r["rank"]) else int(r["rank"]),
                    "" if pd.isna(r["tier"]) else _tier_name(str(r["tier"]), lang),
                ],
                "flag": bool(r[list(ALARM)].sum() > 0),
            }
            for pid, r in lg.iterrows()
        ]
        return self._plain(
            text("overview.league", lang), columns, rows, notes=[text("overview.league_note", lang)]
        )

    def status_matrix(self) -> pd.DataFrame:
        """Park × indicator status (the latest-due target per cell), assessable columns first."""
        r = self.rows.sort_values("target_period").drop_duplicates(
            ["park_id", "indicator"], keep="last"
        )
        matrix = r.pivot(index="park_id", columns="indicator", values="status")
        known = (matrix.notna() & ~matrix.isin(UNJUDGED)).sum()
        order = (known * 1000 + matrix.notna().sum()).sort_values(ascending=False).index
        matrix = matrix[order[:MAX_HEATMAP_COLUMNS]]
        rows = (matrix.notna() & ~matrix.isin(UNJUDGED)).sum(axis=1)
        matrix = matrix.loc[rows.sort_values(ascending=False).index[:MAX_HEATMAP_PARKS]]
        matrix.index = [str(self.labels.get(p, p)) for p in matrix.index]
        matrix.columns = [str(self.names.get(c, c)) for c in matrix.columns]
        return matrix

    def heatmap(self) -> Section:
        """Status heat-map, park × indicator."""
        matrix = self.status_matrix()
        heading = text("overview.heatmap", self.lang)
        if matrix.empty:
            return self._plain(heading, [], [], notes=[text("no_targets", self.lang)])
        fig = plot_status_heatmap(matrix, title=heading, lang=self.lang)
        n_parks = self.rows["park_id"].nunique()
        note = text(
            "overview.heatmap_note",
            self.lang,
            shown=len(matrix),
            parks=n_parks,
            indicators=matrix.shape[1],
        )
        return self._plain(heading, [], [], charts=[to_chart(fig, alt=heading)], notes=[note])

    def evaluation(self) -> Section:
        """综合考评 ranking with the bottom flagged (黄牌)."""
        lang = self.lang
        ev = self.rd.evaluation
        ev = ev[ev["park_id"].isin(self.scope)]
        heading = text("overview.evaluation", lang)
        ranked = ev[ev["rank"].notna()].sort_values("rank")
        attrs = self.rd.evaluation.attrs
        notes = [
            text("overview.eval_year", lang, year=attrs.get("period") or text("none", lang)),
            text(
                "overview.eval_method",
                lang,
                preset=_preset_name(attrs.get("preset"), lang),
                method=text(f"overview.method_{attrs.get('method', 'minmax')}", lang),
            ),
            text("overview.eval_ranked", lang, n=len(ranked)),
            *[evaluation_note(n, lang, self.rd.panel.catalog) for n in attrs.get("notes") or []],
        ]
        charts = []
        if len(ranked) > 1:
            scores = ranked.set_index(ranked["park_id"].map(self.labels))["score"]
            if len(scores) > MAX_BARS:  # the top and the bottom (where the yellow cards are)
                half = MAX_BARS // 2
                scores = pd.concat([scores.iloc[:half], scores.iloc[-half:]])
                notes.append(text("overview.top_bottom", lang, half=half, n=len(ranked)))
            unit = text("overview.score_unit", lang)
            fig = plot_peers(scores, highlight="", title=heading, unit=unit, lang=lang)
            charts.append(to_chart(fig, alt=heading))
        keys = ("rank", "park", "score", "coverage", "yellow_card", "eval_status")
        columns = [text(f"overview.{k}", lang) for k in keys]
        minimum = float(attrs.get("min_coverage", 0.5))
        rows = [
            {
                "cells": [
                    "" if pd.isna(r["rank"]) else int(r["rank"]),
                    str(self.labels.get(r["park_id"], r["park_id"])),
                    format_number(r["score"]),
                    pct(r["coverage"]),
                    text("overview.yellow_card", lang) if r["yellow_card"] else "",
                    evaluation_status(r, minimum, lang),
                ],
                "flag": bool(r["yellow_card"]),
            }
            for _, r in ev.sort_values("rank", na_position="last").iterrows()
        ]
        return self._plain(heading, columns, rows, charts=charts, notes=notes)

    def tiers(self) -> Section:
        """Parks per size tier (营业收入 or 主营业务收入 of the evaluation year)."""
        lang = self.lang
        ev = self.rd.evaluation
        ev = ev[ev["park_id"].isin(self.scope) & ev["tier"].notna()]
        heading = text("overview.tiers", lang)
        if ev.empty:
            return self._plain(heading, [], [], notes=[text("overview.no_tiers", lang)])
        order = [tier.code for tier in TIERS]
        counts = ev["tier"].value_counts().reindex(order).dropna().astype(int)
        counts.index = [_tier_name(c, lang) for c in counts.index]
        chart = to_chart(plot_tiers(counts, title=heading, lang=lang), alt=heading)
        rows = [
            {
                "cells": [
                    _tier_name(str(r["tier"]), lang),
                    str(self.labels.get(r["park_id"], r["park_id"])),
                    format_number(r["tier_value"]),
                    indicator_name(self.rd.panel.catalog, str(r["tier_indicator"]), lang),
                ]
            }
            for _, r in ev.sort_values("tier_value", ascending=False).iterrows()
        ]
        keys = ("tier", "park", "revenue", "tier_indicator")
        columns = [text(f"overview.{k}", lang) for k in keys]
        return self._plain(heading, columns, rows, charts=[chart])

    def growth(self) -> Section:
        """Required against achieved compound growth, one point per target."""
        lang = self.lang
        r = self.rows.dropna(subset=["required_cagr", "achieved_cagr"])
        heading = text("overview.growth", lang)
        if r.empty:
            return self._plain(heading, [], [], notes=[text("overview.no_growth", lang)])
        pts = pd.DataFrame(
            {
                "required_cagr": r["required_cagr"],
                "achieved_cagr": r["achieved_cagr"],
                "status": r["status"],
                "label": r["park_id"].map(self.labels) + " " + r["indicator"].map(self.names),
            }
        )
        fig = plot_growth_gap(pts, title=heading, lang=lang)
        lower_better = r["comparator"] == "<="
        fast_enough = (pts["achieved_cagr"] >= pts["required_cagr"]) & ~lower_better
        fast_enough |= (pts["achieved_cagr"] <= pts["required_cagr"]) & lower_better
        note = text("overview.growth_note", lang, n=len(pts), above=int(fast_enough.sum()))
        return self._plain(heading, [], [], charts=[to_chart(fig, alt=heading)], notes=[note])

    def sections(self) -> list[Section]:
        """Every section in reading order."""
        return [
            self.header(),
            self.league_table(),
            self.heatmap(),
            self.evaluation(),
            self.tiers(),
            self.growth(),
        ]


def overview(
    data: str | Path | Panel | ReportData | None = None,
    group: str | None = None,
    parks: Sequence[str] | None = None,
    as_of: str | None = None,
    horizon: int = 3,
    confidence: float = 0.8,
    language: str = "zh",
) -> Overview:
    """The overview of a ``group``, of the ``parks`` listed, or of every park (the default)."""
    check_settings(as_of, horizon, confidence, language)
    rd = (
        data if isinstance(data, ReportData) else load_report_data(data, as_of, horizon, confidence)
    )
    return Overview(rd, parks, group, language)
