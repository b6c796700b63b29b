"""The firm and project templates: layout, drop-downs, the 说明 sheet, a round trip through the
loader, an empty template, and `parkdata template --kind …`."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import FORMATS
from openpyxl import load_workbook

import parkdata as pkd
from parkdata.assessment.enterprises import sample_enterprises
from parkdata.cli import main
from parkdata.contract.enterprise_columns import ENTERPRISE_COLUMNS, PROJECT_COLUMNS
from parkdata.inputs.enterprise_files import load_enterprises, load_projects
from parkdata.inputs.enterprise_template import write_enterprise_template

PARKS = pd.DataFrame(
    {
        "park_id": ["demo_park", "other_park"],
        "name_zh": ["示例园区（虚构）", "=另一园区"],  # a name that looks like a formula
        "short_name_zh": ["示例园区", "另一园区"],
        "aliases_zh": ["", ""],
        "kind": ["工业园区", "工业园区"],
    }
)


def cell(value: object) -> object:
    """A sample value as a park office types it: 是/否 for flags, nothing for a blank."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def test_template_layout_drop_downs_and_notes(tmp_path: Path) -> None:
    path = write_enterprise_template(tmp_path / "企业亩均数据.xlsx", parks=PARKS)
    book = load_workbook(path)
    assert book.sheetnames == ["企业数据", "参考-选项", "参考-园区名录", "说明"]
    data = book["企业数据"]
    headers = [c.value for c in data[1]]
    assert headers == [c.header for c in ENTERPRISE_COLUMNS.values()]
    assert "用地面积（亩）" in headers and "税收（万元）" in headers
    assert data.freeze_panes == "C2" and data.column_dimensions["B"].width == 30
    rules = data.data_validations.dataValidation
    lists = {str(r.sqref).split(":")[0]: r.formula1 for r in rules if r.type == "list"}
    assert lists["C2"] == "='参考-园区名录'!$A$2:$A$3"  # the parks
    assert lists["F2"] == "='参考-选项'!$A$1:$A$2"  # 是/否 for 规上企业
    assert lists["D2"].startswith("='参考-选项'!$B$1")  # the years
    land = next(r for r in rules if str(r.sqref).startswith("G2"))
    assert (land.type, land.operator, land.formula1) == ("decimal", "greaterThan", "0")
    assert not any(str(r.sqref).startswith("H2") for r in rules)  # tax may be negative (退税)
    assert book["参考-园区名录"]["A3"].value == "'=另一园区"  # formula-safe
    notes = "\n".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "必须大于0" in notes and "不要填0" in notes  # the land rule
    assert "留抵退税" in notes and "parkdata enterprises" in notes
    assert all(c.help in notes for c in ENTERPRISE_COLUMNS.values())


def test_filled_template_reads_back_equal(tmp_path: Path) -> None:
    path = write_enterprise_template(tmp_path / "企业亩均数据.xlsx", parks=PARKS)
    sample = sample_enterprises().assign(year=2023)
    book = load_workbook(path)
    data = book["企业数据"]
    codes = list(ENTERPRISE_COLUMNS)
    for firm in sample.to_dict("records"):
        firm["park_id"] = "示例园区（虚构）"  # the name picked from the drop-down
        data.append([cell(firm.get(code)) for code in codes])
    book.save(path)
    firms = load_enterprises(tmp_path, parks=PARKS)
    assert firms["origin_sheet"].eq("企业数据").all() and firms["origin_row"].iloc[0] == 2
    mine = firms[list(sample.columns)].reset_index(drop=True)
    expected = sample.astype({"employees": float, "years_in_operation": float})
    pd.testing.assert_frame_equal(mine, expected, check_dtype=False)
    assert firms["industry"].isna().all() and not firms["tax_refund"].any()


def test_an_empty_template_in_a_folder_is_no_firms(tmp_path: Path) -> None:
    shutil.copy(FORMATS / "parks.csv", tmp_path)
    shutil.copy(FORMATS / "tidy_utf8.csv", tmp_path / "observations.csv")
    write_enterprise_template(tmp_path / "企业亩均数据.xlsx")
    write_enterprise_template(tmp_path / "拟供地项目.xlsx", kind="projects")
    firms = load_enterprises(tmp_path)
    assert firms.empty and list(firms.columns)[:2] == ["enterprise_id", "name"]
    assert firms["year"].dtype == "int64" and firms.attrs["warnings"] == []
    assert load_projects(tmp_path).empty
    assert pkd.load(tmp_path).issues.empty  # nor read as observations


def test_project_template_round_trip(tmp_path: Path) -> None:
    path = write_enterprise_template(tmp_path / "拟供地项目.xlsx", kind="projects")
    book = load_workbook(path)
    data = book["拟供地项目"]
    assert [c.value for c in data[1]] == [c.header for c in PROJECT_COLUMNS.values()]
    data.append(["P1", "某项目", None, 5000, 16.7, "否", None])
    data.append(["P2", "另一项目", None, 8000, None, "是", "有特殊工业要求"])
    book.save(path)
    projects = load_projects(path)
    assert projects["investment"].tolist() == [5000.0, 8000.0]
    assert projects["special_requirement"].tolist() == [False, True]
    assert projects["park_id"].isna().all()


def test_cli_template_kinds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--kind", "enterprises"]) == 0
    out = capsys.readouterr().out
    assert "企业亩均数据.xlsx" in out and "企业数据" in out and "parkdata enterprises" in out
    assert load_workbook(tmp_path / "企业亩均数据.xlsx").sheetnames[0] == "企业数据"
    assert main(["template", "--kind", "projects", "--out", "p.xlsx", "--language", "en"]) == 0
    assert "fill in one proposed industrial project per row" in capsys.readouterr().out
    assert load_workbook(tmp_path / "p.xlsx").sheetnames[0] == "拟供地项目"
    assert main(["template"]) == 0  # observations, as before
    assert (tmp_path / "parkdata_template.xlsx").exists()
    with pytest.raises(SystemExit) as exit_:
        main(["template", "--kind", "firms"])
    assert exit_.value.code == 2
