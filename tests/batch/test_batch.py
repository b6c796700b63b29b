"""`parkdata reports` end to end: parallel batch, a failing park, a hostile name, the cache,
Dask, and the real index and report pages in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from parkdata import paths
from parkdata.batch import runner
from parkdata.batch.jobs import safe_name, shipped_fingerprint
from parkdata.batch.runner import run_reports
from parkdata.cli import main
from parkdata.inputs.demo import write_demo

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FAILURE = "故意失败 (this park's notebook raises on purpose)"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three fictional parks; the second is named like an attack."""
    folder = tmp_path_factory.mktemp("data")
    written = write_demo(folder, 3, range(2015, 2024), seed=3)
    parks = pd.read_csv(written["parks"], dtype=str, keep_default_na=False)
    parks.loc[parks["park_id"] == "demo_0002", ["name_zh", "short_name_zh"]] = HOSTILE
    parks.to_csv(written["parks"], index=False)
    return folder


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """parkdata's notebooks, with one cell added that fails for demo_0003 only."""
    folder = tmp_path_factory.mktemp("notebooks")
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "park_report.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(f'assert park_id != "demo_0003", "{FAILURE}"'))
    nbformat.write(nb, folder / "park_report.ipynb")
    (folder / "overview.ipynb").write_bytes((paths.NOTEBOOKS_DIR / "overview.ipynb").read_bytes())
    return folder


@pytest.fixture(scope="module")
def batch(data: Path, notebooks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    args = ["reports", str(data), "--jobs", "2", "--out", str(out), "--quiet"]
    code = main([*args, "--notebooks", str(notebooks)])
    assert code == 1  # one park failed: the batch finished and says so
    return out


def test_every_park_but_the_failing_one_has_a_report(batch: Path) -> None:
    reports = sorted(p.name for p in (batch / "reports").iterdir())
    assert reports == ["demo_0001.html", "demo_0002.html"]  # no temporary files left behind
    assert (batch / "overview.html").exists()
    index = (batch / "index.html").read_text(encoding="utf-8")
    assert "AssertionError" in index and FAILURE.split(" ")[0] in index
    assert 'href="reports/demo_0001.html"' in index and "reports/demo_0003.html" not in index


def test_hostile_name_is_escaped_everywhere(batch: Path) -> None:
    for page in (batch / "index.html", batch / "reports" / "demo_0002.html"):
        html = page.read_text(encoding="utf-8")
        assert HOSTILE not in html, page
        assert ESCAPED in html, page


def test_report_pages_are_self_contained_and_labelled_fictional(batch: Path) -> None:
    html = (batch / "reports" / "demo_0001.html").read_text(encoding="utf-8")
    assert "<script src=" not in html and 'rel="stylesheet" href="http' not in html
    assert "data:image/png;base64," in html
    assert "虚构示例数据" in html  # the fictional banner
    assert "import parkdata" not in html and "park_report(" not in html  # code hidden
    assert '<html lang="zh"' in html


def test_unchanged_rerun_does_no_work_and_retries_the_failure(
    batch: Path, data: Path, notebooks: Path, tmp_path: Path
) -> None:
    batch = Path(shutil.copytree(batch, tmp_path / "out"))  # the other tests keep the original
    before = {p: p.stat().st_mtime_ns for p in (batch / "reports").iterdir()}
    result = run_reports(data, out=batch, jobs=1, notebooks=notebooks, progress=False)
    assert [o.name for o in result.ran] == ["demo_0003"]  # only the failure runs again
    assert len([o for o in result.outcomes if o.cached]) == 3  # two parks and the overview
    assert {p: p.stat().st_mtime_ns for p in (batch / "reports").iterdir()} == before
    # with nothing failing, a rerun runs nothing and leaves even the index untouched
    run_reports(data, parks=["demo_0001"], out=batch, notebooks=notebooks, progress=False)
    index_before = (batch / "index.html").stat().st_mtime_ns
    again = run_reports(data, parks=["demo_0001"], out=batch, notebooks=notebooks, progress=False)
    assert again.ran == [] and not again.failed
    assert (batch / "index.html").stat().st_mtime_ns == index_before  # same text, not rewritten


def test_a_new_month_redoes_every_page_of_an_as_of_now_batch(
    batch: Path, data: Path, notebooks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = Path(shutil.copytree(batch, tmp_path / "out"))
    parks = ["demo_0001", "demo_0002"]
    same = run_reports(data, parks=parks, out=out, notebooks=notebooks, progress=False)
    assert [o.name for o in same.ran] == ["__overview__"]  # this month: the parks' pages stay
    real = runner.as_of_label
    monkeypatch.setattr(runner, "as_of_label", lambda a: real(a) if a else "2030-01")
    result = run_reports(data, parks=parks, out=out, notebooks=notebooks, progress=False)
    assert sorted(o.name for o in result.ran) == ["__overview__", "demo_0001", "demo_0002"]
    for page in ("demo_0001", "demo_0002"):
        assert "2030年1月" in (out / "reports" / f"{page}.html").read_text(encoding="utf-8")


def test_warm_kernel_keeps_one_client(batch: Path) -> None:
    """Park after park on one warm kernel opens no new sockets or threads (no client leak)."""
    import threading

    from parkdata.batch.jobs import Job
    from parkdata.batch.kernels import run_job, shutdown_kernel

    prepared = next((batch / ".cache" / "prepared").glob("*/report_settings.json")).parent
    settings = json.loads((prepared / "report_settings.json").read_text(encoding="utf-8"))
    params = {"data": str(prepared), "as_of": settings["as_of"], "horizon": 3, "confidence": 0.8}
    job = partial(Job, notebook=str(paths.NOTEBOOKS_DIR / "park_report.ipynb"), title="t")
    counts = []
    try:
        for park in ("demo_0001", "demo_0002", "demo_0001"):
            parameters = {"park_id": park, **params, "language": "zh"}
            outcome = run_job(
                job(name=park, parameters=parameters, language="zh", output="x", key="k")
            )
            assert outcome.ok, outcome.error
            counts.append((len(os.listdir("/proc/self/fd")), threading.active_count()))
    finally:
        shutdown_kernel()
    assert counts[1] == counts[2]


def test_a_changed_word_or_template_changes_the_cache_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = []
    for folder in paths.SHIPPED_DIRS:
        shutil.copytree(folder, tmp_path / folder.name)
        copies.append(tmp_path / folder.name)
    monkeypatch.setattr(paths, "SHIPPED_DIRS", tuple(copies))
    before = shipped_fingerprint()
    assert shipped_fingerprint() == before  # stable when nothing changed
    text_yaml = tmp_path / "data" / "text.yaml"
    text_yaml.write_text(text_yaml.read_text(encoding="utf-8").replace("已完成", "已达成"), "utf-8")
    after_text = shipped_fingerprint()
    css = tmp_path / "templates" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    assert len({before, after_text, shipped_fingerprint()}) == 3


def test_safe_names() -> None:
    assert safe_name("demo_0001") == "demo_0001"
    for hostile in ("../../etc/passwd", "a/b", "CON", "x" * 300, HOSTILE):
        name = safe_name(hostile)
        assert name != hostile and "/" not in name and ".." not in name and len(name) < 100
    assert safe_name("a/b") != safe_name("a_b")


def test_unknown_park_is_a_usage_error(data: Path, tmp_path: Path) -> None:
    assert main(["reports", str(data), "--parks", "nope", "--out", str(tmp_path)]) == 2


def test_dask_executor_runs_the_same_batch(data: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True) as cluster:
        args = ["reports", str(data), "--parks", "demo_0001", "--out", str(tmp_path)]
        code = main([*args, "--executor", "dask", "--scheduler", cluster.scheduler_address])
    assert code == 0
    html = (tmp_path / "reports" / "demo_0001.html").read_text(encoding="utf-8")
    assert "示例园区-0001" in html and "结论摘要" in html


# ----------------------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def served(batch: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(batch))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.browser
def test_real_index_sorts_and_links_to_a_report_without_console_errors(served: str) -> None:
    if not CHROMIUM.exists():
        message = "install Debian's chromium: `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
        page.goto(served + "index.html")
        rows = page.locator("#parks tbody tr[data-park-id]")
        ids = rows.evaluate_all("rs => rs.map(r => r.dataset.parkId)")
        assert sorted(ids) == ["demo_0001", "demo_0002", "demo_0003"]
        assert HOSTILE in page.locator('tr[data-park-id="demo_0002"]').inner_text()
        header = page.locator("#col-targets")
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "ascending"
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "descending"
        page.locator('tr[data-park-id="demo_0001"] a').first.click()
        page.wait_for_url(served + "reports/demo_0001.html")
        assert "示例园区-0001" in page.locator("h1").first.inner_text()
        assert page.locator("figure.pd-chart img").count() >= 1
        browser.close()
    assert errors == []
