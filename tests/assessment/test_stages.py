"""Stage targets along the required path and 序时进度 (in-year progress against the calendar)."""

from __future__ import annotations

import pytest
from helpers import make_panel

import parkdata as pkd


def test_stage_targets_follow_the_required_path() -> None:
    target = {
        "target_id": "m",
        "park_id": "p",
        "indicator": "operating_revenue",
        "kind": "multiple",
        "base_period": "2021",
        "target_period": "2024",
        "target_value": 2.0,
        "unit": "倍",
    }
    panel = make_panel(
        [("p", "operating_revenue", 2021, 100.0), ("p", "operating_revenue", 2022, 120.0)], [target]
    )
    stages = pkd.stage_targets(pkd.assess(panel, as_of="2022"), panel)
    assert stages["year"].tolist() == [2022, 2023, 2024]
    assert stages["stage_value"].tolist() == pytest.approx(
        [100 * 2 ** (1 / 3), 100 * 2 ** (2 / 3), 200.0]
    )
    assert stages["stage_met"].tolist()[0] is False  # 120 < 126 in 2022


def test_time_progress_at_november_is_91_7_percent_of_the_year() -> None:
    target = {
        "target_id": "y",
        "park_id": "p",
        "indicator": "operating_revenue",
        "kind": "level",
        "target_period": "2023",
        "target_value": 140.0,
        "unit": "亿元",
    }
    obs = [
        ("p", "operating_revenue", 2022, 120.0),
        ("p", "operating_revenue", "2022-03", 18.0),
        ("p", "operating_revenue", "2023-03", 20.0),
        ("p", "operating_revenue", "2023-11", 130.0),
    ]
    table = pkd.time_progress(make_panel(obs, [target]), as_of="2023-11").set_index("period")
    nov = table.loc["2023-11"]
    assert nov["elapsed"] == pytest.approx(91.6667, abs=1e-3)
    assert nov["progress"] == pytest.approx(130 / 140 * 100)
    assert bool(nov["behind_time"]) is False and nov["flag"] == "on_time"
    march = table.loc["2023-03"]
    assert march["progress"] == pytest.approx(20 / 140 * 100)  # 14.3 % < 25 % of the year
    assert bool(march["behind_time"]) is True
    assert march["seasonal_expected"] == pytest.approx(15.0)  # 2022: 18 of 120 by March
    assert bool(march["behind_season"]) is True
