"""Parks and group memberships: check the registry tables."""

from __future__ import annotations

import pandas as pd

from parkdata.contract.tables import MEMBERSHIP_COLUMNS, PARK_COLUMNS
from parkdata.contract.vocab import PARK_LEVELS
from parkdata.inputs.checks import Collector, require_columns, text_column

PARK_REQUIRED = ("park_id", "name_zh", "short_name_zh", "level", "kind", "province", "source")


def normalize_parks(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check the park registry; returns ``(parks, issues)``."""
    missing = require_columns(raw, PARK_REQUIRED, "parks")
    if len(missing):
        return pd.DataFrame(columns=PARK_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = Collector(raw)
    ids = text_column(raw, "park_id")
    col.flag(
        ~ids.str.fullmatch(r"[a-z][a-z0-9_]*"),
        "park_id",
        "park_id is not an ASCII slug",
        "use lowercase letters, digits and '_' (e.g. hukou_hitech)",
    )
    col.flag(ids.duplicated(keep=False), "park_id", "park_id used twice", "make park_id unique")
    for name in ("name_zh", "short_name_zh", "kind", "province", "source"):
        col.flag(text_column(raw, name) == "", name, f"no {name}", f"fill in {name}")
    level = text_column(raw, "level")
    col.flag(
        ~level.isin(PARK_LEVELS), "level", "unknown level", f"use one of {', '.join(PARK_LEVELS)}"
    )
    fictional = text_column(raw, "fictional").str.lower().isin(["true", "1", "yes", "是"])
    out = pd.DataFrame({c: text_column(raw, c) for c in PARK_COLUMNS})
    out["fictional"] = fictional
    out["origin_file"], out["origin_row"] = raw["origin_file"], raw["origin_row"]
    return out[~col.bad].reset_index(drop=True), col.issues()


def normalize_memberships(
    raw: pd.DataFrame, parks: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check group memberships against the registry; returns ``(memberships, issues)``."""
    missing = require_columns(raw, tuple(MEMBERSHIP_COLUMNS), "memberships")
    if len(missing):
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS), missing
    raw = raw.reset_index(drop=True)
    col = Collector(raw)
    groups = set(parks.loc[parks["kind"] == "group", "park_id"])
    known = set(parks["park_id"])
    group_id, member_id = text_column(raw, "group_id"), text_column(raw, "member_id")
    col.flag(
        ~group_id.isin(groups),
        "group_id",
        "not a group in parks.csv",
        "use the park_id of a row whose kind is group",
    )
    col.flag(~member_id.isin(known), "member_id", "unknown park", "add the park to parks.csv")
    col.flag(
        text_column(raw, "source") == "",
        "source",
        "no source",
        "say where the membership is stated",
    )
    out = pd.DataFrame(
        {"group_id": group_id, "member_id": member_id, "source": text_column(raw, "source")}
    )
    return out[~col.bad].drop_duplicates().reset_index(drop=True), col.issues()
