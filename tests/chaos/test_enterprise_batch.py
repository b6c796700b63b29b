"""Chaos suite, ``parkdata enterprises``: hostile firm and park names in the pages, the index and
the 公示 workbooks; a park whose kernel is killed fails alone; a full disk while one workbook is
written fails that workbook only. A light notebook with the real one's parameters runs on one
thread worker (its warm kernel starts once): what is tested is the batch around the notebook."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from parkdata.batch import enterprise_runner
from parkdata.batch.enterprise_runner import run_enterprise_reports
from parkdata.batch.kernels import shutdown_kernel
from parkdata.inputs.demo import demo_enterprises, demo_parks
from parkdata.reporting.wording import text
from tests.batch.test_enterprise_runner import light_notebook

pytestmark = [pytest.mark.chaos, pytest.mark.notebook]

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA = "=cmd|'/c calc'!A1"
SHOW_NAMES = """\
import pandas as pd
firms = pd.read_parquet(f"{data}/firms.parquet")
rows = firms[(firms["park_id"] == park_id) & (firms["year"] == year)]
for name in rows["name"]:
    print("FIRM", name)
"""
KILL = """\
import os, signal
if park_id == "demo_0002":
    os.kill(os.getpid(), signal.SIGKILL)
print(f"FIRM-PAGE park={park_id}")
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three demo parks; a park and two firms named like attacks."""
    folder = tmp_path_factory.mktemp("hostile-firms")
    firms = demo_enterprises(3, years=(2023,), seed=2)
    firms = firms.drop(columns=["origin_file", "origin_sheet", "origin_row"])
    rows = firms.index[firms["park_id"] == "demo_0001"]
    firms.loc[rows[0], "name"] = SCRIPT
    firms.loc[rows[1], "name"] = FORMULA
    firms.to_csv(folder / "enterprises.csv", index=False)
    parks = demo_parks(3)
    parks.loc[parks["park_id"] == "demo_0002", ["name_zh", "short_name_zh"]] = SCRIPT
    parks.to_csv(folder / "parks.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def worker() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.submit(shutdown_kernel).result()
    pool.shutdown()


def test_hostile_names_are_escaped_in_pages_and_text_in_workbooks(
    data: Path, tmp_path: Path, worker: ThreadPoolExecutor
) -> None:
    notebooks = light_notebook(tmp_path / "nb", SHOW_NAMES)
    result = run_enterprise_reports(
        data, out=tmp_path, notebooks=notebooks, progress=False, executor=worker
    )
    assert not result.failed
    folder = tmp_path / "enterprises"
    for page in ("demo_0001.html", "demo_0002.html", "index.html"):
        html = (folder / page).read_text(encoding="utf-8")
        assert SCRIPT not in html, page
    assert ESCAPED in (folder / "demo_0001.html").read_text(encoding="utf-8")
    assert ESCAPED in (folder / "index.html").read_text(encoding="utf-8")  # the park's name
    for book in ("demo_0001-2023-公示.xlsx", "公示-全部园区-2023.xlsx"):
        wb = openpyxl.load_workbook(folder / book)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        assert not [c for c in cells if c.data_type == "f"], book  # no formula anywhere
        assert any(c.value == "'" + FORMULA for c in cells), book
        assert any(c.value == SCRIPT for c in cells), book  # text, as given
    summary = openpyxl.load_workbook(folder / "公示-全部园区-2023.xlsx")
    assert all(len(n) <= 31 for n in summary.sheetnames)


def test_a_killed_kernel_fails_its_park_only(
    data: Path, tmp_path: Path, worker: ThreadPoolExecutor
) -> None:
    notebooks = light_notebook(tmp_path / "nb", KILL)
    result = run_enterprise_reports(
        data, out=tmp_path, notebooks=notebooks, progress=False, executor=worker
    )
    assert {o.name: o.error for o in result.failed} == {
        "demo_0002": text("batch.kernel_died", "zh")
    }
    folder = tmp_path / "enterprises"
    assert (folder / "demo_0001.html").exists() and (folder / "demo_0003.html").exists()
    assert not (folder / "demo_0002.html").exists()
    assert (folder / "demo_0002-2023-公示.xlsx").exists()  # its list does not need the kernel
    assert text("batch.kernel_died", "zh") in (folder / "index.html").read_text(encoding="utf-8")


def test_a_full_disk_for_one_workbook_fails_that_workbook_only(
    data: Path, tmp_path: Path, worker: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebooks = light_notebook(tmp_path / "nb", 'print("FIRM-PAGE")')
    real = enterprise_runner.write_publicity

    def full_disk(table, path, **kwargs):  # type: ignore[no-untyped-def]
        if "demo_0003" in Path(path).name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(table, path, **kwargs)

    monkeypatch.setattr(enterprise_runner, "write_publicity", full_disk)
    result = run_enterprise_reports(
        data, out=tmp_path, notebooks=notebooks, progress=False, executor=worker
    )
    assert [(o.name, o.output) for o in result.failed] == [
        ("demo_0003", "demo_0003-2023-公示.xlsx")
    ]
    folder = tmp_path / "enterprises"
    assert (folder / "demo_0003.html").exists()  # its page is fine
    assert not list(folder.glob(".*.tmp"))
    monkeypatch.setattr(enterprise_runner, "write_publicity", real)
    again = run_enterprise_reports(
        data, out=tmp_path, notebooks=notebooks, progress=False, executor=worker
    )
    assert not again.failed and again.ran == []
    assert [o.cached for o in again.workbooks] == [True, True, False]
