"""Chaos suite, impossible data: figures and targets no real park can have (a revenue of 0 that
"doubles", a negative area, a share of 250 %, a multiple of −2, a number that overflows when
converted, a base year after the target year) are rejected on load with the file, row and column
named — or, where only the arithmetic breaks (a level of 0 or less that a goal is grown from),
are never judged 已完成 but ``insufficient_data`` with the reason ``non_positive_level``.

The inputs are small CSV files in the real input format (docs/data-contract.md), written to a
temporary folder with a parks file of their own (so the bundled data is not read).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import parkdata as pkd
from parkdata.errors import InputError

pytestmark = pytest.mark.chaos

PARKS = Path(__file__).parents[1] / "fixtures" / "formats" / "parks.csv"
OBS = "park_id,indicator,period,basis,value,unit,source\n"
TGT = (
    "target_id,park_id,indicator,kind,comparator,base_period,base_value,base_unit,"
    "target_period,target_value,unit,source,clause\n"
)
GOOD_OBS = "测试园区,主营业务收入,2021,annual,100,亿元,虚构测试\n"
GOOD_TGT = "t-ok,测试园区,主营业务收入,level,>=,,,,2025,800,亿元,虚构规划,到2025年800亿元\n"


def _folder(tmp_path: Path, observations: str = "", targets: str = "") -> Path:
    """A data folder: the fictional 测试园区, one good row per table, then the rows given."""
    (tmp_path / "parks.csv").write_text(PARKS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "observations.csv").write_text(OBS + GOOD_OBS + observations, encoding="utf-8")
    (tmp_path / "targets.csv").write_text(TGT + GOOD_TGT + targets, encoding="utf-8")
    return tmp_path


def _issue(panel: pkd.Panel, file: str, row: int, column: str) -> pd.Series:
    """The one issue at file, row and column."""
    issues = panel.issues
    hit = issues[(issues["file"] == file) & (issues["row"] == row) & (issues["column"] == column)]
    assert len(hit) == 1, (
        f"no single issue at {file} row {row} {column}: {issues.to_dict('records')}"
    )
    return hit.iloc[0]


def _rejected(tmp_path: Path, file: str, column: str, value: str, **rows: str) -> pd.Series:
    """Load strictly (an InputError naming the place) and leniently (the issue, the row gone)."""
    folder = _folder(tmp_path, **rows)
    with pytest.raises(InputError) as err:
        pkd.load(folder)
    assert any(
        i.file == file and i.row == 3 and i.column == column and i.value == value
        for i in err.value.issues
    ), err.value.issues
    panel = pkd.load(folder, errors="skip")
    issue = _issue(panel, file, 3, column)
    assert issue["severity"] == "error" and issue["value"] == value and issue["fix"]
    return issue


# --- the finding: impossible figures get a confident verdict -----------------------------------


def test_zero_revenue_never_meets_a_doubling_or_a_growth_target(tmp_path: Path) -> None:
    zeros = "".join(
        f"测试园区,主营业务收入,{y},annual,0,亿元,虚构测试\n" for y in (2018, 2019, 2020)
    )
    targets = (
        "t-x2,测试园区,主营业务收入,multiple,>=,2018,,,2020,2,倍,虚构规划,三年倍增\n"
        "t-g20,测试园区,主营业务收入,growth_rate,>=,2018,,,2020,20,%,虚构规划,年均增长20%\n"
    )
    panel = pkd.load(_folder(tmp_path, zeros, targets))
    table = pkd.assess(panel, as_of="2021").set_index("target_id")
    for tid in ("t-x2", "t-g20"):
        row = table.loc[tid]
        assert row["status"] == "insufficient_data" and row["reason"] == "non_positive_level"
        assert pd.isna(row["p_meet"]) and row["projection_code"] == "non_positive_level"
        assert pd.isna(row["goal"]) and row["progress_colour"] == "grey"
    words = pkd.explain(table.reset_index(), "zh", panel.catalog)
    assert words["reason_text"].str.len().gt(0).all()


def test_a_negative_base_figure_is_not_judged(tmp_path: Path) -> None:
    # a profit may be negative (catalog domain any), so it loads; it cannot grow by 20 % a year
    losses = "".join(
        f"测试园区,利润总额,{y},annual,{v},亿元,虚构测试\n" for y, v in ((2018, -50), (2020, -10))
    )
    targets = (
        "t-g,测试园区,利润总额,growth_rate,>=,2018,,,2020,20,%,虚构规划,利润年均增长20%\n"
        "t-m,测试园区,利润总额,multiple,>=,2018,,,2020,2,倍,虚构规划,利润倍增\n"
    )
    table = pkd.assess(pkd.load(_folder(tmp_path, losses, targets)), as_of="2021")
    table = table.set_index("target_id").loc[["t-g", "t-m"]]
    assert (table["status"] == "insufficient_data").all()
    assert (table["reason"] == "non_positive_level").all()
    assert table["p_meet"].isna().all() and table["pct_of_target"].isna().all()


def test_a_negative_base_value_in_the_targets_file_is_rejected(tmp_path: Path) -> None:
    row = "t-b,测试园区,主营业务收入,growth_rate,>=,2020,-50,亿元,2025,20,%,虚构规划,年均增长20%\n"
    _rejected(tmp_path, "targets.csv", "base_value", "-50", targets=row)


def test_a_zero_base_value_for_a_multiple_is_rejected(tmp_path: Path) -> None:
    row = "t-b,测试园区,主营业务收入,multiple,>=,2020,0,亿元,2025,2,倍,虚构规划,倍增\n"
    _rejected(tmp_path, "targets.csv", "base_value", "0", targets=row)


@pytest.mark.parametrize("column", ["base_value", "target_value"])
def test_a_misplaced_thousands_separator_in_a_target_is_rejected(
    tmp_path: Path, column: str
) -> None:
    base, target = ('"1,2,3"', "2") if column == "base_value" else ("100", '"1,2,3"')
    row = f"t-c,测试园区,主营业务收入,multiple,>=,2020,{base},亿元,2025,{target},倍,虚构规划,倍增\n"
    issue = _rejected(tmp_path, "targets.csv", column, "1,2,3", targets=row)
    assert "comma" in issue["problem"]


def test_a_negative_multiple_is_rejected(tmp_path: Path) -> None:
    row = "t-m,测试园区,主营业务收入,multiple,>=,2020,,,2025,-2,倍,虚构规划,增长-2倍\n"
    _rejected(tmp_path, "targets.csv", "target_value", "-2", targets=row)


def test_a_yearly_growth_of_minus_100_percent_or_less_is_rejected(tmp_path: Path) -> None:
    row = "t-g,测试园区,主营业务收入,growth_rate,>=,2020,,,2025,-100,%,虚构规划,年均-100%\n"
    _rejected(tmp_path, "targets.csv", "target_value", "-100", targets=row)


@pytest.mark.parametrize("base", ["2026", "2025"], ids=["after", "same"])
def test_a_base_year_not_before_the_target_year_is_rejected(tmp_path: Path, base: str) -> None:
    row = f"t-y,测试园区,主营业务收入,growth_rate,>=,{base},,,2025,20,%,虚构规划,年均增长20%\n"
    _rejected(tmp_path, "targets.csv", "base_period", base, targets=row)


def test_a_figure_that_overflows_on_conversion_is_rejected_and_never_shown(
    tmp_path: Path,
) -> None:
    row = "测试园区,主营业务收入,2022,annual,1e308,万亿元,虚构测试\n"
    issue = _rejected(tmp_path, "observations.csv", "value", "1e308", observations=row)
    assert "亿元" in issue["problem"]
    panel = pkd.load(tmp_path, errors="skip")
    assert np.isfinite(panel.observations["value"]).all()
    table = pkd.assess(panel, as_of="2023")
    numbers = table.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    words = pkd.explain(table, "zh", panel.catalog)
    assert not words.astype(str).apply(lambda c: c.str.contains("inf")).any().any()


def test_a_target_that_overflows_on_conversion_is_rejected(tmp_path: Path) -> None:
    row = "t-big,测试园区,主营业务收入,level,>=,,,,2025,1e308,万亿元,虚构规划,很大\n"
    _rejected(tmp_path, "targets.csv", "target_value", "1e308", targets=row)


@pytest.mark.parametrize(
    ("indicator", "value", "unit", "code"),
    [
        ("园区总面积", "-5", "平方公里", "total_area"),
        ("规模以上工业企业数", "-3", "家", "enterprises_above_scale"),
        ("规模以上工业企业数", "3.5", "家", "enterprises_above_scale"),
        ("高新技术产业产值占比", "250", "%", "high_tech_output_share"),
        ("高新技术产业产值占比", "-20", "%", "high_tech_output_share"),
        ("主营业务收入", "-1", "亿元", "main_business_revenue"),
        ("主营业务收入同比增速", "-120", "%", "main_business_revenue_yoy"),
    ],
    ids=["area", "count", "half_firm", "share_250", "share_minus_20", "revenue", "yoy"],
)
def test_an_impossible_figure_is_rejected(
    tmp_path: Path, indicator: str, value: str, unit: str, code: str
) -> None:
    row = f"测试园区,{indicator},2022,annual,{value},{unit},虚构测试\n"
    issue = _rejected(tmp_path, "observations.csv", "value", value, observations=row)
    assert code in issue["problem"]  # the indicator is named by its code
    kept = pkd.load(tmp_path, errors="skip").observations
    assert not ((kept["indicator"] == code) & (kept["period"] == "2022")).any()


def test_a_share_a_little_over_100_is_kept_with_a_warning(tmp_path: Path) -> None:
    row = "测试园区,高新技术产业产值占比,2022,annual,100.4,%,虚构测试\n"
    panel = pkd.load(_folder(tmp_path, observations=row))  # strict: a warning is no error
    issue = _issue(panel, "observations.csv", 3, "value")
    assert issue["severity"] == "warning" and issue["value"] == "100.4"
    kept = panel.observations.set_index("indicator")
    assert kept.loc["high_tech_output_share", "value"] == pytest.approx(100.4)


def test_a_loss_is_a_possible_figure(tmp_path: Path) -> None:
    row = "测试园区,利润总额,2022,annual,-3.5,亿元,虚构测试\n"
    panel = pkd.load(_folder(tmp_path, observations=row))
    assert panel.issues.empty
    assert panel.observations.set_index("indicator").loc["total_profit", "value"] == -3.5


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_kept_warning_is_shown_in_the_report(tmp_path: Path, language: str) -> None:
    """A figure kept with a warning carries it into the park's report, in words, with its row."""
    from parkdata.reporting.wording import text

    row = "测试园区,高新技术产业产值占比,2022,annual,100.4,%,虚构测试\n"
    folder = _folder(tmp_path, observations=row)
    page = pkd.park_report("测试园区", folder, as_of="2023", language=language).notes().html
    assert text("data_warnings", language) in page
    words = text("data_warning.domain_above_max_slack", language, value="100.4")
    assert words in page and "observations.csv · 3" in page


def test_a_warning_in_a_wide_row_is_shown_against_its_own_cell(tmp_path: Path) -> None:
    """Periods as columns: the warning on 2022's cell is not repeated for 2021 of that row."""
    folder = _folder(tmp_path)
    (folder / "observations_wide.csv").write_text(
        "park_id,indicator,basis,unit,source,2021,2022\n"
        "测试园区,高新技术产业产值占比,annual,%,虚构测试,60,100.4\n",
        encoding="utf-8",
    )
    warnings = pkd.park_report("测试园区", folder, as_of="2023")._warnings()
    assert len(warnings) == 1 and "2022" in warnings[0] and "100.4" in warnings[0]


@pytest.mark.parametrize("bad", [np.inf, -np.inf], ids=["inf", "-inf"])
def test_a_parquet_file_with_a_non_finite_value_is_rejected(tmp_path: Path, bad: float) -> None:
    """Parquet keeps floats as floats: inf arrives as a number, not as the text "inf". (A NaN
    is Parquet's empty cell: a figure not given, dropped as an empty CSV cell is.)"""
    folder = _folder(tmp_path)
    pd.DataFrame(
        {
            "park_id": ["测试园区", "测试园区"],
            "indicator": ["主营业务收入", "主营业务收入"],
            "period": ["2022", "2023"],
            "basis": ["annual", "annual"],
            "value": [120.0, bad],
            "unit": ["亿元", "亿元"],
            "source": ["虚构测试", "虚构测试"],
        }
    ).to_parquet(folder / "observations_more.parquet", index=False)
    panel = pkd.load(folder, errors="skip")
    issues = panel.issues[panel.issues["file"] == "observations_more.parquet"]
    assert len(issues) == 1 and issues.iloc[0]["severity"] == "error", issues.to_dict("records")
    assert int(issues.iloc[0]["row"]) == 2 and issues.iloc[0]["column"] == "value"
    kept = panel.observations
    assert np.isfinite(kept["value"]).all() and "2023" not in set(kept["period"])
