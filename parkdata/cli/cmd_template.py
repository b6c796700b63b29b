"""``parkdata template``: the Excel workbook a park office fills in."""

from __future__ import annotations

import argparse
from pathlib import Path

from parkdata.inputs.loading import load
from parkdata.inputs.template import DATA_SHEET, write_template
from parkdata.reporting.wording import text


def run(args: argparse.Namespace) -> int:
    out = write_template(Path(args.out), parks=load().parks)
    print(text("cli.template_wrote", args.language, path=out, sheet=DATA_SHEET))
    return 0
