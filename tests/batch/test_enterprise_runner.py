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

from parkdata import paths
from parkdata.batch.enterprise_runner import NOTEBOOK, run_enterprise_reports
from parkdata.batch.jobs import safe_name
from parkdata.errors import ArgumentError
from parkdata.inputs.demo import demo_enterprises, enterprise_csv

pytestmark = pytest.mark.notebook

FAILURE = "故意失败"
CLASS_POLICIES = paths.PACKAGE_DIR / "data" / "class_policies.yaml"
PARAMETERS = (
    'park_id = "demo_0001"\nyear = None\ndata = None\nschemes = None\ncutoffs = None\n'
    'policies = None\nprojects = None\nrule = "hukou_2020"\nlanguage = "zh"'
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
    # a policies file of one's own is read by every page: editing it makes the pages again
    policies = tmp_path / "policies.yaml"
    policies.write_text(CLASS_POLICIES.read_text(encoding="utf-8"), encoding="utf-8")
    args = {"out": out, "parks": ["demo_0001"], "notebooks": notebooks, "progress": False}
    first = run_enterprise_reports(data, policies=str(policies), **args)
    assert [o.name for o in first.ran] == ["demo_0001"]
    policies.write_text(policies.read_text(encoding="utf-8") + "\n# 本地修订\n", encoding="utf-8")
    edited = run_enterprise_reports(data, policies=str(policies), **args)
    assert [o.name for o in edited.ran] == ["demo_0001"]


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


# ---------------------------------------------------------------- review fixes (issue 17)

CHECKS = """\
import pandas as pd
from parkdata.reporting.class_policies import policy_set
firms = pd.read_parquet(f"{data}/firms.parquet")
rows = firms[(firms["park_id"] == park_id) & (firms["year"] == year)]
chosen = policy_set(policies)
table = pd.read_parquet(projects) if projects else None
mine = [] if table is None else sorted(table.loc[table["park_id"] == park_id, "name"])
print(f"FIRM-PAGE park={park_id} firms={len(rows)} rule={rule} policies={chosen.code} {mine}")
"""
OWN_POLICIES = (
    "sets:\n  - code: mine\n    zh: 本地\n    en: local\n    policies:\n"
    "      - {class: A, zh: 本地甲, en: local a, source: 本地文件}\n"
)


def _named_parks(folder: Path) -> pd.DataFrame:
    """Demo firms of two parks named as a park office writes them: 湖口高新园区 (in the
    bundled registry: hukou_hitech) and 新建园区 (in no registry: a new park)."""
    firms = demo_enterprises(2, years=(2023,), seed=1)
    firms["park_id"] = firms["park_id"].map({"demo_0001": "湖口高新园区", "demo_0002": "新建园区"})
    folder.mkdir(parents=True, exist_ok=True)
    enterprise_csv(firms).to_csv(folder / "enterprises.csv", index=False)
    return firms


def test_names_resolve_and_a_park_with_bad_rows_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    firms = _named_parks(data)
    projects = tmp_path / "projects.csv"
    projects.write_text(
        "项目编号,项目名称,园区,固定资产投资（万元）,拟用地面积（亩）\n"
        "P1,甲项目,湖口高新园区,9000,20\nP2,乙项目,新建园区,100,20\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # a relative policies file: the kernels run elsewhere
    (tmp_path / "own.yaml").write_text(OWN_POLICIES, encoding="utf-8")
    notebooks = light_notebook(tmp_path / "nb", CHECKS)
    args = {"out": tmp_path / "out", "notebooks": notebooks, "jobs": 1, "progress": False}
    new = safe_name("新建园区")
    first = run_enterprise_reports(data, projects=projects, policies="own.yaml", **args)
    assert not first.problems(), first.problems()
    assert first.parks == ["hukou_hitech", "新建园区"] and first.new_parks == ["新建园区"]
    folder = tmp_path / "out" / "enterprises"
    page = (folder / "hukou_hitech.html").read_text(encoding="utf-8")
    assert "park=hukou_hitech firms=" in page and "policies=mine ['甲项目']" in page
    assert "rule=hukou_2020" in page
    assert "['乙项目']" in (folder / f"{new}.html").read_text(encoding="utf-8")
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "不在园区名录中，按数据中所写名称评价：新建园区" in index
    assert (folder / f"{new}-2023-公示.xlsx").exists()
    # a negative tax without 退税 in a row of 新建园区: that park fails, the other goes on
    bad = firms.index[firms["park_id"] == "新建园区"][1]
    firms.loc[bad, ["tax", "tax_refund"]] = [-5.0, False]
    enterprise_csv(firms).to_csv(data / "enterprises.csv", index=False)
    row = list(firms.index).index(bad) + 2  # the row as seen in the CSV
    second = run_enterprise_reports(data, projects=projects, policies="own.yaml", **args)
    ((name, error),) = second.problems()
    assert name == "新建园区"
    assert f"enterprises.csv, row {row}, column '税收（万元）'" in error and "退税" in error
    assert (folder / "hukou_hitech.html").exists()
    assert (folder / "hukou_hitech-2023-公示.xlsx").exists()
    assert not (folder / f"{new}.html").exists()  # the old page does not look current
    assert not (folder / f"{new}-2023-公示.xlsx").exists()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert (
        f"row {row}, column &#39;税收（万元）&#39;" in index and f'href="{new}.html"' not in index
    )


def test_rule_and_policies_are_checked_once_before_any_work(
    data: Path, notebooks: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(ArgumentError, match="unknown land-supply rule 'nope'"):
        run_enterprise_reports(data, out=out, rule="nope", notebooks=notebooks)
    with pytest.raises(ArgumentError, match="policies 'atlantis'"):
        run_enterprise_reports(data, out=out, policies="atlantis", notebooks=notebooks)
    broken = tmp_path / "broken.yaml"
    broken.write_text("sets:\n  - {code: mine}\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match=r"broken\.yaml"):
        run_enterprise_reports(data, out=out, policies=str(broken), notebooks=notebooks)
    assert not (out / "enterprises").exists() or not list((out / "enterprises").glob("*.html"))
