"""Property tests: the loader's result does not depend on how the same facts are written."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import FORMATS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parkdata as pkd

pytestmark = pytest.mark.slow  # property tests: many generated cases

INDICATORS = {
    "主营业务收入": "亿元",
    "利润总额": "亿元",
    "工业用地面积": "亩",
    "规上工业企业数": "家",
}
SCALES = {
    "亿元": [("亿元", 1), ("万元", 1e4), ("元", 1e8)],
    "亩": [("亩", 1), ("公顷", 1 / 15)],
    "家": [("家", 1), ("户", 1)],
}

rows = st.lists(
    st.tuples(
        st.sampled_from(sorted(INDICATORS)),
        st.integers(min_value=2010, max_value=2024),
        st.decimals(min_value="0.01", max_value="99999", places=2).map(float),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda r: (r[0], r[1]),
)


def _load(frame: pd.DataFrame, name: str, encoding: str = "utf-8") -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        frame.to_csv(path, index=False, encoding=encoding)
        obs = pkd.load([FORMATS / "parks.csv", path], bundled=False).observations
    obs = obs[obs["park_id"] == "test_park"][["indicator", "period", "value", "unit"]]
    return obs.sort_values(["indicator", "period"]).reset_index(drop=True)


def _tidy(data: list[tuple[str, int, float]], unit_choice: int = 0) -> pd.DataFrame:
    out = []
    for indicator, year, value in data:
        if INDICATORS[indicator] == "家":  # a count is a whole number (catalog domain "count")
            value = float(round(value))
        unit, factor = SCALES[INDICATORS[indicator]][
            unit_choice % len(SCALES[INDICATORS[indicator]])
        ]
        out.append(
            {
                "park_id": "测试园区",
                "indicator": indicator,
                "period": str(year),
                "value": value * factor,
                "unit": unit,
                "source": "虚构测试",
            }
        )
    return pd.DataFrame(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.integers(min_value=0, max_value=2))
def test_reported_unit_does_not_change_the_canonical_value(data: list, choice: int) -> None:
    base = _load(_tidy(data), "observations_a.csv")
    other = _load(_tidy(data, choice), "observations_b.csv")
    pd.testing.assert_frame_equal(base, other, check_exact=False, rtol=1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_encoding_and_layout_do_not_change_the_observations(data: list) -> None:
    tidy = _tidy(data)
    base = _load(tidy, "observations_utf8.csv")
    assert len(base) == len(data)
    pd.testing.assert_frame_equal(base, _load(tidy, "observations_gbk.csv", "gbk"))
    pd.testing.assert_frame_equal(base, _load(tidy, "observations_bom.csv", "utf-8-sig"))
    wide = tidy.pivot_table(
        index=["park_id", "indicator", "unit", "source"],
        columns="period",
        values="value",
        aggfunc="first",
    ).reset_index()
    wide.columns = [f"{c}年" if str(c).isdigit() else c for c in wide.columns]
    pd.testing.assert_frame_equal(base, _load(wide, "observations_wide.csv"))
    shuffled = tidy.sample(frac=1.0, random_state=len(data))
    pd.testing.assert_frame_equal(base, _load(shuffled, "observations_shuffled.csv"))
