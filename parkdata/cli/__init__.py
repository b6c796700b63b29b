"""The ``parkdata`` command line: ingest, validate, summary, assess, project, backtest, reports,
catalog, template, demo. The top layer: it may import every stage."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib import import_module

from parkdata.cli.parser import build_parser, parse
from parkdata.errors import ParkDataError


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``parkdata`` command."""
    args = parse(list(argv) if argv is not None else None)
    # each command's module is imported only when it runs: `parkdata --help` and light commands
    # do not pay for the data stack (pandas, matplotlib, statsmodels, papermill)
    command = import_module(f"parkdata.cli.cmd_{args.command}")
    try:
        return int(command.run(args))
    except ParkDataError as exc:
        print(f"parkdata {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM while a batch prepares: one line
        name = getattr(exc, "signal_name", "SIGINT")
        print(f"parkdata {args.command}: interrupted ({name})", file=sys.stderr)
        return int(getattr(exc, "exit_code", 130))
    except BrokenPipeError:  # `parkdata summary | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # a full disk, a folder taken away: say which file, no traceback
        where = f" {exc.filename}" if exc.filename else ""
        print(f"parkdata {args.command}: error:{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1


__all__ = ["build_parser", "main"]
