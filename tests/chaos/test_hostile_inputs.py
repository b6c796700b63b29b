"""Chaos suite, inputs and outputs: files that are read wrong without a word, and data that
would run as a formula in the spreadsheets parkdata writes.

Inputs: formula cells a script wrote without a saved value, a comma that does not group
thousands (``1,2,3``), Big5 text, GB18030 text, and a UTF-8 file with one GBK row pasted in after
a megabyte of good rows — each is either read right or is an error that says where and why.
Outputs: park names and clauses starting with ``=``, ``+``, ``-`` or ``@`` come out of ``assess``,
``project`` and the template neutralised (a leading apostrophe), in UTF-8 with a BOM, numbers
still numbers.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import FORMATS

import parkdata as pkd
from parkdata.cli import main
from parkdata.inputs.readers import read_csv

pytestmark = pytest.mark.chaos

HEADER = "park_id,indicator,period,basis,value,unit,source\n"
GOOD_ROW = "测试园区,主营业务收入,{year},annual,{value},亿元,虚构测试\n"
DANGEROUS = {
    "demo_0001": "=cmd|' /C calc'!A0",
    "demo_0002": "@SUM(1)",
    "demo_0003": "+1",
}


def _issues(*files: Path) -> pd.DataFrame:
    panel = pkd.load([FORMATS / "parks.csv", *files], bundled=False, errors="skip")
    return panel.issues[panel.issues["severity"] == "error"]


# --- formula cells without a saved value ------------------------------------------------------


def _workbook_with_formulas(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(["园区", "指标", "时期", "口径", "数值", "单位", "来源"])
    sheet.append(["测试园区", "主营业务收入", "2021", "annual", 100, "亿元", "虚构"])
    sheet.append(["测试园区", "主营业务收入", "2022", "annual", "=E2*1.1", "亿元", "虚构"])
    sheet.append(["测试园区", "主营业务收入", "2023", "annual", "=E3*1.1", "亿元", "虚构"])
    book.save(path)  # openpyxl does not calculate: the formulas have no saved value
    return path


def test_formula_cells_without_a_saved_value_are_errors_naming_the_cells(
    tmp_path: Path,
) -> None:
    path = _workbook_with_formulas(tmp_path / "observations_script.xlsx")
    issues = _issues(path)
    hit = issues[issues["problem"].str.contains("formula", regex=False)]
    assert len(hit) == 1, issues["problem"].tolist()
    assert hit.iloc[0]["sheet"] == "数据"
    assert "E3" in hit.iloc[0]["problem"] and "E4" in hit.iloc[0]["problem"]
    assert "Excel" in hit.iloc[0]["fix"] and "values" in hit.iloc[0]["fix"]
    with pytest.raises(pkd.InputError, match="E3, E4"):
        pkd.load([FORMATS / "parks.csv", path], bundled=False)


def test_formula_cells_with_a_saved_value_are_read(tmp_path: Path) -> None:
    # as Excel saves them: the formula and its last result (<v>); an empty-string result counts
    scripted = _workbook_with_formulas(tmp_path / "scripted.xlsx")
    path = tmp_path / "observations_excel.xlsx"
    with zipfile.ZipFile(scripted) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("xl/worksheets/"):
                data = data.replace(b"<f>E2*1.1</f><v />", b"<f>E2*1.1</f><v>110</v>")
                data = data.replace(
                    b'<c r="E4"><f>E3*1.1</f><v />', b'<c r="E4" t="str"><f>E3*1.1</f><v></v>'
                )
            out.writestr(name, data)
    panel = pkd.load([FORMATS / "parks.csv", path], bundled=False, errors="skip")
    assert not len(panel.errors())
    obs = panel.observations.set_index("period")["value"]
    assert obs.to_dict() == {"2021": 100.0, "2022": 110.0}


# --- thousands separators ---------------------------------------------------------------------


def test_a_comma_that_does_not_group_thousands_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "observations_commas.csv"
    rows = [("2019", '"1,2,3"'), ("2020", '"1,234"'), ("2021", '"12,345,678.5"')]
    path.write_text(
        HEADER + "".join(GOOD_ROW.format(year=y, value=v) for y, v in rows), encoding="utf-8"
    )
    issues = _issues(path)
    assert len(issues) == 1, issues["problem"].tolist()
    hit = issues.iloc[0]
    assert (hit["file"], int(hit["row"]), hit["column"], hit["value"]) == (
        "observations_commas.csv",
        2,
        "value",
        "1,2,3",
    )
    assert "comma" in hit["problem"] and "thousands" in hit["problem"]
    panel = pkd.load([FORMATS / "parks.csv", path], bundled=False, errors="skip")
    assert panel.observations.set_index("period")["value"].to_dict() == {
        "2020": 1234.0,
        "2021": 12345678.5,
    }


# --- encodings --------------------------------------------------------------------------------


def test_big5_file_is_read_as_big5(tmp_path: Path) -> None:
    parks = tmp_path / "parks_tw.csv"
    parks.write_bytes(
        (
            "park_id,name_zh,short_name_zh,level,kind,province,fictional,source\n"
            "hsinchu,新竹科學園區,新竹園區,national,科學園區,臺灣省,true,測試資料\n"
            "tainan,臺南科學園區,臺南園區,national,科學園區,臺灣省,true,測試資料\n"
        ).encode("big5")
    )
    obs = tmp_path / "observations_tw.csv"
    obs.write_bytes(
        (
            "park_id,indicator,period,basis,value,unit,source\n"
            '新竹科學園區,enterprises_above_scale,2021,annual,"1,234",家,測試資料\n'
            "臺南科學園區,enterprises_above_scale,2021,annual,567,家,測試資料\n"
        ).encode("big5")
    )
    panel = pkd.load([parks, obs], bundled=False)
    assert panel.parks.set_index("park_id")["name_zh"].to_dict() == {
        "hsinchu": "新竹科學園區",
        "tainan": "臺南科學園區",
    }
    values = panel.observations.set_index("park_id")["value"].to_dict()
    assert values == {"hsinchu": 1234.0, "tainan": 567.0}


def test_gb18030_file_still_loads(tmp_path: Path) -> None:
    text = HEADER + "".join(GOOD_ROW.format(year=y, value=100 + y % 10) for y in range(2015, 2024))
    utf8, gbk = tmp_path / "observations_utf8.csv", tmp_path / "observations_gb.csv"
    utf8.write_text(text, encoding="utf-8")
    gbk.write_bytes(text.encode("gb18030"))
    key = ["period", "value"]
    for path in (utf8, gbk):
        panel = pkd.load([FORMATS / "parks.csv", path], bundled=False)
        assert len(panel.observations) == 9
        assert panel.observations[key].sort_values("period").to_dict("list") == {
            "period": [str(y) for y in range(2015, 2024)],
            "value": [float(100 + y % 10) for y in range(2015, 2024)],
        }


def test_gbk_text_after_a_megabyte_of_ascii_is_read_as_gbk(tmp_path: Path) -> None:
    # the first MB (the sample) is plain ASCII: the encoding shows only where the Chinese starts
    path = tmp_path / "observations_late_gbk.csv"
    ascii_rows = "test_park,main_business_revenue,{year}-{month:02d},month,1,yi yuan,x\n"
    rows = [ascii_rows.format(year=2000 + i // 12, month=i % 12 + 1) for i in range(20_000)]
    body = HEADER + "".join(rows)
    assert len(body) > 1 << 20
    path.write_bytes(body.encode() + GOOD_ROW.format(year=2024, value=5).encode("gbk"))
    panel = pkd.load([FORMATS / "parks.csv", path], bundled=False, errors="skip")
    assert panel.observations.query("period == '2024'")["value"].tolist() == [5.0]
    assert not panel.issues["problem"].str.contains("encoding", regex=False).any()


def test_a_large_gbk_file_is_read_wherever_the_sample_ends(tmp_path: Path) -> None:
    # Excel on Chinese Windows: GBK, larger than the sample the detector reads; shifted by one
    # byte, the sample's end falls inside a two-byte character one time in two
    rows = [GOOD_ROW.format(year=2000 + i % 25, value=i) for i in range(9_000)]
    for shift in ("", "x"):
        path = tmp_path / f"observations_big{len(shift)}.csv"
        path.write_bytes(HEADER.encode() + shift.encode() + "".join(rows).encode("gb18030"))
        assert path.stat().st_size > 1 << 18
        frame = read_csv(path).frame
        assert len(frame) == len(rows) * 1  # wide rows melt to one cell each
        assert set(frame["park_id"].str.removeprefix(shift)) == {"测试园区"}
        assert set(frame["source"]) == {"虚构测试"}


def test_a_gbk_file_with_a_utf8_row_pasted_in_is_an_error_naming_the_row(tmp_path: Path) -> None:
    # UTF-8 Chinese also decodes as GBK, into garbage (中文 → 涓枃): it must be found, not read
    for before in (50, 8_000):
        rows = [GOOD_ROW.format(year=2000 + i % 25, value=i) for i in range(before)]
        pasted = GOOD_ROW.format(year=2030, value=1).replace("虚构测试", "粘贴来的一行")
        path = tmp_path / f"observations_pasted{before}.csv"
        body = (HEADER + "".join(rows)).encode("gb18030") + pasted.encode("utf-8")
        path.write_bytes(body + "".join(rows[:5]).encode("gb18030"))
        issues = _issues(path)
        hit = issues[issues["file"] == path.name]
        assert len(hit) == 1, hit["problem"].tolist()
        assert int(hit.iloc[0]["row"]) == before + 2
        problem = hit.iloc[0]["problem"]
        assert "GB18030" in problem and "UTF-8" in problem and f"line {before + 2}" in problem
        assert "粘贴来的一行" in hit.iloc[0]["value"]  # shown as UTF-8 reads it


def test_issues_with_and_without_rows_are_written_for_people(tmp_path: Path) -> None:
    # a whole-sheet error (no row) beside row errors: issues.csv holds both, rows as numbers
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FORMATS / "parks.csv", raw / "parks.csv")
    _workbook_with_formulas(raw / "observations_script.xlsx")
    (raw / "observations_bad.csv").write_text(
        HEADER + GOOD_ROW.format(year=2020, value="abc"), encoding="utf-8"
    )
    out = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--out", str(out)]) == 1  # a sheet was not read
    issues_csv = next(out.rglob("issues.csv"))
    back = pd.read_csv(issues_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(back["file"]) >= {"observations_script.xlsx", "observations_bad.csv"}
    assert "" in set(back["row"]) and "2" in set(back["row"])


def _mixed_raw_folder(tmp_path: Path) -> tuple[Path, int]:
    """A raw folder: the test park and a UTF-8 observations file of > 1 MB, one row in GBK."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FORMATS / "parks.csv", raw / "parks.csv")
    rows = [GOOD_ROW.format(year=2000 + i % 25, value=i) for i in range(20_000)]
    head = (HEADER + "".join(rows)).encode("utf-8")
    assert len(head) > 1 << 20
    bad_line = head.count(b"\n") + 1
    tail = GOOD_ROW.format(year=2030, value=1).encode("gbk")
    (raw / "observations_mixed.csv").write_bytes(head + tail + "".join(rows[:5]).encode("utf-8"))
    return raw, bad_line


def test_a_file_mixing_utf8_and_gbk_is_an_error_naming_the_row_and_both_encodings(
    tmp_path: Path,
) -> None:
    raw, bad_line = _mixed_raw_folder(tmp_path)
    issues = _issues(raw / "observations_mixed.csv")
    hit = issues[issues["file"] == "observations_mixed.csv"]
    assert len(hit) == 1, hit["problem"].tolist()
    assert int(hit.iloc[0]["row"]) == bad_line
    problem = hit.iloc[0]["problem"]
    assert "UTF-8" in problem and "GB18030" in problem and f"line {bad_line}" in problem
    assert hit.iloc[0]["value"].startswith("测试园区,主营业务收入,2030")  # shown as GBK reads it


def test_ingest_of_a_file_mixing_encodings_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, bad_line = _mixed_raw_folder(tmp_path)
    code = main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "processed")])
    out = capsys.readouterr().out
    assert code != 0
    assert f"row {bad_line}" in out and "observations_mixed.csv" in out


# --- safe spreadsheets ------------------------------------------------------------------------


def _dangerous_demo(tmp_path: Path) -> Path:
    from parkdata.inputs.demo import write_demo

    raw = tmp_path / "raw"
    written = write_demo(raw, 3)
    parks = pd.read_csv(written["parks"], dtype=str, keep_default_na=False)
    for park_id, name in DANGEROUS.items():
        parks.loc[parks["park_id"] == park_id, ["name_zh", "short_name_zh"]] = name
    parks.to_csv(written["parks"], index=False)
    targets = pd.read_csv(written["targets"], dtype=str, keep_default_na=False)
    targets["clause"] = "-5% 左右"
    targets.to_csv(written["targets"], index=False)
    return raw


def _read_back(path: Path) -> tuple[bytes, pd.DataFrame, pd.DataFrame]:
    data = path.read_bytes()
    as_text = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    typed = pd.read_csv(path, encoding="utf-8-sig")
    return data, as_text, typed


def _assert_safe(as_text: pd.DataFrame) -> None:
    """No cell a spreadsheet would run: whatever starts with = + - @ is a plain number."""
    for column in as_text.columns:
        assert not str(column).startswith(("=", "+", "-", "@"))
        cells = as_text[column]
        risky = cells[cells.str.match(r"^[=+\-@\t\r]")]
        assert pd.to_numeric(risky, errors="coerce").notna().all(), (column, risky.tolist())


def _assert_names_neutralised(names: pd.Series) -> None:
    """Each dangerous park name is there with an apostrophe before it (and 虚构 after it)."""
    for name in DANGEROUS.values():
        assert names.str.startswith("'" + name).any(), (name, sorted(set(names)))


def test_assess_csv_is_safe_for_spreadsheets(tmp_path: Path) -> None:
    raw = _dangerous_demo(tmp_path)
    out = tmp_path / "x.csv"
    assert main(["assess", str(raw), "--out", str(out), "--format", "csv"]) == 0
    data, as_text, typed = _read_back(out)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel on Windows reads Chinese
    _assert_safe(as_text)
    _assert_names_neutralised(as_text["park_name_zh"])
    assert set(as_text["clause"]) == {"'-5% 左右"}
    assert pd.api.types.is_numeric_dtype(typed["target_value"])
    assert pd.api.types.is_numeric_dtype(typed["current_value"])


def test_project_csv_is_safe_for_spreadsheets(tmp_path: Path) -> None:
    raw = _dangerous_demo(tmp_path)
    out = tmp_path / "paths.csv"
    args = ["project", str(raw), "--indicator", "main_business_revenue", "--out", str(out)]
    assert main(args) == 0
    data, as_text, typed = _read_back(out)
    assert data.startswith(b"\xef\xbb\xbf")
    _assert_safe(as_text)
    _assert_names_neutralised(as_text["park_name_zh"])
    for column in ("mean", "lo80", "hi80", "lo95", "hi95"):
        assert pd.api.types.is_numeric_dtype(typed[column]), column


def test_helpers_neutralise_text_but_not_numbers(tmp_path: Path) -> None:
    from parkdata.files import neutralise_formulas, write_csv_for_people

    frame = pd.DataFrame(
        {
            "name": ["=1+1", "@SUM(1)", "+1", "-5%", "\tx", "plain", None],
            "change": [-3.5, 1.0, -0.1, 2.0, 0.0, 5.0, -7.0],
            "row": [None, 3, 4, None, 5, 6, 7],  # numbers and blanks in a text column
        }
    ).astype({"row": object})
    safe = neutralise_formulas(frame)
    assert safe["name"].tolist()[:6] == ["'=1+1", "'@SUM(1)", "'+1", "'-5%", "'\tx", "plain"]
    assert safe["change"].tolist() == frame["change"].tolist()
    assert safe["row"].tolist() == frame["row"].tolist()
    assert frame["name"].iloc[0] == "=1+1"  # the caller's frame is left alone
    path = write_csv_for_people(frame, tmp_path / "deep" / "out.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert back["change"].tolist() == frame["change"].tolist()
    assert back["name"].iloc[0] == "'=1+1"


def test_template_workbook_stores_dangerous_names_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from parkdata.inputs.template import write_template

    parks = pd.DataFrame(
        {
            "park_id": list(DANGEROUS),
            "name_zh": list(DANGEROUS.values()),
            "short_name_zh": list(DANGEROUS.values()),
        }
    )
    path = write_template(tmp_path / "template.xlsx", parks=parks)
    sheet = load_workbook(path)["参考-园区名录"]
    cells = [c for row in sheet.iter_rows(min_row=2, max_col=2) for c in row]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert {c.value for c in cells} == {"'" + name for name in DANGEROUS.values()}
