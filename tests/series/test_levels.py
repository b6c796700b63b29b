"""The values every stage reads: figures as of a date, and the one year-end level rule."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import TAX_TARGET, WORKED, make_panel

import parkdata as pkd
from parkdata.series.levels import cut_at, level_figures, values_as_of, year_end_levels


def _panel() -> pkd.Panel:
    return make_panel(
        [
            ("p", "employees", 2021, 100.0),  # annual
            ("p", "employees", "2021-12", 90.0, "exact", "point"),  # a December stock: same year
            (
                "p",
                "employees",
                "2022-06",
                95.0,
                "exact",
                "point",
            ),  # mid-year: a level, not year-end
            (
                "p",
                "employees",
                "2022Q4",
                97.0,
                "exact",
                "point",
            ),  # the fourth quarter ends the year
            ("p", "employees", "2023", 120.0, "at_least"),  # a bound keeps its qualifier
            ("p", "employees", "2023", 118.0, "approx"),  # … but 约 beats a bound for one period
            ("p", "operating_revenue", "2023-09", 70.0),  # year to date: not a level figure
        ],
        [],
    )


def test_year_end_levels_take_the_annual_figure_then_a_december_stock() -> None:
    levels = year_end_levels(values_as_of(_panel())).set_index("year")
    assert levels.index.tolist() == [2021, 2022, 2023]
    assert levels.loc[2021, "value"] == 100.0  # annual over the December point
    assert levels.loc[2022, "value"] == 97.0  # the Q4 stock; June is not a year end
    assert (levels.loc[2023, "value"], levels.loc[2023, "qualifier"]) == (118.0, "approx")
    assert set(levels.reset_index().columns) == {
        "park_id",
        "indicator",
        "year",
        "value",
        "qualifier",
        "source",
    }


def test_level_figures_include_mid_year_stocks_but_not_year_to_date() -> None:
    figures = level_figures(values_as_of(_panel()))
    assert "2022-06" in set(figures["period"]) and "2023-09" not in set(figures["period"])
    assert cut_at(figures, "2022")["period"].max() == "2022Q4"


def test_values_computed_once_give_the_same_assessment() -> None:
    panel = make_panel(WORKED, [TAX_TARGET])
    once = values_as_of(panel, as_of="2022")
    pd.testing.assert_frame_equal(
        pkd.assess(panel, as_of="2022", values=once), pkd.assess(panel, as_of="2022")
    )
    pd.testing.assert_frame_equal(
        pkd.project(panel, to=2025, values=once), pkd.project(panel, to=2025, as_of="2022")
    )


def test_derived_values_are_marked_and_reported_ones_win() -> None:
    obs = [("p", "tax_revenue", 2022, 3.0), ("p", "industrial_land_area", 2022, 1000.0)]
    panel = make_panel([*obs, ("p", "tax_per_mu", 2022, 31.0)], [])
    values = values_as_of(panel).set_index("indicator")
    assert values.loc["tax_per_mu", "value"] == 31.0 and not values.loc["tax_per_mu", "derived"]
    computed = values_as_of(make_panel(obs, [])).set_index("indicator").loc["tax_per_mu"]
    assert computed["value"] == pytest.approx(30.0) and computed["derived"]
    assert computed["source"].startswith("= tax_revenue / industrial_land_area ←")
