"""The Panel: parks, memberships, observations and targets, loaded and checked together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .catalog import Catalog, Indicator, default_catalog, read_catalog
from .errors import InputError, Issue
from .files import raw_files, table_of
from .normalize import (
    ISSUE_COLUMNS,
    MEMBERSHIP_COLUMNS,
    OBSERVATION_COLUMNS,
    PARK_COLUMNS,
    TARGET_COLUMNS,
    normalize_memberships,
    normalize_observations,
    normalize_parks,
    normalize_targets,
)
from .readers import read_table
from .registry import ParkRegistry

FILE_REPORT_COLUMNS = ["file", "table", "read", "loaded", "rejected", "empty"]


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


def _issue_objects(issues: pd.DataFrame) -> list[Issue]:
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


def build_panel(files: Sequence[Path], errors: str = "raise") -> Panel:
    """Read and check raw files of every table into a :class:`Panel`.

    ``errors="raise"`` raises :class:`InputError` listing every problem; ``"skip"`` keeps the
    valid rows and records the problems in ``panel.issues``.
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    by_table: dict[str, list[Path]] = {
        t: [] for t in ("parks", "memberships", "targets", "observations", "catalog")
    }
    issues: list[pd.DataFrame] = []
    report: list[dict[str, object]] = []
    for path in files:
        table = table_of(path)
        if table is None:
            issues.append(
                pd.DataFrame(
                    [
                        Issue(
                            path.name,
                            None,
                            None,
                            None,
                            f"unknown file type {path.suffix!r}",
                            "give data as .csv, .xlsx or .parquet (and catalogs as .yaml)",
                        ).as_dict()
                    ]
                )
            )
            continue
        by_table[table].append(path)
    catalog = _catalog_with(by_table["catalog"])

    def run(table: str, normalize: object) -> pd.DataFrame:
        outs = []
        for path in by_table[table]:
            try:
                raw = read_table(path)
            except InputError as exc:
                issues.append(pd.DataFrame([i.as_dict() for i in exc.issues])[ISSUE_COLUMNS])
                report.append(
                    {
                        "file": str(path),
                        "table": table,
                        "read": 0,
                        "loaded": 0,
                        "rejected": 0,
                        "empty": 0,
                    }
                )
                continue
            clean, found = normalize(raw)  # type: ignore[operator]
            issues.append(found)
            bad = found[found["severity"] == "error"]
            rejected = (
                bad["row"].nunique() if bad["row"].notna().any() else (len(raw) if len(bad) else 0)
            )
            report.append(
                {
                    "file": str(path),
                    "table": table,
                    "read": len(raw),
                    "loaded": len(clean),
                    "rejected": int(rejected),
                    "empty": max(len(raw) - len(clean) - int(rejected), 0),
                }
            )
            outs.append(clean)
        return (
            pd.concat([o for o in outs if len(o)], ignore_index=True)
            if any(len(o) for o in outs)
            else pd.DataFrame()
        )

    parks = run("parks", normalize_parks)
    parks = parks if len(parks) else pd.DataFrame(columns=PARK_COLUMNS)
    dup = parks["park_id"].duplicated(keep="first")
    if dup.any():
        issues.append(
            pd.DataFrame(
                {
                    "file": "parks",
                    "sheet": None,
                    "row": None,
                    "column": "park_id",
                    "value": parks.loc[dup, "park_id"],
                    "problem": "park_id defined in two files",
                    "fix": "keep one definition of each park",
                    "severity": "error",
                }
            )[ISSUE_COLUMNS]
        )
        parks = parks[~dup]
    registry = ParkRegistry(parks)
    memberships = run("memberships", lambda raw: normalize_memberships(raw, parks))
    targets = run("targets", lambda raw: normalize_targets(raw, registry, catalog))
    observations = run("observations", lambda raw: normalize_observations(raw, registry, catalog))
    issue_frame = _concat(issues, ISSUE_COLUMNS)
    panel = Panel(
        parks=parks.reset_index(drop=True),
        memberships=memberships if len(memberships) else pd.DataFrame(columns=MEMBERSHIP_COLUMNS),
        observations=observations
        if len(observations)
        else pd.DataFrame(columns=OBSERVATION_COLUMNS),
        targets=targets if len(targets) else pd.DataFrame(columns=TARGET_COLUMNS),
        catalog=catalog,
        issues=issue_frame,
        files=pd.DataFrame(report, columns=FILE_REPORT_COLUMNS),
    )
    if errors == "raise" and len(panel.errors()):
        raise InputError(_issue_objects(panel.errors()))
    return panel


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
