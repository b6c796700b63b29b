"""Ingest benchmark: 2,000,000 demo observation rows through parkdata vs plain pandas.read_csv.

Run: ``python benchmarks/bench_ingest.py`` (or ``make bench``). Each measurement runs in a fresh
Python process so its peak memory (max RSS) is its own. The data is the fictional demo universe
(示例园区-NNNN), written once to ``benchmarks/_work/``.

What is compared, in the same run on the same file:
- naive: ``pandas.read_csv(path)`` — reads the table, checks nothing;
- parkdata: ``pkd.load(files, bundled=False)`` — reads as text, maps names to codes, parses every
  value (约/突破/%), checks periods, bases and units, converts to canonical units, checks duplicates.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"

_PEAK = """
def peak_mb():  # this process's own high-water RSS (VmHWM resets at exec; ru_maxrss does not)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""
_NAIVE = (
    _PEAK
    + """
import time, sys
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
print({"seconds": time.perf_counter() - t, "rows": len(df),
       "peak_mb": peak_mb()})
"""
)
_PARKDATA = (
    _PEAK
    + """
import time, sys
from pathlib import Path
import parkdata as pkd
t = time.perf_counter()
panel = pkd.load([Path(sys.argv[1]), Path(sys.argv[2])], bundled=False)
assert len(panel.errors()) == 0
print({"seconds": time.perf_counter() - t, "rows": len(panel.observations),
       "peak_mb": peak_mb()})
"""
)
_BASELINE = (
    _PEAK
    + """
import pandas as pd, parkdata  # imports only: the memory every run pays before reading
print({"seconds": 0.0, "rows": 0, "peak_mb": peak_mb()})
"""
)


def make_data(rows: int) -> tuple[Path, Path]:
    """Write the demo parks and exactly ``rows`` observation rows as CSV (cached)."""
    from parkdata.inputs.demo import demo_observations, demo_parks

    WORK.mkdir(exist_ok=True)
    obs_path, parks_path = WORK / f"observations_{rows}.csv", WORK / f"parks_{rows}.csv"
    if obs_path.exists() and parks_path.exists():
        return obs_path, parks_path
    per_park = len(demo_observations(1))
    n_parks = -(-rows // per_park)
    demo_parks(n_parks).to_csv(parks_path, index=False)
    demo_observations(n_parks).head(rows).to_csv(obs_path, index=False)
    return obs_path, parks_path


def run(code: str, *args: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], check=True, capture_output=True, text=True
    ).stdout
    return eval(out.strip().splitlines()[-1], {})  # our own child's printed dict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best is kept")
    args = parser.parse_args()
    t = time.perf_counter()
    obs_path, parks_path = make_data(args.rows)
    size_mb = obs_path.stat().st_size / 2**20
    print(
        f"data: {args.rows:,} rows, {size_mb:.0f} MiB CSV (made or reused in "
        f"{time.perf_counter() - t:.1f} s)"
    )
    base = run(_BASELINE)
    naive = min((run(_NAIVE, obs_path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    ours = min(
        (run(_PARKDATA, obs_path, parks_path) for _ in range(args.repeat)),
        key=lambda r: r["seconds"],
    )
    print(f"{'':<34}{'seconds':>10}{'rows/s':>14}{'peak RSS MiB':>15}")
    for name, r in (("pandas.read_csv (naive)", naive), ("parkdata load (checked)", ours)):
        print(
            f"{name:<34}{r['seconds']:>10.2f}{r['rows'] / r['seconds']:>14,.0f}"
            f"{r['peak_mb']:>15.0f}"
        )
    print(f"{'imports only (baseline memory)':<34}{'':>10}{'':>14}{base['peak_mb']:>15.0f}")
    print(
        f"ratio parkdata / naive: time {ours['seconds'] / naive['seconds']:.2f}x, "
        f"peak memory {ours['peak_mb'] / naive['peak_mb']:.2f}x"
    )
    print(json.dumps({"rows": args.rows, "naive": naive, "parkdata": ours}))


if __name__ == "__main__":
    main()
