"""Scoring of the comprehensive evaluation: normalise indicators, weight them, rank, card.

Pure functions on parks × indicators frames (docs/methods.md §5 and §7).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from parkdata.errors import ArgumentError

METHODS = ("minmax", "benchmark", "zscore")
"""Normalisation methods :func:`normalise` knows."""
BENCHMARK_FACTOR = 2.0
"""Default benchmark: 2 × the in-scope mean (淮安: benchmark ≈ 2 × last year's average)."""
_EPS = 1e-9


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
        raise ArgumentError(f"method {method!r} is unknown; use one of {', '.join(METHODS)}")
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
