"""Every bad input in tests/bad_inputs/ gets a clear error: file, row, column, what is wrong."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import BAD, FORMATS

import parkdata as pkd

# file, row (None: the whole file), column, words the problem must contain, words of the fix
CASES = [
    ("obs_unknown_park.csv", 3, "park_id", "unknown park", "测试园区"),
    (
        "obs_unknown_indicator.csv",
        3,
        "indicator",
        "closest known: 主营收入 (main_business_revenue)",
        "catalog",
    ),
    ("obs_bad_number.csv", 3, "value", "not a number", "plain number"),
    ("obs_bad_period.csv", 3, "period", "not a period", "2021Q3"),
    ("obs_missing_basis.csv", 3, "basis", "basis missing for a sub-annual period", "本年累计"),
    ("obs_basis_mismatch.csv", 3, "basis", "basis quarter does not fit period 2020", "2021Q3"),
    ("obs_unknown_basis.csv", 3, "basis", "unknown basis", "ytd"),
    ("obs_unknown_unit.csv", 3, "unit", "unknown unit '斤'", "亿元"),
    ("obs_wrong_dimension.csv", 3, "unit", "cannot convert '平方公里' (area) to '亿元'", "亿元"),
    ("obs_percent_clash.csv", 3, "unit", "the value says % but the unit column says 亿元", "agree"),
    ("obs_missing_unit.csv", 3, "unit", "no unit given", "亿元"),
    ("obs_missing_column.csv", None, "value", "has no column 'value'", "add a 'value' column"),
    (
        "obs_conflict.csv",
        2,
        "value",
        "obs_conflict.csv row 2 (100.0 亿元); obs_conflict.csv row 3",
        "keep one",
    ),
    ("obs_unknown_qualifier.csv", 2, "qualifier", "unknown qualifier", "at_least"),
    ("obs_no_park.csv", 3, "park_id", "no park given", "park_id"),
    ("obs_empty.csv", None, None, "not a readable CSV", "check"),
    ("obs_unknown_type.json", None, None, "unknown file type '.json'", ".csv"),
    ("obs_old_format.xls", None, None, "old .xls workbooks are not read", "save as .xlsx"),
    ("obs_damaged.xlsx", None, None, "not a readable Excel workbook", "check"),
    ("obs_not_text.csv", None, None, "neither UTF-8 nor GBK", "UTF-8"),
    ("obs_sheet_without_header.xlsx", None, None, "sheet '数据' has no header row", "说明"),
    ("targets_bad_kind.csv", 3, "kind", "unknown target kind", "count_over_threshold"),
    ("targets_bad_comparator.csv", 3, "comparator", "unknown comparator", ">="),
    ("targets_growth_unit.csv", 3, "unit", "a growth_rate target is stated in %", "%"),
    ("targets_duplicate_id.csv", 2, "target_id", "target_id used twice", "unique"),
    ("targets_missing_clause.csv", 3, "clause", "no clause", "sentence"),
    ("targets_no_threshold.csv", 3, "threshold", "no threshold for a count target", "1000"),
    ("targets_no_base.csv", 3, "base_period", "no base period", "2019"),
    ("parks_bad_slug.csv", 2, "park_id", "not an ASCII slug", "hukou_hitech"),
    ("parks_bad_level.csv", 2, "level", "unknown level", "provincial"),
    ("memberships_unknown_member.csv", 2, "group_id", "not a group", "kind is group"),
]


def _issues(name: str) -> pd.DataFrame:
    panel = pkd.load([FORMATS / "parks.csv", BAD / name], errors="skip")
    return panel.issues[lambda d: d["file"] == name]


def test_corpus_has_at_least_twenty_cases_and_every_file_is_covered() -> None:
    files = {p.name for p in BAD.iterdir() if p.suffix != ".py" and not p.name.startswith("_")}
    assert len(CASES) >= 20
    assert files == {c[0] for c in CASES}


@pytest.mark.parametrize(
    ("name", "row", "column", "problem", "fix"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_named_precisely(
    name: str, row: int | None, column: str | None, problem: str, fix: str
) -> None:
    issues = _issues(name)
    match = issues[issues["problem"].str.contains(problem, regex=False)]
    assert len(match), f"no issue containing {problem!r}; got {issues['problem'].tolist()}"
    hit = match.iloc[0]
    assert pd.isna(hit["row"]) if row is None else int(hit["row"]) == row
    assert pd.isna(hit["column"]) if column is None else hit["column"] == column
    assert fix in hit["fix"]


def test_good_rows_beside_a_bad_one_still_load() -> None:
    panel = pkd.load([FORMATS / "parks.csv", BAD / "obs_bad_number.csv"], errors="skip")
    obs = panel.observations.query("park_id == 'test_park'")
    assert obs["value"].tolist() == [100.0]
    report = panel.files.set_index("file").loc[str(BAD / "obs_bad_number.csv")]
    assert (report["read"], report["loaded"], report["rejected"]) == (2, 1, 1)


def test_strict_loading_raises_with_location_and_value() -> None:
    with pytest.raises(pkd.InputError) as info:
        pkd.load([FORMATS / "parks.csv", BAD / "obs_bad_number.csv"])
    message = str(info.value)
    assert "obs_bad_number.csv, row 3, column 'value': not a number (value '12..5')" in message


def test_conflict_rejects_both_rows_and_names_each() -> None:
    issues = _issues("obs_conflict.csv")
    assert sorted(issues.query("column == 'value'")["row"].astype(int)) == [2, 3]


def test_a_target_without_base_year_is_kept_with_a_warning() -> None:
    panel = pkd.load([FORMATS / "parks.csv", BAD / "targets_no_base.csv"], errors="skip")
    assert "t-02" in set(panel.targets["target_id"])
    issue = panel.issues.query("file == 'targets_no_base.csv'").iloc[0]
    assert issue["severity"] == "warning"
