"""The ``parkdata`` argument parser: every command, its arguments and their help.

Kept apart from the commands so ``parkdata --help`` (and every ``parkdata CMD --help``) answers
at once, without importing the data stack. A bad argument is one line naming it and exit
code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import NoReturn

from parkdata import paths

COMMANDS = (
    "ingest",
    "validate",
    "summary",
    "assess",
    "project",
    "backtest",
    "catalog",
    "reports",
    "enterprises",
    "template",
    "demo",
)


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``parkdata CMD: error: …`` (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _count(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``least``."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < least:
            raise argparse.ArgumentTypeError(f"{value} is below {least}")
        return number

    return parse


def _year(value: str) -> int:
    """An argparse type: a calendar year parkdata can project to (1990–2100)."""
    year = _count(1990)(value)
    if year > 2100:
        raise argparse.ArgumentTypeError(f"{value} is not a year between 1990 and 2100")
    return year


def _horizons(value: str) -> list[int]:
    """An argparse type: comma-separated years ahead, each at least 1 (``1,2,3``)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give years ahead such as 1,2,3")
    return sorted({_count(1)(p) for p in parts})


def _language(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--language", default="zh", choices=("zh", "en"), help="words in 中文 or English (zh)"
    )


def _bundled(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--bundled",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read the bundled data too, or not (default: only when your data has no parks file)",
    )


def _data(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="a data folder or file (default: the bundled data)")
    _bundled(p)


def _ingest(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="build data/processed/ (Parquet) from data/raw/")
    p.add_argument(
        "--raw", default=str(paths.BUNDLED_RAW_DIR), help="raw data folder (default: %(default)s)"
    )
    p.add_argument(
        "--out", default=str(paths.PROCESSED_DIR), help="processed folder (default: %(default)s)"
    )
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--strict", action="store_true", help="exit 1 if any row was rejected")
    _bundled(p)


def _validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check files against the data contract (writes nothing)")
    p.add_argument("files", nargs="+", help="CSV, Excel or Parquet files, or folders")
    p.add_argument("--limit", type=_count(1), default=50, help="how many problems to print")
    _bundled(p)


def _assess(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("assess", help="status of every target: met, on track, behind …")
    _data(p)
    p.add_argument("--park", action="append", help="only this park: id or name (repeatable)")
    p.add_argument("--as-of", dest="as_of", help="use only figures for periods ended by then")
    p.add_argument("--rule", choices=["unsd", "statcan"], default="unsd", help="status rule")
    p.add_argument("--format", choices=["table", "csv", "json"], help="default: a table")
    p.add_argument("--out", help="also write every column to this .csv or .json file")
    p.add_argument("--limit", type=_count(1), default=500, help="rows to print in a table")
    _language(p)


def _project(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("project", help="trend projections with 80 and 95 %% bands, every series")
    _data(p)
    p.add_argument("--park", action="append", help="only this park: id or name (repeatable)")
    p.add_argument("--indicator", action="append", help="only this indicator (repeatable)")
    p.add_argument("--model", help="model(s), comma-separated (default: per indicator)")
    p.add_argument("--to", type=_year, help="project up to this year")
    p.add_argument("--horizon", type=_count(1), default=3, help="years after the last figure")
    p.add_argument("--as-of", dest="as_of", help="use only figures for periods ended by then")
    p.add_argument("--format", choices=["table", "csv"], help="what to print (default: a table)")
    p.add_argument("--out", help="write the projections to this CSV file")
    p.add_argument("--limit", type=_count(1), default=200, help="rows to print in a table")
    _language(p)


def _backtest(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backtest", help="rolling-origin backtest: coverage and error per model")
    _data(p)
    p.add_argument("--demo-parks", type=_count(0), default=100, help="fictional parks (0: skip)")
    p.add_argument(
        "--horizons", type=_horizons, default=[1, 2, 3], help="years ahead, comma-separated"
    )
    p.add_argument("--models", help="models, comma-separated (default: all)")
    p.add_argument("--max-fits", type=_count(1), default=300, help="statsmodels fits per model")
    p.add_argument("--seed", type=int, default=0, help="seed of the demo universe and sample")
    p.add_argument("--format", choices=["table", "csv"], help="what to print (default: tables)")
    p.add_argument("--out", help="also write the summary to this CSV file")
    _language(p)


def _reports(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reports", help="one HTML report per park (papermill, in parallel) and outputs/index.html"
    )
    p.add_argument("data", nargs="?", default=None, help="raw or processed data (default: bundled)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--parks", nargs="+", metavar="PARK", help="these parks only: ids or names")
    which.add_argument("--group", metavar="GROUP", help="a group and its member parks")
    p.add_argument("--as-of", dest="as_of", help="judge with figures up to this period, e.g. 2022")
    p.add_argument(
        "--horizon", type=_count(1), default=3, help="years projected past the last figure"
    )
    p.add_argument("--confidence", type=float, default=0.8, choices=(0.8, 0.95))
    _language(p)
    p.add_argument("--jobs", type=_count(1), default=None, help="parallel workers (default: CPUs)")
    p.add_argument("--executor", default="process", choices=("process", "dask"))
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--out", default=str(paths.OUTPUTS_DIR), help="output folder (%(default)s)")
    p.add_argument("--force", action="store_true", help="ignore the cache and run every report")
    p.add_argument("--fresh-kernels", action="store_true", help="a new kernel per park (isolated)")
    p.add_argument(
        "--timeout",
        type=_count(1),
        default=600,
        help="seconds a park's notebook may run before it fails (default: %(default)s)",
    )
    p.add_argument("--notebooks", help="folder with your own park_report and overview notebooks")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _bundled(p)


def _cutoff(value: str) -> float:
    """An argparse type: a rank share above 0 and at most 1 (``0.2``)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number such as 0.2") from None
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not a rank share above 0 and at most 1")
    return number


def _land_rules() -> list[str]:
    """The land-supply rule codes of data/land_supply.yaml, read as text (help stays fast; the
    rules themselves are checked by ``parkdata.assessment.land_supply``)."""
    found = (paths.PACKAGE_DIR / "data" / "land_supply.yaml").read_text(encoding="utf-8")
    return re.findall(r"^\s*-\s*code:\s*['\"]?([A-Za-z0-9_]+)", found, flags=re.MULTILINE)


def _enterprises(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "enterprises",
        help="亩均效益 evaluation per park: HTML pages, 公示 workbooks and an index",
    )
    p.add_argument(
        "data", nargs="?", default=None, help="firm file or folder (default: fictional demo firms)"
    )
    p.add_argument("--park", action="append", metavar="ID", help="only this park (repeatable)")
    p.add_argument("--year", type=_year, help="year evaluated (default: the latest in the data)")
    p.add_argument(
        "--scheme", action="append", metavar="CODE", help="scoring scheme code (repeatable)"
    )
    p.add_argument(
        "--cutoffs",
        nargs=3,
        type=_cutoff,
        metavar=("A", "B", "C"),
        help="rank shares ending classes A, B and C, e.g. 0.2 0.6 0.95",
    )
    p.add_argument("--policies", help="class-policy set shown on the pages, e.g. zhejiang")
    p.add_argument("--projects", metavar="FILE", help="proposed projects for the land-supply check")
    p.add_argument(
        "--rule",
        metavar="CODE",
        choices=_land_rules(),
        default="hukou_2020",
        help="land-supply rule of data/land_supply.yaml: %(choices)s (default: %(default)s)",
    )
    p.add_argument("--out", default=str(paths.OUTPUTS_DIR), help="output folder (%(default)s)")
    p.add_argument("--jobs", type=_count(1), default=None, help="parallel workers (default: CPUs)")
    p.add_argument(
        "--timeout",
        type=_count(1),
        default=600,
        help="seconds a park's notebook may run before it fails (default: %(default)s)",
    )
    p.add_argument("--force", action="store_true", help="ignore the cache and redo every park")
    p.add_argument("--notebooks", help="folder with your own enterprise_evaluation notebook")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _language(p)


def _small(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="print parks, targets and observations")
    _data(p)
    _language(p)
    p = sub.add_parser("catalog", help="print the indicator catalog")
    p.add_argument("--all", action="store_true", help="include the _yoy / _cagr growth variants")
    p = sub.add_parser("template", help="write an Excel template a park office can fill in")
    p.add_argument(
        "--kind",
        choices=("observations", "enterprises", "projects"),
        default="observations",
        help="observations: park figures (default); enterprises: firms' 亩均效益 figures; "
        "projects: proposed industrial projects (land-supply check)",
    )
    p.add_argument(
        "--out",
        default=None,
        help="workbook to write (.xlsx; default parkdata_template.xlsx, 企业亩均数据.xlsx or "
        "拟供地项目.xlsx by --kind)",
    )
    _language(p)
    p = sub.add_parser("demo", help="write a fictional demo universe (示例园区-0001 …)")
    p.add_argument("--parks", type=_count(1), default=50, help="how many fictional parks")
    p.add_argument("--years", default="2013-2024", help="first-last year")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    p.add_argument("--out", default="data/demo", help="folder to write parks and observations")
    _language(p)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept separate so tests and docs can inspect it)."""
    parser = Parser(
        prog="parkdata",
        description="Track development zones against their plan targets (开发区目标追踪).",
        epilog="Each command has --help. Data contract: docs/data-contract.md",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for add in (_ingest, _validate, _small, _assess, _project, _backtest, _reports, _enterprises):
        add(sub)
    return parser


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Parsed arguments (``sys.argv`` when ``argv`` is None)."""
    return build_parser().parse_args(sys.argv[1:] if argv is None else argv)
