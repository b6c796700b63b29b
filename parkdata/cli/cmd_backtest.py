"""``parkdata backtest``: rolling-origin backtest of every model, on the data and a demo."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

from parkdata.cli.common import load_data, print_table, write_or_print
from parkdata.contract.panel import Panel
from parkdata.inputs.demo import write_demo
from parkdata.inputs.loading import load
from parkdata.projection.backtesting import backtest_cases, choose_model, summarise
from parkdata.reporting.explanations import choice_text
from parkdata.reporting.wording import text

TABLE_COLUMNS = (
    "model",
    "horizon",
    "forecasts",
    "series",
    "coverage80",
    "coverage95",
    "mdape",
    "skill",
)


def _demo_panel(parks: int, seed: int) -> Panel:
    with tempfile.TemporaryDirectory() as tmp:
        write_demo(Path(tmp), parks, seed=seed)
        return load(tmp, bundled=False)


def run(args: argparse.Namespace) -> int:
    lang = args.language
    options: dict[str, object] = {
        "horizons": args.horizons,
        "max_fits": args.max_fits,
        "seed": args.seed,
    }
    if args.models:
        options["models"] = args.models.split(",")
    datasets = [
        ("bundled" if not args.path else str(args.path), text("cli.backtest_reported", lang))
    ]
    if args.demo_parks > 0:
        datasets.append(("demo", text("cli.backtest_demo", lang, n=args.demo_parks)))
    frames = []
    for name, title in datasets:
        panel = _demo_panel(args.demo_parks, args.seed) if name == "demo" else load_data(args)
        cases = backtest_cases(panel, **options)  # type: ignore[arg-type]
        table = summarise(cases)
        frames.append(table.assign(dataset=name))
        if args.format == "csv":
            continue
        print("\n" + text("cli.backtest_title", lang, title=title))
        if table.empty:
            print(text("cli.backtest_empty", lang))
            continue
        headers = {c: text(f"cli.{c}", lang) for c in TABLE_COLUMNS}
        shown = table[list(TABLE_COLUMNS)].rename(columns=headers)
        shown = shown.round(2).astype(object).fillna("")
        print_table(shown.set_index([headers["model"], headers["horizon"]]), 200)
        why = choice_text(choose_model(cases).why, lang)
        print(text("cli.backtest_choice", lang, why=why))
    write_or_print(pd.concat(frames, ignore_index=True), args)
    return 0
