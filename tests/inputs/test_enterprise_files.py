"""Reading the firm tables a park office fills in: CSV (UTF-8, GBK), Excel, Parquet, folders;
every bad row named by file, sheet, row, column (as written) and fix; warnings; projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FORMATS

import parkdata as pkd
from parkdata.assessment.enterprises import classify_enterprises, sample_enterprises
from parkdata.contract.enterprise_columns import ENTERPRISE_COLUMNS
from parkdata.errors import InputError, Issue
from parkdata.inputs.enterprise_files import (
    ENTERPRISE_TABLE_COLUMNS,
    load_enterprises,
    load_projects,
    match_header,
)
from parkdata.inputs.store import ingest

VALID_USCC = "91110000600037341L"  # check digit verified by stdnum.cn.uscc
PARKS = pd.DataFrame(
    {
        "park_id": ["test_park", "other_park"],
        "name_zh": ["测试高新技术产业园区", "另一工业园区"],
        "short_name_zh": ["测试园区", "另一园区"],
        "aliases_zh": ["", ""],
        "kind": ["高新区", "工业园区"],
    }
)
HEADER = "统一社会信用代码,企业名称,园区,年度,规上企业,用地面积（亩）,税收（万元）"


def sample_with_year(year: int = 2022) -> pd.DataFrame:
    firms = sample_enterprises()
    firms.insert(3, "year", year)
    return firms


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def by_place(err: pytest.ExceptionInfo[InputError]) -> dict[tuple[int | None, str | None], Issue]:
    return {(i.row, i.column): i for i in err.value.issues}


# ---------------------------------------------------------------- formats


def test_csv_with_english_codes_reads_the_sample_and_classifies_alike(tmp_path: Path) -> None:
    firms = sample_with_year()
    firms.to_csv(tmp_path / "enterprises.csv", index=False)
    loaded = load_enterprises(tmp_path)
    assert list(loaded.columns) == list(ENTERPRISE_TABLE_COLUMNS)
    assert len(loaded) == 30 and loaded["year"].eq(2022).all()
    assert loaded["origin_row"].tolist() == list(range(2, 32))  # row 1 is the header
    assert loaded["origin_file"].eq("enterprises.csv").all() and loaded["fictional"].all()
    assert np.isnan(loaded.set_index("enterprise_id").loc["DEMO-021", "land_mu"])  # blank land
    assert loaded.attrs["warnings"] == []
    mine = classify_enterprises(loaded)["class"].value_counts().to_dict()
    assert mine == classify_enterprises(firms)["class"].value_counts().to_dict()


def test_gbk_csv_with_chinese_headers_full_width_digits_and_check_marks(tmp_path: Path) -> None:
    lines = [
        "统一社会信用代码,企业名称,园区名称,年度,规上企业,用地面积(亩),税收（万元）,"
        "工业增加值,税收含留抵退税,淘汰类或禁止类产业",
        f'{VALID_USCC.lower()},甲公司,测试园区,2022年,是,１２.５,"1,234.5",800,否,×',
        "LOCAL-7,乙公司,test_park,2022,否,8,-3,,√,",
    ]
    path = write(tmp_path / "企业_2022.csv", lines, encoding="gbk")
    firms = load_enterprises(path, parks=PARKS)
    assert firms["enterprise_id"].tolist() == [VALID_USCC, "LOCAL-7"]  # a USCC in capitals
    assert firms["park_id"].tolist() == ["test_park", "test_park"]
    assert firms["year"].tolist() == [2022, 2022] and firms["year"].dtype == "int64"
    assert firms["land_mu"].tolist() == [12.5, 8.0] and firms["tax"].tolist() == [1234.5, -3.0]
    assert firms["above_scale"].tolist() == [True, False]
    assert firms["tax_refund"].tolist() == [False, True]  # negative tax with 留抵退税
    assert firms["banned_industry"].tolist() == [False, False]  # × and blank are 否
    assert firms["utility"].tolist() == [False, False]  # a column not given is 否 throughout
    assert np.isnan(firms.loc[1, "value_added"]) and firms["industry"].isna().all()


def test_xlsx_with_notes_sheet_title_row_and_merged_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["这不是数据"])
    sheet = book.create_sheet("2022年度")
    sheet.append(["测试园区 2022年度 亩均效益评价企业数据"])
    sheet.merge_cells("A1:G1")
    sheet.append(HEADER.split(","))
    sheet.append(["DEMO-1", "甲", "测试园区", 2022, "是", 10, 50])
    sheet.append(["DEMO-2", "乙", None, 2022, "否", 4.5, 20])
    sheet.merge_cells("C3:C4")  # one park cell for the two firms
    sheet.append([None] * 7)  # a blank row is skipped, the numbering kept
    sheet.append(["DEMO-3", "丙", "另一园区", 2022, "否", 2, 1])
    book.save(tmp_path / "企业.xlsx")
    firms = load_enterprises(tmp_path, parks=PARKS)
    assert firms["origin_row"].tolist() == [3, 4, 6]
    assert firms["origin_sheet"].eq("2022年度").all()
    assert firms["park_id"].tolist() == ["test_park", "test_park", "other_park"]
    assert firms["tax"].tolist() == [50.0, 20.0, 1.0]


def test_parquet_and_several_files(tmp_path: Path) -> None:
    firms = sample_with_year()
    firms.iloc[:10].to_parquet(tmp_path / "enterprises_a.parquet")
    firms.iloc[10:].to_csv(tmp_path / "enterprises_b.csv", index=False)
    loaded = load_enterprises([tmp_path / "enterprises_a.parquet", tmp_path / "enterprises_b.csv"])
    assert loaded["enterprise_id"].tolist() == firms["enterprise_id"].tolist()
    assert loaded["origin_row"].tolist()[:2] == [1, 2] and loaded["origin_row"].iloc[10] == 2


def test_headers_match_with_or_without_units_and_wrong_units_are_named() -> None:
    assert match_header("用地面积（亩）") == ("land_mu", None)
    assert match_header(" 用地面积 ") == ("land_mu", None)
    assert match_header("社会信用代码") == ("enterprise_id", None)
    assert match_header("R&D经费支出（万元）") == ("rd_expenditure", None)
    assert match_header("用电量（万千瓦时）") == ("electricity_kwh", "万千瓦时")
    assert all(match_header(c.header)[0] == c.code for c in ENTERPRISE_COLUMNS.values())


# ---------------------------------------------------------------- bad rows


def test_every_bad_row_is_named_by_file_row_column_value_and_fix(tmp_path: Path) -> None:
    lines = [
        HEADER + ",员工人数",
        "DEMO-1,甲,测试园区,2022,是,10,-5,",  # row 2: negative tax without 退税
        "DEMO-2,乙,测试园区,2022,是,0,5,",  # row 3: 0 亩
        "DEMO-3,丙,测试园区,2022,是,约300,5,",  # row 4: 约 in a number column
        "91110000600037341M,丁,测试园区,2022,是,3,5,",  # row 5: bad check digit
        "DEMO-1,甲,测试园区,2022,是,10,6,",  # row 6: repeats row 2
        "DEMO-6,戊,不存在园区,2022,是,3,5,",  # rows 7, 8: one unknown park, named once
        "DEMO-7,己,不存在园区,2022,是,3,5,",
        "DEMO-8,庚,测试园区,二〇二二,maybe,3,5,",  # row 9: not a year, not a yes/no
    ]
    with pytest.raises(InputError) as err:
        load_enterprises(write(tmp_path / "enterprises.csv", lines), parks=PARKS)
    issues = by_place(err)
    assert all(i.file == "enterprises.csv" and i.sheet is None for i in err.value.issues)
    tax = issues[(2, "税收（万元）")]  # the column as the user wrote it
    assert tax.value == "-5" and "税收含留抵退税" in tax.problem and "是" in tax.fix
    land = issues[(3, "用地面积（亩）")]
    assert land.problem == "land must be more than 0 亩" and "leave it blank" in land.fix
    assert issues[(4, "用地面积（亩）")].problem == "not a plain number"
    assert "约" in issues[(4, "用地面积（亩）")].fix
    uscc = issues[(5, "统一社会信用代码")]
    assert "check digit" in uscc.problem and "营业执照" in uscc.fix
    repeat = issues[(6, "统一社会信用代码")]
    assert repeat.problem == "repeats an earlier row (row 2)" and repeat.value == "DEMO-1"
    park = [i for i in err.value.issues if i.value == "不存在园区"]
    assert len(park) == 1 and park[0].row == 7 and park[0].column == "园区"
    assert "unknown park" in park[0].problem and "2 row(s): 7, 8" in park[0].problem
    assert "closest known" in park[0].fix
    assert issues[(9, "年度")].problem == "not a year" and "2022" in issues[(9, "年度")].fix
    assert issues[(9, "规上企业")].problem == "not a yes/no value"
    assert "员工人数" not in {i.column for i in err.value.issues}  # an unknown column: a warning
    assert len(err.value.issues) == 8  # one each


def test_missing_required_column_and_wrong_unit_name_the_header(tmp_path: Path) -> None:
    lines = ["统一社会信用代码,企业名称,园区,年度,规上企业,税收（元）", "D1,甲,测试园区,2022,是,5"]
    with pytest.raises(InputError) as err:
        load_enterprises(write(tmp_path / "enterprises.csv", lines))
    issues = {i.column: i for i in err.value.issues}
    assert set(issues) == {"用地面积（亩）", "税收（元）", "税收（万元）"}
    assert issues["用地面积（亩）"].problem.startswith("required column is missing")
    assert issues["用地面积（亩）"].fix.startswith("add a column 用地面积（亩） (land_mu)")
    assert "the header gives the unit 元, but 税收 is read in 万元" in issues["税收（元）"].problem


def test_duplicate_firm_across_files_names_the_first_file(tmp_path: Path) -> None:
    write(tmp_path / "enterprises_a.csv", [HEADER, "D1,甲,测试园区,2022,是,1,1"])
    write(
        tmp_path / "enterprises_b.csv",
        [HEADER, "D1,甲,测试园区,2023,是,1,1", "D1,甲,测试园区,2022,是,1,1"],
    )
    with pytest.raises(InputError) as err:
        load_enterprises(tmp_path)
    (issue,) = err.value.issues  # the same firm in another year is not a repeat
    assert (issue.file, issue.row) == ("enterprises_b.csv", 3)
    assert issue.problem == "repeats an earlier row (enterprises_a.csv row 2)"


def test_warnings_keep_the_rows(tmp_path: Path) -> None:
    lines = [
        HEADER + ",工业增加值,主营业务收入,R&D经费支出,投产年限,年平均职工人数,地址",
        "D1,甲,测试园区,2022,是,10,5,900,800,10,1990,12.5,某路1号",
        "D2,乙,测试园区,2022,是,10,5,100,800,900,12,40,",
    ]
    firms = load_enterprises(write(tmp_path / "enterprises.csv", lines))
    assert len(firms) == 2
    warned = {(w.row, w.column, w.code) for w in firms.attrs["warnings"]}
    assert warned == {
        (2, "工业增加值", "value_added_above_revenue"),
        (2, "投产年限", "years_in_operation_over_100"),
        (2, "年平均职工人数", "employees_not_whole"),
        (3, "R&D经费支出", "rd_above_revenue"),
        (None, "地址", None),
    }
    assert all(w.severity == "warning" for w in firms.attrs["warnings"])


def test_an_unreadable_file_is_reported_with_the_rest(tmp_path: Path) -> None:
    (tmp_path / "enterprises_old.xls").write_bytes(b"not a workbook")
    write(tmp_path / "enterprises.csv", [HEADER, "D1,甲,测试园区,2022,是,0,1"])
    with pytest.raises(InputError) as err:
        load_enterprises(tmp_path)
    assert {(i.file, i.row) for i in err.value.issues} == {
        ("enterprises_old.xls", None),
        ("enterprises.csv", 2),
    }


# ---------------------------------------------------------------- folders and the panel


def test_a_folder_with_firms_keeps_its_figures_and_projects_are_not_read(tmp_path: Path) -> None:
    plain, with_firms = tmp_path / "plain", tmp_path / "with_firms"
    for folder in (plain, with_firms):
        folder.mkdir()
        shutil.copy(FORMATS / "parks.csv", folder)
        shutil.copy(FORMATS / "tidy_utf8.csv", folder / "observations.csv")
    sample_with_year().assign(park_id="test_park").to_csv(
        with_firms / "enterprises.csv", index=False
    )
    write(
        with_firms / "项目.csv",
        ["项目编号,项目名称,固定资产投资（万元）,拟用地面积（亩）", "P1,甲,6000,15"],
    )
    before, after = pkd.load(plain), pkd.load(with_firms)
    reported = after.observations[after.observations["origin_column"] != "firm_totals"]
    pd.testing.assert_frame_equal(before.observations, reported.reset_index(drop=True))
    pd.testing.assert_frame_equal(before.parks, after.parks)
    assert len(after.firms) == 30 and set(after.firms["park_id"]) == {"test_park"}
    assert after.errors().empty
    assert set(after.files["table"]) == {"parks", "observations", "enterprises"}  # no projects
    assert len(load_enterprises(with_firms)) == 30 and len(load_projects(with_firms)) == 1
    result = ingest(with_firms, tmp_path / "processed")  # ingest reads firms, skips projects
    assert result.panel is not None and result.panel.errors().empty


# ---------------------------------------------------------------- projects


def test_projects_are_read_and_checked(tmp_path: Path) -> None:
    lines = [
        "项目编号,项目名称,园区,固定资产投资（万元）,拟用地面积（亩）,有特殊工业要求",
        "P1,甲项目,测试园区,5000,16.7,",
        "P2,乙项目,,4999,,是",
        "P3,丙项目,测试园区,6000,0,否",
    ]
    path = write(tmp_path / "projects.csv", lines)
    with pytest.raises(InputError) as err:
        load_projects(path, parks=PARKS)
    (issue,) = err.value.issues
    assert (issue.row, issue.column) == (4, "拟用地面积（亩）") and "more than 0" in issue.problem
    write(path, lines[:3])
    projects = load_projects(path, parks=PARKS)
    assert projects["park_id"].tolist() == ["test_park", None]  # a project's park may be blank
    assert projects["investment"].tolist() == [5000.0, 4999.0]
    assert projects["special_requirement"].tolist() == [False, True]
    assert np.isnan(projects.loc[1, "land_mu"])


def test_skip_leaves_out_the_parks_with_errors_and_names_their_problems(tmp_path: Path) -> None:
    write(
        tmp_path / "enterprises_a.csv",
        [
            HEADER,
            "D1,甲,好园区,2022,是,10,5",
            "D2,乙,坏园区,2022,是,10,-5",  # row 3: negative tax without 退税
            "D3,丙,坏园区,2022,是,10,5",
        ],
    )
    # a row naming no park may belong to any park of its file: all of them fail
    write(
        tmp_path / "enterprises_b.csv",
        [HEADER, "D4,丁,别的园区,2022,是,10,5", "D5,戊,,2022,是,1,1"],
    )
    with pytest.raises(InputError):
        load_enterprises(tmp_path)  # errors="raise" as before
    firms = load_enterprises(tmp_path, errors="skip")
    assert firms["park_id"].tolist() == ["好园区"] and firms["origin_row"].tolist() == [2]
    failed = firms.attrs["failed_parks"]
    assert sorted(failed) == ["别的园区", "坏园区"]
    (tax,) = failed["坏园区"]
    assert (tax.file, tax.row, tax.column, tax.value) == (
        "enterprises_a.csv",
        3,
        "税收（万元）",
        "-5",
    )
    assert "税收含留抵退税" in tax.problem
    assert [(i.file, i.row, i.column) for i in failed["别的园区"]] == [
        ("enterprises_b.csv", 3, "园区")
    ]
    assert firms.attrs["failed_files"] == {}


def test_skip_keeps_a_file_that_cannot_be_read_and_raises_when_nothing_can(tmp_path: Path) -> None:
    write(tmp_path / "enterprises_a.csv", [HEADER, "D1,甲,好园区,2022,是,10,5"])
    write(
        tmp_path / "enterprises_b.csv", ["统一社会信用代码,企业名称,园区,年度", "D2,乙,某园区,2022"]
    )
    firms = load_enterprises(tmp_path, errors="skip")
    assert firms["park_id"].tolist() == ["好园区"] and firms.attrs["failed_parks"] == {}
    problems = firms.attrs["failed_files"]["enterprises_b.csv"]
    assert any(i.problem.startswith("required column is missing") for i in problems)
    with pytest.raises(InputError, match="税收含留抵退税"):
        load_enterprises(
            write(tmp_path / "one.csv", [HEADER, "D1,甲,坏园区,2022,是,10,-5"]), errors="skip"
        )
