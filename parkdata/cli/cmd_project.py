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
from parkdata.reporting.wording import indicator_names, text

TABLE_COLUMNS = ("park_name_zh", "indicator_name_zh", *PROJECT_COLUMNS[2:])
"""Columns of the printed table (the indicator named in the --language chosen)."""
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
        lang = args.language
        if table.empty:
            print(text("cli.no_projection", lang))
            return 0
        shown = table[list(TABLE_COLUMNS)].assign(
            indicator_name_zh=table["indicator"].map(indicator_names(panel.catalog, lang))
        )
        headers = {c: text(f"cli.{_HEADERS.get(c, c)}", lang) for c in TABLE_COLUMNS}
        shown = shown.rename(columns=headers)
        print_table(shown.round(2).astype(object).fillna(""), max_rows=args.limit)
        if (table["df"] == float("inf")).any():
            print(text("projection.df_inf", lang))
    return 0
