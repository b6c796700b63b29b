"""From firms to the park: the park's 亩均税收, 亩均工业增加值 and 单位能耗工业增加值 per year, derived
from the firm table as sums over firms divided by the sum of their land (or energy), with the
rows they came from.

A park's 亩均 figure is defined as totals ÷ land (亩均税收 = the firms' tax ÷ the firms' land), so
these are ratios of sums, never means of the firms' own ratios: a firm on 100 亩 weighs ten times
one on 10 亩.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from parkdata.contract.formulas import formula_inputs
from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.tables import OBSERVATION_COLUMNS
from parkdata.errors import InputError, Issue

TABLE_LABEL = "enterprise table"
NUMBERS: tuple[str, ...] = ("land_mu", "tax", "value_added", "energy_tce")
RATIOS: dict[str, tuple[str, str]] = {
    "tax_per_mu": ("tax", "land_mu"),
    "value_added_per_mu": ("value_added", "land_mu"),
    "value_added_per_energy": ("value_added", "energy_tce"),
}
"""Ratio column → (numerator, denominator) of the firm sums."""
UNITS: dict[str, str] = {
    "land_mu": "亩",
    "tax": "万元",
    "value_added": "万元",
    "energy_tce": "吨标准煤",
    "tax_per_mu": "万元/亩",
    "value_added_per_mu": "万元/亩",
    "value_added_per_energy": "万元/吨标准煤",
}
_KEY = ["park_id", "year"]


def compact_rows(rows: Iterable[object], joiner: str = ", ") -> str:
    """Row numbers as ranges (blanks skipped): ``[2, 3, 4, 5, 9, 11, 12]`` → ``"2–5, 9, 11–12"``.

    >>> compact_rows([12, 2, 3, 4, 10, 3])
    '2–4, 10, 12'
    """
    numbers = sorted({int(r) for r in rows if not pd.isna(r)})  # type: ignore[call-overload]
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return joiner.join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def _lineage(rows: pd.DataFrame) -> tuple[str | None, str | None]:
    """(files, rows): the files (with the sheet in brackets) joined by '; ' and, in the same
    order, each file's rows as ranges, joined by '; '."""
    if "origin_file" not in rows.columns:
        return None, None
    sheet = rows["origin_sheet"] if "origin_sheet" in rows.columns else None
    label = rows["origin_file"].astype(object).where(rows["origin_file"].notna(), "?").astype(str)
    if sheet is not None:
        label = label + np.where(sheet.notna(), " [" + sheet.astype(str) + "]", "")
    files: list[str] = []
    spans: list[str] = []
    for name, group in rows.groupby(label, sort=True):
        files.append(str(name))
        if "origin_row" in group.columns and group["origin_row"].notna().any():
            spans.append(compact_rows(group["origin_row"].dropna()))
        else:
            spans.append("?")
    return "; ".join(files), "; ".join(spans)


def _numbers(firms: pd.DataFrame) -> pd.DataFrame:
    """The numeric columns as floats, or an InputError naming the column (and rows)."""
    missing = [c for c in (*_KEY, *NUMBERS) if c not in firms.columns]
    if missing:
        raise InputError(
            [
                Issue(
                    TABLE_LABEL, None, c, None, "required column is missing", f"add a column {c!r}"
                )
                for c in missing
            ]
        )
    out = pd.DataFrame(index=firms.index)
    issues = []
    for column in NUMBERS:
        values = pd.to_numeric(firms[column], errors="coerce").astype(float)
        bad = values.isna() & firms[column].notna()
        for position in np.flatnonzero(bad.to_numpy()):
            row = firms.iloc[position]
            issues.append(
                Issue(
                    str(row.get("origin_file", TABLE_LABEL)),
                    int(row["origin_row"]) if "origin_row" in firms.columns else int(position) + 1,
                    column,
                    str(firms[column].iloc[position]),
                    "not a plain number",
                    f"write {column} as a number, or leave it blank",
                )
            )
        out[column] = values
    if issues:
        raise InputError(issues)
    return out


def park_efficiency(firms: pd.DataFrame) -> pd.DataFrame:
    """Park 亩均 figures per (park_id, year) from the firm table: ratios of sums.

    Columns: ``park_id``, ``year``, ``n_firms``; the sums ``land_mu`` (亩), ``tax``,
    ``value_added`` (万元) and ``energy_tce`` (吨标准煤) over the firms that report them (NaN when
    none does); ``tax_per_mu`` = Σ tax ÷ Σ land and ``value_added_per_mu`` = Σ value added ÷ Σ
    land (万元/亩) over the firms with both figures and land > 0; ``value_added_per_energy`` = Σ
    value added ÷ Σ energy (万元/吨标准煤) over the firms with both and energy > 0;
    ``firms_used_<ratio>``: how many firms entered each ratio. Every firm in the table counts
    (also those a 亩均 scheme does not rate): this is how a park's 亩均 figures are defined —
    the park's totals ÷ its land — never a mean of the firms' ratios. Lineage: ``origin_file``
    (files, ``[sheet]`` when given, joined by '; '), ``origin_rows`` (each file's rows as ranges
    such as "2–10, 12", in the same order), ``fictional`` (any firm fictional), ``derived`` True.
    ``attrs["units"]`` gives each number's unit.
    """
    values = _numbers(firms)
    frame = pd.concat([firms[_KEY].reset_index(drop=True), values.reset_index(drop=True)], axis=1)
    for name, (num, den) in RATIOS.items():
        used = frame[num].notna() & (frame[den] > 0)
        frame[f"_{name}_num"] = frame[num].where(used)
        frame[f"_{name}_den"] = frame[den].where(used)
        frame[f"_{name}_n"] = used
    grouped = frame.groupby(_KEY, sort=True, dropna=False)
    out = grouped.size().rename("n_firms").to_frame()
    for column in NUMBERS:
        out[column] = grouped[column].sum(min_count=1)
    for name in RATIOS:
        num = grouped[f"_{name}_num"].sum(min_count=1)
        den = grouped[f"_{name}_den"].sum(min_count=1)
        out[name] = num / den.where(den > 0)
    for name in RATIOS:
        out[f"firms_used_{name}"] = grouped[f"_{name}_n"].sum().astype(int)
    lineage = firms.reset_index(drop=True)
    files, rows, fictional = [], [], []
    for _, group in lineage.groupby(_KEY, sort=True, dropna=False):
        f, r = _lineage(group)
        files.append(f)
        rows.append(r)
        fictional.append("fictional" in group.columns and bool(group["fictional"].eq(True).any()))
    out["origin_file"] = files
    out["origin_rows"] = rows
    out["fictional"] = fictional
    out["derived"] = True
    out = out.reset_index()
    out["n_firms"] = out["n_firms"].astype(int)
    out.attrs["units"] = dict(UNITS)
    return out


FIRM_TOTALS = "firm_totals"
"""``note`` and ``origin_column`` of a park figure derived from its firms (reports mark it 推算)."""


def _used_rows(rows: pd.DataFrame) -> tuple[pd.Series, str]:
    """(the first row, "file row 2–4; other.xlsx [sheet] row 5") of the firm rows a figure sums."""
    rows = rows.sort_values(["origin_file", "origin_row"])
    parts = []
    for _, group in rows.groupby("origin_file", sort=True):
        sheet = group["origin_sheet"].iloc[0]
        where = str(group["origin_file"].iloc[0]) + (f" [{sheet}]" if pd.notna(sheet) else "")
        parts.append(f"{where} row {compact_rows(group['origin_row'])}")
    return rows.iloc[0], "; ".join(parts)


def firm_observations(
    firms: pd.DataFrame, observations: pd.DataFrame, catalog: Catalog
) -> pd.DataFrame:
    """The park figures :func:`park_efficiency` derives, as observation rows (annual, exact),
    for the park-years where the park reports neither the figure nor both inputs of its catalog
    formula: a reported figure is never replaced by one summed from firms.

    Each row says where it came from: ``origin_column`` is :data:`FIRM_TOTALS` and ``note``
    ``firm_totals n=<firms used>``; ``origin_file`` / ``origin_sheet`` / ``origin_row`` name the
    first firm row summed and ``source`` every row summed, file by file ("enterprises.csv row
    2–31"): the firms that have both figures of the ratio, not every firm of the park.
    """
    if firms.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    totals = park_efficiency(firms).set_index(_KEY)
    values = _numbers(firms)
    reported = observations.assign(year=observations["period"].astype(str).str.slice(0, 4))
    reported = reported[reported["basis"] == "annual"]
    have = set(zip(reported["park_id"], reported["indicator"], reported["year"], strict=True))
    rows = []
    for code, (num, den) in RATIOS.items():
        if code not in catalog:
            continue
        formula = catalog[code].formula
        inputs = sorted(formula_inputs(formula)) if formula else [code]
        used = firms[(values[num].notna() & (values[den] > 0)).to_numpy()]
        for (park, year), group in used.groupby(_KEY, sort=True):
            period = str(int(year))
            if (park, code, period) in have or all((park, i, period) in have for i in inputs):
                continue
            value = float(totals.loc[(park, year), code])
            first, source = _used_rows(group)
            rows.append(
                {
                    "park_id": park,
                    "indicator": code,
                    "period": period,
                    "basis": "annual",
                    "value": value,
                    "qualifier": "exact",
                    "unit": UNITS[code],
                    "value_reported": value,
                    "unit_reported": UNITS[code],
                    "source": source,
                    "note": f"{FIRM_TOTALS} n={len(group)}",
                    "origin_file": first["origin_file"],
                    "origin_sheet": first["origin_sheet"],
                    "origin_row": int(first["origin_row"]),
                    "origin_column": FIRM_TOTALS,
                }
            )
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


def firms_used(note: object) -> int | None:
    """The number of firms a figure was summed from (its ``note``), None for a reported figure.

    >>> firms_used("firm_totals n=30"), firms_used("年报")
    (30, None)
    """
    text = str(note or "")
    if not text.startswith(FIRM_TOTALS + " n="):
        return None
    return int(text.rpartition("=")[2])
