"""Shared test helpers: an in-memory panel from observation tuples and target dicts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

import parkdata as pkd

TARGET_DEFAULTS = {
    "comparator": ">=",
    "base_period": None,
    "base_value": float("nan"),
    "unit": "",
    "threshold": float("nan"),
    "threshold_unit": None,
    "source": "测试规划（虚构）",
    "clause": "测试条款",
    "note": None,
}


def make_panel(
    observations: Sequence[tuple],
    targets: Sequence[dict],
    members: Sequence[tuple[str, str]] = (),
) -> pkd.Panel:
    """An in-memory panel: observations as (park, indicator, period, value[, qualifier[, basis]])."""
    rows = []
    for i, obs in enumerate(observations):
        park, indicator, period, value, *rest = obs
        qualifier = rest[0] if rest else "exact"
        basis = rest[1] if len(rest) > 1 else ("annual" if len(str(period)) == 4 else "ytd")
        rows.append(
            {
                "park_id": park,
                "indicator": indicator,
                "period": str(period),
                "basis": basis,
                "value": float(value),
                "qualifier": qualifier,
                "source": "测试（虚构）",
                "origin_file": "test.csv",
                "origin_row": i + 2,
            }
        )
    tg = pd.DataFrame([TARGET_DEFAULTS | t for t in targets])
    parks = sorted(
        {r["park_id"] for r in rows} | set(tg.get("park_id", [])) | {g for g, _ in members}
    )
    return pkd.Panel(
        parks=pd.DataFrame(
            {
                "park_id": parks,
                "short_name_zh": parks,
                "kind": "高新区",
                "level": "provincial",
                "fictional": True,
            }
        ),
        memberships=pd.DataFrame(members, columns=["group_id", "member_id"]),
        observations=pd.DataFrame(rows),
        targets=tg,
    )


def one(panel: pkd.Panel, **kwargs: object) -> pd.Series:
    """The one row of the panel's assessment, with its words (reason_text, target_text …) in
    Chinese; the codes stay in ``status`` and ``reason``."""
    table = pkd.assess(panel, **kwargs)  # type: ignore[arg-type]
    assert len(table) == 1
    return pkd.explain(table, "zh", panel.catalog).iloc[0]


# the worked example of docs/methods.md §4: 亩均税收 18.0 … 26.0 (2019–23), target 30 in 2025
WORKED = [
    ("p", "tax_per_mu", y, v)
    for y, v in zip(range(2019, 2024), [18.0, 20.5, 22.0, 24.5, 26.0], strict=True)
]
TAX_TARGET = {
    "target_id": "t",
    "park_id": "p",
    "indicator": "tax_per_mu",
    "kind": "level",
    "target_period": "2025",
    "target_value": 30.0,
    "unit": "万元/亩",
}
