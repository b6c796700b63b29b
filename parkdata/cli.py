"""The ``parkdata`` command line: ingest, validate, summary, assess, project, backtest, reports,
catalog, template, demo."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .errors import InputError, ParkDataError

if TYPE_CHECKING:
    import pandas as pd


def _print_table(frame: pd.DataFrame, max_rows: int = 60) -> None:
    import pandas as pd

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


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest

    result = ingest(Path(args.raw), Path(args.out), force=args.force)
    print(result.describe())
    if result.panel is not None and len(result.panel.errors()):
        print("\nFirst problems:")
        _print_issues(result.panel.errors(), limit=10)
        return 1 if args.strict else 0
    return 0


def _print_issues(issues: pd.DataFrame, limit: int = 50) -> None:
    from .panel import issue_objects

    for issue in issue_objects(issues.head(limit)):
        print(f"- {issue}")
    if len(issues) > limit:
        print(f"… and {len(issues) - limit} more")


def cmd_validate(args: argparse.Namespace) -> int:
    from .files import raw_files
    from .panel import load

    try:
        panel = load([Path(f) for f in args.files], errors="skip")
    except InputError as exc:
        print(exc)
        return 1
    given = {p.resolve() for f in args.files for p in raw_files(Path(f))}
    user = panel.files[panel.files["file"].map(lambda f: Path(f).resolve() in given)]
    names = {Path(f).name for f in user["file"]}
    _print_table(user.assign(file=user["file"].map(lambda f: Path(f).name)).set_index("file"))
    issues = panel.issues[panel.issues["file"].isin(names)]  # only the files you gave
    errors = issues[issues["severity"] == "error"]
    warnings = issues[issues["severity"] != "error"]
    for empty in user.loc[user["read"] == 0, "file"]:
        print(f"\nnote: {Path(empty).name} has no data rows")
    if len(warnings):
        print(f"\n{len(warnings)} warning(s):")
        _print_issues(warnings, limit=args.limit)
    if len(errors):
        print(f"\n{len(errors)} problem(s) (rows rejected):")
        _print_issues(errors, limit=args.limit)
        return 1
    loaded = int(user["loaded"].sum())
    if not loaded:
        print("\nnothing to check: no data rows were found")
        return 1
    print(f"\nOK: {loaded} row(s) follow the data contract.")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from .panel import load

    panel = load(args.path) if args.path else load()
    parks = panel.parks
    real = parks[~parks["fictional"]]
    print(
        f"parkdata — {len(parks)} parks and groups ({(real['kind'] == 'group').sum()} groups, "
        f"{(parks['kind'] == 'region').sum()} administrative areas for context, "
        f"{parks['fictional'].sum()} fictional), {len(panel.targets)} targets, "
        f"{len(panel.observations)} observations.\n"
    )
    summary = panel.summary().reset_index()
    summary = summary.rename(
        columns={
            "park_id": "园区代码",
            "name": "园区",
            "kind": "类型",
            "level": "级别",
            "observations": "观测数",
            "indicators": "指标数",
            "first": "最早",
            "last": "最新",
            "targets": "目标数",
        }
    ).drop(columns="fictional")
    _print_table(summary.set_index("园区代码"))
    print("\n目标 (targets) by kind:")
    _print_table(panel.targets["kind"].value_counts().rename("目标数").to_frame())
    return 0


ASSESS_TABLE_COLUMNS = {
    "target_id": "目标代码",
    "park_name_zh": "园区",
    "indicator_name_zh": "指标",
    "target_period": "目标年",
    "target_text": "目标",
    "current_period": "最新期",
    "current_value": "最新值",
    "pct_of_target": "完成%",
    "required_cagr": "需年均增速%",
    "achieved_cagr": "实际年均增速%",
    "status_zh": "状态",
    "p_meet": "达标概率%",
    "reason": "说明",
}


def cmd_assess(args: argparse.Namespace) -> int:
    from .assess import assess
    from .files import write_atomic
    from .panel import load
    from .units import format_number

    panel = load(args.path) if args.path else load()
    table = panel.with_names(
        assess(panel, as_of=args.as_of, park=args.park or None, rule=args.rule)
    )
    fmt = args.format or ("json" if args.out and args.out.endswith(".json") else None)
    fmt = fmt or ("csv" if args.out else "table")
    text = (
        table.to_csv(index=False)
        if fmt in ("csv", "table")
        else table.to_json(orient="records", force_ascii=False, indent=1)
    )
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, lambda p: p.write_text(text, encoding="utf-8"))
    if fmt in ("csv", "json") and not args.out:
        sys.stdout.write(text)
        return 0
    counts = table["status_zh"].value_counts()
    as_of = table["as_of"].iloc[0] if len(table) else "-"
    print(
        f"{len(table)} 个目标 (targets), as of {as_of}: "
        + "，".join(f"{k} {v}" for k, v in counts.items())
    )
    if args.out:
        print(f"all columns (sources, ratios, rule) written to {args.out}")
    if args.format in (None, "table"):
        shown = table[list(ASSESS_TABLE_COLUMNS)].rename(columns=ASSESS_TABLE_COLUMNS)
        for col in ("最新值", "完成%", "需年均增速%", "实际年均增速%"):
            shown[col] = shown[col].astype(float).map(format_number)
        p = shown["达标概率%"].astype(float) * 100
        shown["达标概率%"] = p.map(lambda x: "" if x != x else f"{x:.0f}")
        print()
        _print_table(shown.set_index("目标代码").fillna(""), max_rows=args.limit)
    return 0


def _write_or_print(table: pd.DataFrame, args: argparse.Namespace) -> None:
    """Write ``table`` to ``--out`` (CSV, atomically) or print it as CSV when asked."""
    from .files import write_atomic

    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, lambda p: table.to_csv(p, index=False))
        print(f"wrote {out} ({len(table)} rows)")
    elif args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))


def cmd_project(args: argparse.Namespace) -> int:
    from .panel import load
    from .project import project

    panel = load(args.path) if args.path else load()
    table = project(
        panel,
        model=args.model.split(",") if args.model else "default",
        to=args.to,
        horizon=args.horizon,
        as_of=args.as_of,
        park=args.park or None,
        indicators=args.indicator or None,
    )
    table = panel.with_names(table)
    _write_or_print(table, args)
    if not args.out and args.format != "csv":
        shown = table[list(PROJECT_TABLE_COLUMNS)].rename(columns=PROJECT_TABLE_COLUMNS)
        _print_table(shown.round(2).astype(object).fillna(""), max_rows=args.limit)
        print("自由度 inf：两点外推，区间来自先验 (df inf: two-figure path, band from the prior)")
    return 0


PROJECT_TABLE_COLUMNS = {
    "park_name_zh": "园区",
    "indicator_name_zh": "指标",
    "period": "年份",
    "model": "模型",
    "mean": "预测值",
    "lo80": "80%下限",
    "hi80": "80%上限",
    "lo95": "95%下限",
    "hi95": "95%上限",
    "n_points": "数据点",
    "df": "自由度",
    "last_period": "最新期",
    "last_value": "最新值",
}


BACKTEST_TABLE_COLUMNS = {
    "model": "模型",
    "horizon": "预测步长(年)",
    "forecasts": "预测数",
    "series": "序列数",
    "coverage80": "80%区间覆盖率%",
    "coverage95": "95%区间覆盖率%",
    "mdape": "中位绝对百分比误差%",
    "skill": "相对朴素预测技能",
}


def cmd_backtest(args: argparse.Namespace) -> int:
    import tempfile

    from .backtest import backtest_cases, choose_model, summarise
    from .demo import write_demo
    from .panel import load

    horizons = [int(h) for h in args.horizons.split(",")]
    options = {"horizons": horizons, "max_fits": args.max_fits, "seed": args.seed}
    if args.models:
        options["models"] = args.models.split(",")
    frames = []
    datasets = [("bundled" if not args.path else str(args.path), "真实数据 (reported figures)")]
    if args.demo_parks > 0:
        datasets.append(("demo", f"示例园区（虚构）{args.demo_parks}个 (fictional demo universe)"))
    for name, title in datasets:
        if name == "demo":
            with tempfile.TemporaryDirectory() as tmp:
                write_demo(Path(tmp), args.demo_parks, seed=args.seed)
                panel = load(tmp, bundled=False)
        else:
            panel = load(args.path) if args.path else load()
        cases = backtest_cases(panel, **options)
        table = summarise(cases)
        frames.append(table.assign(dataset=name))
        if args.format == "csv":
            continue
        print(f"\n== 滚动起点回测 (rolling-origin backtest): {title} ==")
        if table.empty:
            print("没有足够长的序列 (no series long enough to backtest)")
            continue
        shown = table[list(BACKTEST_TABLE_COLUMNS)].rename(columns=BACKTEST_TABLE_COLUMNS)
        shown = shown.round(2).astype(object).fillna("")
        _print_table(shown.set_index(["模型", "预测步长(年)"]), 200)
        _, why = choose_model(cases)
        print(f"回测支持的默认模型 (model the backtest supports): {why}")
    import pandas as pd

    _write_or_print(pd.concat(frames, ignore_index=True), args)
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    from .catalog import catalog

    frame = catalog(include_growth=args.all)[["name_zh", "unit", "kind", "direction", "formula"]]
    _print_table(frame.fillna(""), max_rows=1000)
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from .panel import load
    from .template import write_template

    out = write_template(Path(args.out), parks=load().parks)
    print(f"wrote {out}: fill in the sheet 观测数据, then run `parkdata validate {out}`")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import write_demo

    first, _, last = args.years.partition("-")
    years = range(int(first), int(last or first) + 1)
    if len(years) < 2:
        print("error: --years needs a span of at least two years, e.g. 2013-2024", file=sys.stderr)
        return 2
    written = write_demo(Path(args.out), args.parks, years, seed=args.seed)
    for table, path in written.items():
        print(f"wrote {table}: {path}")
    print("示例园区 are fictional (虚构): every row says so in source and note.")
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from .batch import run_reports

    try:
        result = run_reports(
            data=args.data,
            parks=args.parks,
            group=args.group,
            as_of=args.as_of,
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
            notebooks=args.notebooks,
        )
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for failed in result.failed:
        print(f"失败 {failed.name}: {failed.error}", file=sys.stderr)
    print(result.describe())
    return 1 if result.failed else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept separate so tests and docs can inspect it)."""
    parser = argparse.ArgumentParser(
        prog="parkdata",
        description="Track development zones against their plan targets (开发区目标追踪).",
        epilog="Each command has --help. Data contract: docs/data-contract.md",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build data/processed/ (Parquet) from data/raw/")
    p.add_argument(
        "--raw", default=str(paths.BUNDLED_RAW_DIR), help="raw data folder (default: %(default)s)"
    )
    p.add_argument(
        "--out",
        default=str(paths.PROCESSED_DIR),
        help="processed data folder (default: %(default)s)",
    )
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--strict", action="store_true", help="exit 1 if any row was rejected")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("validate", help="check files against the data contract (writes nothing)")
    p.add_argument("files", nargs="+", help="CSV, Excel or Parquet files, or folders")
    p.add_argument("--limit", type=int, default=50, help="how many problems to print")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("summary", help="print parks, targets and observations")
    p.add_argument("path", nargs="?", help="a data folder (default: the bundled data)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("assess", help="status of every target: met, on track, behind …")
    p.add_argument("path", nargs="?", help="a data folder or file (default: the bundled data)")
    p.add_argument("--park", action="append", help="only this park id (repeatable)")
    p.add_argument("--as-of", dest="as_of", help="use only figures for periods ended by then")
    p.add_argument("--rule", choices=["unsd", "statcan"], default="unsd", help="status rule")
    p.add_argument(
        "--format", choices=["table", "csv", "json"], help="what to print (default: a table)"
    )
    p.add_argument("--out", help="also write every column to this .csv or .json file")
    p.add_argument("--limit", type=int, default=500, help="rows to print in a table")
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("project", help="trend projections with 80/95% bands for every series")
    p.add_argument("path", nargs="?", help="a data folder or file (default: the bundled data)")
    p.add_argument("--park", action="append", help="only this park id (repeatable)")
    p.add_argument("--indicator", action="append", help="only this indicator code (repeatable)")
    p.add_argument("--model", help="model(s), comma-separated (default: per indicator)")
    p.add_argument("--to", type=int, help="project up to this year")
    p.add_argument("--horizon", type=int, default=3, help="years after the last figure")
    p.add_argument("--as-of", dest="as_of", help="use only figures for periods ended by then")
    p.add_argument("--format", choices=["table", "csv"], help="what to print (default: a table)")
    p.add_argument("--out", help="write the projections to this CSV file")
    p.add_argument("--limit", type=int, default=200, help="rows to print in a table")
    p.set_defaults(func=cmd_project)

    p = sub.add_parser("backtest", help="rolling-origin backtest: coverage and error per model")
    p.add_argument("path", nargs="?", help="a data folder or file (default: the bundled data)")
    p.add_argument("--demo-parks", type=int, default=100, help="fictional parks (0: skip)")
    p.add_argument("--horizons", default="1,2,3", help="years ahead, comma-separated")
    p.add_argument("--models", help="models, comma-separated (default: all)")
    p.add_argument("--max-fits", type=int, default=300, help="statsmodels fits per model")
    p.add_argument("--seed", type=int, default=0, help="seed of the demo universe and sample")
    p.add_argument("--format", choices=["table", "csv"], help="what to print (default: tables)")
    p.add_argument("--out", help="also write the summary to this CSV file")
    p.set_defaults(func=cmd_backtest)

    p = sub.add_parser("catalog", help="print the indicator catalog")
    p.add_argument("--all", action="store_true", help="include the _yoy / _cagr growth variants")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser(
        "reports",
        help="one HTML report per park (papermill, in parallel) and outputs/index.html",
    )
    p.add_argument(
        "data", nargs="?", default=None, help="raw or processed data folder (default: bundled)"
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--parks", nargs="+", metavar="ID", help="these park ids only")
    which.add_argument("--group", metavar="ID", help="a group and its member parks")
    which.add_argument(
        "--all", action="store_true", help="every park with targets or data (default)"
    )
    p.add_argument("--as-of", dest="as_of", help="judge with figures up to this period, e.g. 2022")
    p.add_argument("--horizon", type=int, default=3, help="years projected past the last figure")
    p.add_argument("--confidence", type=float, default=0.8, choices=(0.8, 0.95))
    p.add_argument("--language", default="zh", choices=("zh", "en"))
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: CPUs)")
    p.add_argument("--executor", default="process", choices=("process", "dask"))
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--out", default=str(paths.OUTPUTS_DIR), help="output folder (%(default)s)")
    p.add_argument("--force", action="store_true", help="ignore the cache and run every report")
    p.add_argument(
        "--fresh-kernels", action="store_true", help="a new kernel per park (slower, isolated)"
    )
    p.add_argument(
        "--notebooks",
        help="folder with your own park_report.ipynb and overview.ipynb (default: parkdata's)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser("template", help="write an Excel template a park office can fill in")
    p.add_argument("--out", default="parkdata_template.xlsx", help="workbook to write (.xlsx)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("demo", help="write a fictional demo universe (示例园区-0001 …)")
    p.add_argument("--parks", type=int, default=50, help="how many fictional parks")
    p.add_argument("--years", default="2013-2024", help="first-last year")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    p.add_argument("--out", default="data/demo", help="folder to write parks and observations")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``parkdata`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ParkDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `parkdata summary | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
