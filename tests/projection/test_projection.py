"""Projections: the worked example, calibration on simulated series, bounds, short series, the
vectorised engine against statsmodels, P(meet) and anticipated progress in ``pkd.assess``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import TAX_TARGET, WORKED, make_panel, one
from hypothesis import given, settings
from hypothesis import strategies as st

import parkdata as pkd
from parkdata.projection.anticipate import colour
from parkdata.projection.engine import PRIOR_GROWTH_SD, forecast, prob_meet
from parkdata.projection.reference import fit_series

YEARS = np.arange(2019, 2024, dtype=float)
WORKED_Y = np.array([[18.0, 20.5, 22.0, 24.5, 26.0]])
TAX_SERIES = WORKED
BANDS = ("mean", "lo80", "hi80", "lo95", "hi95")


# --- the worked example (docs/methods.md §4) -------------------------------------------------


def test_worked_example_slope_point_and_chance() -> None:
    fc = forecast(WORKED_Y, YEARS, [2025.0])
    assert float(np.expm1(fc.slope[0])) == pytest.approx(0.0957, abs=5e-5)
    assert float(fc.mean[0, 0]) == pytest.approx(31.7, abs=0.05)
    assert int(fc.n[0]) == 5 and float(fc.df[0, 0]) == 3.0
    p = prob_meet(fc.loc, fc.scale, fc.df, 30.0, ">=", fc.transform)
    assert float(p[0, 0]) == pytest.approx(0.90, abs=0.005)
    assert fc.lo80[0, 0] < 30.0 < fc.mean[0, 0] < fc.hi80[0, 0] < fc.hi95[0, 0]


def test_worked_example_in_assess_beside_the_deterministic_status() -> None:
    row = one(make_panel(TAX_SERIES, [TAX_TARGET]), as_of="2023")
    assert row["status"] == "on_track"  # UNSD ratio 1.104 (issue 3)
    assert row["projection_model"] == "loglinear" and row["projection_n"] == 5
    assert row["projected_value"] == pytest.approx(31.73, abs=0.01)
    assert row["p_meet"] == pytest.approx(0.90, abs=0.005)
    # P_T = (x̂_T − x_b)/(target − x_b), base = first figure 18.0
    assert row["anticipated_progress"] == pytest.approx((31.728 - 18.0) / (30.0 - 18.0), abs=1e-3)
    assert row["progress_colour"] == "green"
    assert "自由度3" in row["projection_note"]


def test_a_higher_goal_has_a_lower_chance_and_colour_follows_progress() -> None:
    fc = forecast(WORKED_Y, YEARS, [2025.0])
    goals = np.array([25.0, 30.0, 31.7, 35.0, 50.0])
    p = prob_meet(fc.loc[0, 0], fc.scale[0, 0], fc.df[0, 0], goals, ">=", "log")
    assert np.all(np.diff(p) < 0) and p[0] > 0.99 and p[-1] < 0.001
    assert p[2] == pytest.approx(0.5, abs=0.02)  # the goal at the point forecast: about even
    scalar = prob_meet(float(fc.loc[0, 0]), float(fc.scale[0, 0]), 3.0, 30.0, ">=", "log")
    assert isinstance(scalar, float) and scalar == pytest.approx(p[1])
    shades = colour(pd.Series([1.2, 1.0, 0.5, 0.0, -0.3, np.nan]))
    assert shades.tolist() == ["green", "green", "yellow", "red", "red", "grey"]


# --- calibration on simulated series with known noise ----------------------------------------


@pytest.mark.parametrize("model", ["loglinear", "linear"])
def test_intervals_cover_near_nominal_on_2000_simulated_series(model: str) -> None:
    rng = np.random.default_rng(7)
    s, years, h = 2000, np.arange(2013, 2021, dtype=float), 2
    growth = rng.normal(0.08, 0.05, s)[:, None]
    level = np.log(rng.lognormal(4, 1, s))[:, None]
    all_years = np.arange(2013, 2021 + h, dtype=float)
    noise = rng.normal(0, 0.08, (s, all_years.size))
    trend = level + growth * (all_years - 2013)
    z = trend + noise if model == "loglinear" else np.exp(trend) * (1 + noise)
    y = np.exp(z) if model == "loglinear" else z
    fc = forecast(y[:, : years.size], years, [years[-1] + h], model)
    actual = y[:, -1]
    in80 = np.mean((fc.lo80[:, 0] <= actual) & (actual <= fc.hi80[:, 0]))
    in95 = np.mean((fc.lo95[:, 0] <= actual) & (actual <= fc.hi95[:, 0]))
    if model == "loglinear":  # the true model: honest bands
        assert 0.75 <= in80 <= 0.85 and 0.92 <= in95 <= 0.98
    else:  # multiplicative noise on a curved path: linear bands run narrow, which is why
        assert in80 < 0.70  # the backtest, not taste, picks the default


def test_calibrated_chance_events_with_p_near_half_happen_about_half_the_time() -> None:
    rng = np.random.default_rng(3)
    s, years = 4000, np.arange(2016, 2022, dtype=float)
    growth = rng.normal(0.1, 0.05, s)[:, None]
    z = growth * (np.arange(2016, 2025) - 2016) + rng.normal(0, 0.1, (s, 9))
    fc = forecast(np.exp(z[:, :6]), years, [2024.0])
    goal = np.exp(z[:, 5] + growth[:, 0] * 3)  # a goal on the true trend path
    p = prob_meet(fc.loc[:, 0], fc.scale[:, 0], fc.df[:, 0], goal, ">=", "log")
    met = np.exp(z[:, -1]) >= goal
    # mean predicted chance equals the observed frequency (calibration in the large)
    assert abs(np.mean(p) - np.mean(met)) < 0.03


# --- bounds, direction, shares ----------------------------------------------------------------


def test_at_least_target_and_at_least_figures() -> None:
    obs = [*TAX_SERIES[:-1], ("p", "tax_per_mu", 2023, 26.0, "at_least")]
    row = one(make_panel(obs, [TAX_TARGET]), as_of="2023")
    assert row["p_meet"] == pytest.approx(0.90, abs=0.005)  # the bound used as its value
    assert "含区间值" in row["projection_note"]
    higher_goal = one(make_panel(obs, [TAX_TARGET | {"target_value": 34.0}]), as_of="2023")
    assert higher_goal["p_meet"] < row["p_meet"]


def test_lower_is_better_target() -> None:
    target = TAX_TARGET | {
        "indicator": "energy_per_value_added",
        "comparator": "<=",
        "target_value": 0.5,
        "unit": "吨标准煤/万元",
    }
    falling = [0.8, 0.72, 0.66, 0.6, 0.55]
    obs = [("p", "energy_per_value_added", int(y), v) for y, v in zip(YEARS, falling, strict=True)]
    row = one(make_panel(obs, [target]), as_of="2023")
    fc = forecast(np.array([falling]), YEARS, [2025.0])
    p_above = prob_meet(fc.loc, fc.scale, fc.df, 0.5, ">=", "log")[0, 0]
    assert row["p_meet"] == pytest.approx(1 - p_above, abs=1e-12)
    assert row["projected_value"] < 0.5 and row["p_meet"] > 0.9
    assert row["anticipated_progress"] > 1 and row["progress_colour"] == "green"
    rising = [0.5, 0.52, 0.55, 0.6, 0.62]
    obs = [("p", "energy_per_value_added", int(y), v) for y, v in zip(YEARS, rising, strict=True)]
    worse = one(make_panel(obs, [target | {"target_value": 0.45}]), as_of="2023")
    assert worse["p_meet"] < 0.01 and worse["progress_colour"] == "red"


def test_share_projection_stays_inside_0_and_100() -> None:
    share = np.array([[80.0, 88.0, 93.0, 96.0, 98.0]])
    fc = forecast(share, YEARS, np.arange(2024, 2036, dtype=float), "logit")
    for band in BANDS:
        values = getattr(fc, band)
        assert np.all((values > 0) & (values < 100)), band
    assert np.all(np.diff(fc.mean[0]) > 0)  # still rising, toward 100 but never past it
    obs = [("p", "leading_industry_share", int(y), v) for y, v in zip(YEARS, share[0], strict=True)]
    paths = pkd.project(make_panel(obs, []), to=2035)
    assert set(paths["model"]) == {"logit"}  # the default for shares
    assert paths[list(BANDS)].lt(100).all().all() and paths[list(BANDS)].gt(0).all().all()
    target = TAX_TARGET | {"indicator": "leading_industry_share", "target_value": 99.5, "unit": "%"}
    row = one(make_panel(obs, [target]), as_of="2023")
    assert row["projection_model"] == "logit" and 0 < row["p_meet"] < 1


# --- short series ----------------------------------------------------------------------------


def test_one_figure_no_projection_two_figures_cagr_with_the_stated_prior() -> None:
    single = one(make_panel(TAX_SERIES[-1:], [TAX_TARGET]), as_of="2023")
    assert pd.isna(single["p_meet"]) and single["progress_colour"] == "grey"
    assert "少于2个" in single["projection_note"]
    two = one(make_panel(TAX_SERIES[-2:], [TAX_TARGET]), as_of="2023")
    assert two["projection_model"] == "cagr2" and two["projection_n"] == 2
    assert f"{PRIOR_GROWTH_SD:.0%}" in two["projection_note"]
    growth = 26.0 / 24.5 - 1
    assert two["projected_value"] == pytest.approx(26.0 * (1 + growth) ** 2)
    fc = forecast(WORKED_Y[:, -2:], YEARS[-2:], [2024.0, 2026.0, 2030.0], "cagr2")
    width = np.log(fc.hi95 / fc.lo95)[0]
    expected = 2 * 1.959964 * PRIOR_GROWTH_SD * np.sqrt(1 + np.array([1, 3, 7]) ** 2)
    assert width == pytest.approx(expected, rel=1e-5)  # sd = prior · √(1+h²), normal


def test_naive_carries_the_last_growth_forward() -> None:
    fc = forecast(WORKED_Y, YEARS, [2024.0, 2026.0], "naive")
    g = 26.0 / 24.5
    assert fc.mean[0] == pytest.approx([26.0 * g, 26.0 * g**3])
    assert np.all(fc.lo80 < fc.mean) and np.all(fc.hi95 > fc.hi80)


def test_values_a_model_cannot_take_give_no_projection() -> None:
    fc = forecast(np.array([[3.0, -1.0, 2.0, 4.0]]), YEARS[:4], [2025.0])
    assert np.isnan(fc.mean).all()  # ln of a negative profit: no log-linear fit
    fc = forecast(np.array([[3.0, -1.0, 2.0, 4.0]]), YEARS[:4], [2025.0], "linear")
    assert np.isfinite(fc.mean).all()


# --- vectorised engine == statsmodels --------------------------------------------------------


@pytest.mark.parametrize("model", ["loglinear", "weighted", "linear", "logit"])
def test_vectorised_engine_equals_statsmodels(model: str) -> None:
    rng = np.random.default_rng(11)
    years = np.arange(2013, 2025, dtype=float)
    s = 40
    z = rng.normal(0.08, 0.04, (s, 1)) * (years - 2013) + rng.normal(0, 0.1, (s, years.size))
    y = 100 / (1 + np.exp(-(z - 1))) if model == "logit" else np.exp(z + 3)
    y[rng.random(y.shape) < 0.2] = np.nan  # gaps: missing years
    y[0, :-3] = np.nan  # a three-figure series (one degree of freedom)
    t_new = np.array([2025.0, 2026.0, 2027.0])
    fc = forecast(y, years, t_new, model)
    for i in range(s):
        ref = fit_series(y[i], years, t_new, model)
        for band in (*BANDS, "loc", "scale", "df"):
            np.testing.assert_allclose(getattr(fc, band)[i], getattr(ref, band)[0], rtol=1e-9)


def test_statsmodels_only_models_give_bands_when_the_series_is_long_enough() -> None:
    rng = np.random.default_rng(5)
    years = np.arange(2013, 2025, dtype=float)
    y = np.exp(3 + 0.08 * (years - 2013) + rng.normal(0, 0.05, years.size))
    for model in ("ets_damped", "arima"):
        fc = fit_series(y, years, [2025.0, 2027.0], model)
        assert np.all(fc.lo95 < fc.lo80) and np.all(fc.lo80 < fc.mean)
        assert np.all(fc.mean < fc.hi80) and np.all(fc.hi80 < fc.hi95)
        assert fc.hi95[0, 1] - fc.lo95[0, 1] > fc.hi95[0, 0] - fc.lo95[0, 0]
        short = fit_series(y[-5:], years[-5:], [2025.0], model)
        assert np.isnan(short.mean).all()


@settings(max_examples=30, deadline=None)
@given(st.floats(1e-3, 1e4), st.floats(0.5, 2.0))
def test_chance_of_meeting_does_not_depend_on_the_unit(factor: float, goal_ratio: float) -> None:
    fc1 = forecast(WORKED_Y, YEARS, [2025.0])
    fc2 = forecast(WORKED_Y * factor, YEARS, [2025.0])
    p1 = prob_meet(fc1.loc, fc1.scale, fc1.df, 30.0 * goal_ratio, ">=", "log")
    p2 = prob_meet(fc2.loc, fc2.scale, fc2.df, 30.0 * goal_ratio * factor, ">=", "log")
    assert float(p2[0, 0]) == pytest.approx(float(p1[0, 0]), abs=1e-9)


# --- pkd.project ------------------------------------------------------------------------------


def test_project_gives_tidy_paths_to_the_year_asked() -> None:
    panel = make_panel(TAX_SERIES, [])
    paths = pkd.project(panel, model=["loglinear", "naive"], to=2026)
    assert paths.columns[:9].tolist() == [
        "park_id",
        "indicator",
        "period",
        "model",
        *BANDS,
    ]
    assert paths.groupby("model")["period"].apply(list).to_dict() == {
        "loglinear": ["2024", "2025", "2026"],
        "naive": ["2024", "2025", "2026"],
    }
    at_2025 = paths.set_index(["model", "period"]).loc[("loglinear", "2025")]
    assert at_2025["mean"] == pytest.approx(31.728, abs=1e-3)
    earlier = pkd.project(panel, as_of="2021", horizon=2)
    assert earlier["period"].tolist() == ["2022", "2023"] and set(earlier["n_points"]) == {3}
    with pytest.raises(ValueError, match="unknown model"):
        pkd.project(panel, model="prophet")


def test_bundled_data_projections_carry_their_last_figure() -> None:
    panel = pkd.load()
    paths = pkd.project(panel, park="wuhan_donghu_hitech", indicators=["gdp"], to=2025)
    assert paths["n_points"].iloc[0] == 4 and paths["last_period"].iloc[0] == "2022"
    assert paths["last_value"].iloc[0] == pytest.approx(2643.81)
    table = pkd.assess(panel, as_of="2022").set_index("target_id")
    donghu = table.loc["donghu-01"]  # GDP ≥ 5000亿 by 2025, 需加快进度
    assert donghu["projection_model"] == "loglinear"
    assert donghu["projected_value"] == pytest.approx(paths["mean"].iloc[-1])
    assert donghu["p_meet"] < 0.1 and donghu["progress_colour"] == "yellow"
    settled = table[table["status"] == "achieved"]
    assert (settled["p_meet"] == 1).all() and (settled["progress_colour"] == "green").all()


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 8, 15, 40, 99, 150, 2.5, np.inf])
def test_t_cdf_equals_scipy(df: float) -> None:
    from scipy import stats

    from parkdata.projection.engine import t_cdf

    x = np.linspace(-40, 40, 2001)
    np.testing.assert_allclose(t_cdf(x, np.full(x.shape, df)), stats.t.cdf(x, df), atol=1e-14)


# --- review cases ----------------------------------------------------------------------------


def test_progress_counts_from_the_latest_figure_when_the_base_was_past_the_goal() -> None:
    falling = [12.1, 10.5, 9.3, 8.2]
    obs = [("p", "tax_per_mu", 2020 + i, v) for i, v in enumerate(falling)]
    target = TAX_TARGET | {"base_period": "2020", "target_value": 8.6}
    row = one(make_panel(obs, [target]), as_of="2023")
    assert row["projected_value"] < 8.2 and row["p_meet"] < 0.01
    # as the UNSD ratio does: from the latest figure 8.2, the trend runs away from 8.6
    expected = (row["projected_value"] - 8.2) / (8.6 - 8.2)
    assert row["anticipated_progress"] == pytest.approx(expected)
    assert row["anticipated_progress"] < 0 and row["progress_colour"] == "red"


def test_two_share_figures_are_not_extrapolated_past_100() -> None:
    obs = [("p", "leading_industry_share", 2022, 90.0), ("p", "leading_industry_share", 2023, 97.0)]
    target = TAX_TARGET | {"indicator": "leading_industry_share", "target_value": 99.0, "unit": "%"}
    row = one(make_panel(obs, [target]), as_of="2023")
    assert pd.isna(row["projected_value"]) and pd.isna(row["p_meet"])
    assert "仅2个数据点" in row["projection_note"]
    assert pkd.project(make_panel(obs, []), to=2027).empty


def test_requested_models_are_used_as_asked_without_duplicates() -> None:
    panel = make_panel(TAX_SERIES[-2:], [])
    naive = pkd.project(panel, model="naive", to=2025)
    assert set(naive["model"]) == {"naive"} and len(naive) == 2
    both = pkd.project(make_panel(TAX_SERIES, []), model=["default", "loglinear", "naive"], to=2025)
    assert not both.duplicated(["park_id", "indicator", "period", "model"]).any()
    assert sorted(both["model"].unique()) == ["loglinear", "naive"]


def test_settled_targets_carry_no_projection() -> None:
    obs = [*TAX_SERIES, ("p", "tax_per_mu", 2024, 25.0), ("p", "tax_per_mu", 2025, 29.0)]
    row = one(make_panel(obs, [TAX_TARGET]), as_of="2025")
    assert row["status"] == "not_achieved" and row["p_meet"] == 0.0
    assert pd.isna(row["projected_value"]) and row["progress_colour"] == "red"
    assert row["projection_note"].startswith("到期未完成")


def test_values_at_or_below_zero_fall_back_to_a_line_and_ranks_say_why() -> None:
    counts = [0.0, 1.0, 1.0, 2.0, 3.0]
    obs = [("p", "listed_companies", int(y), v) for y, v in zip(YEARS, counts, strict=True)]
    target = TAX_TARGET | {"indicator": "listed_companies", "target_value": 5.0, "unit": "家"}
    row = one(make_panel(obs, [target]), as_of="2023")
    assert row["projection_model"] == "linear" and "改用线性趋势" in row["projection_note"]
    assert row["projected_value"] == pytest.approx(4.2)  # slope 0.7 through the mean 1.4 in 2021
    ranks = [
        ("p", "rank_national_hitech", int(y), v)
        for y, v in zip(YEARS, [30, 25, 20, 18, 15], strict=True)
    ]
    rank_target = TAX_TARGET | {
        "indicator": "rank_national_hitech",
        "comparator": "<=",
        "target_value": 10.0,
        "unit": "位",
    }
    rank = one(make_panel(ranks, [rank_target]), as_of="2023")
    assert pd.isna(rank["p_meet"]) and rank["projection_note"].startswith("排名")


def test_an_exact_fit_claims_no_certainty() -> None:
    flat = forecast(np.array([[5.0, 5.0, 5.0]]), YEARS[:3], [2025.0])
    assert flat.mean[0, 0] == pytest.approx(5.0) and np.isnan(flat.hi95).all()
    assert np.isnan(prob_meet(flat.loc, flat.scale, flat.df, 5.5, ">=", "log")).all()
    steady = forecast(np.array([[100.0 * 1.1**k for k in range(5)]]), YEARS, [2025.0], "naive")
    assert np.isnan(steady.lo80).all() and steady.mean[0, 0] == pytest.approx(100 * 1.1**6)
