"""The values an assessment reads: observed, derived and group-total figures, cut at ``as_of``.

One tidy frame (park_id, indicator, period, basis, value, qualifier, source, t) where ``t`` is the
period's end in years (2022 → 2023.0, 2022-09 → 2022.75). Reported figures win over derived
ones. On request (``member_totals=True``, for groups whose membership list is complete) a group
without its own figure gets the sum of its members, formed only when every member reports: a
partial sum would understate the total. Bundled groups list only the members their plans name,
so this is off by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .derive import derive_indicators
from .growth import period_time
from .panel import Panel
from .periods import parse_period

SERIES_COLUMNS = [
    "park_id",
    "indicator",
    "period",
    "basis",
    "value",
    "qualifier",
    "source",
    "t",
]
_QUALITY = {"exact": 0, "approx": 1, "at_least": 2, "at_most": 2}


def as_of_time(as_of: str | None, today: dt.date | None = None) -> float:
    """``as_of`` as a time in years (a period's end); ``None`` means the last completed month."""
    if as_of is None:
        today = today or dt.date.today()
        return today.year + (today.month - 1) / 12
    period = parse_period(as_of)
    if period is None:
        raise ValueError(f"as_of {as_of!r} is not a period; write 2022, 2022-09 or 2022Q3")
    return period.sort_key


def source_ref(frame: pd.DataFrame) -> pd.Series:
    """'file row N' for observation rows (the trace every reported number carries)."""
    row = frame["origin_row"].astype("Int64").astype(str)
    return frame["origin_file"].fillna("?").astype(str) + " row " + row


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
    part = part.assign(bound=part["qualifier"].isin(["at_least", "at_most"]))
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
            "source": "sum of " + agg["n"].astype(str) + " member parks",
            "t": agg["t"],
        }
    )[SERIES_COLUMNS]


def assessment_values(
    panel: Panel,
    as_of: str | None = None,
    indicators: Iterable[str] | None = None,
    derived: bool = True,
    member_totals: bool = False,
) -> pd.DataFrame:
    """All figures usable for assessment, published by ``as_of`` (see module docstring).

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
        }
    )
    frames = [observed]
    if derived:
        computed = derive_indicators(panel.observations, panel.catalog, codes=wanted)
        computed = computed[computed["value"].notna()]
        frames.append(computed[observed.columns.tolist()])
    values = pd.concat([f for f in frames if len(f)], ignore_index=True) if frames else observed
    if values.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    values["t"] = period_time(values["period"])
    if as_of is not None:
        values = values[values["t"] <= as_of_time(as_of) + 1e-9]
    values = values.assign(_q=values["qualifier"].map(_QUALITY).fillna(3))
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
