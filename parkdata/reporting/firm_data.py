"""Firm data for the 亩均效益 page and batch: the firm table (and proposed projects) with park
names resolved to ids by one park registry.

The registry is, in this order, a parks table given, the data's own parks files (``parks*.csv``
in the data folder), the bundled registry (``data/raw/parks.csv``) and the fictional demo parks
for ``demo_NNNN`` ids. A park name the registry knows becomes its id (湖口高新园区 →
``hukou_hitech``, hence its province and policy set); a name it does not know stays as written:
a new park, evaluated under that name (:attr:`FirmData.new_parks`). A name several parks share
is an error of its rows (never a coin toss).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parkdata import paths
from parkdata.contract.registry import ParkRegistry
from parkdata.errors import InputError, Issue
from parkdata.inputs.demo import demo_parks
from parkdata.inputs.enterprise_files import PROJECT_TABLE_COLUMNS, load_enterprises, load_projects
from parkdata.inputs.parks import normalize_parks
from parkdata.inputs.sources import raw_files, table_of

PathLike = str | Path
REGISTRY_COLUMNS = ("park_id", "name_zh", "short_name_zh", "aliases_zh", "kind", "province")
"""The columns of :func:`park_registry` (and ``fictional``, a bool)."""
_DEMO_ID = re.compile(r"^demo_(\d{4})$")


@dataclass
class FirmData:
    """Firms (and projects) with park ids resolved, the registry used, and what went wrong."""

    firms: pd.DataFrame
    registry: pd.DataFrame
    projects: pd.DataFrame | None = None
    new_parks: list[str] = field(default_factory=list)
    """Parks named in the data that the registry does not know (evaluated under the name)."""
    failed_parks: dict[str, list[Issue]] = field(default_factory=dict)
    """With ``errors="skip"``: park → the errors that kept its rows out."""
    failed_files: dict[str, list[Issue]] = field(default_factory=dict)
    """With ``errors="skip"``: file → the errors of a file none of whose rows could be read."""

    @property
    def warnings(self) -> list[Issue]:
        return list(self.firms.attrs.get("warnings", []))


def _read_parks(path: Path) -> pd.DataFrame | None:
    """A parks CSV as registry rows (None when it cannot be read: names then stay as written)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError):  # names only: the firms are what counts
        return None
    raw = raw.assign(origin_file=path.name, origin_row=range(2, len(raw) + 2))
    parks, _ = normalize_parks(raw)
    return parks


def park_registry(
    data: PathLike | Sequence[PathLike] | pd.DataFrame | None = None,
    parks: pd.DataFrame | None = None,
    ids: Iterable[object] = (),
) -> pd.DataFrame:
    """Registry rows to resolve and name parks by: ``parks`` (given), the parks files of the
    data folder ``data``, the bundled registry, then the demo parks for the ``demo_NNNN`` among
    ``ids``; the first row of a park_id wins. Columns :data:`REGISTRY_COLUMNS` (text) and
    ``fictional`` (bool)."""
    tables: list[pd.DataFrame | None] = [parks]
    if isinstance(data, (str, Path)) and Path(data).is_dir():
        own = [f for f in raw_files(Path(data)) if table_of(f) == "parks" and f.suffix == ".csv"]
        tables += [_read_parks(f) for f in own]
    bundled = paths.BUNDLED_RAW_DIR / "parks.csv"
    if bundled.exists():
        tables.append(_read_parks(bundled))
    numbers = [int(m.group(1)) for i in ids if (m := _DEMO_ID.match(str(i)))]
    if numbers:
        tables.append(demo_parks(max(numbers)).assign(fictional=True))
    found = [t for t in tables if t is not None and len(t)]
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in REGISTRY_COLUMNS}).assign(
            fictional=pd.Series(dtype=bool)
        )
    table = pd.concat(found, ignore_index=True).drop_duplicates("park_id", keep="first")
    out = table.reindex(columns=list(REGISTRY_COLUMNS)).fillna("").astype(str)
    flags = table["fictional"] if "fictional" in table else pd.Series(False, index=table.index)
    out["fictional"] = flags.astype(str).str.lower().isin(["true", "1", "yes", "是"]).to_numpy()
    return out.reset_index(drop=True)


def _lookup(registry: pd.DataFrame) -> ParkRegistry:
    return ParkRegistry(registry.reindex(columns=list(REGISTRY_COLUMNS)).fillna(""))


def resolve_park(registry: pd.DataFrame, name: object) -> str:
    """The park_id ``name`` stands for in ``registry``; a name it does not know as written."""
    return _lookup(registry).resolve(name) or str(name).strip()


def pick_parks(
    have: Sequence[str], wanted: Sequence[str] | None, registry: pd.DataFrame
) -> tuple[list[str], list[str]]:
    """(park ids chosen, the wanted ones with no firms): ``wanted`` (ids, or names and aliases
    the registry knows), or all of ``have``."""
    if not wanted:
        return list(have), []
    known = _lookup(registry)
    found = list(dict.fromkeys(w if w in have else known.resolve(w) or w for w in wanted))
    return [p for p in found if p in have], [p for p in found if p not in have]


def _resolved(
    table: pd.DataFrame, known: ParkRegistry, what: str
) -> tuple[pd.DataFrame, dict[str, list[Issue]]]:
    """``table`` with its park names resolved; the rows of a name several parks share are
    issues (per name, at its first row), the name's rows left as written."""
    if "park_id" not in table.columns or not len(table):
        return table, {}
    out = table.copy()
    names = out["park_id"]
    given = names.notna() & (names.astype(str).str.strip() != "")
    written = names.astype(object).where(given, None)
    distinct = {str(n) for n in written.dropna().unique()}
    ids = {n: known.resolve(n) for n in distinct}
    out["park_id"] = written.map(lambda n: None if n is None else ids[str(n)] or str(n).strip())
    issues: dict[str, list[Issue]] = {}
    for name in sorted(n for n in distinct if ids[n] is None and known.shared_by(n)):
        rows = out[written.astype(str) == name]
        first = rows.iloc[0]
        sheet = first.get("origin_sheet")
        issue = Issue(
            str(first.get("origin_file", what)),
            None if pd.isna(first.get("origin_row")) else int(first["origin_row"]),
            "park_id",
            name,
            f"the park name is shared by parks {', '.join(known.shared_by(name))} "
            f"({len(rows)} {what} row(s))",
            "use the park_id, or a name only one park has",
            sheet=None if sheet is None or pd.isna(sheet) else str(sheet),
        )
        issues.setdefault(name, []).append(issue)
    return out, issues


def load_project_table(
    projects: PathLike | Sequence[PathLike] | pd.DataFrame, registry: pd.DataFrame
) -> pd.DataFrame:
    """Proposed projects (files, a table, or a Parquet table prepared by the batch) with park
    names resolved by ``registry``."""
    if isinstance(projects, pd.DataFrame):
        table = projects.copy()
    elif (
        isinstance(projects, (str, Path))
        and Path(projects).suffix.lower() in (".parquet", ".pq")
        and Path(projects).is_file()
        and set(PROJECT_TABLE_COLUMNS) <= set(pd.read_parquet(projects).columns)
    ):
        table = pd.read_parquet(projects)  # a checked table (the batch's prepared one)
    else:
        table = load_projects(projects)
    out, issues = _resolved(table, _lookup(registry), "project")
    if issues:
        raise InputError([i for found in issues.values() for i in found])
    out.attrs = dict(table.attrs)
    return out


def load_firm_data(
    data: PathLike | Sequence[PathLike] | pd.DataFrame,
    projects: PathLike | Sequence[PathLike] | pd.DataFrame | None = None,
    parks: pd.DataFrame | None = None,
    errors: str = "raise",
    ids: Iterable[object] = (),
) -> FirmData:
    """The firms of ``data`` (files, a folder, or a loaded table) and the ``projects`` (files,
    a table or a prepared Parquet table), park names resolved to ids by :func:`park_registry`
    (``parks`` first; ``ids``: more park ids that may be demo parks). ``errors`` as
    :func:`~parkdata.inputs.enterprise_files.load_enterprises`: with ``"skip"`` a park whose
    rows have errors is left out and listed in :attr:`FirmData.failed_parks`."""
    if isinstance(data, pd.DataFrame):
        firms = data.copy()
        firms.attrs = dict(data.attrs)
    else:
        firms = load_enterprises(data, errors=errors)
    failed = dict(firms.attrs.get("failed_parks", {}))
    failed_files = dict(firms.attrs.get("failed_files", {}))
    names = firms["park_id"].dropna().astype(str).tolist() if "park_id" in firms else []
    registry = park_registry(data, parks, [*ids, *names, *failed])
    known = _lookup(registry)
    attrs = dict(firms.attrs)
    firms, shared = _resolved(firms, known, "firm")
    firms.attrs = {k: v for k, v in attrs.items() if k not in ("failed_parks", "failed_files")}
    if shared and errors != "skip":
        raise InputError([i for found in shared.values() for i in found])
    if shared:  # each such name fails alone, as written
        firms = firms[~firms["park_id"].isin(list(shared))].reset_index(drop=True)
        firms.attrs = {k: v for k, v in attrs.items() if k == "warnings"}
    failures: dict[str, list[Issue]] = {}
    for name, issues in [*failed.items(), *shared.items()]:
        failures.setdefault(known.resolve(name) or name, []).extend(issues)
    table = load_project_table(projects, registry) if projects is not None else None
    ids_known = set(registry["park_id"])
    have = firms["park_id"].dropna().astype(str).unique() if "park_id" in firms else []
    new = sorted({p for p in [*have, *failures] if p not in ids_known})
    return FirmData(firms, registry, table, new, failures, failed_files)


__all__ = [
    "REGISTRY_COLUMNS",
    "FirmData",
    "load_firm_data",
    "load_project_table",
    "park_registry",
    "pick_parks",
    "resolve_park",
]
