"""One run at a time per output folder: a second ``parkdata reports`` into the same ``--out``
says which run holds the folder and waits for it, so two runs never mix their pages.

The lock is an operating-system file lock (``filelock``): it is released when its process ends,
even by ``kill -9``, so a crashed run never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from parkdata.files import write_text_atomic
from parkdata.reporting.wording import text

LOCK = Path(".cache") / "lock"
HOLDER = Path(".cache") / "lock.json"
"""Who holds the lock (process id, host, start time), for the message of a waiting run."""


def _holder(out: Path) -> dict[str, str]:
    try:
        return dict(json.loads((out / HOLDER).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


@contextmanager
def output_lock(out: Path, language: str = "zh") -> Iterator[None]:
    """Hold ``out``'s lock for the block; when another run holds it, say who and wait."""
    (out / LOCK).parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / LOCK))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(out)
        message = text(
            "batch.waiting",
            language,
            out=out,
            pid=holder.get("pid", "?"),
            host=holder.get("host", "?"),
            started=holder.get("started", "?"),
        )
        print(message, file=sys.stderr, flush=True)
        lock.acquire()
    try:
        holder = {
            "pid": str(os.getpid()),
            "host": socket.gethostname(),
            "started": dt.datetime.now().isoformat(timespec="seconds"),
        }
        write_text_atomic(out / HOLDER, json.dumps(holder))
        yield
    finally:
        (out / HOLDER).unlink(missing_ok=True)
        lock.release()
