"""``parkdata catalog``: the indicator catalog."""

from __future__ import annotations

import argparse

from parkdata.cli.common import print_table
from parkdata.contract.indicator_catalog import catalog


def run(args: argparse.Namespace) -> int:
    frame = catalog(include_growth=args.all)[["name_zh", "unit", "kind", "direction", "formula"]]
    print_table(frame.fillna(""), max_rows=1000)
    return 0
