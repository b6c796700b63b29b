"""The 结论摘要 of a report: plain sentences generated from a park's assessment rows.

Each sentence states one target's outlook with its numbers, so a reader can check it against
the target table; the most pressing targets come first (missed, then the least likely to be
met), and targets without data are named together at the end.

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

from .lang import STATUS_ORDER, status_name
from .units import format_number

MAX_SENTENCES = 8
_URGENCY = {"not_achieved": 0, "off_track": 1, "needs_acceleration": 2, "on_track": 3}


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%"


COUNT_UNITS = ("家", "个", "户", "人", "项", "件", "所", "座")


def format_value(value: float, unit: str = "") -> str:
    """A value with its unit as a sentence reads it; counts (家, 个 …) as whole numbers."""
    if unit in COUNT_UNITS and abs(value) >= 10:
        return f"{value:,.0f}{unit}"
    return f"{format_number(value)}{unit}"


def period_label(label: str, lang: str = "zh") -> str:
    """'2026-10' → '2026年10月', '2022' → '2022年' (English keeps the label).

    >>> period_label("2026-10"), period_label("2022"), period_label("2022-Q3")
    ('2026年10月', '2022年', '2022年Q3')
    """
    if lang == "en" or not label[:4].isdigit() or "年" in label:
        return label
    year, _, rest = label.partition("-")
    if not rest:
        return f"{year}年"
    return f"{year}年{int(rest)}月" if rest.isdigit() else f"{year}年{rest}"


def status_counts(rows: pd.DataFrame) -> dict[str, int]:
    """Status code → number of targets, in the fixed order of statuses (zeros left out)."""
    counts = rows["status"].value_counts()
    return {s: int(counts[s]) for s in STATUS_ORDER if counts.get(s, 0)}


def counts_sentence(park: str, rows: pd.DataFrame, as_of: str, lang: str = "zh") -> str:
    """'截至2022年，东湖高新区共有15个规划目标：…' — how many targets are in each status."""
    counts = status_counts(rows)
    as_of = period_label(as_of, lang)
    if lang == "en":
        parts = ", ".join(f"{n} {status_name(s, 'en')}" for s, n in counts.items())
        return f"As of {as_of}, {park} has {len(rows)} plan targets: {parts}."
    parts = "，".join(f"{status_name(s)}{n}个" for s, n in counts.items())
    return f"截至{as_of}，{park}共有{len(rows)}个规划目标：{parts}。"


def outlook_sentence(row: pd.Series, name: str, confidence: float = 0.8, lang: str = "zh") -> str:
    """One target's outlook: projected value with its band, % of the goal and P(meet)."""
    year, unit = str(row["target_period"])[:4], str(row.get("goal_unit") or "")
    level = "80" if confidence < 0.9 else "95"
    lo, hi = row[f"projected_lo{level}"], row[f"projected_hi{level}"]
    if row.get("comparator") == "<=":  # as the table's 完成度: goal over value when lower is better
        share = row["goal"] / row["projected_value"] if row["projected_value"] else float("nan")
    else:
        share = row["projected_value"] / row["goal"] if row["goal"] else float("nan")
    band = f"{format_value(lo, unit)}–{format_value(hi, unit)}" if lo == lo and hi == hi else ""
    band = band.replace(unit + "–", "–") if unit else band  # the unit once, after the range
    p = row["p_meet"]
    if lang == "en":
        out = f"On current trends, {name} is projected at about {format_value(row['projected_value'], unit)}"
        out += f" in {year}" + (f" ({level}% interval {band})" if band else "")
        out += f", {_pct(share)} of the target ({row['target_text']})"
        return out + (f"; probability of meeting it about {_pct(p)}." if p == p else ".")
    out = f"按当前趋势，预计{year}年{name}约{format_value(row['projected_value'], unit)}"
    out += f"（{level}%区间{band}）" if band else ""
    out += f"，为目标（{row['target_text']}）的{_pct(share)}"
    return out + (f"，达标概率约{_pct(p)}。" if p == p else "。")


def settled_sentence(row: pd.Series, name: str, lang: str = "zh") -> str:
    """A target already met, or missed at its deadline (with the figure only where it is the
    quantity the target is about: levels and shares)."""
    year = _year_text(row["target_period"])
    cur_year = str(row["current_period"])[:4]
    met = row["status"] == "achieved"
    if row["kind"] in ("level", "share"):
        cur = format_value(row["current_value"], str(row.get("goal_unit") or ""))
        if lang == "en":
            verb = "reached" if met else "was at"
            outcome = "is met" if met else "was missed"
            return f"{name} {verb} {cur} in {cur_year}: the {year} target ({row['target_text']}) {outcome}."
        if met:
            return f"{name}{cur_year}年已达{cur}，已完成{year}年目标（{row['target_text']}）。"
        return f"{name}{year}年目标（{row['target_text']}）到期未完成：{cur_year}年为{cur}。"
    if lang == "en":
        outcome = "is met" if met else "was missed"
        return f"{name}: the {year} target ({row['target_text']}) {outcome} (see the table)."
    outcome = "已完成" if met else "到期未完成"
    return f"{name}{year}年目标（{row['target_text']}）{outcome}（详见下表）。"


def _year_text(period: object, lang: str = "zh") -> str:
    """The target year, or 未写明 when the plan gives none."""
    text = "" if period is None or period != period else str(period)[:4]
    return text or ("未写明" if lang == "zh" else "unstated")


def pace_sentence(row: pd.Series, name: str, lang: str = "zh") -> str:
    """A target judged by its pace only (no projection): status and the rule's reason."""
    year = str(row["target_period"])[:4]
    status = status_name(str(row["status"]), lang)
    if lang == "en":
        return f"{name} ({row['target_text']} by {year}): {status}."
    return f"{name}（{year}年{row['target_text']}）：{status}。{row.get('reason') or ''}".strip()


def missing_sentence(names: list[str], lang: str = "zh", limit: int = 6) -> str:
    """Targets without any figure for the park (one name per target), named together."""
    count = len(names)
    names = list(dict.fromkeys(names))
    shown = "、".join(names[:limit]) + ("等" if len(names) > limit else "")
    if lang == "en":
        more = " …" if len(names) > limit else ""
        return (
            f"{count} targets have no figure for this park yet and cannot be assessed "
            f"({', '.join(names[:limit])}{more})."
        )
    return f"另有{count}个目标缺少园区口径的数据，暂无法评估（{shown}）。"


def undecided_sentence(names: list[str], lang: str = "zh", limit: int = 6) -> str:
    """Targets with a figure that is not yet enough to judge (one point, no target year …)."""
    count, unique = len(names), list(dict.fromkeys(names))
    shown = "、".join(unique[:limit]) + ("等" if len(unique) > limit else "")
    if lang == "en":
        return (
            f"{count} targets have figures but not enough to judge progress "
            f"({', '.join(unique[:limit])}); the notes say why."
        )
    return f"{count}个目标已有数据但尚不足以判断进度（{shown}），原因见数据与方法说明。"


def summary_sentences(
    rows: pd.DataFrame,
    names: pd.Series,
    park: str,
    as_of: str,
    confidence: float = 0.8,
    lang: str = "zh",
) -> list[str]:
    """The whole 结论摘要 for one park's assessment ``rows``; ``names``: indicator → display name.

    The first sentence counts targets by status; then up to :data:`MAX_SENTENCES` targets with
    figures, most pressing first; then the targets that cannot be assessed.
    """
    if rows.empty:
        return []
    out = [counts_sentence(park, rows, as_of, lang)]
    name = rows["indicator"].map(names).fillna(rows["indicator"])
    known = rows.assign(_name=name)[rows["status"] != "insufficient_data"]
    urgency = known["status"].map(_URGENCY).astype(float).fillna(4)
    order = urgency + known["p_meet"].astype(float).fillna(0.5) / 10
    for _, row in known.assign(_o=order).sort_values(["_o", "target_period"]).iterrows():
        if len(out) > MAX_SENTENCES:
            more = len(known) - MAX_SENTENCES
            out.append(
                f"其余{more}个目标见下表。" if lang == "zh" else f"{more} more in the table below."
            )
            break
        if row["status"] in ("achieved", "not_achieved"):
            out.append(settled_sentence(row, row["_name"], lang))
        elif row.get("projected_value") == row.get("projected_value") and row.get("goal"):
            out.append(outlook_sentence(row, row["_name"], confidence, lang))
        else:
            out.append(pace_sentence(row, row["_name"], lang))
    insufficient = rows["status"] == "insufficient_data"
    no_figure = insufficient & rows["current_value"].isna()
    if no_figure.any():
        out.append(missing_sentence(list(name[no_figure]), lang))
    some = insufficient & rows["current_value"].notna()
    if some.any():
        out.append(undecided_sentence(list(name[some]), lang))
    return out
