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

from .assess import assess
from .backtest import backtest, backtest_cases, choose_model
from .catalog import Catalog, Indicator, catalog, default_catalog, evaluate_formula
from .derive import indicators
from .efficiency import classify_enterprises, sample_enterprises
from .errors import CatalogError, FormulaError, InputError, Issue, ParkDataError, UnitError
from .evaluation import evaluate, evaluation_components
from .ingest import ingest
from .panel import Panel, build_panel, load
from .periods import parse_period
from .project import project
from .readers import read_table
from .schedule import stage_targets, time_progress
from .units import conversion_factor
from .values import parse_number, parse_numbers

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
    "parse_number",
    "parse_numbers",
    "parse_period",
    "project",
    "read_table",
    "sample_enterprises",
    "stage_targets",
    "time_progress",
]
__version__ = "0.1.0"
