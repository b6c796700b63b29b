"""What a batch runs: one job per park (and one for the overview), keyed on everything a page
depends on so an unchanged rerun does nothing, and what became of each job."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parkdata import paths
from parkdata.files import file_hash
from parkdata.inputs.sources import MANIFEST, input_files, is_processed_dir
from parkdata.inputs.store import input_fingerprint
from parkdata.version import __version__

DEFAULT_TIMEOUT = 600
"""Seconds a park's notebook may run before it fails (``parkdata reports --timeout``)."""
OVERVIEW = "__overview__"
"""The job name of the overview page."""
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


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


def digest(*parts: Any) -> str:
    """SHA-256 of the JSON of ``parts`` (the cache key of anything)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def data_fingerprint(data: Path, bundled: bool | None = None) -> dict[str, Any]:
    """What the data is: every input's hash — the bundled files too when the one bundled-data
    rule reads them — or a processed folder's manifest; the shipped catalog's and vocabulary's
    hashes and the library version. No file is parsed."""
    if is_processed_dir(data):
        manifest = dict(json.loads((data / MANIFEST).read_text(encoding="utf-8")))
        manifest.pop("generation", None)  # where the tables are, not what they hold
        return manifest
    return input_fingerprint(input_files(data, bundled), data)


def shipped_fingerprint() -> str:
    """One hash of every file shipped with the package that a page depends on (the text table,
    vocabulary, catalog, presets and HTML templates): edit a word, and every page is redone."""
    sha = hashlib.sha256()
    for folder in paths.SHIPPED_DIRS:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            sha.update(path.relative_to(folder.parent).as_posix().encode("utf-8"))
            sha.update(path.read_bytes())
    return sha.hexdigest()


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
    timeout: float = DEFAULT_TIMEOUT


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


def _keyed(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the cache sees them: the prepared folder's paths (data, and the projects a
    firm evaluation reads) are covered by the data key (so a moved output folder stays valid)."""
    return {**params, "data": None, **({"projects": None} if "projects" in params else {})}


def plan_jobs(
    names: Iterable[str],
    titles: dict[str, str],
    notebook: Path,
    base: dict[str, Any],
    key: str,
    reuse_kernel: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Job]:
    """One job per park, keyed on the data, the notebook, the parameters and the version."""
    nb_hash = file_hash(notebook)
    jobs = []
    for name in names:
        params = {"park_id": name, **base}
        jobs.append(
            Job(
                name=name,
                notebook=str(notebook),
                parameters=params,
                title=titles.get(name, name),
                language=base["language"],
                output=str(Path("reports") / f"{safe_name(name)}.html"),
                key=digest(key, nb_hash, _keyed(params), __version__),
                reuse_kernel=reuse_kernel,
                timeout=timeout,
            )
        )
    return jobs


def overview_job(
    notebook: Path,
    base: dict[str, Any],
    group: str | None,
    names: list[str],
    key: str,
    title: str,
    reuse_kernel: bool,
    timeout: float = DEFAULT_TIMEOUT,
) -> Job:
    """The overview page's job (the group, or the parks of the run)."""
    params = {**base, "group": group, "parks": None if group else names}
    params.pop("park_id", None)
    return Job(
        name=OVERVIEW,
        notebook=str(notebook),
        parameters=params,
        title=title,
        language=base["language"],
        output="overview.html",
        key=digest(key, file_hash(notebook), _keyed(params), __version__),
        reuse_kernel=reuse_kernel,
        timeout=timeout,
    )
