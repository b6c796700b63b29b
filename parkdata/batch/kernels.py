"""Where notebooks run: a warm kernel per worker (started once, cleared before every park,
replaced when it dies or after :data:`KERNEL_RUNS` parks), papermill's engine on that kernel,
and the job runner that executes a notebook in memory and exports it to HTML.

papermill, nbformat and jupyter_client are imported inside the functions that need them: they
take seconds to import and only worker processes use them.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from parkdata.batch.export import REMOVE_TAG, notebook_html
from parkdata.batch.jobs import Job, Outcome

KERNEL_RUNS = 100
"""Reports one warm kernel runs before it is replaced (bounds memory a long batch can grow)."""
PARK_TIMEOUT = 600
"""Seconds a notebook cell may run before the park is failed (a hung park must not hang a batch)."""
ENGINE = "parkdata-warm"
_LOCAL = threading.local()  # one warm kernel per worker thread: parks never share a kernel


def _warm_kernel() -> tuple[Any, Any]:
    """This thread's kernel and client: started once, replaced when dead or after KERNEL_RUNS."""
    # heavy: jupyter_client is imported where a kernel starts, in the worker
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
    # heavy: papermill takes about 4 s to import; only workers need it
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
    # heavy: nbformat (and its schema validation) is only needed where notebooks run
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
    # heavy: papermill (see _register_engine)
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

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
