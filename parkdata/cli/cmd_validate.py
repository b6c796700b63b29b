"""``parkdata validate``: check files against the data contract; writes nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from parkdata.cli.common import existing, print_issues, print_table
from parkdata.errors import InputError
from parkdata.inputs.loading import load
from parkdata.inputs.sources import raw_files


def run(args: argparse.Namespace) -> int:
    files = [existing(f) for f in args.files]
    try:
        panel = load([f for f in files if f is not None], bundled=args.bundled, errors="skip")
    except InputError as exc:
        print(exc)
        return 1
    given = {p.resolve() for f in files if f is not None for p in raw_files(f)}
    user = panel.files[panel.files["file"].map(lambda f: Path(f).resolve() in given)]
    names = {Path(f).name for f in user["file"]}
    print_table(user.assign(file=user["file"].map(lambda f: Path(f).name)).set_index("file"))
    issues = panel.issues[panel.issues["file"].isin(names)]  # only the files you gave
    errors = issues[issues["severity"] == "error"]
    warnings = issues[issues["severity"] != "error"]
    for empty in user.loc[user["read"] == 0, "file"]:
        print(f"\nnote: {Path(empty).name} has no data rows")
    if len(warnings):
        print(f"\n{len(warnings)} warning(s):")
        print_issues(warnings, limit=args.limit)
    if len(errors):
        print(f"\n{len(errors)} problem(s) (rows rejected):")
        print_issues(errors, limit=args.limit)
        return 1
    loaded = int(user["loaded"].sum())
    if not loaded:
        print("\nnothing to check: no data rows were found")
        return 1
    print(f"\nOK: {loaded} row(s) follow the data contract.")
    return 0
