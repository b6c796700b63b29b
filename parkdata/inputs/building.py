"""Build a Panel from raw files: read each file, check it against the contract, resolve names,
drop repeats and reject conflicts across files, and count what happened to every file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata.contract.indicator_catalog import Catalog, default_catalog, read_catalog
from parkdata.contract.panel import FIRM_COLUMNS, Panel
from parkdata.contract.registry import ParkRegistry
from parkdata.contract.tables import (
    FILE_REPORT_COLUMNS,
    ISSUE_COLUMNS,
    MEMBERSHIP_COLUMNS,
    OBSERVATION_COLUMNS,
    PARK_COLUMNS,
    TARGET_COLUMNS,
)
from parkdata.errors import InputError, Issue
from parkdata.inputs.checks import issue_objects
from parkdata.inputs.enterprise_files import load_enterprises
from parkdata.inputs.firm_totals import firm_observations
from parkdata.inputs.observations import REPEAT_PROBLEM, check_duplicates, normalize_observations
from parkdata.inputs.parks import normalize_memberships, normalize_parks
from parkdata.inputs.readers import read_table
from parkdata.inputs.sources import TABLES, table_of
from parkdata.inputs.targets import normalize_targets

Normalize = Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]]


def _frame(frames: Iterable[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """The non-empty frames stacked with ``columns`` (an empty table with them if none)."""
    kept = [f for f in frames if len(f)]
    if not kept:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(kept, ignore_index=True).reindex(columns=list(columns))


def _labels(files: Sequence[Path]) -> dict[Path, str]:
    """How each file is named in messages: its name, or its path where two names coincide."""
    names = [p.name for p in files]
    return {p: (p.name if names.count(p.name) == 1 else str(p)) for p in files}


def _issue_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    return pd.DataFrame([i.as_dict() for i in issues], columns=ISSUE_COLUMNS)


def extended_catalog(extra_files: Sequence[Path]) -> Catalog:
    """The shipped catalog, extended by ``catalog*.yaml`` / ``indicators*.yaml`` files."""
    catalog = default_catalog()
    for path in extra_files:
        catalog = catalog.with_extra(read_catalog(path.read_text(encoding="utf-8"), str(path)))
    return catalog


class _Reader:
    """Reads the files of each table, collecting issues and per-file counts."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.labels = _labels(files)
        self.by_table: dict[str, list[Path]] = {t: [] for t in TABLES}
        self.issues: list[pd.DataFrame] = []
        self.report: dict[str, dict[str, Any]] = {}
        for path in files:
            table = table_of(path)
            if table is None:
                self.issues.append(
                    _issue_frame(
                        [
                            Issue(
                                self.labels[path],
                                None,
                                None,
                                None,
                                f"unknown file type {path.suffix!r}",
                                "give data as .csv, .xlsx or .parquet (and catalogs as .yaml)",
                            )
                        ]
                    )
                )
            else:  # firm and project tables are listed but never read into the Panel
                self.by_table[table].append(path)

    def run(self, table: str, normalize: Normalize, columns: Sequence[str]) -> pd.DataFrame:
        """Every file of ``table`` read and checked; the valid rows stacked."""
        outs = []
        for path in self.by_table[table]:
            label = self.labels[path]
            stats: dict[str, Any] = {"file": str(path), "table": table, "read": 0, "empty": 0}
            self.report[label] = stats
            try:
                raw = read_table(path, label)
            except InputError as exc:
                self.issues.append(_issue_frame(exc.issues))
                continue
            self.issues.append(_issue_frame(raw.issues))
            if not len(raw.frame):
                continue
            clean, found = normalize(raw.frame)
            self.issues.append(found)
            stats.update(read=len(raw.frame), empty=clean.attrs.get("empty", 0))
            outs.append(clean)
        kept = [o for o in outs if len(o)]
        return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=list(columns))


def _unique_parks(parks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first definition of every park_id, and an issue for each later one."""
    again = parks["park_id"].duplicated(keep="first")
    first = parks.drop_duplicates("park_id").set_index("park_id")
    dup = parks[again]
    issues = pd.DataFrame(
        {
            "file": dup["origin_file"],
            "sheet": None,
            "row": dup["origin_row"],
            "column": "park_id",
            "value": dup["park_id"],
            "problem": "park_id already defined in "
            + dup["park_id"].map(first["origin_file"]).astype(str)
            + " row "
            + dup["park_id"].map(first["origin_row"]).astype(str),
            "fix": "keep one definition of each park (or load without the bundled data: "
            "bundled=False, --no-bundled)",
            "severity": "error",
        }
    ).reindex(columns=ISSUE_COLUMNS)
    kept = parks[~again].drop(columns=["origin_file", "origin_row"]).reset_index(drop=True)
    return kept, issues


def _firms(reader: _Reader, parks: pd.DataFrame) -> pd.DataFrame:
    """The 亩均 firm table of the ``enterprises*`` files (empty without any); its problems
    join the panel's issues, and an error in any of them leaves the firm table empty (with
    ``errors="raise"`` the load fails, as for any other table)."""
    files = reader.by_table["enterprises"]
    if not files:
        return pd.DataFrame(columns=FIRM_COLUMNS)
    try:
        firms = load_enterprises(files, parks=parks)
    except InputError as exc:
        reader.issues.append(_issue_frame(exc.issues))
        return pd.DataFrame(columns=FIRM_COLUMNS)
    reader.issues.append(_issue_frame(firms.attrs.get("warnings", [])))
    counts = firms["origin_file"].value_counts()
    for path in files:
        label = reader.labels[path]
        reader.report[label] = {
            "file": str(path),
            "table": "enterprises",
            "read": int(counts.get(label, 0)),
            "empty": 0,
        }
    return firms.reindex(columns=FIRM_COLUMNS)


def build_panel(files: Sequence[Path], errors: str = "raise") -> Panel:
    """Read and check raw files of every table into a :class:`Panel`.

    ``errors="raise"`` raises :class:`InputError` listing every problem; ``"skip"`` keeps the
    valid rows and records the problems in ``panel.issues``.
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    reader = _Reader(files)
    catalog = extended_catalog(reader.by_table["catalog"])
    parks, dup_issues = _unique_parks(
        reader.run("parks", normalize_parks, [*PARK_COLUMNS, "origin_file", "origin_row"])
    )
    reader.issues.append(dup_issues)
    registry = ParkRegistry(parks)
    memberships = reader.run(
        "memberships", lambda raw: normalize_memberships(raw, parks), MEMBERSHIP_COLUMNS
    )
    targets = reader.run(
        "targets", lambda raw: normalize_targets(raw, registry, catalog), TARGET_COLUMNS
    )
    observations = reader.run(
        "observations",
        lambda raw: normalize_observations(raw, registry, catalog),
        OBSERVATION_COLUMNS,
    )
    if len(observations):
        observations, found = check_duplicates(observations)
        reader.issues.append(found)
        observations = observations.drop(columns="source_given").reset_index(drop=True)
    firms = _firms(reader, parks)
    if len(firms):  # park 亩均 figures summed from firms, where the park reports none
        derived = firm_observations(firms, observations, catalog)
        if len(derived):  # typed as the reported rows, so a table's dtypes never change
            derived = derived.astype(observations.dtypes.to_dict())
            observations = pd.concat([observations, derived], ignore_index=True)
    issue_frame = _frame(reader.issues, ISSUE_COLUMNS)
    counted = [f["origin_file"].value_counts() for f in (targets, observations) if len(f)]
    _fill_report(
        reader.report, issue_frame, pd.concat(counted) if counted else pd.Series(dtype=int)
    )
    panel = Panel(
        parks=parks,
        memberships=memberships,
        observations=observations,
        targets=targets,
        catalog=catalog,
        issues=issue_frame,
        files=pd.DataFrame(list(reader.report.values()), columns=FILE_REPORT_COLUMNS),
        firms=firms,
    )
    if errors == "raise" and len(panel.errors()):
        raise InputError(issue_objects(panel.errors()))
    return panel


def _fill_report(
    report: dict[str, dict[str, Any]], issues: pd.DataFrame, loaded: pd.Series
) -> None:
    """Per file: rows read, loaded, rejected (an error), dropped as repeats, empty (no value)."""
    errors = issues[issues["severity"] == "error"]
    repeats = issues[issues["problem"].astype(str).str.startswith(REPEAT_PROBLEM)]
    for label, stats in report.items():
        mine = errors[errors["file"] == label]
        places = mine.dropna(subset=["row"]).drop_duplicates(["sheet", "row", "column"])
        whole_file = (mine["row"].isna() & mine["sheet"].isna()).any()  # not one bad sheet
        stats["rejected"] = stats["read"] if whole_file else len(places)
        stats["repeated"] = int((repeats["file"] == label).sum())
        if stats["table"] in ("targets", "observations"):
            stats["loaded"] = int(loaded.get(label, 0))
        else:
            stats["loaded"] = stats["read"] - stats["rejected"]
