"""``parkdata assess``: the status of every target, with the reason in words."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from parkdata.assessment.target_status import assess
from parkdata.cli.common import as_of_of, load_data, parks_of, print_table, write_text
from parkdata.reporting.explanations import explain
from parkdata.reporting.formatting import format_number, period_label
from parkdata.reporting.wording import text

TABLE_COLUMNS = {
    "target_id": "target_id",
    "park_name_zh": "park",
    "indicator_name_zh": "indicator",
    "target_period": "target_year",
    "target_text": "target",
    "current_period": "current_period",
    "current_value": "current_value",
    "pct_of_target": "pct",
    "required_cagr": "required",
    "achieved_cagr": "achieved",
    "status_name": "status",
    "p_meet": "p_meet",
    "reason": "reason",
}


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    shown = table[list(TABLE_COLUMNS)].rename(
        columns={k: text(f"cli.{v}") for k, v in TABLE_COLUMNS.items()}
    )
    for key in ("current_value", "pct", "required", "achieved"):
        col = text(f"cli.{key}")
        shown[col] = shown[col].astype(float).map(format_number)
    p = shown[text("cli.p_meet")].astype(float) * 100
    shown[text("cli.p_meet")] = p.map(lambda x: "" if x != x else f"{x:.0f}")
    return shown.set_index(text("cli.target_id")).fillna("")


def run(args: argparse.Namespace) -> int:
    panel = load_data(args)
    table = assess(panel, as_of=as_of_of(args), park=parks_of(panel, args.park), rule=args.rule)
    table = panel.with_names(explain(table, "zh", panel.catalog))
    fmt = args.format or ("json" if args.out and args.out.endswith(".json") else None)
    fmt = fmt or ("csv" if args.out else "table")
    body = (
        table.to_csv(index=False)
        if fmt in ("csv", "table")
        else table.to_json(orient="records", force_ascii=False, indent=1)
    )
    if args.out:
        write_text(args.out, body)
    if fmt in ("csv", "json") and not args.out:
        sys.stdout.write(body)
        return 0
    if table.empty:
        print("0 targets: the data holds no plan targets (`parkdata project` still projects)")
        return 0
    counts = "，".join(f"{k}{v}个" for k, v in table["status_name"].value_counts().items())
    as_of = period_label(str(table["as_of"].iloc[0]))
    print(text("cli.assessed", n=len(table), as_of=as_of, counts=counts))
    if args.out:
        print(text("cli.all_written", path=args.out))
    if args.format in (None, "table"):
        print()
        print_table(_shown(table), max_rows=args.limit)
    return 0
