"""The fixed words of reports in Chinese (first) and English: one table, looked up by key.

>>> text("status", "en"), text("status", "zh")
('Status', '状态')
>>> status_name("on_track", "en")
'on track'
"""

from __future__ import annotations

from .progress import STATUS_EN, STATUS_ZH

STATUS_ORDER = tuple(STATUS_ZH)
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}


KIND_ZH = {"group": "园区组（汇总）", "region": "行政区（背景）"}


def kind_name(kind: str, lang: str = "zh") -> str:
    """Park kinds are Chinese already (高新区, 经开区 …) except the group and region rows."""
    return kind if lang == "en" else KIND_ZH.get(kind, kind)


def level_name(level: str, lang: str = "zh") -> str:
    """国家级 for 'national' (English keeps the code)."""
    return level if lang == "en" else LEVEL_ZH.get(level, level)


_TEXT: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "report_title": ("目标进展报告", "target progress report"),
    "overview_title": ("园区目标进展总览", "Overview of parks' target progress"),
    "fictional_banner": (
        "虚构示例数据：本报告中的园区、数据和目标均为虚构，仅供演示。",
        "Fictional demo data: the park, its figures and its targets are invented for demonstration.",
    ),
    "level": ("级别", "Level"),
    "kind": ("类型", "Type"),
    "location": ("所在地", "Location"),
    "as_of": ("评估截至", "Assessed as of"),
    "latest_data": ("最新数据", "Latest figure"),
    "sources": ("来源", "Sources"),
    "plans": ("规划文件", "Plan documents"),
    "summary": ("结论摘要", "Summary"),
    "targets": ("目标一览", "Targets"),
    "charts": ("分目标趋势", "Target by target"),
    "schedule": ("年内序时进度", "In-year progress against the calendar (序时进度)"),
    "efficiency": ("亩均效益与同组园区比较", "Per-mu efficiency against peers in the same group"),
    "structure": ("结构比重", "Structure shares"),
    "notes": ("数据与方法说明", "Data and method notes"),
    "indicator": ("指标", "Indicator"),
    "target": ("目标", "Target"),
    "target_year": ("目标年", "Year"),
    "latest": ("最新值", "Latest"),
    "pct_of_target": ("完成度", "% of target"),
    "required_cagr": ("所需年均增速", "Required growth/yr"),
    "achieved_cagr": ("实际年均增速", "Achieved growth/yr"),
    "projected": ("预计目标年值", "Projected at target year"),
    "p_meet": ("达标概率", "P(meet)"),
    "realism": ("同类目标实现率", "Plan-realism base rate"),
    "status": ("状态", "Status"),
    "reason": ("判断依据", "Basis"),
    "model": ("预测方法", "Model"),
    "period": ("时期", "Period"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "qualifier": ("限定", "Qualifier"),
    "file_row": ("文件与行", "File and row"),
    "document": ("出处", "Document"),
    "not_assessed": ("无法评估的目标", "Targets that could not be assessed"),
    "models_used": ("预测方法与理由", "Models and why"),
    "series_sources": ("各数据序列的来源", "Where every figure comes from"),
    "methods": ("方法", "Methods"),
    "no_targets": ("本园区未收录规划目标。", "No plan targets are recorded for this park."),
    "no_schedule": (
        "没有季度或月度累计数据，无法计算年内序时进度。",
        "No quarterly or monthly year-to-date figures: in-year progress cannot be computed.",
    ),
    "no_efficiency": (
        "没有亩均指标（亩均税收、亩均营业收入等）的数据，无法与同组园区比较。",
        "No per-mu figures (tax per mu, revenue per mu …): no peer comparison is possible.",
    ),
    "no_structure": ("没有比重类指标的数据。", "No share indicators have figures."),
    "no_charts": (
        "没有任何目标有园区口径的数据，因此不绘制趋势图。",
        "No target has a figure for this park yet, so there are no trend charts.",
    ),
    "peers_group": ("同组园区：{group}", "Peers: {group}"),
    "peers_all": (
        "全部有数据的园区（本园区不属于任何园区组）",
        "All parks with figures (no group)",
    ),
    "years_suffix": ("年", ""),
    "none": ("—", "—"),
    "ranked_note": ("综合考评排名", "Comprehensive evaluation rank"),
}


def text(key: str, lang: str = "zh") -> str:
    """The fixed text ``key`` in ``lang`` ("zh" or "en")."""
    zh, en = _TEXT[key]
    return en if lang == "en" else zh


QUALIFIERS = {
    "exact": ("", ""),
    "at_least": ("至少（突破、超过）", "at least"),
    "at_most": ("至多（不足、低于）", "at most"),
    "approx": ("约", "about"),
}


def qualifier_name(qualifier: str, lang: str = "zh") -> str:
    """How a figure was stated: '' for exact, 至少 for 突破…, 约 for approximate."""
    zh, en = QUALIFIERS.get(qualifier, (qualifier, qualifier))
    return en if lang == "en" else zh


def status_name(status: str, lang: str = "zh") -> str:
    """Display name of a status code."""
    table = STATUS_EN if lang == "en" else STATUS_ZH
    return table.get(status, status)
