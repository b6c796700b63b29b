"""Read the firm tables a park office fills in: the enterprise table of the 亩均效益 evaluation
(one row per firm, park and year) and the proposed industrial projects of the land-supply check.

Files are CSV / TSV in any encoding the observation reader handles (UTF-8 with or without BOM,
GBK/GB18030, Big5), Excel workbooks (sheets named 说明… / 参考… are skipped; the header row is
found by its headers) and Parquet. Headers are matched by the spec of ``data/enterprise.yaml``
(:mod:`parkdata.contract.enterprise_columns`): the Chinese header with or without its unit
(``用地面积（亩）``, ``用地面积(亩)``, ``用地面积``), its aliases (``信用代码``) or the English code
(``land_mu``). Every value is checked (:mod:`parkdata.inputs.enterprise_table`: numbers, flags,
ids and 统一社会信用代码 check digits, the plausibility rules); all problems are raised together
as one :class:`~parkdata.errors.InputError`, each naming file, sheet, row (as seen in the file),
column (the header as written), value and fix. Warnings are kept in ``attrs["warnings"]``.
Raw files are only read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parkdata.contract.enterprise_columns import (
    ENTERPRISE_COLUMNS,
    INPUTS,
    PROJECT_COLUMNS,
    PlausibilityRule,
    TableColumn,
    TableName,
    plausibility,
)
from parkdata.contract.registry import ParkRegistry
from parkdata.errors import ArgumentError, InputError, Issue
from parkdata.inputs.checks import Collector, issue_objects, map_distinct
from parkdata.inputs.enterprise_table import check_firm_rows
from parkdata.inputs.readers import (
    ORIGIN_COLUMNS,
    grid_cells,
    read_csv_cells,
    read_parquet_cells,
    workbook_grids,
)
from parkdata.inputs.sources import listed_files, table_of
from parkdata.inputs.statsheet import fold_header

PathLike = str | Path
ORIGIN = ("origin_file", "origin_sheet", "origin_row")
ENTERPRISE_TABLE_COLUMNS: tuple[str, ...] = (*ENTERPRISE_COLUMNS, *ORIGIN)
"""The columns of :func:`load_enterprises`' table, in order."""
PROJECT_TABLE_COLUMNS: tuple[str, ...] = (*PROJECT_COLUMNS, *ORIGIN)
"""The columns of :func:`load_projects`' table, in order."""
_UNIT_TAIL = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]*)\)$")  # after NFKC: （亩） is (亩)
_YEAR = re.compile(r"^(?P<year>\d{4})(?:\.0+)?\s*(?:年|年度)?$")
_FIRST_YEAR, _LAST_YEAR = 1949, 2100
_HEADER_ROWS = 30  # rows of a sheet searched for the header


@dataclass(frozen=True)
class _Spec:
    """What one firm table is: its columns, id, key of a row and plausibility rules."""

    table: TableName
    columns: Mapping[str, TableColumn]
    id_column: str
    key: tuple[str, ...]
    rules: tuple[PlausibilityRule, ...]
    what: str  # for messages: "enterprise" / "project"

    @property
    def lookup(self) -> dict[str, str]:
        return {fold_header(h): c.code for c in self.columns.values() for h in c.headers}

    def codes(self, kind: str) -> list[str]:
        return [c.code for c in self.columns.values() if c.kind == kind]


ENTERPRISES = _Spec(
    "enterprises",
    ENTERPRISE_COLUMNS,
    "enterprise_id",
    ("park_id", "year"),
    plausibility("enterprises"),
    "enterprise",
)
PROJECTS = _Spec("projects", PROJECT_COLUMNS, "project_id", (), plausibility("projects"), "project")


def _issue(
    file: str,
    sheet: str | None,
    column: str | None,
    problem: str,
    fix: str,
    row: int | None = None,
    value: str | None = None,
    severity: str = "error",
) -> Issue:
    return Issue(file, row, column, value, problem, fix, sheet=sheet, severity=severity)


def match_header(header: object, spec: _Spec = ENTERPRISES) -> tuple[str | None, str | None]:
    """(column code, the unit written in the header when it is not the column's) for a header
    as a user wrote it; (None, None) for a header that is no column of the table.

    >>> match_header("用地面积（亩）"), match_header("用地面积 (亩)"), match_header("land_mu")
    (('land_mu', None), ('land_mu', None), ('land_mu', None))
    >>> match_header("信用代码"), match_header("税收（元）"), match_header("地址")
    (('enterprise_id', None), ('tax', '元'), (None, None))
    """
    lookup = spec.lookup
    key = fold_header(header)
    if key in lookup:
        return lookup[key], None
    found = _UNIT_TAIL.match(key)
    if found is None or found["name"] not in lookup:
        return None, None
    code = lookup[found["name"]]
    unit = spec.columns[code].unit
    if unit is None or fold_header(unit) == found["unit"]:
        return code, None  # a note in brackets after a column without a unit
    return code, found["unit"]


def _header_row(grid: list[list[object]], spec: _Spec) -> int | None:
    """The row of a sheet holding the table's headers: three or more known headers, among them
    the id or the name."""
    for i, row in enumerate(grid[:_HEADER_ROWS]):
        codes = {match_header(c, spec)[0] for c in row if c is not None and str(c).strip()}
        codes.discard(None)
        if len(codes) >= 3 and codes & {spec.id_column, "name"}:
            return i
    return None


Part = tuple[str | None, pd.DataFrame]  # (sheet, text cells under the headers as written)


def _read_file(path: Path, label: str, spec: _Spec) -> tuple[list[Part], list[Issue]]:
    """Text cells (headers as written) of every table in a file, with origin columns."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        raw = read_csv_cells(path, label)
        return [(None, raw.frame)], raw.issues
    if suffix in (".parquet", ".pq"):
        return [(None, read_parquet_cells(path, label).frame)], []
    if suffix in (".xlsx", ".xlsm"):
        grids, issues = workbook_grids(path, label)
        frames: list[Part] = []
        for sheet, grid in grids:
            at = _header_row(grid, spec)
            if at is None:
                issues.append(
                    _issue(
                        label,
                        sheet,
                        None,
                        f"sheet {sheet!r} has no header row of the {spec.what} table "
                        f"({'/'.join(c.zh for c in list(spec.columns.values())[:4])} …)",
                        f"add the header row of the template (parkdata template --kind "
                        f"{spec.table}), or rename the sheet to start with 说明 if it holds no data",
                    )
                )
                continue
            frames.append((sheet, grid_cells(grid, at, label, sheet)))
        return frames, issues
    if suffix == ".xls":
        fix = "open it in Excel or WPS and save as .xlsx"
        raise InputError([_issue(label, None, None, "old .xls workbooks are not read", fix)])
    fix = "use .csv, .xlsx or .parquet"
    raise InputError([_issue(label, None, None, f"unknown file type {suffix!r}", fix)])


def _mapped(
    frame: pd.DataFrame, spec: _Spec, label: str, sheet: str | None
) -> tuple[pd.DataFrame | None, dict[str, str], list[Issue]]:
    """The frame with its columns renamed to codes (missing ones blank), the header each code
    was read from, and the problems of the headers; None when the rows cannot be read."""
    issues: list[Issue] = []
    headers: dict[str, list[str]] = {}
    for column in frame.columns:
        if column in ORIGIN_COLUMNS:
            continue
        code, unit = match_header(column, spec)
        if unit is not None:
            col = spec.columns[str(code)]
            issues.append(
                _issue(
                    label,
                    sheet,
                    str(column),
                    f"the header gives the unit {unit}, but {col.zh} is read in {col.unit}",
                    f"convert the figures to {col.unit} and write the header as {col.header}",
                )
            )
        elif code is not None:
            headers.setdefault(code, []).append(str(column))
        elif _has_values(frame[column]):
            issues.append(
                _issue(
                    label,
                    sheet,
                    str(column),
                    f"column not read: it is no column of the {spec.what} table",
                    "rename it to a header of the template (parkdata template --kind "
                    f"{spec.table}) if it should be read; otherwise ignore this warning",
                    severity="warning",
                )
            )
    for code, names in headers.items():
        if len(names) > 1:
            issues.append(
                _issue(
                    label,
                    sheet,
                    names[1],
                    f"columns {names} all mean {code!r} ({spec.columns[code].header})",
                    f"keep one of them (or rename the others, e.g. {names[1]}_原始)",
                )
            )
    for col in spec.columns.values():
        if col.required and col.code not in headers:
            issues.append(
                _issue(
                    label,
                    sheet,
                    col.header,
                    f"required column is missing (columns found: "
                    f"{[c for c in frame.columns if c not in ORIGIN_COLUMNS]})",
                    f"add a column {col.header} ({col.code}): {col.help}",
                )
            )
    if any(i.severity == "error" for i in issues):
        return None, {}, issues
    renamed = frame.rename(columns={names[0]: code for code, names in headers.items()})
    out = renamed.reindex(columns=[*spec.columns, *ORIGIN])
    return out, {code: names[0] for code, names in headers.items()}, issues


def _has_values(column: pd.Series) -> bool:
    text = column.astype(object).where(column.notna(), "").astype(str).str.strip()
    return bool((text != "").any())


def _text(column: pd.Series) -> pd.Series:
    """Stripped text; blanks (and missing cells) are None."""
    as_text = column.astype(object).where(column.notna(), "")
    as_text = as_text.map(lambda v: v.strip() if isinstance(v, str) else _plain(v))
    return as_text.astype(object).where(as_text != "", None)


def _plain(value: object) -> str:
    """A typed cell as text: 1001.0 → 1001 (Parquet ids and years)."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def parse_year(value: object) -> int | None:
    """The year a cell gives (2022, 2022.0, "2022", "2022年", full-width digits); None if none.

    >>> parse_year("２０２２年"), parse_year(2022.0), parse_year("22"), parse_year(1800)
    (2022, 2022, None, None)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    found = _YEAR.match(unicodedata.normalize("NFKC", _plain(value)).strip())
    if found is None:
        return None
    year = int(found["year"])
    return year if _FIRST_YEAR <= year <= _LAST_YEAR else None


def _rows_text(places: pd.DataFrame) -> str:
    """Rows as the user finds them: ``2, 5, 9`` in one file; ``a.csv rows 2, 5; b.xlsx …``."""
    parts = []
    for (file, sheet), group in places.groupby(["origin_file", "origin_sheet"], dropna=False):
        rows = ", ".join(str(int(r)) for r in group["origin_row"])
        where = file if pd.isna(sheet) else f"{file} sheet {sheet}"
        parts.append((where, rows))
    if len(parts) == 1:
        return parts[0][1]
    return "; ".join(f"{where} rows {rows}" for where, rows in parts)


def _parks(
    raw: pd.DataFrame, registry: ParkRegistry | None, required: bool, col: Collector
) -> tuple[pd.Series, list[Issue]]:
    """park_id per row (the name as written without a registry); an unknown or shared name is
    one issue per distinct name, listing its rows."""
    names = _text(raw["park_id"])
    if required:
        col.flag(names.isna(), "park_id", "no park given", "fill in the park (name or park_id)")
    if registry is None:
        return names, []
    ids = map_distinct(names, registry.resolve)
    issues = []
    bad = names.notna() & ids.isna()
    for name, rows in raw[bad].groupby(names[bad], sort=False):
        first = rows.iloc[0]
        shared = registry.shared_by(name)
        if shared:
            problem = f"the name is shared by parks {', '.join(shared)}"
            fix = "use the park_id, or a name only one park has"
        else:
            problem = "unknown park"
            close = "; ".join(registry.suggest(name)) or "none"
            fix = f"use a park_id or name from the park registry (closest known: {close})"
        issues.append(
            Issue(
                str(first["origin_file"]),
                int(first["origin_row"]),
                "park_id",
                str(name),
                f"{problem} (named in {len(rows)} row(s): {_rows_text(rows)})",
                fix,
                sheet=None if pd.isna(first["origin_sheet"]) else str(first["origin_sheet"]),
            )
        )
    return ids.where(names.notna(), None), issues


def _years(raw: pd.DataFrame, col: Collector) -> pd.Series:
    years = map_distinct(raw["year"], parse_year)
    given = _text(raw["year"]).notna()
    col.flag(~given, "year", "no year given", "write the year the figures are for, e.g. 2022")
    col.flag(
        given & years.isna(),
        "year",
        "not a year",
        f"write a year between {_FIRST_YEAR} and {_LAST_YEAR} such as 2022 (or 2022年)",
    )
    return years


def _placed(
    issues: Sequence[Issue], headers: Mapping[tuple[str, str | None], dict[str, str]]
) -> list[Issue]:
    """Issues with the column named as the user wrote its header."""
    out = []
    for issue in issues:
        written = headers.get((issue.file, issue.sheet), {}).get(issue.column or "")
        out.append(replace(issue, column=written) if written else issue)
    return out


def _files(path: PathLike | Sequence[PathLike], table: TableName) -> list[Path]:
    items = [Path(p) for p in ([path] if isinstance(path, (str, Path)) else path)]
    # a file named is read whatever its name; a folder gives the files of this table
    return [f for f in listed_files(items) if table_of(f) == table or any(f == i for i in items)]


def _labels(files: Sequence[Path]) -> dict[Path, str]:
    names = [p.name for p in files]
    return {p: (p.name if names.count(p.name) == 1 else str(p)) for p in files}


def _empty(spec: _Spec) -> pd.DataFrame:
    """The table with no rows, its columns typed as when it has some."""
    dtypes: dict[str, Any] = {"number": float, "flag": bool, "year": "int64"}
    columns = {c.code: dtypes.get(c.kind, object) for c in spec.columns.values()}
    columns.update(origin_file=object, origin_sheet=object, origin_row="int64")
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def _load(
    path: PathLike | Sequence[PathLike],
    spec: _Spec,
    parks: pd.DataFrame | None,
    errors: str = "raise",
) -> pd.DataFrame:
    """Read, check and stack every file of ``spec``'s table (see :func:`load_enterprises`)."""
    if errors not in ("raise", "skip"):
        raise ArgumentError(f"errors={errors!r}: use 'raise' or 'skip'")
    files = _files(path, spec.table)
    labels = _labels(files)
    issues: list[Issue] = []
    frames: list[pd.DataFrame] = []
    headers: dict[tuple[str, str | None], dict[str, str]] = {}
    for file in files:
        try:
            found, read_issues = _read_file(file, labels[file], spec)
        except InputError as exc:
            issues += exc.issues
            continue
        issues += read_issues
        for sheet, frame in found:
            mapped, written, header_issues = _mapped(frame, spec, labels[file], sheet)
            issues += header_issues
            if mapped is not None and len(mapped):
                frames.append(mapped)
                headers[(labels[file], sheet)] = written
    if not frames:
        return _finish(_empty(spec), issues, headers)
    raw = pd.concat(frames, ignore_index=True)
    registry = ParkRegistry(parks) if parks is not None else None
    out, found_issues = _checked(raw.copy(), spec, registry)
    issues += found_issues
    failed: dict[str, list[Issue]] = {}
    failed_files: dict[str, list[Issue]] = {}
    if errors == "skip" and any(i.severity == "error" for i in issues):
        placed = _placed([i for i in issues if i.severity == "error"], headers)
        failed, failed_files, bad = _failed_parks(raw, placed, registry)
        keep = ~_park_keys(raw, registry).isin(list(failed)) & ~bad
        if keep.any():
            warnings = [i for i in issues if i.severity != "error"]
            out, again = _checked(raw[keep.to_numpy()].reset_index(drop=True), spec, registry)
            issues = warnings + again  # left: rows of parks that had no error
        else:  # nothing could be read at all
            out = None
    if out is None or any(i.severity == "error" for i in issues):
        errors_found = [i for i in issues if i.severity == "error"]
        if not errors_found:  # every park failed: say why
            errors_found = [i for found in failed.values() for i in found]
            errors_found += [i for found in failed_files.values() for i in found]
        raise InputError(_placed(errors_found, headers))
    frame = _finish(out, issues, headers)
    if errors == "skip":
        frame.attrs["failed_parks"] = failed
        frame.attrs["failed_files"] = failed_files
    return frame


def _park_keys(raw: pd.DataFrame, registry: ParkRegistry | None) -> pd.Series:
    """The park of each raw row as :func:`load_enterprises` reports it: its id when the
    registry knows the name, else the name as written (None when blank)."""
    names = _text(raw["park_id"])
    if registry is None:
        return names
    ids = map_distinct(names, registry.resolve)
    return ids.where(ids.notna(), names)


def _failed_parks(
    raw: pd.DataFrame, errors: Sequence[Issue], registry: ParkRegistry | None
) -> tuple[dict[str, list[Issue]], dict[str, list[Issue]], pd.Series]:
    """(park → its error issues, file → the issues of a file none of whose rows was read, the
    rows with an error).

    An issue of a row fails the row's park; an issue of no row, or of a row that names no
    park, fails every park of its file (a firm whose park is unknown may be any of them)."""
    keys = _park_keys(raw, registry)
    files = raw["origin_file"].astype(str)
    sheets = raw["origin_sheet"].astype(object).where(raw["origin_sheet"].notna(), None)
    rows = pd.to_numeric(raw["origin_row"], errors="coerce")
    at = {
        (f, s, int(r)): k
        for f, s, r, k in zip(files, sheets, rows, keys, strict=True)
        if not pd.isna(r)
    }
    erred = {(i.file, i.sheet, i.row) for i in errors if i.row is not None}
    bad = pd.Series(
        [
            not pd.isna(r) and (f, s, int(r)) in erred
            for f, s, r in zip(files, sheets, rows, strict=True)
        ],
        index=raw.index,
        dtype=bool,
    )
    of_file: dict[str, list[str]] = {}
    for f, k in zip(files, keys, strict=True):
        if k is not None and not pd.isna(k):
            of_file.setdefault(f, [])
            if k not in of_file[f]:
                of_file[f].append(str(k))
    failed: dict[str, list[Issue]] = {}
    failed_files: dict[str, list[Issue]] = {}
    for issue in errors:
        park = at.get((issue.file, issue.sheet, issue.row)) if issue.row is not None else None
        if park is not None and not pd.isna(park):
            failed.setdefault(str(park), []).append(issue)
        elif of_file.get(issue.file):
            for key in of_file[issue.file]:
                failed.setdefault(key, []).append(issue)
        else:
            failed_files.setdefault(issue.file, []).append(issue)
    return failed, failed_files, bad


def _checked(
    raw: pd.DataFrame, spec: _Spec, registry: ParkRegistry | None
) -> tuple[pd.DataFrame | None, list[Issue]]:
    """The checked table of the stacked raw rows (None when a row has an error), and the
    problems found (errors and warnings)."""
    issues: list[Issue] = []
    col = Collector(raw, every_problem=True)
    park_required = spec.columns["park_id"].required
    raw["park_id"], park_issues = _parks(raw, registry, park_required, col)
    issues += park_issues
    if "year" in spec.columns:
        raw["year"] = _years(raw, col)
    for c in spec.columns.values():
        if c.kind in ("id", "text"):
            raw[c.code] = _text(raw[c.code])
        if c.kind == "text" and c.required and c.code != "park_id":
            col.flag(raw[c.code].isna(), c.code, "is blank", f"fill in {c.header} in every row")
    numbers = spec.codes("number")
    flags = spec.codes("flag")
    number_meta = {  # the enterprise inputs say which may be negative (tax, value added)
        c: INPUTS[c] if spec.table == "enterprises" and c in INPUTS else spec.columns[c]
        for c in numbers
    }
    values = truths = None
    try:
        values, truths = check_firm_rows(
            raw,
            [],
            number_meta,
            flags=flags,
            optional_numbers=numbers,
            required_flags=[c for c in flags if spec.columns[c].required],
            id_column=spec.id_column,
            key=spec.key,
            rules=spec.rules,
            label=spec.what + " table",
        )
    except InputError as exc:
        issues += exc.issues
    issues += issue_objects(col.issues())
    if any(i.severity == "error" for i in issues) or values is None or truths is None:
        return None, issues
    out = raw.copy()
    out[spec.id_column] = truths.attrs["ids"]
    out[numbers] = values[numbers]
    out[flags] = truths[flags].astype(bool)
    if "year" in spec.columns:
        out["year"] = out["year"].astype("int64")
    out["origin_row"] = out["origin_row"].astype("int64")
    out = out.reindex(columns=[*spec.columns, *ORIGIN])
    return out, [*issues, *values.attrs.get("warnings", [])]


def _finish(
    frame: pd.DataFrame,
    issues: Sequence[Issue],
    headers: Mapping[tuple[str, str | None], dict[str, str]],
) -> pd.DataFrame:
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise InputError(_placed(errors, headers))
    frame = frame.reset_index(drop=True)
    frame.attrs["warnings"] = _placed([i for i in issues if i.severity != "error"], headers)
    return frame


def load_enterprises(
    path: PathLike | Sequence[PathLike],
    parks: pd.DataFrame | None = None,
    errors: str = "raise",
) -> pd.DataFrame:
    """The enterprise table of one file, several, or a folder (every file whose name starts
    with ``enterprise`` or ``企业``): one row per firm, park and year.

    Columns (:data:`ENTERPRISE_TABLE_COLUMNS`): ``enterprise_id`` (统一社会信用代码 in capitals,
    or a local id), ``name``, ``park_id``, ``year`` (int), ``industry``, ``above_scale``; the
    numbers (float, NaN = blank) ``land_mu`` (亩), ``tax``, ``value_added``, ``revenue`` (万元),
    ``employees``, ``energy_tce``, ``emissions_t``, ``rd_expenditure``, ``electricity_kwh``,
    ``years_in_operation``; the flags (bool) ``tax_refund``, ``utility``, ``banned_industry``,
    ``failed_emission_limit``, ``safety_incident``; ``note``, ``source``, ``fictional`` and
    ``origin_file`` / ``origin_sheet`` / ``origin_row`` (the row as seen in the file: the first
    data row of a CSV is 2). With ``parks`` (a parks table, e.g. ``pkd.load().parks``) park
    names are resolved to park_ids; without it ``park_id`` is the name as written.

    With ``errors="raise"`` (the default) every problem is raised together as one
    :class:`~parkdata.errors.InputError`. With ``errors="skip"`` the rows of a park that has an
    error are left out and ``attrs["failed_parks"]`` maps that park (its id, or the name as
    written when no registry knows it) to its error issues; a problem of no row (a header, a
    sheet) fails every park of its file, and one of a file none of whose rows could be read is
    in ``attrs["failed_files"]`` (file → issues); when no row at all is left, the InputError is
    raised. Warnings (value added above revenue …, columns not read) are ``attrs["warnings"]``.
    A folder with no firm rows (an empty template) gives an empty table.
    """
    return _load(path, ENTERPRISES, parks, errors)


def load_projects(
    path: PathLike | Sequence[PathLike], parks: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The proposed industrial projects of one file, several, or a folder (every file whose
    name starts with ``project`` or ``项目``), checked as :func:`load_enterprises` checks firms.

    Columns (:data:`PROJECT_TABLE_COLUMNS`): ``project_id``, ``name``, ``park_id`` (None when
    blank), ``investment`` (固定资产投资, 万元), ``land_mu`` (拟用地面积, 亩; > 0 or blank),
    ``special_requirement`` (bool: 有特殊工业要求、不适于入驻标准厂房), ``note`` and the origin
    columns.
    """
    return _load(path, PROJECTS, parks)
