"""``parkdata enterprises``: each park's 亩均效益 evaluation page, 公示 workbooks and an index."""

from __future__ import annotations

import argparse
import sys

from parkdata.batch.enterprise_runner import EnterpriseBatchResult, run_enterprise_reports
from parkdata.batch.execution import BatchInterrupted
from parkdata.cli.common import existing, report_stopped
from parkdata.reporting.wording import sep, text


def run(args: argparse.Namespace) -> int:
    try:
        result = _run(args)
    except BatchInterrupted as stopped:
        return report_stopped(stopped, args.language)
    for name, error in result.problems():
        print(text("cli.failed", args.language, name=name, error=error), file=sys.stderr)
    if result.new_parks:
        parks = sep("list", args.language).join(result.new_parks)
        print(text("firm_fixes.new_parks", args.language, parks=parks))
    print(result.describe(args.language))
    if result.all_workbook is not None:
        print(text("firm_batch.all_workbook", args.language, path=result.all_workbook))
    return 1 if result.problems() else 0


def _run(args: argparse.Namespace) -> EnterpriseBatchResult:
    return run_enterprise_reports(
        data=existing(args.data),
        parks=args.park,
        year=args.year,
        schemes=args.scheme,
        cutoffs=args.cutoffs,
        policies=args.policies,
        projects=existing(args.projects),
        language=args.language,
        out=args.out,
        jobs=args.jobs,
        timeout=args.timeout,
        force=args.force,
        progress=not args.quiet,
        notebooks=existing(args.notebooks),
        rule=args.rule,
    )
