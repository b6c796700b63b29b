"""parkdata: track China's development zones against the targets in their plans.

>>> import parkdata as pkd
>>> panel = pkd.load()                      # bundled real data: seed-plan targets, reported figures
>>> panel.targets.columns[:4].tolist()
['target_id', 'park_id', 'indicator', 'kind']
>>> "tax_per_mu" in pkd.catalog().index
True
>>> table = pkd.assess(panel, as_of="2022")   # one row per target: gap, growth needed, status
>>> sorted(table["status"].unique())[:2]
['achieved', 'insufficient_data']
>>> paths = pkd.project(panel, to=2025)     # trend paths with 80/95 % bands, every series
>>> list(paths.columns[:9])
['park_id', 'indicator', 'period', 'model', 'mean', 'lo80', 'hi80', 'lo95', 'hi95']
"""

import sys
import types
from typing import TYPE_CHECKING, Any

# Public names → the module that defines them. They are imported on first use, so
# `import parkdata` (and the `parkdata` command) starts fast and does no I/O.
_EXPORTS = {
    "Catalog": "catalog",
    "CatalogError": "errors",
    "FormulaError": "errors",
    "Indicator": "catalog",
    "InputError": "errors",
    "Issue": "errors",
    "Panel": "panel",
    "ParkDataError": "errors",
    "UnitError": "errors",
    "assess": "assess",
    "backtest": "backtest",
    "backtest_cases": "backtest",
    "build_panel": "panel",
    "catalog": "catalog",
    "choose_model": "backtest",
    "classify_enterprises": "efficiency",
    "conversion_factor": "units",
    "default_catalog": "catalog",
    "evaluate": "evaluation",
    "evaluate_formula": "catalog",
    "evaluation_components": "evaluation",
    "indicators": "derive",
    "ingest": "ingest",
    "load": "panel",
    "parse_number": "values",
    "parse_numbers": "values",
    "parse_period": "periods",
    "project": "project",
    "read_table": "readers",
    "sample_enterprises": "efficiency",
    "stage_targets": "schedule",
    "time_progress": "schedule",
    "park_report": "report",
    "overview": "overview",
    "prepare": "reportdata",
    "run_reports": "batch",
}

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .assess import assess
    from .backtest import backtest, backtest_cases, choose_model
    from .batch import run_reports
    from .catalog import Catalog, Indicator, catalog, default_catalog, evaluate_formula
    from .derive import indicators
    from .efficiency import classify_enterprises, sample_enterprises
    from .errors import CatalogError, FormulaError, InputError, Issue, ParkDataError, UnitError
    from .evaluation import evaluate, evaluation_components
    from .ingest import ingest
    from .overview import overview
    from .panel import Panel, build_panel, load
    from .periods import parse_period
    from .project import project
    from .readers import read_table
    from .report import park_report
    from .reportdata import prepare
    from .schedule import stage_targets, time_progress
    from .units import conversion_factor
    from .values import parse_number, parse_numbers


class _Package(types.ModuleType):
    """Keeps ``parkdata.assess`` (and every public function named like its module) the
    function once the submodule is imported: the import system would otherwise set the
    package attribute to the submodule, as eager ``from .assess import assess`` used to undo."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name in _EXPORTS:
        from importlib import import_module

        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'parkdata' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Catalog",
    "CatalogError",
    "FormulaError",
    "Indicator",
    "InputError",
    "Issue",
    "Panel",
    "ParkDataError",
    "UnitError",
    "assess",
    "backtest",
    "backtest_cases",
    "build_panel",
    "catalog",
    "choose_model",
    "classify_enterprises",
    "conversion_factor",
    "default_catalog",
    "evaluate",
    "evaluate_formula",
    "evaluation_components",
    "indicators",
    "ingest",
    "load",
    "overview",
    "park_report",
    "parse_number",
    "parse_numbers",
    "parse_period",
    "prepare",
    "project",
    "read_table",
    "run_reports",
    "sample_enterprises",
    "stage_targets",
    "time_progress",
]
__version__ = "0.1.0"
