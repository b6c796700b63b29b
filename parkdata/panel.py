"""The Panel: parks, memberships, observations and targets, loaded and checked together."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths
from .catalog import Catalog, Indicator, default_catalog, read_catalog
from .checks import (
    ISSUE_COLUMNS,
    MEMBERSHIP_COLUMNS,
    OBSERVATION_COLUMNS,
    PARK_COLUMNS,
    TARGET_COLUMNS,
)
from .errors import InputError, Issue
from .files import TABLES, raw_files, table_of
from .observations import check_duplicates, normalize_observations
from .parks import normalize_memberships, normalize_parks
from .readers import read_table
from .registry import ParkRegistry
from .targets import normalize_targets

FILE_REPORT_COLUMNS = ["file", "table", "read", "loaded", "rejected", "repeated", "empty"]


@dataclass
class Panel:
    """Everything parkdata knows about a set of parks, as tidy DataFrames.

    ``observations`` values are in the catalog's canonical unit (``unit``); what the source printed
    is kept in ``value_reported`` / ``unit_reported``; ``source`` and ``origin_*`` trace every row.
    """

    parks: pd.DataFrame
    memberships: pd.DataFrame
    observations: pd.DataFrame
    targets: pd.DataFrame
    catalog: Catalog = field(default_factory=default_catalog, repr=False)
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FILE_REPORT_COLUMNS))

    def __repr__(self) -> str:
        return (
            f"Panel({len(self.parks)} parks, {len(self.observations)} observations, "
            f"{len(self.targets)} targets, {len(self.errors())} errors)"
        )

    def errors(self) -> pd.DataFrame:
        """Issues that rejected a row (warnings excluded)."""
        return self.issues[self.issues["severity"] == "error"]

    def members(self, group_id: str) -> list[str]:
        """Member park ids of a group."""
        return self.memberships.loc[self.memberships["group_id"] == group_id, "member_id"].tolist()

    def summary(self) -> pd.DataFrame:
        """One row per park: Chinese name, kind, counts of observations and targets, years covered."""
        obs = self.observations.groupby("park_id").agg(
            observations=("value", "size"),
            indicators=("indicator", "nunique"),
            first=("period", "min"),
            last=("period", "max"),
        )
        tgt = self.targets.groupby("park_id").agg(targets=("target_id", "size"))
        out = self.parks.set_index("park_id")[["kind", "level", "fictional"]]
        out.insert(0, "name", self.park_labels())
        out = out.join(obs).join(tgt)
        out[["observations", "indicators", "targets"]] = (
            out[["observations", "indicators", "targets"]].fillna(0).astype(int)
        )
        return out.sort_values(["targets", "observations"], ascending=False)

    def park_labels(self) -> pd.Series:
        """park_id → the short Chinese name users read; fictional parks carry （虚构）."""
        parks = self.parks.set_index("park_id")
        fictional = parks["fictional"].astype(bool)
        return parks["short_name_zh"].where(~fictional, parks["short_name_zh"] + "（虚构）")

    def with_names(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with Chinese park and indicator names added (虚构 marks fictional parks)."""
        label = self.park_labels()
        out = frame.copy()
        if "park_id" in out:
            out.insert(
                out.columns.get_loc("park_id") + 1, "park_name_zh", out["park_id"].map(label)
            )
        if "indicator" in out:
            names = {ind.code: ind.name_zh for ind in self.catalog}
            out.insert(
                out.columns.get_loc("indicator") + 1,
                "indicator_name_zh",
                out["indicator"].map(names),
            )
        return out


def issue_objects(issues: pd.DataFrame) -> list[Issue]:
    """Rows of an issues table as :class:`Issue` objects (for printing)."""
    return [
        Issue(
            file=str(r.file),
            sheet=None if pd.isna(r.sheet) else str(r.sheet),
            row=None if pd.isna(r.row) else int(r.row),
            column=None if pd.isna(r.column) else str(r.column),
            value=None if pd.isna(r.value) else str(r.value),
            problem=str(r.problem),
            fix=str(r.fix),
            severity=str(r.severity),
        )
        for r in issues.itertuples(index=False)
    ]


def _concat(frames: Iterable[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return (
        pd.concat(frames, ignore_index=True)[list(columns)]
        if frames
        else pd.DataFrame(columns=list(columns))
    )


def _labels(files: Sequence[Path]) -> dict[Path, str]:
    """How each file is named in messages: its name, or its path where two names coincide."""
    names = [p.name for p in files]
    return {p: (p.name if names.count(p.name) == 1 else str(p)) for p in files}


def _issue_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    return pd.DataFrame([i.as_dict() for i in issues], columns=ISSUE_COLUMNS)


def build_panel(files: Sequence[Path], errors: str = "raise") -> Panel:
    """Read and check raw files of every table into a :class:`Panel`.

    ``errors="raise"`` raises :class:`InputError` listing every problem; ``"skip"`` keeps the
    valid rows and records the problems in ``panel.issues``.
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    labels = _labels(files)
    by_table: dict[str, list[Path]] = {t: [] for t in TABLES}
    issues: list[pd.DataFrame] = []
    report: dict[str, dict[str, Any]] = {}
    for path in files:
        table = table_of(path)
        if table is None:
            issues.append(
                _issue_frame(
                    [
                        Issue(
                            labels[path],
                            None,
                            None,
                            None,
                            f"unknown file type {path.suffix!r}",
                            "give data as .csv, .xlsx or .parquet (and catalogs as .yaml)",
                        )
                    ]
                )
            )
            continue
        by_table[table].append(path)
    catalog = _catalog_with(by_table["catalog"])

    def run(
        table: str, normalize: Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]]
    ) -> pd.DataFrame:
        outs = []
        for path in by_table[table]:
            label = labels[path]
            stats: dict[str, Any] = {"file": str(path), "table": table, "read": 0, "empty": 0}
            report[label] = stats
            try:
                raw = read_table(path, label)
            except InputError as exc:
                issues.append(_issue_frame(exc.issues))
                continue
            issues.append(_issue_frame(raw.issues))
            if not len(raw.frame):
                continue
            clean, found = normalize(raw.frame)
            issues.append(found)
            stats.update(read=len(raw.frame), empty=clean.attrs.get("empty", 0))
            outs.append(clean)
        frames = [o for o in outs if len(o)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    parks = run("parks", normalize_parks)
    parks = (
        parks if len(parks) else pd.DataFrame(columns=[*PARK_COLUMNS, "origin_file", "origin_row"])
    )
    again = parks["park_id"].duplicated(keep="first")
    if again.any():
        first = parks.drop_duplicates("park_id").set_index("park_id")
        dup = parks[again]
        issues.append(
            pd.DataFrame(
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
                    "bundled=False)",
                    "severity": "error",
                }
            )[ISSUE_COLUMNS]
        )
        parks = parks[~again]
    parks = parks.drop(columns=["origin_file", "origin_row"]).reset_index(drop=True)
    registry = ParkRegistry(parks)
    memberships = run("memberships", lambda raw: normalize_memberships(raw, parks))
    targets = run("targets", lambda raw: normalize_targets(raw, registry, catalog))
    observations = run("observations", lambda raw: normalize_observations(raw, registry, catalog))
    if len(observations):
        observations, found = check_duplicates(observations)
        issues.append(found)
        observations = observations.drop(columns="source_given").reset_index(drop=True)
    issue_frame = _concat(issues, ISSUE_COLUMNS)
    counted = [f["origin_file"].value_counts() for f in (targets, observations) if len(f)]
    loaded = pd.concat(counted) if counted else pd.Series(dtype=int)
    _fill_report(report, issue_frame, loaded)
    panel = Panel(
        parks=parks,
        memberships=memberships if len(memberships) else pd.DataFrame(columns=MEMBERSHIP_COLUMNS),
        observations=observations
        if len(observations)
        else pd.DataFrame(columns=OBSERVATION_COLUMNS),
        targets=targets if len(targets) else pd.DataFrame(columns=TARGET_COLUMNS),
        catalog=catalog,
        issues=issue_frame,
        files=pd.DataFrame(list(report.values()), columns=FILE_REPORT_COLUMNS),
    )
    if errors == "raise" and len(panel.errors()):
        raise InputError(issue_objects(panel.errors()))
    return panel


def _fill_report(
    report: dict[str, dict[str, Any]], issues: pd.DataFrame, loaded: pd.Series
) -> None:
    """Per file: rows read, loaded, rejected (an error), dropped as repeats, empty (no value)."""
    errors = issues[issues["severity"] == "error"]
    repeats = issues[issues["problem"].astype(str).str.startswith("dropped: the same")]
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


def _catalog_with(extra_files: Sequence[Path]) -> Catalog:
    """The default catalog, extended by ``catalog*.yaml`` / ``indicators*.yaml`` files."""
    if not extra_files:
        return default_catalog()
    base: list[Indicator] = [i for i in default_catalog() if i.growth_of is None]
    for path in extra_files:
        base += [
            i
            for i in read_catalog(path.read_text(encoding="utf-8"), str(path))
            if i.growth_of is None
        ]
    return Catalog(base)


def load(
    path: str | Path | Sequence[str | Path] | None = None,
    *,
    bundled: bool | None = None,
    errors: str = "raise",
) -> Panel:
    """Load a Panel: the bundled real data by default, or your own files or folder.

    Your files are read on top of the bundled registry and targets (``bundled=True``, the default
    when a path is given) so observations for the bundled parks need no parks.csv of their own;
    pass ``bundled=False`` to read only your files. A processed folder (``manifest.json`` +
    Parquet from ``parkdata ingest``) is read directly.

    >>> import parkdata as pkd
    >>> panel = pkd.load()
    >>> panel.targets.query("park_id == 'hukou_hitech'").shape[0] > 0
    True
    """
    from .ingest import is_processed_dir, read_processed

    if path is None:
        return build_panel(raw_files(paths.BUNDLED_RAW_DIR), errors=errors)
    items = [Path(p) for p in ([path] if isinstance(path, (str, Path)) else path)]
    if len(items) == 1 and is_processed_dir(items[0]):
        return read_processed(items[0])
    files: list[Path] = []
    for item in items:
        if not item.exists():
            raise InputError(
                [Issue(str(item), None, None, None, "file or folder not found", "check the path")]
            )
        files += raw_files(item)
    if bundled is None or bundled:
        user = {f.resolve() for f in files}
        files = [f for f in raw_files(paths.BUNDLED_RAW_DIR) if f.resolve() not in user] + files
    return build_panel(files, errors=errors)
