"""``parkdata summary``: parks, targets and observations, Chinese names first."""

from __future__ import annotations

import argparse

from parkdata.cli.common import load_data, print_table
from parkdata.contract.vocab import target_kind
from parkdata.reporting.wording import kind_name, level_name, text

_COLUMNS = (
    "park_id",
    "name",
    "kind",
    "level",
    "observations",
    "indicators",
    "first",
    "last",
    "targets",
)


def run(args: argparse.Namespace) -> int:
    panel = load_data(args)
    parks = panel.parks
    real = parks[~parks["fictional"]]
    print(
        f"parkdata — {len(parks)} parks and groups ({(real['kind'] == 'group').sum()} groups, "
        f"{(parks['kind'] == 'region').sum()} administrative areas for context, "
        f"{parks['fictional'].sum()} fictional), {len(panel.targets)} targets, "
        f"{len(panel.observations)} observations.\n"
    )
    summary = panel.summary().reset_index()
    summary["kind"] = summary["kind"].map(kind_name)
    summary["level"] = summary["level"].map(level_name)
    summary[["first", "last"]] = summary[["first", "last"]].fillna("")
    summary = summary.rename(columns={c: text(f"cli.{c}") for c in _COLUMNS})
    print_table(summary.drop(columns="fictional").set_index(text("cli.park_id")))
    kinds = panel.targets["kind"].value_counts().rename(text("cli.targets")).to_frame()
    kinds.index = [f"{target_kind(k).zh} ({k})" for k in kinds.index]
    print(f"\n{text('cli.targets_by_kind')}")
    print_table(kinds)
    return 0
