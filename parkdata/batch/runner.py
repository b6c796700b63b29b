"""``parkdata reports``: every park's report notebook, run by papermill in parallel, as HTML.

The driver works in one process: it prepares the data once for all parks (assessment and
projections, vectorised; :mod:`parkdata.reporting.report_data`), hands one job per park to a
``concurrent.futures`` executor (:mod:`parkdata.batch.executors`), writes each returned page
atomically, and ends with ``index.html``. Workers execute the notebook in memory with papermill
on a warm kernel and export HTML in-process (:mod:`parkdata.batch.kernels`); they write nothing,
so a worker on another machine only needs to read the prepared folder (shared storage).

A cache keyed on everything a report depends on (the data's fingerprint, the notebook, the
parameters with the as-of fixed at the start, the library version: :mod:`parkdata.batch.jobs`)
makes an unchanged rerun do no work: each page's entry (:mod:`parkdata.batch.report_cache`) is
checked without loading the data. One run at a time writes a folder
(:mod:`parkdata.batch.output_lock`). A park that fails, times out, kills its kernel or cannot be
written is listed in the index with its reason; the others go on, and the run returns the
failures (the CLI exits 1). Ctrl-C and SIGTERM stop the workers and write the index of what
finished (:class:`BatchInterrupted`).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata import paths
from parkdata.batch.execution import (
    CACHE_DIR,
    BatchInterrupted,
    Stopped,
    check_writable,
    execute,
    prune_prepared,
    sigterm_stops,
)
from parkdata.batch.jobs import (
    DEFAULT_TIMEOUT,
    OVERVIEW,
    Job,
    Outcome,
    data_fingerprint,
    digest,
    overview_job,
    plan_jobs,
    shipped_fingerprint,
)
from parkdata.batch.output_lock import output_lock
from parkdata.batch.report_cache import is_cached, save_page
from parkdata.contract.periods import as_of_label
from parkdata.contract.registry import REGISTRY_COLUMNS, ParkRegistry
from parkdata.errors import ArgumentError
from parkdata.files import clean_stray_temps, write_text_atomic
from parkdata.reporting.formatting import period_label
from parkdata.reporting.index_page import PortalEntry, write_index
from parkdata.reporting.report_data import ReportData, check_settings, is_prepared, prepare
from parkdata.reporting.wording import kind_name, level_name, text
from parkdata.version import __version__

REPORT_NOTEBOOK = "park_report.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
PARKS_FILE = "parks.json"


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

    def describe(self, lang: str = "zh") -> str:
        """One line for the terminal."""
        n, ran, failed = len(self.outcomes), len(self.ran), len(self.failed)
        parks = sum(o.name != OVERVIEW for o in self.outcomes)
        return text(
            "cli.batch",
            lang,
            parks=parks,
            overview=text("cli.batch_overview", lang) if parks < n else "",
            new=ran - failed,
            cached=n - ran,
            failed=failed,
            seconds=f"{self.seconds:.1f}",
            index=self.index,
        )


def _prepared(
    data: Path | None, out: Path, settings: dict[str, Any], key: str, bundled: bool | None
) -> Path:
    """The prepared folder for ``key``, written once (assessment, projections, park list)."""
    folder = out / CACHE_DIR / "prepared" / key[:16]
    if is_prepared(folder) and (folder / PARKS_FILE).exists():
        return folder
    rd = prepare(data, bundled=bundled, **settings)
    rd.settings["fingerprint_key"] = key
    rd.save(folder)
    write_text_atomic(folder / PARKS_FILE, json.dumps(park_summaries(rd), ensure_ascii=False))
    return folder


def park_summaries(rd: ReportData) -> dict[str, Any]:
    """Everything the index needs, as codes and data, so a cached rerun never loads the data."""
    a = rd.assessment
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
                "name": str(park.get("short_name_zh") or park_id),
                "kind": str(park.get("kind") or ""),
                "level": str(park.get("level") or ""),
                "province": str(park.get("province") or ""),
                "fictional": bool(park.get("fictional")),
                "status_counts": {} if c is None else {k: int(v) for k, v in c.items() if v},
                "n_targets": int(0 if c is None else c.sum()),
                "p_meet_mean": None if p is None or p != p else float(p),
            }
        )
    ms = rd.panel.memberships
    groups = {g: sorted(set(m["member_id"])) for g, m in ms.groupby("group_id")}
    registry = rd.panel.parks.reindex(columns=list(REGISTRY_COLUMNS)).astype(object)
    return {
        "parks": rows,
        "groups": groups,
        "registry": registry.where(registry.notna(), None).to_dict("records"),
        "as_of": rd.settings.get("as_of_label"),
    }


def select_parks(
    summary: dict[str, Any], parks: Sequence[str] | None = None, group: str | None = None
) -> list[str]:
    """Park ids to report: those given (ids, Chinese names or aliases, resolved by the same
    :class:`~parkdata.contract.registry.ParkRegistry` as every other command), a group with its
    members, or every park (default). Unknown names are an ArgumentError."""
    known = [p["park_id"] for p in summary["parks"]]
    registry = ParkRegistry(pd.DataFrame(summary["registry"], columns=list(REGISTRY_COLUMNS)))
    if parks:
        found = list(dict.fromkeys(registry.find(p) for p in parks))
        no_page = [p for p in found if p not in known]
        if no_page:
            raise ArgumentError(
                f"{', '.join(no_page)} has no report: the data holds no target and no figure for "
                "it (`parkdata summary` lists what each park has)"
            )
        return found
    if group:
        group = registry.resolve(group) or group
        if group not in summary["groups"]:
            raise ArgumentError(f"unknown group {group!r}; groups: {sorted(summary['groups'])}")
        wanted = {group, *summary["groups"][group]}
        return [p for p in known if p in wanted]
    return known


def _label(park: dict[str, Any], lang: str) -> str:
    return park["name"] + (text("fictional_mark", lang) if park["fictional"] else "")


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
    bundled: bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> BatchResult:
    """Generate the reports of ``parks`` (or a ``group``, or all) and ``out/index.html``.

    ``data``: raw or processed folder (default: the bundled data), read by the one bundled-data
    rule (``bundled`` overrides it). ``as_of`` defaults to the last completed month, fixed at
    the start so every page of a run agrees. ``jobs`` workers run at once (default: the CPU
    count). ``executor``: ``"process"``, ``"dask"`` (``scheduler`` address, or a local cluster)
    or any ``concurrent.futures.Executor``. ``force`` ignores the cache. ``reuse_kernels=False``
    starts a fresh kernel for every park (slower, fully isolated). A park's notebook may run
    ``timeout`` seconds; a park that fails, times out or kills its kernel is listed with the
    reason and the others go on. One run at a time writes ``out`` (a second one waits).
    Ctrl-C or SIGTERM stops the workers, writes the index of what finished and raises
    :class:`BatchInterrupted`.
    """
    check_settings(as_of, horizon, confidence, language)
    if timeout <= 0:
        raise ArgumentError(f"timeout {timeout!r}: give the seconds a park may run, e.g. 600")
    start = time.perf_counter()
    data_dir = Path(data) if data is not None else paths.BUNDLED_RAW_DIR
    if not data_dir.exists():
        raise ArgumentError(f"data folder {str(data_dir)!r} not found")
    out_dir = Path(out) if out is not None else paths.OUTPUTS_DIR
    nb_dir = Path(notebooks) if notebooks is not None else paths.NOTEBOOKS_DIR
    check_writable(out_dir, language)
    as_of = as_of_label(as_of)  # "now" is fixed once: pages, index and cache keys agree
    settings = {"as_of": as_of, "horizon": horizon, "confidence": confidence}
    key = digest(data_fingerprint(data_dir, bundled), settings, __version__, shipped_fingerprint())
    with output_lock(out_dir, language), sigterm_stops():
        # only where a batch writes: `--out .` must not touch other programs' files
        clean_stray_temps(out_dir, recursive=False)
        clean_stray_temps(out_dir / "reports", recursive=False)
        clean_stray_temps(out_dir / CACHE_DIR)
        source = Path(data) if data is not None else None
        prepared = _prepared(source, out_dir, settings, key, bundled)
        summary = json.loads((prepared / PARKS_FILE).read_text(encoding="utf-8"))
        names = select_parks(summary, parks, group)
        titles = {
            p["park_id"]: text("page_title", language, name=_label(p, language))
            for p in summary["parks"]
        }
        base = {"data": str(prepared.resolve()), **settings, "language": language}
        todo = plan_jobs(names, titles, nb_dir / REPORT_NOTEBOOK, base, key, reuse_kernels, timeout)
        if overview:
            # first: the longest job, so it never runs alone at the end while other workers idle
            title = text("overview_title", language)
            notebook = nb_dir / OVERVIEW_NOTEBOOK
            todo.insert(
                0, overview_job(notebook, base, group, names, key, title, reuse_kernels, timeout)
            )
        outcomes = [
            Outcome(job.name, True, job.output, cached=True)
            for job in todo
            if not force and is_cached(out_dir, job)
        ]
        cached = {o.name for o in outcomes}
        pending = [job for job in todo if job.name not in cached]
        try:
            if pending:
                outcomes += execute(
                    pending, out_dir, executor, jobs, scheduler, progress, language, _save
                )
        except Stopped as stopped:
            outcomes += stopped.outcomes
            index = _write_index(out_dir, summary, outcomes, group, language)
            result = BatchResult(outcomes, index, time.perf_counter() - start)
            raise BatchInterrupted(result, stopped.signal_name) from None
        finally:
            prune_prepared(out_dir, prepared)
        index = _write_index(out_dir, summary, outcomes, group, language)
    return BatchResult(outcomes, index, time.perf_counter() - start)


def _save(out_dir: Path, job: Job, html: str) -> None:
    """Write a page with this module's ``save_page`` (looked up when called: tests replace it)."""
    save_page(out_dir, job, html)


def _write_index(
    out_dir: Path,
    summary: dict[str, Any],
    outcomes: list[Outcome],
    group: str | None,
    language: str,
) -> Path:
    """index.html over the parks of this run; rewritten only when its text changes."""
    by_name = {o.name: o for o in outcomes}
    entries = []
    for park in summary["parks"]:
        o = by_name.get(park["park_id"])
        if o is None:
            continue
        entries.append(
            PortalEntry(
                park_id=park["park_id"],
                name=park["name"],
                kind=kind_name(park["kind"], language),
                level=level_name(park["level"], language),
                province=park["province"],
                fictional=park["fictional"],
                href=o.output if o.ok else None,
                status_counts=park["status_counts"],
                n_targets=park["n_targets"],
                p_meet_mean=park["p_meet_mean"],
                error=o.error,
                cached=o.cached,
            )
        )
    overview = by_name.get(OVERVIEW)
    stamp = _last_change(out_dir, outcomes)
    label = text("index.group", language, group=group) if group else text("index.all", language)
    return write_index(
        out_dir / "index.html",
        entries,
        as_of=period_label(str(summary.get("as_of") or ""), language),
        generated=stamp or dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        overview_href=overview.output if overview is not None and overview.ok else None,
        data_label=label,
        lang=language,
    )


def _last_change(out_dir: Path, outcomes: list[Outcome]) -> str:
    """When the newest report was written (so an unchanged rerun writes the same index)."""
    times = [
        (out_dir / o.output).stat().st_mtime
        for o in outcomes
        if o.ok and (out_dir / o.output).exists()
    ]
    if not times:
        return ""
    return dt.datetime.fromtimestamp(max(times)).strftime("%Y-%m-%d %H:%M")


__all__ = [
    "BatchInterrupted",
    "BatchResult",
    "check_writable",
    "park_summaries",
    "run_reports",
    "select_parks",
]
