"""Firm data beside park data: the panel keeps the firm table, sums the park's 亩均 figures from
it where the park publishes none (marked, with every row it came from), never over a reported
figure, and a processed folder keeps both."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import parkdata as pkd
from parkdata.inputs.demo import enterprise_csv
from parkdata.inputs.firm_totals import FIRM_TOTALS, firms_used

PARKS = "park_id,name_zh,short_name_zh,level,kind,province,source\n"
PARKS += "p1,甲高新技术产业开发区,甲高新区,provincial,hitech,江西省,test\n"
PARKS += "p2,乙经济开发区,乙经开区,provincial,econ,江西省,test\n"


def _firms() -> pd.DataFrame:
    """Three firms of p1 and two of p2 in 2023, hand-made (numbers easy to add up)."""
    rows = [
        # id, park, land, tax, value added, energy
        ("F1", "p1", 100.0, 3000.0, 9000.0, 3000.0),
        ("F2", "p1", 50.0, 500.0, 2000.0, 1000.0),
        ("F3", "p1", 50.0, 1500.0, None, None),
        ("G1", "p2", 20.0, 400.0, 1000.0, 500.0),
        ("G2", "p2", 30.0, 600.0, 1500.0, 500.0),
    ]
    out = pd.DataFrame(
        rows, columns=["enterprise_id", "park_id", "land_mu", "tax", "value_added", "energy_tce"]
    )
    out["name"] = "企业" + out["enterprise_id"]
    out["year"] = 2023
    out["above_scale"] = True
    for column in ("tax_refund", "utility", "banned_industry"):
        out[column] = False
    out["failed_emission_limit"] = out["safety_incident"] = False
    out["fictional"] = False
    return out


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "parks.csv").write_text(PARKS, encoding="utf-8")
    # p2 publishes its own 亩均税收 for 2023, and its tax and land (so no figure is summed)
    (tmp_path / "observations.csv").write_text(
        "park_id,indicator,period,value,unit,source\n"
        "p2,tax_per_mu,2023,25.5,万元/亩,甲市统计公报\n"
        "p2,industrial_value_added,2023,3,亿元,甲市统计公报\n"
        "p2,industrial_land_area,2023,0.1,平方公里,甲市统计公报\n"
        "p1,main_business_revenue,2023,120,亿元,甲市统计公报\n",
        encoding="utf-8",
    )
    enterprise_csv(_firms()).to_csv(tmp_path / "enterprises.csv", index=False)
    return tmp_path


def test_park_figures_are_summed_from_firms_where_the_park_reports_none(folder: Path) -> None:
    panel = pkd.load(folder)
    assert len(panel.firms) == 5 and panel.errors().empty
    obs = panel.observations
    summed = obs[obs["origin_column"] == FIRM_TOTALS].set_index(["park_id", "indicator"])
    # p1: tax 5000 over 200 亩; value added 11000 over the 150 亩 of F1 and F2; 11000 / 4000 tce
    assert summed.loc[("p1", "tax_per_mu"), "value"] == pytest.approx(25.0)
    assert summed.loc[("p1", "value_added_per_mu"), "value"] == pytest.approx(11000 / 150)
    assert summed.loc[("p1", "value_added_per_energy"), "value"] == pytest.approx(2.75)
    row = summed.loc[("p1", "value_added_per_mu")]
    assert firms_used(row["note"]) == 2
    assert row["source"] == "enterprises.csv row 2–3"  # the rows summed: F1 and F2, not F3
    assert (row["origin_file"], row["origin_row"], row["period"]) == ("enterprises.csv", 2, "2023")
    # p2 reports 亩均税收 itself, and both inputs of 亩均工业增加值: nothing summed replaces them
    assert ("p2", "tax_per_mu") not in summed.index
    assert ("p2", "value_added_per_mu") not in summed.index
    reported = obs[(obs["park_id"] == "p2") & (obs["indicator"] == "tax_per_mu")]
    assert reported["value"].tolist() == [25.5]
    # p2 reports no energy: its 单位能耗工业增加值 comes from its firms (2500 / 1000)
    assert summed.loc[("p2", "value_added_per_energy"), "value"] == pytest.approx(2.5)


def test_a_bad_firm_row_is_an_error_of_the_load_and_adds_no_figure(folder: Path) -> None:
    firms = _firms()
    firms.loc[1, "land_mu"] = 0.0  # 0 亩: not plausible for a firm evaluated per mu
    enterprise_csv(firms).to_csv(folder / "enterprises.csv", index=False)
    with pytest.raises(pkd.InputError) as raised:
        pkd.load(folder)
    issue = next(i for i in raised.value.issues if i.file == "enterprises.csv")
    assert issue.row == 3 and "用地面积" in str(issue.column)
    panel = pkd.load(folder, errors="skip")
    assert panel.firms.empty
    assert not (panel.observations["origin_column"] == FIRM_TOTALS).any()


def test_a_processed_folder_keeps_the_firms_and_the_summed_figures(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path_factory.mktemp("processed")
    pkd.ingest(folder, out)
    raw, processed = pkd.load(folder), pkd.load(out)
    pd.testing.assert_frame_equal(
        processed.firms.reset_index(drop=True),
        raw.firms.reset_index(drop=True),
        check_dtype=False,
    )
    summed = processed.observations["origin_column"] == FIRM_TOTALS
    assert summed.sum() == (raw.observations["origin_column"] == FIRM_TOTALS).sum() == 4


def test_the_park_report_marks_summed_figures_and_shows_the_class_mix(folder: Path) -> None:
    report = pkd.park_report("p1", folder, as_of="2023")
    section = report.efficiency()
    captions = " ".join(c.caption for c in section.charts)
    assert "由3家企业数据汇总推算" in captions  # 亩均税收 2023 of 甲高新区
    assert "3家企业按黄岩区 2022 规上工业企业评价分类" in captions
    notes = report.notes()._repr_html_()
    assert "enterprises.csv · 2–4" in notes and "推算：3家企业数据汇总" in notes
    english = pkd.park_report("p1", folder, as_of="2023", language="en").efficiency()
    assert "derived from 3 firms" in " ".join(c.caption for c in english.charts)


def test_without_firm_data_the_report_has_no_class_mix() -> None:
    report = pkd.park_report("hukou_hitech", as_of="2022")
    assert pkd.load().firms.empty
    assert "企业亩均效益分类" not in report.efficiency()._repr_html_()


def test_a_figure_summed_from_two_files_names_each_files_rows(folder: Path) -> None:
    firms = _firms()
    (folder / "enterprises.csv").unlink()
    enterprise_csv(firms.iloc[[0, 3, 4]]).to_csv(folder / "enterprises_a.csv", index=False)
    enterprise_csv(firms.iloc[[1, 2]]).to_excel(
        folder / "企业_b.xlsx", sheet_name="企业数据", index=False
    )
    obs = pkd.load(folder).observations
    summed = obs[obs["origin_column"] == FIRM_TOTALS].set_index(["park_id", "indicator"])
    tax = summed.loc[("p1", "tax_per_mu")]
    assert tax["value"] == pytest.approx(25.0)
    assert tax["source"] == "enterprises_a.csv row 2; 企业_b.xlsx [企业数据] row 2–3"
    assert (tax["origin_file"], tax["origin_row"]) == ("enterprises_a.csv", 2)
    assert pd.isna(tax["origin_sheet"])  # the CSV's, not the workbook's sheet
    # 亩均工业增加值 sums only the firms with value added (F1 in a.csv, F2 in b.xlsx), not F3
    va = summed.loc[("p1", "value_added_per_mu")]
    assert va["source"] == "enterprises_a.csv row 2; 企业_b.xlsx [企业数据] row 2"
    assert firms_used(va["note"]) == 2
    report = pkd.park_report("p1", folder, as_of="2023")
    assert "enterprises_a.csv · 2; 企业_b.xlsx [企业数据] · 2–3" in report.notes()._repr_html_()
