"""`parkdata enterprises`: its help, and bad arguments as one line with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parkdata.cli import main


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parkdata.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_help_names_every_option() -> None:
    done = _run("enterprises", "--help")
    assert done.returncode == 0, done.stderr
    for option in ("--park", "--year", "--scheme", "--cutoffs", "--policies", "--projects"):
        assert option in done.stdout
    assert "--out" in done.stdout and "--jobs" in done.stdout and "--timeout" in done.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--year", "1800"], "argument --year: 1800 is below 1990"),
        (["--year", "soon"], "argument --year: 'soon' is not a whole number"),
        (["--cutoffs", "0.2", "0.6"], "argument --cutoffs: expected 3 arguments"),
        (["--cutoffs", "0.2", "0.6", "2"], "2 is not a rank share"),
        (["--language", "fr"], "invalid choice: 'fr'"),
        (["--jobs", "0"], "argument --jobs: 0 is below 1"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["enterprises", *args])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["no/such/folder"], "no such file or folder: no/such/folder"),
        (["--scheme", "nope"], "unknown 亩均 scheme 'nope'"),
        (["--cutoffs", "0.6", "0.2", "0.9"], "cut-offs"),
        (["--projects", "no/such.csv"], "no such file or folder: no/such.csv"),
    ],
)
def test_bad_values_are_refused_before_any_work(
    args: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["enterprises", *args, "--out", str(tmp_path), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("parkdata enterprises: error:") and says in err
    assert not (tmp_path / "enterprises").exists()


def test_rule_is_an_option_with_the_rules_as_choices(capsys: pytest.CaptureFixture[str]) -> None:
    done = _run("enterprises", "--help")
    assert "--rule" in done.stdout and "hukou_2020" in done.stdout
    with pytest.raises(SystemExit) as stopped:
        main(["enterprises", "--rule", "nope"])
    assert stopped.value.code == 2 and "invalid choice: 'nope'" in capsys.readouterr().err


def test_a_wrong_policy_set_is_one_error_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["enterprises", "--policies", "atlantis", "--out", str(tmp_path), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("parkdata enterprises: error:") and "policies 'atlantis'" in err
    assert err.count("\n") == 1 and not (tmp_path / "enterprises").exists()


def test_failed_parks_and_new_parks_are_listed_once_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from parkdata.batch.enterprise_runner import EnterpriseBatchResult
    from parkdata.batch.jobs import Outcome
    from parkdata.cli import cmd_enterprises

    error = "企业数据有误：enterprises.csv, row 3, column '税收（万元）': …"
    result = EnterpriseBatchResult(
        outcomes=[Outcome("坏园区", False, "x.html", error), Outcome("新建园区", True, "y.html")],
        workbooks=[Outcome("坏园区", False, "x.xlsx", error)],
        index=tmp_path / "index.html",
        folder=tmp_path,
        year=2023,
        seconds=1.0,
        parks=["坏园区", "新建园区"],
        new_parks=["新建园区"],
    )
    seen: dict[str, object] = {}

    def fake(**kwargs: object) -> EnterpriseBatchResult:
        seen.update(kwargs)
        return result

    monkeypatch.setattr(cmd_enterprises, "run_enterprise_reports", fake)
    code = main(["enterprises", "--rule", "hukou_2020", "--out", str(tmp_path), "--quiet"])
    assert code == 1 and seen["rule"] == "hukou_2020"
    out, err = capsys.readouterr()
    assert err.count("坏园区") == 1 and "row 3, column '税收（万元）'" in err
    assert out.count("不在园区名录中，按数据中所写名称评价：新建园区") == 1
