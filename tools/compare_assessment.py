"""Compare `parkdata assess --format csv` on the bundled data with the same at another revision.

    .venv/bin/python tools/compare_assessment.py REV [--as-of 2019,2020,2021,2022,2025-06]

REV's tree is exported to a temporary folder and its ``parkdata`` run there (same Python and
dependencies); the working tree's is run as it is. Statuses, every number of the assessment and
the projection columns must agree (numbers to 1e-9 relative); words may differ (the text table).
Exit code 0 when they agree, 1 otherwise, with each difference printed.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NUMBERS = [
    "target_value",
    "goal",
    "base_value",
    "current_value",
    "n_points",
    "gap",
    "pct_of_target",
    "achieved_cagr",
    "required_cagr",
    "realism_base_rate",
    "realism_series",
    "required_increment",
    "expected_value",
    "unsd_ratio",
    "statcan_ratio",
    "projection_n",
    "projected_value",
    "projected_lo80",
    "projected_hi80",
    "projected_lo95",
    "projected_hi95",
    "p_meet",
    "anticipated_progress",
]
CODES = [
    "status",
    "projection_model",
    "progress_colour",
    "current_period",
    "current_qualifier",
    "start_period",
    "target_period",
    "base_period",
]
_RUN = "import sys; sys.path.insert(0, {root!r}); from parkdata.cli import main; main({args!r})"


def assessment(root: Path, as_of: str) -> pd.DataFrame:
    """``parkdata assess --as-of … --format csv`` of the tree at ``root``."""
    args = ["assess", "--as-of", as_of, "--format", "csv"]
    out = subprocess.run(
        [sys.executable, "-c", _RUN.format(root=str(root), args=args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    ).stdout
    return pd.read_csv(io.StringIO(out), dtype=str).set_index("target_id")


def differences(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Every column of NUMBERS and CODES on which the two tables disagree."""
    found = []
    if set(old.index) != set(new.index):
        found.append(f"targets differ: {sorted(set(old.index) ^ set(new.index))[:5]}")
        return found
    new = new.loc[old.index]
    for col in NUMBERS:
        a, b = (pd.to_numeric(t[col], errors="coerce").to_numpy() for t in (old, new))
        same = np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
        if not same.all():
            found.append(f"{col}: {list(old.index[~same][:5])}")
    for col in CODES:
        a, b = (t[col].fillna("").to_numpy() for t in (old, new))
        if (a != b).any():
            found.append(f"{col}: {list(old.index[a != b][:5])}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the revision to compare with, e.g. HEAD~1 or a commit")
    parser.add_argument("--as-of", default="2019,2020,2021,2022,2025-06")
    args = parser.parse_args(argv)
    archive = subprocess.run(
        ["git", "archive", args.rev], capture_output=True, check=True, cwd=ROOT
    ).stdout
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for as_of in args.as_of.split(","):
            found = differences(assessment(Path(tmp), as_of), assessment(ROOT, as_of))
            bad += len(found)
            print(f"as of {as_of}: " + ("the same" if not found else "; ".join(found)))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
