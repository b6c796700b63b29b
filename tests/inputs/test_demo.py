"""The fictional demo universe: parks, a group, targets of every kind and firms, all labelled 虚构."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

import parkdata as pkd
from parkdata.assessment.enterprises import classify_enterprises
from parkdata.assessment.target_status import assess
from parkdata.contract.vocab import TARGET_KINDS
from parkdata.errors import ArgumentError
from parkdata.inputs.demo import (
    FIRM_COLUMNS,
    FIRM_FILE,
    GROUP_ID,
    demo_enterprises,
    demo_parks,
    demo_targets,
    enterprise_csv,
    write_demo,
)

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
    assert tables == {"parks", "memberships", "targets", "observations", "enterprises"}


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


# --- fictional firms ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def firms() -> pd.DataFrame:
    return demo_enterprises(N_PARKS, years=(2022, 2023), seed=0)


def _classes(firms: pd.DataFrame, park_id: str, year: int) -> pd.DataFrame:
    one = firms[(firms["park_id"] == park_id) & (firms["year"] == year)]
    return classify_enterprises(one)  # 黄岩 2022 规上 scheme; 规下 firms are out of its scope


def test_demo_firms_are_the_canonical_table(firms: pd.DataFrame) -> None:
    assert list(firms.columns) == FIRM_COLUMNS
    assert set(firms["year"]) == {2022, 2023}
    assert set(firms["park_id"]) == {f"demo_{i:04d}" for i in range(1, N_PARKS + 1)}
    assert not firms.duplicated(["enterprise_id", "year"]).any()
    assert (firms["origin_file"] == FIRM_FILE).all() and firms["origin_sheet"].isna().all()
    assert firms["origin_row"].tolist() == list(range(2, len(firms) + 2))  # CSV line, header = 1
    assert firms.attrs["warnings"] == []
    flags = ["above_scale", "tax_refund", "utility", "banned_industry", "fictional"]
    assert all(firms[c].dtype == bool for c in flags)
    # 12–40 firms a park in the first year
    assert firms[firms["year"] == 2022].groupby("park_id").size().between(12, 40).all()


def test_same_seed_same_firms_and_a_count_is_the_demo_parks() -> None:
    first = demo_enterprises(8, seed=4)
    pd.testing.assert_frame_equal(first, demo_enterprises(8, seed=4))
    pd.testing.assert_frame_equal(first, demo_enterprises(demo_parks(8), seed=4))  # group skipped
    other = demo_enterprises(8, seed=5)
    assert len(other) != len(first) or not other["tax"].equals(first["tax"])


def test_every_demo_firm_is_fictional_and_labelled(firms: pd.DataFrame) -> None:
    assert firms["fictional"].all()
    assert firms["name"].str.startswith("虚构企业-").all()
    assert firms["name"].str.endswith("（虚构）").all()
    assert firms["source"].str.contains("虚构").all()
    assert firms["source"].str.contains("not real firms").all()
    assert firms["note"].str.contains("虚构").all()
    assert firms["enterprise_id"].str.fullmatch(r"DEMO-\d{4}-\d{3}").all()
    assert firms.loc[0, ["enterprise_id", "name"]].tolist() == [
        "DEMO-0001-001",
        "虚构企业-0001-001（虚构）",
    ]


def test_demo_firm_ids_are_never_unified_social_credit_codes(firms: pd.DataFrame) -> None:
    ids = pd.concat([firms["enterprise_id"], demo_enterprises(2_000)["enterprise_id"]])
    compact = ids.str.replace(r"[\s-]", "", regex=True)
    assert (ids.str.len() != 18).all() and (compact.str.len() != 18).all()
    try:
        from stdnum.cn import uscc
    except ImportError:  # python-stdnum missing: the length check above stands alone
        return
    assert not any(uscc.is_valid(i) for i in ids.drop_duplicates())


def test_demo_firm_figures_are_plausible(firms: pd.DataFrame) -> None:
    assert firms["land_mu"].notna().all() and (firms["land_mu"] >= 5).all()
    assert (firms["land_mu"] <= 300).all()
    above = firms["above_scale"]
    assert 0.15 <= 1 - above.mean() <= 0.25  # 规下 share
    assert (firms.loc[above, "revenue"] >= 2000).all()  # 规上: 主营业务收入 ≥ 2000 万元
    assert (firms.loc[~above, "revenue"] < 2000).all()
    # 规下 firms report land, tax, revenue, employees and electricity only
    blank_below = ["value_added", "energy_tce", "emissions_t", "rd_expenditure"]
    assert firms.loc[~above, blank_below].isna().all().all()
    assert firms.loc[above, ["value_added", "energy_tce", "rd_expenditure"]].notna().all().all()
    # negative tax only where it includes a VAT credit refund
    assert (firms.loc[firms["tax"] < 0, "tax_refund"]).all()
    assert (firms.loc[firms["tax_refund"], "tax"] < 0).all()
    plain = above & ~firms["tax_refund"]
    va_ratio = firms.loc[plain, "value_added"] / firms.loc[plain, "tax"]
    assert va_ratio.between(2.9, 6.1).all()  # 增加值 3–6 × tax (± rounding)
    assert (firms.loc[above, "revenue"] >= 2.9 * firms.loc[above, "value_added"]).all()
    rd_share = firms.loc[above, "rd_expenditure"] / firms.loc[above, "revenue"]
    assert rd_share.between(0, 0.0605).all()
    tax_per_mu = firms.loc[plain, "tax"] / firms.loc[plain, "land_mu"]
    assert 10 <= tax_per_mu.median() <= 30 and tax_per_mu.max() > 60  # heavy tail
    numbers = ["employees", "electricity_kwh", "years_in_operation", "revenue"]
    assert (firms[numbers] >= 0).all().all() and firms[numbers].notna().all().all()


def test_demo_firms_include_every_rare_case(firms: pd.DataFrame) -> None:
    above = firms["above_scale"]
    assert firms["banned_industry"].any() and firms["failed_emission_limit"].any()
    assert firms["utility"].any() and (firms["years_in_operation"] < 2).any()
    assert (above & firms["emissions_t"].isna()).any()
    assert (firms["tax"] < 0).any()
    assert (firms.loc[firms["utility"], "industry"] == "电力、热力生产和供应业").all()


def test_classifier_on_one_demo_park_year_gives_every_class() -> None:
    firms = demo_enterprises(5, seed=11)
    for year in (2022, 2023):
        result = _classes(firms, "demo_0001", year)
        assert set(result["class"].dropna()) == {"A", "B", "C", "D"}
        assert (result["status"] == "forced_D").any()
        assert (result["class"][result["status"] == "forced_D"] == "D").all()
        rated_out = result.loc[result["status"] == "not_rated", "rules_fired"]
        assert rated_out.str.contains("utility|years_in_operation").any()  # by a rule
        assert result["out_of_scope"].any()  # the 规下 firms


def test_two_demo_years_share_most_firms_and_classes_move(firms: pd.DataFrame) -> None:
    ids = {y: set(firms.loc[firms["year"] == y, "enterprise_id"]) for y in (2022, 2023)}
    kept = ids[2022] & ids[2023]
    assert len(kept) >= 0.85 * len(ids[2022])
    assert ids[2022] - ids[2023] and ids[2023] - ids[2022]  # some leave, some enter
    showcase = firms[firms["park_id"] == "demo_0001"].groupby("year")["enterprise_id"].agg(set)
    assert showcase[2022] - showcase[2023] and showcase[2023] - showcase[2022]
    same = firms[firms["enterprise_id"].isin(kept)].set_index(["enterprise_id", "year"])
    land = same["land_mu"].unstack()
    assert (land[2023] >= land[2022]).all()  # land stays or grows
    tax = same.loc[~same["tax_refund"], "tax"].unstack().dropna()
    assert 0.5 < (tax[2023] / tax[2022]).median() < 2.0  # values drift, not redrawn
    classes = {
        y: pd.concat([_classes(firms, p, y) for p in sorted(set(firms["park_id"]))]).set_index(
            "enterprise_id"
        )["class"]
        for y in (2022, 2023)
    }
    both = pd.concat(classes, axis=1).dropna()
    order = {"A": 4, "B": 3, "C": 2, "D": 1}
    step = both[2023].map(order) - both[2022].map(order)
    assert (step > 0).any() and (step < 0).any() and (step == 0).mean() > 0.4


def test_demo_writes_fictional_firms_of_the_last_two_years(demo_dir: Path) -> None:
    path = demo_dir / FIRM_FILE
    raw = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    expected = demo_enterprises(N_PARKS, years=range(2023, 2025), seed=0)
    assert len(raw) == len(expected)
    assert raw.columns[:3].tolist() == ["统一社会信用代码", "企业名称", "园区"]
    assert "用地面积（亩）" in raw.columns and "虚构" in raw.columns
    assert set(raw["年度"]) == {"2023", "2024"}
    assert (raw["虚构"] == "是").all() and raw["企业名称"].str.contains("虚构").all()
    # origin_row is the line each firm is on (header = line 1)
    lines = path.read_text(encoding="utf-8").splitlines()
    for row in expected.sample(5, random_state=1).itertuples():
        assert lines[row.origin_row - 1].startswith(f"{row.enterprise_id},{row.name},")
    again = io.StringIO(enterprise_csv(expected).to_csv(index=False))
    pd.testing.assert_frame_equal(raw, pd.read_csv(again, dtype=str, keep_default_na=False))
    assert raw.loc[raw["规上企业"] == "否", "工业增加值（万元）"].eq("").all()  # blank, not 0


def test_demo_firms_read_back_with_the_enterprise_loader(demo_dir: Path) -> None:
    files = pytest.importorskip("parkdata.inputs.enterprise_files")
    loaded = files.load_enterprises(demo_dir / FIRM_FILE)
    expected = demo_enterprises(N_PARKS, years=range(2023, 2025), seed=0)
    key = ["enterprise_id", "year"]
    loaded = loaded.sort_values(key, ignore_index=True)
    expected = expected.sort_values(key, ignore_index=True)
    for column in ["enterprise_id", "name", "park_id", "above_scale", "tax_refund", "fictional"]:
        assert loaded[column].tolist() == expected[column].tolist(), column
    numbers = ["land_mu", "tax", "value_added", "emissions_t", "electricity_kwh"]
    pd.testing.assert_frame_equal(
        loaded[numbers].astype(float), expected[numbers], check_exact=False, rtol=1e-9
    )
    assert loaded["origin_row"].tolist() == expected["origin_row"].tolist()
    assert len(loaded.attrs.get("warnings", [])) == 0


def test_demo_firms_for_the_benchmark_universe() -> None:
    big = demo_enterprises(2_500, years=(2022, 2023), seed=0)  # no timing asserted
    assert big["park_id"].nunique() == 2_500
    assert 2_500 * 2 * 20 <= len(big) <= 2_500 * 2 * 35
    assert not big.duplicated(["enterprise_id", "year"]).any()
    assert big["land_mu"].gt(0).all() and big["fictional"].all()


def test_bad_firm_arguments_are_refused() -> None:
    with pytest.raises(ArgumentError, match="firms_per_park"):
        demo_enterprises(3, firms_per_park=(5, 2))
    with pytest.raises(ArgumentError, match="years"):
        demo_enterprises(3, years=())
    with pytest.raises(ArgumentError, match="park_id"):
        demo_enterprises(pd.DataFrame({"id": ["x"]}))
    assert demo_enterprises(pd.DataFrame({"park_id": ["p1", "p2"]}), firms_per_park=3)[
        "enterprise_id"
    ].str[:9].unique().tolist() == ["DEMO-0001", "DEMO-0002"]
