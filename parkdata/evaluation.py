"""Comprehensive evaluation (综合考评) across parks: scores, ranks, 黄牌 and size tiers.

Annual figures of the weighted indicators are compared across the parks in scope for one year,
normalised (:func:`normalise`), combined with weights (a dict or a preset in :data:`PRESETS`) and
ranked; the bottom ``bottom`` ranked parks get a yellow card (黄牌, as MOFCOM's bottom 5), and every
park gets a size tier by revenue (:func:`size_tier`). See ``docs/methods.md`` §5 and §7.

>>> import parkdata as pkd
>>> from parkdata.evaluation import evaluate, evaluation_components
>>> panel = pkd.load()
>>> table = evaluate(panel, weights={"tax_per_mu": 2, "operating_revenue_per_mu": 1})
>>> table.columns[:6].tolist()
['park_id', 'name', 'score', 'rank', 'n_ranked', 'coverage']

Per-indicator detail (value, normalised component, weight, contribution to the score, source)
comes from :func:`evaluation_components`, called with the same arguments.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .catalog import Catalog
from .errors import CatalogError
from .growth import period_month, period_year
from .panel import Panel
from .periods import parse_period
from .series import assessment_values
from .units import conversion_factor

METHODS = ("minmax", "benchmark", "zscore")
"""Normalisation methods :func:`normalise` knows."""

TIER_INDICATORS = ("operating_revenue", "main_business_revenue", "industrial_output")
"""Size measures for :func:`size_tier`, in order of preference (营业收入, 主营业务收入, 工业总产值)."""

TIERS: tuple[tuple[float, str], ...] = (
    (1000.0, "千亿级"),
    (500.0, "500亿级"),
    (100.0, "100亿级"),
    (50.0, "50亿级"),
)
"""Lower bounds (亿元, inclusive) of the size tiers, largest first."""
BELOW_TIERS = "50亿以下"

TIER_UNIT = "亿元"
BENCHMARK_FACTOR = 2.0
"""Default benchmark: 2 × the in-scope mean (淮安: benchmark ≈ 2 × last year's average)."""

SCORE_COLUMNS = [
    "park_id",
    "name",
    "score",
    "rank",
    "n_ranked",
    "coverage",
    "yellow_card",
    "tier",
    "tier_indicator",
    "tier_value",
    "period",
    "status",
]
COMPONENT_COLUMNS = [
    "park_id",
    "name",
    "indicator",
    "indicator_name_zh",
    "unit",
    "direction",
    "dimension",
    "dimension_zh",
    "weight",
    "period",
    "value",
    "qualifier",
    "source",
    "benchmark",
    "component",
    "contribution",
]
_EXCLUDED_KINDS = ("group", "region")
_EPS = 1e-9


# --------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Dimension:
    """One first-level dimension of a preset: its weight and the indicator codes measuring it."""

    code: str
    name_zh: str
    weight: float
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Preset:
    """A named weighting: dimensions whose weight is split evenly across their indicators.

    An indicator no park in scope reports is dropped (its dimension's weight goes to the rest of
    the dimension); a dimension with no data at all has its weight re-spread over the other
    dimensions in proportion to theirs. Both are reported in ``attrs["notes"]``.
    """

    name: str
    name_zh: str
    dimensions: tuple[Dimension, ...]
    source: str
    note: str = ""

    def nominal_weights(self) -> pd.DataFrame:
        """indicator (index) → dimension, dimension_zh, weight (shares summing to 1)."""
        total = sum(d.weight for d in self.dimensions)
        rows = [
            (code, d.code, d.name_zh, d.weight / len(d.indicators) / total)
            for d in self.dimensions
            for code in d.indicators
        ]
        frame = pd.DataFrame(rows, columns=["indicator", "dimension", "dimension_zh", "weight"])
        return frame.groupby("indicator", sort=False).agg(
            dimension=("dimension", "first"),
            dimension_zh=("dimension_zh", "first"),
            weight=("weight", "sum"),
        )


MOFCOM = Preset(
    name="mofcom",
    name_zh="国家级经开区综合发展水平考核评价（2021年版）五维度镜像",
    dimensions=(
        Dimension(
            "opening_up",
            "对外开放",
            30.0,
            ("actual_foreign_investment", "foreign_trade", "export_delivery_value"),
        ),
        Dimension(
            "development_quality",
            "发展质量",
            30.0,
            (
                "industrial_value_added",
                "tax_per_mu",
                "operating_revenue_per_mu",
                "listed_companies",
            ),
        ),
        Dimension(
            "innovation",
            "科技创新",
            15.0,
            ("rd_revenue_ratio", "high_tech_enterprises", "high_tech_value_added_share"),
        ),
        Dimension(
            "green",
            "绿色发展",
            15.0,
            ("energy_per_value_added", "industrial_solid_waste_utilization_rate"),
        ),
        Dimension("coordination", "统筹协调", 10.0, ("employees", "new_paired_parks")),
    ),
    source="商务部《国家级经济技术开发区综合发展水平考核评价办法（2021年版）》: 一级指标权重 "
    "对外开放 30 %, 发展质量 30 %, 科技创新 15 %, 绿色发展 15 %, 统筹协调 10 %",
    note="a mirror where the data allows, not MOFCOM's official indicator list",
)
"""MOFCOM's five dimensions and weights (2021 version), each measured by catalog indicators.

This is a mirror where the data allows, not MOFCOM's official indicator list: the dimension
weights are MOFCOM's, the indicators are the closest ones park statistics carry.

- 对外开放 30 %: 实际利用外资 and 进出口总额 (MOFCOM's own), 出口交货值 (a proxy for trade).
- 发展质量 30 %: 工业增加值, 亩均税收, 亩均营业收入, 上市公司数量.
- 科技创新 15 %: 研发经费占主营业务收入比重 (≈ MOFCOM's 企业 R&D 经费投入强度), 高新技术企业数
  (MOFCOM's own), 高新技术产业增加值占比.
- 绿色发展 15 %: 单位工业增加值能耗 (lower is better; MOFCOM's own), 工业固体废物处置利用率.
- 统筹协调 10 %: 从业人员 (a stock standing in for MOFCOM's 城镇新增就业人数), 新增结对园区数
  (≈ 合作共建园区数量).

Not mapped (no catalog indicator): CO₂ emissions and their growth, water use per value added,
省级及以上研发机构, 国家级孵化器和众创空间, 外资企业 counts and growth-rate sub-indicators.
"""

MUJU = Preset(
    name="muju",
    name_zh="亩均效益（亩产论英雄）园区评价",
    dimensions=(
        Dimension("tax_per_mu", "亩均税收", 30.0, ("tax_per_mu",)),
        Dimension("value_added_per_mu", "亩均工业增加值", 20.0, ("value_added_per_mu",)),
        Dimension("labour_productivity", "全员劳动生产率", 20.0, ("labour_productivity",)),
        Dimension(
            "energy_per_value_added", "单位工业增加值能耗", 10.0, ("energy_per_value_added",)
        ),
        Dimension("rd_revenue_ratio", "研发经费占主营业务收入比重", 10.0, ("rd_revenue_ratio",)),
        Dimension("operating_revenue_per_mu", "亩均营业收入", 10.0, ("operating_revenue_per_mu",)),
    ),
    source="浙政发〔2018〕5号 六项指标, 黄岩区 2022 权重 30/20/20/10/10/10 (methods §5)",
    note="亩均营业收入 stands in for 单位排放增加值, which the catalog lacks",
)
"""亩均效益 at park level, Zhejiang's weights 30/20/20/10/10/10 (methods §5).

亩均税收 30, 亩均工业增加值 20, 全员劳动生产率 20, 单位工业增加值能耗 10 (lower is better: the
inverse of Zhejiang's 单位能耗增加值), 研发经费占主营业务收入比重 10, and 亩均营业收入 10 in place
of 单位排放增加值 (no emission indicator in the catalog).
"""

PRESETS: Mapping[str, Preset] = MappingProxyType({"mofcom": MOFCOM, "muju": MUJU})
"""Preset name → :class:`Preset` (``evaluate(panel, weights="mofcom")``)."""


# --------------------------------------------------------------------------- pure functions


def size_tier(values: pd.Series) -> pd.Series:
    """Size tier of revenues in 亿元: 千亿级 (≥ 1000), 500亿级, 100亿级, 50亿级, else 50亿以下.

    Bounds are inclusive (1000 → 千亿级, 999.9 → 500亿级); a missing value gives a missing tier.

    >>> size_tier(pd.Series([1000.0, 999.9, 49.0, None])).tolist()
    ['千亿级', '500亿级', '50亿以下', nan]
    """
    x = pd.to_numeric(values, errors="coerce").astype(float)
    labels = np.select(
        [x >= bound for bound, _ in TIERS] + [x.notna()],
        [label for _, label in TIERS] + [BELOW_TIERS],
        default="",
    )
    return pd.Series(labels, index=values.index, dtype=object).replace("", np.nan)


def default_benchmarks(frame: pd.DataFrame) -> pd.Series:
    """Benchmark per column: 2 × the mean over the rows that report it (淮安 convention)."""
    return BENCHMARK_FACTOR * frame.astype(float).mean()


def benchmarks_used(
    frame: pd.DataFrame, benchmarks: Mapping[str, float] | None = None
) -> pd.Series:
    """Benchmark per column: the one given, else :func:`default_benchmarks`."""
    given = pd.Series(dict(benchmarks or {}), dtype=float).reindex(frame.columns)
    return given.fillna(default_benchmarks(frame))


def normalise(
    frame: pd.DataFrame,
    method: str = "minmax",
    directions: Mapping[str, str] | None = None,
    benchmarks: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Normalise a parks × indicators frame column by column; missing stays missing.

    ``directions`` maps a column to ``"higher"`` or ``"lower"`` (which way is better; default
    higher). Methods, for higher-is-better (lower-is-better in brackets):

    - ``"minmax"``: ``100·(x − min)/(max − min)`` [``100·(max − x)/(max − min)``]; 50 when every
      park reports the same value. 旌德县's ``20 + 80·r`` is ``20 + 0.8 ×`` this: same ranks.
    - ``"benchmark"``: ``100·x/B`` [``100·B/x``, missing where x ≤ 0], B from ``benchmarks`` or
      2 × the column mean; benchmarks are not caps, so a park above B scores over 100.
    - ``"zscore"``: ``(x − mean)/sd`` [``(mean − x)/sd``], population sd; 0 when sd is 0.

    >>> frame = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    >>> normalise(frame, "minmax")["a"].tolist()
    [0.0, 50.0, 100.0]
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r} is unknown; use one of {', '.join(METHODS)}")
    directions = directions or {}
    bad = {c: d for c, d in directions.items() if d not in ("higher", "lower")}
    if bad:
        raise ValueError(f"directions must be 'higher' or 'lower', got {bad}")
    x = frame.astype(float)
    lower = pd.Series([directions.get(c, "higher") == "lower" for c in x.columns], index=x.columns)
    if method == "minmax":
        low, high = x.min(), x.max()
        span = high - low
        up = x.sub(low).div(span)
        down = x.rsub(high).div(span)
        ratio = down.where(x.notna() & lower, up)
        ratio = ratio.mask(x.notna() & (span.abs() <= _EPS), 0.5)
        return 100.0 * ratio
    if method == "benchmark":
        b = benchmarks_used(x, benchmarks)
        b = b.where(b > 0)
        up = x.div(b)
        down = x.where(x > 0).rdiv(b)
        return 100.0 * down.where(x.notna() & lower, up)
    mean, sd = x.mean(), x.std(ddof=0)
    z = x.sub(mean).div(sd.where(sd > _EPS))
    z = z.mask(x.notna() & ~(sd > _EPS), 0.0)
    return z.where(~(x.notna() & lower), -z)


def weighted_scores(components: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Weighted mean of each row's components over the indicators it has, and its coverage.

    ``score = Σ w·c / Σ w`` over the non-missing components; ``coverage = Σ w (with data) / Σ w``.
    """
    w = weights.reindex(components.columns).astype(float).fillna(0.0)
    covered = components.notna().mul(w).sum(axis=1)
    total = float(w.sum())
    weighted = components.mul(w).sum(axis=1, min_count=1)
    score = weighted.div(covered.where(covered > 0))
    return pd.DataFrame({"score": score, "coverage": covered / total if total > 0 else 0.0})


def rank_scores(scores: pd.Series, bottom: int = 5) -> pd.DataFrame:
    """Rank (1 = best, ties share the best place) and yellow cards (黄牌) for the bottom ``bottom``.

    Missing scores are unranked. A park is carded when fewer than ``bottom`` ranked parks score
    strictly lower, so parks tied at the cut are all carded. With ``bottom`` or fewer parks ranked
    nobody is carded: the bottom 5 of 5 says nothing.
    """
    n_ranked = int(scores.notna().sum())
    from_bottom = scores.rank(ascending=True, method="min")
    carded = (from_bottom <= bottom) & (n_ranked > bottom)
    return pd.DataFrame(
        {
            "rank": scores.rank(ascending=False, method="min").astype("Int64"),
            "n_ranked": n_ranked,
            "yellow_card": carded.fillna(False).astype(bool),
        },
        index=scores.index,
    )


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

    Columns: park_id, name, score, rank (1 = best), n_ranked, coverage, yellow_card (bottom
    ``bottom`` of the ranked), tier (by 营业收入, else 主营业务收入, else 工业总产值 of the year),
    tier_indicator, tier_value (亿元), period, status, and ``component_<code>`` per indicator.
    ``attrs`` holds method, preset, period, weights used, benchmarks and notes (re-spread
    dimensions, indicators without data).

    >>> import parkdata as pkd
    >>> table = evaluate(pkd.load(), weights="muju", method="zscore")
    >>> bool(table["status"].str[:3].isin(["已排名", "未排名", "无数据"]).all())
    True
    """
    out = _evaluate(
        panel, weights, method, group, parks, as_of, period, bottom, benchmarks, min_coverage
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
) -> pd.DataFrame:
    """The detail behind :func:`evaluate` (same arguments): one row per park and indicator.

    Columns: park_id, name, indicator, indicator_name_zh, unit, direction, dimension,
    dimension_zh, weight (share of the total), period, value, qualifier, source (file row),
    benchmark (method ``"benchmark"``), component (normalised) and contribution (its part of the
    park's score: the contributions of a ranked park sum to its score).

    >>> import parkdata as pkd
    >>> detail = evaluation_components(pkd.load(), weights={"tax_per_mu": 1})
    >>> detail.columns[:3].tolist()
    ['park_id', 'name', 'indicator']
    """
    out = _evaluate(
        panel, weights, method, group, parks, as_of, period, bottom, benchmarks, min_coverage
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
) -> _Outcome:
    if method not in METHODS:
        raise ValueError(f"method {method!r} is unknown; use one of {', '.join(METHODS)}")
    if isinstance(bottom, bool) or not isinstance(bottom, (int, np.integer)) or bottom < 0:
        raise ValueError(f"bottom must be a whole number ≥ 0, got {bottom!r}")
    if not 0.0 <= float(min_coverage) <= 1.0:
        raise ValueError(f"min_coverage must be between 0 and 1, got {min_coverage!r}")
    catalog = panel.catalog
    preset, nominal = _resolve_weights(weights, catalog)
    given = _resolve_benchmarks(benchmarks, method, catalog, nominal.index)
    scope = _scope(panel, group, parks)
    codes = list(nominal.index)
    values = _annual_values(panel, as_of, [*codes, *TIER_INDICATORS], scope)
    year = _choose_year(values, nominal, preset, period, min_coverage)
    in_year = values[values["year"] == year] if year is not None else values.iloc[0:0]

    wide = in_year.pivot(index="park_id", columns="indicator", values="value")
    wide = wide.reindex(index=pd.Index(scope, name="park_id"))
    reported = [c for c in codes if c in wide.columns and wide[c].notna().any()]
    plan, notes = _effective_plan(preset, nominal, reported, catalog)
    raw = wide.reindex(columns=plan.index).astype(float)
    directions = {c: catalog[c].direction for c in plan.index}
    components = normalise(raw, method, directions, given)
    scored = weighted_scores(components, plan["weight"])
    ranked = scored["score"].notna() & (scored["coverage"] >= float(min_coverage) - _EPS)
    score = scored["score"].where(ranked)
    places = rank_scores(score, bottom)
    n_ranked = int(score.notna().sum())

    labels = panel.park_labels()
    tier_value, tier_indicator = _tier_values(wide, catalog)
    shown = "" if year is None else str(year)
    table = pd.DataFrame(
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
            "status": _status(scored["coverage"], ranked, min_coverage, shown).to_numpy(),
        }
    )
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
        notes.append("无数据：范围内没有所选指标的年度数据 (no annual figures in scope)")
    elif 0 < n_ranked <= bottom:
        notes.append(
            f"只有 {n_ranked} 个园区参与排名，不多于 bottom={bottom}，"
            "不发黄牌 (too few ranked parks for yellow cards)"
        )
    attrs: dict[str, Any] = {
        "method": method,
        "preset": preset.name if preset else None,
        "period": shown or None,
        "weights": {c: float(w) for c, w in plan["weight"].items()},
        "benchmarks": used,
        "min_coverage": float(min_coverage),
        "bottom": int(bottom),
        "notes": notes,
    }
    return _Outcome(table, detail, attrs)


# --------------------------------------------------------------------------- helpers


def _resolve_weights(
    weights: str | Mapping[str, float], catalog: Catalog
) -> tuple[Preset | None, pd.DataFrame]:
    """(preset or None, plan): indicator → dimension, dimension_zh, weight (shares summing to 1)."""
    if isinstance(weights, str):
        preset = PRESETS.get(weights)
        if preset is None:
            raise ValueError(
                f"unknown weights preset {weights!r}; use one of {', '.join(PRESETS)} "
                "or a dict of indicator code → weight"
            )
        plan = preset.nominal_weights()
        return preset, plan[plan.index.isin([i.code for i in catalog])]
    if not isinstance(weights, Mapping) or not weights:
        raise ValueError("weights must be a preset name or a non-empty dict code → weight")
    resolved: dict[str, float] = {}
    for name, weight in weights.items():
        code = _code(str(name), catalog)
        try:
            w = float(weight)
        except (TypeError, ValueError):
            raise ValueError(f"weight of {name!r} is not a number: {weight!r}") from None
        if not np.isfinite(w) or w < 0:
            raise ValueError(f"weight of {name!r} must be a finite number ≥ 0, got {weight!r}")
        if code in resolved:
            raise ValueError(f"{name!r} names {code!r}, which already has a weight")
        resolved[code] = w
    total = sum(resolved.values())
    if total <= 0:
        raise ValueError("weights are all zero; give at least one positive weight")
    plan = pd.DataFrame(
        {
            "dimension": pd.Series(None, index=list(resolved), dtype=object),
            "dimension_zh": pd.Series(None, index=list(resolved), dtype=object),
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
        raise ValueError(f"benchmarks apply to method='benchmark' only (method is {method!r})")
    out: dict[str, float] = {}
    for name, value in benchmarks.items():
        code = _code(str(name), catalog)
        if code not in codes:
            raise ValueError(f"benchmark given for {name!r}, which has no weight")
        b = float(value)
        if not np.isfinite(b) or b <= 0:
            raise ValueError(f"benchmark of {name!r} must be a positive number, got {value!r}")
        out[code] = b
    return out


def _scope(panel: Panel, group: str | None, parks: Iterable[str] | None) -> list[str]:
    """Park ids to evaluate, in registry order for the default scope."""
    known = panel.parks["park_id"].astype(str)
    if group is not None and parks is not None:
        raise ValueError("give group or parks, not both")
    if group is not None:
        groups = set(panel.parks.loc[panel.parks["kind"] == "group", "park_id"])
        groups |= set(panel.memberships["group_id"])
        if group not in groups:
            close = difflib.get_close_matches(group, sorted(groups), n=3)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise ValueError(f"unknown group {group!r}{hint}")
        members = list(dict.fromkeys(panel.members(group)))
        if not members:
            raise ValueError(f"group {group!r} lists no members in memberships")
        return members
    if parks is not None:
        wanted = list(dict.fromkeys(str(p) for p in ([parks] if isinstance(parks, str) else parks)))
        unknown = [p for p in wanted if p not in set(known)]
        if unknown:
            raise ValueError(f"unknown park_id {', '.join(map(repr, unknown))}")
        if not wanted:
            raise ValueError("parks is empty")
        return wanted
    keep = ~panel.parks["kind"].isin(_EXCLUDED_KINDS)
    return known[keep].tolist()


def _annual_values(
    panel: Panel, as_of: str | None, codes: Sequence[str], scope: Sequence[str]
) -> pd.DataFrame:
    """Annual figures (basis annual, or a year-end point) of ``codes`` for the parks in scope."""
    values = assessment_values(panel, as_of=as_of, indicators=list(dict.fromkeys(codes)))
    values = values[values["park_id"].isin(scope) & values["value"].notna()]
    point_end = (values["basis"] == "point") & (period_month(values["period"]) == 12)
    values = values[(values["basis"] == "annual") | point_end]
    values = values.assign(
        year=period_year(values["period"]).astype("Int64"),
        _basis=(values["basis"] != "annual").astype(int),
    )
    values = values.dropna(subset=["year"]).sort_values(["_basis", "t"], kind="stable")
    values = values.drop_duplicates(["park_id", "indicator", "year"], keep="first")
    return values.drop(columns="_basis")


def _year_of(period: str | int) -> int:
    parsed = parse_period(str(period))
    if parsed is None or parsed.month is not None or parsed.quarter is not None:
        raise ValueError(f"period {period!r} is not a year; write e.g. 2022")
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
        plan, _ = _effective_plan(preset, nominal, reported, None)
        coverage = wide.reindex(columns=plan.index).notna().mul(plan["weight"]).sum(axis=1)
        n_rankable = int((coverage >= float(min_coverage) - _EPS).sum())
        key = (n_rankable, len(wide), int(year))
        best = key if best is None or key > best else best
    return None if best is None else best[2]


def _effective_plan(
    preset: Preset | None,
    nominal: pd.DataFrame,
    reported: Sequence[str],
    catalog: Catalog | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Weights used: for a preset, indicators without data dropped and weight re-spread."""
    notes: list[str] = []

    def zh(code: str) -> str:
        return f"{catalog[code].name_zh} ({code})" if catalog is not None else code

    missing = [c for c in nominal.index if c not in set(reported)]
    if preset is None:
        if missing:
            notes.append(
                "范围内无数据的指标（其权重计入覆盖率缺口）: "
                + ", ".join(zh(c) for c in missing)
                + " (weighted indicators nobody in scope reports)"
            )
        return nominal, notes
    kept = nominal[nominal.index.isin(reported)].copy()
    if missing:
        notes.append(
            "范围内无数据、已从预设中略去的指标: "
            + ", ".join(zh(c) for c in missing)
            + " (preset indicators without data; their dimension's weight goes to the others)"
        )
    dim_weight = {d.code: d.weight for d in preset.dimensions}
    present = [d for d in preset.dimensions if d.code in set(kept["dimension"])]
    dropped = [d for d in preset.dimensions if d not in present]
    if dropped:
        notes.append(
            "无数据的维度，其权重按比例分摊到其余维度: "
            + ", ".join(f"{d.name_zh} {d.weight:g}%" for d in dropped)
            + " (dimensions without data; weight re-spread over the others)"
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


def _status(coverage: pd.Series, ranked: pd.Series, min_coverage: float, year: str) -> pd.Series:
    share = (coverage * 100).round().astype(int).astype(str) + "%"
    low = (
        "未排名：有数据的指标权重占 "
        + share
        + f"，低于 {min_coverage:.0%} (coverage below min_coverage)"
    )
    none = f"无数据：{year or '各'}年无所选指标数据 (no figures for the weighted indicators)"
    out = np.select([ranked, coverage > 0], ["已排名", low], default=none)
    return pd.Series(out, index=coverage.index, dtype=object)


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
    long = long.join(plan[["dimension", "dimension_zh", "weight"]], on="indicator")
    covered = (coverage * plan["weight"].sum()).where(score.notna())
    long["contribution"] = (
        long["weight"] * long["component"] / long["park_id"].map(covered)
    ).where(long["component"].notna())
    meta = {c: panel.catalog[c] for c in plan.index}
    long["name"] = long["park_id"].map(panel.park_labels())
    long["indicator_name_zh"] = long["indicator"].map({c: m.name_zh for c, m in meta.items()})
    long["unit"] = long["indicator"].map({c: m.unit for c, m in meta.items()})
    long["direction"] = long["indicator"].map({c: m.direction for c, m in meta.items()})
    long["benchmark"] = long["indicator"].map(dict(benchmarks)).astype(float)
    long["period"] = year or None
    return long[COMPONENT_COLUMNS]
