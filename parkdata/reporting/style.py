"""The one house style of every parkdata chart: colours, fonts and sizes.

Colours are colour-blind-safe (built on the Okabe–Ito palette): the two "good" statuses are a dark
and a light bluish green (told apart by lightness, not hue), the warning statuses orange and
vermillion, and a settled failure a dark red; missing data is grey. Sizes are set for a 7.2-inch
figure read in print and on a phone (base 10 pt, 110 dpi).

Nothing is done at import time: :func:`use_house_style` registers the CJK font and sets the global
rcParams (so that figures created and drawn later, even lazily, use the style).
"""

from __future__ import annotations

from typing import Any, cast

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from parkdata.contract.vocab import vocabulary
from parkdata.reporting.fonts import register_cjk_font

STATUS_COLOURS: dict[str, str] = {s.code: s.colour for s in vocabulary().statuses}
"""Status code → colour (vocab.yaml)."""
PROGRESS_COLOURS: dict[str, str] = {c.code: c.colour for c in vocabulary().progress_colours}
"""Anticipated-progress colour code → colour (vocab.yaml)."""
PALETTE: dict[str, str] = {
    "history": "#1F4E79",  # reported values: dark navy
    "projection": "#3B7DC4",  # trend projection and its fan: mid blue
    "required": "#D55E00",  # the path the target requires: vermillion
    "target": "#C0392B",  # the target itself
    "accent": "#1F4E79",  # highlighted item among peers
    "muted": "#BFC5CC",  # the other items
    "ahead": "#009E73",
    "behind": "#D55E00",
    "reference": "#555555",  # median, elapsed-time and other reference marks
    "text": "#222222",
}
DEJAVU = "DejaVu Sans"


def house_rc() -> dict[str, Any]:
    """rcParams of the house style (the CJK family first, DejaVu Sans as glyph fallback)."""
    family = register_cjk_font()
    return {
        "font.family": [family, DEJAVU],
        "font.sans-serif": [family, DEJAVU, *mpl.rcParamsDefault["font.sans-serif"]],
        "font.size": 10.0,
        "text.parse_math": False,
        "text.color": PALETTE["text"],
        "axes.unicode_minus": True,  # Noto Sans CJK has U+2212, so no missing-glyph warning
        "axes.titlesize": 12.0,
        "axes.titleweight": "normal",  # the font ships one weight: no faux bold
        "axes.titlelocation": "left",
        "axes.titlepad": 8.0,
        "axes.labelsize": 10.0,
        "axes.labelcolor": "#333333",
        "axes.edgecolor": "#888888",
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(
            color=[PALETTE["history"], PALETTE["required"], "#009E73", "#E69F00", "#CC79A7"]
        ),
        "grid.color": "#E6E6E6",
        "grid.linewidth": 0.6,
        "xtick.labelsize": 9.0,
        "ytick.labelsize": 9.0,
        "xtick.color": "#555555",
        "ytick.color": "#555555",
        "legend.fontsize": 9.0,
        "legend.frameon": False,
        "legend.handlelength": 1.8,
        "figure.titlesize": 12.0,
        "figure.titleweight": "normal",
        "figure.dpi": 110.0,
        "figure.facecolor": "white",
        "savefig.dpi": 110.0,
        "savefig.facecolor": "white",
        "lines.linewidth": 1.8,
        "lines.markersize": 6.0,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
    }


def use_house_style() -> None:
    """Register the CJK font and set the house rcParams globally (idempotent)."""
    mpl.rcParams.update(cast(Any, house_rc()))


def new_figure(
    width: float = 7.2, height: float = 3.6, nrows: int = 1, ncols: int = 1
) -> tuple[Figure, Axes | np.ndarray]:
    """A constrained-layout :class:`Figure` (no pyplot) in the house style, with its axes."""
    use_house_style()
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes
