"""Property tests of the assessment: a unit factor changes no status; later data leave an as-of
assessment alone."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import make_panel
from hypothesis import given, settings
from hypothesis import strategies as st

import parkdata as pkd

pytestmark = pytest.mark.slow  # property tests: many generated cases

KINDS = {
    # kind: (indicator, does target_value scale with the unit?)
    "level": ("operating_revenue", True),
    "multiple": ("operating_revenue", False),
    "growth_rate": ("operating_revenue", False),
    "cumulative": ("fixed_asset_investment", True),
    "annual_increment": ("fixed_asset_investment", True),
}

series = st.lists(
    st.floats(min_value=1.0, max_value=5000.0, allow_nan=False), min_size=1, max_size=8
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[tuple], list[dict], list[tuple[str, str]]]:
    obs: list[tuple] = []
    targets: list[dict] = []
    for i, (kind, (indicator, _)) in enumerate(KINDS.items()):
        values = draw(series)
        start = 2015
        park = f"p{i}"
        obs += [(park, indicator, start + j, v) for j, v in enumerate(values)]
        stretch = draw(st.floats(min_value=0.3, max_value=3.0))
        value = {
            "level": values[-1] * stretch,
            "multiple": 1 + stretch,
            "growth_rate": 5 + 10 * stretch,
            "cumulative": sum(values) * stretch,
            "annual_increment": values[-1] * stretch,
        }[kind]
        targets.append(
            {
                "target_id": f"t{i}",
                "park_id": park,
                "indicator": indicator,
                "kind": kind,
                "comparator": draw(st.sampled_from([">=", "<="])) if kind == "level" else ">=",
                "base_period": str(start) if kind != "level" else None,
                "target_period": str(start + len(values) + draw(st.integers(0, 4))),
                "target_value": value,
            }
        )
    members = [("grp", f"p{i}") for i in range(len(KINDS))]
    threshold = draw(st.floats(min_value=1.0, max_value=5000.0))
    targets.append(
        {
            "target_id": "count",
            "park_id": "grp",
            "indicator": "operating_revenue",
            "kind": "count_over_threshold",
            "target_period": "2026",
            "target_value": float(draw(st.integers(1, 3))),
            "threshold": threshold,
        }
    )
    return obs, targets, members


def _scaled(case: tuple, k: float) -> tuple:
    obs, targets, members = case
    obs = [(p, i, y, v * k) for p, i, y, v in obs]
    out = []
    for t in targets:
        t = dict(t)
        if t["kind"] == "count_over_threshold":
            t["threshold"] *= k
        elif KINDS[t["kind"]][1]:
            t["target_value"] *= k
        out.append(t)
    return obs, out, members


@settings(max_examples=40, deadline=None)
@given(cases(), st.sampled_from([1e-4, 0.01, 1 / 15, 1500.0, 1e4]))
def test_a_unit_factor_changes_no_status(case: tuple, k: float) -> None:
    before = pkd.assess(make_panel(*case), as_of="2030")
    after = pkd.assess(make_panel(*_scaled(case, k)), as_of="2030")
    assert before["status"].tolist() == after["status"].tolist()
    pd.testing.assert_series_equal(before["unsd_ratio"], after["unsd_ratio"], rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(cases(), st.integers(2015, 2024), st.floats(min_value=1.0, max_value=1e4))
def test_figures_after_as_of_do_not_change_an_as_of_assessment(
    case: tuple, as_of: int, late_value: float
) -> None:
    obs, targets, members = case
    later = [(p, i, as_of + 1, late_value) for p, i, _, _ in obs[:: max(1, len(obs) // 3)]]
    later = [r for r in later if (r[0], r[1], r[2]) not in {(p, i, y) for p, i, y, _ in obs}]
    before = pkd.assess(make_panel(obs, targets, members), as_of=str(as_of))
    after = pkd.assess(make_panel(obs + later, targets, members), as_of=str(as_of))
    pd.testing.assert_frame_equal(before, after)
