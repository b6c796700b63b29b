"""Assessment benchmark: ``assess(panel)`` over every target of a 2,500-park demo universe.

Run: ``python benchmarks/bench_assess.py`` or ``python benchmarks/run.py assess``. The data is the
fictional demo universe (示例园区-NNNN, nine targets per park and a 千亿园区 count for the group of
national-level parks), written once to ``benchmarks/_work/`` and reused while the park count, seed
and generator (``parkdata/inputs/demo.py``) are unchanged. Loading is timed on its own.

What is compared, in the same run on the same panel and ``as_of``:
- vectorised: ``parkdata.assessment.target_status.assess(panel, as_of=...)`` — every target at once (current value,
  goal, observed CAGR, UNSD and StatCan ratios, status and reason);
- naive: a per-target Python loop — for each target, filter the observation table for its park and
  indicator (and a derived indicator's inputs), then compute the goal, the CAGR and the UNSD ratio
  (or the flow/count equivalents) in plain Python. It runs on a random sample of targets and is
  extrapolated to all of them; it computes the ratio only (no status, reason or StatCan ratio),
  so the comparison flatters the naive way.
The two must agree on the UNSD ratio of the sampled targets; the largest difference is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parkdata.contract.formulas import evaluate_formula, formula_inputs
from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.units import conversion_factor
from parkdata.inputs.demo import write_demo

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"


_LEVEL_KINDS = ("level", "share", "multiple", "growth_rate")
_FLOW_KINDS = ("cumulative", "annual_increment")


def make_data(n_parks: int, seed: int) -> tuple[Path, float, bool]:
    """The demo universe's folder (written unless cached), seconds spent, and whether reused."""
    generator = (HERE.parent / "parkdata" / "inputs" / "demo.py").read_bytes()
    key = hashlib.sha256(generator).hexdigest()[:10]
    folder = WORK / f"assess_{n_parks}parks_seed{seed}_{key}"
    names = ("parks_demo.csv", "memberships_demo.csv", "targets_demo.csv")
    wanted = [folder / n for n in (*names, "observations_demo.parquet")]
    t = time.perf_counter()
    if all(p.exists() for p in wanted):
        return folder, time.perf_counter() - t, True
    for stale in WORK.glob(f"assess_{n_parks}parks_seed{seed}_*"):  # an older generator's
        shutil.rmtree(stale)
    write_demo(folder, n_parks, seed=seed)
    return folder, time.perf_counter() - t, False


# --- the naive way: one target at a time, plain Python over filtered rows -------------------


def _series(obs: pd.DataFrame, catalog: Catalog, park: str, code: str) -> dict[int, float]:
    """Year → annual value of ``code`` for ``park``: filtered rows, or a formula over inputs."""
    rows = obs[(obs["park_id"] == park) & (obs["indicator"] == code) & (obs["basis"] == "annual")]
    if len(rows):
        return {int(p): float(v) for p, v in zip(rows["period"], rows["value"], strict=True)}
    ind = catalog[code]
    if not ind.formula:
        return {}
    inputs = {c: _series(obs, catalog, park, c) for c in formula_inputs(ind.formula)}
    factor = {c: conversion_factor(catalog[c].unit, ind.formula_units[c]) for c in inputs}
    years = set.intersection(*(set(v) for v in inputs.values()))
    out = {}
    for year in sorted(years):
        scalars = {c: inputs[c][year] * factor[c] for c in inputs}
        out[year] = float(evaluate_formula(ind.formula, scalars))
    return out


def _cagr(start: float, end: float, years: float) -> float:
    if start <= 0 or end <= 0 or years <= 0:
        return math.nan
    return (end / start) ** (1 / years) - 1


def naive_ratio(
    target: dict[str, Any],
    obs: pd.DataFrame,
    catalog: Catalog,
    members: dict[str, list[str]],
    as_of: int,
) -> float:
    """The UNSD ratio (or expected / goal for flows and counts) of one target, in plain Python."""
    kind, park, code = target["kind"], target["park_id"], target["indicator"]
    due = int(target["target_period"])
    horizon = min(due, as_of)
    base = None if pd.isna(target["base_period"]) else int(target["base_period"])
    goal_value = float(target["target_value"])
    if kind == "count_over_threshold":
        expected = 0
        for member in members.get(park, []):
            series = _series(obs, catalog, member, code)
            years = sorted(y for y in series if y <= horizon)
            if not years:
                continue
            first, last = years[0], years[-1]
            pace = _cagr(series[first], series[last], last - first)
            value = (
                series[last] * (1 + pace) ** max(due - last, 0) if pace == pace else series[last]
            )
            expected += value >= float(target["threshold"])
        return expected / goal_value if goal_value else math.nan
    series = _series(obs, catalog, park, code)
    if kind in _FLOW_KINDS:
        if catalog[code].agg_time != "sum":  # a stock: each year's rise
            series = {y: series[y] - series[y - 1] for y in series if y - 1 in series}
        years = [y for y in sorted(series) if base is not None and base < y <= horizon]
        if not years:
            return math.nan
        values = [series[y] for y in years]
        mean, left = sum(values) / len(values), max(due - years[-1], 0)
        expected = sum(values) + mean * left if kind == "cumulative" else mean
        return expected / goal_value if goal_value else math.nan
    years = sorted(y for y in series if y <= horizon)
    if not years:
        return math.nan
    first, last = years[0], years[-1]
    current = series[last]
    base_value = series.get(base, math.nan) if base is not None else math.nan
    if kind == "multiple":
        goal = goal_value * base_value
    elif kind == "growth_rate":
        goal = base_value * (1 + goal_value / 100) ** (due - base) if base else math.nan
    else:
        goal = goal_value
    has_base = base_value == base_value
    v_b = base_value if has_base else series[first]
    start = base if has_base else first  # pace from the plan's base year when it is known
    pace = _cagr(v_b, current, last - start)
    expected = current * (1 + pace) ** max(due - last, 0)
    higher = target["comparator"] != "<="
    if (goal <= v_b) if higher else (goal >= v_b):  # base already past the target
        v_b = current
    return (expected - v_b) / (goal - v_b) if goal != v_b else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parks", type=int, default=2_500)
    parser.add_argument("--sample", type=int, default=500, help="targets the naive loop runs")
    parser.add_argument("--as-of", dest="as_of", default="2024", help="assessment date")
    parser.add_argument("--repeat", type=int, default=2, help="runs of assess; the best is kept")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import parkdata as pkd
    from parkdata.assessment.target_status import assess

    folder, made, reused = make_data(args.parks, args.seed)
    print(
        f"data: {args.parks:,} demo parks in {folder.relative_to(HERE.parent)} "
        f"({'reused' if reused else 'made'} in {made:.1f} s)"
    )
    t = time.perf_counter()
    panel = pkd.load(folder, bundled=False)
    load_s = time.perf_counter() - t
    assert len(panel.errors()) == 0
    n_obs, n_targets = len(panel.observations), len(panel.targets)
    print(
        f"load (pkd.load, checked, once): {load_s:.2f} s for {n_obs:,} observation rows and "
        f"{n_targets:,} targets ({n_obs / load_s:,.0f} rows/s); not part of the figures below"
    )

    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        table = assess(panel, as_of=args.as_of)
        times.append(time.perf_counter() - t)
    vec_s = min(times)
    assert len(table) == n_targets
    statuses = ", ".join(f"{k} {v:,}" for k, v in table["status"].value_counts().items())
    print(f"statuses as of {args.as_of}: {statuses}")

    rng = np.random.default_rng(args.seed)
    sample_size = min(args.sample, n_targets)
    picked = rng.choice(n_targets, size=sample_size, replace=False)
    sample = panel.targets.iloc[np.sort(picked)]
    records = sample.to_dict("records")
    members = panel.memberships.groupby("group_id")["member_id"].agg(list).to_dict()
    obs, catalog, year = panel.observations, panel.catalog, int(args.as_of[:4])
    t = time.perf_counter()
    naive = [naive_ratio(r, obs, catalog, members, year) for r in records]
    naive_s = time.perf_counter() - t
    naive_all_s = naive_s / sample_size * n_targets

    print(f"{'':<40}{'targets':>9}{'seconds':>10}{'targets/s':>12}{'obs rows/s':>14}")
    print(
        f"{'assess(panel) (vectorised, best of ' + str(args.repeat) + ')':<40}{n_targets:>9,}"
        f"{vec_s:>10.2f}{n_targets / vec_s:>12,.0f}{n_obs / vec_s:>14,.0f}"
    )
    print(
        f"{'naive per-target loop (measured)':<40}{sample_size:>9,}{naive_s:>10.2f}"
        f"{sample_size / naive_s:>12,.0f}{'':>14}"
    )
    print(
        f"{'naive, extrapolated to all targets':<40}{n_targets:>9,}{naive_all_s:>10.1f}"
        f"{n_targets / naive_all_s:>12,.0f}{n_obs / naive_all_s:>14,.0f}"
    )
    per_vec, per_naive = vec_s / n_targets, naive_s / sample_size
    print(
        f"per target: vectorised {per_vec * 1e3:.3f} ms, naive {per_naive * 1e3:.1f} ms "
        f"-> ratio naive / vectorised {per_naive / per_vec:,.0f}x "
        f"(naive measured on a random sample of {sample_size:,} targets, extrapolated)"
    )

    # honesty check: the same ratio from both ways on the sampled targets
    ours = table.set_index("target_id").loc[sample["target_id"], "unsd_ratio"].to_numpy(float)
    theirs = np.array(naive, dtype=float)
    checks = {}
    for label, kinds in (("level-kind", _LEVEL_KINDS), ("flow and count", None)):
        is_kind = sample["kind"].isin(kinds if kinds else _LEVEL_KINDS).to_numpy()
        mask = is_kind if kinds else ~is_kind
        both = mask & np.isfinite(ours) & np.isfinite(theirs)
        one_only = mask & (np.isfinite(ours) != np.isfinite(theirs))
        diff = float(np.max(np.abs(ours[both] - theirs[both]))) if both.any() else math.nan
        checks[label] = {"compared": int(both.sum()), "max_abs_diff": diff}
        print(
            f"agreement on sampled {label} targets: {int(both.sum())} compared, "
            f"max |UNSD ratio difference| = {diff:.2e}, {int(one_only.sum())} NaN on one side only"
        )
    print(
        json.dumps(
            {
                "parks": args.parks,
                "targets": n_targets,
                "observations": n_obs,
                "load_s": load_s,
                "assess_s": vec_s,
                "naive_sample": sample_size,
                "naive_sample_s": naive_s,
                "naive_extrapolated_s": naive_all_s,
                "agreement": checks,
            }
        )
    )


if __name__ == "__main__":
    main()
