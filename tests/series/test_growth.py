"""Growth arithmetic: CAGR (三年倍增 is 25.99 % a year) and year-to-date sums from parts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from parkdata.series.growth import cagr, periods_to_ytd, project_level


def test_doubling_in_three_years_is_25_99_percent_a_year() -> None:
    assert cagr(1.0, 2.0, 3) == pytest.approx(2 ** (1 / 3) - 1)
    assert round(float(cagr(1.0, 2.0, 3)) * 100, 2) == 25.99
    assert cagr(100.0, 200.0, 3) == pytest.approx(0.259921, abs=1e-6)
    assert cagr(26.0, 30.0, 2) == pytest.approx((30 / 26) ** 0.5 - 1)
    assert math.isnan(float(cagr(0.0, 10.0, 2))) and math.isnan(float(cagr(5.0, 10.0, 0)))
    assert float(project_level(100.0, cagr(100.0, 200.0, 3), 3)) == pytest.approx(200.0)


def test_quarters_sum_to_year_to_date_and_a_hole_stops_the_sum() -> None:
    quarters = pd.DataFrame(
        {
            "park_id": "p",
            "indicator": "operating_revenue",
            "period": ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q2"],
            "basis": "quarter",
            "value": [20.0, 25.0, 26.0, 29.0, 30.0],
        }
    )
    summed = periods_to_ytd(quarters)
    # 2024 lacks Q1: no running sum over the hole
    assert summed[["period", "basis", "value"]].values.tolist() == [
        ["2023-03", "ytd", 20.0],
        ["2023-06", "ytd", 45.0],
        ["2023-09", "ytd", 71.0],
        ["2023", "annual", 100.0],
    ]
