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
>>> bool(pkd.explain(table)["reason_text"].notna().all())   # codes → zh (or en) sentences
True
>>> paths = pkd.project(panel, to=2025)     # trend paths with 80/95 % bands, every series
>>> list(paths.columns[:9])
['park_id', 'indicator', 'period', 'model', 'mean', 'lo80', 'hi80', 'lo95', 'hi95']

The package is laid out by stage (docs/architecture.md): ``contract`` → ``inputs`` → ``series`` →
``projection`` → ``assessment`` → ``reporting`` → ``batch`` → ``cli``; each imports only the
stages before it. The public names below are imported from their stage on first use (PEP 562),
so ``import parkdata`` and the ``parkdata`` command start fast and do no I/O.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from parkdata.version import __version__ as __version__

#: Public name → the module that defines it.
_EXPORTS = {
    "Catalog": "parkdata.contract.indicator_catalog",
    "Indicator": "parkdata.contract.indicator_catalog",
    "catalog": "parkdata.contract.indicator_catalog",
    "default_catalog": "parkdata.contract.indicator_catalog",
    "evaluate_formula": "parkdata.contract.formulas",
    "Panel": "parkdata.contract.panel",
    "conversion_factor": "parkdata.contract.units",
    "parse_period": "parkdata.contract.periods",
    "parse_number": "parkdata.contract.numbers",
    "parse_numbers": "parkdata.contract.numbers",
    "CatalogError": "parkdata.errors",
    "FormulaError": "parkdata.errors",
    "InputError": "parkdata.errors",
    "Issue": "parkdata.errors",
    "ParkDataError": "parkdata.errors",
    "UnitError": "parkdata.errors",
    "build_panel": "parkdata.inputs.loading",
    "load": "parkdata.inputs.loading",
    "read_table": "parkdata.inputs.readers",
    "ingest": "parkdata.inputs.store",
    "indicators": "parkdata.series.derived",
    "project": "parkdata.projection.trend_paths",
    "backtest": "parkdata.projection.backtesting",
    "backtest_cases": "parkdata.projection.backtesting",
    "choose_model": "parkdata.projection.backtesting",
    "assess": "parkdata.assessment.target_status",
    "stage_targets": "parkdata.assessment.stages",
    "time_progress": "parkdata.assessment.stages",
    "evaluate": "parkdata.assessment.evaluation",
    "evaluation_components": "parkdata.assessment.evaluation",
    "classify_enterprises": "parkdata.assessment.enterprises",
    "sample_enterprises": "parkdata.assessment.enterprises",
    "explain": "parkdata.reporting.explanations",
    "prepare": "parkdata.reporting.report_data",
    "park_report": "parkdata.reporting.park_page",
    "overview": "parkdata.reporting.overview_page",
    "run_reports": "parkdata.batch.runner",
    "load_enterprises": "parkdata.inputs.enterprise_files",
    "load_projects": "parkdata.inputs.enterprise_files",
    "write_enterprise_template": "parkdata.inputs.enterprise_template",
    "demo_enterprises": "parkdata.inputs.demo",
    "park_efficiency": "parkdata.inputs.firm_totals",
    "classify_parks": "parkdata.assessment.enterprise_results",
    "class_summary": "parkdata.assessment.enterprise_results",
    "class_transitions": "parkdata.assessment.enterprise_results",
    "transition_matrix": "parkdata.assessment.enterprise_results",
    "check_projects": "parkdata.assessment.land_supply",
    "enterprise_report": "parkdata.reporting.enterprise_page",
    "run_enterprise_reports": "parkdata.batch.enterprise_runner",
}

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from parkdata.assessment.enterprise_results import (
        class_summary,
        class_transitions,
        classify_parks,
        transition_matrix,
    )
    from parkdata.assessment.enterprises import classify_enterprises, sample_enterprises
    from parkdata.assessment.evaluation import evaluate, evaluation_components
    from parkdata.assessment.land_supply import check_projects
    from parkdata.assessment.stages import stage_targets, time_progress
    from parkdata.assessment.target_status import assess
    from parkdata.batch.enterprise_runner import run_enterprise_reports
    from parkdata.batch.runner import run_reports
    from parkdata.contract.formulas import evaluate_formula
    from parkdata.contract.indicator_catalog import Catalog, Indicator, catalog, default_catalog
    from parkdata.contract.numbers import parse_number, parse_numbers
    from parkdata.contract.panel import Panel
    from parkdata.contract.periods import parse_period
    from parkdata.contract.units import conversion_factor
    from parkdata.errors import (
        CatalogError,
        FormulaError,
        InputError,
        Issue,
        ParkDataError,
        UnitError,
    )
    from parkdata.inputs.demo import demo_enterprises
    from parkdata.inputs.enterprise_files import load_enterprises, load_projects
    from parkdata.inputs.enterprise_template import write_enterprise_template
    from parkdata.inputs.firm_totals import park_efficiency
    from parkdata.inputs.loading import build_panel, load
    from parkdata.inputs.readers import read_table
    from parkdata.inputs.store import ingest
    from parkdata.projection.backtesting import backtest, backtest_cases, choose_model
    from parkdata.projection.trend_paths import project
    from parkdata.reporting.enterprise_page import enterprise_report
    from parkdata.reporting.explanations import explain
    from parkdata.reporting.overview_page import overview
    from parkdata.reporting.park_page import park_report
    from parkdata.reporting.report_data import prepare
    from parkdata.series.derived import indicators


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
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
    "check_projects",
    "choose_model",
    "class_summary",
    "class_transitions",
    "classify_enterprises",
    "classify_parks",
    "conversion_factor",
    "default_catalog",
    "demo_enterprises",
    "enterprise_report",
    "evaluate",
    "evaluate_formula",
    "evaluation_components",
    "explain",
    "indicators",
    "ingest",
    "load",
    "load_enterprises",
    "load_projects",
    "overview",
    "park_efficiency",
    "park_report",
    "parse_number",
    "parse_numbers",
    "parse_period",
    "prepare",
    "project",
    "read_table",
    "run_enterprise_reports",
    "run_reports",
    "sample_enterprises",
    "stage_targets",
    "time_progress",
    "transition_matrix",
    "write_enterprise_template",
]
