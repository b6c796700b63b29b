"""The contract's tables: the columns of parks, memberships, observations, targets and issues.

docs/data-contract.md describes every column; the checks in :mod:`parkdata.inputs` produce
tables with exactly these columns.
"""

ISSUE_COLUMNS = ["file", "sheet", "row", "column", "value", "problem", "fix", "severity", "code"]
"""``code``: set on warnings a report shows in words (``text.yaml`` section ``data_warning``)."""

OBSERVATION_COLUMNS = [
    "park_id",
    "indicator",
    "period",
    "basis",
    "value",
    "qualifier",
    "unit",
    "value_reported",
    "unit_reported",
    "source",
    "note",
    "origin_file",
    "origin_sheet",
    "origin_row",
    "origin_column",
]
TARGET_COLUMNS = [
    "target_id",
    "park_id",
    "indicator",
    "kind",
    "comparator",
    "base_period",
    "base_value",
    "target_period",
    "target_value",
    "unit",
    "target_value_reported",
    "unit_reported",
    "threshold",
    "threshold_unit",
    "source",
    "clause",
    "note",
    "origin_file",
    "origin_sheet",
    "origin_row",
]
PARK_COLUMNS = [
    "park_id",
    "name_zh",
    "short_name_zh",
    "level",
    "kind",
    "province",
    "city",
    "county",
    "aliases_zh",
    "fictional",
    "source",
    "note",
]
MEMBERSHIP_COLUMNS = ["group_id", "member_id", "source"]
FILE_REPORT_COLUMNS = ["file", "table", "read", "loaded", "rejected", "repeated", "empty"]
