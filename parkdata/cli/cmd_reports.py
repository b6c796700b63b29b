"""``parkdata reports``: one HTML report per park, the overview and index.html."""

from __future__ import annotations

import argparse
import sys

from parkdata.batch.runner import BatchInterrupted, BatchResult, run_reports
from parkdata.cli.common import as_of_of, existing, report_stopped
from parkdata.reporting.wording import text


def run(args: argparse.Namespace) -> int:
    try:
        result = _run(args)
    except BatchInterrupted as stopped:
        return report_stopped(stopped, args.language)
    for failed in result.failed:
        print(
            text("cli.failed", args.language, name=failed.name, error=failed.error), file=sys.stderr
        )
    print(result.describe(args.language))
    return 1 if result.failed else 0


def _run(args: argparse.Namespace) -> BatchResult:
    return run_reports(
        data=existing(args.data),
        parks=args.parks,
        group=args.group,
        as_of=as_of_of(args),
        horizon=args.horizon,
        confidence=args.confidence,
        language=args.language,
        out=args.out,
        jobs=args.jobs,
        executor=args.executor,
        scheduler=args.scheduler,
        force=args.force,
        reuse_kernels=not args.fresh_kernels,
        progress=not args.quiet,
        notebooks=existing(args.notebooks),
        bundled=args.bundled,
        timeout=args.timeout,
    )
