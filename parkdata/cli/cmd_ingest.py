"""``parkdata ingest``: raw files → checked Parquet in data/processed."""

from __future__ import annotations

import argparse
from pathlib import Path

from parkdata.cli.common import existing, print_issues
from parkdata.inputs.store import ingest


def run(args: argparse.Namespace) -> int:
    raw = existing(args.raw)
    assert raw is not None  # argparse gives a default
    result = ingest(raw, Path(args.out), force=args.force, bundled=args.bundled)
    print(result.describe())
    if result.panel is not None and len(result.panel.errors()):
        print("\nFirst problems:")
        print_issues(result.panel.errors(), limit=10)
        return 1 if args.strict else 0
    return 0
