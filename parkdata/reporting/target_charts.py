"""The charts of a park report, built from a :class:`~parkdata.reporting.report_data.ReportData`.

Each function picks the rows it needs, hands plain tables to :mod:`parkdata.charts` and returns
a :class:`~parkdata.charts.Chart` (PNG with alt text and a caption naming the sources), or
``None`` when there is nothing honest to draw (no figure at all).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkdata.assessment.enterprise_scheme import SCHEMES
from parkdata.contract.vocab import FLOW_KINDS, LEVEL_KINDS, NOT_PARKS, SETTLED
from parkdata.inputs.firm_totals import FIRM_TOTALS, firms_used
from parkdata.reporting.charts import (
    Chart,
    plot_peers,
    plot_shares,
    plot_target,
    plot_time_progress,
    plot_yearly,
    to_chart,
)
from parkdata.reporting.class_policies import CLASSES
from parkdata.reporting.enterprise_charts import class_count_chart
from parkdata.reporting.formatting import period_label
from parkdata.reporting.report_data import ReportData
from parkdata.reporting.wording import indicator_names as names_of
from parkdata.reporting.wording import sep, text, unit_name

MAX_EFFICIENCY = 2
PER_MU = (
    "tax_per_mu",
    "main_business_revenue_per_mu",
    "operating_revenue_per_mu",
    "industrial_output_per_mu",
    "profit_per_mu",
    "industrial_value_added_per_mu",
    "investment_intensity",
)


def indicator_names(rd: ReportData, lang: str = "zh") -> pd.Series:
    """Indicator code → display name (Chinese, or English with lang='en')."""
    return pd.Series(names_of(rd.panel.catalog, lang), dtype=object)


def _year(period: object) -> float:
    try:
        return float(str(period)[:4])
    except ValueError:
        return float("nan")


def _data_caption(history: pd.DataFrame, lang: str) -> str:
    """'数据：file 第3、7、9行；…' — where every plotted figure comes from, rows grouped by file."""
    rows: dict[str, list[str]] = {}
    for source in dict.fromkeys(history["source"].astype(str)):
        for part in source.split("; "):  # a figure summed from firms of several files
            file, _, row = part.rpartition(" row ")
            rows.setdefault(file or part, []).append(row if file else "")
    data = sep("semicolon", lang).join(
        text("chart.file_rows", lang, file=file, rows=sep("list", lang).join(r for r in found if r))
        if any(found)
        else file
        for file, found in rows.items()
    )
    return text("chart.data", lang, data=data or text("chart.data_none", lang))


MAX_BARS = 30


def rank_window(values: pd.Series, highlight: str, size: int = MAX_BARS) -> pd.Series:
    """At most ``size`` values: those ranked next to ``highlight`` (or the top ones).

    >>> s = pd.Series(range(100), index=[f"p{i}" for i in range(100)], dtype=float)
    >>> list(rank_window(s, "p50", 5).index)
    ['p52', 'p51', 'p50', 'p49', 'p48']
    """
    ordered = values.sort_values(ascending=False)
    if len(ordered) <= size:
        return ordered
    if highlight not in ordered.index:
        return ordered.iloc[:size]
    at = ordered.index.get_loc(highlight)
    start = int(min(max(0, at - size // 2), len(ordered) - size))
    return ordered.iloc[start : start + size]


def _window_note(values: pd.Series, shown: pd.Series, highlight: str, lang: str) -> str:
    """'共N个园区，本园区排第k位；图中为排名相邻的30个' when not every bar is drawn."""
    rank = int((values > values.get(highlight, float("inf"))).sum()) + 1
    note = text("chart.window", lang, n=len(values))
    if highlight in values.index:
        note += text("chart.window_rank", lang, rank=rank)
    if len(shown) < len(values):
        return note + text("chart.window_shown", lang, shown=len(shown))
    return note + text("chart.window_end", lang)


def _sources_caption(history: pd.DataFrame, row: pd.Series, lang: str) -> str:
    """Figures' sources and the plan clause that sets the target."""
    plan = f"{row.get('source') or ''}" + (f" — {row['clause']}" if row.get("clause") else "")
    return _data_caption(history, lang) + text("chart.target_source", lang, plan=plan)


def _history(rd: ReportData, park_id: str, indicator: str) -> pd.DataFrame:
    lv = rd.levels
    out = lv[(lv["park_id"] == park_id) & (lv["indicator"] == indicator)]
    return out.assign(year=out["year"].astype(float)).sort_values("year")


def required_path(
    start_year: float, start: float, goal_year: float, goal: float, geometric: bool
) -> pd.DataFrame:
    """The yearly path from the latest figure to the goal at constant growth (or a line).

    >>> required_path(2020, 100.0, 2022, 121.0, True)["value"].round(6).tolist()
    [100.0, 110.0, 121.0]
    """
    years = np.arange(start_year, goal_year + 1)
    frac = (years - start_year) / (goal_year - start_year)
    if geometric and start > 0 and goal > 0:
        values = start * (goal / start) ** frac
    else:
        values = start + (goal - start) * frac
    return pd.DataFrame({"year": years, "value": values})


def level_chart(rd: ReportData, row: pd.Series, title: str, lang: str = "zh") -> Chart | None:
    """History, projection fan, required path, stage targets and the target of one level target."""
    history = _history(rd, row["park_id"], row["indicator"])
    if history.empty or row["goal"] != row["goal"]:
        return None
    goal_year = _year(row["target_period"])
    path = None
    if isinstance(row.get("projection_model"), str):
        p = rd.paths
        p = p[
            (p["park_id"] == row["park_id"])
            & (p["indicator"] == row["indicator"])
            & (p["model"] == row["projection_model"])
        ]
        p = p.assign(year=p["period"].astype(float))
        path = p[p["year"] <= goal_year][["year", "mean", "lo80", "hi80", "lo95", "hi95"]]
    last = history.iloc[-1]
    required = None
    if row["status"] not in SETTLED and goal_year > last["year"]:
        geometric = row["kind"] != "share"
        required = required_path(last["year"], last["value"], goal_year, row["goal"], geometric)
    st = rd.stages
    stages = st[(st["target_id"] == row["target_id"]) & (st["year"] < goal_year)]
    fig = plot_target(
        history[["year", "value", "qualifier"]],
        path,
        goal=float(row["goal"]),
        target_year=goal_year,
        comparator=str(row["comparator"]),
        required=required,
        stages=stages.rename(columns={"stage_value": "value"})[["year", "value"]],
        title=title,
        unit=unit_name(str(row.get("goal_unit") or ""), lang),
        lang=lang,
        status=str(row["status"]),
    )
    return to_chart(fig, alt=title, caption=_sources_caption(history, row, lang))


def yearly_chart(rd: ReportData, row: pd.Series, title: str, lang: str = "zh") -> Chart | None:
    """Each year's flow (or a stock's rise) against 每年新增N or a cumulative goal's yearly pace."""
    history = _history(rd, row["park_id"], row["indicator"])
    kind = {ind.code: ind.kind for ind in rd.panel.catalog}.get(row["indicator"])
    values = history[["year", "value"]].copy()
    if kind in ("stock", "count"):
        values["value"] = values["value"].diff()
        values = values.dropna()
    if values.empty:
        return None
    goal = float(row["target_value"])
    if row["kind"] == "cumulative":
        span = _year(row["target_period"]) - _year(row.get("base_period") or np.nan)
        goal = goal / span if span == span and span > 0 else float("nan")
    fig = plot_yearly(
        values,
        goal=goal if goal == goal else None,
        title=title,
        unit=unit_name(str(row.get("unit") or ""), lang),
        lang=lang,
        kind_label=text("chart.needed_per_year", lang),
    )
    return to_chart(fig, alt=title, caption=_sources_caption(history, row, lang))


def count_chart(rd: ReportData, row: pd.Series, title: str, lang: str = "zh") -> Chart | None:
    """Member parks' values against the threshold of a 'N parks above X' target."""
    members = rd.panel.members(row["park_id"])
    lv = rd.levels[
        rd.levels["park_id"].isin(members) & (rd.levels["indicator"] == row["indicator"])
    ]
    if lv.empty:
        return None
    latest = lv.sort_values("year").drop_duplicates("park_id", keep="last")
    labels = rd.panel.park_labels(text("fictional_mark", lang))
    values = latest.set_index(latest["park_id"].map(labels))["value"]
    shown = rank_window(values, "")
    tg = rd.panel.targets.set_index("target_id")
    threshold = (
        float(tg.at[row["target_id"], "threshold"]) if row["target_id"] in tg.index else None
    )
    unit = tg.at[row["target_id"], "threshold_unit"] if row["target_id"] in tg.index else None
    fig = plot_peers(
        shown,
        median=float(values.median()),
        highlight="",
        title=title,
        unit=unit_name(str(unit or ""), lang),
        threshold=threshold if threshold == threshold else None,
        lang=lang,
    )
    note = _window_note(values, shown, "", lang)
    return to_chart(fig, alt=title, caption=note + _sources_caption(latest, row, lang))


def target_chart(rd: ReportData, row: pd.Series, title: str, lang: str = "zh") -> Chart | None:
    """The chart that fits the target's kind, or None without figures."""
    if row["kind"] in LEVEL_KINDS:
        return level_chart(rd, row, title, lang)
    if row["kind"] in FLOW_KINDS:
        return yearly_chart(rd, row, title, lang)
    if row["kind"] == "count_over_threshold":
        return count_chart(rd, row, title, lang)
    return None


def schedule_chart(rd: ReportData, park_id: str, lang: str = "zh") -> Chart | None:
    """序时进度 of the latest in-year figure of each indicator with a target for the year."""
    sc = rd.schedule[rd.schedule["park_id"] == park_id]
    if sc.empty:
        return None
    latest = sc.sort_values("period").drop_duplicates("indicator", keep="last")
    names = indicator_names(rd, lang)
    rows = latest.assign(
        label=latest["indicator"].map(names)
        + " "
        + latest["period"].map(lambda p: period_label(str(p), lang))
    )
    title = text("schedule", lang)
    fig = plot_time_progress(
        rows[["label", "progress", "elapsed", "seasonal_expected"]], title=title, lang=lang
    )
    refs = sep("semicolon", lang).join(
        dict.fromkeys(
            text(f"chart.ref_{r.ref_kind}", lang, target_id=r.target_ref, year=r.ref_year)
            for r in latest.itertuples()
        )
    )
    return to_chart(fig, alt=title, caption=text("chart.annual_targets", lang, refs=refs))


def peer_group(rd: ReportData, park_id: str, lang: str = "zh") -> tuple[list[str], str]:
    """The park's peers: members of its groups, else every park that is not a group or region."""
    ms = rd.panel.memberships
    groups = ms.loc[ms["member_id"] == park_id, "group_id"].unique().tolist()
    if groups:
        members = ms.loc[ms["group_id"].isin(groups), "member_id"].unique().tolist()
        labels = rd.panel.park_labels("")
        return members, sep("list", lang).join(labels.get(g, g) for g in groups)
    parks = rd.panel.parks
    return parks.loc[~parks["kind"].isin(NOT_PARKS), "park_id"].tolist(), ""


def efficiency_charts(rd: ReportData, park_id: str, lang: str = "zh") -> list[Chart]:
    """亩均税收 and the next 亩均 indicator the park reports (at most :data:`MAX_EFFICIENCY`):
    its latest value among its peers', ranked, at most :data:`MAX_BARS` bars."""
    peers, group = peer_group(rd, park_id, lang)
    peers = list(dict.fromkeys([park_id, *peers]))
    lv = rd.levels[rd.levels["park_id"].isin(peers) & rd.levels["indicator"].isin(PER_MU)]
    own = lv[lv["park_id"] == park_id]
    labels = rd.panel.park_labels(text("fictional_mark", lang))
    names = indicator_names(rd, lang)
    units = {ind.code: ind.unit for ind in rd.panel.catalog}
    charts = []
    present = [code for code in PER_MU if code in set(own["indicator"])][:MAX_EFFICIENCY]
    for indicator in present:
        year = own.loc[own["indicator"] == indicator, "year"].max()
        same = lv[(lv["indicator"] == indicator) & (lv["year"] == year)]
        values = same.set_index(same["park_id"].map(labels))["value"]
        highlight = str(labels.get(park_id, park_id))
        shown = rank_window(values, highlight)
        title = f"{names.get(indicator, indicator)}{sep('open', lang)}{period_label(str(year), lang)}{sep('close', lang)}"
        peers_text = (
            text("peers_group", lang).format(group=group) if group else text("peers_all", lang)
        )
        fig = plot_peers(
            shown,
            median=float(values.median()),
            highlight=highlight,
            title=title,
            unit=unit_name(units.get(indicator, ""), lang),
            lang=lang,
        )
        caption = peers_text + sep("sentence_end", lang)
        caption += _window_note(values, shown, highlight, lang)
        caption += _data_caption(same[same["park_id"] == park_id], lang)
        caption += _summed_note(rd, park_id, indicator, int(year), lang)
        caption += text("chart.other_sources", lang)
        charts.append(to_chart(fig, alt=title, caption=caption))
    return charts


def _summed_note(rd: ReportData, park_id: str, indicator: str, year: int, lang: str) -> str:
    """The sentence saying a figure was summed from the park's firms (推算), or ''."""
    obs = rd.panel.observations
    hit = obs[
        (obs["park_id"] == park_id)
        & (obs["indicator"] == indicator)
        & (obs["period"].astype(str) == str(year))
        & (obs["origin_column"] == FIRM_TOTALS)
    ]
    if hit.empty:
        return ""
    return text(
        "park_firms.derived_caption",
        lang,
        park=rd.panel.park_labels(text("fictional_mark", lang)).get(park_id, park_id),
        year=year,
        indicator=indicator_names(rd, lang).get(indicator, indicator),
        n=firms_used(hit["note"].iloc[0]),
    )


def firm_class_chart(rd: ReportData, park_id: str, lang: str = "zh") -> Chart | None:
    """Firms of the park by 亩均效益 class in the latest year of its firm data (None without
    firm data): the class mix beside the peer comparison (classed once for all parks, in
    :func:`~parkdata.reporting.report_data.prepare`)."""
    mix = rd.firm_classes
    own = mix[mix["park_id"] == park_id] if len(mix) else mix
    if own.empty:
        return None
    m = own.iloc[0]
    counts = pd.DataFrame(
        {
            "by_score": [int(m[c]) for c in CLASSES] + [int(m["no_class"])],
            "forced": [0, 0, 0, int(m["forced_D"]), 0],
        },
        index=[*CLASSES, ""],
    )
    schemes = sep("list", lang).join(
        SCHEMES[code].name if code in SCHEMES else code
        for code in str(m["schemes"]).split(";")
        if code
    )
    files = sep("semicolon", lang).join(
        text("chart.file_rows", lang, file=file, rows=rows)
        for file, _, rows in (part.rpartition(" row ") for part in str(m["rows"]).split("; "))
    )
    caption = text(
        "park_firms.class_mix_caption",
        lang,
        n=int(m["n"]),
        schemes=schemes,
        files=files,
        fictional=text("park_firms.fictional", lang) if bool(m["fictional"]) else "",
    )
    title = text("park_firms.class_mix_title", lang, year=int(m["year"]))
    return class_count_chart(counts, title, caption, lang)


def structure_chart(rd: ReportData, park_id: str, lang: str = "zh") -> Chart | None:
    """Latest value of every share indicator of the park, with its goal where a target sets one."""
    shares = {ind.code for ind in rd.panel.catalog if ind.kind == "share"}
    lv = rd.levels[(rd.levels["park_id"] == park_id) & rd.levels["indicator"].isin(shares)]
    if lv.empty:
        return None
    latest = lv.sort_values("year").drop_duplicates("indicator", keep="last")
    a = rd.assessment
    goals = (
        a[(a["park_id"] == park_id) & (a["kind"] == "share")]
        .sort_values("target_period")
        .drop_duplicates("indicator", keep="last")
        .set_index("indicator")["goal"]
    )
    names = indicator_names(rd, lang)
    rows = pd.DataFrame(
        {
            "label": latest["indicator"].map(names).fillna(latest["indicator"]),
            "value": latest["value"].astype(float),
            "goal": latest["indicator"].map(goals).astype(float),
            "year": latest["year"],
        }
    )
    title = text("structure", lang)
    caption = _data_caption(latest, lang)
    return to_chart(plot_shares(rows, title=title, lang=lang), alt=title, caption=caption)
