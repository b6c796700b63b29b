"""亩均效益 (亩产论英雄) enterprise evaluation: per-firm indicators, scores and A/B/C/D classes.

One row per enterprise goes in; out come Zhejiang's six 规上 indicators (浙政发〔2018〕5号), a
weighted score (benchmark ratio ``Σ w·x/B`` or the min-max variant
``w·(20 + 80·(x−min)/(max−min))/100``) and a class by rank share (A top 20 %, B to 60 %, C to
95 %, D the rest by default). Rules taken as data force class D (banned industry, failed
emission or safety limits) or leave a firm unrated (utilities, firms in operation under two
years). Output columns are ASCII codes; :data:`EFFICIENCY_INDICATORS` gives each indicator's
Chinese name and unit for display. Sources: ``docs/methods.md`` §5 and §8.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from .errors import InputError, Issue
from .values import parse_numbers

TABLE_LABEL = "enterprise table"

EFFICIENCY_INDICATORS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "tax_per_mu": ("亩均税收", "万元/亩"),
        "value_added_per_mu": ("亩均增加值", "万元/亩"),
        "labour_productivity": ("全员劳动生产率", "万元/人"),
        "value_added_per_energy": ("单位能耗增加值", "万元/吨标准煤"),
        "value_added_per_emission": ("单位排放增加值", "万元/吨"),
        "rd_revenue_share": ("R&D经费支出占主营业务收入比重", "比值（0.0302 即 3.02%）"),
        "tax_per_kwh": ("单位电耗税收", "元/千瓦时"),
    }
)
"""Indicator code → (Chinese name, unit)."""

SIX_INDICATORS: tuple[str, ...] = (
    "tax_per_mu",
    "value_added_per_mu",
    "labour_productivity",
    "value_added_per_energy",
    "value_added_per_emission",
    "rd_revenue_share",
)
"""Zhejiang's six indicators for 规上 industrial firms (浙政发〔2018〕5号)."""

# code: (numerator column, denominator column, factor)
_FORMULAS: dict[str, tuple[str, str, float]] = {
    "tax_per_mu": ("tax", "land_mu", 1.0),
    "value_added_per_mu": ("value_added", "land_mu", 1.0),
    "labour_productivity": ("value_added", "employees", 1.0),
    "value_added_per_energy": ("value_added", "energy_tce", 1.0),
    "value_added_per_emission": ("value_added", "emissions_t", 1.0),
    "rd_revenue_share": ("rd_expenditure", "revenue", 1.0),
    "tax_per_kwh": ("tax", "electricity_kwh", 10_000.0),  # 万元 → 元, per kWh
}

INPUT_COLUMNS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "land_mu": ("用地面积", "亩"),
        "tax": ("税收（评价税收）", "万元"),
        "value_added": ("工业增加值", "万元"),
        "employees": ("年平均职工人数", "人"),
        "energy_tce": ("综合能耗（等价值）", "吨标准煤"),
        "emissions_t": ("主要污染物排放量", "吨"),
        "rd_expenditure": ("R&D经费支出", "万元"),
        "revenue": ("主营业务收入", "万元"),
        "electricity_kwh": ("用电量", "千瓦时"),
        "years_in_operation": ("投产年限", "年"),
    }
)
"""Numeric input column → (Chinese name, unit)."""

_MAY_BE_NEGATIVE = frozenset({"tax", "value_added"})  # 留抵退税 can make 评价税收 negative
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "有", "√", "✓"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "无", "×"})
_EPS = 1e-9

Method = Literal["benchmark", "minmax"]
Scope = Literal["all", "above_scale", "below_scale"]
Action = Literal["force_D", "not_rated"]


def _check_cutoffs(cutoffs: Sequence[float]) -> tuple[float, float, float]:
    values = tuple(float(c) for c in cutoffs)
    if len(values) != 3 or not 0 < values[0] < values[1] < values[2] <= 1:
        raise ValueError(
            f"cut-offs {tuple(cutoffs)} must be three rank shares 0 < A < B < C ≤ 1, "
            "e.g. (0.20, 0.60, 0.95)"
        )
    return values[0], values[1], values[2]


@dataclass(frozen=True)
class EfficiencyScheme:
    """A scoring preset: weights and benchmarks per indicator code, method, cut-offs, scope.

    ``method="benchmark"`` scores ``w * x / B`` (benchmarks are not caps); ``"minmax"`` scores
    ``w * (20 + 80 * (x - min) / (max - min)) / 100`` over the evaluated firms, i.e. those in
    scope and not excluded by a ``not_rated`` rule (benchmarks unused; equal values all get
    ``w``). ``cutoffs`` are the rank shares that end classes A, B and C. ``scope`` limits the
    scheme to 规上 (``"above_scale"``) or 规下 (``"below_scale"``) firms. Indicators in
    ``fill_missing_with_mean`` that a firm lacks are scored the mean score of the evaluated firms
    that have them (黄岩: 规上无排放数据的，单位排放增加值按平均得分赋分). Override with
    :func:`dataclasses.replace`.
    """

    name: str
    weights: Mapping[str, float]
    benchmarks: Mapping[str, float] = field(default_factory=dict)
    method: Method = "benchmark"
    cutoffs: tuple[float, float, float] = (0.20, 0.60, 0.95)
    scope: Scope = "all"
    fill_missing_with_mean: tuple[str, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(EFFICIENCY_INDICATORS))
        if unknown or not self.weights:
            raise ValueError(
                f"scheme {self.name!r}: weights name unknown indicators {unknown}; "
                f"use codes from EFFICIENCY_INDICATORS: {list(EFFICIENCY_INDICATORS)}"
            )
        if not all(np.isfinite(w) and w >= 0 for w in self.weights.values()):
            raise ValueError(f"scheme {self.name!r}: weights must be finite numbers ≥ 0")
        if self.method not in ("benchmark", "minmax"):
            raise ValueError(f"scheme {self.name!r}: method must be 'benchmark' or 'minmax'")
        if self.method == "benchmark":
            bad = [c for c in self.weights if not self.benchmarks.get(c, 0) > 0]
            if bad:
                raise ValueError(
                    f"scheme {self.name!r}: benchmark method needs a benchmark > 0 for {bad}"
                )
        if self.scope not in ("all", "above_scale", "below_scale"):
            raise ValueError(f"scheme {self.name!r}: scope must be all, above_scale or below_scale")
        stray = sorted(set(self.fill_missing_with_mean) - set(EFFICIENCY_INDICATORS))
        if stray:
            raise ValueError(
                f"scheme {self.name!r}: fill_missing_with_mean names unknown indicators {stray}"
            )
        object.__setattr__(self, "cutoffs", _check_cutoffs(self.cutoffs))
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "benchmarks", MappingProxyType(dict(self.benchmarks)))
        object.__setattr__(self, "fill_missing_with_mean", tuple(self.fill_missing_with_mean))

    def __hash__(self) -> int:
        return hash(
            (
                self.name,
                tuple(self.weights.items()),
                tuple(self.benchmarks.items()),
                self.method,
                self.cutoffs,
                self.scope,
                self.fill_missing_with_mean,
                self.source,
            )
        )


_HUANGYAN_SOURCE = (
    "黄岩区深化“亩均论英雄”改革工作领导小组办公室，2022年度工业企业综合评价结果公示（2023-09-25）"
    "附件2《工业企业综合评价得分计算说明》, reposted at "
    "https://www.chacewang.com/newsdetail/news430850.html. Units are not printed there; parkdata "
    "assumes 万元/亩, 万元/吨标准煤, 万元/吨, 万元/人, a fraction (0.0302 = 3.02 %) and 元/千瓦时. "
    "Cut-offs 20/60/95 are the 淮安 defaults, not Huangyan's."
)

HUANGYAN_2022 = EfficiencyScheme(
    name="黄岩区 2022 规上工业企业",
    weights={
        "tax_per_mu": 30,
        "value_added_per_mu": 20,
        "value_added_per_energy": 20,
        "value_added_per_emission": 10,
        "labour_productivity": 10,
        "rd_revenue_share": 10,
    },
    benchmarks={
        "tax_per_mu": 24.097,  # 万元/亩
        "value_added_per_mu": 136.16,  # 万元/亩
        "value_added_per_energy": 2.694,  # 万元/吨标准煤 (assumed)
        "value_added_per_emission": 4929.81,  # 万元/吨 (assumed)
        "labour_productivity": 18.14,  # 万元/人 (assumed)
        "rd_revenue_share": 0.0302,  # fraction: 3.02 %
    },
    scope="above_scale",
    fill_missing_with_mean=("value_added_per_emission",),  # 规上无排放数据的，按平均得分赋分
    source=_HUANGYAN_SOURCE,
)
"""黄岩区 2022年度 规上 scheme: 亩均税收 30, 亩均增加值 20, 单位能耗增加值 20, 单位排放增加值 10,
全员劳动生产率 10, R&D占比 10 (benchmarks 24.097 万元/亩, 136.16 万元/亩, 2.694 万元/吨标准煤,
4929.81 万元/吨, 18.14 万元/人, 0.0302). Only 亩均 units are certain; the others are assumptions
that fit the magnitudes. Firms without emission data get the mean 单位排放增加值 score."""

HUANGYAN_2022_BELOW_SCALE = EfficiencyScheme(
    name="黄岩区 2022 规下工业企业",
    weights={"tax_per_mu": 50, "tax_per_kwh": 50},
    benchmarks={"tax_per_mu": 11.5932, "tax_per_kwh": 0.2352},  # 万元/亩; 元/千瓦时 (assumed)
    scope="below_scale",
    source=_HUANGYAN_SOURCE,
)
"""黄岩区 2022年度 规下 scheme: 亩均税收 ÷ 11.5932 × 50 + 单位电耗税收 ÷ 0.2352 × 50 (单位电耗税收
assumed in 元/千瓦时, i.e. 万元/万千瓦时)."""


@dataclass(frozen=True)
class Rule:
    """A classification rule as data: when ``column`` fires, ``action`` applies.

    A flag rule (``below=None``) fires where the column is true (True/1/是). A threshold rule fires
    where the number is below ``below`` (a blank never fires). ``label`` is the Chinese reason.
    """

    column: str
    action: Action
    label: str
    below: float | None = None

    def __post_init__(self) -> None:
        if self.action not in ("force_D", "not_rated"):
            raise ValueError(f"rule on {self.column!r}: action must be 'force_D' or 'not_rated'")


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("utility", "not_rated", "水、电、气等资源要素供给企业"),
    Rule("years_in_operation", "not_rated", "投产不满2年的新办企业", below=2.0),
    Rule("banned_industry", "force_D", "属于淘汰类或禁止类产业"),
    Rule("failed_emission_limit", "force_D", "污染物排放未达标"),
    Rule("safety_incident", "force_D", "发生安全生产事故"),
)
"""Not rated: utilities and firms under two years (as 淮安's T类); forced D: banned industry,
failed emission limit, safety incident. Rules whose column is absent do not apply."""


# ---------------------------------------------------------------- validation


def _issue(row: int | None, column: str | None, value: object, problem: str, fix: str) -> Issue:
    shown = None if value is None else str(value)
    return Issue(TABLE_LABEL, row, column, shown, problem, fix)


def _describe(column: str) -> str:
    zh, unit = INPUT_COLUMNS.get(column, (column, ""))
    return f"{zh}, {unit}" if unit else zh


def _numbers(series: pd.Series, column: str, issues: list[Issue]) -> pd.Series:
    """The column as floats; text, approximate values and negatives become issues."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        parsed = parse_numbers(series.astype(object))
        qualified = parsed["qualifier"].isin(["approx", "at_least", "at_most"])
        marked = parsed["percent"].astype(bool) | parsed["unit"].notna()
        bad = parsed["error"].notna() | qualified | marked
        values = parsed["value"].astype(float).where(~bad)
    else:
        bad = pd.Series(False, index=series.index)
        values = series.astype(float)
    bad_number = bad | np.isinf(values)
    negative = ~bad_number & (values < 0) & (column not in _MAY_BE_NEGATIVE)
    for pos in np.flatnonzero(bad_number.to_numpy()):  # only the bad rows, to name them
        issues.append(
            _issue(
                int(pos) + 1,
                column,
                series.iloc[pos],
                "not a plain number",
                f"write {column} ({_describe(column)}) as a number such as 12.5, "
                "without units, % or words like 约; leave it blank if unknown",
            )
        )
    for pos in np.flatnonzero(negative.to_numpy()):
        issues.append(
            _issue(
                int(pos) + 1,
                column,
                series.iloc[pos],
                "is negative",
                f"{column} ({_describe(column)}) must be ≥ 0; correct the figure or leave it blank",
            )
        )
    return values.where(~bad_number & ~negative)


def _flags(series: pd.Series, column: str, issues: list[Issue], blank_ok: bool) -> pd.Series:
    """The column as booleans (True/False, 1/0, 是/否); anything else becomes an issue."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(bool)
    text = series.astype(object).where(series.notna(), "").astype(str).str.strip().str.lower()
    truth = text.isin(_TRUE)
    known = truth | text.isin(_FALSE) | ((text == "") & blank_ok)
    for pos in np.flatnonzero(~known.to_numpy()):
        issues.append(
            _issue(
                int(pos) + 1,
                column,
                series.iloc[pos],
                "is blank" if text.iloc[pos] == "" else "not a yes/no value",
                f"write True or False (or 是/否, 1/0) in {column}",
            )
        )
    return truth


def _require(firms: pd.DataFrame, columns: Sequence[str], issues: list[Issue]) -> None:
    for column in columns:
        if column not in firms.columns:
            what = f" ({_describe(column)})" if column in INPUT_COLUMNS else ""
            issues.append(
                _issue(
                    None,
                    column,
                    None,
                    "required column is missing",
                    f"add a column {column!r}{what}, one row per enterprise",
                )
            )


def _check_ids(firms: pd.DataFrame, issues: list[Issue]) -> None:
    ids = firms["enterprise_id"].astype(object).where(firms["enterprise_id"].notna(), "")
    ids = ids.astype(str).str.strip()
    blank = ids == ""
    repeated = ids.duplicated(keep="first") & ~blank
    for pos in np.flatnonzero(blank.to_numpy()):
        issues.append(
            _issue(int(pos) + 1, "enterprise_id", "", "is blank", "give every enterprise an id")
        )
    for pos in np.flatnonzero(repeated.to_numpy()):
        issues.append(
            _issue(
                int(pos) + 1,
                "enterprise_id",
                ids.iloc[pos],
                "repeats an earlier row",
                "keep one row per enterprise (merge or remove the duplicate)",
            )
        )


def _validate(
    firms: pd.DataFrame,
    indicators: Sequence[str],
    flags: Sequence[str] = (),
    optional_numbers: Sequence[str] = (),
    required_flags: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check the table; return (numeric inputs as floats, flags as bools) or raise InputError."""
    if not isinstance(firms, pd.DataFrame):
        raise TypeError("firms must be a pandas DataFrame with one row per enterprise")
    numbers = sorted({c for code in indicators for c in _FORMULAS[code][:2]})
    issues: list[Issue] = []
    _require(firms, ["enterprise_id", "name", *numbers, *required_flags], issues)
    if issues:
        raise InputError(issues)
    _check_ids(firms, issues)
    present = [c for c in optional_numbers if c in firms.columns and c not in numbers]
    values = pd.DataFrame(
        {c: _numbers(firms[c], c, issues) for c in [*numbers, *present]}, index=firms.index
    )
    wanted = [c for c in flags if c in firms.columns]
    truths = pd.DataFrame(
        {c: _flags(firms[c], c, issues, blank_ok=c not in required_flags) for c in wanted},
        index=firms.index,
    )
    if issues:
        raise InputError(issues)
    return values, truths


# ---------------------------------------------------------------- indicators


def _join_notes(parts: Sequence[pd.Series], index: pd.Index) -> pd.Series:
    """Join per-firm note columns with '; ', skipping empty ones (vectorised)."""
    joined = pd.Series("", index=index, dtype=object)
    for part in parts:
        joined = joined + np.where(part != "", "; " + part, "")
    return joined.str.slice(2)


def _indicator_values(values: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=values.index)
    notes = []
    for code in indicators:
        num_col, den_col, factor = _FORMULAS[code]
        num, den = values[num_col], values[den_col]
        ok = num.notna() & den.notna() & (den > 0)
        out[code] = (num * factor / den.where(den > 0)).where(ok)
        note = np.select(
            [den.isna(), den == 0, num.isna()],
            [f"{code}: {den_col} missing", f"{code}: {den_col} is 0", f"{code}: {num_col} missing"],
            default="",
        )
        notes.append(pd.Series(note, index=values.index, dtype=object))
    out["indicator_notes"] = _join_notes(notes, values.index)
    return out


def compute_efficiency_indicators(
    firms: pd.DataFrame, indicators: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per-firm 亩均效益 indicators (default: the six 规上 ones), same index as ``firms``.

    Columns: ``enterprise_id``, one column per indicator code (units in
    :data:`EFFICIENCY_INDICATORS`) and ``indicator_notes`` saying why a value is NaN (a zero or
    missing denominator or numerator); nothing is ever set to 0. Raises :class:`InputError` naming
    row, column and fix when a needed column is missing or a value is not a number ≥ 0.
    """
    codes = list(SIX_INDICATORS if indicators is None else indicators)
    unknown = [c for c in codes if c not in _FORMULAS]
    if unknown:
        raise ValueError(f"unknown indicators {unknown}; choose from {list(EFFICIENCY_INDICATORS)}")
    work = firms.reset_index(drop=True) if isinstance(firms, pd.DataFrame) else firms
    values, _ = _validate(work, codes)
    out = _indicator_values(values, codes)
    out.insert(0, "enterprise_id", work["enterprise_id"])
    out.index = firms.index
    return out


# ---------------------------------------------------------------- scoring and classes


def _contributions(
    ind: pd.DataFrame, scheme: EfficiencyScheme, evaluated: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    """Score contribution per indicator, and notes on scores filled with the mean."""
    scores = pd.DataFrame(index=ind.index)
    notes = []
    for code, weight in scheme.weights.items():
        x = ind[code]
        if scheme.method == "benchmark":
            part = weight * x / scheme.benchmarks[code]
        else:
            pool = x[evaluated & x.notna()]
            low, high = (pool.min(), pool.max()) if len(pool) else (np.nan, np.nan)
            ratio = (x - low) / (high - low) if high > low else x * 0 + 1.0
            part = weight * (20 + 80 * ratio) / 100
        note = pd.Series("", index=ind.index, dtype=object)
        if code in scheme.fill_missing_with_mean:
            missing = evaluated & part.isna()
            mean = part[evaluated & part.notna()].mean()
            part = part.mask(missing, mean)
            note = note.mask(missing, f"{code}: no data, scored the mean {mean:.4g}")
        scores[f"score_{code}"] = part
        notes.append(note)
    return scores, _join_notes(notes, ind.index)


def _fired(
    rules: Sequence[Rule], action: Action, values: pd.DataFrame, truths: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """(mask, reason text) of the rules with this action whose column is present."""
    index = values.index
    mask = pd.Series(False, index=index)
    parts = []
    for rule in (r for r in rules if r.action == action):
        if rule.below is not None and rule.column in values:
            hit = values[rule.column] < rule.below
            text = f"{rule.label} ({rule.column} < {rule.below:g})"
        elif rule.below is None and rule.column in truths:
            hit = truths[rule.column]
            text = f"{rule.label} ({rule.column})"
        else:
            continue
        hit = hit.fillna(False).astype(bool)
        mask |= hit
        parts.append(pd.Series(np.where(hit, text, ""), index=index, dtype=object))
    return mask, _join_notes(parts, index)


def _fmt(values: pd.Series, spec: str) -> pd.Series:
    return pd.Series(np.char.mod(spec, values.fillna(0).to_numpy(float)), index=values.index)


def _cut(x: float) -> str:
    """A cut-off for display: 0.2 → '0.20', 0.125 → '0.125'."""
    return f"{x:.2f}" if round(x, 2) == x else f"{x:g}"


def classify_enterprises(
    firms: pd.DataFrame,
    scheme: EfficiencyScheme = HUANGYAN_2022,
    cutoffs: Sequence[float] | None = None,
    rules: Sequence[Rule] = DEFAULT_RULES,
) -> pd.DataFrame:
    """Score firms with ``scheme`` (default :data:`HUANGYAN_2022`) and class them A/B/C/D.

    Firms a ``not_rated`` rule fires for, or outside the scheme's scope (规上/规下), get no class
    (this wins over ``force_D``). Firms a ``force_D`` rule fires for are class D whatever their
    score and stay out of the ranking, so the shares apply to firms classed by score. The rest with
    a complete score are ranked (1 = best, ties share the lower rank); rank share = rank / n
    ranked gives A if ≤ a, B if ≤ b, C if ≤ c, else D, with ``(a, b, c) = cutoffs`` or
    ``scheme.cutoffs``. Firms missing an indicator the scheme does not fill are ``not_scored``.

    Columns: ``enterprise_id``, ``name`` (``park_id``, ``above_scale`` if given), the scheme's
    indicators, ``score_<code>`` contributions, ``score``, ``rank``, ``rank_share``, ``class``,
    ``status`` (ranked / forced_D / not_rated / not_scored), ``class_reason``, ``indicator_notes``.

    >>> result = classify_enterprises(sample_enterprises())
    >>> result.loc[result["name"] == "示例企业-07（虚构）", "class_reason"].item()
    'forced D: 属于淘汰类或禁止类产业 (banned_industry)'
    >>> result["class"].value_counts().sort_index().to_dict()
    {'A': 4, 'B': 8, 'C': 7, 'D': 3}
    """
    a, b, c = _check_cutoffs(scheme.cutoffs if cutoffs is None else cutoffs)
    codes = list(scheme.weights)
    flag_cols = [r.column for r in rules if r.below is None]
    threshold_cols = [r.column for r in rules if r.below is not None]
    needs_scale = ["above_scale"] if scheme.scope != "all" else []
    work = firms.reset_index(drop=True) if isinstance(firms, pd.DataFrame) else firms
    values, truths = _validate(
        work,
        codes,
        flags=[*flag_cols, *needs_scale],
        optional_numbers=threshold_cols,
        required_flags=needs_scale,
    )
    index = values.index
    ind = _indicator_values(values, codes)

    if scheme.scope == "all":
        in_scope = pd.Series(True, index=index)
    else:
        in_scope = truths["above_scale"] == (scheme.scope == "above_scale")
    not_rated, not_rated_text = _fired(rules, "not_rated", values, truths)
    forced, forced_text = _fired(rules, "force_D", values, truths)
    not_rated |= ~in_scope
    forced &= ~not_rated
    evaluated = ~not_rated

    scores, fill_notes = _contributions(ind, scheme, evaluated)
    score = scores.sum(axis=1, skipna=False).where(evaluated)
    scores = scores.where(evaluated)
    ranked = evaluated & ~forced & score.notna()
    rank = score.where(ranked).rank(ascending=False, method="min")
    n = int(ranked.sum())
    share = rank / n if n else rank

    grade = np.select(
        [
            forced,
            ranked & (share <= a + _EPS),
            ranked & (share <= b + _EPS),
            ranked & (share <= c + _EPS),
            ranked,
        ],
        ["D", "A", "B", "C", "D"],
        default="",
    )
    status = np.select(
        [not_rated, forced, ranked], ["not_rated", "forced_D", "ranked"], default="not_scored"
    )

    scope_label = {"above_scale": "规上", "below_scale": "规下"}.get(scheme.scope, "")
    out_of_scope = f"不在本方案范围（{scheme.name}：仅评价{scope_label}企业）"
    not_rated_text = not_rated_text.mask(~in_scope & (not_rated_text == ""), out_of_scope)
    position = (
        "rank " + rank.fillna(0).astype(int).astype(str) + f"/{n}, share " + _fmt(share, "%.3f")
    )
    reason = np.select(
        [
            status == "not_rated",
            status == "forced_D",
            status == "not_scored",
            grade == "A",
            grade == "B",
            grade == "C",
        ],
        [
            "not rated: " + not_rated_text,
            "forced D: " + forced_text,
            "not scored: " + ind["indicator_notes"],
            position + f" ≤ {_cut(a)}",
            position + f" in ({_cut(a)}, {_cut(b)}]",
            position + f" in ({_cut(b)}, {_cut(c)}]",
        ],
        default=position + f" > {_cut(c)}",
    )

    out = pd.DataFrame(index=index)
    for column in ("enterprise_id", "name", "park_id", "above_scale"):
        if column in work.columns:
            out[column] = truths[column] if column in truths else work[column]
    out[codes] = ind[codes]
    out[scores.columns] = scores
    out["score"] = score
    out["rank"] = rank.astype("Int64")
    out["rank_share"] = share
    out["class"] = pd.Series(grade, index=index, dtype=object).replace("", None)
    out["status"] = status
    out["class_reason"] = reason
    out["indicator_notes"] = _join_notes([ind["indicator_notes"], fill_notes], index)
    out.index = firms.index
    out.attrs.update(
        scheme=scheme.name,
        cutoffs=(a, b, c),
        skipped_rules=[
            r.column for r in rules if r.column not in truths and r.column not in values
        ],
    )
    return out


def sample_enterprises() -> pd.DataFrame:
    """The bundled fictional sample: 30 made-up firms in ``demo_park`` (not real data).

    Every row has ``fictional`` True. It includes a banned-industry firm, a utility, a firm in
    operation for one year, a tenant with 0 亩 of land, a firm without emission data and 规下 firms.
    """
    path = resources.files("parkdata").joinpath("data/sample_enterprises.csv")
    with path.open("rb") as fh:
        return pd.read_csv(
            fh, encoding="utf-8", dtype={"enterprise_id": str, "name": str, "park_id": str}
        )
