"""The fictional demo universe: parks, a group, targets of every kind, all labelled 虚构."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import parkdata as pkd
from parkdata.assessment.target_status import assess
from parkdata.contract.vocab import TARGET_KINDS
from parkdata.inputs.demo import GROUP_ID, demo_parks, demo_targets, write_demo

N_PARKS = 30


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo(out, N_PARKS, seed=0)
    return out


@pytest.fixture(scope="module")
def demo_panel(demo_dir: Path) -> pkd.Panel:
    return pkd.load(demo_dir, bundled=False)  # errors="raise": any contract error fails


def test_demo_writes_every_table_under_a_name_the_loader_knows(demo_dir: Path) -> None:
    from parkdata.inputs.sources import table_of

    tables = {table_of(p) for p in demo_dir.iterdir() if not p.name.startswith(".")}
    assert tables == {"parks", "memberships", "targets", "observations"}


def test_demo_loads_strictly(demo_panel: pkd.Panel) -> None:
    assert len(demo_panel.issues) == 0  # not even a warning
    assert len(demo_panel.targets) == 9 * N_PARKS + 2
    assert demo_panel.targets["target_id"].is_unique
    assert demo_panel.parks["fictional"].all()
    group = demo_panel.parks.set_index("park_id").loc[GROUP_ID]
    assert group["kind"] == "group"
    members = demo_panel.members(GROUP_ID)
    assert members == [f"demo_{i:04d}" for i in range(1, N_PARKS + 1, 5)]


def test_every_demo_target_is_labelled_fictional(demo_panel: pkd.Panel) -> None:
    targets = demo_panel.targets
    assert targets["source"].str.contains("虚构").all()
    assert targets["note"].str.contains("虚构").all()
    assert targets["clause"].str.startswith("（虚构）").all()
    fictional = demo_panel.parks.set_index("park_id")["fictional"]
    assert targets["park_id"].map(fictional).all()


def test_demo_targets_cover_every_kind_in_its_unit(demo_panel: pkd.Panel) -> None:
    targets = demo_panel.targets
    assert set(targets["kind"]) == set(TARGET_KINDS)
    reported = targets.groupby("kind")["unit_reported"].agg(set)
    assert reported["multiple"] == {"倍"} and reported["growth_rate"] == {"%"}
    assert reported["count_over_threshold"] == {"个"}
    assert (
        targets.loc[targets["indicator"] == "energy_per_value_added", "comparator"] == "<="
    ).all()
    # a few due after the data (2026), most in the data's last year (2024), base 2021
    assert set(targets["target_period"]) == {"2024", "2026"}
    based = targets["kind"].isin(["multiple", "growth_rate", "cumulative", "annual_increment"])
    assert (targets.loc[based, "base_period"] == "2021").all()


def test_demo_assessment_gives_a_mix_of_statuses(demo_panel: pkd.Panel) -> None:
    table = assess(demo_panel, as_of="2024")
    assert len(table) == len(demo_panel.targets)
    statuses = table["status"].value_counts()
    assert len(statuses) >= 3
    assert statuses.get("achieved", 0) > 0 and statuses.get("not_achieved", 0) > 0
    assert statuses.get("insufficient_data", 0) <= 0.05 * len(table)
    assert table["status"].notna().all()
    # every kind is judged, not left undecided
    decided = table[table["status"] != "insufficient_data"]
    assert set(decided["kind"]) == set(TARGET_KINDS)


def test_same_seed_same_targets() -> None:
    first = demo_targets(12, seed=7)
    pd.testing.assert_frame_equal(first, demo_targets(12, seed=7))
    assert not first["target_value"].equals(demo_targets(12, seed=8)["target_value"])


def test_targets_follow_the_observations_they_are_drawn_from() -> None:
    from parkdata.inputs.demo import demo_observations

    obs = demo_observations(12, seed=7)
    pd.testing.assert_frame_equal(
        demo_targets(12, seed=7, observations=obs), demo_targets(12, seed=7)
    )


def test_small_demo_has_no_group_and_rewriting_leaves_nothing_stale(tmp_path: Path) -> None:
    write_demo(tmp_path, 20)
    write_demo(tmp_path, 3, years=range(2015, 2025))  # the same folder, fewer parks
    panel = pkd.load(tmp_path, bundled=False)
    assert GROUP_ID not in set(demo_parks(3)["park_id"])
    assert panel.parks["park_id"].tolist() == ["demo_0001", "demo_0002", "demo_0003"]
    assert panel.memberships.empty
    assert len(panel.targets) == 27
    assert "count_over_threshold" not in set(panel.targets["kind"])


def test_leading_industry_share_stays_below_100() -> None:
    from parkdata.inputs.demo import demo_observations

    annual = demo_observations(200).query("basis == 'annual'")
    wide = annual.pivot_table(index=["park_id", "period"], columns="indicator", values="value")
    share = wide["leading_industry_revenue"] / wide["main_business_revenue"]
    assert share.between(0.1, 1.0).all()
