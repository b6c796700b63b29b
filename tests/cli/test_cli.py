"""The `parkdata` command line, run in-process."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from conftest import BAD, FORMATS

import parkdata as pkd
from parkdata.cli import build_parser, main
from parkdata.cli.parser import COMMANDS


def test_summary_prints_parks_targets_and_observations(capsys: pytest.CaptureFixture[str]) -> None:
    panel = pkd.load()
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert "湖口高新园区" in out and "常德市园区" in out and "高新区" in out
    assert f"目标{len(panel.targets)}个，观测{len(panel.observations)}条" in out
    assert "水平值（level）" in out and "倍增（multiple）" in out
    assert main(["summary", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert f"{len(panel.targets)} targets, {len(panel.observations)} observations" in out
    assert "high-tech zone" in out and "湖口高新园区" in out  # names stay as registered


def test_assess_speaks_the_language_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["assess", "--park", "wuhan_donghu_hitech", "--as-of", "2022"]
    assert main(args) == 0
    zh = capsys.readouterr().out
    assert "15个目标，评估截至2022年" in zh and "需加快进度" in zh and "地区生产总值" in zh
    assert main([*args, "--language", "en"]) == 0
    en = capsys.readouterr().out
    assert "15 targets, assessed as of 2022" in en and "needs acceleration" in en
    assert "Gross domestic product" in en and "需加快进度" not in en


def test_catalog_command_lists_chinese_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    assert "亩均税收" in out and "万元/亩" in out


def test_validate_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(FORMATS / "parks.csv"), str(FORMATS / "tidy_utf8.csv")]) == 0
    assert "OK" in capsys.readouterr().out
    assert main(["validate", str(FORMATS / "parks.csv"), str(BAD / "obs_bad_number.csv")]) == 1
    out = capsys.readouterr().out
    assert "obs_bad_number.csv, row 3, column 'value': not a number" in out
    assert "targets.csv" not in out  # only the files asked about are reported
    from parkdata import paths

    assert main(["validate", str(paths.BUNDLED_RAW_DIR)]) == 0  # the bundled data itself
    bundled = pkd.load()
    rows = sum(
        len(t) for t in (bundled.parks, bundled.memberships, bundled.targets, bundled.observations)
    )
    assert f"OK: {rows} row(s)" in capsys.readouterr().out


def test_template_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "template.xlsx"
    assert main(["template", "--out", str(path)]) == 0
    assert main(["validate", str(path)]) == 1  # an empty template is not "OK"
    assert "no data rows" in capsys.readouterr().out
    book = load_workbook(path)
    assert book.sheetnames[0] == "观测数据"
    sheet = book["观测数据"]
    assert [c.value for c in sheet[1]] == [
        "园区",
        "指标",
        "时期",
        "口径",
        "数值",
        "单位",
        "限定",
        "来源",
        "备注",
    ]
    assert len(sheet.data_validations.dataValidation) == 4
    sheet.append(
        [
            "湖口高新园区",
            "主营业务收入",
            "2021-09",
            "本年累计",
            "612.4",
            "亿元",
            "精确",
            "县统计局月报 2021年9月",
            None,
        ]
    )
    sheet.append(
        [
            "湖口高新园区",
            "亩均税收",
            "2021",
            "全年",
            "突破20",
            "万元/亩",
            None,
            "县统计局年报",
            None,
        ]
    )
    book.save(path)
    panel = pkd.load(path)
    obs = panel.observations[panel.observations["origin_file"] == "template.xlsx"]
    assert obs[["indicator", "period", "basis", "value", "qualifier"]].values.tolist() == [
        ["main_business_revenue", "2021-09", "ytd", 612.4, "exact"],
        ["tax_per_mu", "2021", "annual", 20.0, "at_least"],
    ]


def test_demo_universe_is_fictional_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--parks", "3", "--years", "2015-2024", "--out", str(tmp_path)]) == 0
    panel = pkd.load(tmp_path, bundled=False)
    assert panel.parks["fictional"].all()
    assert panel.parks["name_zh"].tolist() == ["示例园区-0001", "示例园区-0002", "示例园区-0003"]
    obs = panel.observations
    assert obs["indicator"].nunique() >= 20
    assert obs.query("basis == 'annual'")["period"].nunique() == 10
    assert obs["source"].str.contains("虚构").all() and obs["note"].str.contains("虚构").all()
    named = panel.with_names(obs.head(1))
    assert named["park_name_zh"].iloc[0] == "示例园区-0001（虚构）"
    # quarters add up to the year
    q = obs.query("park_id == 'demo_0001' and indicator == 'operating_revenue'")
    year = q.query("period == '2020'")["value"].item()
    quarters = q[q["period"].str.startswith("2020Q")]["value"].sum()
    assert quarters == pytest.approx(year, abs=0.03)


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert (
        set(sub.choices)
        == set(COMMANDS)
        == {
            "ingest",
            "validate",
            "summary",
            "assess",
            "project",
            "backtest",
            "reports",
            "catalog",
            "template",
            "demo",
            "enterprises",
        }
    )
    for name, action in sub.choices.items():
        assert action.format_help(), name


def test_backtest_prints_coverage_for_real_and_demo_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "backtest.csv"
    args = ["backtest", "--demo-parks", "12", "--models", "loglinear,naive,cagr2"]
    assert main([*args, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "== 滚动起点回测：真实数据 ==" in text and "滚动起点回测：示例园区（虚构）12个" in text
    assert "80%区间覆盖率%" in text and "回测支持的默认模型" in text
    table = pd.read_csv(out)
    assert set(table["dataset"]) == {"bundled", "demo"}
    demo = table[(table["dataset"] == "demo") & (table["model"] == "loglinear")]
    assert demo["horizon"].tolist() == [1, 2, 3]
    assert demo["coverage80"].between(70, 90).all()  # the demo is log-linear: honest bands
    real = table[(table["dataset"] == "bundled") & (table["model"] == "loglinear")]
    assert real["forecasts"].sum() >= 1  # 东湖 GDP 2019–2022 is the one real series long enough


def test_project_command_writes_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "paths.csv"
    args = ["project", "--park", "wuhan_donghu_hitech", "--indicator", "gdp", "--to", "2025"]
    assert main([*args, "--out", str(out)]) == 0
    paths = pd.read_csv(out, dtype={"period": str})
    assert paths["period"].tolist() == ["2023", "2024", "2025"]
    assert (paths["lo95"] < paths["mean"]).all() and (paths["mean"] < paths["hi95"]).all()
    assert paths["park_name_zh"].iloc[0] == "东湖高新区"


# --------------------------------------------------------------------------- help and bad arguments


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """``parkdata …`` as a user runs it: a new process, stdout and stderr captured."""
    return subprocess.run(
        [sys.executable, "-m", "parkdata.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_of_parkdata_and_every_command_works(command: str) -> None:
    done = _run(*([command] if command else []), "--help")
    assert done.returncode == 0, done.stderr
    assert "usage: parkdata" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["assess", "--park", "nope"], "unknown park 'nope'; closest known"),
        (["assess", "--as-of", "20x1"], "as_of '20x1' is not a period; write 2022"),
        (["project", "--indicator", "gpd"], "unknown indicator 'gpd'; closest known: gdp"),
        (["project", "--park", "nope"], "unknown park 'nope'"),
        (["project", "--model", "vibes"], "unknown model(s) ['vibes']; choose from"),
        (["backtest", "--models", "vibes", "--demo-parks", "0"], "unknown model(s) ['vibes']"),
        (["summary", "no/such/folder"], "no such file or folder: no/such/folder"),
        (["assess", "no/such/folder"], "no such file or folder"),
        (["reports", "--language", "fr"], "invalid choice: 'fr'"),
        (["reports", "--parks", "nope", "--quiet"], "unknown park 'nope'; closest known"),
        (
            ["reports", "--parks", "武陵工业园", "--quiet"],
            "wuling_ip has no report: the data holds",
        ),
        (["reports", "--as-of", "soon", "--quiet"], "as_of 'soon' is not a period"),
        (["reports", "--jobs", "0", "--quiet"], "argument --jobs: 0 is below 1"),
        (["reports", "--horizon", "-1", "--quiet"], "argument --horizon: -1 is below 1"),
        (["project", "--horizon", "three"], "argument --horizon: 'three' is not a whole number"),
        (["project", "--to", "20025"], "argument --to: 20025 is not a year between 1990 and 2100"),
        (["backtest", "--horizons", "1,0"], "argument --horizons: 0 is below 1"),
        (["backtest", "--horizons", ","], "argument --horizons: give years ahead such as 1,2,3"),
        (["backtest", "--demo-parks", "-5"], "argument --demo-parks: -5 is below 0"),
        (["assess", "--limit", "0"], "argument --limit: 0 is below 1"),
        (["demo", "--parks", "0", "--out", "x"], "argument --parks: 0 is below 1"),
        (["summary", "--language", "de"], "invalid choice: 'de'"),
        (["demo", "--years", "twenty", "--out", "x"], "--years needs first-last years"),
        (["ingest", "--raw", "no/such/folder"], "no such file or folder"),
        (["validate", "no/such/file.csv"], "no such file or folder"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_code_2(
    args: list[str], says: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "parkdata.cli",
            *args,
            *(["--out", str(tmp_path)] if args[0] == "reports" else []),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert lines[0].startswith("parkdata")


def test_park_arguments_accept_chinese_names_and_aliases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["assess", "--park", "东湖高新区", "--as-of", "2022", "--format", "csv"]) == 0
    by_name = pd.read_csv(StringIO(capsys.readouterr().out))
    assert set(by_name["park_id"]) == {"wuhan_donghu_hitech"} and len(by_name) == 15
    assert (
        main(["assess", "--park", "wuhan_donghu_hitech", "--as-of", "2022", "--format", "csv"]) == 0
    )
    by_id = pd.read_csv(StringIO(capsys.readouterr().out))
    pd.testing.assert_frame_equal(by_name, by_id)
    assert (
        main(["project", "--park", "东湖高新区", "--indicator", "地区生产总值", "--format", "csv"])
        == 0
    )
    paths = pd.read_csv(StringIO(capsys.readouterr().out))
    assert set(paths["park_id"]) == {"wuhan_donghu_hitech"} and set(paths["indicator"]) == {"gdp"}
