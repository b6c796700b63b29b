"""Backtests and model choice by evidence; the plan-realism base rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import make_panel

import parkdata as pkd
from parkdata.inputs.demo import write_demo
from parkdata.projection.backtesting import backtest_cases, summarise
from parkdata.projection.model_table import DEFAULT_MODEL
from parkdata.reporting.explanations import choice_text


@pytest.fixture(scope="module")
def demo_panel(tmp_path_factory: pytest.TempPathFactory) -> pkd.Panel:
    out: Path = tmp_path_factory.mktemp("demo")
    write_demo(out, 30, seed=1)
    return pkd.load(out, bundled=False)


def test_backtest_scores_every_origin_and_horizon_by_hand() -> None:
    values = [100.0, 110.0, 121.0, 133.1, 146.41]  # exactly 10 % a year
    obs = [("p", "operating_revenue", 2018 + i, v) for i, v in enumerate(values)]
    cases = backtest_cases(make_panel(obs, []), horizons=(1, 2), models=["naive", "cagr2"])
    naive = cases[cases["model"] == "naive"]
    # origins 2019 (2 figures) … 2021; horizons whose outcome was reported
    assert sorted(zip(naive["origin"], naive["horizon"], strict=True)) == [
        (2019, 1),
        (2019, 2),
        (2020, 1),
        (2020, 2),
        (2021, 1),
    ]
    np.testing.assert_allclose(naive["mean"], naive["actual"])  # steady growth: no error
    assert (cases[cases["model"] == "cagr2"]["origin"] == 2019).all()  # two figures only
    table = summarise(cases)
    assert table.set_index(["model", "horizon"]).loc[("naive", 1), "forecasts"] == 3
    assert table["mdape"].max() == pytest.approx(0.0, abs=1e-9)


def test_backtest_on_the_demo_universe_supports_the_default(demo_panel: pkd.Panel) -> None:
    models = ["loglinear", "weighted", "linear", "naive", "cagr2", "ets_damped"]
    cases = pkd.backtest_cases(demo_panel, models=models, max_fits=60)
    table = summarise(cases)
    loglinear = table[table["model"] == "loglinear"].set_index("horizon")
    assert loglinear.index.tolist() == [1, 2, 3]
    assert loglinear["coverage80"].between(75, 85).all()  # demo series are log-linear
    assert loglinear["coverage95"].between(91, 98).all()
    assert (loglinear["skill"] > 0).all()  # beats carrying the last growth forward
    ets = table[table["model"] == "ets_damped"]
    assert ets["forecasts"].sum() <= 60 * 3 and (ets["coverage80"] < 75).all()  # narrow bands
    assert ets.groupby("horizon")["forecasts"].sum().max() <= 60  # one sample of 60 fits
    chosen, why = pkd.choose_model(cases)
    assert chosen == DEFAULT_MODEL and why.code == "chosen"
    assert "80%区间覆盖率" in choice_text(why) and "80% coverage" in choice_text(why, "en")


def test_too_few_real_forecasts_keep_the_default_and_say_so() -> None:
    cases = pkd.backtest_cases(pkd.load(), models=["loglinear", "naive", "cagr2"])
    assert len(cases) < 100
    chosen, why = pkd.choose_model(cases)
    assert chosen == DEFAULT_MODEL and why.code == "too_few_forecasts"
    assert "不足" in choice_text(why)
    with pytest.raises(ValueError, match="unknown model"):
        pkd.backtest(pkd.load(), models=["prophet"])


def test_models_are_compared_on_the_same_forecasts() -> None:
    """A model scored only on easy one-year-ahead cases must not win on its easy sample."""
    rows = []
    for i in range(200):
        for h, ape_loglinear in ((1, 5.0), (3, 12.0)):
            rows.append(("loglinear", i, h, ape_loglinear))
            if h == 1:
                rows.append(("arima", i, h, 6.0))  # worse on every case it shares
    frame = pd.DataFrame(rows, columns=["model", "series", "horizon", "ape"])
    held = np.arange(len(frame)) % 20  # 80 % and 95 % of outcomes inside the bands
    cases = pd.DataFrame(
        {
            "park_id": "p" + frame["series"].astype(str),
            "indicator": "operating_revenue",
            "origin": 2020,
            "horizon": frame["horizon"],
            "model": frame["model"],
            "n_points": 10,
            "actual": 100.0,
            "mean": 100.0 + frame["ape"],
            "lo80": np.where(held < 16, 50.0, 101.0),
            "hi80": 150.0,
            "lo95": np.where(held < 19, 50.0, 101.0),
            "hi95": 150.0,
        }
    )
    raw = summarise(cases).groupby("model")["mdape"].mean()
    assert raw["arima"] < raw["loglinear"]  # the naive comparison would pick arima
    chosen, why = pkd.choose_model(cases)
    assert chosen == "loglinear" and why.params["shared"] == 200
    assert "200个共同预测" in choice_text(why)


# --- plan realism ----------------------------------------------------------------------------


def _growth_panel(rates: list[float], indicator: str = "operating_revenue") -> list[tuple]:
    return [
        (f"p{i:02d}", indicator, 2018 + k, 100.0 * (1 + g) ** k)
        for i, g in enumerate(rates)
        for k in range(5)
    ]


DOUBLING = {
    "target_id": "t",
    "park_id": "p00",
    "indicator": "operating_revenue",
    "kind": "multiple",
    "base_period": "2022",
    "target_period": "2025",
    "target_value": 2.0,
    "unit": "倍",
}


def test_realism_base_rate_counts_series_that_sustained_the_growth() -> None:
    rates = [0.05 * i for i in range(12)]  # 0 %, 5 %, … 55 % a year
    row = pkd.assess(make_panel(_growth_panel(rates), [DOUBLING]), as_of="2022").iloc[0]
    # 三年倍增 needs 25.99 %/yr for 3 years: 30 % … 55 % did, 6 of 12 series
    assert row["realism_base_rate"] == pytest.approx(50.0)
    assert row["realism_series"] == 12


def test_realism_needs_ten_series_of_the_same_indicator() -> None:
    rates = [0.05 * i for i in range(12)]
    obs = _growth_panel(rates[:4]) + _growth_panel(rates[4:], "tax_revenue")
    row = pkd.assess(make_panel(obs, [DOUBLING]), as_of="2022").iloc[0]
    assert pd.isna(row["realism_base_rate"]) and row["realism_series"] == 4
    # a falling target (≤) asks how often series fell that fast
    falling = [-0.05 * i for i in range(12)]
    halve = DOUBLING | {"target_value": 0.5, "comparator": "<=", "indicator": "operating_revenue"}
    fall = pkd.assess(make_panel(_growth_panel(falling), [halve]), as_of="2022").iloc[0]
    # halving in 3 years needs −20.6 %/yr: −25 % … −55 % did, 7 of 12
    assert fall["realism_base_rate"] == pytest.approx(100 * 7 / 12)
