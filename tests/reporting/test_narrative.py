"""The 结论摘要 sentences against hand-made assessment rows and the bundled data."""

from __future__ import annotations

import pandas as pd

import parkdata as pkd
from parkdata.reporting.narrative import outlook_sentence, settled_sentence, summary_sentences
from parkdata.reporting.park_page import park_report

ROW = dict(
    indicator="energy_per_unit",
    status="on_track",
    target_period="2025",
    goal=0.5,
    goal_unit="吨标准煤/万元",
    target_text="≤0.5吨标准煤/万元",
    projected_lo80=0.40,
    projected_hi80=0.52,
    projected_lo95=0.35,
    projected_hi95=0.56,
    current_value=0.6,
    current_period="2022",
    kind="level",
)


def test_lower_is_better_share_of_target_matches_the_table() -> None:
    # projected 0.45 against ≤ 0.5: better than the goal, 111 % done (goal ÷ value, as the table)
    row = pd.Series({**ROW, "comparator": "<=", "projected_value": 0.45, "p_meet": 0.8})
    assert "的111%" in outlook_sentence(row, "单位能耗")
    row = pd.Series({**ROW, "comparator": "<=", "projected_value": 0.625, "p_meet": 0.1})
    assert "的80%" in outlook_sentence(row, "单位能耗")


def test_settled_growth_target_does_not_quote_a_level_as_the_rate() -> None:
    row = pd.Series(
        {
            **ROW,
            "kind": "growth_rate",
            "status": "not_achieved",
            "target_text": "年均增长≥11%",
            "current_value": 843.2,
            "comparator": ">=",
        }
    )
    sentence = settled_sentence(row, "工业增加值")
    assert "843" not in sentence and "到期未完成" in sentence


def test_targets_with_a_figure_are_not_called_missing(panel: pkd.Panel) -> None:
    report = park_report("wuhan_donghu_hitech", panel, as_of="2022")
    rows = report.rows
    undecided = rows[(rows["status"] == "insufficient_data") & rows["current_value"].notna()]
    missing = rows[(rows["status"] == "insufficient_data") & rows["current_value"].isna()]
    sentences = summary_sentences(rows, report.names, report.name, "2022年")
    assert f"另有{len(missing)}个目标缺少园区口径的数据" in sentences[-2]
    assert sentences[-1].startswith(f"{len(undecided)}个目标已有数据但尚不足以判断进度")
    assert "高新技术企业数" in sentences[-1] and "高新技术企业数" not in sentences[-2]


def test_target_without_a_year_says_so(panel: pkd.Panel) -> None:
    park = panel.targets.loc[panel.targets["target_period"].isna(), "park_id"].iloc[0]
    html = park_report(park, panel).target_table().html
    assert "未写明" in html and ">nan<" not in html
