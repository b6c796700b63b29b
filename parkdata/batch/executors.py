"""The executors a batch runs on: a process pool (warm kernels, one per worker; workers that
ignore Ctrl-C and exit when the driver is gone), a Dask cluster's, or any ``concurrent.futures``
executor the caller brings."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
from collections.abc import Iterator
from contextlib import contextmanager

from parkdata.batch.kernels import worker_init
from parkdata.errors import ArgumentError

EXECUTORS = ("process", "dask")


def stop_pool(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now (their kernels follow them)."""
    # the executor has no public way to end running work; its worker table is stable since 3.8
    workers = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()


@contextmanager
def make_executor(
    kind: str | cf.Executor = "process", jobs: int | None = None, scheduler: str | None = None
) -> Iterator[cf.Executor]:
    """A ``concurrent.futures`` executor: a process pool, a Dask cluster's, or the one given."""
    if isinstance(kind, cf.Executor):
        yield kind
        return
    if kind == "process":
        pool = cf.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=mp.get_context("spawn"),
            initializer=worker_init,
            initargs=(os.getpid(),),
        )
        try:
            yield pool
            pool.shutdown(wait=True)
        except BaseException:
            stop_pool(pool)  # Ctrl-C, SIGTERM or an error: stop now, do not wait for the parks
            raise
        return
    if kind == "dask":
        try:  # optional: Dask is an extra (pip install 'parkdata[dask]')
            from distributed import Client
        except ImportError as exc:
            raise ArgumentError(
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
    raise ArgumentError(f"executor {kind!r}: use one of {', '.join(EXECUTORS)}")
