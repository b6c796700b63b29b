"""Projection benchmark: ``parkdata.projection.engine.forecast`` on 50,000 series at once, on one core.

Run: ``python benchmarks/bench_project.py`` or ``python benchmarks/run.py project``. The panel is
made in memory (a fraction of a second, so nothing is cached in ``benchmarks/_work/``):
2,500 fictional parks × 20 indicators × 10 annual figures (2015–2024), positive and log-linear
with noise (numpy ``default_rng``, fixed seed; each series has its own level, growth and noise),
and a goal per series (last figure × 1.3, comparator ">=") for 2027. No figure is missing.

Everything runs on one core: the BLAS/OpenMP thread counts are set to 1 before numpy is imported
and the process is pinned to one CPU where ``os.sched_setaffinity`` exists. Each vectorised
figure is the best of ``--repeat`` runs. What is compared, in the same run on the same panel:

- engine: ``parkdata.projection.engine.forecast(Y, years, [2025, 2026, 2027], model)`` for the default model
  ``loglinear`` and for ``weighted`` (ESCAP recency weights) and ``naive``, each with the point
  path, 80 % and 95 % prediction intervals, plus ``prob_meet`` for 2027 (goal: < 0.25 s for all
  50,000 series);
- bare numpy: closed-form OLS slope and intercept of ln y on the year (no intervals, no missing
  values, no checks) — the floor a vectorised fit cannot beat by much;
- statsmodels loop: ``parkdata.projection.reference.fit_series(y, years, t_new, "loglinear")`` (``OLS`` and
  ``get_prediction``) and ``prob_meet`` one series at a time, on a random sample, extrapolated
  (goal: the engine ≥ 1,000× faster). Its mean and bands must equal the engine's to 1e-9
  (relative) on the sampled series, or the script exits with status 1;
- statsforecast ``AutoETS(season_length=1)`` with 80 % and 95 % levels on y = ln value (the same
  scale as the engine's log models), ``n_jobs=1``, timed warm: after a warm-up on a tiny frame
  (statsforecast 1.x compiles with numba on its first call; 2.x ships compiled code) (goal: the
  engine ≥ 50× faster). Building its long-format frame is not timed. It runs on a random sample first and on the whole panel too if the
  sample says that takes at most ``--sf-max-seconds``; otherwise the sample is extrapolated.
  statsforecast is optional and not a parkdata dependency; install it with
  ``pip install statsforecast`` (2.x pins pandas<3, so pip may swap pandas; 2.1.1 runs this
  benchmark on pandas 3). Without it the row is skipped.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core, as the goal says; must precede the numpy import

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

FIRST_YEAR, LAST_YEAR = 2015, 2024
T_NEW = np.array([2025.0, 2026.0, 2027.0])  # the goal year is the last
MODELS = ("loglinear", "weighted", "naive")
BANDS = ("mean", "lo80", "hi80", "lo95", "hi95")


def pin_one_core() -> str:
    """Pin this process to one CPU where the OS allows; say what was done."""
    if not hasattr(os, "sched_setaffinity"):
        return "threads=1 (no sched_setaffinity on this OS)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"threads=1, pinned to CPU {cpu}"


def make_panel(
    n_parks: int, n_indicators: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (S × L, positive, log-linear with noise), years (L,) and a 2027 goal per series."""
    rng = np.random.default_rng(seed)
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1, dtype=float)
    n = n_parks * n_indicators
    indicator_level = rng.normal(3.0, 2.0, n_indicators)  # ln scale: units differ by indicator
    level = np.tile(indicator_level, n_parks) + rng.normal(0.0, 1.0, n)
    growth = rng.normal(0.06, 0.05, n)  # per year on the ln scale
    noise = rng.uniform(0.01, 0.15, n)  # sd of the ln figures around the trend
    z = (
        level[:, None]
        + growth[:, None] * (years - FIRST_YEAR)[None, :]
        + noise[:, None] * rng.standard_normal((n, years.size))
    )
    values = np.exp(z)
    return values, years, values[:, -1] * 1.3


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls, and the last result."""
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def engine(values: np.ndarray, years: np.ndarray, goal: np.ndarray, model: str) -> tuple:
    """Forecast, intervals and P(meet) in 2027 for every series: the vectorised engine."""
    from parkdata.projection.engine import forecast, prob_meet

    fc = forecast(values, years, T_NEW, model)
    p = prob_meet(fc.loc[:, -1], fc.scale[:, -1], fc.df[:, -1], goal, ">=", fc.transform)
    return fc, p


def bare_numpy(values: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form OLS of ln y on the year for every row: slope and intercept only."""
    z = np.log(values)
    d = years - years.mean()
    slope = z @ d / (d @ d)
    return slope, z.mean(axis=1) - slope * years.mean()


def statsmodels_loop(
    values: np.ndarray, years: np.ndarray, goal: np.ndarray
) -> tuple[list, np.ndarray]:
    """One series at a time: ``fit_series`` (statsmodels OLS + get_prediction) and P(meet)."""
    from parkdata.projection.engine import prob_meet
    from parkdata.projection.reference import fit_series

    fits, probs = [], []
    for row, g in zip(values, goal, strict=True):
        fc = fit_series(row, years, T_NEW, "loglinear")
        fits.append(fc)
        probs.append(prob_meet(fc.loc[0, -1], fc.scale[0, -1], fc.df[0, -1], g, ">=", "log"))
    return fits, np.array(probs, dtype=float)


def long_frame(values: np.ndarray, years: np.ndarray, rows: np.ndarray) -> Any:
    """statsforecast's long format: unique_id, ds (the year, integer), y = ln value."""
    import pandas as pd

    return pd.DataFrame(
        {
            "unique_id": np.repeat(rows, years.size),
            "ds": np.tile(years.astype(int), rows.size),
            "y": np.log(values[rows]).ravel(),
        }
    )


def autoets(frame: Any) -> tuple[float, Any]:
    """Seconds for AutoETS on ``frame`` (one core), and the forecasts."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    sf = StatsForecast(models=[AutoETS(season_length=1)], freq=1, n_jobs=1)
    t = time.perf_counter()
    out = sf.forecast(df=frame, h=T_NEW.size, level=[80, 95])
    return time.perf_counter() - t, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parks", type=int, default=2_500)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each vectorised timing")
    parser.add_argument("--sample", type=int, default=500, help="series the statsmodels loop runs")
    parser.add_argument("--sf-sample", type=int, default=5_000, help="series AutoETS runs first")
    parser.add_argument(
        "--sf-max-seconds",
        type=float,
        default=120.0,
        help="run AutoETS on the whole panel only if the sample says it takes at most this",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    pinned = pin_one_core()
    t = time.perf_counter()
    values, years, goal = make_panel(args.parks, args.indicators, args.seed)
    n = values.shape[0]
    print(
        f"data: {n:,} series = {args.parks:,} parks × {args.indicators} indicators × "
        f"{years.size} years ({FIRST_YEAR}–{LAST_YEAR}), made in {time.perf_counter() - t:.2f} s; "
        f"forecast {', '.join(str(int(y)) for y in T_NEW)}, P(value ≥ goal) in {int(T_NEW[-1])}; "
        f"{pinned}"
    )

    rows: list[tuple[str, int, float]] = []  # label, series, seconds
    engine(values[:100], years, goal[:100], "loglinear")  # imports and first-call costs
    vec: dict[str, float] = {}
    results: dict[str, Any] = {}
    for model in MODELS:
        vec[model], results[model] = best_of(
            args.repeat, lambda m=model: engine(values, years, goal, m)
        )

    def all_three() -> None:
        for model in MODELS:
            engine(values, years, goal, model)

    vec["all"], _ = best_of(args.repeat, all_three)
    bare_s, (slope, _) = best_of(args.repeat, lambda: bare_numpy(values, years))
    best = f"best of {args.repeat}"
    for model in MODELS:
        rows.append((f"engine {model} + P(meet) ({best})", n, vec[model]))
    rows.append((f"engine, all three models + P(meet) ({best})", n, vec["all"]))
    rows.append((f"bare numpy log-OLS slope/intercept ({best})", n, bare_s))

    # the statsmodels loop on a random sample, and its agreement with the engine
    rng = np.random.default_rng(args.seed + 1)
    picked = np.sort(rng.choice(n, size=min(args.sample, n), replace=False))
    statsmodels_loop(values[:2], years, goal[:2])  # import statsmodels outside the timing
    t = time.perf_counter()
    fits, loop_p = statsmodels_loop(values[picked], years, goal[picked])
    loop_s = time.perf_counter() - t
    loop_all_s = loop_s / picked.size * n
    rows.append(("statsmodels loop fit_series + P (measured)", picked.size, loop_s))
    rows.append(("statsmodels loop, extrapolated", n, loop_all_s))
    fc = results["loglinear"][0]
    rel = 0.0
    for band in BANDS:
        ours = getattr(fc, band)[picked]
        theirs = np.vstack([getattr(f, band)[0] for f in fits])
        rel = max(rel, float(np.max(np.abs(ours - theirs) / np.abs(theirs))))
    p_diff = float(np.max(np.abs(results["loglinear"][1][picked] - loop_p)))

    # statsforecast AutoETS (optional)
    sf: dict[str, Any] = {"installed": False}
    try:
        import statsforecast
    except ImportError:
        print("statsforecast not installed: pip install statsforecast")
    else:
        sf = {"installed": True, "version": statsforecast.__version__}
        import pandas as pd

        warm_s, _ = autoets(
            long_frame(values, years, np.arange(3))
        )  # numba compile (1.x) / first call
        sf_rows = np.sort(rng.choice(n, size=min(args.sf_sample, n), replace=False))
        sample_s, out = autoets(long_frame(values, years, sf_rows))
        assert len(out) == sf_rows.size * T_NEW.size
        estimate = sample_s / sf_rows.size * n
        sf.update(warmup_s=warm_s, sample=int(sf_rows.size), sample_s=sample_s)
        rows.append(("statsforecast AutoETS (measured, warm)", sf_rows.size, sample_s))
        if sf_rows.size < n and estimate <= args.sf_max_seconds:
            sf["full_s"], out = autoets(long_frame(values, years, np.arange(n)))
            assert len(out) == n * T_NEW.size
            rows.append(("statsforecast AutoETS, whole panel (measured)", n, sf["full_s"]))
            sf["measured_full"] = True
        else:
            sf["full_s"] = sample_s if sf_rows.size == n else estimate
            sf["measured_full"] = sf_rows.size == n
            if sf_rows.size < n:
                rows.append(("statsforecast AutoETS, extrapolated", n, estimate))
        print(
            f"statsforecast {sf['version']} (pandas {pd.__version__}): AutoETS(season_length=1) "
            f"on y = ln value, h={T_NEW.size}, level=[80, 95], n_jobs=1; warm-up on 3 series "
            f"{warm_s:.2f} s (not counted); whole panel "
            f"{'measured' if sf['measured_full'] else 'extrapolated from the sample'}"
        )

    base = vec["loglinear"]
    print(f"{'':<48}{'series':>8}{'seconds':>10}{'series/s':>13}{'÷ engine loglinear':>20}")
    for label, count, secs in rows:
        print(f"{label:<48}{count:>8,}{secs:>10.3f}{count / secs:>13,.0f}{secs / base:>19,.2f}x")

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    loop_ratio = loop_all_s / base
    print(
        f"engine loglinear + P(meet): {base:.3f} s for {n:,} series "
        f"(goal < 0.25 s: {verdict(base < 0.25)}); all three models {vec['all']:.3f} s "
        f"({verdict(vec['all'] < 0.25)}); bare numpy {bare_s:.4f} s"
    )
    print(
        f"statsmodels loop / engine loglinear: {loop_ratio:,.0f}x (goal ≥ 1,000x: "
        f"{verdict(loop_ratio >= 1_000)}); per series {loop_s / picked.size * 1e3:.2f} ms vs "
        f"{base / n * 1e6:.2f} µs (loop measured on {picked.size:,} random series, extrapolated)"
    )
    if sf["installed"]:
        sf_ratio, sf_all = sf["full_s"] / base, sf["full_s"] / vec["all"]
        print(
            f"statsforecast AutoETS / engine loglinear: {sf_ratio:,.0f}x (goal ≥ 50x: "
            f"{verdict(sf_ratio >= 50)}); / engine all three models: {sf_all:,.0f}x"
        )
    ok = rel < 1e-9
    print(
        f"agreement on {picked.size:,} sampled series (loglinear, 3 years): max relative "
        f"difference of {'/'.join(BANDS)} = {rel:.2e} (must be < 1e-9: {'ok' if ok else 'FAILED'});"
        f" max |P(meet) difference| = {p_diff:.2e}"
    )
    print(
        json.dumps(
            {
                "series": n,
                "years": int(years.size),
                "repeat": args.repeat,
                "engine_s": vec,
                "bare_numpy_s": bare_s,
                "loop_sample": int(picked.size),
                "loop_sample_s": loop_s,
                "loop_extrapolated_s": loop_all_s,
                "loop_ratio": loop_ratio,
                "statsforecast": sf,
                "max_rel_diff": rel,
                "max_p_diff": p_diff,
                "median_loglinear_slope": float(np.median(slope)),
            }
        )
    )
    if not ok:
        print("engine and fit_series disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
