"""The executors a batch runs on: a process pool (warm kernels, one per worker), a Dask
cluster's, or any ``concurrent.futures`` executor the caller brings."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
from collections.abc import Iterator
from contextlib import contextmanager

from parkdata.errors import ArgumentError

EXECUTORS = ("process", "dask")


@contextmanager
def make_executor(
    kind: str | cf.Executor = "process", jobs: int | None = None, scheduler: str | None = None
) -> Iterator[cf.Executor]:
    """A ``concurrent.futures`` executor: a process pool, a Dask cluster's, or the one given."""
    if isinstance(kind, cf.Executor):
        yield kind
        return
    if kind == "process":
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as ex:
            yield ex
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
