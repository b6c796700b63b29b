"""``parkdata demo``: a fictional demo universe, labelled 虚构 in every row."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from parkdata.errors import ArgumentError
from parkdata.inputs.demo import FICTIONAL_MARK, write_demo
from parkdata.reporting.wording import text


def run(args: argparse.Namespace) -> int:
    match = re.fullmatch(r"((?:19|20)\d{2})(?:-((?:19|20)\d{2}))?", args.years.strip())
    if match is None or args.parks < 1:
        raise ArgumentError(
            "--years needs first-last years such as 2013-2024, and --parks a number ≥ 1"
        )
    years = range(int(match[1]), int(match[2] or match[1]) + 1)
    if len(years) < 2:
        raise ArgumentError("--years needs a span of at least two years, e.g. 2013-2024")
    written = write_demo(Path(args.out), args.parks, years, seed=args.seed)
    for table, path in written.items():
        print(text("cli.wrote", args.language, what=table, path=path))
    print(text("cli.demo_fictional", args.language, mark=FICTIONAL_MARK))
    if "enterprises" in written:
        print(text("firm_demo.fictional_firms", args.language, mark=FICTIONAL_MARK))
    return 0
