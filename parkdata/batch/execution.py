"""How a batch runs its jobs, shared by ``parkdata reports`` (:mod:`parkdata.batch.runner`) and
``parkdata enterprises`` (:mod:`parkdata.batch.enterprise_runner`): the output folder checked
before any work, SIGTERM turned into a stop like Ctrl-C, the jobs run on an executor with retries
when a worker process dies, each page written atomically with its cache entry as it arrives (a
failed write fails that page only), and the prepared folders of other runs pruned.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from parkdata.batch.executors import make_executor
from parkdata.batch.jobs import Job, Outcome
from parkdata.batch.kernels import run_job
from parkdata.batch.report_cache import forget, save_page
from parkdata.errors import ArgumentError
from parkdata.reporting.wording import text

CACHE_DIR = ".cache"
"""The batch's own files inside an output folder: lock, cache entries, prepared data."""

SavePage = Callable[[Path, Job, str], None]
"""Writes a page and its cache entry (:func:`parkdata.batch.report_cache.save_page`)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the driver so a batch stops as it does on Ctrl-C (exit code 143)."""

    signal_name = "SIGTERM"
    exit_code = 128 + signal.SIGTERM


class BatchInterrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl-C or SIGTERM: what finished (``result``: the batch's result with
    ``outcomes``, ``failed`` and ``index``), and the index written for it."""

    def __init__(self, result: Any, signal_name: str):
        super().__init__(signal_name)
        self.result = result
        self.signal_name = signal_name

    @property
    def exit_code(self) -> int:
        """130 after Ctrl-C, 143 after SIGTERM (128 + the signal's number)."""
        return 128 + (signal.SIGTERM if self.signal_name == "SIGTERM" else signal.SIGINT)


class Stopped(Exception):
    """Raised by :func:`execute` when Ctrl-C or SIGTERM stopped it, with every job's outcome."""

    def __init__(self, outcomes: list[Outcome], signal_name: str):
        super().__init__(signal_name)
        self.outcomes = outcomes
        self.signal_name = signal_name


@contextmanager
def sigterm_stops() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while a batch runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_writable(
    out: Path, language: str = "zh", subfolders: Sequence[str] = ("reports", CACHE_DIR)
) -> None:
    """Refuse an output folder (and the ``subfolders`` a batch writes in it) that cannot be
    written, before any work (one clear line)."""
    try:
        for folder in (out, *(out / s for s in subfolders)):
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as exc:
        error = exc.strerror or str(exc)
        raise ArgumentError(text("batch.unwritable", language, out=out, error=error)) from None


def prune_prepared(out: Path, keep: Path) -> None:
    """Remove prepared folders of other runs (another as-of or data): pages never read them."""
    for folder in (out / CACHE_DIR / "prepared").glob("*"):
        if folder.is_dir() and folder.resolve() != keep.resolve():
            shutil.rmtree(folder, ignore_errors=True)


def execute(
    pending: list[Job],
    out_dir: Path,
    executor: str | cf.Executor,
    jobs: int | None,
    scheduler: str | None,
    progress: bool,
    language: str,
    save: SavePage = save_page,
) -> list[Outcome]:
    """Run ``pending`` on the executor and write each page as it arrives (through ``save``).

    A job whose worker process died (the pool breaks) runs again in a new pool; one whose
    worker dies a second time runs alone, and fails with that reason if it kills its worker
    there too. Ctrl-C or SIGTERM stops the workers at once and raises :class:`Stopped`.
    """
    outcomes: dict[str, Outcome] = {}
    attempts = dict.fromkeys((job.name for job in pending), 0)
    bar = tqdm(
        total=len(pending),
        unit=text("cli.progress_unit", language),
        desc=text("cli.progress_desc", language),
        disable=not progress,
    )

    def finish(job: Job, outcome: Outcome) -> None:
        outcomes[job.name] = store(out_dir, job, outcome, language, save)
        bar.update(1)

    try:
        queue = list(pending)
        while queue:
            together = [job for job in queue if attempts[job.name] < 2]
            rounds = [(together, jobs)] + [([job], 1) for job in queue if job not in together]
            queue = []
            for batch, workers in rounds:
                for job in _run_round(batch, executor, workers, scheduler, finish):
                    attempts[job.name] += 1
                    if attempts[job.name] > 2:
                        died = text("batch.worker_died", language)
                        finish(job, Outcome(job.name, False, job.output, died))
                    else:
                        queue.append(job)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated)
        bar.close()
        left = text("batch.interrupted", language)
        for job in pending:
            if job.name not in outcomes:
                outcomes[job.name] = Outcome(job.name, False, job.output, left)
        name = "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"
        raise Stopped([outcomes[job.name] for job in pending], name) from None
    bar.close()
    return [outcomes[job.name] for job in pending]


def _run_round(
    batch: list[Job],
    executor: str | cf.Executor,
    workers: int | None,
    scheduler: str | None,
    finish: Callable[[Job, Outcome], None],
) -> list[Job]:
    """Run ``batch`` on one executor; the jobs whose worker process died are returned."""
    broken: list[Job] = []
    if not batch:
        return broken
    with make_executor(executor, workers, scheduler) as ex:
        futures = {ex.submit(run_job, job): job for job in batch}
        for future in cf.as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken.append(job)
                continue
            except Exception as exc:
                outcome = Outcome(job.name, False, job.output, f"{type(exc).__name__}: {exc}")
            finish(job, outcome)
    return broken


def store(
    out_dir: Path, job: Job, outcome: Outcome, language: str, save: SavePage = save_page
) -> Outcome:
    """Write a finished page and its cache entry; a failed write fails that page only."""
    html, outcome.html = outcome.html, None
    if not outcome.ok or html is None:
        forget(out_dir, job)
        return outcome
    try:
        save(out_dir, job, html)
    except OSError as exc:
        forget(out_dir, job)
        error = text("batch.write_failed", language, path=job.output, error=exc.strerror or exc)
        return Outcome(job.name, False, job.output, error, outcome.seconds)
    return outcome


__all__ = [
    "CACHE_DIR",
    "BatchInterrupted",
    "Stopped",
    "Terminated",
    "check_writable",
    "execute",
    "prune_prepared",
    "sigterm_stops",
    "store",
]
