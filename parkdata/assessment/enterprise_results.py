"""亩均效益 classes for every park and year: classification per (park, year) with the scheme that
holds each firm (规上 / 规下), the class mix with the scores that separate the classes, and the
firms that changed class since the previous year.

The math is :func:`~parkdata.assessment.enterprises.classify_enterprises`, called once per
scheme for all parks and years at once (``by=["park_id", "year"]``): ranks, pools and means are
per (park_id, year, scheme). Results are codes and numbers: ``move`` is up / down / same / new / gone /
unrated; the words are ``land_supply.move_<code>`` in ``data/text.yaml``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from parkdata.assessment.enterprise_scheme import (
    DEFAULT_RULES,
    SCHEMES,
    EfficiencyScheme,
    Rule,
    check_cutoffs,
)
from parkdata.assessment.enterprises import classify_enterprises
from parkdata.errors import ArgumentError, InputError, Issue
from parkdata.inputs.enterprise_table import TABLE_LABEL, check_enterprise_table
from parkdata.inputs.firm_totals import rows_by_group

DEFAULT_SCHEMES: tuple[str, ...] = ("huangyan_2022", "huangyan_2022_below_scale")
"""规上 firms by 黄岩 2022's 规上 scheme, 规下 firms by its 规下 scheme."""
CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
SUMMARY_STATUSES: tuple[str, ...] = ("classed", "not_rated", "not_scored")
MOVES: tuple[str, ...] = ("up", "down", "new", "gone", "unrated", "same")
"""Move codes in the order :func:`class_transitions` lists them (changes first)."""
MATRIX_LEVELS: tuple[str, ...] = (*CLASSES, "unrated", "absent")
"""Rows and columns of :func:`transition_matrix`: the classes, ``unrated`` (present but no class)
and ``absent`` (no row that year)."""
CARRIED: tuple[str, ...] = ("origin_file", "origin_sheet", "origin_row", "fictional")
_KEY = ["park_id", "year"]
Frame = TypeVar("Frame", pd.DataFrame, pd.Series)
_TAIL = ["score", "rank", "rank_share", "class", "status", "rules_fired", "out_of_scope"]


def _scheme_code(scheme: EfficiencyScheme) -> str:
    """The code of a bundled scheme (also when overridden with ``dataclasses.replace`` under the
    same name), else the scheme's name."""
    for code, known in SCHEMES.items():
        if known == scheme:
            return code
    for code, known in SCHEMES.items():
        if known.name == scheme.name:
            return code
    return scheme.name


def resolve_schemes(
    schemes: Sequence[str | EfficiencyScheme] | None,
) -> list[tuple[str, EfficiencyScheme]]:
    """(code, scheme) pairs for scheme codes or :class:`EfficiencyScheme` objects (default:
    :data:`DEFAULT_SCHEMES`); an unknown code is an :class:`ArgumentError` listing the codes."""
    given: Sequence[str | EfficiencyScheme] = DEFAULT_SCHEMES if schemes is None else schemes
    if isinstance(given, (str, EfficiencyScheme)):
        given = [given]
    out: list[tuple[str, EfficiencyScheme]] = []
    for item in given:
        if isinstance(item, EfficiencyScheme):
            out.append((_scheme_code(item), item))
        elif isinstance(item, str) and item in SCHEMES:
            out.append((item, SCHEMES[item]))
        else:
            raise ArgumentError(
                f"unknown 亩均 scheme {item!r}; choose from {list(SCHEMES)} "
                "(data/enterprise.yaml) or pass an EfficiencyScheme"
            )
    if not out:
        raise ArgumentError(f"give at least one scheme; choose from {list(SCHEMES)}")
    codes = [code for code, _ in out]
    if len(set(codes)) != len(codes):
        raise ArgumentError(f"schemes {codes} name one scheme twice")
    return out


def _cutoffs_for(
    cutoffs: Sequence[float] | Mapping[str, Sequence[float]] | None,
    resolved: list[tuple[str, EfficiencyScheme]],
) -> dict[str, tuple[float, float, float]]:
    """Checked cut-offs per scheme code: one triple for all, a mapping code → triple, or each
    scheme's own."""
    if isinstance(cutoffs, Mapping):
        stray = sorted(set(cutoffs) - {code for code, _ in resolved})
        if stray:
            raise ArgumentError(
                f"cut-offs given for schemes {stray} that are not used; "
                f"schemes in use: {[code for code, _ in resolved]}"
            )
        return {code: check_cutoffs(cutoffs.get(code, scheme.cutoffs)) for code, scheme in resolved}
    return {
        code: check_cutoffs(scheme.cutoffs if cutoffs is None else cutoffs)
        for code, scheme in resolved
    }


def _bare(frame: Frame) -> Frame:
    """A shallow copy without ``attrs`` (pandas compares attrs when concatenating)."""
    frame = frame.copy(deep=False)
    frame.attrs = {}
    return frame


def _in_scope(scheme: EfficiencyScheme, above: pd.Series) -> pd.Series:
    if scheme.scope == "all":
        return pd.Series(True, index=above.index)
    return above == (scheme.scope == "above_scale")


def _placed(error: InputError, rows: pd.DataFrame) -> InputError:
    """The error with each issue's row (1 = the first of ``rows``, a selection of the table
    classified) replaced by the file, sheet and row the firm came from when the table carries
    its origin, else by the firm's row in that table (1 = its first firm)."""
    issues = []
    for issue in error.issues:
        if issue.file == TABLE_LABEL and issue.row is not None and 0 < issue.row <= len(rows):
            at = rows.iloc[issue.row - 1]
            origin = at.get("origin_row")
            if origin is None or pd.isna(origin):
                issue = dataclasses.replace(issue, row=int(rows.index[issue.row - 1]) + 1)
            else:
                sheet = at.get("origin_sheet")
                issue = dataclasses.replace(
                    issue,
                    file=str(at.get("origin_file", TABLE_LABEL)),
                    sheet=None if pd.isna(sheet) else str(sheet),
                    row=int(origin),
                )
        issues.append(issue)
    return InputError(issues)


def _unrated(rows: pd.DataFrame) -> pd.DataFrame:
    """Firms in no scheme's scope: not rated, out of scope, no scheme."""
    return pd.DataFrame(
        {
            "enterprise_id": rows["enterprise_id"],
            "name": rows["name"],
            "score": np.nan,
            "rank": pd.array([pd.NA] * len(rows), dtype="Int64"),
            "rank_share": np.nan,
            "class": None,
            "status": "not_rated",
            "rules_fired": "",
            "out_of_scope": True,
            "indicator_notes": "",
        },
        index=rows.index,
    )


def _check_table(firms: pd.DataFrame) -> None:
    if not isinstance(firms, pd.DataFrame):
        raise TypeError("firms must be a pandas DataFrame with one row per firm, park and year")
    missing = [c for c in ("enterprise_id", "name", *_KEY) if c not in firms.columns]
    if missing:
        raise InputError(
            [
                Issue(
                    TABLE_LABEL,
                    None,
                    c,
                    None,
                    "required column is missing",
                    f"add a column {c!r}: the firm table has one row per firm, park and year",
                )
                for c in missing
            ]
        )


def classify_parks(
    firms: pd.DataFrame,
    schemes: Sequence[str | EfficiencyScheme] | None = None,
    cutoffs: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    rules: Sequence[Rule] = DEFAULT_RULES,
) -> pd.DataFrame:
    """Classify the firm table per (park_id, year) with
    :func:`~parkdata.assessment.enterprises.classify_enterprises` (one pass per scheme).

    ``schemes`` are scheme codes (``data/enterprise.yaml``) or :class:`EfficiencyScheme` objects;
    default :data:`DEFAULT_SCHEMES` (黄岩 2022 规上, 规下). Each firm is rated by the first scheme
    whose scope holds it; a firm in no scheme's scope is ``not_rated`` with ``out_of_scope`` and
    no ``scheme``. Ranks, rank shares, min-max pools and mean fills are per (park_id, year,
    scheme). ``cutoffs``: one (A, B, C) triple for every scheme, a mapping scheme code → triple,
    or None for each scheme's own.

    Returns one row per input row, in the input's order and index: classify_enterprises'
    columns (the indicators and ``score_<code>`` columns of every scheme used; NaN where a
    firm's scheme lacks them) plus ``year``, ``scheme`` (code; a passed scheme's name when it is
    not a bundled one) and the input's ``origin_file``, ``origin_sheet``, ``origin_row`` and
    ``fictional`` columns (those present). ``attrs["groups"]``: a list of dicts ``park_id``,
    ``year``, ``scheme``, ``cutoffs``, ``n_ranked``; ``attrs["schemes"]``: code → name; ``attrs["warnings"]``: the input's warnings
    and those the checks found (each once).

    Bad rows raise :class:`InputError` naming the file and row they came from (with
    ``origin_*`` columns) or the row within ``firms`` (1 = its first firm); the problems of
    every park and year come together.
    """
    _check_table(firms)
    resolved = resolve_schemes(schemes)
    cuts = _cutoffs_for(cutoffs, resolved)
    table = firms.reset_index(drop=True)
    parts: list[pd.DataFrame] = []
    warnings: list[Issue] = list(firms.attrs.get("warnings", []))
    above_all: pd.Series | None = None
    if any(s.scope != "all" for _, s in resolved):  # 规上/规下 read once for the whole table
        try:
            _, truths = check_enterprise_table(
                table, [], {}, flags=["above_scale"], required_flags=["above_scale"]
            )
        except InputError as exc:
            raise _placed(exc, table) from None
        above_all = _bare(truths["above_scale"])
    above = above_all if above_all is not None else pd.Series(False, index=table.index)
    left = pd.Series(True, index=table.index)
    for code, scheme in resolved:  # each firm by the first scheme whose scope holds it
        take = left & _in_scope(scheme, above)
        if not take.any():
            continue
        left &= ~take
        try:
            out = classify_enterprises(table[take], scheme, cuts[code], rules, by=_KEY)
        except InputError as exc:
            raise _placed(exc, table[take]) from None
        out["scheme"] = code
        warnings.extend(out.attrs.get("warnings", []))
        parts.append(out)
    if left.any():
        rest = _unrated(table[left])
        rest["scheme"] = None
        parts.append(rest)
    groups = _groups(table, parts, resolved, cuts)
    out = _assemble(table, firms, parts, resolved, groups, above_all, rules)
    out.attrs["warnings"] = list(dict.fromkeys(warnings))
    return out


def _groups(
    table: pd.DataFrame,
    parts: list[pd.DataFrame],
    resolved: list[tuple[str, EfficiencyScheme]],
    cuts: dict[str, tuple[float, float, float]],
) -> list[dict[str, Any]]:
    """``attrs["groups"]``: one dict per (park_id, year, scheme) with firms, sorted by park and
    year, then in the order the schemes were given."""
    order = {code: i for i, (code, _) in enumerate(resolved)}
    rated = [p for p in parts if p["scheme"].notna().any()]
    if not rated:
        return []
    stacked = pd.concat(
        [
            table.loc[p.index, _KEY].assign(
                scheme=order[p["scheme"].iloc[0]], ranked=(p["status"] == "ranked").to_numpy()
            )
            for p in rated
        ]
    )
    counts = stacked.groupby([*_KEY, "scheme"], sort=True, dropna=False)["ranked"].sum()
    codes = [code for code, _ in resolved]
    return [
        {
            "park_id": park,
            "year": year,
            "scheme": codes[at],
            "cutoffs": cuts[codes[at]],
            "n_ranked": int(n),
        }
        for (park, year, at), n in counts.items()
    ]


def _assemble(
    table: pd.DataFrame,
    firms: pd.DataFrame,
    parts: list[pd.DataFrame],
    resolved: list[tuple[str, EfficiencyScheme]],
    groups: list[dict[str, Any]],
    above: pd.Series | None,
    rules: Sequence[Rule],
) -> pd.DataFrame:
    """Stack the per-group results back into the input's order with the columns in order."""
    indicators = list(dict.fromkeys(c for _, s in resolved for c in s.weights))
    head = ["enterprise_id", "name", "park_id", "above_scale"]
    columns = [
        *(c for c in head if c in table.columns),
        *indicators,
        *(f"score_{c}" for c in indicators),
        *_TAIL,
        "indicator_notes",
        "year",
        "scheme",
        *(c for c in CARRIED if c in table.columns),
    ]
    if parts:
        stacked = pd.concat(
            [_bare(p.drop(columns=["park_id", "above_scale"], errors="ignore")) for p in parts]
        )
        stacked = stacked.sort_index()
    else:
        stacked = pd.DataFrame(index=table.index)
    extra = [c for c in stacked.columns if c not in columns]  # any column classify adds later
    at = columns.index("year")
    columns[at:at] = extra
    out = stacked.reindex(index=table.index, columns=columns)
    for column in ("park_id", "year", *(c for c in CARRIED if c in table.columns)):
        out[column] = table[column]
    if "above_scale" in table.columns:
        out["above_scale"] = table["above_scale"] if above is None else above
    out["rank"] = out["rank"].astype("Int64")
    out["out_of_scope"] = out["out_of_scope"].astype(bool)
    out["class"] = out["class"].astype(object).where(out["class"].notna(), None)
    out["scheme"] = out["scheme"].astype(object).where(out["scheme"].notna(), None)
    out.index = firms.index
    out.attrs.update(
        groups=groups,
        schemes={code: scheme.name for code, scheme in resolved},
        rules={r.column: {"zh": r.label, "en": r.label_en, "below": r.below} for r in rules},
    )
    return out


def class_summary(classified: pd.DataFrame) -> pd.DataFrame:
    """The class mix per (park_id, year, scheme) of a :func:`classify_parks` table.

    Six rows per group, in this order: one per class A, B, C, D (``status`` ``"classed"``), then
    ``status`` ``"not_rated"`` and ``"not_scored"`` (``class`` None). Columns: ``park_id``,
    ``year``, ``scheme`` (None for firms in no scheme's scope), ``class``, ``status``, ``n``
    (firms), ``share`` (n ÷ the group's classed firms, forced D included, so the four classes
    add up to 1; NaN on the status rows and when nothing is classed), ``min_score`` and
    ``max_score`` (lowest and highest score of the firms ranked into the class: the scores that
    actually separate the classes; forced-D firms are not ranked and not counted there) and
    ``n_forced_D`` (firms forced into D by a rule).
    """
    needed = ["park_id", "year", "scheme", "class", "status", "score"]
    missing = [c for c in needed if c not in classified.columns]
    if missing:
        raise ArgumentError(f"class_summary needs a classify_parks table; missing {missing}")
    frame = classified[needed].copy()
    frame["scheme"] = frame["scheme"].astype(object).where(frame["scheme"].notna(), None)
    frame["row"] = np.where(frame["class"].notna(), frame["class"], frame["status"])
    frame["ranked_score"] = frame["score"].where(frame["status"] == "ranked")
    frame["forced"] = frame["status"] == "forced_D"
    keys = ["park_id", "year", "scheme"]
    stats = frame.groupby([*keys, "row"], dropna=False).agg(
        n=("status", "size"),
        min_score=("ranked_score", "min"),
        max_score=("ranked_score", "max"),
        n_forced_D=("forced", "sum"),
    )
    levels = [*CLASSES, "not_rated", "not_scored"]
    groups = frame[keys].drop_duplicates().sort_values(keys, na_position="last")
    grid = groups.loc[groups.index.repeat(len(levels))].reset_index(drop=True)
    grid["row"] = np.tile(levels, len(groups))
    out = grid.merge(stats.reset_index(), on=[*keys, "row"], how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    out["n_forced_D"] = out["n_forced_D"].fillna(0).astype(int)
    is_class = out["row"].isin(CLASSES)
    classed = out["n"].where(is_class, 0).groupby([out[k] for k in keys], dropna=False)
    total = classed.transform("sum")
    out["share"] = (out["n"] / total.where(total > 0)).where(is_class)
    out["class"] = out["row"].astype(object).where(is_class, None)
    out["status"] = np.where(is_class, "classed", out["row"])
    out["scheme"] = out["scheme"].astype(object).where(out["scheme"].notna(), None)
    columns = [*keys, "class", "status", "n", "share", "min_score", "max_score", "n_forced_D"]
    return out[columns]


def _years_of(classified: pd.DataFrame, park_id: str) -> list[int]:
    years = classified.loc[classified["park_id"] == park_id, "year"].dropna().unique()
    return sorted(int(y) for y in years)


def _one_year(classified: pd.DataFrame, park_id: str, year: int) -> pd.DataFrame:
    rows = classified[(classified["park_id"] == park_id) & (classified["year"] == year)]
    doubled = rows["enterprise_id"][rows["enterprise_id"].duplicated()].unique().tolist()
    if doubled:
        raise ArgumentError(
            f"park {park_id!r} {year}: enterprise ids {doubled[:5]} appear twice; "
            "keep one row per firm and year"
        )
    return rows.set_index("enterprise_id")[["name", "class", "score", "status"]]


TRANSITION_COLUMNS = [
    "enterprise_id",
    "name",
    "class_before",
    "class_now",
    "score_before",
    "score_now",
    "status_before",
    "status_now",
    "move",
]


def class_transitions(
    classified: pd.DataFrame, park_id: str, year: int, previous_year: int | None = None
) -> pd.DataFrame:
    """Firms of ``park_id`` in ``year`` or ``previous_year`` and how their class moved.

    ``previous_year`` defaults to the latest earlier year the park has; with none, the table is
    empty (``attrs["previous_year"]`` None). Columns: ``enterprise_id``, ``name``,
    ``class_before``, ``class_now``, ``score_before``, ``score_now``, ``status_before``,
    ``status_now`` and ``move``: ``up`` / ``down`` (towards A / towards D), ``same``, ``new``
    (no row in the previous year), ``gone`` (no row this year) or ``unrated`` (a row both years
    but no class in one of them). Firms are matched by ``enterprise_id``. Sorted by move (up,
    down, new, gone, unrated, same), then class now (A first), score now (highest first) and id.
    """
    years = _years_of(classified, park_id)
    if year not in years:
        raise ArgumentError(
            f"park {park_id!r} has no classified firms in {year}; years present: {years}"
        )
    if previous_year is None:
        earlier = [y for y in years if y < year]
        previous_year = earlier[-1] if earlier else None
    elif previous_year not in years or previous_year == year:
        raise ArgumentError(
            f"previous year {previous_year} for park {park_id!r}: choose another of {years}"
        )
    if previous_year is None:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in TRANSITION_COLUMNS})
        empty.attrs.update(park_id=park_id, year=year, previous_year=None)
        return empty
    now = _one_year(classified, park_id, year)
    before = _one_year(classified, park_id, previous_year)
    ids = list(dict.fromkeys([*now.index, *before.index]))
    both = before.add_suffix("_before").reindex(ids).join(now.add_suffix("_now").reindex(ids))
    out = pd.DataFrame(
        {
            "enterprise_id": both.index,
            "name": both["name_now"].where(both["name_now"].notna(), both["name_before"]),
            "class_before": both["class_before"],
            "class_now": both["class_now"],
            "score_before": both["score_before"].astype(float),
            "score_now": both["score_now"].astype(float),
            "status_before": both["status_before"],
            "status_now": both["status_now"],
        }
    ).reset_index(drop=True)
    rank = {c: i for i, c in enumerate(CLASSES)}
    was = out["class_before"].map(rank)
    is_ = out["class_now"].map(rank)
    out["move"] = np.select(
        [
            out["status_before"].isna(),
            out["status_now"].isna(),
            was.isna() | is_.isna(),
            is_ < was,
            is_ > was,
        ],
        ["new", "gone", "unrated", "up", "down"],
        default="same",
    )
    for column in ("name", "class_before", "class_now", "status_before", "status_now"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    order = pd.DataFrame(
        {
            "move": out["move"].map({m: i for i, m in enumerate(MOVES)}),
            "klass": is_.fillna(len(CLASSES)),
            "score": -out["score_now"].fillna(-np.inf),
            "id": out["enterprise_id"].astype(str),
        }
    )
    out = out.loc[order.sort_values(["move", "klass", "score", "id"]).index].reset_index(drop=True)
    out.attrs.update(park_id=park_id, year=year, previous_year=previous_year)
    return out[TRANSITION_COLUMNS]


def transition_matrix(transitions: pd.DataFrame) -> pd.DataFrame:
    """Counts of firms by class before (rows) × class now (columns), from
    :func:`class_transitions`: every level of :data:`MATRIX_LEVELS` (A–D, ``unrated`` = a row
    but no class, ``absent`` = no row that year), zeros included, so the cells add up to the
    number of firms."""

    def level(klass: pd.Series, status: pd.Series) -> pd.Series:
        return pd.Series(
            np.where(klass.notna(), klass, np.where(status.notna(), "unrated", "absent")),
            index=klass.index,
        )

    before = level(transitions["class_before"], transitions["status_before"])
    now = level(transitions["class_now"], transitions["status_now"])
    cats = list(MATRIX_LEVELS)
    table = pd.crosstab(
        pd.Categorical(before, categories=cats),
        pd.Categorical(now, categories=cats),
        dropna=False,
    )
    table = table.reindex(index=cats, columns=cats, fill_value=0).astype(int)
    table.index.name, table.columns.name = "class_before", "class_now"
    return table


CLASS_MIX_COLUMNS = [
    "park_id",
    "year",
    "n",
    "A",
    "B",
    "C",
    "D",
    "forced_D",
    "no_class",
    "schemes",
    "rows",
    "fictional",
]


def latest_class_mix(firms: pd.DataFrame) -> pd.DataFrame:
    """Each park's firms by class in its latest year of firm data (the default schemes), all
    parks in one pass: what a park report shows beside its 亩均 peers.

    Columns (:data:`CLASS_MIX_COLUMNS`): ``n`` firms; ``A`` … ``D`` firms classed by score
    (``D`` without the forced ones), ``forced_D``, ``no_class`` (not rated or not scored);
    ``schemes`` the codes used, joined by ';'; ``rows`` the firm rows, "file row 2–31" per file,
    joined by '; '; ``fictional`` when any firm is.
    """
    if firms.empty:
        return pd.DataFrame(columns=CLASS_MIX_COLUMNS)
    latest = firms.groupby("park_id")["year"].transform("max")
    now = firms[firms["year"] == latest].reset_index(drop=True)
    classed = classify_parks(now)
    ranked = classed["status"] == "ranked"
    frame = pd.DataFrame(
        {
            "park_id": classed["park_id"],
            "year": classed["year"],
            **{c: ranked & (classed["class"] == c) for c in ("A", "B", "C", "D")},
            "forced_D": classed["status"] == "forced_D",
            "no_class": classed["class"].isna(),
        }
    )
    grouped = frame.groupby(["park_id", "year"], sort=True)
    out = grouped.size().rename("n").to_frame()
    for column in ("A", "B", "C", "D", "forced_D", "no_class"):
        out[column] = grouped[column].sum().astype(int)
    out["schemes"] = classed.groupby(["park_id", "year"])["scheme"].agg(
        lambda s: ";".join(dict.fromkeys(s.dropna().astype(str)))
    )
    out["rows"] = rows_by_group(now, ["park_id", "year"])
    fictional = now["fictional"] if "fictional" in now else pd.Series(False, index=now.index)
    out["fictional"] = fictional.eq(True).groupby([now["park_id"], now["year"]]).any()
    return out.reset_index().reindex(columns=CLASS_MIX_COLUMNS)
