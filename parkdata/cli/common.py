"""What the commands share: checked arguments (ids, names, periods, paths) that fail with one
line naming the closest matches, tables printed for a terminal, and files written atomically."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.panel import Panel
from parkdata.contract.periods import check_as_of
from parkdata.contract.registry import find_park
from parkdata.errors import ArgumentError
from parkdata.files import csv_text_for_people, write_atomic, write_csv_for_people
from parkdata.inputs.checks import issue_objects
from parkdata.inputs.loading import load
from parkdata.reporting.wording import text


def print_table(frame: pd.DataFrame, max_rows: int = 60) -> None:
    """A table for a terminal: wide, Chinese characters counted as two columns."""
    with pd.option_context(
        "display.max_rows",
        max_rows,
        "display.width",
        200,
        "display.max_columns",
        20,
        "display.unicode.east_asian_width",
        True,
    ):
        print(frame.to_string(max_rows=max_rows))


def print_issues(issues: pd.DataFrame, limit: int = 50) -> None:
    """Issues as lines: file, sheet, row, column, value, problem and fix."""
    for issue in issue_objects(issues.head(limit)):
        print(f"- {issue}")
    if len(issues) > limit:
        print(f"… and {len(issues) - limit} more")


def existing(path: str | None) -> Path | None:
    """A path the user gave, which must exist."""
    if path is None:
        return None
    if not Path(path).exists():
        raise ArgumentError(f"no such file or folder: {path}")
    return Path(path)


def load_data(args: argparse.Namespace, attr: str = "path") -> Panel:
    """The panel a command works on: the bundled data, or the given path by the one bundled-data
    rule (``--bundled`` / ``--no-bundled`` override it)."""
    path = existing(getattr(args, attr, None))
    return load(path, bundled=getattr(args, "bundled", None))


def parks_of(panel: Panel, names: Sequence[str] | None) -> list[str] | None:
    """Park ids for ``--park`` values (ids, Chinese names or aliases); None when none given."""
    if not names:
        return None
    return list(dict.fromkeys(find_park(panel, name) for name in names))


def indicators_of(catalog: Catalog, names: Sequence[str] | None) -> list[str] | None:
    """Indicator codes for ``--indicator`` values (codes, Chinese names or aliases)."""
    if not names:
        return None
    codes = []
    for name in names:
        code = catalog.resolve(name)
        if code is None:
            raise ArgumentError(catalog.unknown_message(name))
        codes.append(code)
    return codes


def as_of_of(args: argparse.Namespace) -> str | None:
    """``--as-of``, checked."""
    return check_as_of(getattr(args, "as_of", None))


def write_text(out: str, text: str) -> Path:
    """Write ``text`` to ``out`` atomically (its folder is created)."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def write_or_print(table: pd.DataFrame, args: argparse.Namespace) -> None:
    """Write ``table`` to ``--out`` (CSV for spreadsheets: UTF-8 with BOM, formulas neutralised)
    or print it as CSV (formulas neutralised) when ``--format csv``."""
    if args.out:
        path = write_csv_for_people(table, Path(args.out))
        print(f"wrote {path} ({len(table)} rows)")
    elif args.format == "csv":
        sys.stdout.write(csv_text_for_people(table))


def report_stopped(stopped: Any, language: str) -> int:
    """Print the one line of a batch stopped by Ctrl-C or SIGTERM (a ``BatchInterrupted``: what
    finished, what was left, the index) and return its exit code (130 or 143)."""
    done = stopped.result
    left = len(done.failed)
    line = text(
        "batch.stopped",
        language,
        signal=stopped.signal_name,
        done=len(done.outcomes) - left,
        left=left,
        index=done.index,
    )
    print(line, file=sys.stderr)
    return int(stopped.exit_code)
