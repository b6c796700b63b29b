"""The values every later stage reads, and the one rule for level series.

:func:`values_as_of` gives one tidy frame (park_id, indicator, period, basis, value, qualifier,
source, derived, t) where ``t`` is the period's end in years (2022 → 2023.0, 2022-09 → 2022.75).
Reported figures win over derived ones; of two figures for one period and basis the better
stated one wins (exact, then 约, then bounds: ``quality`` in vocab.yaml). On request
(``member_totals=True``, for groups whose membership list is complete) a group without its own
figure gets the sum of its members, formed only when every member reports: a partial sum would
understate the total. Bundled groups list only the members their plans name, so this is off by
default. Compute it once and hand it on: assessment, projection, stages and evaluation all take
``values=``.

**Level figures** (:func:`level_figures`) are the annual and point-in-time figures of an
indicator's level (not its reported growth rates): a level target's latest figure is the latest
of these, a stock reported for September included. **Year-end levels** (:func:`year_end_levels`)
are the level figures at year ends, one per park, indicator and year — the annual figure, else
a stock reported for December or the fourth quarter; bounds (突破 …) and 约 figures count, and
carry their qualifier. Projections, plan realism, the evaluation, stage targets and charts all
read this one series.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from parkdata.contract.panel import Panel
from parkdata.contract.periods import as_of_time, period_time
from parkdata.contract.vocab import BOUNDS, QUALITY
from parkdata.inputs.firm_totals import FIRM_TOTALS
from parkdata.series.derived import derive_indicators

SERIES_COLUMNS = [
    "park_id",
    "indicator",
    "period",
    "basis",
    "value",
    "qualifier",
    "source",
    "derived",
    "t",
]
LEVEL_COLUMNS = ["park_id", "indicator", "year", "value", "qualifier", "source"]
GROWTH_SUFFIXES = ("_yoy", "_cagr")
_EPS = 1e-9


def source_ref(frame: pd.DataFrame) -> pd.Series:
    """'file row N' for observation rows (the trace every reported number carries); a park
    figure summed from firms names all their rows ('enterprises.csv row 2–31')."""
    row = frame["origin_row"].astype("Int64").astype(str)
    ref = frame["origin_file"].fillna("?").astype(str) + " row " + row
    if "origin_column" in frame.columns:
        summed = frame["origin_column"].eq(FIRM_TOTALS).fillna(False).astype(bool)
        ref = ref.where(~summed, frame["source"].astype(str))
    return ref


def cut_at(values: pd.DataFrame, as_of: str | None) -> pd.DataFrame:
    """The figures of a :func:`values_as_of` frame whose period has ended by ``as_of``."""
    return values[values["t"] <= as_of_time(as_of) + _EPS]


def is_growth(indicators: pd.Series) -> np.ndarray:
    """True for reported growth-rate codes (``X_yoy``, ``X_cagr``); each distinct code is looked
    at once, so millions of rows cost one factorisation."""
    codes, uniques = pd.factorize(indicators)
    flags = np.array([str(u).endswith(GROWTH_SUFFIXES) for u in uniques] + [False])
    return flags[codes]  # code -1 (missing) takes the last: False


def level_figures(values: pd.DataFrame) -> pd.DataFrame:
    """Annual and point-in-time figures of levels (reported growth rates left out)."""
    out = values[values["basis"].isin(["annual", "point"])]
    return out[~is_growth(out["indicator"])]


def year_end_levels(
    values: pd.DataFrame,
    park: str | Iterable[str] | None = None,
    indicators: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The year-end level series (module docstring): park_id, indicator, year, value,
    qualifier, source — one row per park, indicator and year, the annual figure first."""
    out = level_figures(values)
    out = out[np.isclose(out["t"], np.round(out["t"]))]
    if park is not None:
        out = out[out["park_id"].isin([park] if isinstance(park, str) else list(park))]
    if indicators is not None:
        out = out[out["indicator"].isin(list(indicators))]
    out = out.assign(year=np.round(out["t"]).astype(int) - 1)
    out = out.sort_values(["park_id", "indicator", "year", "basis"], kind="stable")
    out = out.drop_duplicates(["park_id", "indicator", "year"], keep="first")  # annual first
    return out[LEVEL_COLUMNS].reset_index(drop=True)


def reported_growth(values: pd.DataFrame) -> pd.DataFrame:
    """Reported yearly growth rates (X_yoy 同比, X_cagr 年均) with ``indicator`` the level's code
    and ``kind`` yoy or cagr."""
    growth = values[(values["basis"] == "annual").to_numpy() & is_growth(values["indicator"])]
    return growth.assign(
        kind=np.where(growth["indicator"].str.endswith("_cagr"), "cagr", "yoy"),
        indicator=growth["indicator"].str.replace(r"_(yoy|cagr)$", "", regex=True),
    )


def _group_totals(panel: Panel, values: pd.DataFrame, indicators: Iterable[str]) -> pd.DataFrame:
    """Sums of member values for groups, where every member reports and the indicator adds up."""
    summable = {ind.code for ind in panel.catalog if ind.agg_parks == "sum"}
    wanted = set(indicators) & summable
    members = panel.memberships[["group_id", "member_id"]]
    if not wanted or members.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    size = members.groupby("group_id")["member_id"].nunique().rename("n_members")
    part = values[values["indicator"].isin(wanted)].merge(
        members, left_on="park_id", right_on="member_id"
    )
    if part.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    part = part.assign(bound=part["qualifier"].isin(BOUNDS))
    agg = (
        part.groupby(["group_id", "indicator", "period", "basis"])
        .agg(
            value=("value", "sum"),
            n=("park_id", "nunique"),
            t=("t", "first"),
            at_least=("qualifier", lambda q: (q == "at_least").any()),
            at_most=("qualifier", lambda q: (q == "at_most").any()),
            approx=("qualifier", lambda q: (q == "approx").any()),
        )
        .reset_index()
        .join(size, on="group_id")
    )
    agg = agg[agg["n"] == agg["n_members"]]
    qualifier = np.select(
        [agg["at_least"] & agg["at_most"], agg["at_least"], agg["at_most"], agg["approx"]],
        ["approx", "at_least", "at_most", "approx"],
        "exact",
    )
    return pd.DataFrame(
        {
            "park_id": agg["group_id"],
            "indicator": agg["indicator"],
            "period": agg["period"],
            "basis": agg["basis"],
            "value": agg["value"],
            "qualifier": qualifier,
            "source": "Σ " + agg["n"].astype(str) + " members",
            "derived": True,
            "t": agg["t"],
        }
    )[SERIES_COLUMNS]


def values_as_of(
    panel: Panel,
    as_of: str | None = None,
    indicators: Iterable[str] | None = None,
    derived: bool = True,
    member_totals: bool = False,
) -> pd.DataFrame:
    """Every figure usable by ``as_of`` — reported, derived and (on request) group totals —
    one per park, indicator, basis and period (see the module docstring).

    A figure counts as available once its period has ended; publication lags are not modelled.
    """
    obs = panel.observations
    if indicators is not None:
        wanted = set(indicators)
        obs = obs[obs["indicator"].isin(wanted)]
    else:
        wanted = None
    observed = pd.DataFrame(
        {
            "park_id": obs["park_id"],
            "indicator": obs["indicator"],
            "period": obs["period"],
            "basis": obs["basis"],
            "value": obs["value"].astype(float),
            "qualifier": obs["qualifier"].fillna("exact"),
            "source": source_ref(obs) if len(obs) else pd.Series(dtype=str),
            "derived": False,
        }
    )
    frames = [observed]
    if derived:
        computed = derive_indicators(panel.observations, panel.catalog, codes=wanted)
        computed = computed[computed["value"].notna()].assign(derived=True)
        frames.append(computed[observed.columns.tolist()])
    kept = [f for f in frames if len(f)]
    if not kept:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    values = pd.concat(kept, ignore_index=True)
    values["t"] = period_time(values["period"])
    values = cut_at(values, as_of) if as_of is not None else values
    values = values.assign(_q=values["qualifier"].map(QUALITY).fillna(len(QUALITY)))
    values = values.sort_values(["park_id", "indicator", "basis", "t", "_q"], kind="stable")
    values = values.drop_duplicates(["park_id", "indicator", "basis", "period"], keep="first")
    values = values.drop(columns="_q")
    groups = (
        _group_totals(panel, values, values["indicator"].unique())
        if member_totals
        else pd.DataFrame()
    )
    if len(groups):
        own = pd.MultiIndex.from_frame(values[["park_id", "indicator", "basis", "period"]])
        new = pd.MultiIndex.from_frame(groups[["park_id", "indicator", "basis", "period"]])
        values = pd.concat([values, groups[~new.isin(own)]], ignore_index=True)
    return values[SERIES_COLUMNS].reset_index(drop=True)
