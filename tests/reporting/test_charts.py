"""Charts: every chart renders with Chinese text in the Noto CJK font, no missing glyphs, no
mathtext, sensible axes; the notebook wrapper escapes its text and holds a real PNG."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager, ft2font
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.text import Text

from parkdata.contract.vocab import STATUSES
from parkdata.errors import ParkDataError
from parkdata.reporting import charts
from parkdata.reporting.fonts import CJK_FAMILY
from parkdata.reporting.style import STATUS_COLOURS, house_rc, new_figure, use_house_style
from parkdata.reporting.wording import status_name

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PARKS = ["苏州工业园区", "昆山经济技术开发区", "吴江经济技术开发区", "常熟高新区", "张家港保税区"]


# --------------------------------------------------------------------------- sample tables


def history(qualifiers: list[str] | None = None) -> pd.DataFrame:
    values = [412.0, 455.0, 520.0, 560.0, 610.0]
    return pd.DataFrame(
        {
            "year": [2019.0, 2020.0, 2021.0, 2022.0, 2023.0],
            "value": values,
            "qualifier": qualifiers or ["exact"] * len(values),
        }
    )


def fan(nan_bands: bool = False) -> pd.DataFrame:
    years = np.array([2024.0, 2025.0])
    mean = 610 * 1.08 ** (years - 2023)
    sd = 0.05 * np.sqrt(years - 2023)
    bands = {
        "lo80": mean * np.exp(-1.28 * sd),
        "hi80": mean * np.exp(1.28 * sd),
        "lo95": mean * np.exp(-1.96 * sd),
        "hi95": mean * np.exp(1.96 * sd),
    }
    if nan_bands:
        bands = {k: np.full(2, np.nan) for k in bands}
    return pd.DataFrame({"year": years, "mean": mean, **bands})


REQUIRED = pd.DataFrame({"year": [2023.0, 2024.0, 2025.0], "value": [610.0, 698.5, 800.0]})


def target_fan() -> Figure:
    return charts.plot_target(
        history(["exact", "exact", "approx", "at_least", "exact"]),
        fan(),
        goal=800,
        target_year=2025,
        required=REQUIRED,
        stages=pd.DataFrame({"year": [2023.0], "value": [600.0]}),
        title="苏州工业园区 · 规上工业总产值（“十四五”目标）",
        unit="亿元",
        status="needs_acceleration",
    )


def target_sparse() -> Figure:
    return charts.plot_target(
        history().iloc[[-1]],
        goal=800,
        target_year=2025,
        required=REQUIRED.iloc[[0, -1]],
        title="某经开区 · 实际使用外资",
        unit="亿元",
    )


def target_falling(lang: str = "zh") -> Figure:
    hist = pd.DataFrame(
        {
            "year": [2020.0, 2021.0, 2022.0, 2023.0],
            "value": [0.52, 0.50, 0.47, 0.46],
            "qualifier": ["exact", "at_most", "exact", "exact"],
        }
    )
    path = pd.DataFrame({"year": [2024.0, 2025.0], "mean": [0.446, 0.433]})  # no band columns
    return charts.plot_target(
        hist,
        path,
        goal=0.40,
        target_year=2025,
        comparator="<=",
        required=pd.DataFrame({"year": [2023.0, 2025.0], "value": [0.46, 0.40]}),
        title="单位工业增加值能耗",
        unit="吨标准煤/万元",
        lang=lang,
        status="off_track",
    )


def status_matrix(n_rows: int = 5, n_cols: int = 4, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = rng.choice([*STATUSES, None], size=(n_rows, n_cols))
    codes[0, : len(STATUSES[:n_cols])] = STATUSES[:n_cols]
    return pd.DataFrame(
        codes,
        index=[f"{PARKS[i % len(PARKS)]}{i}" for i in range(n_rows)],
        columns=[f"指标{j}（≥目标）" for j in range(n_cols)],
    )


CHARTS: dict[str, Callable[[], Figure]] = {
    "target_fan": target_fan,
    "target_sparse": target_sparse,
    "target_falling": target_falling,
    "target_en": lambda: target_falling("en"),
    "yearly": lambda: charts.plot_yearly(
        pd.DataFrame({"year": [2020, 2021, 2022, 2023], "value": [8.2, -1.5, 12.3, 6.1]}),
        goal=7.0,
        title="规上工业增加值同比增速",
        unit="%",
        kind_label="所需年均增速",
    ),
    "peers": lambda: charts.plot_peers(
        pd.Series([210.0, 180.5, 95.2, 150.0, 60.3], index=PARKS),
        highlight="常熟高新区",
        title="亩均税收（万元/亩）",
        unit="万元/亩",
        threshold=100,
    ),
    "time_progress": lambda: charts.plot_time_progress(
        pd.DataFrame(
            {
                "label": ["规上工业总产值", "固定资产投资", "实际使用外资", "税收收入"],
                "progress": [95.0, 70.2, 40.0, np.nan],
                "elapsed": [91.7] * 4,
                "seasonal_expected": [89.0, 75.0, np.nan, 90.0],
            }
        ),
        title="2023年1—11月序时进度",
    ),
    "shares": lambda: charts.plot_shares(
        pd.DataFrame(
            {
                "label": ["战略性新兴产业产值占比", "R&D经费占GDP比重"],
                "value": [42.5, 3.8],
                "goal": [50.0, np.nan],
                "year": [2023, 2022],
            }
        ),
        title="产业结构",
    ),
    "heatmap": lambda: charts.plot_status_heatmap(status_matrix(), title="目标进度总览"),
    "growth_gap": lambda: charts.plot_growth_gap(
        pd.DataFrame(
            {
                "required_cagr": [8.0, 12.5, -2.0, 5.0],
                "achieved_cagr": [10.0, 3.1, 1.0, np.nan],
                "status": ["on_track", "off_track", "achieved", "insufficient_data"],
                "label": PARKS[:4],
            }
        ),
        title="所需增速与实际增速",
    ),
    "tiers": lambda: charts.plot_tiers(
        pd.Series({"千亿级": 3, "500亿级": 7, "100亿级": 25, "50亿级": 18, "50亿以下": 40}),
        title="园区规模分布",
    ),
}


def title_text(fig: Figure) -> Text:
    """The (left-aligned) title's Text object."""
    ax = fig.axes[0]
    wanted = ax.get_title(loc="left")
    return next(c for c in ax.get_children() if isinstance(c, Text) and c.get_text() == wanted)


def legend_labels(fig: Figure) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def covers(font: Path, text: str) -> bool:
    """True when ``font`` has a glyph for every CJK character of ``text``."""
    face = ft2font.FT2Font(str(font))
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return bool(cjk) and all(face.get_char_index(ord(c)) != 0 for c in cjk)


def png_colours(png: bytes) -> int:
    pixels = imread(BytesIO(png))
    return len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0))


# --------------------------------------------------------------------------- fonts and style


def test_house_style_settings() -> None:
    rc = house_rc()
    assert rc["font.family"][0] == CJK_FAMILY and "DejaVu Sans" in rc["font.family"]
    assert rc["text.parse_math"] is False
    assert rc["figure.dpi"] == rc["savefig.dpi"] == 110
    assert not rc["axes.spines.top"] and not rc["axes.spines.right"]
    use_house_style()
    use_house_style()  # idempotent
    fig, axes = new_figure(nrows=1, ncols=2)
    assert isinstance(fig, Figure) and len(axes) == 2
    assert fig.get_layout_engine() is not None
    assert set(STATUS_COLOURS) == set(STATUSES)
    assert STATUS_COLOURS["achieved"] != STATUS_COLOURS["on_track"]


def test_importing_charts_has_no_side_effects() -> None:
    code = (
        "import sys, parkdata.reporting.charts, parkdata.reporting.style\n"
        "from matplotlib import font_manager as fm, rcParams\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "from pathlib import Path\n"
        "from parkdata.reporting.fonts import cjk_font_path\n"
        "assert cjk_font_path() not in {Path(f.fname) for f in fm.fontManager.ttflist}\n"
        "assert rcParams['text.parse_math'] is True\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- every chart


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_renders_chinese_without_missing_glyphs(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        fig = CHARTS[name]()
        title = title_text(fig)
        assert title.get_text()
        found = font_manager.findfont(title.get_fontproperties())
        chart = charts.to_chart(fig, alt=f"{name} 图")
    # the font drawing the title has every Chinese character of it (whichever file matplotlib
    # picked: the bundled Noto CJK, or a system copy of the same family)
    assert covers(Path(str(found)), title.get_text())
    assert chart.png.startswith(PNG_SIGNATURE)
    assert chart.width_px > 300
    assert png_colours(chart.png) > 10  # not blank


def test_chart_html_escapes_alt_and_caption() -> None:
    chart = charts.to_chart(
        target_sparse(), alt='苏州"园区" <b>', caption="<script>alert(1)</script>"
    )
    page = chart._repr_html_()
    assert page.startswith('<figure class="pd-chart"><img src="data:image/png;base64,')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert 'alt="苏州&quot;园区&quot; &lt;b&gt;"' in page
    assert 'style="max-width:100%;height:auto"' in page
    assert chart._repr_png_() == chart.png


# --------------------------------------------------------------------------- plot_target


def test_target_with_one_point_and_no_path() -> None:
    fig = target_sparse()
    ax = fig.axes[0]
    assert legend_labels(fig) == ["实际值", "达标所需路径"]
    bottom, top = ax.get_ylim()
    assert bottom < 610 and top > 800
    assert ax.get_ylabel() == "亿元"
    texts = [t.get_text() for t in ax.texts]
    assert "目标 ≥800亿元" in texts


def test_target_fan_and_qualifier_legend() -> None:
    fig = target_fan()
    labels = legend_labels(fig)
    assert {"实际值", "至少", "约", "趋势预测", "80%预测区间", "95%预测区间", "阶段目标"} <= set(
        labels
    )
    assert "至多" not in labels  # only markers present are explained
    assert len(fig.axes[0].collections) == 2  # the 95 % and 80 % bands
    fig.canvas.draw()
    years = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert years and all(y.isdigit() and len(y) == 4 for y in years)  # integer years only


def test_target_with_nan_bands_draws_only_the_mean() -> None:
    fig = charts.plot_target(
        history(), fan(nan_bands=True), goal=800, target_year=2025, title="园区", unit="亿元"
    )
    labels = legend_labels(fig)
    assert "趋势预测" in labels and "80%预测区间" not in labels
    assert len(fig.axes[0].collections) == 0


def test_lower_is_better_target_below_history() -> None:
    fig = target_falling()
    ax = fig.axes[0]
    bottom, top = ax.get_ylim()
    assert bottom < 0.40 and top > 0.52
    assert bottom > 0  # 0 would squash a 0.40–0.52 series: the axis hugs the data
    assert "目标 ≤0.4吨标准煤/万元" in [t.get_text() for t in ax.texts]
    assert "至多" in legend_labels(fig)


def test_english_labels() -> None:
    fig = target_falling("en")
    assert "target ≤0.4 吨标准煤/万元" in [t.get_text() for t in fig.axes[0].texts]
    assert {"reported", "at most", "trend projection"} <= set(legend_labels(fig))
    assert "off track" in [t.get_text() for t in fig.axes[0].texts]
    with pytest.raises(ParkDataError, match="lang"):
        charts.plot_tiers(pd.Series({"千亿级": 1}), title="x", lang="fr")


def test_target_without_history() -> None:
    fig = charts.plot_target(
        history().iloc[:0], goal=800, target_year=2025, required=REQUIRED, title="园区", unit="亿元"
    )
    assert charts.to_chart(fig, alt="x").png.startswith(PNG_SIGNATURE)


def test_dollar_and_markup_in_data_render_literally() -> None:
    title = r"$x$ <script>&amp; 成本 $\frac{"  # malformed mathtext would raise if parsed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.plot_target(history(), goal=800, target_year=2025, title=title, unit="$元")
        text = title_text(fig)
        assert text.get_text() == title
        assert text._preprocess_math(title) == (title, False)  # not mathtext
        peers = charts.plot_peers(
            pd.Series({"$x$": 1.0, "<b>园区</b>": 2.0}), highlight="$x$", title=title, unit="$"
        )
        charts.to_chart(fig, alt=title)
        charts.to_chart(peers, alt=title)


def test_value_limits_include_zero_only_when_cheap() -> None:
    assert charts._value_limits([100, 800])[0] == 0  # data keeps 7/8 of the axis
    assert charts._value_limits([600, 800])[0] > 0  # 0 would squash it into the top quarter
    assert charts._value_limits([5.0])[0] == 0  # a single level: show it from 0
    assert charts._value_limits([-8, -2])[1] == 0


# --------------------------------------------------------------------------- other charts


def test_peers_height_grows_and_one_bar_works() -> None:
    many = pd.Series(np.linspace(10, 600, 60), index=[f"园区{i:02d}" for i in range(60)])
    tall = charts.plot_peers(many, highlight="园区07", title="亩均税收", unit="万元/亩")
    one = charts.plot_peers(
        pd.Series({"唯一园区": 12.0}), highlight="唯一园区", title="单个", unit="亿元"
    )
    assert tall.get_figheight() > 2 * one.get_figheight()
    texts = [t.get_text() for t in one.axes[0].texts]
    assert any(t.startswith("中位数") for t in texts)
    assert charts.to_chart(one, alt="x").png.startswith(PNG_SIGNATURE)


def test_heatmap_legend_uses_chinese_status_names() -> None:
    matrix = status_matrix()
    fig = charts.plot_status_heatmap(matrix, title="目标进度总览")
    present = {c for c in matrix.to_numpy().ravel() if pd.notna(c)}
    labels = legend_labels(fig)
    assert set(labels) == {status_name(c) for c in present} | {"无目标"}
    en = charts.plot_status_heatmap(matrix, title="overview", lang="en")
    assert set(legend_labels(en)) == {status_name(c, "en") for c in present} | {"no target"}


def test_heatmap_grows_with_shape_and_rejects_unknown_codes() -> None:
    small = charts.plot_status_heatmap(status_matrix(5, 4), title="小")
    big = charts.plot_status_heatmap(status_matrix(60, 40), title="大")
    assert big.get_figwidth() > 2 * small.get_figwidth()
    assert big.get_figheight() > 3 * small.get_figheight()
    with pytest.raises(ParkDataError, match="unknown status"):
        charts.plot_status_heatmap(pd.DataFrame({"a": ["done"]}), title="x")


def test_time_progress_colours_by_benchmark() -> None:
    fig = CHARTS["time_progress"]()
    labels = legend_labels(fig)
    assert {"进度超前", "进度落后", "序时进度", "季节性预期进度"} <= set(labels)
    assert "无数据" in [t.get_text() for t in fig.axes[0].texts]
    rows = pd.DataFrame(
        {
            "label": ["落后", "季节性正常", "缺数"],
            "progress": [50.0, 80.0, np.nan],
            "elapsed": [91.7, 91.7, 91.7],
            "seasonal_expected": [np.nan, 75.0, np.nan],
        }
    )
    labels = legend_labels(charts.plot_time_progress(rows, title="序时进度"))
    assert "进度落后" in labels and "落后于序时或季节性预期之一" in labels
    assert "进度超前" not in labels  # a missing value is not "ahead"


def test_growth_gap_labels_the_diagonal() -> None:
    fig = CHARTS["growth_gap"]()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "实际增速 = 所需增速" in texts and "对角线以上：增速足以达标" in texts
    assert {"苏州工业园区", "昆山经济技术开发区"} <= set(texts)
    assert "常熟高新区" not in texts  # its achieved CAGR is missing: not plotted
