"""``parkdata enterprises``: every park's 亩均效益 evaluation page and 公示 workbook, and an index.

The driver loads the firm table once (a folder or file read by ``load_enterprises``; by default
the fictional demo firms), writes it to a prepared folder the notebooks read
(``out/enterprises/.cache/prepared/<key>/firms.parquet``, ``parks.parquet``, ``projects.parquet``
with park names resolved to ids, and ``load.json``: the parks whose rows had errors, left out),
classifies each park's firms of the year once (``classify_parks``), writes each park's 公示
workbook and the all-parks one atomically, runs ``notebooks/enterprise_evaluation.ipynb`` per park
on warm kernels (the machinery of ``parkdata reports``: :mod:`parkdata.batch.execution`) and ends
with ``out/enterprises/index.html``. Pages and workbooks are cached on the data's fingerprint,
the notebook, the parameters and the version; one run at a time writes the folder. A park whose
data cannot be classified, whose notebook fails or whose file cannot be written is listed in
the index with the reason, and the others go on.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from parkdata import paths
from parkdata.assessment.enterprise_results import classify_parks, resolve_schemes
from parkdata.assessment.enterprise_scheme import check_cutoffs
from parkdata.assessment.land_supply import land_rule
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
    Job,
    Outcome,
    digest,
    plan_jobs,
    safe_name,
    shipped_fingerprint,
)
from parkdata.batch.output_lock import output_lock
from parkdata.batch.report_cache import forget, is_cached, record
from parkdata.errors import ArgumentError, InputError, Issue, SchemaError
from parkdata.files import (
    clean_stray_temps,
    file_hash,
    write_parquet_atomic,
    write_text_atomic,
    write_text_if_changed,
)
from parkdata.inputs.demo import demo_enterprises, demo_parks
from parkdata.reporting.class_policies import policy_set
from parkdata.reporting.firm_data import load_firm_data, pick_parks
from parkdata.reporting.publicity_workbook import write_all_publicity, write_publicity
from parkdata.reporting.wording import check_language, sep, text
from parkdata.version import __version__

NOTEBOOK = "enterprise_evaluation.ipynb"
FOLDER = "enterprises"
"""Where the pages, workbooks and index go inside ``--out``."""
FIRMS_FILE = "firms.parquet"
PARKS_FILE = "parks.parquet"
PROJECTS_FILE = "projects.parquet"
LOAD_FILE = "load.json"
"""What loading left out: failed parks and files with their problems, and the new parks."""
SHOWN_PROBLEMS = 3
"""Problems of a failed park listed in the index and the terminal (the rest are counted)."""
DEFAULT_RULE = "hukou_2020"
DEMO_PARKS = 3
"""Demo parks a run without data evaluates (fictional, 示例园区-0001 …)."""
DEMO_YEARS = (2022, 2023)
DEMO_SEED = 0
CLASSES = ("A", "B", "C", "D")


@dataclass
class EnterpriseBatchResult:
    """What a run did: one outcome per page and per workbook, where they went, the index."""

    outcomes: list[Outcome]
    workbooks: list[Outcome]
    index: Path
    folder: Path
    year: int | None
    seconds: float
    all_workbook: Path | None = None
    parks: list[str] = field(default_factory=list)
    new_parks: list[str] = field(default_factory=list)
    """Parks not in the registry, evaluated under the name written in the data."""
    failed_files: dict[str, str] = field(default_factory=dict)
    """Files none of whose rows could be read → their problems."""

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in [*self.outcomes, *self.workbooks] if not o.ok]

    def problems(self) -> list[tuple[str, str]]:
        """(park or file, error) of each failure, once each (a park whose page and workbook
        failed for the same reason is listed once)."""
        found = [(o.name, str(o.error)) for o in self.failed]
        return list(dict.fromkeys([*found, *self.failed_files.items()]))

    @property
    def ran(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.cached]

    def describe(self, lang: str = "zh") -> str:
        """One line for the terminal."""
        n, ran = len(self.outcomes), len(self.ran)
        failed_parks = {o.name for o in self.failed}
        return text(
            "firm_batch.done",
            lang,
            parks=len(self.parks),
            new=sum(o.ok for o in self.ran),
            cached=n - ran,
            failed=len(failed_parks),
            seconds=f"{self.seconds:.1f}",
            folder=self.folder,
            index=self.index,
        )


def _tree_fingerprint(path: Path | None) -> Any:
    """Every file's hash under ``path`` (a file: its hash); no file is parsed."""
    if path is None:
        return None
    if path.is_file():
        return {path.name: file_hash(path)}
    files = (p for p in sorted(path.rglob("*")) if p.is_file())
    return {
        p.relative_to(path).as_posix(): file_hash(p)
        for p in files
        if not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
    }


def _issue_text(issues: list[dict[str, Any]], language: str) -> str:
    """The first problems of a failed park or file (file, row, column, fix), and how many more."""
    shown = [str(Issue(**i)) for i in issues[:SHOWN_PROBLEMS]]
    words = sep("semicolon", language).join(shown)
    if len(issues) > SHOWN_PROBLEMS:
        words += text("firm_fixes.more_problems", language, n=len(issues))
    return text("firm_fixes.load_failed", language, problems=words)


def _issue_dicts(issues: list[Issue]) -> list[dict[str, Any]]:
    return [i.as_dict() for i in issues]


def _prepared(data: Path | None, projects: Path | None, out: Path, key: str) -> Path:
    """The prepared folder for ``key`` (firm table, park registry, projects, with park names
    resolved to ids; what loading left out in ``load.json``), written once. A park whose rows
    have errors is left out and recorded; only data of which nothing can be read raises."""
    folder = out / CACHE_DIR / "prepared" / key[:16]
    if all((folder / f).is_file() for f in (FIRMS_FILE, PARKS_FILE, LOAD_FILE)):
        return folder
    if data is None:
        parks = demo_parks(DEMO_PARKS).assign(fictional=True)
        demo = demo_enterprises(parks, years=DEMO_YEARS, seed=DEMO_SEED)
        got = load_firm_data(demo, projects, parks)
    else:
        got = load_firm_data(data, projects, errors="skip")
    if not len(got.firms):
        raise ArgumentError(text("firm_batch.empty_data", path=data))
    firms = got.firms.copy()
    firms.attrs = {}  # warnings are Issue objects, and Parquet keeps attrs as JSON
    if got.projects is not None:
        table = got.projects.copy()
        table.attrs = {}
        write_parquet_atomic(folder / PROJECTS_FILE, table)
    load = {
        "failed_parks": {p: _issue_dicts(i) for p, i in got.failed_parks.items()},
        "failed_files": {f: _issue_dicts(i) for f, i in got.failed_files.items()},
        "new_parks": got.new_parks,
    }
    write_text_atomic(folder / LOAD_FILE, json.dumps(load, ensure_ascii=False, sort_keys=True))
    write_parquet_atomic(folder / PARKS_FILE, got.registry)
    write_parquet_atomic(folder / FIRMS_FILE, firms)  # last: marks the folder complete
    return folder


def _pick_parks(
    have: list[str],
    wanted: Sequence[str] | None,
    registry: pd.DataFrame,
    year: int,
    failed: Sequence[str] = (),
) -> tuple[list[str], list[str]]:
    """(park ids to evaluate, failed parks to list): those given (ids or names the registry
    knows), or every park with firms in ``year`` and every park whose data failed; a park given
    with no firms that year (and no failed data) is an ArgumentError listing those that have."""
    if not wanted:
        return have, sorted(failed)
    found, missing = pick_parks(have, wanted, registry)
    bad = [p for p in missing if p in failed]
    unknown = [p for p in missing if p not in failed]
    if unknown:
        raise ArgumentError(
            text(
                "firm_batch.unknown_park",
                parks=", ".join(unknown),
                year=year,
                known=", ".join(have) or "—",
            )
        )
    return found, bad


def _label(park_id: str, registry: pd.DataFrame, fictional: bool, lang: str) -> str:
    row = registry[registry["park_id"] == park_id]
    name = park_id
    if len(row):
        name = str(row.iloc[0]["short_name_zh"] or row.iloc[0]["name_zh"] or park_id)
    return name + (text("fictional_mark", lang) if fictional else "")


@dataclass
class _Park:
    park_id: str
    name: str
    label: str
    n: int
    fictional: bool
    classified: pd.DataFrame | None = None
    error: str | None = None
    counts: list[int | None] = field(default_factory=list)


def _classify(
    firms: pd.DataFrame,
    parks: list[str],
    registry: pd.DataFrame,
    settings: dict[str, Any],
    lang: str,
) -> list[_Park]:
    """Each park's firms classified once; a park whose rows cannot be classified fails alone."""
    out = []
    for park_id in parks:
        rows = firms[firms["park_id"].astype(str) == park_id]
        fictional = (
            bool(rows["fictional"].fillna(False).astype(bool).any())
            if "fictional" in rows
            else False
        )
        park = _Park(
            park_id,
            _label(park_id, registry, False, lang),
            _label(park_id, registry, fictional, lang),
            len(rows),
            fictional,
        )
        try:
            park.classified = classify_parks(rows, settings["schemes"], settings["cutoffs"])
        except InputError as exc:
            park.error = str(exc)
        if park.classified is not None:
            classes = park.classified["class"]
            park.counts = [*(int((classes == c).sum()) for c in CLASSES), int(classes.isna().sum())]
        out.append(park)
    return out


def _remove_stale(out: Path, park_id: str, year: int, language: str) -> None:
    """Remove the page and the year's workbook of a park whose data failed, and their cache
    entries: an old page must not look current (as a failed page's entry is forgotten)."""
    for output in (f"{safe_name(park_id)}.html", f"{safe_name(park_id)}-{year}-公示.xlsx"):
        forget(out, _workbook_job(park_id, output, "", language))
        with contextlib.suppress(OSError):  # cannot remove it: the index does not link it
            (out / output).unlink(missing_ok=True)


def _workbook_job(name: str, output: str, key: str, language: str) -> Job:
    """A cache entry's job for a workbook (the report cache's entries work for any file)."""
    return Job(name, "", {}, "", language, output, digest(key, "workbook", output, __version__))


def _write_workbook(out: Path, job: Job, write: Any, force: bool, language: str) -> Outcome:
    """Write a workbook through ``write(path)`` unless cached; a failed write fails it alone."""
    if not force and is_cached(out, job):
        return Outcome(job.name, True, job.output, cached=True)
    forget(out, job)
    try:
        write(out / job.output)
        record(out, job)
    except OSError as exc:
        forget(out, job)
        error = text("batch.write_failed", language, path=job.output, error=exc.strerror or exc)
        return Outcome(job.name, False, job.output, error)
    return Outcome(job.name, True, job.output)


def _workbooks(
    out: Path, parks: list[_Park], year: int, key: str, force: bool, language: str
) -> tuple[list[Outcome], Outcome | None]:
    """Each park's 公示 workbook, and the all-parks one (of the parks classified)."""
    outcomes = []
    names = {p.park_id: p.name for p in parks}
    for park in parks:
        output = f"{safe_name(park.park_id)}-{year}-公示.xlsx"
        if park.classified is None:
            outcomes.append(Outcome(park.park_id, False, output, park.error))
            continue
        job = _workbook_job(park.park_id, output, key, language)
        table = park.classified

        def write(path: Path, table: pd.DataFrame = table) -> None:
            write_publicity(table, path, language=language, park_names=names)

        outcomes.append(_write_workbook(out, job, write, force, language))
    done = [p.classified for p in parks if p.classified is not None]
    if not done:
        return outcomes, None
    every = pd.concat(done, ignore_index=True)
    every.attrs = {  # concat keeps attrs only when all are equal: the groups of every park
        "groups": [g for c in done for g in c.attrs.get("groups", [])],
        "schemes": {k: v for c in done for k, v in c.attrs.get("schemes", {}).items()},
    }
    output = f"公示-全部园区-{year}.xlsx"
    job = _workbook_job("__all__", output, digest(key, sorted(names)), language)

    def write_all(path: Path) -> None:
        write_all_publicity(every, path, language=language, park_names=names)

    return outcomes, _write_workbook(out, job, write_all, force, language)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("parkdata", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _href(output: str) -> str:
    return quote(output)  # workbook names are Chinese; links stay valid from file://


def render_index(
    parks: list[_Park],
    year: int,
    pages: dict[str, Outcome],
    workbooks: dict[str, Outcome],
    all_workbook: Outcome | None,
    generated: str,
    language: str,
    notices: Sequence[str] = (),
) -> str:
    """The index page (Jinja2 autoescape: names from data are escaped); ``notices``: sentences
    above the table (new parks, files that could not be read)."""
    t = "firm_batch."
    headers = [
        text(t + "sum_park", language),
        text(t + "sum_year", language),
        text(t + "sum_firms", language),
        *(text(t + "sum_class", language, cls=c) for c in CLASSES),
        text(t + "sum_unrated", language),
        text(t + "index_links", language),
    ]
    rows = []
    for park in parks:
        page, book = pages.get(park.park_id), workbooks.get(park.park_id)
        errors = list(
            dict.fromkeys(
                text(t + "index_failed", language, error=o.error)
                for o in (page, book)
                if o is not None and not o.ok
            )
        )
        if park.error and not errors:
            errors.append(text(t + "index_failed", language, error=park.error))
        rows.append(
            {
                "name": park.label,
                "year": year,
                "n": park.n,
                "counts": park.counts or [None] * (len(CLASSES) + 1),
                "page_href": _href(page.output) if page is not None and page.ok else None,
                "workbook_href": _href(book.output) if book is not None and book.ok else None,
                "errors": errors,
            }
        )
    ok_all = all_workbook is not None and all_workbook.ok
    return (
        _environment()
        .get_template("enterprise_index.html.j2")
        .render(
            html_lang="zh-CN" if language == "zh" else "en",
            title=text(t + "index_title", language),
            generated_label=text(t + "index_generated", language),
            generated=generated,
            fictional=any(p.fictional for p in parks),
            fictional_note=text(t + "index_fictional", language),
            all_href=_href(all_workbook.output) if ok_all and all_workbook else None,
            all_label=text(t + "index_all", language, year=year),
            headers=headers,
            rows=rows,
            page_label=text(t + "index_page", language),
            workbook_label=text(t + "index_workbook", language),
            none_label=text(t + "index_none", language),
            notices=list(notices),
        )
    )


def _write_index(out: Path, html_of: Any, outcomes: list[Outcome]) -> Path:
    """index.html, rewritten only when its text changes (its time: the newest output's)."""
    times = [
        (out / o.output).stat().st_mtime for o in outcomes if o.ok and (out / o.output).exists()
    ]
    stamp = dt.datetime.fromtimestamp(max(times)) if times else dt.datetime.now()
    html = html_of(stamp.strftime("%Y-%m-%d %H:%M"))
    index = out / "index.html"
    write_text_if_changed(index, html)
    return index


def _policies(policies: str | Path | None) -> str | None:
    """The policy set as the notebooks get it: a bundled code, or a file's absolute path (the
    kernels run in the notebook's folder); checked once here, so a wrong code or a bad file is
    one ArgumentError rather than a failure of every page."""
    if policies is None:
        return None
    given = Path(policies)
    chosen = str(given.resolve()) if given.is_file() else str(policies)
    try:
        policy_set(chosen)
    except SchemaError as exc:
        raise ArgumentError(f"policies {str(policies)!r}: {exc}") from None
    return chosen


def _check_arguments(
    year: int | None,
    schemes: Sequence[str] | None,
    cutoffs: Sequence[float] | None,
    timeout: float,
    language: str,
    rule: str = DEFAULT_RULE,
) -> dict[str, Any]:
    check_language(language)
    land_rule(rule)  # an unknown code: an ArgumentError naming the codes
    if timeout <= 0:
        raise ArgumentError(f"timeout {timeout!r}: give the seconds a park may run, e.g. 600")
    if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
        raise ArgumentError(f"year {year!r}: give a year between 1990 and 2100, e.g. 2023")
    codes = [code for code, _ in resolve_schemes(schemes)] if schemes else None
    cuts = list(check_cutoffs(cutoffs)) if cutoffs is not None else None
    return {"schemes": codes, "cutoffs": cuts, "rule": rule}


def _existing(path: str | Path | None) -> Path | None:
    if path is None:
        return None
    if not Path(path).exists():
        raise ArgumentError(f"no such file or folder: {path}")
    return Path(path)


def run_enterprise_reports(
    data: str | Path | None = None,
    parks: Sequence[str] | None = None,
    year: int | None = None,
    schemes: Sequence[str] | None = None,
    cutoffs: Sequence[float] | None = None,
    policies: str | Path | None = None,
    projects: str | Path | None = None,
    language: str = "zh",
    out: str | Path | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    force: bool = False,
    progress: bool = True,
    notebooks: str | Path | None = None,
    executor: str | cf.Executor = "process",
    rule: str = DEFAULT_RULE,
) -> EnterpriseBatchResult:
    """Evaluate the firms of ``parks`` (default: every park with firms in ``year``) and write,
    into ``out/enterprises/``, each park's page (``<park>.html``), its 公示 workbook
    (``<park>-<year>-公示.xlsx``), all parks' lists (``公示-全部园区-<year>.xlsx``) and
    ``index.html``.

    ``data``: a firm file or a folder of them (default: the fictional demo firms); ``year``:
    default the latest in the data; ``schemes`` / ``cutoffs`` as ``classify_parks``;
    ``policies``: the class-policy set shown on the pages (a code, or a YAML file);
    ``projects``: proposed projects for the land-supply check by ``rule`` (a code of
    ``data/land_supply.yaml``). Park names in the data are resolved to ids by the registry
    (the data's parks files, the bundled one, the demo one); a name it does not know is a new
    park, evaluated under the name written (``new_parks``). A park whose firm rows have errors
    is left out and listed with its first problems (its old page and workbook are removed);
    the others are evaluated. ``jobs`` notebooks run at once on warm kernels, each for at most
    ``timeout`` seconds; ``force`` ignores the cache. A park that fails is listed with the reason
    and the others go on. Ctrl-C or SIGTERM stops the workers, writes the index of what
    finished and raises :class:`~parkdata.batch.execution.BatchInterrupted`.
    """
    start = time.perf_counter()
    settings = _check_arguments(year, schemes, cutoffs, timeout, language, rule)
    policies = _policies(policies)
    data_path, projects_path = _existing(data), _existing(projects)
    out_dir = (Path(out) if out is not None else paths.OUTPUTS_DIR) / FOLDER
    nb_dir = Path(notebooks) if notebooks is not None else paths.NOTEBOOKS_DIR
    notebook = nb_dir / NOTEBOOK
    if not notebook.is_file():
        raise ArgumentError(f"no {NOTEBOOK} in {nb_dir}")
    check_writable(out_dir, language, subfolders=(CACHE_DIR,))
    source = (
        {"demo": [DEMO_PARKS, list(DEMO_YEARS), DEMO_SEED]}
        if data_path is None
        else _tree_fingerprint(data_path)
    )
    # a policies file of the user's own is read by every page: its content is in the key too
    own_policies = Path(policies) if policies is not None and Path(policies).is_file() else None
    key = digest(
        source,
        _tree_fingerprint(projects_path),
        _tree_fingerprint(own_policies),
        __version__,
        shipped_fingerprint(),
    )
    with output_lock(out_dir, language), sigterm_stops():
        clean_stray_temps(out_dir, recursive=False)
        clean_stray_temps(out_dir / CACHE_DIR)
        prepared = _prepared(data_path, projects_path, out_dir, key)
        try:
            return _run(
                prepared, out_dir, notebook, key, settings, parks, year, policies,
                language, jobs, timeout, force, progress, executor, start,
            )  # fmt: skip
        finally:
            prune_prepared(out_dir, prepared)


def _run(
    prepared: Path,
    out_dir: Path,
    notebook: Path,
    key: str,
    settings: dict[str, Any],
    wanted: Sequence[str] | None,
    year: int | None,
    policies: str | None,
    language: str,
    jobs: int | None,
    timeout: float,
    force: bool,
    progress: bool,
    executor: str | cf.Executor,
    start: float,
) -> EnterpriseBatchResult:
    firms = pd.read_parquet(prepared / FIRMS_FILE)
    registry = pd.read_parquet(prepared / PARKS_FILE)
    load = json.loads((prepared / LOAD_FILE).read_text(encoding="utf-8"))
    failed_load: dict[str, list[dict[str, Any]]] = load["failed_parks"]
    years = sorted({int(y) for y in firms["year"].dropna()})
    chosen: int = years[-1] if year is None else year
    if chosen not in years:
        raise ArgumentError(
            text("firm_batch.no_firms", language, year=chosen, years=", ".join(map(str, years)))
        )
    of_year = firms[firms["year"] == chosen]
    have = sorted(of_year["park_id"].dropna().astype(str).unique())
    names, bad = _pick_parks(have, wanted, registry, chosen, list(failed_load))
    parks = _classify(of_year, names, registry, settings, language)
    for park_id in bad:  # its rows have errors: listed with them, its old outputs removed
        label = _label(park_id, registry, False, language)
        error = _issue_text(failed_load[park_id], language)
        parks.append(_Park(park_id, label, label, 0, False, error=error))
        _remove_stale(out_dir, park_id, chosen, language)
    parks.sort(key=lambda p: p.park_id)
    run_key = digest(key, settings, chosen, language)
    books, all_book = _workbooks(out_dir, parks, chosen, run_key, force, language)
    base = {
        "data": str(prepared.resolve()),
        "year": chosen,
        "schemes": settings["schemes"],
        "cutoffs": settings["cutoffs"],
        "policies": policies,
        "projects": (
            str((prepared / PROJECTS_FILE).resolve())
            if (prepared / PROJECTS_FILE).is_file()
            else None
        ),
        "rule": settings["rule"],
        "language": language,
    }
    title = text("firm_batch.index_title", language)
    titles = {p.park_id: f"{p.label} · {title}" for p in parks}
    runnable = [p.park_id for p in parks if p.classified is not None]
    todo = [
        dataclasses.replace(job, output=f"{safe_name(job.name)}.html")
        for job in plan_jobs(runnable, titles, notebook, base, key, True, timeout)
    ]
    outcomes = [
        Outcome(p.park_id, False, f"{safe_name(p.park_id)}.html", p.error)
        for p in parks
        if p.classified is None
    ]
    outcomes += [
        Outcome(job.name, True, job.output, cached=True)
        for job in todo
        if not force and is_cached(out_dir, job)
    ]
    done = {o.name for o in outcomes}
    pending = [job for job in todo if job.name not in done]

    evaluated = {p.park_id for p in parks}
    new_parks = [p for p in load["new_parks"] if p in evaluated]
    failed_files = {f: _issue_text(i, language) for f, i in load["failed_files"].items()}
    notices = [text("firm_fixes.new_parks", language, parks=sep("list", language).join(new_parks))]
    notices = notices if new_parks else []
    notices += [
        text("firm_fixes.file_failed", language, file=f, error=e) for f, e in failed_files.items()
    ]

    def finish(outcomes: list[Outcome]) -> EnterpriseBatchResult:
        order = {p.park_id: i for i, p in enumerate(parks)}
        outcomes.sort(key=lambda o: order.get(o.name, len(order)))
        files = [*outcomes, *books, *([all_book] if all_book else [])]

        def html(stamp: str) -> str:
            return render_index(
                parks,
                chosen,
                {o.name: o for o in outcomes},
                {o.name: o for o in books},
                all_book,
                stamp,
                language,
                notices,
            )

        index = _write_index(out_dir, html, files)
        return EnterpriseBatchResult(
            outcomes,
            books + ([all_book] if all_book is not None and not all_book.ok else []),
            index,
            out_dir,
            chosen,
            time.perf_counter() - start,
            out_dir / all_book.output if all_book is not None and all_book.ok else None,
            [p.park_id for p in parks],
            new_parks,
            failed_files,
        )

    try:
        if pending:
            outcomes += execute(pending, out_dir, executor, jobs, None, progress, language)
    except Stopped as stopped:
        outcomes += stopped.outcomes
        raise BatchInterrupted(finish(outcomes), stopped.signal_name) from None
    return finish(outcomes)


__all__ = ["EnterpriseBatchResult", "render_index", "run_enterprise_reports"]
