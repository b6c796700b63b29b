"""`parkdata enterprises` end to end on warm kernels: pages, 公示 workbooks and the index for
three parks, one of whose data makes its notebook fail; an unchanged rerun does no work.

The notebook is a light one with the real notebook's parameters (it reads the prepared folder
the batch writes and prints one line per park): what is tested here is the batch around it."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from parkdata.batch.enterprise_runner import NOTEBOOK, run_enterprise_reports
from parkdata.errors import ArgumentError
from parkdata.inputs.demo import demo_enterprises

pytestmark = pytest.mark.notebook

FAILURE = "故意失败"
PARAMETERS = (
    'park_id = "demo_0001"\nyear = None\ndata = None\nschemes = None\ncutoffs = None\n'
    'policies = None\nprojects = None\nlanguage = "zh"'
)
BODY = """\
import pandas as pd
firms = pd.read_parquet(f"{data}/firms.parquet")
rows = firms[(firms["park_id"] == park_id) & (firms["year"] == year)]
if rows["name"].str.contains("故意失败").any():
    raise ValueError("故意失败: this park's data breaks the notebook")
print(f"FIRM-PAGE park={park_id} year={year} firms={len(rows)} language={language}")
"""


def light_notebook(folder: Path, body: str = BODY) -> Path:
    """A notebook with the real one's parameters and a light body."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(PARAMETERS)
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / NOTEBOOK)
    return folder


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fictional firms of three demo parks, 2022–2023; a firm of demo_0003 breaks the notebook."""
    folder = tmp_path_factory.mktemp("firms")
    firms = demo_enterprises(3, years=(2022, 2023), seed=1)
    firms = firms.drop(columns=["origin_file", "origin_sheet", "origin_row"])
    first = firms.index[(firms["park_id"] == "demo_0003") & (firms["year"] == 2023)][0]
    firms.loc[first, "name"] = FAILURE + "（虚构）"
    firms.to_csv(folder / "enterprises.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return light_notebook(tmp_path_factory.mktemp("notebooks"))


@pytest.fixture(scope="module")
def batch(data: Path, notebooks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = run_enterprise_reports(
        data, out=out, jobs=2, notebooks=notebooks, progress=False
    )  # a process pool: warm kernels, one per worker
    assert result.year == 2023
    assert [o.name for o in result.failed] == ["demo_0003"]
    assert FAILURE in str(result.failed[0].error)
    assert result.all_workbook == out / "enterprises" / "公示-全部园区-2023.xlsx"
    return out / "enterprises"


def test_pages_workbooks_and_index_are_written(batch: Path) -> None:
    files = sorted(p.name for p in batch.iterdir() if p.is_file())
    assert files == [
        "demo_0001-2023-公示.xlsx",
        "demo_0001.html",
        "demo_0002-2023-公示.xlsx",
        "demo_0002.html",
        "demo_0003-2023-公示.xlsx",  # its list is written: only its page failed
        "index.html",
        "公示-全部园区-2023.xlsx",
    ]  # and no temporary file left behind
    page = (batch / "demo_0001.html").read_text(encoding="utf-8")
    assert "FIRM-PAGE park=demo_0001 year=2023" in page and "language=zh" in page
    assert "示例园区-0001（虚构）" in page  # the page title
    index = (batch / "index.html").read_text(encoding="utf-8")
    assert 'href="demo_0001.html"' in index and 'href="demo_0003.html"' not in index
    assert "demo_0003-2023-%E5%85%AC%E7%A4%BA.xlsx" in index  # the workbook, URL-quoted
    assert "ValueError" in index and FAILURE in index
    assert "示例园区-0002（虚构）" in index and "虚构示例数据" in index
    wb = openpyxl.load_workbook(batch / "公示-全部园区-2023.xlsx")
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 5


def test_the_prepared_folder_holds_what_the_notebook_reads(batch: Path) -> None:
    (prepared,) = (batch / ".cache" / "prepared").iterdir()
    firms = pd.read_parquet(prepared / "firms.parquet")
    assert set(firms["park_id"]) == {"demo_0001", "demo_0002", "demo_0003"}
    assert set(firms["year"]) == {2022, 2023} and firms["fictional"].all()
    parks = pd.read_parquet(prepared / "parks.parquet")
    assert "示例园区-0001" in set(parks["name_zh"])


def test_unchanged_rerun_does_no_work_but_retries_the_failure(
    batch: Path, data: Path, notebooks: Path, tmp_path: Path
) -> None:
    out = Path(shutil.copytree(batch.parent, tmp_path / "out"))
    folder = out / "enterprises"
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}
    result = run_enterprise_reports(data, out=out, jobs=1, notebooks=notebooks, progress=False)
    assert [o.name for o in result.ran] == ["demo_0003"]  # only the failure runs again
    assert all(o.cached for o in result.workbooks)
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}
    assert after == before  # same pages, same workbooks, same index
    # another year is another run: every page is made again, for that year
    again = run_enterprise_reports(
        data, out=out, parks=["demo_0001"], year=2022, notebooks=notebooks, progress=False
    )
    assert [o.name for o in again.ran] == ["demo_0001"] and not again.failed
    assert (folder / "demo_0001-2022-公示.xlsx").exists()
    assert "year=2022" in (folder / "demo_0001.html").read_text(encoding="utf-8")


def test_bad_arguments_are_refused_before_any_work(
    data: Path, notebooks: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(ArgumentError, match="没有1999年的记录"):
        run_enterprise_reports(data, out=out, year=1999, notebooks=notebooks, progress=False)
    with pytest.raises(ArgumentError, match="demo_0009"):
        run_enterprise_reports(data, out=out, parks=["demo_0009"], notebooks=notebooks)
    with pytest.raises(ArgumentError, match="unknown 亩均 scheme"):
        run_enterprise_reports(data, out=out, schemes=["nope"], notebooks=notebooks)
    with pytest.raises(ArgumentError, match="cut-offs"):
        run_enterprise_reports(data, out=out, cutoffs=(0.6, 0.2, 0.9), notebooks=notebooks)
    assert not list((out / "enterprises").glob("*.html"))


def test_the_real_notebook_makes_a_page_of_the_demo_firms(tmp_path: Path) -> None:
    """No data: the fictional demo firms, the shipped notebook, a page labelled 虚构."""
    result = run_enterprise_reports(parks=["demo_0001"], out=tmp_path, jobs=1, progress=False)
    assert not result.failed, result.failed
    page = (tmp_path / "enterprises" / "demo_0001.html").read_text(encoding="utf-8")
    assert "虚构" in page and "<script src=" not in page
    assert "enterprise_report(" not in page  # code hidden
    book = openpyxl.load_workbook(tmp_path / "enterprises" / f"demo_0001-{result.year}-公示.xlsx")
    assert "虚构示例数据" in book.worksheets[0]["A1"].value
