"""Comprehensive evaluation (综合考评) across parks: scores, ranks, 黄牌 and size tiers.

Annual figures of the weighted indicators (the year-end levels of
:func:`~parkdata.series.levels.year_end_levels`) are compared across the parks in scope for one
year, normalised (:func:`~parkdata.assessment.scoring.normalise`), combined with weights (a dict
or a preset of ``data/evaluation.yaml``) and ranked; the bottom ``bottom`` ranked parks get a
yellow card (黄牌, as MOFCOM's bottom 5), and every park gets a size tier by revenue
(:func:`~parkdata.assessment.evaluation_presets.size_tier`). See ``docs/methods.md`` §5 and §7.

>>> import parkdata as pkd
>>> panel = pkd.load()
>>> table = evaluate(panel, weights={"tax_per_mu": 2, "operating_revenue_per_mu": 1})
>>> table.columns[:6].tolist()
['park_id', 'name', 'score', 'rank', 'n_ranked', 'coverage']

Per-indicator detail (value, normalised component, weight, contribution to the score, source)
comes from :func:`evaluation_components`, called with the same arguments. ``status`` is a code:
``ranked``, ``low_coverage`` (less than ``min_coverage`` of the weight has data) or ``no_data``;
``attrs["notes"]`` lists reasons as ``{"code": …, "params": {…}}``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from parkdata.assessment.evaluation_presets import (
    PRESETS,
    TIER_INDICATORS,
    TIER_UNIT,
    Preset,
    size_tier,
)
from parkdata.assessment.scoring import (
    METHODS,
    benchmarks_used,
    normalise,
    rank_scores,
    weighted_scores,
)
from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.panel import Panel
from parkdata.contract.periods import parse_period
from parkdata.contract.registry import find_parks
from parkdata.contract.units import conversion_factor
from parkdata.contract.vocab import NOT_PARKS
from parkdata.errors import ArgumentError, CatalogError
from parkdata.series.levels import cut_at, values_as_of, year_end_levels

COMPONENT_COLUMNS = [
    "park_id",
    "name",
    "indicator",
    "unit",
    "direction",
    "dimension",
    "weight",
    "period",
    "value",
    "qualifier",
    "source",
    "benchmark",
    "component",
    "contribution",
]
_EPS = 1e-9


# --------------------------------------------------------------------------- the evaluation


class _Outcome(NamedTuple):
    scores: pd.DataFrame
    components: pd.DataFrame
    attrs: dict[str, Any]


def evaluate(
    panel: Panel,
    weights: str | Mapping[str, float] = "mofcom",
    method: str = "minmax",
    group: str | None = None,
    parks: Iterable[str] | None = None,
    as_of: str | None = None,
    period: str | int | None = None,
    bottom: int = 5,
    benchmarks: Mapping[str, float] | None = None,
    min_coverage: float = 0.5,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score, rank, card (黄牌) and tier the parks in scope: one row per park, best first.

    - ``weights``: indicator code (or Chinese name) → weight, or a preset name (:data:`PRESETS`).
      Weights are shares after normalising to sum 1; growth variants count only when named.
    - ``method``: ``"minmax"``, ``"benchmark"`` or ``"zscore"`` (see :func:`normalise`);
      ``benchmarks`` (code → B) only with ``"benchmark"``.
    - scope: members of ``group``, or the ``parks`` listed, or every park whose kind is not
      group or region.
    - year: ``period`` (a year), else the year ≤ ``as_of`` in which the most parks can be ranked
      (ties: the later year). Figures are annual (basis annual, or a year-end point for stocks).
    - a park whose indicators with data carry less than ``min_coverage`` of the weight is not
      ranked (``status`` says why); otherwise its score is the weighted mean over what it has.
    - ``values`` (from :func:`~parkdata.series.levels.values_as_of`) saves computing them again.

    Columns: park_id, name, score, rank (1 = best), n_ranked, coverage, yellow_card (bottom
    ``bottom`` of the ranked), tier (by 营业收入, else 主营业务收入, else 工业总产值 of the year),
    tier_indicator, tier_value (亿元), period, status, and ``component_<code>`` per indicator.
    ``attrs`` holds method, preset, period, weights used, benchmarks and notes (re-spread
    dimensions, indicators without data).

    >>> import parkdata as pkd
    >>> table = evaluate(pkd.load(), weights="muju", method="zscore")
    >>> bool(table["status"].isin(["ranked", "low_coverage", "no_data"]).all())
    True
    """
    _check(method, bottom, min_coverage)
    out = _evaluate(
        panel,
        weights,
        method,
        group,
        parks,
        as_of,
        period,
        bottom,
        benchmarks,
        min_coverage,
        values,
    )
    scores = out.scores
    scores.attrs = out.attrs
    return scores


def evaluation_components(
    panel: Panel,
    weights: str | Mapping[str, float] = "mofcom",
    method: str = "minmax",
    group: str | None = None,
    parks: Iterable[str] | None = None,
    as_of: str | None = None,
    period: str | int | None = None,
    bottom: int = 5,
    benchmarks: Mapping[str, float] | None = None,
    min_coverage: float = 0.5,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The detail behind :func:`evaluate` (same arguments): one row per park and indicator.

    Columns: park_id, name, indicator, unit, direction, dimension (code of the preset's
    dimension), weight (share of the total), period, value, qualifier, source (file row),
    benchmark (method ``"benchmark"``), component (normalised) and contribution (its part of the
    park's score: the contributions of a ranked park sum to its score).

    >>> import parkdata as pkd
    >>> detail = evaluation_components(pkd.load(), weights={"tax_per_mu": 1})
    >>> detail.columns[:3].tolist()
    ['park_id', 'name', 'indicator']
    """
    _check(method, bottom, min_coverage)
    out = _evaluate(
        panel,
        weights,
        method,
        group,
        parks,
        as_of,
        period,
        bottom,
        benchmarks,
        min_coverage,
        values,
    )
    components = out.components
    components.attrs = out.attrs
    return components


def _evaluate(
    panel: Panel,
    weights: str | Mapping[str, float],
    method: str,
    group: str | None,
    parks: Iterable[str] | None,
    as_of: str | None,
    period: str | int | None,
    bottom: int,
    benchmarks: Mapping[str, float] | None,
    min_coverage: float,
    values: pd.DataFrame | None,
) -> _Outcome:
    catalog = panel.catalog
    preset, nominal = _resolve_weights(weights, catalog)
    given = _resolve_benchmarks(benchmarks, method, catalog, nominal.index)
    scope = _scope(panel, group, parks)
    codes = list(nominal.index)
    values = _annual_values(panel, as_of, [*codes, *TIER_INDICATORS], scope, values)
    year = _choose_year(values, nominal, preset, period, min_coverage)
    in_year = values[values["year"] == year] if year is not None else values.iloc[0:0]

    wide = in_year.pivot(index="park_id", columns="indicator", values="value")
    wide = wide.reindex(index=pd.Index(scope, name="park_id"))
    reported = [c for c in codes if c in wide.columns and wide[c].notna().any()]
    plan, notes = _effective_plan(preset, nominal, reported)
    raw = wide.reindex(columns=plan.index).astype(float)
    directions = {c: catalog[c].direction for c in plan.index}
    components = normalise(raw, method, directions, given)
    scored = weighted_scores(components, plan["weight"])
    ranked = scored["score"].notna() & (scored["coverage"] >= float(min_coverage) - _EPS)
    score = scored["score"].where(ranked)
    places = rank_scores(score, bottom)

    shown = "" if year is None else str(year)
    table = _score_table(panel, scope, wide, scored, places, score, ranked, shown)
    for code in plan.index:
        table[f"component_{code}"] = components[code].to_numpy()
    table = table.sort_values(["rank", "park_id"], na_position="last", kind="stable")
    table = table.reset_index(drop=True)

    used: dict[str, float] = {}
    if method == "benchmark":
        used = {str(c): float(v) for c, v in benchmarks_used(raw, given).items()}
    detail = _components_long(
        panel, raw, components, plan, in_year, score, scored["coverage"], used, shown
    )
    if year is None:
        notes.append({"code": "no_annual_figures", "params": {}})
    elif 0 < score.notna().sum() <= bottom:
        n_ranked = int(score.notna().sum())
        notes.append({"code": "too_few_for_cards", "params": {"n": n_ranked, "bottom": bottom}})
    attrs: dict[str, Any] = {
        "method": method,
        "preset": preset.code if preset else None,
        "period": shown or None,
        "weights": {c: float(w) for c, w in plan["weight"].items()},
        "benchmarks": used,
        "min_coverage": float(min_coverage),
        "bottom": int(bottom),
        "notes": notes,
    }
    return _Outcome(table, detail, attrs)


# --------------------------------------------------------------------------- helpers


def _check(method: str, bottom: int, min_coverage: float) -> None:
    if method not in METHODS:
        raise ArgumentError(f"method {method!r} is unknown; use one of {', '.join(METHODS)}")
    if isinstance(bottom, bool) or not isinstance(bottom, (int, np.integer)) or bottom < 0:
        raise ArgumentError(f"bottom must be a whole number ≥ 0, got {bottom!r}")
    if not 0.0 <= float(min_coverage) <= 1.0:
        raise ArgumentError(f"min_coverage must be between 0 and 1, got {min_coverage!r}")


def _score_table(
    panel: Panel,
    scope: list[str],
    wide: pd.DataFrame,
    scored: pd.DataFrame,
    places: pd.DataFrame,
    score: pd.Series,
    ranked: pd.Series,
    shown: str,
) -> pd.DataFrame:
    """One row per park in scope: score, rank, card, tier and status code."""
    labels = panel.park_labels()
    tier_value, tier_indicator = _tier_values(wide, panel.catalog)
    return pd.DataFrame(
        {
            "park_id": scope,
            "name": labels.reindex(scope).to_numpy(),
            "score": score.to_numpy(),
            "rank": places["rank"].array,
            "n_ranked": places["n_ranked"].to_numpy(),
            "coverage": scored["coverage"].to_numpy(),
            "yellow_card": places["yellow_card"].to_numpy(),
            "tier": size_tier(tier_value).to_numpy(),
            "tier_indicator": tier_indicator.to_numpy(),
            "tier_value": tier_value.to_numpy(),
            "period": shown or None,
            "status": np.select(
                [ranked, scored["coverage"] > 0], ["ranked", "low_coverage"], "no_data"
            ),
        }
    )


def _resolve_weights(
    weights: str | Mapping[str, float], catalog: Catalog
) -> tuple[Preset | None, pd.DataFrame]:
    """(preset or None, plan): indicator → dimension, weight (shares summing to 1)."""
    if isinstance(weights, str):
        preset = PRESETS.get(weights)
        if preset is None:
            raise ArgumentError(
                f"unknown weights preset {weights!r}; use one of {', '.join(PRESETS)} "
                "or a dict of indicator code → weight"
            )
        plan = preset.nominal_weights()
        return preset, plan[plan.index.isin([i.code for i in catalog])]
    if not isinstance(weights, Mapping) or not weights:
        raise ArgumentError("weights must be a preset name or a non-empty dict code → weight")
    resolved: dict[str, float] = {}
    for name, weight in weights.items():
        code = _code(str(name), catalog)
        try:
            w = float(weight)
        except (TypeError, ValueError):
            raise ArgumentError(f"weight of {name!r} is not a number: {weight!r}") from None
        if not np.isfinite(w) or w < 0:
            raise ArgumentError(f"weight of {name!r} must be a finite number ≥ 0, got {weight!r}")
        if code in resolved:
            raise ArgumentError(f"{name!r} names {code!r}, which already has a weight")
        resolved[code] = w
    total = sum(resolved.values())
    if total <= 0:
        raise ArgumentError("weights are all zero; give at least one positive weight")
    plan = pd.DataFrame(
        {
            "dimension": pd.Series(None, index=list(resolved), dtype=object),
            "weight": pd.Series(resolved) / total,
        }
    )
    plan.index.name = "indicator"
    return None, plan


def _code(name: str, catalog: Catalog) -> str:
    """The catalog code of a code or Chinese name; CatalogError with the closest names."""
    if name in catalog:
        return name
    code = catalog.resolve(name)
    if code is None:
        raise CatalogError(catalog.unknown_message(name))
    return code


def _resolve_benchmarks(
    benchmarks: Mapping[str, float] | None, method: str, catalog: Catalog, codes: pd.Index
) -> dict[str, float]:
    if not benchmarks:
        return {}
    if method != "benchmark":
        raise ArgumentError(f"benchmarks apply to method='benchmark' only (method is {method!r})")
    out: dict[str, float] = {}
    for name, value in benchmarks.items():
        code = _code(str(name), catalog)
        if code not in codes:
            raise ArgumentError(f"benchmark given for {name!r}, which has no weight")
        b = float(value)
        if not np.isfinite(b) or b <= 0:
            raise ArgumentError(f"benchmark of {name!r} must be a positive number, got {value!r}")
        out[code] = b
    return out


def _scope(panel: Panel, group: str | None, parks: Iterable[str] | None) -> list[str]:
    """Park ids to evaluate, in registry order for the default scope."""
    known = panel.parks["park_id"].astype(str)
    if group is not None and parks is not None:
        raise ArgumentError("give group or parks, not both")
    if group is not None:
        groups = set(panel.parks.loc[panel.parks["kind"] == "group", "park_id"])
        groups |= set(panel.memberships["group_id"])
        if group not in groups:
            close = difflib.get_close_matches(group, sorted(groups), n=3)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise ArgumentError(f"unknown group {group!r}{hint}")
        members = list(dict.fromkeys(panel.members(group)))
        if not members:
            raise ArgumentError(f"group {group!r} lists no members in memberships")
        return members
    if parks is not None:
        wanted = find_parks(panel, parks) or []
        if not wanted:
            raise ArgumentError("parks is empty")
        return wanted
    keep = ~panel.parks["kind"].isin(NOT_PARKS)
    return known[keep].tolist()


def _annual_values(
    panel: Panel,
    as_of: str | None,
    codes: Sequence[str],
    scope: Sequence[str],
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Year-end levels of ``codes`` for the parks in scope (the one year-end rule)."""
    wanted = list(dict.fromkeys(codes))
    if values is None:
        values = values_as_of(panel, as_of=as_of, indicators=wanted)
    elif as_of is not None:
        values = cut_at(values, as_of)
    return year_end_levels(values, park=scope, indicators=wanted)


def _year_of(period: str | int) -> int:
    parsed = parse_period(str(period))
    if parsed is None or parsed.month is not None or parsed.quarter is not None:
        raise ArgumentError(f"period {period!r} is not a year; write e.g. 2022")
    return parsed.year


def _choose_year(
    values: pd.DataFrame,
    nominal: pd.DataFrame,
    preset: Preset | None,
    period: str | int | None,
    min_coverage: float,
) -> int | None:
    """``period``'s year, else the year in which the most parks can be ranked (then: the most
    parks reporting, the later year); ``None`` when nothing is reported."""
    if period is not None:
        return _year_of(period)
    mine = values[values["indicator"].isin(nominal.index)]
    if mine.empty:
        return None
    best: tuple[int, int, int] | None = None
    for year, part in mine.groupby("year"):  # one pass per candidate year, not per park
        wide = part.pivot(index="park_id", columns="indicator", values="value")
        reported = [c for c in nominal.index if c in wide.columns]
        plan, _ = _effective_plan(preset, nominal, reported)
        coverage = wide.reindex(columns=plan.index).notna().mul(plan["weight"]).sum(axis=1)
        n_rankable = int((coverage >= float(min_coverage) - _EPS).sum())
        key = (n_rankable, len(wide), int(year))
        best = key if best is None or key > best else best
    return None if best is None else best[2]


def _effective_plan(
    preset: Preset | None, nominal: pd.DataFrame, reported: Sequence[str]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Weights used: for a preset, indicators without data dropped and weight re-spread; and the
    notes saying so (``{"code": …, "params": …}``)."""
    notes: list[dict[str, Any]] = []
    missing = [c for c in nominal.index if c not in set(reported)]
    if preset is None:
        if missing:
            notes.append({"code": "weighted_without_data", "params": {"indicators": missing}})
        return nominal, notes
    kept = nominal[nominal.index.isin(reported)].copy()
    if missing:
        notes.append({"code": "preset_indicators_dropped", "params": {"indicators": missing}})
    dim_weight = {d.code: d.weight for d in preset.dimensions}
    present = [d for d in preset.dimensions if d.code in set(kept["dimension"])]
    dropped = [d for d in preset.dimensions if d not in present]
    if dropped:
        notes.append(
            {
                "code": "dimensions_respread",
                "params": {"dimensions": {d.code: d.weight for d in dropped}},
            }
        )
    if kept.empty:
        return kept, notes
    total = sum(d.weight for d in present)
    per_dim = kept.groupby("dimension")["weight"].transform("size")
    kept["weight"] = kept["dimension"].map(dim_weight) / total / per_dim
    return kept, notes


def _tier_values(wide: pd.DataFrame, catalog: Catalog) -> tuple[pd.Series, pd.Series]:
    """Per park: the first size measure it reports (营业收入, 主营业务收入, 工业总产值), in 亿元."""
    sizes = pd.DataFrame(
        {
            code: wide[code].astype(float) * conversion_factor(catalog[code].unit, TIER_UNIT)
            if code in wide.columns
            else pd.Series(np.nan, index=wide.index)
            for code in TIER_INDICATORS
        },
        index=wide.index,
    )
    has = sizes.notna()
    value = sizes.bfill(axis=1).iloc[:, 0]
    indicator = has.idxmax(axis=1).where(has.any(axis=1))
    return value, indicator


def _components_long(
    panel: Panel,
    raw: pd.DataFrame,
    components: pd.DataFrame,
    plan: pd.DataFrame,
    in_year: pd.DataFrame,
    score: pd.Series,
    coverage: pd.Series,
    benchmarks: Mapping[str, float],
    year: str,
) -> pd.DataFrame:
    """Parks × indicators in long form, with the figure's trace and its part of the score."""
    if raw.columns.empty:
        return pd.DataFrame(columns=COMPONENT_COLUMNS)
    long = raw.stack(future_stack=True).rename("value").to_frame()
    long["component"] = components.stack(future_stack=True)
    long = long.reset_index()
    long.columns = ["park_id", "indicator", "value", "component"]
    trace = in_year.set_index(["park_id", "indicator"])[["qualifier", "source"]]
    long = long.join(trace, on=["park_id", "indicator"])
    long = long.join(plan[["dimension", "weight"]], on="indicator")
    covered = (coverage * plan["weight"].sum()).where(score.notna())
    long["contribution"] = (
        long["weight"] * long["component"] / long["park_id"].map(covered)
    ).where(long["component"].notna())
    meta = {c: panel.catalog[c] for c in plan.index}
    long["name"] = long["park_id"].map(panel.park_labels())
    long["unit"] = long["indicator"].map({c: m.unit for c, m in meta.items()})
    long["direction"] = long["indicator"].map({c: m.direction for c, m in meta.items()})
    long["benchmark"] = long["indicator"].map(dict(benchmarks)).astype(float)
    long["period"] = year or None
    return long[COMPONENT_COLUMNS]
