"""``parkdata template``: the Excel workbook a park office fills in."""

from __future__ import annotations

import argparse
from pathlib import Path

from parkdata.inputs.loading import load
from parkdata.inputs.template import write_template


def run(args: argparse.Namespace) -> int:
    out = write_template(Path(args.out), parks=load().parks)
    print(f"wrote {out}: fill in the sheet 观测数据, then run `parkdata validate {out}`")
    return 0
