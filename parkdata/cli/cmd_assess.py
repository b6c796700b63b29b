"""``parkdata assess``: the status of every target, with the reason in words."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from parkdata.assessment.target_status import assess
from parkdata.cli.common import as_of_of, load_data, parks_of, print_table, write_text
from parkdata.files import csv_text_for_people, write_csv_for_people
from parkdata.reporting.explanations import explain
from parkdata.reporting.formatting import format_number, period_label
from parkdata.reporting.narrative import status_counts_text
from parkdata.reporting.wording import text

TABLE_COLUMNS = {
    "target_id": "target_id",
    "park_name_zh": "park",
    "indicator_name": "indicator",
    "target_period": "target_year",
    "target_text": "target",
    "current_period": "current_period",
    "current_value": "current_value",
    "pct_of_target": "pct",
    "required_cagr": "required",
    "achieved_cagr": "achieved",
    "status_name": "status",
    "p_meet": "p_meet",
    "reason_text": "reason",
}


def _shown(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    shown = table[list(TABLE_COLUMNS)].rename(
        columns={k: text(f"cli.{v}", lang) for k, v in TABLE_COLUMNS.items()}
    )
    for key in ("current_value", "pct", "required", "achieved"):
        col = text(f"cli.{key}", lang)
        shown[col] = shown[col].astype(float).map(format_number)
    p = shown[text("cli.p_meet", lang)].astype(float) * 100
    shown[text("cli.p_meet", lang)] = p.map(lambda x: "" if x != x else f"{x:.0f}")
    return shown.set_index(text("cli.target_id", lang)).fillna("")


def run(args: argparse.Namespace) -> int:
    panel = load_data(args)
    table = assess(panel, as_of=as_of_of(args), park=parks_of(panel, args.park), rule=args.rule)
    lang = args.language
    table = panel.with_names(explain(table, lang, panel.catalog))
    fmt = args.format or ("json" if args.out and args.out.endswith(".json") else None)
    fmt = fmt or ("csv" if args.out else "table")
    if args.out and fmt in ("csv", "table"):  # for spreadsheets: BOM, formulas neutralised
        write_csv_for_people(table, Path(args.out))
    elif fmt == "json":
        body = table.to_json(orient="records", force_ascii=False, indent=1)
        if not args.out:
            sys.stdout.write(body)
            return 0
        write_text(args.out, body)
    elif fmt == "csv":
        sys.stdout.write(csv_text_for_people(table))
        return 0
    if table.empty:
        print(text("cli.no_targets", lang))
        return 0
    as_of = period_label(str(table["as_of"].iloc[0]), lang)
    counts = status_counts_text(table, lang)
    print(text("cli.assessed", lang, n=len(table), as_of=as_of, counts=counts))
    if args.out:
        print(text("cli.all_written", lang, path=args.out))
    if args.format in (None, "table"):
        print()
        print_table(_shown(table, lang), max_rows=args.limit)
    return 0
