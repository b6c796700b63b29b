"""Charts of the 亩均效益 enterprise evaluation, in the house style (:mod:`parkdata.reporting.style`).

The ``plot_*`` functions are pure: tables and words in, a :class:`matplotlib.figure.Figure` out
(built without pyplot). Firm names and other data strings are drawn literally (``parse_math`` is
off in the house style). :func:`score_chart` and :func:`class_count_chart` render them to a
:class:`~parkdata.reporting.charts.Chart` with alt text that states the numbers drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from parkdata.assessment.enterprise_results import CLASSES
from parkdata.reporting.charts import Chart, _legend, _number_axis, _title, label_bars, to_chart
from parkdata.reporting.style import PALETTE, new_figure
from parkdata.reporting.wording import sep, text

CLASS_COLOURS: dict[str, str] = {
    "A": "#009E73",  # bluish green
    "B": "#56B4E9",  # sky blue
    "C": "#E69F00",  # orange
    "D": "#D55E00",  # vermillion
    "": "#999999",  # no class (not rated, not scored)
}
"""Class → colour (Okabe–Ito: colour-blind safe; A and B told apart by hue and lightness)."""


def _offsets(n: int) -> np.ndarray:
    """Vertical offsets that spread ``n`` points of one row over five lanes (no randomness)."""
    lanes = np.array([0.0, 0.16, -0.16, 0.32, -0.32])
    return lanes[np.arange(n) % len(lanes)]


def plot_score_strip(
    scores: pd.DataFrame,
    *,
    boundaries: Mapping[str, float],
    title: str,
    class_labels: Mapping[str, str],
    score_label: str,
    lang: str = "zh",
) -> Figure:
    """One dot per ranked firm: its score (x) in the row of its class (A on top), coloured by
    class, with a dashed line at the lowest score of each class but the last (the boundaries a
    firm must reach to be in that class).

    ``scores`` has ``score`` and ``class``; ``boundaries`` maps a class to its lowest score.
    """
    rows = [c for c in CLASSES if c in set(scores["class"])] or list(CLASSES)
    fig, ax = new_figure(7.2, 1.6 + 0.55 * len(rows))
    assert not isinstance(ax, np.ndarray)
    data = scores[["score", "class"]].dropna()
    if data.empty:
        ax.text(0.5, 0.5, text("chart.no_data", lang), transform=ax.transAxes, ha="center")
        ax.set_xticks([])
        ax.set_yticks([])
        _title(fig, ax, title, lang)
        return fig
    ypos = {c: len(rows) - 1 - i for i, c in enumerate(rows)}
    for grade, group in data.groupby("class", sort=False):
        g = group.sort_values("score")
        y = ypos[str(grade)] + _offsets(len(g))
        ax.scatter(
            g["score"],
            y,
            s=30,
            color=CLASS_COLOURS.get(str(grade), "#999999"),
            edgecolor="white",
            linewidth=0.5,
            zorder=3,
        )
    shown = [c for c in rows[:-1] if c in boundaries and np.isfinite(boundaries[c])]
    shown.sort(key=lambda c: boundaries[c])
    for i, grade in enumerate(shown):
        x = float(boundaries[grade])
        ax.axvline(x, color=PALETTE["reference"], linestyle=(0, (4, 3)), linewidth=1, zorder=2)
        ax.annotate(
            f"{class_labels.get(grade, grade)} ≥ {x:.2f}",
            xy=(x, 1.0),
            xycoords=ax.get_xaxis_transform(),
            xytext=(2, 3 + 11 * (i % 2)),  # alternate heights: close lines keep their labels apart
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=8.5,
            color=PALETTE["reference"],
        )
    ax.set_yticks(list(ypos.values()), labels=[class_labels.get(c, c) for c in ypos])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(False, axis="y")
    _number_axis(ax.xaxis)
    ax.set_xlabel(score_label)
    _title(fig, ax, title, lang, pad=32.0)  # room for two rows of boundary labels
    return fig


def plot_class_counts(
    counts: pd.DataFrame,
    *,
    title: str,
    labels: Sequence[str],
    unit: str,
    lang: str = "zh",
) -> Figure:
    """Bars of firms per class: ``counts`` is indexed by class code ('' = no class) with the
    columns ``by_score`` and ``forced`` (forced into class D by a rule: hatched, stacked).
    ``labels`` are the bar labels and the legend words (by score, forced D)."""
    fig, ax = new_figure(max(4.8, 1.8 + 0.9 * len(counts)), 3.4)
    assert not isinstance(ax, np.ndarray)
    pos = np.arange(len(counts))
    colours = [CLASS_COLOURS.get(str(c), "#999999") for c in counts.index]
    by_score = counts["by_score"].to_numpy(dtype=float)
    forced = counts["forced"].to_numpy(dtype=float)
    ax.bar(pos, by_score, width=0.6, color=colours, zorder=2)
    ax.bar(
        pos,
        forced,
        bottom=by_score,
        width=0.6,
        color="white",
        edgecolor=colours,
        hatch="///",
        zorder=2,
    )
    total = by_score + forced
    label_bars(ax, pos, total, [f"{y:.0f}" for y in total])
    ax.set_xticks(pos, labels=list(labels[: len(counts)]))
    ax.set_ylim(0, max(1.0, float(total.max(initial=0))) * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(False, axis="x")
    if forced.sum() > 0:
        handles = [
            Line2D([], [], color="#777777", linewidth=8),
            Line2D(
                [], [], color="#777777", linewidth=0, marker="s", markersize=10, fillstyle="none"
            ),
        ]
        _legend(fig, handles, list(labels[len(counts) :]), ncols=2)
    _title(fig, ax, title, lang, unit=unit)
    return fig


def score_chart(
    scores: pd.DataFrame,
    boundaries: Mapping[str, float],
    title: str,
    caption: str,
    lang: str = "zh",
) -> Chart:
    """:func:`plot_score_strip` as a :class:`Chart`; the alt text gives n, range and boundaries."""
    labels = {c: text("firm_page.class_name", lang, grade=c) for c in CLASSES}
    fig = plot_score_strip(
        scores,
        boundaries=boundaries,
        title=title,
        class_labels=labels,
        score_label=text("firm_page.score", lang),
        lang=lang,
    )
    s = pd.to_numeric(scores["score"], errors="coerce").dropna()
    cuts = sep("list", lang).join(
        f"{labels[c]} ≥ {boundaries[c]:.2f}" for c in CLASSES[:-1] if c in boundaries
    )
    alt = text(
        "firm_page.score_chart_alt",
        lang,
        title=title,
        n=len(s),
        low=f"{s.min():.2f}" if len(s) else "—",
        high=f"{s.max():.2f}" if len(s) else "—",
        cuts=cuts or "—",
    )
    return to_chart(fig, alt=alt, caption=caption)


def class_count_chart(counts: pd.DataFrame, title: str, caption: str, lang: str = "zh") -> Chart:
    """:func:`plot_class_counts` as a :class:`Chart`; the alt text lists the counts."""
    names = [
        text("firm_page.class_name", lang, grade=c) if c else text("firm_page.no_class", lang)
        for c in counts.index
    ]
    legend = [text("firm_page.by_score", lang), text("firm_page.forced_short", lang)]
    fig = plot_class_counts(
        counts,
        title=title,
        labels=[*names, *legend],
        unit=text("firm_page.firms_unit", lang),
        lang=lang,
    )
    listed = sep("list", lang).join(
        f"{name} {int(b + f)}"
        for name, b, f in zip(names, counts["by_score"], counts["forced"], strict=True)
    )
    alt = text("firm_page.count_chart_alt", lang, title=title, counts=listed)
    return to_chart(fig, alt=alt, caption=caption)


__all__ = [
    "CLASS_COLOURS",
    "class_count_chart",
    "plot_class_counts",
    "plot_score_strip",
    "score_chart",
]
