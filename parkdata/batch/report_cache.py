"""The report cache: one small entry per page, written atomically right after the page, that
says which key the page was made for and what its bytes are.

A page is reused only when its entry's key is the job's key (data, settings, as-of, language,
notebook, version) *and* the file on disk is the one the entry describes: present, not empty,
same size and modification time, or else the same SHA-256. A page overwritten by another run,
truncated by a full disk or left behind by an interrupted run is therefore made again, never
served. The entry is removed before a page is rewritten, so a crash between the two leaves no
entry, and the page is made again next time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parkdata.batch.jobs import Job
from parkdata.files import file_hash, write_text_atomic

ENTRIES = Path(".cache") / "reports"
"""Where the entries live, inside the output folder (one JSON file per page)."""


def _entry_path(out: Path, job: Job) -> Path:
    return out / ENTRIES / (job.output.replace("/", "__") + ".json")


def is_cached(out: Path, job: Job) -> bool:
    """True when ``job``'s page on disk is the one made for ``job.key``."""
    try:
        entry: dict[str, Any] = json.loads(_entry_path(out, job).read_text(encoding="utf-8"))
        stat = (out / job.output).stat()
    except (OSError, ValueError):
        return False
    if entry.get("key") != job.key or stat.st_size == 0 or stat.st_size != entry.get("size"):
        return False
    if stat.st_mtime_ns == entry.get("mtime_ns"):
        return True
    return file_hash(out / job.output) == entry.get("sha256")  # touched, but maybe the same bytes


def forget(out: Path, job: Job) -> None:
    """Remove ``job``'s entry (before its page is rewritten, or when it failed)."""
    _entry_path(out, job).unlink(missing_ok=True)


def save_page(out: Path, job: Job, html: str) -> None:
    """Write ``job``'s page atomically, then its entry (key, size, time, SHA-256)."""
    forget(out, job)
    write_text_atomic(out / job.output, html)
    record(out, job)


def record(out: Path, job: Job) -> None:
    """Write ``job``'s entry for the file already at ``out / job.output`` (written atomically
    by the caller after :func:`forget`): key, size, time, SHA-256."""
    page = out / job.output
    stat = page.stat()
    entry = {
        "key": job.key,
        "output": job.output,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sha256": file_hash(page),
    }
    write_text_atomic(_entry_path(out, job), json.dumps(entry, sort_keys=True))
