"""Run the benchmarks: ``python benchmarks/run.py`` (``make bench``) runs every ``bench_*.py``.

Name some to run only those: ``python benchmarks/run.py assess`` (``bench_assess.py``),
``python benchmarks/run.py ingest assess``; ``project`` (``bench_project.py``) is the projection
engine on 50,000 series; ``reports`` (``bench_reports.py``) is ``parkdata reports`` against
papermill + nbconvert one park at a time, then an unchanged rerun on 2,500 parks (its first run
takes tens of minutes: ``--skip-universe`` leaves it out, ``--reuse`` keeps an earlier one);
``enterprises`` (``bench_enterprises.py``) is the 亩均 firm evaluation of the 2,500-park demo's
fictional firms (checked load, classes in one pass against a per-group loop, park figures).
Options after the names go to each script, e.g. ``python benchmarks/run.py assess --parks 500``,
``python benchmarks/run.py reports --naive-parks 5 --skip-universe``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}
    names: list[str] = []
    while argv and not argv[0].startswith("-"):
        name = argv.pop(0).removeprefix("bench_").removesuffix(".py")
        if name not in scripts:
            print(f"unknown benchmark {name!r}; choose from: {', '.join(scripts)}", file=sys.stderr)
            return 2
        names.append(name)
    for name in names or list(scripts):
        print(f"== {scripts[name].name}", flush=True)
        subprocess.run([sys.executable, str(scripts[name]), *argv], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
