"""`parkdata ingest`: raw never written, outputs atomic (one generation at a time), unchanged
inputs do no work. Killed runs: tests/chaos/test_killed_ingest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import parkdata as pkd
from parkdata import paths
from parkdata.files import file_hash, write_atomic
from parkdata.inputs.sources import MANIFEST, raw_files
from parkdata.inputs.store import current_folder, ingest, read_processed


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(paths.BUNDLED_RAW_DIR, raw)
    return raw


def test_ingest_writes_parquet_and_manifest_and_reruns_do_nothing(
    raw_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "processed"
    before = {p: file_hash(p) for p in raw_files(raw_copy)}
    first = ingest(raw_copy, out)
    assert not first.skipped
    generation = current_folder(out)
    assert first.folder == generation and generation.parent == out
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        MANIFEST,
        generation.name,
    }
    assert {p.name for p in generation.iterdir()} >= {
        "observations.parquet",
        "targets.parquet",
        "parks.parquet",
        MANIFEST,
        "issues.csv",
        "catalog_extra.yaml",
    }
    assert not [p for p in out.rglob("*") if p.name.endswith((".tmp", ".partial"))]
    stamp = (generation / "observations.parquet").stat().st_mtime_ns
    second = ingest(raw_copy, out)
    assert second.skipped and "nothing changed" in second.describe()
    assert current_folder(out) == generation
    assert (generation / "observations.parquet").stat().st_mtime_ns == stamp
    assert {p: file_hash(p) for p in raw_files(raw_copy)} == before  # raw is only read


def test_a_changed_input_triggers_a_rebuild(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "processed"
    ingest(raw_copy, out)
    extra = raw_copy / "observations_extra.csv"
    extra.write_text(
        "park_id,indicator,period,basis,value,unit,source\n"
        "hukou_hitech,主营业务收入,2023,annual,约900,亿元,虚构测试行\n",
        encoding="utf-8",
    )
    old = current_folder(out)
    result = ingest(raw_copy, out)
    assert not result.skipped
    assert result.folder == current_folder(out) != old and not old.exists()  # old one removed
    obs = pd.read_parquet(current_folder(out) / "observations.parquet")
    row = obs.query("origin_file == 'observations_extra.csv'").iloc[0]
    assert (row["value"], row["qualifier"]) == (900.0, "approx")


def test_processed_folder_reads_back_as_the_same_panel(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "processed"
    ingest(raw_copy, out)
    again = pkd.load(out)
    fresh = pkd.load()
    pd.testing.assert_frame_equal(
        again.targets.reset_index(drop=True),
        fresh.targets.reset_index(drop=True),
        check_dtype=False,
    )
    assert len(again.observations) == len(fresh.observations)
    assert read_processed(out).parks["park_id"].tolist() == fresh.parks["park_id"].tolist()


def test_rejected_rows_are_listed_not_lost(raw_copy: Path, tmp_path: Path) -> None:
    (raw_copy / "observations_bad.csv").write_text(
        "park_id,indicator,period,basis,value,unit,source\n"
        "hukou_hitech,主营业务收入,2023,annual,12..5,亿元,虚构测试行\n",
        encoding="utf-8",
    )
    out = tmp_path / "processed"
    result = ingest(raw_copy, out)
    issues = pd.read_csv(current_folder(out) / "issues.csv", encoding="utf-8-sig")
    bad = issues[issues["file"] == "observations_bad.csv"].iloc[0]
    assert (bad["row"], bad["column"], bad["problem"]) == (2, "value", "not a number")
    assert "1 problem(s)" in result.describe()
    assert str(current_folder(out) / "issues.csv") in result.describe()


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "table.parquet"
    target.write_text("old", encoding="utf-8")

    def broken(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, broken)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os

    target = tmp_path / "out.txt"
    write_atomic(target, lambda p: p.write_text("x", encoding="utf-8"))
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_folder_written_before_generations_reads_and_is_converted(
    raw_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "processed"
    ingest(raw_copy, out)
    generation = current_folder(out)
    for path in generation.iterdir():  # the old layout: tables beside the manifest
        path.replace(out / path.name)
    generation.rmdir()
    assert current_folder(out) == out
    assert len(pkd.load(out).targets) == len(pkd.load().targets)
    result = ingest(raw_copy, out)  # unchanged inputs, but rewritten once as a generation
    assert not result.skipped and current_folder(out) == result.folder != out
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        MANIFEST,
        result.folder.name,
    }
    assert ingest(raw_copy, out).skipped
