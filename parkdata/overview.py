"""All parks of a group (or of the data set) on one page, for ``notebooks/overview.ipynb``.

League table, status heat-map (park × indicator), the comprehensive evaluation (综合考评) with
the bottom flagged (黄牌), size tiers (千亿 / 500亿 / 100亿级) and required against achieved growth.

>>> from parkdata.overview import overview
>>> ov = overview(as_of="2022")
>>> ov.league_table().rows > 10
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .charts import plot_growth_gap, plot_peers, plot_status_heatmap, plot_tiers, to_chart
from .evaluation import BELOW_TIERS, TIERS
from .lang import STATUS_ORDER, status_name, text
from .narrative import period_label
from .panel import Panel
from .report import Section, _section, report_css
from .report_charts import MAX_BARS, indicator_names
from .reportdata import ReportData, check_settings, report_data
from .units import format_number

MAX_HEATMAP_PARKS = 60
MAX_HEATMAP_COLUMNS = 40


def _pct(value: float | None) -> str:
    return "" if value is None or value != value else f"{100 * value:.0f}%"


class Overview:
    """The overview sections for the parks in scope."""

    def __init__(self, rd: ReportData, parks: Sequence[str] | None, group: str | None, lang: str):
        self.rd, self.lang, self.group = rd, lang, group
        if group:
            members = rd.panel.members(group)
            if not members:
                raise KeyError(f"group {group!r} has no members in memberships.csv")
            scope = [group, *members]
        else:
            scope = list(parks) if parks else rd.park_ids()
        a = rd.assessment
        self.rows = a[a["park_id"].isin(scope)]
        self.scope = scope
        self.labels = rd.panel.park_labels()
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
            else ("全部园区" if self.lang == "zh" else "all parks")
        )
        facts = [
            (text("as_of", self.lang), self.as_of),
            ("园区数" if self.lang == "zh" else "Parks", str(len(self.scope))),
            ("目标数" if self.lang == "zh" else "Targets", str(len(self.rows))),
        ]
        html = f"<style>{report_css()}</style>" + _section(
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
        html = _section(
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
        counts = counts.reindex(columns=list(STATUS_ORDER), fill_value=0)
        out = counts.assign(
            targets=counts.sum(axis=1),
            assessed=counts.drop(columns="insufficient_data").sum(axis=1),
            p_meet=self.rows.groupby("park_id")["p_meet"].mean(),
        )
        ev = self.rd.evaluation.set_index("park_id")
        out = out.join(ev[["rank", "score", "tier"]], how="left")
        good = out["achieved"] + out["on_track"]
        out["share_good"] = good / out["assessed"].where(out["assessed"] > 0)
        return out.sort_values(["share_good", "assessed"], ascending=False, na_position="last")

    def league_table(self) -> Section:
        """League table: parks by the share of assessable targets met or on track."""
        lg = self.league()
        columns = [
            "园区" if self.lang == "zh" else "Park",
            *[status_name(s, self.lang) for s in STATUS_ORDER],
            "已完成或可完成占比" if self.lang == "zh" else "Met or on track",
            "平均达标概率" if self.lang == "zh" else "Mean P(meet)",
            "综合考评名次" if self.lang == "zh" else "Evaluation rank",
            "规模档次" if self.lang == "zh" else "Size tier",
        ]
        rows = [
            {
                "cells": [
                    str(self.labels.get(pid, pid)),
                    *[int(r[s]) for s in STATUS_ORDER],
                    _pct(r["share_good"]),
                    _pct(r["p_meet"]),
                    "" if pd.isna(r["rank"]) else int(r["rank"]),
                    "" if pd.isna(r["tier"]) else str(r["tier"]),
                ],
                "flag": bool(r["not_achieved"] + r["off_track"] > 0),
            }
            for pid, r in lg.iterrows()
        ]
        note = (
            "按可评估目标中已完成或按当前进度可完成的占比排序；有到期未完成或进度滞后目标的园区标红。"
            if self.lang == "zh"
            else "Sorted by the share of assessable targets met or on track; red rows have a "
            "missed or off-track target."
        )
        return self._plain(
            "园区排行" if self.lang == "zh" else "League table", columns, rows, notes=[note]
        )

    def status_matrix(self) -> pd.DataFrame:
        """Park × indicator status (the latest-due target per cell), assessable columns first."""
        r = self.rows.sort_values("target_period").drop_duplicates(
            ["park_id", "indicator"], keep="last"
        )
        matrix = r.pivot(index="park_id", columns="indicator", values="status")
        known = (matrix.notna() & (matrix != "insufficient_data")).sum()
        order = (known * 1000 + matrix.notna().sum()).sort_values(ascending=False).index
        matrix = matrix[order[:MAX_HEATMAP_COLUMNS]]
        rows = (matrix.notna() & (matrix != "insufficient_data")).sum(axis=1)
        matrix = matrix.loc[rows.sort_values(ascending=False).index[:MAX_HEATMAP_PARKS]]
        matrix.index = [str(self.labels.get(p, p)) for p in matrix.index]
        matrix.columns = [str(self.names.get(c, c)) for c in matrix.columns]
        return matrix

    def heatmap(self) -> Section:
        """Status heat-map, park × indicator."""
        matrix = self.status_matrix()
        heading = "目标状态热力图" if self.lang == "zh" else "Status heat-map"
        if matrix.empty:
            return self._plain(heading, [], [], notes=[text("no_targets", self.lang)])
        fig = plot_status_heatmap(matrix, title=heading, lang=self.lang)
        n_parks = self.rows["park_id"].nunique()
        note = (
            f"显示{len(matrix)}/{n_parks}个园区、{matrix.shape[1]}个指标（每格为该指标最晚到期的目标）。"
            if self.lang == "zh"
            else f"{len(matrix)} of {n_parks} parks, {matrix.shape[1]} indicators (latest-due target per cell)."
        )
        return self._plain(heading, [], [], charts=[to_chart(fig, alt=heading)], notes=[note])

    def evaluation(self) -> Section:
        """综合考评 ranking with the bottom flagged (黄牌)."""
        ev = self.rd.evaluation
        ev = ev[ev["park_id"].isin(self.scope)]
        heading = text("ranked_note", self.lang)
        ranked = ev[ev["rank"].notna()].sort_values("rank")
        attrs = self.rd.evaluation.attrs
        notes = [
            ("考评年份：" if self.lang == "zh" else "Year: ") + str(attrs.get("period", "")),
            ("方法：" if self.lang == "zh" else "Method: ")
            + f"{attrs.get('preset', '')} {attrs.get('method', '')}".strip(),
            (
                f"参与排名{len(ranked)}个园区（名次为全部园区中的名次）。"
                if self.lang == "zh"
                else f"{len(ranked)} parks ranked (ranks among all parks)."
            ),
            *[str(n) for n in (attrs.get("notes") or [])],
        ]
        charts = []
        if len(ranked) > 1:
            scores = ranked.set_index(ranked["park_id"].map(self.labels))["score"]
            if len(scores) > MAX_BARS:  # the top and the bottom (where the yellow cards are)
                half = MAX_BARS // 2
                scores = pd.concat([scores.iloc[:half], scores.iloc[-half:]])
                notes.append(
                    f"图中为前{half}名和后{half}名（共{len(ranked)}个）。"
                    if self.lang == "zh"
                    else f"Top and bottom {half} of {len(ranked)} shown."
                )
            fig = plot_peers(scores, highlight="", title=heading, unit="分", lang=self.lang)
            charts.append(to_chart(fig, alt=heading))
        columns = (
            ["名次", "园区", "得分", "覆盖率", "黄牌", "状态"]
            if self.lang == "zh"
            else ["Rank", "Park", "Score", "Coverage", "Yellow card", "Status"]
        )
        rows = [
            {
                "cells": [
                    "" if pd.isna(r["rank"]) else int(r["rank"]),
                    str(self.labels.get(r["park_id"], r["park_id"])),
                    format_number(r["score"]),
                    _pct(r["coverage"]),
                    "黄牌" if r["yellow_card"] else "",
                    str(r["status"]),
                ],
                "flag": bool(r["yellow_card"]),
            }
            for _, r in ev.sort_values("rank", na_position="last").iterrows()
        ]
        return self._plain(heading, columns, rows, charts=charts, notes=notes)

    def tiers(self) -> Section:
        """Parks per size tier (营业收入 or 主营业务收入 of the evaluation year)."""
        ev = self.rd.evaluation
        ev = ev[ev["park_id"].isin(self.scope) & ev["tier"].notna()]
        heading = "规模档次（千亿 / 500亿 / 100亿级）" if self.lang == "zh" else "Size tiers"
        if ev.empty:
            note = (
                "没有可用于分档的营业收入数据。"
                if self.lang == "zh"
                else "No revenue figures to tier by."
            )
            return self._plain(heading, [], [], notes=[note])
        order = [label for _, label in TIERS] + [BELOW_TIERS]
        counts = ev["tier"].value_counts().reindex(order).dropna().astype(int)
        chart = to_chart(plot_tiers(counts, title=heading, lang=self.lang), alt=heading)
        rows = [
            {
                "cells": [
                    str(r["tier"]),
                    str(self.labels.get(r["park_id"], r["park_id"])),
                    format_number(r["tier_value"]),
                    str(r["tier_indicator"]),
                ]
            }
            for _, r in ev.sort_values("tier_value", ascending=False).iterrows()
        ]
        columns = (
            ["档次", "园区", "收入（亿元）", "依据指标"]
            if self.lang == "zh"
            else ["Tier", "Park", "Revenue (亿元)", "Indicator"]
        )
        return self._plain(heading, columns, rows, charts=[chart])

    def growth(self) -> Section:
        """Required against achieved compound growth, one point per target."""
        r = self.rows.dropna(subset=["required_cagr", "achieved_cagr"])
        heading = "所需增速与实际增速" if self.lang == "zh" else "Required against achieved growth"
        if r.empty:
            note = (
                "没有同时具备所需增速和实际增速的目标。"
                if self.lang == "zh"
                else "No target has both."
            )
            return self._plain(heading, [], [], notes=[note])
        pts = pd.DataFrame(
            {
                "required_cagr": r["required_cagr"],
                "achieved_cagr": r["achieved_cagr"],
                "status": r["status"],
                "label": r["park_id"].map(self.labels) + " " + r["indicator"].map(self.names),
            }
        )
        fig = plot_growth_gap(pts, title=heading, lang=self.lang)
        lower_better = r["comparator"] == "<="
        fast_enough = (pts["achieved_cagr"] >= pts["required_cagr"]) & ~lower_better
        fast_enough |= (pts["achieved_cagr"] <= pts["required_cagr"]) & lower_better
        above = int(fast_enough.sum())
        note = (
            f"{len(pts)}个目标中，{above}个的实际增速达到所需（越高越好的指标在对角线以上，"
            "越低越好的在对角线以下）。"
            if self.lang == "zh"
            else f"{above} of {len(pts)} targets change as fast as required (above the line; "
            "below it for lower-is-better targets)."
        )
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
    rd = data if isinstance(data, ReportData) else report_data(data, as_of, horizon, confidence)
    return Overview(rd, parks, group, language)
