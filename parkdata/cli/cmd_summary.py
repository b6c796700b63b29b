"""``parkdata summary``: parks, targets and observations, Chinese names first."""

from __future__ import annotations

import argparse

from parkdata.cli.common import load_data, print_table
from parkdata.contract.vocab import target_kind
from parkdata.reporting.wording import in_language, kind_name, level_name, text

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
    lang = args.language
    counts = {
        "parks": len(parks),
        "groups": int((real["kind"] == "group").sum()),
        "regions": int((parks["kind"] == "region").sum()),
        "fictional": int(parks["fictional"].sum()),
        "targets": len(panel.targets),
        "observations": len(panel.observations),
    }
    print(text("cli.summary", lang, **counts) + "\n")
    summary = panel.summary().reset_index()
    summary["kind"] = summary["kind"].map(lambda k: kind_name(k, lang))
    summary["level"] = summary["level"].map(lambda v: level_name(v, lang))
    summary[["first", "last"]] = summary[["first", "last"]].fillna("")
    summary = summary.rename(columns={c: text(f"cli.{c}", lang) for c in _COLUMNS})
    print_table(summary.drop(columns="fictional").set_index(text("cli.park_id", lang)))
    kinds = panel.targets["kind"].value_counts().rename(text("cli.targets", lang)).to_frame()
    kinds.index = [
        text("cli.kind_row", lang, name=in_language(target_kind(k), lang), code=k)
        for k in kinds.index
    ]
    print("\n" + text("cli.targets_by_kind", lang))
    print_table(kinds)
    return 0
