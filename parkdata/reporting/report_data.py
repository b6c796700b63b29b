"""What every report reads, computed once for the whole panel and saved beside the reports.

``prepare(data, as_of=…)`` assesses every target, projects every series (vectorised, one pass)
and works out stage targets, 序时进度 and the comprehensive evaluation. A batch saves the result
once (:meth:`ReportData.save`) and each park's notebook only reads it back
(:func:`load_report_data` with the saved folder), so nothing is recomputed per park. Interactively,
``load_report_data()`` with no folder computes the same thing on the bundled data.

>>> rd = prepare(as_of="2022")
>>> sorted(rd.assessment.columns[:3])
['indicator', 'park_id', 'target_id']
>>> rd.settings["as_of"]
'2022'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parkdata.assessment.enterprise_results import CLASS_MIX_COLUMNS, latest_class_mix
from parkdata.assessment.evaluation import evaluate
from parkdata.assessment.stages import stage_targets, time_progress
from parkdata.assessment.target_status import assess
from parkdata.contract.panel import Panel
from parkdata.contract.periods import as_of_label, check_as_of
from parkdata.errors import ArgumentError
from parkdata.files import write_parquet_atomic, write_text_atomic
from parkdata.inputs.loading import load
from parkdata.inputs.store import read_processed, write_processed
from parkdata.projection.trend_paths import PROJECT_COLUMNS, project
from parkdata.reporting.wording import LANGUAGES, check_language
from parkdata.series.levels import values_as_of, year_end_levels

SETTINGS_FILE = "report_settings.json"
FRAMES = ("assessment", "paths", "levels", "stages", "schedule", "evaluation", "firm_classes")
CONFIDENCE_LEVELS = (0.8, 0.95)


@dataclass
class ReportData:
    """A panel with its assessment, projection paths and the tables the reports draw on."""

    panel: Panel
    assessment: pd.DataFrame
    paths: pd.DataFrame
    levels: pd.DataFrame
    stages: pd.DataFrame
    schedule: pd.DataFrame
    evaluation: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    firm_classes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CLASS_MIX_COLUMNS)
    )
    """Each park's firms by 亩均 class in its latest year of firm data (empty without any)."""

    def save(self, folder: str | Path) -> Path:
        """Write the panel (as ``parkdata ingest`` does) and every table to ``folder``."""
        folder = Path(folder)
        write_processed(self.panel, folder / "panel", {})  # the batch keys the whole folder
        for name in FRAMES:
            write_parquet_atomic(folder / f"{name}.parquet", _parquet_safe(getattr(self, name)))
        if self.evaluation.attrs:
            attrs = json.dumps(self.evaluation.attrs, ensure_ascii=False, default=str)
            write_text_atomic(folder / "evaluation_attrs.json", attrs)
        text = json.dumps(self.settings, ensure_ascii=False, indent=1, default=str)
        write_text_atomic(folder / SETTINGS_FILE, text)
        return folder

    def park_ids(self) -> list[str]:
        """Parks worth a report: those with a target or a figure, in the registry's order."""
        has = set(self.panel.targets["park_id"]) | set(self.panel.observations["park_id"])
        return [p for p in self.panel.parks["park_id"] if p in has]


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed values become text so Parquet can store them."""
    out = frame.reset_index(drop=True)
    for col in out.columns:
        if out[col].dtype == object:
            values = out[col].dropna()
            if len(values) and not values.map(lambda v: isinstance(v, str)).all():
                out[col] = out[col].map(lambda v: None if _missing(v) else str(v))
    return out


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def check_settings(as_of: str | None, horizon: int, confidence: float, language: str) -> None:
    """Raise :class:`~parkdata.errors.ArgumentError` naming the parameter and what to use when a
    setting is invalid."""
    if confidence not in CONFIDENCE_LEVELS:
        raise ArgumentError(f"confidence={confidence!r}: use 0.8 or 0.95 (the bands computed)")
    check_language(language)
    if not isinstance(horizon, (int, np.integer)) or not 0 <= horizon <= 30:
        raise ArgumentError(f"horizon={horizon!r}: use a whole number of years from 0 to 30")
    check_as_of(as_of)


def prepare(
    data: str | Path | Panel | None = None,
    as_of: str | None = None,
    horizon: int = 3,
    confidence: float = 0.8,
    bundled: bool | None = None,
) -> ReportData:
    """Assess, project and evaluate a panel once for all of its reports (and class the firms of
    every park with firm data, once).

    ``data``: a Panel, a folder of raw files or a processed folder (default: the bundled data),
    read by the one bundled-data rule (``bundled`` overrides it; see ``pkd.load``). The figures
    as of ``as_of`` are computed once and handed to every step. Projections run to the latest
    target year, and at least ``horizon`` years past each series.
    """
    check_settings(as_of, horizon, confidence, "zh")
    panel = data if isinstance(data, Panel) else load(data, bundled=bundled)
    values = values_as_of(panel, as_of=as_of)
    assessment = assess(panel, as_of=as_of, values=values)
    levels = year_end_levels(values)
    years = pd.to_numeric(assessment["target_period"].astype(str).str[:4], errors="coerce")
    if len(levels):
        last_target = float(years.max()) if years.notna().any() else 0.0
        to = int(max(last_target, float(levels["year"].max()) + horizon))
        paths_ = project(panel, to=to, as_of=as_of, values=values)
    else:
        paths_ = pd.DataFrame(columns=PROJECT_COLUMNS)
    return ReportData(
        panel=panel,
        assessment=assessment,
        paths=paths_,
        levels=levels,
        stages=stage_targets(assessment, values=values),
        schedule=time_progress(panel, as_of=as_of, assessment=assessment, values=values),
        evaluation=evaluate(panel, as_of=as_of, values=values),
        firm_classes=latest_class_mix(panel.firms),
        settings={
            "as_of": as_of,
            "as_of_label": as_of_label(as_of),
            "horizon": int(horizon),
            "confidence": float(confidence),
            "data": _describe(data),
        },
    )


def _describe(data: str | Path | Panel | None) -> str:
    if data is None:
        return "bundled"
    return "panel" if isinstance(data, Panel) else str(Path(data))


def is_prepared(folder: str | Path) -> bool:
    """True for a folder written by :meth:`ReportData.save`."""
    return (Path(folder) / SETTINGS_FILE).is_file()


def open_prepared(folder: str | Path) -> ReportData:
    """Read back a folder written by :meth:`ReportData.save` (cached while it is unchanged, so
    a warm kernel reading it for park after park reads it once)."""
    folder = Path(folder).resolve()
    return _open_prepared(folder, (folder / SETTINGS_FILE).stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _open_prepared(folder: Path, stamp: int) -> ReportData:
    settings = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
    attrs_file = folder / "evaluation_attrs.json"
    if attrs_file.exists():
        frames["evaluation"].attrs = json.loads(attrs_file.read_text(encoding="utf-8"))
    return ReportData(panel=read_processed(folder / "panel"), settings=settings, **frames)


def load_report_data(
    data: str | Path | Panel | None = None,
    as_of: str | None = None,
    horizon: int = 3,
    confidence: float = 0.8,
) -> ReportData:
    """A saved :class:`ReportData` folder as it is, else :func:`prepare` on ``data``.

    A saved folder carries its own as_of, horizon and confidence; asking for different ones is
    an error rather than a silent mismatch.
    """
    if data is not None and not isinstance(data, Panel) and is_prepared(data):
        rd = open_prepared(data)
        asked = {"as_of": as_of, "horizon": horizon, "confidence": confidence}
        differ = {k: v for k, v in asked.items() if v != rd.settings.get(k)}
        if differ:
            raise ArgumentError(
                f"{data} was prepared with as_of={rd.settings.get('as_of')!r}, "
                f"horizon={rd.settings.get('horizon')}, confidence={rd.settings.get('confidence')}"
                f"; asked for {differ}: prepare it again or pass the same settings"
            )
        return rd
    return prepare(data, as_of=as_of, horizon=horizon, confidence=confidence)


__all__ = [
    "CONFIDENCE_LEVELS",
    "LANGUAGES",
    "ReportData",
    "is_prepared",
    "load_report_data",
    "open_prepared",
    "prepare",
]
