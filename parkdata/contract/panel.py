"""The Panel: parks, memberships, observations and targets of the data contract, with the
indicator catalog, as plain DataFrames (built by :mod:`parkdata.inputs.loading`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from parkdata.contract.enterprise_columns import ENTERPRISE_COLUMNS
from parkdata.contract.indicator_catalog import Catalog, default_catalog
from parkdata.contract.tables import FILE_REPORT_COLUMNS, ISSUE_COLUMNS

FIRM_COLUMNS = [*ENTERPRISE_COLUMNS, "origin_file", "origin_sheet", "origin_row"]
"""The firm table's columns (one row per firm, park and year; ``data/enterprise.yaml``)."""


@dataclass
class Panel:
    """Everything parkdata knows about a set of parks, as tidy DataFrames.

    ``observations`` values are in the catalog's canonical unit (``unit``); what the source printed
    is kept in ``value_reported`` / ``unit_reported``; ``source`` and ``origin_*`` trace every row.
    ``firms`` holds the 亩均 firm table when the data has one (``enterprises*`` files); the park
    figures summed from it are among the observations, marked ``origin_column == "firm_totals"``.
    """

    parks: pd.DataFrame
    memberships: pd.DataFrame
    observations: pd.DataFrame
    targets: pd.DataFrame
    catalog: Catalog = field(default_factory=default_catalog, repr=False)
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FILE_REPORT_COLUMNS))
    firms: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FIRM_COLUMNS))

    def __repr__(self) -> str:
        return (
            f"Panel({len(self.parks)} parks, {len(self.observations)} observations, "
            f"{len(self.targets)} targets, {len(self.errors())} errors)"
        )

    def errors(self) -> pd.DataFrame:
        """Issues that rejected a row (warnings excluded)."""
        return self.issues[self.issues["severity"] == "error"]

    def members(self, group_id: str) -> list[str]:
        """Member park ids of a group."""
        return self.memberships.loc[self.memberships["group_id"] == group_id, "member_id"].tolist()

    def summary(self) -> pd.DataFrame:
        """One row per park: Chinese name, kind, counts of observations and targets, years covered."""
        obs = self.observations.groupby("park_id").agg(
            observations=("value", "size"),
            indicators=("indicator", "nunique"),
            first=("period", "min"),
            last=("period", "max"),
        )
        tgt = self.targets.groupby("park_id").agg(targets=("target_id", "size"))
        out = self.parks.set_index("park_id")[["kind", "level", "fictional"]]
        out.insert(0, "name", self.park_labels())
        out = out.join(obs).join(tgt)
        out[["observations", "indicators", "targets"]] = (
            out[["observations", "indicators", "targets"]].fillna(0).astype(int)
        )
        return out.sort_values(["targets", "observations"], ascending=False)

    def park_labels(self, fictional_mark: str = "（虚构）") -> pd.Series:
        """park_id → the short Chinese name users read; fictional parks carry ``fictional_mark``
        (the reporting layer passes the mark of the page's language)."""
        parks = self.parks.set_index("park_id")
        fictional = parks["fictional"].astype(bool)
        return parks["short_name_zh"].where(~fictional, parks["short_name_zh"] + fictional_mark)

    def with_names(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with Chinese park and indicator names added (虚构 marks fictional parks)."""
        label = self.park_labels()
        out = frame.copy()
        if "park_id" in out:
            out.insert(
                out.columns.get_loc("park_id") + 1, "park_name_zh", out["park_id"].map(label)
            )
        if "indicator" in out:
            names = {ind.code: ind.name_zh for ind in self.catalog}
            out.insert(
                out.columns.get_loc("indicator") + 1,
                "indicator_name_zh",
                out["indicator"].map(names),
            )
        return out
