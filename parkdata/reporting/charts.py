"""Charts of parks against their targets, in the house style (:mod:`parkdata.style`).

Every ``plot_*`` function is pure: it takes tables, returns a :class:`matplotlib.figure.Figure`
built without pyplot, and touches no global state except the house rcParams
(:func:`parkdata.style.use_house_style`). Fixed labels (legend entries, axis words) are Chinese by
default; ``lang="en"`` gives English ones. Data strings (titles, park names, units) are drawn
literally: ``text.parse_math`` is off, so ``$x$`` or ``<script>`` is just text.

:func:`to_chart` renders a figure to a :class:`Chart` (PNG bytes + alt text + caption) that
notebooks display as an accessible ``<figure>``.

Y-axis judgement (levels): 0 is included when the lowest value is at most half the highest, i.e.
when showing 0 still leaves the data at least half the axis; otherwise the axis hugs the data
(an 800→1000 series would be squashed into the top fifth). Bars always start at 0.
"""

from __future__ import annotations

import base64
import html
import io
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator

from parkdata.contract.vocab import STATUSES
from parkdata.errors import ParkDataError
from parkdata.reporting.formatting import format_number, period_label, with_unit
from parkdata.reporting.style import PALETTE, STATUS_COLOURS, house_rc, new_figure
from parkdata.reporting.wording import check_language, sep, status_name, text

__all__ = [
    "Chart",
    "plot_growth_gap",
    "plot_peers",
    "plot_shares",
    "plot_status_heatmap",
    "plot_target",
    "plot_tiers",
    "plot_time_progress",
    "plot_yearly",
    "to_chart",
]

_COMPARATOR_SIGNS = {
    ">=": "≥",
    "≥": "≥",
    "<=": "≤",
    "≤": "≤",
    ">": ">",
    "<": "<",
    "==": "=",
    "=": "=",
}
_LOWER_COMPARATORS = {"<=", "≤", "<"}
_QUALIFIER_STYLE: dict[str, dict[str, Any]] = {
    "exact": {"marker": "o", "markersize": 5.5},
    "at_least": {"marker": "^", "markersize": 7.5},
    "at_most": {"marker": "v", "markersize": 7.5},
    "approx": {"marker": "o", "markersize": 6.0, "markerfacecolor": "white"},
}
_EMPTY_CELL = "#F3F3F3"


# --------------------------------------------------------------------------- display wrapper


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, alt text and caption; shows itself in notebooks."""

    png: bytes
    alt: str
    caption: str = ""
    width_px: int = 0

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (
            f'<figure class="pd-chart"><img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(self.alt)}" style="max-width:100%;height:auto">'
            f"{caption}</figure>"
        )


def to_chart(fig: Figure, alt: str, caption: str = "") -> Chart:
    """Render ``fig`` to PNG as a :class:`Chart`, then clear the figure.

    One draw only: the figures use constrained layout, which already fits every label inside
    the canvas, so the second draw ``bbox_inches="tight"`` would cost buys nothing.
    """
    buf = io.BytesIO()
    # tick labels are made at draw time, so draw in the house style whatever rcParams are now
    with mpl.rc_context(cast(Any, house_rc())):
        fig.savefig(buf, format="png", dpi=fig.dpi)
    fig.clear()
    png = buf.getvalue()
    width = struct.unpack(">I", png[16:20])[0] if len(png) >= 24 else 0
    return Chart(png=png, alt=alt, caption=caption, width_px=int(width))


# --------------------------------------------------------------------------- helpers


class _Words:
    """The fixed words of charts (``chart.*`` of the text table) in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = check_language(lang)

    def __getitem__(self, key: str) -> str:
        return text(f"chart.{key}", self.lang)


def _texts(lang: str) -> _Words:
    return _Words(lang)


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParkDataError(
            f"{name} needs the column(s) {', '.join(missing)}; it has {list(frame.columns)}"
        )


def _floats(values: Any) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig, ax = new_figure(width, height)
    return fig, cast(Axes, ax)


def _em_width(text: str) -> float:
    """Rough display width in ems: CJK characters 1, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def _wrap(text: str, max_em: float) -> str:
    """Wrap ``text`` to lines of at most ``max_em`` ems, breaking Latin text only at spaces."""
    if _em_width(text) <= max_em:
        return text
    lines, line = [], ""
    for token in re.findall(r"[^\s\u2e80-\U0002ffff]+|\s+|.", text):
        if line and _em_width(line + token) > max_em:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line)
    return "\n".join(lines)


def _on_colour(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = to_rgb(colour)
    return "#1A1A1A" if 0.299 * r + 0.587 * g + 0.114 * b > 0.6 else "white"


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white (amount 0 = colour, 1 = white): opaque fan shades."""
    rgb = np.asarray(to_rgb(colour))
    r, g, b = rgb + (1.0 - rgb) * amount
    return (float(r), float(g), float(b))


def _title(
    fig: Figure,
    ax: Axes,
    title: str,
    lang: str,
    status: str | None = None,
    unit: str | None = None,
    pad: float | None = None,
) -> None:
    """Left-aligned title (wrapped to the figure) with an optional coloured status badge on the
    right; ``unit`` goes horizontally above the y tick labels (Chinese reads badly rotated)."""
    size = float(mpl.rcParams["axes.titlesize"])
    override, pad = pad, float(mpl.rcParams["axes.titlepad"])
    if unit is not None:
        ax.set_ylabel(unit, rotation=0, ha="right", va="bottom", fontsize=9, color="#555555")
        ax.yaxis.set_label_coords(0.0, 1.015)
        if unit:
            pad = 22.0
    pad = pad if override is None else override
    room = fig.get_figwidth() * 72 / size - 1.5
    badge = None
    if status is not None and status in STATUS_COLOURS:
        badge = status_name(status, lang)
        room -= _em_width(badge) * 0.8 + 2
    ax.set_title(_wrap(title, max(room, 8.0)), loc="left", pad=pad, linespacing=1.3)
    if badge is not None:
        colour = STATUS_COLOURS[cast(str, status)]
        ax.annotate(
            badge,
            xy=(1.0, 1.0),
            xycoords="axes fraction",
            xytext=(0, pad + 1),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=9,
            color=_on_colour(colour),
            bbox={"boxstyle": "round,pad=0.35", "facecolor": colour, "edgecolor": "none"},
        )


def _row_major(items: Sequence[Any], ncols: int) -> list[Any]:
    """Reorder legend items so that matplotlib's column-by-column fill reads row by row."""
    nrows = -(-len(items) // ncols)
    rows = [list(items[i * ncols : (i + 1) * ncols]) for i in range(nrows)]
    return [row[c] for c in range(ncols) for row in rows if c < len(row)]


def _legend(fig: Figure, handles: Sequence[Any], labels: Sequence[str], ncols: int = 4) -> None:
    if handles:
        ncols = max(1, min(len(handles), ncols))
        fig.legend(
            _row_major(handles, ncols),
            _row_major(labels, ncols),
            loc="outside lower center",
            ncols=ncols,
            frameon=False,
            handletextpad=0.5,
            columnspacing=1.4,
        )


def _fmt(value: float, decimals: int) -> str:
    """``value`` with thousands separators, fixed decimals and a true minus sign."""
    text = f"{abs(value):,.{decimals}f}"
    return ("−" if value < 0 and float(text.replace(",", "")) != 0 else "") + text


def _decimals(values: Any) -> int:
    """Decimals for value labels of one chart, from its largest magnitude (all alike)."""
    v = np.abs(_floats(values))
    top = float(np.nanmax(v)) if np.isfinite(v).any() else 0.0
    return 0 if top >= 100 else 1 if top >= 1 else 2 if top >= 0.01 or top == 0 else 3


class _Numbers(Formatter):
    """Tick labels with one number of decimals per axis (0.40, 0.45, 0.50 — not 0.4, 0.45, 0.5)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Any) -> list[str]:
        vals = [float(v) for v in values]
        decimals = next(
            (
                d
                for d in range(5)
                if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in vals)
            ),
            4,
        )
        return [_fmt(v, decimals) for v in vals]


def _number_axis(axis: Any) -> None:
    axis.set_major_formatter(_Numbers())


def _year_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(nbins=9, integer=True, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:.0f}"))
    ax.grid(False, axis="x")


def _value_limits(values: Any, pad: float = 0.08) -> tuple[float, float]:
    """Y-limits for levels: 0 included when it costs at most half the axis (module docstring)."""
    v = _floats(values)
    v = v[np.isfinite(v)]
    if not len(v):
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    if lo > 0 and (lo <= hi / 2 or lo == hi):
        lo = 0.0
    elif hi < 0 and (hi >= lo / 2 or lo == hi):
        hi = 0.0
    span = hi - lo or abs(hi) or 1.0
    bottom = lo if lo == 0 else lo - pad * span
    top = hi if hi == 0 else hi + pad * span
    if lo >= 0 > bottom:
        bottom = 0.0
    if hi <= 0 < top:
        top = 0.0
    return bottom, top


def _bar_limits(values: Any, pad: float = 0.14) -> tuple[float, float]:
    """Limits for bars: always from 0, with room for the value labels."""
    v = _floats(values)
    v = v[np.isfinite(v)]
    lo, hi = (min(0.0, float(v.min())), max(0.0, float(v.max()))) if len(v) else (0.0, 1.0)
    span = hi - lo or 1.0
    return lo - (pad * span if lo < 0 else 0.0), hi + (pad * span if hi > 0 else 0.0)


def _no_data(ax: Axes, lang: str) -> None:
    ax.text(
        0.5,
        0.5,
        _texts(lang)["no_data"],
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=PALETTE["reference"],
        fontsize=11,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _rows_limits(ax: Axes, n: int) -> None:
    """Y-limits for ``n`` horizontal bars; a few bars stay slim, centred in at least 3 slots."""
    margin = max(0.6, (3 - n) / 2 + 0.6)
    ax.set_ylim(-margin, n - 1 + margin)


def _label_fontsize(n: int) -> float:
    return 9.0 if n <= 30 else 8.0


# --------------------------------------------------------------------------- plot_target


def _history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """``history`` cleaned: numeric year and value, a known qualifier per row, sorted."""
    _require(history, ["year", "value"], "history")
    hist = history.assign(
        year=_floats(history["year"]),
        value=_floats(history["value"]),
        qualifier=(
            history["qualifier"].fillna("exact").astype(str).to_numpy()
            if "qualifier" in history
            else "exact"
        ),
    )
    hist = hist[np.isfinite(hist["year"]) & np.isfinite(hist["value"])].sort_values("year")
    unknown = set(hist["qualifier"]) - set(_QUALIFIER_STYLE)
    if unknown:
        raise ParkDataError(
            f"history has unknown qualifier(s) {sorted(unknown)}; use one of {list(_QUALIFIER_STYLE)}"
        )
    return hist


class _Layers:
    """What a chart has drawn so far: legend entries and the values and years it spans."""

    def __init__(self) -> None:
        self.handles: list[Artist] = []
        self.labels: list[str] = []
        self.values: list[Any] = []
        self.years: list[Any] = []

    def add(self, handle: Artist, label: str) -> None:
        self.handles.append(handle)
        self.labels.append(label)


def _draw_history(ax: Axes, hist: pd.DataFrame, text: _Words, layers: _Layers) -> None:
    """Reported figures: a line, a marker per qualifier (● ▲ ▼ ○), the latest value written."""
    colour = PALETTE["history"]
    ax.plot(hist["year"], hist["value"], color=colour, linewidth=1.8, zorder=4)
    present = [q for q in _QUALIFIER_STYLE if (hist["qualifier"] == q).any()]
    for q in present:
        pts = hist[hist["qualifier"] == q]
        style = {"markerfacecolor": colour, **_QUALIFIER_STYLE[q]}
        ax.plot(
            pts["year"],
            pts["value"],
            linestyle="none",
            color=colour,
            markeredgecolor=colour,
            markeredgewidth=1.3,
            zorder=5,
            **style,
        )
    if "exact" not in present:  # the line itself still needs a legend entry
        layers.add(Line2D([], [], color=colour, linewidth=1.8), text["exact"])
    for q in present:
        style = {"markerfacecolor": colour, **_QUALIFIER_STYLE[q]}
        entry = Line2D(
            [],
            [],
            color=colour,
            markeredgecolor=colour,
            markeredgewidth=1.3,
            linestyle="-" if q == "exact" else "none",
            linewidth=1.8,
            **style,
        )
        layers.add(entry, text[q])
    # the latest reported value, written out (on the free side of a rising/falling line)
    last = hist["value"].to_numpy()
    up = len(last) < 2 or last[-1] >= last[-2]
    ax.annotate(
        format_number(float(last[-1])),
        xy=(float(hist["year"].iloc[-1]), float(last[-1])),
        xytext=(-7, 7 if up else -7),
        textcoords="offset points",
        ha="right",
        va="bottom" if up else "top",
        fontsize=9,
        color=colour,
        zorder=8,
    )


def _draw_fan(
    ax: Axes, path: pd.DataFrame, hist: pd.DataFrame, text: _Words, layers: _Layers
) -> None:
    """The projection: dashed mean from the last figure, 80 % and 95 % bands as a fan."""
    _require(path, ["year", "mean"], "path")
    p = pd.DataFrame({"year": _floats(path["year"]), "mean": _floats(path["mean"])})
    for col in ("lo80", "hi80", "lo95", "hi95"):
        p[col] = _floats(path[col]) if col in path else np.nan
    p = p[np.isfinite(p["year"])].sort_values("year")
    if len(hist) and p["year"].iloc[0] > hist["year"].iloc[-1] + 1e-9:
        last = hist.iloc[-1]
        anchor = {"year": last["year"], "mean": last["value"]}
        anchor.update({c: last["value"] for c in ("lo80", "hi80", "lo95", "hi95")})
        p = pd.concat([pd.DataFrame([anchor]), p], ignore_index=True)
    proj = PALETTE["projection"]
    fan: dict[str, tuple[Artist, str]] = {}
    for lo, hi, amount, key in (("lo95", "hi95", 0.80, "band95"), ("lo80", "hi80", 0.60, "band80")):
        ok = p[lo].notna() & p[hi].notna()
        if ok.sum() >= 2:
            shade = _tint(proj, amount)
            ax.fill_between(
                p["year"], p[lo], p[hi], where=ok.to_numpy(), color=shade, linewidth=0, zorder=1
            )
            fan[key] = (Patch(facecolor=shade, edgecolor="none"), text[key])
            layers.values += [p.loc[ok, lo], p.loc[ok, hi]]
    if p["mean"].notna().any():
        (line,) = ax.plot(
            p["year"], p["mean"], linestyle=(0, (5, 3)), color=proj, linewidth=1.6, zorder=3
        )
        fan["mean"] = (line, text["projection"])
    for key in ("mean", "band80", "band95"):
        if key in fan:
            layers.add(*fan[key])
    layers.values.append(p["mean"])
    layers.years.append(p["year"])


def _draw_marks(
    ax: Axes,
    required: pd.DataFrame | None,
    stages: pd.DataFrame | None,
    text: _Words,
    layers: _Layers,
    stages_label: str | None,
) -> None:
    """The path the target requires (dotted) and stage targets (hollow diamonds)."""
    if required is not None and len(required):
        _require(required, ["year", "value"], "required")
        r = pd.DataFrame({"year": _floats(required["year"]), "value": _floats(required["value"])})
        r = r.dropna().sort_values("year")
        (line,) = ax.plot(
            r["year"],
            r["value"],
            linestyle=(0, (1, 2)),
            color=PALETTE["required"],
            linewidth=2.0,
            zorder=3,
        )
        layers.add(line, text["required"])
        layers.values.append(r["value"])
        layers.years.append(r["year"])
    if stages is not None and len(stages):
        _require(stages, ["year", "value"], "stages")
        s = pd.DataFrame({"year": _floats(stages["year"]), "value": _floats(stages["value"])})
        s = s.dropna()
        (line,) = ax.plot(
            s["year"],
            s["value"],
            linestyle="none",
            marker="D",
            markersize=5,
            markerfacecolor="white",
            markeredgecolor=PALETTE["target"],
            markeredgewidth=1.3,
            zorder=6,
        )
        layers.add(line, stages_label or text["stages"])
        layers.values.append(s["value"])
        layers.years.append(s["year"])


def _draw_goal(
    ax: Axes,
    goal: float,
    target_year: float,
    comparator: str,
    unit: str,
    lang: str,
    text: _Words,
) -> None:
    """The target: a faint line across, a star at its year and its label."""
    target_colour = PALETTE["target"]
    ax.axhline(goal, color=target_colour, linewidth=0.8, alpha=0.35, zorder=1.5)
    ax.plot(
        [target_year],
        [goal],
        marker="*",
        markersize=15,
        color=target_colour,
        markeredgecolor="white",
        markeredgewidth=0.8,
        linestyle="none",
        zorder=7,
    )
    sign = _COMPARATOR_SIGNS.get(comparator, comparator)
    label = f"{text['target']} {sign}{with_unit(format_number(goal), unit, lang)}"
    below = comparator in _LOWER_COMPARATORS
    ax.annotate(
        label,
        xy=(target_year, goal),
        xytext=(-10, -9 if below else 9),
        textcoords="offset points",
        ha="right",
        va="top" if below else "bottom",
        color=target_colour,
        fontsize=9.5,
        zorder=8,
        bbox={
            "boxstyle": "round,pad=0.2",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
    )


def plot_target(
    history: pd.DataFrame,
    path: pd.DataFrame | None = None,
    *,
    goal: float,
    target_year: float,
    comparator: str = ">=",
    required: pd.DataFrame | None = None,
    stages: pd.DataFrame | None = None,
    title: str,
    unit: str,
    lang: str = "zh",
    status: str | None = None,
    stages_label: str | None = None,
) -> Figure:
    """One target: reported history, trend fan, required path, stage targets and the goal.

    ``history`` has year, value and qualifier (exact / at_least / at_most / approx; marked ● ▲ ▼ ○);
    ``path`` year, mean, lo80, hi80, lo95, hi95 (the fan starts at the last reported point; NaN
    bands draw only the dashed mean); ``required`` and ``stages`` year, value (``stages_label``
    names the diamonds when they are something else, e.g. figures published later). ``status``
    (a status code) is shown as a coloured badge next to the title.
    """
    text = _texts(lang)
    hist = _history_frame(history)
    fig, ax = _figure(7.2, 3.9)
    layers = _Layers()
    layers.values.append(hist["value"])
    layers.years += [hist["year"], [target_year]]
    if len(hist):
        _draw_history(ax, hist, text, layers)
    if path is not None and len(path):
        _draw_fan(ax, path, hist, text, layers)
    _draw_marks(ax, required, stages, text, layers, stages_label)
    if np.isfinite(goal):
        _draw_goal(ax, goal, target_year, comparator, unit, lang, text)
        layers.values.append([goal])
    all_years = np.concatenate([_floats(y) for y in layers.years])
    all_years = all_years[np.isfinite(all_years)]
    ax.set_xlim(float(all_years.min()) - 0.5, float(all_years.max()) + 0.5)
    _year_axis(ax)
    bottom, top = _value_limits(np.concatenate([_floats(v) for v in layers.values]))
    if np.isfinite(goal) and comparator not in _LOWER_COMPARATORS:
        top += 0.06 * (top - bottom)  # room for the target label above the star
    elif np.isfinite(goal) and bottom != 0:
        bottom -= 0.06 * (top - bottom)
    ax.set_ylim(bottom, top)
    _number_axis(ax.yaxis)
    _title(fig, ax, title, lang, status, unit=unit)
    _legend(fig, layers.handles, layers.labels)
    return fig


# --------------------------------------------------------------------------- plot_yearly


def plot_yearly(
    values: pd.DataFrame,
    *,
    goal: float | None = None,
    title: str,
    unit: str,
    lang: str = "zh",
    kind_label: str | None = None,
    comparator: str = ">=",
) -> Figure:
    """Bars per year (``values``: year, value) against a horizontal required line at ``goal``.

    With a goal, bars meeting it (by ``comparator``) are green, the others vermillion;
    ``kind_label`` names the line (e.g. ``每年新增`` or ``所需增速``).
    """
    text = _texts(lang)
    _require(values, ["year", "value"], "values")
    v = pd.DataFrame({"year": _floats(values["year"]), "value": _floats(values["value"])})
    v = v[np.isfinite(v["year"])].sort_values("year")
    fig, ax = _figure(7.2, 3.6)
    handles: list[Artist] = []
    labels: list[str] = []
    has_goal = goal is not None and np.isfinite(goal)
    if has_goal:
        g = float(cast(float, goal))
        lower = comparator in _LOWER_COMPARATORS
        meets = (v["value"] <= g) if lower else (v["value"] >= g)
        colours = np.where(meets, PALETTE["ahead"], PALETTE["behind"])
    else:
        colours = np.full(len(v), PALETTE["history"])
    if len(v):
        ax.bar(v["year"], v["value"].fillna(0), width=0.62, color=colours, zorder=2)
        if len(v) <= 20:
            decimals = _decimals(v["value"])
            for x, y in zip(v["year"], v["value"], strict=True):
                if np.isfinite(y):
                    ax.annotate(
                        _fmt(y, decimals),
                        xy=(x, y),
                        xytext=(0, 3 if y >= 0 else -3),
                        textcoords="offset points",
                        ha="center",
                        va="bottom" if y >= 0 else "top",
                        fontsize=8.5,
                        color="#333333",
                    )
        ax.set_xlim(v["year"].min() - 0.7, v["year"].max() + 0.7)
    else:
        _no_data(ax, lang)
    ax.axhline(0, color="#888888", linewidth=0.8, zorder=2.5)
    limits = [v["value"]]
    if has_goal:
        g = float(cast(float, goal))
        line = ax.axhline(
            g, color=PALETTE["reference"], linestyle=(0, (5, 3)), linewidth=1.3, zorder=3
        )
        name = kind_label or text["goal_line"]
        sign = _COMPARATOR_SIGNS.get(comparator, comparator)
        handles += [Patch(color=PALETTE["ahead"]), Patch(color=PALETTE["behind"]), line]
        labels += [
            text["meets"],
            text["misses"],
            f"{name} {sign}{with_unit(format_number(g), unit, lang)}",
        ]
        limits.append(pd.Series([g]))
    _year_axis(ax)
    ax.grid(False, axis="x")
    ax.set_ylim(*_bar_limits(pd.concat(limits)))
    _number_axis(ax.yaxis)
    _title(fig, ax, title, lang, unit=unit)
    _legend(fig, handles, labels)
    return fig


# --------------------------------------------------------------------------- plot_peers


def _vertical_marks(ax: Axes, marks: list[tuple[float, str, str, Any]]) -> None:
    """Vertical reference lines (x, label, colour, style) labelled above the axes."""
    for i, (x, label, colour, style) in enumerate(marks):
        ax.axvline(x, color=colour, linestyle=style, linewidth=1.2, zorder=3)
        # two marks: the one on the left is labelled leftwards, the other rightwards
        other = marks[1 - i][0] if len(marks) == 2 else x
        left = len(marks) == 2 and (x < other or (x == other and i == 0))
        ax.annotate(
            label,
            xy=(x, 1.0),
            xycoords=ax.get_xaxis_transform(),
            xytext=(-2 if left else 2, 3),
            textcoords="offset points",
            ha="right" if left else ("left" if len(marks) == 2 else "center"),
            va="bottom",
            fontsize=8.5,
            color=colour,
        )


def plot_peers(
    values: pd.Series,
    *,
    highlight: Any,
    title: str,
    unit: str,
    threshold: float | None = None,
    median: float | None = None,
    lang: str = "zh",
) -> Figure:
    """Horizontal bars of ``values`` (label → value), largest on top, ``highlight`` in the accent
    colour, with the median (and an optional threshold) marked and labelled at the top.

    Missing values are left out; values are written at the bar ends for up to 40 bars.
    """
    text = _texts(lang)
    v = pd.Series(_floats(values), index=[str(i) for i in values.index]).dropna()
    v = v.sort_values(ascending=True, kind="stable")
    n = len(v)
    fig, ax = _figure(7.2, min(max(2.6, 1.5 + 0.24 * n), 18.0))
    if not n:
        _no_data(ax, lang)
        _title(fig, ax, title, lang)
        return fig
    key = str(highlight)
    colours = [PALETTE["accent"] if k == key else PALETTE["muted"] for k in v.index]
    pos = np.arange(n)
    size = _label_fontsize(n)
    ax.barh(pos, v.to_numpy(), height=0.68, color=colours, zorder=2)
    ax.set_yticks(pos, labels=list(v.index), fontsize=size)
    for tick, k in zip(ax.get_yticklabels(), v.index, strict=True):
        if k == key:
            tick.set_color(PALETTE["accent"])
    _rows_limits(ax, n)
    if n <= 40:
        decimals = _decimals(v)
        for y, x, k in zip(pos, v.to_numpy(), v.index, strict=True):
            ax.annotate(
                _fmt(x, decimals),
                xy=(x, y),
                xytext=(3 if x >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if x >= 0 else "right",
                va="center",
                fontsize=size - 0.5,
                color=PALETTE["accent"] if k == key else "#333333",
                zorder=4,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
    median = float(v.median()) if median is None else float(median)  # of all peers, if given
    marks: list[tuple[float, str, str, Any]] = [
        (
            median,
            f"{text['median']} {_fmt(median, _decimals(v))}",
            PALETTE["reference"],
            (0, (4, 3)),
        )
    ]
    if threshold is not None and np.isfinite(threshold):
        marks.append(
            (
                float(threshold),
                f"{text['threshold']} {_fmt(float(threshold), _decimals(v))}",
                PALETTE["required"],
                "-.",
            )
        )
    _vertical_marks(ax, marks)
    ax.set_xlim(*_bar_limits(pd.concat([v, pd.Series([m[0] for m in marks])]), pad=0.16))
    ax.grid(False, axis="y")
    _number_axis(ax.xaxis)
    ax.set_xlabel(unit)
    _title(fig, ax, title, lang, pad=22.0)
    return fig


# --------------------------------------------------------------------------- plot_time_progress


def _progress_states(r: pd.DataFrame) -> np.ndarray:
    """ahead (of both benchmarks), behind (both, or the calendar with no seasonal one), mixed,
    or none (no figure), per row."""
    behind_time = r["progress"] < r["elapsed"]
    behind_season = r["progress"] < r["seasonal"]  # False where no seasonal expectation
    behind = behind_time & (behind_season | ~r["seasonal"].notna())
    ahead = ~behind_time & ~behind_season
    known = r["progress"].notna()
    return np.select([~known, ahead, behind], ["none", "ahead", "behind"], "mixed")


def _draw_progress(ax: Axes, r: pd.DataFrame, text: _Words, layers: _Layers) -> None:
    """Bars of progress, ticks of the elapsed share, diamonds of the seasonal expectation."""
    n = len(r)
    pos = np.arange(n)
    state = _progress_states(r)
    has_season = r["seasonal"].notna()
    colour_of = {
        "ahead": PALETTE["ahead"],
        "behind": PALETTE["behind"],
        "mixed": STATUS_COLOURS["needs_acceleration"],
        "none": PALETTE["muted"],
    }
    ax.barh(
        pos, r["progress"].fillna(0).to_numpy(), height=0.6, color=[colour_of[s] for s in state]
    )
    tick: dict[str, Any] = {
        "linestyle": "none",
        "marker": "|",
        "markeredgewidth": 2.2,
        "color": "#222222",
    }
    diamond: dict[str, Any] = {
        "linestyle": "none",
        "marker": "D",
        "markersize": 6,
        "markerfacecolor": "white",
        "markeredgecolor": "#222222",
    }
    ax.plot(r["elapsed"], pos, markersize=17, zorder=4, **tick)
    if has_season.any():
        ax.plot(r["seasonal"], pos, markeredgewidth=1.2, zorder=5, **diamond)
    for y, x, s in zip(pos, r["progress"], state, strict=True):
        # values in a column right of the plot, clear of the bars and markers
        ax.annotate(
            f"{_fmt(x, 1)}%" if np.isfinite(x) else text["no_data"],
            xy=(1.0, y),
            xycoords=ax.get_yaxis_transform(),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=9,
            color=colour_of[s] if np.isfinite(x) else PALETTE["reference"],
        )
    ax.set_yticks(pos, labels=list(r["label"]), fontsize=_label_fontsize(n))
    _rows_limits(ax, n)
    for s in ("ahead", "mixed", "behind"):
        if (state == s).any():
            layers.add(Patch(color=colour_of[s]), text[s])
    layers.add(Line2D([], [], markersize=12, **tick), text["elapsed"])
    if has_season.any():
        layers.add(Line2D([], [], **diamond), text["seasonal"])


def plot_time_progress(rows: pd.DataFrame, *, title: str, lang: str = "zh") -> Figure:
    """序时进度: progress (% of the year's target) per indicator against the share of the year
    elapsed (black tick) and the seasonal expectation (hollow diamond, when known).

    Green: ahead of both benchmarks; orange: behind one of them; vermillion: behind both (behind
    the elapsed share when there is no seasonal expectation).
    """
    text = _texts(lang)
    _require(rows, ["label", "progress", "elapsed"], "rows")
    r = pd.DataFrame(
        {
            "label": rows["label"].astype(str).to_numpy(),
            "progress": _floats(rows["progress"]),
            "elapsed": _floats(rows["elapsed"]),
            "seasonal": _floats(rows["seasonal_expected"])
            if "seasonal_expected" in rows
            else np.nan,
        }
    ).iloc[::-1]  # first row on top
    fig, ax = _figure(7.2, min(max(2.6, 1.5 + 0.34 * len(r)), 18.0))
    layers = _Layers()
    if not len(r):
        _no_data(ax, lang)
    else:
        _draw_progress(ax, r, text, layers)
        everything = pd.concat([r["progress"], r["elapsed"], r["seasonal"], pd.Series([100.0])])
        lo, hi = _bar_limits(everything, pad=0.12)
        ax.set_xlim(lo, max(hi, 110.0))
        ax.axvline(100, color="#AAAAAA", linewidth=0.8, zorder=1)
    ax.grid(False, axis="y")
    ax.set_xlabel(text["pct_of_target"])
    _title(fig, ax, title, lang)
    _legend(fig, layers.handles, layers.labels, ncols=3)
    return fig


# --------------------------------------------------------------------------- plot_shares


def plot_shares(rows: pd.DataFrame, *, title: str, lang: str = "zh") -> Figure:
    """Structure shares: one 0–100 % bar per row (label, value, goal, year), goal marked ◆."""
    text = _texts(lang)
    _require(rows, ["label", "value"], "rows")
    n = len(rows)
    r = pd.DataFrame(
        {
            "label": rows["label"].astype(str).to_numpy(),
            "value": _floats(rows["value"]),
            "goal": _floats(rows["goal"]) if "goal" in rows else np.full(n, np.nan),
            "year": _floats(rows["year"]) if "year" in rows else np.full(n, np.nan),
        }
    ).iloc[::-1]
    fig, ax = _figure(7.2, min(max(2.4, 1.4 + 0.36 * n), 18.0))
    handles: list[Any] = []
    labels: list[str] = []
    if not n:
        _no_data(ax, lang)
    else:
        pos = np.arange(n)
        top = max(100.0, float(np.nanmax(np.r_[r["value"], r["goal"], 0.0])))
        ax.barh(pos, np.full(n, top), height=0.6, color="#EFEFEF", zorder=1)
        bars = ax.barh(pos, r["value"].fillna(0), height=0.6, color=PALETTE["history"], zorder=2)
        handles.append(bars)
        labels.append(text["share"])
        decimals = _decimals(r["value"])
        for y, x, yr, g in zip(pos, r["value"], r["year"], r["goal"], strict=True):
            shown = f"{_fmt(x, decimals)}%" if np.isfinite(x) else text["no_data"]
            if np.isfinite(g):
                shown = text["share_label"].format(value=shown, goal=f"{format_number(g)}%")
            if np.isfinite(yr):
                shown += sep("open", lang) + period_label(f"{yr:.0f}", lang) + sep("close", lang)
            # values in a column right of the plot, clear of the bars and goal markers
            ax.annotate(
                shown,
                xy=(1.0, y),
                xycoords=ax.get_yaxis_transform(),
                xytext=(6, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=9,
                color="#333333",
            )
        if r["goal"].notna().any():
            (goal_line,) = ax.plot(
                r["goal"],
                pos,
                linestyle="none",
                marker="D",
                markersize=7,
                markerfacecolor=PALETTE["target"],
                markeredgecolor="white",
                markeredgewidth=1.0,
                zorder=5,
            )
            handles.append(goal_line)
            labels.append(text["share_goal"])
        ax.set_yticks(pos, labels=list(r["label"]), fontsize=_label_fontsize(n))
        _rows_limits(ax, n)
        ax.set_xlim(0, top)
    ax.grid(False, axis="y")
    ax.set_xlabel(text["share_axis"])
    _title(fig, ax, title, lang)
    _legend(fig, handles, labels)
    return fig


# --------------------------------------------------------------------------- heatmap


def plot_status_heatmap(matrix: pd.DataFrame, *, title: str, lang: str = "zh") -> Figure:
    """Status of every park (rows) × target (columns) in the status colours; NaN = no target."""
    text = _texts(lang)
    codes = matrix.astype(object).where(matrix.notna(), None)
    seen = {c for c in codes.to_numpy().ravel() if c is not None}
    unknown = seen - set(STATUSES)
    if unknown:
        raise ParkDataError(
            f"the status matrix has unknown status code(s) {sorted(map(str, unknown))}; "
            f"use one of {list(STATUSES)}"
        )
    index = {s: i for i, s in enumerate(STATUSES)}
    arr = np.array(
        [[np.nan if c is None else index[c] for c in row] for row in codes.to_numpy()], dtype=float
    ).reshape(codes.shape)
    n_rows, n_cols = arr.shape
    row_labels = [str(i) for i in matrix.index]
    col_labels = [str(c) for c in matrix.columns]
    size = _label_fontsize(max(n_rows, n_cols))
    row_em = max((_em_width(s) for s in row_labels), default=0)
    col_em = max((_em_width(s) for s in col_labels), default=0)
    cell = 0.32
    width = max(5.0, 0.6 + row_em * size / 72 + n_cols * cell + col_em * size / 72 * 0.5)
    height = 1.8 + 0.7 * col_em * size / 72 + n_rows * cell * 0.85
    fig, ax = _figure(width, min(height, 30.0))
    if not arr.size:
        _no_data(ax, lang)
        _title(fig, ax, title, lang)
        return fig
    ax.set_facecolor(_EMPTY_CELL)
    ax.pcolormesh(
        np.ma.masked_invalid(arr),
        cmap=ListedColormap([STATUS_COLOURS[s] for s in STATUSES]),
        vmin=-0.5,
        vmax=len(STATUSES) - 0.5,
        edgecolors="white",
        linewidth=1.0,
    )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)  # first park on top
    ax.set_xticks(np.arange(n_cols) + 0.5, labels=col_labels, fontsize=size)
    ax.set_yticks(np.arange(n_rows) + 0.5, labels=row_labels, fontsize=size)
    ax.tick_params(axis="x", labelrotation=45, length=0)
    ax.tick_params(axis="y", length=0)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
        tick.set_rotation_mode("anchor")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles: list[Artist] = [Patch(color=STATUS_COLOURS[s]) for s in STATUSES if s in seen]
    labels = [status_name(s, lang) for s in STATUSES if s in seen]
    if np.isnan(arr).any():
        handles.append(Patch(facecolor=_EMPTY_CELL, edgecolor="#CCCCCC"))
        labels.append(text["no_target"])
    _title(fig, ax, title, lang)
    _legend(fig, handles, labels, ncols=3 if width < 7 else 4)
    return fig


# --------------------------------------------------------------------------- growth gap


def _name_points(ax: Axes, r: pd.DataFrame, most: int = 15) -> None:
    """Write the label of at most ``most`` points, those farthest from the diagonal."""
    named = r[r["label"].str.strip() != ""]
    if not len(named):
        return
    named = named.assign(gap=(named["y"] - named["x"]).abs()).nlargest(most, "gap")
    for x, y, label in zip(named["x"], named["y"], named["label"], strict=True):
        ax.annotate(
            label,
            xy=(x, y),
            xytext=(5, 3),
            textcoords="offset points",
            fontsize=8,
            color="#333333",
            zorder=4,
        )


def plot_growth_gap(rows: pd.DataFrame, *, title: str, lang: str = "zh") -> Figure:
    """Required vs achieved CAGR (%) per target, coloured by status, with the line y = x.

    Points above the line grow fast enough. An optional ``label`` column is written next to the
    points, for at most 15 of them (those farthest from the line).
    """
    text = _texts(lang)
    _require(rows, ["required_cagr", "achieved_cagr"], "rows")
    n_all = len(rows)
    r = pd.DataFrame(
        {
            "x": _floats(rows["required_cagr"]),
            "y": _floats(rows["achieved_cagr"]),
            "status": (
                rows["status"].fillna("insufficient_data").astype(str).to_numpy()
                if "status" in rows
                else np.full(n_all, "insufficient_data")
            ),
            "label": rows["label"].astype(str).to_numpy()
            if "label" in rows
            else np.full(n_all, ""),
        }
    )
    r = r[np.isfinite(r["x"]) & np.isfinite(r["y"])]
    fig, ax = _figure(6.4, 5.4)
    handles: list[Artist] = []
    labels: list[str] = []
    if not len(r):
        _no_data(ax, lang)
        _title(fig, ax, title, lang)
        return fig
    lo = min(0.0, float(r[["x", "y"]].min().min()))
    hi = max(0.0, float(r[["x", "y"]].max().max()))
    pad = 0.08 * (hi - lo or 1.0)
    lims = (lo - pad, hi + pad)
    ax.axhline(0, color="#BBBBBB", linewidth=0.8, zorder=1)
    ax.axvline(0, color="#BBBBBB", linewidth=0.8, zorder=1)
    ax.plot(lims, lims, color=PALETTE["reference"], linestyle=(0, (5, 3)), linewidth=1.1, zorder=2)
    order = [s for s in STATUSES if (r["status"] == s).any()]
    order += sorted(set(r["status"]) - set(STATUSES))
    for s in order:
        pts = r[r["status"] == s]
        colour = STATUS_COLOURS.get(s, PALETTE["muted"])
        dots = ax.scatter(
            pts["x"], pts["y"], s=38, color=colour, edgecolors="white", linewidths=0.6, zorder=3
        )
        handles.append(dots)
        labels.append(status_name(s, lang) if s in STATUS_COLOURS else s)
    ax.set_xlim(*lims)
    ax.set_ylim(*lims)
    # the diagonal's label, rotated along the line whatever the axes' aspect
    at = lims[0] + 0.78 * (lims[1] - lims[0])
    nudge = 0.015 * (lims[1] - lims[0])  # just above the line
    ax.text(
        at - nudge,
        at + nudge,
        text["diagonal"],
        rotation=45,
        rotation_mode="anchor",
        transform_rotates_text=True,
        ha="center",
        va="bottom",
        fontsize=8.5,
        color=PALETTE["reference"],
        zorder=2,
    )
    corner: dict[str, Any] = {"fontsize": 8.5, "color": "#666666", "transform": ax.transAxes}
    ax.text(0.02, 0.98, text["above"], ha="left", va="top", **corner)
    ax.text(0.98, 0.02, text["below"], ha="right", va="bottom", **corner)
    _name_points(ax, r)
    _number_axis(ax.xaxis)
    _number_axis(ax.yaxis)
    ax.set_xlabel(text["required_cagr"])
    ax.set_ylabel(text["achieved_cagr"])
    _title(fig, ax, title, lang)
    _legend(fig, handles, labels, ncols=3)
    return fig


# --------------------------------------------------------------------------- tiers


def plot_tiers(counts: pd.Series, *, title: str, lang: str = "zh") -> Figure:
    """Number of parks per size tier (label → count), bars in the order given."""
    text = _texts(lang)
    v = pd.Series(_floats(counts), index=[str(i) for i in counts.index]).fillna(0)
    fig, ax = _figure(max(4.8, 1.6 + 0.9 * len(v)), 3.4)
    if not len(v):
        _no_data(ax, lang)
    else:
        pos = np.arange(len(v))
        ax.bar(pos, v.to_numpy(), width=0.6, color=PALETTE["history"], zorder=2)
        label_bars(ax, pos, v.to_numpy(), [format_number(y) for y in v.to_numpy()])
        ax.set_xticks(pos, labels=list(v.index))
        ax.set_ylim(*_bar_limits(v, pad=0.15))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(False, axis="x")
    _title(fig, ax, title, lang, unit=text["parks"])
    return fig


def label_bars(ax: Any, xs: Any, tops: Any, labels: Any) -> None:
    """Write each bar's label just above its top (value labels of bar charts)."""
    for x, y, label in zip(xs, tops, labels, strict=True):
        ax.annotate(
            label,
            xy=(x, y),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            color="#333333",
        )
