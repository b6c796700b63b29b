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


def _where(rows: pd.DataFrame) -> pd.Series:
    """Each row's file, with its sheet in brackets when it has one ("b.xlsx [企业数据]")."""
    file = rows["origin_file"].astype(object).where(rows["origin_file"].notna(), "?").astype(str)
    if "origin_sheet" not in rows.columns:
        return file
    sheet = rows["origin_sheet"]
    named = sheet.notna() & (sheet.astype(str) != "")
    return file + np.where(named, " [" + sheet.astype(str) + "]", "")


def _per_file(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per group of ``keys`` and file: ``where`` (file [sheet]) and ``rows`` (ranges)."""
    frame = rows[keys].assign(where=_where(rows).to_numpy(), row=rows["origin_row"].to_numpy())
    spans = frame.groupby([*keys, "where"], sort=True, dropna=False)["row"].agg(compact_rows)
    return spans.rename("rows").reset_index()


def rows_by_group(rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    """For each group of ``keys``, its rows as people find them, file by file: "enterprises.csv
    row 2–31; b.xlsx [企业数据] row 2" (one pass over the table, not a loop over groups)."""
    files = _per_file(rows, keys)
    text = files["where"] + " row " + files["rows"]
    return text.groupby([files[k] for k in keys], sort=True, dropna=False).agg("; ".join)


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
    if "origin_file" in lineage.columns and "origin_row" in lineage.columns:
        files = _per_file(lineage, _KEY)
        by = [files[k] for k in _KEY]
        out["origin_file"] = files["where"].groupby(by, sort=True, dropna=False).agg("; ".join)
        out["origin_rows"] = files["rows"].groupby(by, sort=True, dropna=False).agg("; ".join)
    else:
        out["origin_file"] = out["origin_rows"] = None
    fictional = (
        lineage["fictional"].eq(True)
        if "fictional" in lineage.columns
        else pd.Series(False, index=lineage.index)
    )
    out["fictional"] = fictional.groupby([lineage[k] for k in _KEY], sort=True).any()
    out["derived"] = True
    out = out.reset_index()
    out["n_firms"] = out["n_firms"].astype(int)
    out.attrs["units"] = dict(UNITS)
    return out


FIRM_TOTALS = "firm_totals"
"""``note`` and ``origin_column`` of a park figure derived from its firms (reports mark it 推算)."""


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
    have = pd.MultiIndex.from_arrays([reported["park_id"], reported["indicator"], reported["year"]])
    frames = []
    for code, (num, den) in RATIOS.items():
        if code not in catalog:
            continue
        used = firms[(values[num].notna() & (values[den] > 0)).to_numpy()]
        if used.empty:
            continue
        used = used.sort_values([*_KEY, "origin_file", "origin_row"])
        first = used.groupby(_KEY, sort=True).head(1).set_index(_KEY)
        out = pd.DataFrame(index=first.index)
        out["value"] = totals.loc[out.index, code]
        out["source"] = rows_by_group(used, _KEY)
        out["n"] = used.groupby(_KEY, sort=True).size()
        out[["origin_file", "origin_sheet", "origin_row"]] = first[
            ["origin_file", "origin_sheet", "origin_row"]
        ]
        out = out.reset_index()
        period = out["year"].astype(int).astype(str)
        formula = catalog[code].formula
        inputs = sorted(formula_inputs(formula)) if formula else [code]
        inputs_too = np.logical_and.reduce(
            [
                pd.MultiIndex.from_arrays([out["park_id"], [i] * len(out), period]).isin(have)
                for i in inputs
            ]
        )
        keep = ~pd.MultiIndex.from_arrays([out["park_id"], [code] * len(out), period]).isin(have)
        keep &= ~inputs_too
        out = out[keep]
        frames.append(
            pd.DataFrame(
                {
                    "park_id": out["park_id"],
                    "indicator": code,
                    "period": period[keep],
                    "basis": "annual",
                    "value": out["value"].astype(float),
                    "qualifier": "exact",
                    "unit": UNITS[code],
                    "value_reported": out["value"].astype(float),
                    "unit_reported": UNITS[code],
                    "source": out["source"],
                    "note": FIRM_TOTALS + " n=" + out["n"].astype(int).astype(str),
                    "origin_file": out["origin_file"],
                    "origin_sheet": out["origin_sheet"],
                    "origin_row": out["origin_row"].astype(int),
                    "origin_column": FIRM_TOTALS,
                }
            )
        )
    kept = [f for f in frames if len(f)]
    if not kept:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    return pd.concat(kept, ignore_index=True).reindex(columns=OBSERVATION_COLUMNS)


def firms_used(note: object) -> int | None:
    """The number of firms a figure was summed from (its ``note``), None for a reported figure.

    >>> firms_used("firm_totals n=30"), firms_used("年报")
    (30, None)
    """
    text = str(note or "")
    if not text.startswith(FIRM_TOTALS + " n="):
        return None
    return int(text.rpartition("=")[2])
