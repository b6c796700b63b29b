"""亩均 firm evaluation benchmark: the fictional demo firms of a 2,500-park universe.

Run: ``python benchmarks/bench_enterprises.py`` or ``python benchmarks/run.py enterprises``
(``--parks N``, ``--sample K``). What is measured, in the same run on the same firms:

- making the demo firms (``demo_enterprises``) and writing them as ``parkdata demo`` does;
- reading them back checked (``load_enterprises``: headers, numbers, flags, 统一社会信用代码,
  plausibility rules, park names) against a plain ``pandas.read_csv`` of the same file;
- classing every park-year under both default schemes in one pass (``classify_parks``) against
  the naive way — ``classify_enterprises`` once per park, year and scheme — timed on a random
  sample of park-years and extrapolated; the two must give the same classes on the sample;
- the park 亩均 figures summed from the firms (``park_efficiency``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from parkdata.assessment.enterprise_results import DEFAULT_SCHEMES, classify_parks, resolve_schemes
from parkdata.assessment.enterprises import classify_enterprises
from parkdata.inputs.demo import demo_enterprises, enterprise_csv
from parkdata.inputs.enterprise_files import load_enterprises
from parkdata.inputs.firm_totals import park_efficiency

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(result, seconds) of one call."""
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def naive_classes(firms: pd.DataFrame, groups: list[tuple[str, int]]) -> pd.Series:
    """Class per firm row of ``groups``: classify_enterprises once per park, year and scheme."""
    out = {}
    schemes = resolve_schemes(DEFAULT_SCHEMES)
    for park, year in groups:
        rows = firms[(firms["park_id"] == park) & (firms["year"] == year)]
        for _, scheme in schemes:
            scope = scheme.scope
            mine = rows if scope == "all" else rows[rows["above_scale"] == (scope == "above_scale")]
            if len(mine):
                result = classify_enterprises(mine, scheme)
                out.update(result["class"].to_dict())
    return pd.Series(out, dtype=object)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parks", type=int, default=2500)
    parser.add_argument("--sample", type=int, default=200, help="park-years timed the naive way")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)

    firms, t_make = timed(demo_enterprises, args.parks, years=(2023, 2024), seed=0)
    n_groups = firms.groupby(["park_id", "year"]).ngroups
    print(
        f"demo firms: {len(firms):,} rows, {args.parks:,} parks × 2 years ({n_groups:,} park-years)"
    )
    print(f"  made in {t_make:.2f} s")
    path = WORK / f"enterprises_{args.parks}parks.csv"
    enterprise_csv(firms).to_csv(path, index=False)

    _, t_plain = timed(pd.read_csv, path, dtype=str)
    loaded, t_load = timed(load_enterprises, path)
    assert len(loaded) == len(firms)
    print(
        f"read back: pandas.read_csv {t_plain:.2f} s; load_enterprises (checked) "
        f"{t_load:.2f} s = {t_load / t_plain:.1f}× the time"
    )

    classes, t_fast = timed(classify_parks, loaded)
    groups = sorted(set(zip(loaded["park_id"], loaded["year"], strict=True)))
    rng = np.random.default_rng(0)
    pick = [groups[i] for i in rng.choice(len(groups), min(args.sample, len(groups)), False)]
    naive, t_naive = timed(naive_classes, loaded, pick)
    per_group = t_naive / len(pick)
    t_naive_all = per_group * len(groups)
    same = classes["class"].reindex(naive.index)
    agree = bool((same.fillna("") == naive.fillna("")).all())
    print(
        f"classes: classify_parks {t_fast:.2f} s for {len(groups):,} park-years "
        f"(both schemes); naive loop {per_group * 1000:.0f} ms a park-year → "
        f"{t_naive_all:.0f} s for all (timed on {len(pick)}) = {t_naive_all / t_fast:.0f}× "
        f"faster; same classes on the sample: {agree}"
    )

    totals, t_totals = timed(park_efficiency, loaded)
    print(f"park 亩均 figures from firms: {len(totals):,} park-years in {t_totals:.2f} s")


if __name__ == "__main__":
    main()
