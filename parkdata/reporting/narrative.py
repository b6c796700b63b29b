"""The 结论摘要 of a report: plain sentences generated from a park's assessment rows.

Each sentence states one target's outlook with its numbers, so a reader can check it against
the target table; the most pressing targets come first (missed, then the least likely to be
met), and targets without data are named together at the end. Every word comes from the text
table (:mod:`parkdata.reporting.wording`).

>>> import pandas as pd
>>> row = dict(indicator="tax_per_mu", status="on_track", target_period="2025", goal=30.0,
...            goal_unit="万元/亩", target_text="≥30万元/亩", projected_value=31.73,
...            projected_lo80=28.1, projected_hi80=35.6, projected_lo95=26.0, projected_hi95=38.5,
...            p_meet=0.8995, current_value=26.0, current_period="2023", kind="level")
>>> outlook_sentence(pd.Series(row), "亩均税收", confidence=0.8)
'按当前趋势，预计2025年亩均税收约31.73万元/亩（80%区间28.1–35.6万元/亩），为目标（≥30万元/亩）的106%，达标概率约90%。'
"""

from __future__ import annotations

import pandas as pd

from parkdata.contract.vocab import SETTLED, STATUSES, UNJUDGED, status
from parkdata.reporting.formatting import (
    format_range,
    format_value,
    missing,
    pct,
    period_label,
    year_text,
)
from parkdata.reporting.wording import sep, status_name, text

MAX_SENTENCES = 8


def status_counts(rows: pd.DataFrame) -> dict[str, int]:
    """Status code → number of targets, in the fixed order of statuses (zeros left out)."""
    counts = rows["status"].value_counts()
    return {s: int(counts[s]) for s in STATUSES if counts.get(s, 0)}


def status_counts_text(rows: pd.DataFrame, lang: str = "zh") -> str:
    """'已完成2个，进度正常3个' — how many of ``rows`` are in each status, in status order."""
    return sep("clause", lang).join(
        text("narrative.count_part", lang, status=status_name(s, lang), n=n)
        for s, n in status_counts(rows).items()
    )


def counts_sentence(park: str, rows: pd.DataFrame, as_of: str, lang: str = "zh") -> str:
    """'截至2022年，东湖高新区共有15个规划目标：…' — how many targets are in each status."""
    parts = status_counts_text(rows, lang)
    as_of = period_label(as_of, lang)
    return text("narrative.counts", lang, as_of=as_of, park=park, n=len(rows), parts=parts)


def outlook_sentence(row: pd.Series, name: str, confidence: float = 0.8, lang: str = "zh") -> str:
    """One target's outlook: projected value with its band, % of the goal and P(meet)."""
    unit = str(row.get("goal_unit") or "")
    level = "80" if confidence < 0.9 else "95"
    lo, hi = row[f"projected_lo{level}"], row[f"projected_hi{level}"]
    if row.get("comparator") == "<=":  # as the table's 完成度: goal over value when lower is better
        share = row["goal"] / row["projected_value"] if row["projected_value"] else float("nan")
    else:
        share = row["projected_value"] / row["goal"] if row["goal"] else float("nan")
    band = ""
    if not missing(lo) and not missing(hi):
        band = text("narrative.band", lang, level=level, range=format_range(lo, hi, unit, lang))
    p = row["p_meet"]
    return text(
        "narrative.outlook",
        lang,
        year=str(row["target_period"])[:4],
        name=name,
        value=format_value(row["projected_value"], unit, lang),
        band=band,
        target=row["target_text"],
        share=pct(share),
        p="" if missing(p) else text("narrative.p", lang, p=pct(p)),
    )


def settled_sentence(row: pd.Series, name: str, lang: str = "zh") -> str:
    """A target already met, or missed at its deadline (with the figure only where it is the
    quantity the target is about: levels and shares)."""
    met = row["status"] == "achieved"
    params = {
        "name": name,
        "year": year_text(row["target_period"], lang),
        "cur_year": str(row["current_period"])[:4],
        "target": row["target_text"],
    }
    if row["kind"] in ("level", "share"):
        value = format_value(row["current_value"], str(row.get("goal_unit") or ""), lang)
        key = "narrative.met_level" if met else "narrative.missed_level"
        return text(key, lang, value=value, **params)
    return text("narrative.met_other" if met else "narrative.missed_other", lang, **params)


def pace_sentence(row: pd.Series, name: str, lang: str = "zh") -> str:
    """A target judged by its pace only (no projection): status and the rule's reason."""
    return text(
        "narrative.pace",
        lang,
        name=name,
        year=str(row["target_period"])[:4],
        target=row["target_text"],
        status=status_name(str(row["status"]), lang),
        reason=row.get("reason_text") or "",
    ).strip()


def _names(names: list[str], lang: str, limit: int = 6) -> str:
    unique = list(dict.fromkeys(names))
    more = text("narrative.etc", lang) if len(unique) > limit else ""
    return sep("list", lang).join(unique[:limit]) + more


def missing_sentence(names: list[str], lang: str = "zh") -> str:
    """Targets without any figure for the park (one name per target), named together."""
    return text("narrative.missing", lang, n=len(names), names=_names(names, lang))


def undecided_sentence(names: list[str], lang: str = "zh") -> str:
    """Targets with a figure that is not yet enough to judge (one point, no target year …)."""
    return text("narrative.undecided", lang, n=len(names), names=_names(names, lang))


def summary_sentences(
    rows: pd.DataFrame,
    names: pd.Series,
    park: str,
    as_of: str,
    confidence: float = 0.8,
    lang: str = "zh",
) -> list[str]:
    """The whole 结论摘要 for one park's explained assessment ``rows`` (``pkd.explain``);
    ``names``: indicator → display name.

    The first sentence counts targets by status; then up to :data:`MAX_SENTENCES` targets with
    figures, most pressing first; then the targets that cannot be assessed.
    """
    if rows.empty:
        return []
    out = [counts_sentence(park, rows, as_of, lang)]
    name = rows["indicator"].map(names).fillna(rows["indicator"])
    known = rows.assign(_name=name)[~rows["status"].isin(UNJUDGED)]
    urgency = known["status"].map(lambda s: status(s).urgency).astype(float)
    order = urgency + known["p_meet"].astype(float).fillna(0.5) / 10
    for _, row in known.assign(_o=order).sort_values(["_o", "target_period"]).iterrows():
        if len(out) > MAX_SENTENCES:
            out.append(text("narrative.more", lang, n=len(known) - MAX_SENTENCES))
            break
        if row["status"] in SETTLED:
            out.append(settled_sentence(row, row["_name"], lang))
        elif not missing(row.get("projected_value")) and row.get("goal"):
            out.append(outlook_sentence(row, row["_name"], confidence, lang))
        else:
            out.append(pace_sentence(row, row["_name"], lang))
    insufficient = rows["status"].isin(UNJUDGED)
    no_figure = insufficient & rows["current_value"].isna()
    if no_figure.any():
        out.append(missing_sentence(list(name[no_figure]), lang))
    some = insufficient & rows["current_value"].notna()
    if some.any():
        out.append(undecided_sentence(list(name[some]), lang))
    return out
