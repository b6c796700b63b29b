"""Derived indicators (亩均税收, 投资强度, 首位产业集聚度 …) from the catalog's formulas.

Inputs are paired on (park, period, basis); a stock (用地面积) measured at a point in time pairs
with flows of the period ending then (year-end 用地 with the year's 税收). A missing input gives a
missing result with the reason, never a zero. Qualifiers carry through monotonically: 税收
"突破12亿" over an exact 用地 is an at-least 亩均税收; anything murkier is approx.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

import numpy as np
import pandas as pd

from parkdata.contract.formulas import evaluate_formula, formula_inputs, parse_formula
from parkdata.contract.indicator_catalog import Catalog
from parkdata.contract.panel import Panel
from parkdata.contract.periods import as_of_time, period_month, period_time, period_year
from parkdata.contract.units import conversion_factor

DERIVED_COLUMNS = [
    "park_id",
    "indicator",
    "period",
    "basis",
    "value",
    "unit",
    "qualifier",
    "reason",
    "missing",
    "source",
]

_KEY = ["park_id", "period", "basis"]
_FLIP = {"at_least": "at_most", "at_most": "at_least", "exact": "exact", "approx": "approx"}


def formula_qualifier(formula: str, qualifiers: dict[str, pd.Series]) -> pd.Series:
    """Qualifier of a formula's result from its inputs' qualifiers (positive values assumed).

    ``a / b`` with ``a`` at least and ``b`` exact is at least; with ``b`` at least it is at most;
    two bounds pulling the same way combine; anything else is approx.
    """

    def combine(x: pd.Series, y: pd.Series) -> pd.Series:
        same = x == y
        out = x.where(same, "approx")
        out = out.where(~(x == "exact"), y)
        return out.where(~(y == "exact"), x)

    def walk(node: ast.expr) -> pd.Series | None:
        if isinstance(node, ast.Name):
            return qualifiers[node.id]
        if isinstance(node, ast.Constant):
            return None
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return None if inner is None else inner.map(_FLIP)
        assert isinstance(node, ast.BinOp)  # guaranteed by parse_formula
        left, right = walk(node.left), walk(node.right)
        if right is not None and isinstance(node.op, (ast.Sub, ast.Div)):
            right = right.map(_FLIP)
        if left is None or right is None:
            return left if right is None else right
        return combine(left, right)

    result = walk(parse_formula(formula))
    if result is None:
        index = next(iter(qualifiers.values())).index
        return pd.Series("exact", index=index)
    return result


def _subject(formula: str) -> str | None:
    """The leftmost indicator of a formula (亩均税收's 税收): rows exist where it does."""
    node = parse_formula(formula)
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.BinOp):
            node = node.left
        elif isinstance(node, ast.UnaryOp):
            node = node.operand
        else:
            return None
    return node.id


def _aligned_inputs(observations: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Observations keyed for pairing: stocks at a year's end stand for that year."""
    obs = observations[observations["basis"] != "quarter"]
    kinds = obs["indicator"].map({ind.code: ind.kind for ind in catalog})
    stock = kinds.isin(["stock", "count", "ratio"]) & (obs["basis"] == "point")
    if stock.any():
        month = period_month(obs.loc[stock, "period"])
        year_end = month == 12
        obs = obs.copy()
        idx = month.index
        obs.loc[idx[year_end], "period"] = (
            period_year(obs.loc[idx[year_end], "period"]).astype(int).astype(str)
        )
        obs.loc[idx, "basis"] = np.where(year_end, "annual", "ytd")
    return obs.drop_duplicates([*_KEY, "indicator"], keep="first")


def _trace(obs: pd.DataFrame) -> pd.Series:
    """'code=value (file row N)' for each input row."""
    where = obs["origin_file"].fillna("") + " row " + obs["origin_row"].astype("Int64").astype(str)
    return obs["indicator"] + "=" + obs["value"].map("{:g}".format) + " (" + where + ")"


def derive_indicators(
    observations: pd.DataFrame, catalog: Catalog, codes: Iterable[str] | None = None
) -> pd.DataFrame:
    """Every derived indicator computable from ``observations`` (one row per park, period, basis
    where at least one input exists); where it cannot be computed ``reason`` says why
    (``missing_input``, with the codes in ``missing``, or ``division_by_zero``)."""
    wanted = [ind for ind in catalog if ind.formula and (codes is None or ind.code in set(codes))]
    obs = _aligned_inputs(observations, catalog)
    if "origin_file" not in obs:
        obs = obs.assign(origin_file="", origin_row=pd.NA)
    obs = obs.assign(trace=_trace(obs))
    frames = []
    for ind in wanted:
        assert ind.formula is not None
        inputs = sorted(formula_inputs(ind.formula))
        part = obs[obs["indicator"].isin(inputs)]
        subject = _subject(ind.formula)
        if subject is None or not (part["indicator"] == subject).any():
            continue
        wide = part.pivot(index=_KEY, columns="indicator", values=["value", "qualifier", "trace"])
        wide = wide[wide[("value", subject)].notna()]
        values = {
            code: (
                wide[("value", code)].astype(float)
                * conversion_factor(catalog[code].unit, ind.formula_units[code])
                if ("value", code) in wide
                else pd.Series(np.nan, index=wide.index)
            )
            for code in inputs
        }
        quals = {
            code: wide[("qualifier", code)].fillna("exact")
            if ("qualifier", code) in wide
            else pd.Series("exact", index=wide.index)
            for code in inputs
        }
        result = pd.Series(evaluate_formula(ind.formula, values), index=wide.index, dtype=float)
        missing = pd.Series("", index=wide.index)
        for code in inputs:
            missing = missing.where(values[code].notna(), missing + code + ", ")
        missing = missing.str.removesuffix(", ")
        reason = np.select(
            [missing != "", result.isna()], ["missing_input", "division_by_zero"], default=""
        )
        traces = [wide[("trace", c)] for c in inputs if ("trace", c) in wide]
        source = traces[0].fillna("")
        for trace in traces[1:]:
            source = source.str.cat(trace.fillna(""), sep="; ").str.strip("; ")
        frame = pd.DataFrame(
            {
                "indicator": ind.code,
                "value": result,
                "unit": ind.unit,
                "qualifier": formula_qualifier(ind.formula, quals).where(result.notna()),
                "reason": pd.Series(reason, index=wide.index).replace("", pd.NA),
                "missing": missing.replace("", pd.NA),
                "source": "= " + ind.formula + " ← " + source,
            }
        ).reset_index()
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=DERIVED_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[DERIVED_COLUMNS]
    return out.sort_values(["park_id", "indicator", "period"], ignore_index=True)


def indicators(
    panel: Panel,
    codes: Iterable[str] | None = None,
    park: str | Iterable[str] | None = None,
    as_of: str | None = None,
) -> pd.DataFrame:
    """Derived indicators of a panel (``pkd.indicators``): 亩均税收, 投资强度, shares …

    One row per park, period and basis where the formula's leading input exists; ``value`` is
    NaN where it cannot be computed, ``reason`` says why (``missing_input`` with the codes in
    ``missing``, or ``division_by_zero``); ``source`` traces every input to its file and row.
    ``as_of`` keeps periods ended by then.

    >>> import parkdata as pkd
    >>> table = pkd.indicators(pkd.load(), codes=["tax_per_mu"])
    >>> bool(table["missing"].dropna().str.contains("industrial_land_area").all())
    True
    """
    obs = panel.observations
    if park is not None:
        obs = obs[obs["park_id"].isin([park] if isinstance(park, str) else list(park))]
    if as_of is not None:
        obs = obs[period_time(obs["period"]) <= as_of_time(as_of) + 1e-9]
    return derive_indicators(obs, panel.catalog, codes=codes)
