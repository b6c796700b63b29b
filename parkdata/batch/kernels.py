"""Where notebooks run, supervised: a warm kernel per worker (started once, put back to its
first state before every park, replaced when it dies, times out or after :data:`KERNEL_RUNS`
parks), papermill on that kernel, and the job runner that exports the page to HTML.

Supervision, warm and fresh kernels alike: nbclient's asynchronous client notices a dead kernel
within a second (``DeadKernelError``), and every cell gets only what is left of the park's time
limit (``Job.timeout``), so a hung park fails with the limit as its reason (``CellTimeoutError``).
Either way the kernel is killed and the next park gets a new one. Workers ignore Ctrl-C (the
driver stops them) and exit when the driver is gone; their kernels follow them (ipykernel polls
its parent).

papermill, nbformat, nbclient and jupyter_client are imported inside the functions that need
them: they take seconds to import and only worker processes use them.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing.util
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parkdata.batch.export import REMOVE_TAG, notebook_html
from parkdata.batch.jobs import Job, Outcome
from parkdata.reporting.wording import text

KERNEL_RUNS = 100
"""Reports one warm kernel runs before it is replaced (bounds memory a long batch can grow)."""
ENGINE = "parkdata-supervised"
HYGIENE = (
    "%reset -f\n"
    "import parkdata.batch.kernel_state as _parkdata_state\n"
    "_parkdata_state.restore({cwd!r})\n"
    "del _parkdata_state"
)
"""The hidden first cell of every notebook: clear the previous park's names and state."""
_QUIET = logging.getLogger("parkdata.batch.kernels.client")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False
_LOCAL = threading.local()  # one kernel per worker thread: parks never share a kernel at once


@dataclass
class _Kernel:
    km: Any
    kc: Any
    runs: int = 0


def _start_kernel(cwd: str) -> _Kernel:
    # heavy: jupyter_client is imported where a kernel starts, in the worker
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)(stderr=subprocess.DEVNULL, cwd=cwd)  # its log lines are not news
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=60)
    except BaseException:
        _stop_kernel(_Kernel(km, kc))
        raise
    return _Kernel(km, kc)


def _stop_kernel(kernel: _Kernel) -> None:
    """Stop the client and kill the kernel (a kernel that failed a park is not trusted)."""
    # heavy: see _start_kernel
    from jupyter_core.utils import run_sync

    kernel.kc.stop_channels()
    with contextlib.suppress(Exception):  # already gone: nothing left to stop
        if kernel.km.has_kernel:
            run_sync(kernel.km.shutdown_kernel)(now=True)


def _kernel_for(job: Job) -> _Kernel:
    """This thread's warm kernel (replaced when dead or after KERNEL_RUNS), or a fresh one."""
    cwd = str(Path(job.notebook).parent)
    if not job.reuse_kernel:
        return _start_kernel(cwd)
    kernel: _Kernel | None = getattr(_LOCAL, "kernel", None)
    if kernel is None or kernel.runs >= KERNEL_RUNS or not _alive(kernel):
        shutdown_kernel()
        kernel = _LOCAL.kernel = _start_kernel(cwd)
    kernel.runs += 1
    return kernel


def _alive(kernel: _Kernel) -> bool:
    # heavy: see _start_kernel
    from jupyter_core.utils import run_sync

    return bool(run_sync(kernel.km.is_alive)())


def shutdown_kernel() -> None:
    """Stop this thread's warm kernel, if it has one."""
    kernel: _Kernel | None = getattr(_LOCAL, "kernel", None)
    _LOCAL.kernel = None
    if kernel is not None:
        _stop_kernel(kernel)


def _register_engine() -> None:
    """papermill's nbclient engine on the given kernel and client, with a park deadline.

    nbclient resets ``kc`` in its constructor and would open (and never close) a new client per
    notebook on a kernel it does not own; this engine hands it the worker's one client. Each
    cell may run for what is left of the park's time limit.
    """
    # heavy: papermill takes about 4 s to import; only workers need it
    from nbclient.exceptions import CellTimeoutError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class SupervisedEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            kernel, deadline = kwargs.pop("kernel"), kwargs.pop("deadline")

            def budget(cell: Any) -> int:  # what is left of the park's time, for this cell
                left = deadline - time.monotonic()
                if left <= 0:  # spent by the cells before: this one does not start
                    raise CellTimeoutError("the park's time limit was reached")
                return max(1, math.ceil(left))

            client = PapermillNotebookClient(
                nb_man,
                kernel_name=kernel_name,
                timeout_func=budget,
                startup_timeout=kwargs.pop("start_timeout", 60),
                log=_QUIET,  # a dead kernel or a time-out is the outcome's error, not log noise
                log_output=kwargs.pop("log_output", False),
                stdout_file=kwargs.pop("stdout_file", None),
                stderr_file=kwargs.pop("stderr_file", None),
                km=kernel.km,
            )
            client.kc = kernel.kc
            return client.execute()

    papermill_engines.register(ENGINE, SupervisedEngine)


def _notebook_for(job: Job) -> Any:
    """The job's notebook with the hidden first cell that puts the kernel back (HYGIENE)."""
    # heavy: nbformat (and its schema validation) is only needed where notebooks run
    import nbformat

    nb = nbformat.read(job.notebook, as_version=4)
    reset = nbformat.v4.new_code_cell(HYGIENE.format(cwd=str(Path(job.notebook).parent.resolve())))
    reset.metadata["tags"] = [REMOVE_TAG]
    nb.cells.insert(0, reset)
    return nb


def run_job(job: Job) -> Outcome:
    """Execute ``job``'s notebook in memory with papermill and export it (runs in a worker).

    With ``job.reuse_kernel`` the worker keeps one kernel warm across parks (imports and the
    prepared data are loaded once); otherwise each park gets a kernel of its own. A park that
    raises fails with its error; a park whose kernel dies or that runs past ``job.timeout``
    seconds fails with that reason, and its kernel is killed.
    """
    # heavy: papermill (see _register_engine); nbclient comes with it
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()

    def failed(error: str) -> Outcome:
        return Outcome(job.name, False, job.output, error, time.perf_counter() - start)

    kernel: _Kernel | None = None
    try:
        _register_engine()
        kernel = _kernel_for(job)
        deadline = time.monotonic() + job.timeout  # the park's time starts with a ready kernel
        nb = pm.execute_notebook(
            _notebook_for(job),
            None,
            engine_name=ENGINE,
            parameters=job.parameters,
            progress_bar=False,
            cwd=str(Path(job.notebook).parent),
            kernel=kernel,
            deadline=deadline,
        )
        html = notebook_html(nb, job.title, job.language)
    except PapermillExecutionError as exc:  # the notebook raised: its kernel is fine
        return failed(f"{exc.ename}: {exc.evalue}")
    except CellTimeoutError:
        _discard(kernel, job, interrupt=True)
        return failed(text("batch.timed_out", job.language, seconds=f"{job.timeout:g}"))
    except DeadKernelError:
        _discard(kernel, job)
        return failed(text("batch.kernel_died", job.language))
    except Exception as exc:
        _discard(kernel, job)  # the kernel may be the problem: the next park gets a new one
        return failed(f"{type(exc).__name__}: {exc}")
    finally:
        if kernel is not None and not job.reuse_kernel:
            _stop_kernel(kernel)
    return Outcome(job.name, True, job.output, None, time.perf_counter() - start, html=html)


def _discard(kernel: _Kernel | None, job: Job, interrupt: bool = False) -> None:
    """Kill a kernel that failed a park (interrupted first when it may still be running)."""
    if kernel is None:
        return
    if interrupt:
        # heavy: see _start_kernel
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):  # already gone, or not interruptible
            run_sync(kernel.km.interrupt_kernel)()  # a last chance to stop cleanly
    if job.reuse_kernel:
        shutdown_kernel()


def worker_init(parent: int | None = None) -> None:
    """Set up a worker process: Ctrl-C is the driver's to handle, and the worker exits (its
    kernel with it) as soon as the driver is gone, even after ``kill -9``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = parent if parent is not None else os.getppid()
    # a worker ending normally stops its warm kernel (multiprocessing runs no atexit handlers)
    multiprocessing.util.Finalize(None, shutdown_kernel, exitpriority=10)

    def watch() -> None:
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(1)  # the driver died: nobody will read our work

    threading.Thread(target=watch, name="parkdata-parent-watch", daemon=True).start()
