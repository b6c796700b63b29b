"""亩均效益 (亩产论英雄) enterprise evaluation: per-firm indicators, scores and A/B/C/D classes.

One row per enterprise goes in; out come Zhejiang's six 规上 indicators (浙政发〔2018〕5号), a
weighted score (benchmark ratio ``Σ w·x/B`` or the min-max variant
``w·(20 + 80·(x−min)/(max−min))/100``) and a class by rank share (A top 20 %, B to 60 %, C to
95 %, D the rest by default). Rules taken as data force class D (banned industry, failed
emission or safety limits) or leave a firm unrated (utilities, firms in operation under two
years). Indicators, rules and schemes are data (:mod:`parkdata.assessment.enterprise_scheme`);
the table is checked by :mod:`parkdata.inputs.enterprise_table`. Output columns are codes and
numbers; ``pkd.explain`` words them (``class_reason``). Sources: ``docs/methods.md`` §5 and §8.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from parkdata.assessment.enterprise_scheme import (
    DEFAULT_RULES,
    HUANGYAN_2022,
    INDICATORS,
    INPUTS,
    SIX_INDICATORS,
    Action,
    EfficiencyScheme,
    Rule,
    check_cutoffs,
)
from parkdata.contract.schema import packaged_text
from parkdata.errors import ArgumentError
from parkdata.inputs.enterprise_table import check_enterprise_table

_EPS = 1e-9


def _join(parts: Sequence[pd.Series], index: pd.Index) -> pd.Series:
    """Join per-firm code columns with ';', skipping empty ones (vectorised)."""
    joined = pd.Series("", index=index, dtype=object)
    for part in parts:
        joined = joined + np.where(part != "", ";" + part, "")
    return joined.str.slice(1)


def _numbers_for(codes: Sequence[str]) -> list[str]:
    return sorted(
        {c for code in codes for c in (INDICATORS[code].numerator, INDICATORS[code].denominator)}
    )


def _indicator_values(values: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """Each indicator per firm, and ``indicator_notes``: why a value is missing, as codes
    ``indicator:zero:column`` or ``indicator:missing:column``."""
    out = pd.DataFrame(index=values.index)
    notes = []
    for code in indicators:
        spec = INDICATORS[code]
        num, den = values[spec.numerator], values[spec.denominator]
        ok = num.notna() & den.notna() & (den > 0)
        out[code] = (num * spec.factor / den.where(den > 0)).where(ok)
        note = np.select(
            [den.isna(), den == 0, num.isna()],
            [
                f"{code}:missing:{spec.denominator}",
                f"{code}:zero:{spec.denominator}",
                f"{code}:missing:{spec.numerator}",
            ],
            default="",
        )
        notes.append(pd.Series(note, index=values.index, dtype=object))
    out["indicator_notes"] = _join(notes, values.index)
    return out


def compute_efficiency_indicators(
    firms: pd.DataFrame, indicators: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per-firm 亩均效益 indicators (default: the six 规上 ones), same index as ``firms``.

    Columns: ``enterprise_id``, one column per indicator code (units in
    :data:`~parkdata.assessment.enterprise_scheme.INDICATORS`) and ``indicator_notes`` saying
    why a value is NaN (codes: a zero or missing denominator or numerator); nothing is ever set
    to 0. Raises :class:`InputError` naming row, column and fix when a needed column is missing
    or a value is not a number ≥ 0.
    """
    codes = list(SIX_INDICATORS if indicators is None else indicators)
    unknown = [c for c in codes if c not in INDICATORS]
    if unknown:
        raise ArgumentError(f"unknown indicators {unknown}; choose from {list(INDICATORS)}")
    values, _ = check_enterprise_table(firms, _numbers_for(codes), INPUTS)
    out = _indicator_values(values, codes)
    out.insert(0, "enterprise_id", firms["enterprise_id"].to_numpy())
    return out


def _group_means(x: pd.Series, groups: np.ndarray) -> np.ndarray:
    """Per firm, the mean of the non-NaN ``x`` of its group (NaN when there are none), added up
    as :meth:`pandas.Series.mean` adds (numpy's pairwise sum of the group's values in their
    order), so one group gives exactly ``x.mean()``: groups of one size are summed as the rows
    of one array."""
    have = x.notna().to_numpy()
    order = np.argsort(groups[have], kind="stable")
    keys = groups[have][order]
    values = x.to_numpy(dtype=float)[have][order]
    firsts, starts, sizes = np.unique(keys, return_index=True, return_counts=True)
    means = np.full(int(groups.max(initial=-1)) + 1, np.nan)
    for size in np.unique(sizes):
        pick = sizes == size
        rows = values[starts[pick][:, None] + np.arange(size)]
        means[firsts[pick]] = rows.sum(axis=1) / size
    return means[groups]


def _contributions(
    ind: pd.DataFrame, scheme: EfficiencyScheme, evaluated: pd.Series, groups: np.ndarray
) -> tuple[pd.DataFrame, pd.Series]:
    """Score contribution per indicator, and notes (``indicator:filled_mean``) on scores filled
    with the mean of the evaluated firms; min-max pools and means are per group."""
    scores = pd.DataFrame(index=ind.index)
    notes = []
    for code, weight in scheme.weights.items():
        x = ind[code]
        if scheme.method == "benchmark":
            part = weight * x / scheme.benchmarks[code]
        else:
            pool = x.where(evaluated).groupby(groups)
            low, high = pool.transform("min"), pool.transform("max")
            ratio = ((x - low) / (high - low)).where(high > low, x * 0 + 1.0)
            part = weight * (20 + 80 * ratio) / 100
        note = pd.Series("", index=ind.index, dtype=object)
        if code in scheme.fill_missing_with_mean:
            missing = evaluated & part.isna()
            mean = _group_means(part.where(evaluated), groups)
            part = part.mask(missing, pd.Series(mean, index=ind.index))
            note = note.mask(missing, f"{code}:filled_mean")
        scores[f"score_{code}"] = part
        notes.append(note)
    return scores, _join(notes, ind.index)


def _fired(
    rules: Sequence[Rule], action: Action, values: pd.DataFrame, truths: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """(mask, the columns of the rules that fired joined by ';') for rules with this action."""
    index = values.index
    mask = pd.Series(False, index=index)
    parts = []
    for rule in (r for r in rules if r.action == action):
        if rule.below is not None and rule.column in values:
            hit = values[rule.column] < rule.below
        elif rule.below is None and rule.column in truths:
            hit = truths[rule.column]
        else:
            continue
        hit = hit.fillna(False).astype(bool)
        mask |= hit
        parts.append(pd.Series(np.where(hit, rule.column, ""), index=index, dtype=object))
    return mask, _join(parts, index)


def _classes(
    score: pd.Series,
    evaluated: pd.Series,
    forced: pd.Series,
    cutoffs: tuple[float, ...],
    groups: np.ndarray,
) -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    """(ranked, rank, rank share, class) for the scored firms by rank share within each group."""
    a, b, c = cutoffs
    ranked = evaluated & ~forced & score.notna()
    rank = score.where(ranked).groupby(groups).rank(ascending=False, method="min")
    share = rank / ranked.groupby(groups).transform("sum")
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
    return ranked, rank, share, grade


def classify_enterprises(
    firms: pd.DataFrame,
    scheme: EfficiencyScheme = HUANGYAN_2022,
    cutoffs: Sequence[float] | None = None,
    rules: Sequence[Rule] = DEFAULT_RULES,
    *,
    by: str | Sequence[str] = (),
) -> pd.DataFrame:
    """Score firms with ``scheme`` (default ``HUANGYAN_2022``) and class them A/B/C/D.

    Firms a ``not_rated`` rule fires for, or outside the scheme's scope (规上/规下), get no class
    (this wins over ``force_D``). Firms a ``force_D`` rule fires for are class D whatever their
    score and stay out of the ranking, so the shares apply to firms classed by score. The rest with
    a complete score are ranked (1 = best, ties share the lower rank); rank share = rank / n
    ranked gives A if ≤ a, B if ≤ b, C if ≤ c, else D, with ``(a, b, c) = cutoffs`` or
    ``scheme.cutoffs``. Firms missing an indicator the scheme does not fill are ``not_scored``.
    ``by`` (e.g. ``["park_id", "year"]``) classes each group of those columns on its own in one
    pass, exactly as calling this once per group: ranks, rank shares, min-max pools and means
    are per group (``attrs["n_ranked"]`` counts all groups).

    Columns: ``enterprise_id``, ``name`` (``park_id``, ``above_scale`` if given), the scheme's
    indicators, ``score_<code>`` contributions, ``score``, ``rank``, ``rank_share``, ``class``,
    ``status`` (ranked / forced_D / not_rated / not_scored), ``rules_fired`` (the columns of the
    rules that fired), ``out_of_scope`` and ``indicator_notes`` (codes); ``attrs`` holds the
    scheme, cut-offs, ranked count and the rules. ``pkd.explain(result)`` adds ``class_reason``.

    >>> result = classify_enterprises(sample_enterprises())
    >>> result.loc[result["name"] == "示例企业-07（虚构）", ["status", "rules_fired"]].values.tolist()
    [['forced_D', 'banned_industry']]
    >>> result["class"].value_counts().sort_index().to_dict()
    {'A': 4, 'B': 8, 'C': 7, 'D': 3}
    """
    cuts = check_cutoffs(scheme.cutoffs if cutoffs is None else cutoffs)
    codes = list(scheme.weights)
    needs_scale = ["above_scale"] if scheme.scope != "all" else []
    values, truths = check_enterprise_table(
        firms,
        _numbers_for(codes),
        INPUTS,
        flags=[*(r.column for r in rules if r.below is None), *needs_scale],
        optional_numbers=[r.column for r in rules if r.below is not None],
        required_flags=needs_scale,
    )
    index = values.index
    keys = [by] if isinstance(by, str) else list(by)
    absent = [c for c in keys if c not in firms.columns]
    if absent:
        raise ArgumentError(f"by names columns the firm table lacks: {absent}")
    groups = (
        firms.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
        if keys
        else np.zeros(len(index), dtype=np.intp)
    )
    ind = _indicator_values(values, codes)
    in_scope = (
        pd.Series(True, index=index)
        if scheme.scope == "all"
        else truths["above_scale"] == (scheme.scope == "above_scale")
    )
    not_rated, not_rated_rules = _fired(rules, "not_rated", values, truths)
    forced, forced_rules = _fired(rules, "force_D", values, truths)
    not_rated |= ~in_scope
    forced &= ~not_rated
    evaluated = ~not_rated
    scores, fill_notes = _contributions(ind, scheme, evaluated, groups)
    score = scores.sum(axis=1, skipna=False).where(evaluated)
    ranked, rank, share, grade = _classes(score, evaluated, forced, cuts, groups)
    out = pd.DataFrame(index=index)
    for column in ("enterprise_id", "name", "park_id", "above_scale"):
        if column in firms.columns:
            out[column] = truths[column] if column in truths else firms[column]
    out[codes] = ind[codes]
    out[scores.columns] = scores.where(evaluated)
    out["score"] = score
    out["rank"] = rank.astype("Int64")
    out["rank_share"] = share
    out["class"] = pd.Series(grade, index=index, dtype=object).replace("", None)
    out["status"] = np.select(
        [not_rated, forced, ranked], ["not_rated", "forced_D", "ranked"], default="not_scored"
    )
    out["rules_fired"] = np.where(not_rated, not_rated_rules, np.where(forced, forced_rules, ""))
    out["out_of_scope"] = ~in_scope
    out["indicator_notes"] = _join([ind["indicator_notes"], fill_notes], index)
    out.attrs.update(
        scheme=scheme.name,
        scope=scheme.scope,
        cutoffs=cuts,
        n_ranked=int(ranked.sum()),
        rules={r.column: {"zh": r.label, "en": r.label_en, "below": r.below} for r in rules},
        skipped_rules=[
            r.column for r in rules if r.column not in truths and r.column not in values
        ],
    )
    return out


def sample_enterprises() -> pd.DataFrame:
    """The bundled fictional sample: 30 made-up firms in ``demo_park`` (not real data).

    Every row has ``fictional`` True. It includes a banned-industry firm, a utility, a firm in
    operation for one year, a tenant whose land is blank (not scored), a firm without emission
    data and 规下 firms.
    """
    return pd.read_csv(
        io.StringIO(packaged_text("sample_enterprises.csv")),
        dtype={"enterprise_id": str, "name": str, "park_id": str},
    )
