"""The three notebooks, executed by papermill on the bundled data, and what they show."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import papermill as pm
import pytest

import parkdata as pkd
from parkdata import paths
from parkdata.series.levels import values_as_of, year_end_levels

pytestmark = pytest.mark.notebook


def _run(name: str, tmp_path: Path, **parameters: Any) -> Any:
    return pm.execute_notebook(
        str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"),
        str(tmp_path / f"{name}.ipynb"),
        parameters=parameters,
        progress_bar=False,
        kernel_name="python3",
        execution_timeout=300,  # a hung cell fails the test instead of hanging the run
    )


def _html(nb: Any) -> list[str]:
    """The text/html output of every code cell, in order ('' for cells without one)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        html = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
        out.append("".join(html))
    return out


def _chartable(panel: pkd.Panel, park_id: str, as_of: str | None = None) -> int:
    """Targets of the park that have a figure to draw (computed from the data, not the report)."""
    a = pkd.assess(panel, as_of=as_of)
    a = a[a["park_id"] == park_id]
    levels = year_end_levels(values_as_of(panel, as_of=as_of))
    have = set(zip(levels["park_id"], levels["indicator"], strict=True))
    has_data = a["indicator"].map(lambda ind: (park_id, ind) in have).astype(bool)
    level_like = a["kind"].isin(["level", "share", "multiple", "growth_rate"]) & a["goal"].notna()
    flows = a["kind"].isin(["cumulative", "annual_increment"])
    return int(((level_like | flows) & has_data).sum())


def test_park_report_shows_table_charts_and_narrative(tmp_path: Path, panel: pkd.Panel) -> None:
    park = "wuhan_donghu_hitech"
    nb = _run("park_report", tmp_path, park_id=park, as_of="2022")
    cells = _html(nb)
    page = "".join(cells)
    n_targets = int((panel.targets["park_id"] == park).sum())
    assert page.count('<tr class="pd-row"') == n_targets
    # one chart per target with a figure, the others named as not drawn
    charts = next(c for c in cells if "分目标趋势" in c)
    expected = _chartable(panel, park, as_of="2022")
    assert expected >= 3 and charts.count('<figure class="pd-chart"') == expected
    assert "data:image/png;base64," in charts
    # the narrative states the GDP outlook with its numbers
    summary = next(c for c in cells if "结论摘要" in c)
    assert "截至2022年，东湖高新区共有15个规划目标" in summary
    assert re.search(r"预计2025年地区生产总值约[\d,]+亿元（80%区间[\d,]+–[\d,]+亿元）", summary)
    assert "达标概率约" in summary
    # the header, and every figure's source in the notes
    header = next(c for c in cells if "pd-header" in c)
    assert "东湖高新区" in header and "评估截至" in header and "2022年" in header
    assert "最新数据" in header
    assert "observations_public_figures.csv" in page and "各数据序列的来源" in page


def test_sparse_park_gets_an_honest_report(tmp_path: Path, panel: pkd.Panel) -> None:
    park = "hukou_hitech"  # 32 targets, almost no park-level figures
    nb = _run("park_report", tmp_path, park_id=park, language="zh")
    page = "".join(_html(nb))
    a = pkd.assess(panel)
    a = a[a["park_id"] == park]
    missing = int(((a["status"] == "insufficient_data") & a["current_value"].isna()).sum())
    assert page.count('<tr class="pd-row"') == len(a)
    assert f"另有{missing}个目标缺少园区口径的数据" in page
    assert page.count('<figure class="pd-chart"') >= _chartable(panel, park)
    assert "没有季度或月度累计数据" in page  # said, not drawn empty


def test_park_report_in_english(tmp_path: Path) -> None:
    nb = _run("park_report", tmp_path, park_id="wuhan_donghu_hitech", language="en")
    page = "".join(_html(nb))
    assert "On current trends" in page and "Targets" in page


def test_overview_notebook(tmp_path: Path, panel: pkd.Panel) -> None:
    nb = _run("overview", tmp_path)
    cells = _html(nb)
    page = "".join(cells)
    league = next(c for c in cells if "园区排行" in c)
    parks_with_targets = panel.targets["park_id"].nunique()
    assert league.count("<tr") - 1 == parks_with_targets
    assert "目标状态热力图" in page and "综合考评排名" in page and "所需增速与实际增速" in page
    assert page.count('<figure class="pd-chart"') >= 2


def test_overview_of_a_group(tmp_path: Path) -> None:
    nb = _run("overview", tmp_path, group="changde_parks")
    page = "".join(_html(nb))
    assert "常德市园区" in page


def test_explore_notebook_runs_top_to_bottom(tmp_path: Path) -> None:
    nb = _run("explore", tmp_path)
    cells = _html(nb)
    comparison = next(c for c in cells if "pd-chart" in c)
    for model in ("loglinear", "weighted", "linear", "naive"):
        assert model in comparison
    assert any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in nb.cells
        for o in c.get("outputs", [])
    )
