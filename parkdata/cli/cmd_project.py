"""``parkdata project``: trend paths with 80/95 % bands for every series."""

from __future__ import annotations

import argparse

from parkdata.cli.common import (
    as_of_of,
    indicators_of,
    load_data,
    parks_of,
    print_table,
    write_or_print,
)
from parkdata.projection.trend_paths import PROJECT_COLUMNS, project
from parkdata.reporting.wording import text

TABLE_COLUMNS = ("park_name_zh", "indicator_name_zh", *PROJECT_COLUMNS[2:])
_HEADERS = {"park_name_zh": "park", "indicator_name_zh": "indicator", "period": "year"}


def run(args: argparse.Namespace) -> int:
    panel = load_data(args)
    table = project(
        panel,
        model=args.model.split(",") if args.model else "default",
        to=args.to,
        horizon=args.horizon,
        as_of=as_of_of(args),
        park=parks_of(panel, args.park),
        indicators=indicators_of(panel.catalog, args.indicator),
    )
    table = panel.with_names(table)
    write_or_print(table, args)
    if not args.out and args.format != "csv":
        headers = {c: text(f"cli.{_HEADERS.get(c, c)}") for c in TABLE_COLUMNS}
        shown = table[list(TABLE_COLUMNS)].rename(columns=headers)
        print_table(shown.round(2).astype(object).fillna(""), max_rows=args.limit)
        print(text("projection.df_inf"))
    return 0
