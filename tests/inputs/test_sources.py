"""The one bundled-data rule, the same through every command, and user indicators that keep
their names from raw files to processed and prepared folders."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

import parkdata as pkd
from parkdata.batch.jobs import data_fingerprint
from parkdata.cli import main
from parkdata.inputs.sources import bundled_files, input_files
from parkdata.reporting.report_data import open_prepared

OBS = (
    "park_id,indicator,period,value,unit,source\n"
    "东湖高新区,地区生产总值,2023,3000,亿元,测试（虚构）\n"
    "hukou_hitech,主营业务收入,2021,600,亿元,测试（虚构）\n"
)
CUSTOM = """indicators:
  - code: crab_output
    name_zh: 大闸蟹产业产值
    name_en: Hairy crab industry output
    unit: 亿元
    kind: flow
    description: A user indicator (fictional, for this test)
"""


@pytest.fixture
def observations_only(tmp_path: Path) -> Path:
    """A folder with observations for bundled parks and nothing else."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "observations_2023.csv").write_text(OBS, encoding="utf-8")
    return folder


def test_a_folder_without_parks_reads_on_top_of_the_bundled_data(observations_only: Path) -> None:
    files = input_files(observations_only)
    assert set(bundled_files()) < set(files)
    assert input_files(observations_only, bundled=False) == [
        observations_only / "observations_2023.csv"
    ]
    standalone = observations_only / "parks.csv"
    standalone.write_text(
        "park_id,name_zh,short_name_zh,level,kind,province,source\n"
        "crab_park,蟹园,蟹园,county,产业园区,江苏省,测试（虚构）\n",
        encoding="utf-8",
    )
    assert not set(bundled_files()) & set(input_files(observations_only))  # stands alone
    assert set(bundled_files()) < set(input_files(observations_only, bundled=True))


def test_every_command_reads_a_user_folder_the_same_way(
    observations_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundled = pkd.load()
    loaded = pkd.load(observations_only)
    assert len(loaded.observations) == len(bundled.observations) + 2
    assert len(loaded.targets) == len(bundled.targets) and loaded.errors().empty

    processed = tmp_path / "processed"
    assert (
        main(["ingest", "--raw", str(observations_only), "--out", str(processed), "--strict"]) == 0
    )
    capsys.readouterr()
    again = pkd.load(processed)
    assert len(again.observations) == len(loaded.observations)
    assert len(again.targets) == len(loaded.targets)

    assert main(["assess", str(observations_only), "--as-of", "2023", "--format", "csv"]) == 0
    from_raw = pd.read_csv(StringIO(capsys.readouterr().out))
    assert main(["assess", str(processed), "--as-of", "2023", "--format", "csv"]) == 0
    from_processed = pd.read_csv(StringIO(capsys.readouterr().out))
    assert len(from_raw) == len(bundled.targets)
    pd.testing.assert_frame_equal(from_raw, from_processed)
    donghu = from_raw.set_index("target_id").loc["donghu-01"]
    assert str(donghu["current_period"]) == "2023" and donghu["current_value"] == 3000.0

    fingerprint = data_fingerprint(observations_only)  # what `parkdata reports` keys its cache on
    assert any(name.startswith("bundled/") for name in fingerprint["inputs"])
    assert data_fingerprint(processed)["inputs"] == fingerprint["inputs"]  # ingest recorded them
    prepared = pkd.prepare(observations_only, as_of="2023")
    assert len(prepared.assessment) == len(bundled.targets)
    row = prepared.assessment.set_index("target_id").loc["donghu-01"]
    assert row["current_value"] == 3000.0


def test_user_indicators_keep_their_names_through_ingest_and_reports(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "indicators_crab.yaml").write_text(CUSTOM, encoding="utf-8")
    (raw / "observations.csv").write_text(
        "park_id,indicator,period,value,unit,source\n"
        "hukou_hitech,大闸蟹产业产值,2021,1.2,亿元,测试（虚构）\n"
        "hukou_hitech,大闸蟹产业产值,2022,1.5,亿元,测试（虚构）\n",
        encoding="utf-8",
    )
    processed = tmp_path / "processed"
    pkd.ingest(raw, processed)
    panel = pkd.load(processed)
    assert panel.catalog["crab_output"].name_zh == "大闸蟹产业产值"
    assert "crab_output_yoy" in panel.catalog  # the growth variants come back too
    named = panel.with_names(panel.observations.query("indicator == 'crab_output'"))
    assert set(named["indicator_name_zh"]) == {"大闸蟹产业产值"}

    folder = pkd.prepare(processed, as_of="2022").save(tmp_path / "prepared")
    reopened = open_prepared(folder)
    assert reopened.panel.catalog["crab_output"].name_en == "Hairy crab industry output"
    report = pkd.park_report("hukou_hitech", reopened, as_of="2022")
    assert "大闸蟹产业产值" in report.notes().html


def test_a_folder_with_parks_and_figures_but_no_targets_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "parks.csv").write_text(
        "park_id,name_zh,short_name_zh,level,kind,province,source\n"
        "crab_park,蟹园产业园区,蟹园,county,产业园区,江苏省,测试（虚构）\n",
        encoding="utf-8",
    )
    (tmp_path / "observations.csv").write_text(
        "park_id,indicator,period,value,unit\n"
        + "".join(
            f"蟹园,主营业务收入,{y},{v},亿元\n" for y, v in [(2020, 10), (2021, 12), (2022, 15)]
        ),
        encoding="utf-8",
    )
    panel = pkd.load(tmp_path)
    assert pkd.assess(panel).empty and panel.targets.empty
    assert main(["assess", str(tmp_path)]) == 0
    assert "数据中没有规划目标" in capsys.readouterr().out
    rd = pkd.prepare(tmp_path, as_of="2022")
    assert set(rd.paths["park_id"]) == {"crab_park"}
    report = pkd.park_report("蟹园", rd, as_of="2022")
    assert "本园区未收录规划目标" in report.summary().html
