"""``parkdata reports``: every park's report notebook, run by papermill in parallel, as HTML.

The driver works in one process: it prepares the data once for all parks (assessment and
projections, vectorised; :mod:`parkdata.reportdata`), hands one job per park to a
``concurrent.futures`` executor (a process pool, or a Dask cluster), writes each returned page
atomically, and ends with ``index.html``. Workers execute the notebook in memory with papermill
and export HTML in-process with a reused exporter; they write nothing, so a worker on another
machine only needs to read the prepared folder (shared storage).

A cache keyed on everything a report depends on (the data's fingerprint, the notebook, the
parameters, the library version) makes an unchanged rerun do no work: the keys are checked
against ``.cache/reports.json`` without loading the data. A park that fails is listed in the
index with its error; the others go on, and the run returns the failures (the CLI exits 1).
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__, paths
from .export import REMOVE_TAG
from .files import write_text_atomic
from .periods import as_of_label

REPORT_NOTEBOOK = "park_report.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
CACHE_DIR = ".cache"
MANIFEST = "reports.json"
PARKS_FILE = "parks.json"
EXECUTORS = ("process", "dask")
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


# ------------------------------------------------------------------------------- small pieces
def safe_name(park_id: str) -> str:
    """A file name for ``park_id`` that is safe everywhere; changed ids get a hash suffix.

    >>> safe_name("hukou_hitech")
    'hukou_hitech'
    >>> safe_name("<script>alert(1)</script>")  # + the first 8 hex digits of its sha256
    'script_alert_1_script-5c140d35'
    """
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", park_id).strip("_-.")[:80]
    if clean == park_id and clean.lower() not in _RESERVED:
        return clean
    digest = hashlib.sha256(park_id.encode("utf-8")).hexdigest()[:8]
    return f"{clean or 'park'}-{digest}"


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_fingerprint(data: Path) -> dict[str, Any]:
    """What the data is: every raw file's hash (or a processed folder's manifest), the catalog's
    hash and the library version; no file is parsed."""
    from .ingest import MANIFEST as PROCESSED_MANIFEST
    from .ingest import input_fingerprint, is_processed_dir

    if is_processed_dir(data):
        return json.loads((data / PROCESSED_MANIFEST).read_text(encoding="utf-8"))
    from .files import raw_files, table_of

    files = raw_files(data)
    own = input_fingerprint(files, data)
    if data.resolve() != paths.BUNDLED_RAW_DIR.resolve() and not any(
        table_of(f) == "parks" for f in files
    ):  # read on top of the bundled registry and targets: they are inputs too
        bundled = input_fingerprint(raw_files(paths.BUNDLED_RAW_DIR), paths.BUNDLED_RAW_DIR)
        own["bundled"] = bundled["inputs"]
    return own


@dataclass(frozen=True)
class Job:
    """One notebook to run: which, with what parameters, and where its page goes."""

    name: str
    notebook: str
    parameters: dict[str, Any]
    title: str
    language: str
    output: str
    key: str
    reuse_kernel: bool = True


@dataclass
class Outcome:
    """What became of a job."""

    name: str
    ok: bool
    output: str
    error: str | None = None
    seconds: float = 0.0
    cached: bool = False
    html: str | None = field(default=None, repr=False)


KERNEL_RUNS = 100
"""Reports one warm kernel runs before it is replaced (bounds memory a long batch can grow)."""
PARK_TIMEOUT = 600
"""Seconds a notebook cell may run before the park is failed (a hung park must not hang a batch)."""
ENGINE = "parkdata-warm"
_LOCAL = threading.local()  # one warm kernel per worker thread: parks never share a kernel


def _warm_kernel() -> tuple[Any, Any]:
    """This thread's kernel and client: started once, replaced when dead or after KERNEL_RUNS."""
    import subprocess

    from jupyter_client.manager import KernelManager

    state = getattr(_LOCAL, "kernel", None)
    if state is None or not state["km"].is_alive() or state["runs"] >= KERNEL_RUNS:
        _shutdown_kernel()
        km = KernelManager(kernel_name="python3")
        km.start_kernel(stderr=subprocess.DEVNULL)  # the kernel's own log lines are not news
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        state = _LOCAL.kernel = {"km": km, "kc": kc, "runs": 0}
    state["runs"] += 1
    return state["km"], state["kc"]


def _shutdown_kernel() -> None:
    state = getattr(_LOCAL, "kernel", None)
    _LOCAL.kernel = None
    if state is None:
        return
    state["kc"].stop_channels()
    if state["km"].has_kernel:
        state["km"].shutdown_kernel(now=True)


def _register_engine() -> None:
    """papermill's nbclient engine, but running on the given kernel *and client*.

    nbclient resets ``kc`` in its constructor and would open (and never close) a new client per
    notebook on a kernel it does not own; this engine hands it the worker's one client.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger as papermill_logger

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            kc = kwargs.pop("kc")
            client = PapermillNotebookClient(
                nb_man,
                kernel_name=kernel_name,
                timeout=kwargs.pop("execution_timeout", None),
                startup_timeout=kwargs.pop("start_timeout", 60),
                log=kwargs.pop("log", None) or papermill_logger,
                log_output=kwargs.pop("log_output", False),
                stdout_file=kwargs.pop("stdout_file", None),
                stderr_file=kwargs.pop("stderr_file", None),
                km=kwargs.pop("km"),
            )
            client.kc = kc
            return client.execute()

    papermill_engines.register(ENGINE, WarmKernelEngine)


def _notebook_for(job: Job, reuse: bool) -> Any:
    """The job's notebook; on a warm kernel, a first hidden cell clears the previous park's names."""
    import nbformat

    nb = nbformat.read(job.notebook, as_version=4)
    if reuse:
        reset = nbformat.v4.new_code_cell("%reset -f")
        reset.metadata["tags"] = [REMOVE_TAG]
        nb.cells.insert(0, reset)
    return nb


def run_job(job: Job) -> Outcome:
    """Execute ``job``'s notebook in memory with papermill and export it (runs in a worker).

    With ``job.reuse_kernel`` the worker keeps one kernel warm across parks (imports and the
    prepared data are loaded once); its user namespace is cleared before every park.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .export import notebook_html

    start = time.perf_counter()
    kernel: dict[str, Any] = {}
    try:
        if job.reuse_kernel:
            _register_engine()
            km, kc = _warm_kernel()
            kernel = {"km": km, "kc": kc, "engine_name": ENGINE}
        nb = pm.execute_notebook(
            _notebook_for(job, job.reuse_kernel),
            None,
            parameters=job.parameters,
            progress_bar=False,
            cwd=str(Path(job.notebook).parent),
            execution_timeout=PARK_TIMEOUT,
            **kernel,
        )
        html = notebook_html(nb, job.title, job.language)
    except PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
        return Outcome(job.name, False, job.output, error, time.perf_counter() - start)
    except Exception as exc:
        _shutdown_kernel()  # the kernel may be the problem: the next park gets a fresh one
        error = f"{type(exc).__name__}: {exc}"
        return Outcome(job.name, False, job.output, error, time.perf_counter() - start)
    return Outcome(job.name, True, job.output, None, time.perf_counter() - start, html=html)


@contextmanager
def make_executor(
    kind: str | cf.Executor = "process", jobs: int | None = None, scheduler: str | None = None
) -> Iterator[cf.Executor]:
    """A ``concurrent.futures`` executor: a process pool, a Dask cluster's, or the one given."""
    if isinstance(kind, cf.Executor):
        yield kind
        return
    if kind == "process":
        import multiprocessing as mp

        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as ex:
            yield ex
        return
    if kind == "dask":
        try:
            from distributed import Client
        except ImportError as exc:
            raise RuntimeError(
                "--executor dask needs Dask distributed: pip install 'parkdata[dask]'"
            ) from exc
        client = (
            Client(scheduler)
            if scheduler
            else Client(n_workers=jobs or 2, threads_per_worker=1, processes=True)
        )
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    raise ValueError(f"executor {kind!r}: use one of {EXECUTORS}")


# ------------------------------------------------------------------------------- the batch
@dataclass
class BatchResult:
    """What a batch did: one outcome per report, and where the index is."""

    outcomes: list[Outcome]
    index: Path
    seconds: float

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ran(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.cached]

    def describe(self) -> str:
        """One line for the terminal."""
        n, ran, failed = len(self.outcomes), len(self.ran), len(self.failed)
        cached = n - ran
        parks = sum(o.name != "__overview__" for o in self.outcomes)
        scope = f"{parks} 个园区报告" + (" + 总览" if parks < n else "")
        text = f"{scope}：新生成 {ran - failed}，缓存 {cached}，失败 {failed}"
        return f"{text}（{self.seconds:.1f} s）；打开 {self.index}"


def _prepared(data: Path, out: Path, settings: dict[str, Any], key: str) -> Path:
    """The prepared folder for ``key``, written once (assessment, projections, park list)."""
    from .reportdata import is_prepared, prepare

    folder = out / CACHE_DIR / "prepared" / key[:16]
    if is_prepared(folder) and (folder / PARKS_FILE).exists():
        return folder
    rd = prepare(data, **settings)
    rd.settings["fingerprint_key"] = key
    rd.save(folder)
    parks = park_summaries(rd)
    text = json.dumps(parks, ensure_ascii=False)
    write_text_atomic(folder / PARKS_FILE, text)
    return folder


def park_summaries(rd: Any) -> dict[str, Any]:
    """Everything the index needs, so a cached rerun never loads the data."""
    from .lang import kind_name, level_name

    a = rd.assessment
    labels = rd.panel.park_labels()
    counts = a.groupby(["park_id", "status"]).size().unstack(fill_value=0)
    p_mean = a.groupby("park_id")["p_meet"].mean()
    parks = rd.panel.parks.set_index("park_id")
    rows = []
    for park_id in rd.park_ids():
        park = parks.loc[park_id]
        c = counts.loc[park_id] if park_id in counts.index else None
        p = p_mean.get(park_id)
        rows.append(
            {
                "park_id": park_id,
                "name": str(labels.get(park_id, park_id)),
                "kind": kind_name(str(park.get("kind") or "")),
                "level": level_name(str(park.get("level") or "")),
                "province": str(park.get("province") or ""),
                "fictional": bool(park.get("fictional")),
                "status_counts": {} if c is None else {k: int(v) for k, v in c.items() if v},
                "n_targets": int(0 if c is None else c.sum()),
                "p_meet_mean": None if p is None or p != p else float(p),
            }
        )
    ms = rd.panel.memberships
    groups = {g: sorted(set(m["member_id"])) for g, m in ms.groupby("group_id")}
    return {"parks": rows, "groups": groups, "as_of": rd.settings.get("as_of_label")}


def select_parks(
    summary: dict[str, Any], parks: Sequence[str] | None = None, group: str | None = None
) -> list[str]:
    """Park ids to report: those given, a group with its members, or every park (default)."""
    known = [p["park_id"] for p in summary["parks"]]
    if parks:
        unknown = [p for p in parks if p not in known]
        if unknown:
            raise ValueError(f"unknown park id(s) {unknown}; `parkdata summary` lists them")
        return list(dict.fromkeys(parks))
    if group:
        if group not in summary["groups"]:
            raise ValueError(f"unknown group {group!r}; groups: {sorted(summary['groups'])}")
        wanted = {group, *summary["groups"][group]}
        return [p for p in known if p in wanted]
    return known


def _load_manifest(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError):
        return {}


def _keyed(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the cache sees them: the prepared folder's path is covered by the data key
    (so a moved output folder stays valid)."""
    return {**params, "data": None}


def plan_jobs(
    names: Iterable[str],
    titles: dict[str, str],
    notebook: Path,
    base: dict[str, Any],
    key: str,
    reuse_kernel: bool = True,
) -> list[Job]:
    """One job per park, keyed on the data, the notebook, the parameters and the version."""
    nb_hash = _file_digest(notebook)
    jobs = []
    for name in names:
        params = {"park_id": name, **base}
        output = str(Path("reports") / f"{safe_name(name)}.html")
        jobs.append(
            Job(
                name=name,
                notebook=str(notebook),
                parameters=params,
                title=titles.get(name, name),
                language=base["language"],
                output=output,
                key=_digest(key, nb_hash, _keyed(params), __version__),
                reuse_kernel=reuse_kernel,
            )
        )
    return jobs


def run_reports(
    data: str | Path | None = None,
    parks: Sequence[str] | None = None,
    group: str | None = None,
    as_of: str | None = None,
    horizon: int = 3,
    confidence: float = 0.8,
    language: str = "zh",
    out: str | Path | None = None,
    jobs: int | None = None,
    executor: str | cf.Executor = "process",
    scheduler: str | None = None,
    force: bool = False,
    reuse_kernels: bool = True,
    overview: bool = True,
    progress: bool = True,
    notebooks: str | Path | None = None,
) -> BatchResult:
    """Generate the reports of ``parks`` (or a ``group``, or all) and ``out/index.html``.

    ``data``: raw or processed folder (default: the bundled data). ``jobs`` workers run at once
    (default: the CPU count). ``executor``: ``"process"``, ``"dask"`` (``scheduler`` address,
    or a local cluster) or any ``concurrent.futures.Executor``. ``force`` ignores the cache.
    ``reuse_kernels=False`` starts a fresh kernel for every park (slower, fully isolated).
    """
    from .reportdata import check_settings

    check_settings(as_of, horizon, confidence, language)
    start = time.perf_counter()
    data_dir = Path(data) if data is not None else paths.BUNDLED_RAW_DIR
    out_dir = Path(out) if out is not None else paths.OUTPUTS_DIR
    nb_dir = Path(notebooks) if notebooks is not None else paths.NOTEBOOKS_DIR
    settings = {"as_of": as_of, "horizon": horizon, "confidence": confidence}
    key = _digest(data_fingerprint(data_dir), settings, __version__)
    prepared = _prepared(data_dir, out_dir, settings, key)
    summary = json.loads((prepared / PARKS_FILE).read_text(encoding="utf-8"))
    if as_of is None and summary.get("as_of") != as_of_label(None):
        # "as of now" moved on (a month passed): deadlines and statuses may differ; redo all
        (prepared / PARKS_FILE).unlink()
        prepared = _prepared(data_dir, out_dir, settings, key)
        summary = json.loads((prepared / PARKS_FILE).read_text(encoding="utf-8"))
        force = True
    names = select_parks(summary, parks, group)
    titles = {p["park_id"]: f"{p['name']} · 目标进展报告" for p in summary["parks"]}
    base = {
        "data": str(prepared.resolve()),
        "as_of": as_of,
        "horizon": horizon,
        "confidence": confidence,
        "language": language,
    }
    todo = plan_jobs(names, titles, nb_dir / REPORT_NOTEBOOK, base, key, reuse_kernels)
    if overview:
        # first: the longest job, so it never runs alone at the end while other workers idle
        todo.insert(0, _overview_job(nb_dir, base, group, names, key, reuse_kernels))
    manifest_path = out_dir / CACHE_DIR / MANIFEST
    manifest = _load_manifest(manifest_path)
    outcomes: list[Outcome] = []
    pending = []
    for job in todo:
        seen = manifest.get(job.name, {})
        if not force and seen.get("key") == job.key and (out_dir / job.output).exists():
            outcomes.append(Outcome(job.name, True, job.output, cached=True))
        else:
            pending.append(job)
    if pending:
        outcomes += _execute(
            pending, out_dir, manifest, manifest_path, executor, jobs, scheduler, progress
        )
    index = _write_index(out_dir, summary, outcomes, group, language)
    return BatchResult(outcomes, index, time.perf_counter() - start)


def _overview_job(
    nb_dir: Path,
    base: dict[str, Any],
    group: str | None,
    names: list[str],
    key: str,
    reuse_kernel: bool,
) -> Job:
    notebook = nb_dir / OVERVIEW_NOTEBOOK
    params = {**base, "group": group, "parks": None if group else names}
    params.pop("park_id", None)
    return Job(
        name="__overview__",
        notebook=str(notebook),
        parameters=params,
        title="园区目标进展总览",
        language=base["language"],
        output="overview.html",
        key=_digest(key, _file_digest(notebook), _keyed(params), __version__),
        reuse_kernel=reuse_kernel,
    )


def _execute(
    pending: list[Job],
    out_dir: Path,
    manifest: dict[str, Any],
    manifest_path: Path,
    executor: str | cf.Executor,
    jobs: int | None,
    scheduler: str | None,
    progress: bool,
) -> list[Outcome]:
    """Run ``pending`` on the executor; write each page as it arrives; keep the manifest."""
    from tqdm.auto import tqdm

    by_future: dict[cf.Future[Outcome], Job] = {}
    outcomes = []
    last_save = time.monotonic()
    with make_executor(executor, jobs, scheduler) as ex:
        for job in pending:
            by_future[ex.submit(run_job, job)] = job
        bar = tqdm(total=len(pending), unit="份", desc="报告", disable=not progress)
        for future in cf.as_completed(by_future):
            job = by_future[future]
            try:
                outcome = future.result()
            except Exception as exc:
                outcome = Outcome(job.name, False, job.output, f"{type(exc).__name__}: {exc}")
            if outcome.ok and outcome.html is not None:
                write_text_atomic(out_dir / job.output, outcome.html)
                manifest[job.name] = {"key": job.key, "output": job.output}
            else:
                manifest.pop(job.name, None)
            outcome.html = None
            outcomes.append(outcome)
            bar.update(1)
            if time.monotonic() - last_save > 10:
                _save_manifest(manifest_path, manifest)
                last_save = time.monotonic()
        bar.close()
    _save_manifest(manifest_path, manifest)
    return outcomes


def _save_manifest(path: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True)
    write_text_atomic(path, text)


def _write_index(
    out_dir: Path,
    summary: dict[str, Any],
    outcomes: list[Outcome],
    group: str | None,
    language: str,
) -> Path:
    """index.html over the parks of this run; rewritten only when its text changes."""
    import datetime as dt

    from .portal import PortalEntry, render_index

    by_name = {o.name: o for o in outcomes}
    entries = []
    for park in summary["parks"]:
        o = by_name.get(park["park_id"])
        if o is None:
            continue
        entries.append(
            PortalEntry(
                **park,
                href=o.output if o.ok else None,
                error=o.error,
                cached=o.cached,
            )
        )
    overview = by_name.get("__overview__")
    stamp = _last_change(out_dir, outcomes)
    html = render_index(
        entries,
        as_of=str(summary.get("as_of") or ""),
        generated=stamp or dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        overview_href=overview.output if overview is not None and overview.ok else None,
        data_label=f"组：{group}" if group else "全部园区",
        lang=language,
    )
    index = out_dir / "index.html"
    try:
        unchanged = index.read_text(encoding="utf-8") == html
    except OSError:
        unchanged = False
    if not unchanged:
        write_text_atomic(index, html)
    return index


def _last_change(out_dir: Path, outcomes: list[Outcome]) -> str:
    """When the newest report was written (so an unchanged rerun writes the same index)."""
    import datetime as dt

    times = [
        (out_dir / o.output).stat().st_mtime
        for o in outcomes
        if o.ok and (out_dir / o.output).exists()
    ]
    return dt.datetime.fromtimestamp(max(times)).strftime("%Y-%m-%d %H:%M") if times else ""


__all__ = [
    "EXECUTORS",
    "BatchResult",
    "Job",
    "Outcome",
    "data_fingerprint",
    "make_executor",
    "run_job",
    "run_reports",
    "safe_name",
    "select_parks",
]
