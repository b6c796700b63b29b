"""``parkdata ingest``: raw files → checked Parquet in data/processed.

Exit 1 when a whole file or sheet could not be read (a file mixing encodings, a sheet of
formulas without values, a missing column …: none of its rows were loaded), and with
``--strict`` when any row was rejected.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from parkdata.cli.common import existing, print_issues
from parkdata.contract.panel import Panel
from parkdata.inputs.store import ingest
from parkdata.reporting.wording import text


def unread_places(panel: Panel) -> list[str]:
    """Files and sheets none of whose rows were loaded because of an error: files that read
    nothing and have an error, and errors that name no row (a whole file or sheet)."""
    errors = panel.errors()
    with_errors = set(errors["file"].astype(str))
    places = [
        label
        for file, read in zip(panel.files["file"], panel.files["read"], strict=True)
        for label in {Path(str(file)).name, str(file)} & with_errors
        if read == 0
    ]
    whole = errors[errors["row"].isna()]
    for file, sheet in zip(whole["file"], whole["sheet"], strict=True):
        place = str(file) if pd.isna(sheet) else f"{file} [{sheet}]"
        if place not in places and str(file) not in places:
            places.append(place)
    return places


def run(args: argparse.Namespace) -> int:
    raw = existing(args.raw)
    assert raw is not None  # argparse gives a default
    result = ingest(raw, Path(args.out), force=args.force, bundled=args.bundled)
    print(result.describe())
    if result.panel is not None and len(result.panel.errors()):
        print("\nFirst problems:")
        print_issues(result.panel.errors(), limit=10)
        unread = unread_places(result.panel)
        if unread:
            # English, as ingest's other lines are (it has no --language)
            print("\n" + text("cli.ingest_unread", "en", places=", ".join(unread)))
            return 1
        return 1 if args.strict else 0
    return 0
