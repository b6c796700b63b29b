"""Words for the codes the math returns: ``pkd.explain(table)`` adds readable columns to an
assessment, enterprise-class or evaluation table, in Chinese (default) or English.

>>> import parkdata as pkd
>>> table = pkd.assess(pkd.load(), park="wuhan_donghu_hitech", as_of="2022")
>>> row = explain(table).set_index("target_id").loc["donghu-01"]
>>> row["status_name"], row["reason_text"].startswith("按2019–2022年实际值推算")
('需加快进度', True)
>>> explain(table, "en").set_index("target_id").loc["donghu-01", "status_name"]
'needs acceleration'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from parkdata.assessment.evaluation_presets import PRESETS
from parkdata.contract.indicator_catalog import Catalog, default_catalog
from parkdata.contract.reasons import Reason
from parkdata.projection.engine import PRIOR_GROWTH_SD
from parkdata.reporting.formatting import (
    format_number,
    format_value,
    missing,
    pct,
    share_cut,
    target_text,
)
from parkdata.reporting.wording import (
    check_language,
    in_language,
    indicator_name,
    model_name,
    sep,
    status_name,
    text,
)


def pace_text(row: Mapping[str, Any], lang: str = "zh") -> str:
    """What a target's pace is read from ('2019–2022年实际值'); '' when it has none."""
    basis = row.get("pace_basis")
    if missing(basis) or not basis:
        return ""
    start, end = row.get("pace_from"), row.get("pace_to")
    return text(f"pace.{basis}", lang, start=start, end=end)


def reason_text(row: Mapping[str, Any], lang: str = "zh") -> str:
    """The sentence behind an assessment row's ``reason`` code (and its flags)."""
    code = str(row.get("reason") or "")
    if not code:
        return ""
    unit = str(row.get("goal_unit") or "")
    params = {
        "growth": format_number(row.get("reported_growth")),
        "rate": format_number(row.get("target_value")),
        "base_period": row.get("base_period"),
        "pace": pace_text(row, lang),
        "expected": format_value(row.get("expected_value"), unit, lang),  # type: ignore[arg-type]
        "goal": format_value(row.get("goal"), unit, lang),  # type: ignore[arg-type]
        "level": format_value(_non_positive_level(row), unit, lang),
    }
    out = text(f"reason.{code}", lang, **params)
    for flag in str(row.get("reason_flags") or "").split(";"):
        if flag:
            out += sep("semicolon", lang) + text(f"reason.{flag}", lang)
    return out


def _non_positive_level(row: Mapping[str, Any]) -> float:
    """The base figure when it is zero or less, else the latest (``non_positive_level``)."""
    base, current = _number(row.get("base_value")), _number(row.get("current_value"))
    return base if base <= 0 else current


def _number(value: Any) -> float:
    return float("nan") if missing(value) else float(value)


def projection_note(row: Mapping[str, Any], lang: str = "zh") -> str:
    """Why a target has, or lacks, a projection, and what to know about the fit."""
    code = str(row.get("projection_code") or "")
    if not code:
        return ""
    if code != "fitted":
        return text(f"projection.{code}", lang)
    model = str(row["projection_model"])
    n = int(row["projection_n"])
    if model == "cagr2":
        out = text(
            "projection.fitted_prior",
            lang,
            model=model_name(model, lang),
            n=n,
            sd=f"{PRIOR_GROWTH_SD:.0%}",
        )
    else:
        df = f"{float(row['projection_df']):.0f}"
        out = text("projection.fitted", lang, model=model_name(model, lang), n=n, df=df)
    for flag in str(row.get("projection_flags") or "").split(";"):
        if flag:
            out += sep("semicolon", lang) + text(f"projection.{flag}", lang)
    return out


def _assessment(table: pd.DataFrame, lang: str, catalog: Catalog) -> pd.DataFrame:
    lower = {ind.code for ind in catalog if ind.kind == "rank" or ind.direction == "lower"}
    out = table.copy()
    rows = out.assign(direction=out["indicator"].map(lambda c: "lower" if c in lower else ""))
    records = rows.to_dict("records")
    out["status_name"] = out["status"].map(lambda s: status_name(str(s), lang))
    out["target_text"] = [target_text(r, lang) for r in records]
    out["pace_source"] = [pace_text(r, lang) for r in records]
    out["reason_text"] = [reason_text(r, lang) for r in records]
    out["projection_note"] = [projection_note(r, lang) for r in records]
    out["rule_text"] = out["rule"].map(lambda r: text(f"rule.{r}", lang) if r else "")
    out["indicator_name"] = out["indicator"].map(lambda c: indicator_name(catalog, c, lang))
    return out


def _derived(table: pd.DataFrame, lang: str, catalog: Catalog) -> pd.DataFrame:
    def words(reason: Any, missing_codes: Any) -> str:
        if missing(reason) or not reason:
            return ""
        codes = [] if missing(missing_codes) else str(missing_codes).split(",")
        names = sep("list", lang).join(indicator_name(catalog, c.strip(), lang) for c in codes)
        return text(f"derived.{reason}", lang, missing=names)

    return table.assign(
        reason_text=[words(r, m) for r, m in zip(table["reason"], table["missing"], strict=True)]
    )


def _rules_text(codes: str, rules: Mapping[str, Any], lang: str) -> str:
    parts = []
    for column in codes.split(";"):
        rule = rules.get(column, {})
        label = rule.get(lang) or rule.get("zh") or column
        below = rule.get("below")
        if below is None:
            parts.append(text("enterprise.rule", lang, label=label, column=column))
        else:
            parts.append(
                text("enterprise.rule_below", lang, label=label, column=column, below=f"{below:g}")
            )
    return sep("semicolon", lang).join(parts)


def _notes_text(notes: str, lang: str) -> str:
    parts = []
    for note in notes.split(";"):
        if not note:
            continue
        indicator, what, *column = note.split(":")
        parts.append(
            text(
                f"enterprise.note_{what}",
                lang,
                indicator=indicator,
                column=column[0] if column else "",
            )
        )
    return sep("semicolon", lang).join(parts)


def class_reason(row: Mapping[str, Any], attrs: Mapping[str, Any], lang: str = "zh") -> str:
    """Why a firm has its class (or none), from the codes of ``classify_enterprises``."""
    status = row["status"]
    rules = attrs.get("rules", {})
    if status == "not_rated":
        if row.get("out_of_scope") and not row.get("rules_fired"):
            scope = text(f"enterprise.{attrs.get('scope')}", lang)
            return text("enterprise.out_of_scope", lang, scheme=attrs.get("scheme"), scope=scope)
        return text(
            "enterprise.not_rated", lang, rules=_rules_text(row["rules_fired"], rules, lang)
        )
    if status == "forced_D":
        return text("enterprise.forced_D", lang, rules=_rules_text(row["rules_fired"], rules, lang))
    if status == "not_scored":
        return text("enterprise.not_scored", lang, notes=_notes_text(row["indicator_notes"], lang))
    a, b, c = attrs["cutoffs"]
    params = {"rank": int(row["rank"]), "n": attrs["n_ranked"], "share": f"{row['rank_share']:.3f}"}
    grade = row["class"]
    if grade == "A":
        return text("enterprise.ranked_a", lang, a=share_cut(a), **params)
    if grade in ("B", "C"):
        low, high = (a, b) if grade == "B" else (b, c)
        return text(
            "enterprise.ranked_mid", lang, low=share_cut(low), high=share_cut(high), **params
        )
    return text("enterprise.ranked_d", lang, c=share_cut(c), **params)


def _enterprises(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    out["class_reason"] = [class_reason(r, table.attrs, lang) for r in table.to_dict("records")]
    out["indicator_notes_text"] = table["indicator_notes"].map(lambda n: _notes_text(n, lang))
    return out


def evaluation_status(row: Mapping[str, Any], min_coverage: float, lang: str = "zh") -> str:
    """The words for an evaluation row's ``status`` code."""
    status = row["status"]
    if status == "low_coverage":
        return text(
            "evaluation.low_coverage",
            lang,
            coverage=pct(row["coverage"]),
            minimum=pct(min_coverage),
        )
    if status == "no_data":
        year = row.get("period")
        if missing(year) or not year:
            return text("evaluation.no_data_any", lang)
        return text("evaluation.no_data", lang, year=year)
    return text(f"evaluation.{status}", lang)


def evaluation_note(
    note: Mapping[str, Any], lang: str = "zh", catalog: Catalog | None = None
) -> str:
    """The words for one note of an evaluation's ``attrs["notes"]``."""
    catalog = catalog or default_catalog()
    params = dict(note.get("params", {}))
    if "indicators" in params:
        params["indicators"] = sep("list", lang).join(
            indicator_name(catalog, c, lang) for c in params["indicators"]
        )
    if "dimensions" in params:
        names = {d.code: in_language(d, lang) for p in PRESETS.values() for d in p.dimensions}
        params["dimensions"] = sep("list", lang).join(
            f"{names.get(code, code)} {weight:g}%" for code, weight in params["dimensions"].items()
        )
    return text(f"evaluation.{note['code']}", lang, **params)


def _evaluation(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    minimum = float(table.attrs.get("min_coverage", 0.5))
    out["status_text"] = [evaluation_status(r, minimum, lang) for r in table.to_dict("records")]
    return out


def choice_text(why: Reason, lang: str = "zh") -> str:
    """The words for a :func:`~parkdata.projection.backtesting.choose_model` reason."""
    params = dict(why.params)
    if why.code == "chosen":
        others = sep("clause", lang).join(
            f"{m} {pct(v, scale=1, digits=1)}" for m, v in params["others"].items()
        )
        params.update(
            cov80=pct(params["cov80"], scale=1),
            cov95=pct(params["cov95"], scale=1),
            mdape=pct(params["mdape"], scale=1, digits=1),
            others=f"{sep('open', lang)}{others}{sep('close', lang)}" if others else "",
        )
    return text(f"model_choice.{why.code}", lang, **params)


def explain(table: pd.DataFrame, lang: str = "zh", catalog: Catalog | None = None) -> pd.DataFrame:
    """``table`` with words added for its codes (the table itself is not changed).

    - an ``assess`` table gets ``status_name``, ``target_text``, ``reason_text`` (the sentence
      for the ``reason`` code), ``pace_source``, ``projection_note``, ``rule_text`` and
      ``indicator_name``;
    - a ``classify_enterprises`` table gets ``class_reason`` and ``indicator_notes_text``, a
      ``compute_efficiency_indicators`` table ``indicator_notes_text``;
    - an ``evaluate`` table gets ``status_text``;
    - an ``indicators`` table gets ``reason_text`` (why a value could not be computed).

    Explaining a table twice gives the same columns: the codes are never replaced.
    """
    check_language(lang)
    if "target_id" in table.columns and "reason" in table.columns:
        return _assessment(table, lang, catalog or default_catalog())
    if {"missing", "reason", "indicator"} <= set(table.columns):  # pkd.indicators
        return _derived(table, lang, catalog or default_catalog())
    if "rules_fired" in table.columns:
        return _enterprises(table, lang)
    if "indicator_notes" in table.columns:  # compute_efficiency_indicators
        return table.assign(
            indicator_notes_text=table["indicator_notes"].map(lambda n: _notes_text(n, lang))
        )
    if "n_ranked" in table.columns:
        return _evaluation(table, lang)
    raise TypeError(
        "explain() takes a table from assess, indicators, classify_enterprises or evaluate"
    )
