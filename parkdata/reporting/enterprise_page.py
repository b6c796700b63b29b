"""One park's 亩均效益 enterprise evaluation page, section by section, for the notebook
``notebooks/enterprise_evaluation.ipynb``.

>>> report = enterprise_report("demo_0001")
>>> report.year, "虚构" in report.header().html
(2023, True)
>>> report.summary().sentences[0].startswith("2023年，示例园区-0001（虚构）共有")
True

Each method returns a :class:`~parkdata.reporting.sections.Section`. Every string from data
(firm names, files, notes, project names) goes through Jinja2's autoescape; charts escape their
own alt text and captions. Every fixed word comes from the text table (``firm_page.*``), in the
page's language; policies per class come from ``data/class_policies.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from parkdata.assessment.enterprise_results import (
    class_summary,
    class_transitions,
    classify_parks,
    resolve_schemes,
    transition_matrix,
)
from parkdata.assessment.enterprise_scheme import (
    DEFAULT_RULES,
    INDICATORS,
    INPUTS,
    EfficiencyScheme,
)
from parkdata.assessment.land_supply import check_projects, land_rule
from parkdata.errors import ArgumentError
from parkdata.inputs.demo import demo_enterprises
from parkdata.reporting.charts import Chart
from parkdata.reporting.class_policies import CLASSES, PolicySet, policy_set
from parkdata.reporting.enterprise_charts import (
    CLASS_COLOURS,
    class_count_chart,
    score_chart,
)
from parkdata.reporting.explanations import class_reason
from parkdata.reporting.firm_data import FirmData, load_firm_data, pick_parks
from parkdata.reporting.formatting import format_number, missing, pct, share_cut
from parkdata.reporting.sections import Section, report_css, section
from parkdata.reporting.wording import check_language, has_text, sep, text, unit_name
from parkdata.version import __version__

PREPARED_FIRMS = "firms.parquet"
"""The firm table a batch writes into its prepared folder (read as it is)."""
PREPARED_PARKS = "parks.parquet"
"""The park registry a batch may write beside it (names and provinces for the header)."""
DEMO_YEARS = (2022, 2023)
"""The years of the fictional demo firms when ``data`` is None."""
STATUS_ORDER = ("ranked", "forced_D", "not_scored", "not_rated")
EXCLUDED = ("forced_D", "not_rated", "not_scored")
SMALL_GROUP = 5
"""A scheme group ranking fewer firms than this gets a sentence: its classes say little."""


def _section(macro: str, lang: str, **context: Any) -> str:
    """A macro of ``enterprise_sections.html.j2`` rendered for ``lang``."""
    return section(macro, lang, template="enterprise_sections.html.j2", **context)


def _name(value: object) -> str:
    return "" if missing(value) else str(value)


def _file_name(value: object) -> str:
    """The file name a reader recognises (no folders of the machine that ran the batch)."""
    shown = _name(value)
    return Path(shown).name if shown else ""


# ---------------------------------------------------------------------------- data in


def load_firms(
    data: str | Path | Sequence[str | Path] | pd.DataFrame | None,
    park_id: str,
    parks: pd.DataFrame | None = None,
    projects: str | Path | Sequence[str | Path] | pd.DataFrame | None = None,
) -> tuple[FirmData, str]:
    """(firms, projects and park registry with park names resolved to ids, how the data came)
    for ``data``: a prepared folder (``firms.parquet``, ``parks.parquet``), firm files or a
    folder of them, a loaded table, or None for the fictional demo firms of ``park_id``.
    ``how`` is ``prepared``, ``files``, ``table`` or ``demo``. The registry: ``parks``, the
    data's own parks, the bundled registry, the demo parks (:func:`load_firm_data`)."""
    if data is None:
        firms = demo_enterprises(pd.DataFrame({"park_id": [park_id]}), years=DEMO_YEARS, seed=0)
        return load_firm_data(firms, projects, parks, ids=[park_id]), "demo"
    if isinstance(data, (str, Path)) and (Path(data) / PREPARED_FIRMS).is_file():
        folder = Path(data)
        own = folder / PREPARED_PARKS
        registry = pd.read_parquet(own) if own.is_file() else None
        if parks is not None and registry is not None:
            registry = pd.concat([parks, registry], ignore_index=True)
        firms = pd.read_parquet(folder / PREPARED_FIRMS)
        got = load_firm_data(firms, projects, registry if registry is not None else parks)
        return got, "prepared"
    how = "table" if isinstance(data, pd.DataFrame) else "files"
    return load_firm_data(data, projects, parks, ids=[park_id]), how


def _pick_park(got: FirmData, park_id: str) -> str:
    """The park_id of ``park_id`` (an id, name or alias) among the firms' parks."""
    have = sorted(got.firms["park_id"].dropna().astype(str).unique())
    found, _ = pick_parks(have, [park_id], got.registry)
    if found:
        return found[0]
    raise ArgumentError(
        f"park {park_id!r} has no firms in the data; parks with firms: {', '.join(have) or 'none'}"
    )


# ---------------------------------------------------------------------------- the report


class EnterpriseReport:
    """The sections of one park's enterprise evaluation page (see the module docstring)."""

    def __init__(
        self,
        park_id: str,
        year: int,
        classified: pd.DataFrame,
        park: Mapping[str, Any],
        sources: Sequence[str],
        policies: PolicySet,
        schemes: Mapping[str, EfficiencyScheme],
        projects: pd.DataFrame | None = None,
        rule: str = "hukou_2020",
        warnings: Sequence[Any] = (),
        language: str = "zh",
    ) -> None:
        self.lang = check_language(language)
        self.park_id, self.year = park_id, int(year)
        self.classified = classified
        self.park = dict(park)
        years = sorted(int(y) for y in classified["year"].unique())
        earlier = [y for y in years if y < self.year]
        self.previous: int | None = earlier[-1] if earlier else None
        self.now = classified[classified["year"] == self.year]
        self.schemes = dict(schemes)
        self.policies = policies
        self.sources = list(sources)
        self.projects = projects
        self.rule = rule
        self.warnings = list(warnings)
        self.fictional = bool(
            self.now.get("fictional", pd.Series(False)).fillna(False).any()
        ) or bool(self.park.get("fictional"))
        mark = text("fictional_mark", self.lang) if self.fictional else ""
        self.name = f"{self.park.get('name') or park_id}{mark}"
        self._groups = {
            (str(g["scheme"])): g
            for g in classified.attrs.get("groups", [])
            if str(g["park_id"]) == park_id and int(g["year"]) == self.year
        }
        self.reasons = pd.Series(
            [self._reason(r) for r in self.now.to_dict("records")],
            index=self.now.index,
            dtype=object,
        )

    # ------------------------------------------------------------------ helpers
    def _t(self, key: str, **params: Any) -> str:
        return text(f"firm_page.{key}", self.lang, **params)

    def _scheme_name(self, code: object) -> str:
        scheme = self.schemes.get(str(code))
        return scheme.name if scheme is not None else _name(code)

    def _class_name(self, grade: object) -> str:
        return self._t("class_name", grade=grade) if grade else self._t("no_class")

    def _attrs(self, code: object) -> dict[str, Any]:
        """What :func:`class_reason` reads for the group of scheme ``code`` this year."""
        scheme = self.schemes.get(str(code))
        group = self._groups.get(str(code), {})
        return {
            "scheme": scheme.name if scheme else "",
            "scope": scheme.scope if scheme else "all",
            "cutoffs": group.get("cutoffs", scheme.cutoffs if scheme else (0.2, 0.6, 0.95)),
            "n_ranked": group.get("n_ranked", 0),
            "rules": self.classified.attrs.get("rules", {}),
        }

    def _reason(self, row: Mapping[str, Any]) -> str:
        """Why the firm has its class (or none), in the page's language."""
        if row.get("status") == "not_scored":
            notes = self._notes_words(row.get("indicator_notes"))
            return text("enterprise.not_scored", self.lang, notes=notes)
        if missing(row.get("scheme")):
            above = row.get("above_scale")
            scope = (
                text(
                    "enterprise.above_scale" if bool(above) else "enterprise.below_scale", self.lang
                )
                if not missing(above)
                else ""
            )
            return self._t("no_scheme", scope=scope)
        return class_reason(row, self._attrs(row["scheme"]), self.lang)

    def _files_text(self, rows: pd.DataFrame) -> str:
        files = self._files(rows)
        return sep("list", self.lang).join(files) if files else self._t("no_file")

    def _files(self, rows: pd.DataFrame) -> list[str]:
        if "origin_file" not in rows.columns:
            return list(self.sources)
        return list(dict.fromkeys(_file_name(f) for f in rows["origin_file"].dropna()))

    def _by_scheme(self) -> list[tuple[str, pd.DataFrame]]:
        """(scheme code, this year's rows) per scheme in use, in the schemes' order."""
        rated = self.now[self.now["scheme"].notna()]
        return [
            (code, rated[rated["scheme"] == code])
            for code in self.schemes
            if (rated["scheme"] == code).any()
        ]

    def _scheme_sources(self, codes: Sequence[str]) -> list[tuple[str, str]]:
        """(scheme names, source) per distinct source of the schemes ``codes``."""
        by_source: dict[str, list[str]] = {}
        for code in codes:
            scheme = self.schemes[code]
            note = scheme.note_zh if self.lang == "zh" else scheme.note_en
            source = " ".join(part for part in (scheme.source, note) if part)
            if source:
                by_source.setdefault(source, []).append(self._scheme_name(code))
        return [(sep("list", self.lang).join(names), src) for src, names in by_source.items()]

    def _year(self, year: int | None) -> str:
        if year is None:
            return self._t("none")
        return text("year", self.lang, year=year) if self.lang == "zh" else str(year)

    def _notes_words(self, notes: object) -> str:
        """The words of ``indicator_notes`` codes (``indicator:what[:column]``), with names."""
        parts = []
        for note in _name(notes).split(";"):
            if not note:
                continue
            code, what, *column = note.split(":")
            spec = INDICATORS.get(code)
            name = (spec.en if self.lang == "en" else spec.zh) if spec else code
            col = column[0] if column else ""
            if col in INPUTS:
                col = INPUTS[col].en if self.lang == "en" else INPUTS[col].zh
            parts.append(text(f"enterprise.note_{what}", self.lang, indicator=name, column=col))
        return sep("semicolon", self.lang).join(parts)

    # ------------------------------------------------------------------ sections
    def header(self) -> Section:
        """Park, data year, schemes and their sources, data files, policy set, evaluation date."""
        lang = self.lang
        used = [code for code, _ in self._by_scheme()] or list(self.schemes)
        facts = [
            (self._t("year_label"), self._year(self.year)),
            (self._t("previous_label"), self._year(self.previous)),
            (
                self._t("schemes_label"),
                sep("semicolon", lang).join(self._scheme_name(c) for c in used),
            ),
            (self._t("files_label"), self._files_text(self.now)),
            (self._t("policies_label"), self.policies.name(lang)),
            (self._t("evaluated_label"), dt.date.today().isoformat()),
        ]
        scheme_sources = self._scheme_sources(used)
        html = f"<style>{report_css()}</style>" + _section(
            "header",
            lang,
            name=self.name,
            title=self._t("title"),
            park_id=self.park_id,
            facts=facts,
            sources_label=self._t("scheme_sources"),
            sources=scheme_sources,
            fictional=self.fictional,
            fictional_banner=self._t("fictional_banner"),
        )
        return Section(html)

    def _counts(self) -> dict[str, int]:
        now = self.now
        ranked = now["status"] == "ranked"
        out = {c: int((ranked & (now["class"] == c)).sum()) for c in CLASSES}
        out.update({s: int((now["status"] == s).sum()) for s in STATUS_ORDER})
        out["n"] = len(now)
        return out

    def _boundaries(self, rows: pd.DataFrame) -> dict[str, float]:
        """The lowest score of each class among the firms ranked by score (the thresholds)."""
        ranked = rows[rows["status"] == "ranked"]
        return {str(c): float(g["score"].min()) for c, g in ranked.groupby("class")}

    def summary(self) -> Section:
        """Counts of firms by class and status, cut-offs as rank shares and as scores."""
        c = self._counts()
        if not c["n"]:
            sentences = [self._t("summary_none", year=self.year, park=self.name)]
        else:
            sentences = [
                self._t(
                    "summary_firms",
                    year=self.year,
                    park=self.name,
                    n=c["n"],
                    ranked=c["ranked"],
                    forced=c["forced_D"],
                    unrated=c["not_rated"],
                    unscored=c["not_scored"],
                ),
                self._t(
                    "summary_classes",
                    a=c["A"],
                    b=c["B"],
                    c=c["C"],
                    d=c["D"] + c["forced_D"],
                    forced=c["forced_D"],
                ),
            ]
        for code, rows in self._by_scheme():
            sentences += self._scheme_sentences(code, rows)
        chips = [
            {
                "name": self._class_name(g),
                "n": c[g] + (c["forced_D"] if g == "D" else 0),
                "colour": CLASS_COLOURS[g],
            }
            for g in CLASSES
        ] + [
            {"name": self._t(f"status_{s}"), "n": c[s], "colour": CLASS_COLOURS[""]}
            for s in ("not_rated", "not_scored")
            if c[s]
        ]
        html = _section(
            "summary", self.lang, heading=self._t("summary"), counts=chips, sentences=sentences
        )
        return Section(html, sentences=sentences)

    def _scheme_sentences(self, code: str, rows: pd.DataFrame) -> list[str]:
        """How the scheme ``code`` classes by rank share, the score boundaries that exist this
        year (a class no firm reached has none: never "≥—"), and, for fewer than
        :data:`SMALL_GROUP` ranked firms, that the class by rank share says little."""
        cuts = self._attrs(code)["cutoffs"]
        bounds = self._boundaries(rows)
        n = int((rows["status"] == "ranked").sum())
        rule = text(
            "firm_fixes.summary_scheme",
            self.lang,
            scheme=self._scheme_name(code),
            n=n,
            a=share_cut(cuts[0]),
            b=share_cut(cuts[1]),
            c=share_cut(cuts[2]),
        )
        shown = [
            text("firm_fixes.bound", self.lang, cls=g, score=f"{bounds[g]:.2f}")
            for g in CLASSES[:-1]
            if g in bounds
        ]
        if shown:
            bounds_text = sep("list", self.lang).join(shown)
            rule += "" if self.lang == "zh" else " "
            rule += text("firm_fixes.summary_bounds", self.lang, bounds=bounds_text)
        out = [rule]
        if 0 < n < SMALL_GROUP:
            out.append(text("firm_fixes.small_group", self.lang, n=n, c=share_cut(cuts[2])))
        return out

    def charts(self) -> Section:
        """The score distribution per scheme (dots coloured by class, class boundaries) and the
        number of firms per class."""
        lang = self.lang
        charts: list[Chart] = []
        notes: list[str] = []
        files = self._files_text(self.now)
        for code, rows in self._by_scheme():
            ranked = rows[rows["status"] == "ranked"]
            if ranked.empty:
                continue
            title = self._t("score_chart_title", scheme=self._scheme_name(code), year=self.year)
            caption = self._t("score_caption", files=files)
            charts.append(
                score_chart(
                    ranked[["score", "class"]], self._boundaries(rows), title, caption, lang
                )
            )
        if not charts:
            notes.append(self._t("no_scores"))
        c = self._counts()
        counts = pd.DataFrame(
            {
                "by_score": [c["A"], c["B"], c["C"], c["D"], c["not_rated"] + c["not_scored"]],
                "forced": [0, 0, 0, c["forced_D"], 0],
            },
            index=[*CLASSES, ""],
        )
        if c["n"]:
            title = self._t("count_chart_title", year=self.year)
            charts.append(
                class_count_chart(counts, title, self._t("count_caption", files=files), lang)
            )
        html = _section("figures", lang, heading=self._t("charts"), notes=notes, charts=charts)
        return Section(html, charts=charts)

    def _policy_text(self, grade: str) -> str:
        return sep("semicolon", self.lang).join(
            p.text(self.lang) for p in self.policies.policies_for(grade)
        )

    def class_table(self) -> Section:
        """Per scheme and class: firms, share, score range and the class's policy."""
        lang, rows_out = self.lang, []
        for code, rows in self._by_scheme():
            summary = class_summary(rows)
            for _, s in summary.iterrows():
                grade = _name(s["class"])
                status = _name(s.get("status"))
                if status and status != "classed":
                    label = self._t(f"status_{status}")
                elif grade == "D" and int(s["n_forced_D"]):
                    label = self._t("class_d_forced", n=int(s["n_forced_D"]))
                else:
                    label = self._class_name(grade)
                if status in ("not_rated", "not_scored") and not int(s["n"]):
                    continue
                low, high = s.get("min_score"), s.get("max_score")
                score_range = (
                    ""
                    if missing(low)
                    else f"{low:.2f}"
                    if f"{low:.2f}" == f"{high:.2f}"
                    else f"{low:.2f}–{high:.2f}"
                )
                rows_out.append(
                    {
                        "cells": [
                            {"text": self._scheme_name(code), "firm": True},
                            {"text": label, "label": True},
                            int(s["n"]),
                            pct(s["share"], digits=1),
                            {"text": score_range, "num": True},
                            self._policy_text(grade)
                            if grade in CLASSES and status in ("", "classed")
                            else "",
                        ],
                        "colour": CLASS_COLOURS.get(grade, CLASS_COLOURS[""]),
                    }
                )
        columns = [
            self._t(k)
            for k in (
                "col_scheme",
                "col_class",
                "col_n",
                "col_share",
                "col_score_range",
                "col_policy",
            )
        ]
        html = _section(
            "table",
            lang,
            heading=self._t("classes"),
            notes=[self._t("class_table_note")],
            columns=columns,
            rows=rows_out,
            empty=self._t("summary_none", year=self.year, park=self.name),
        )
        return Section(html, rows=len(rows_out))

    def _value_cell(self, code: str, value: object, score: object) -> dict[str, Any]:
        spec = INDICATORS[code]
        if missing(value):
            shown = ""
        elif spec.unit.startswith("比值"):
            shown = pct(float(value), digits=2)  # type: ignore[arg-type]
        else:
            shown = format_number(float(value))  # type: ignore[arg-type]
        sub = "" if missing(score) else self._t("contribution", score=f"{float(score):.2f}")  # type: ignore[arg-type]
        return {"text": shown, "sub": sub, "num": True}

    def _indicator_head(self, code: str) -> str:
        spec = INDICATORS[code]
        unit = "%" if spec.unit.startswith("比值") else unit_name(spec.unit, self.lang)
        name = spec.en if self.lang == "en" else spec.zh
        return self._t("indicator_head", name=name, unit=unit)

    def firm_table(self) -> Section:
        """Per scheme, every firm: rank, class, score, each indicator's value and contribution,
        and why it has its class."""
        lang, tables = self.lang, []
        order = {s: i for i, s in enumerate(STATUS_ORDER)}
        for code, rows in self._by_scheme():
            scheme = self.schemes[code]
            codes = list(scheme.weights)
            rows = rows.assign(_o=rows["status"].map(order)).sort_values(
                ["_o", "rank", "name"], na_position="last"
            )
            body = []
            for idx, r in rows.iterrows():
                notes = [self.reasons.get(idx, "")]
                if r["status"] != "not_scored":  # class_reason already says why it is not
                    notes.append(self._notes_words(r.get("indicator_notes")))
                note = _name(r.get("note")) if "note" in rows.columns else ""
                body.append(
                    {
                        "cells": [
                            {
                                "text": "" if missing(r["rank"]) else str(int(r["rank"])),
                                "num": True,
                            },
                            {
                                "text": _name(r["name"]),
                                "sub": _name(r["enterprise_id"]),
                                "firm": True,
                            },
                            {
                                "text": self._class_name(_name(r["class"]))
                                if not missing(r["class"])
                                else self._t(f"status_{r['status']}")
                            },
                            {
                                "text": "" if missing(r["score"]) else f"{r['score']:.2f}",
                                "num": True,
                            },
                            *(self._value_cell(c, r.get(c), r.get(f"score_{c}")) for c in codes),
                            {
                                "text": sep("semicolon", lang).join(n for n in [*notes, note] if n),
                                "words": True,
                            },
                        ],
                        "colour": CLASS_COLOURS.get(_name(r["class"]), CLASS_COLOURS[""]),
                    }
                )
            columns = [
                self._t("col_rank"),
                self._t("col_firm"),
                self._t("col_class"),
                self._t("col_score"),
                *(self._indicator_head(c) for c in codes),
                self._t("col_notes"),
            ]
            tables.append(
                {
                    "heading": self._scheme_name(code),
                    "note": self._t(f"cell_note_{scheme.method}"),
                    "columns": columns,
                    "rows": body,
                }
            )
        html = _section(
            "firm_tables",
            lang,
            heading=self._t("firms"),
            tables=tables,
            empty=self._t("summary_none", year=self.year, park=self.name),
        )
        return Section(html, rows=sum(len(t["rows"]) for t in tables))

    def excluded(self) -> Section:
        """Firms forced into class D, not rated or not scored, each with its reason."""
        rows = self.now[self.now["status"].isin(EXCLUDED)]
        order = {s: i for i, s in enumerate(STATUS_ORDER)}
        rows = rows.assign(_o=rows["status"].map(order)).sort_values(["_o", "name"])
        body = [
            {
                "cells": [
                    {"text": _name(r["name"]), "sub": _name(r["enterprise_id"]), "firm": True},
                    {"text": self._t(f"status_{r['status']}"), "label": True},
                    {"text": self._scheme_name(r["scheme"]), "firm": True},
                    self.reasons.get(idx, ""),
                ],
                "colour": CLASS_COLOURS["D"] if r["status"] == "forced_D" else CLASS_COLOURS[""],
            }
            for idx, r in rows.iterrows()
        ]
        columns = [self._t(k) for k in ("col_firm", "col_status", "col_scheme", "col_reason")]
        html = _section(
            "table",
            self.lang,
            heading=self._t("excluded"),
            notes=[] if body else [self._t("no_excluded")],
            columns=columns,
            rows=body,
            empty="",
        )
        return Section(html, rows=len(body))

    def _level(self, code: object) -> str:
        code = _name(code)
        if code in CLASSES:
            return self._class_name(code)
        return (
            text(f"land_supply.matrix_{code}", self.lang) if code in ("unrated", "absent") else code
        )

    def _was(self, grade: object, status: object, score: object) -> dict[str, Any]:
        """A firm's class (or why it has none) in one year, its score below."""
        if not missing(grade):
            shown = self._class_name(grade)
        elif missing(status):
            shown = text("land_supply.matrix_absent", self.lang)
        else:
            shown = self._t(f"status_{status}")
        sub = "" if missing(score) else self._t("contribution", score=f"{float(score):.2f}")  # type: ignore[arg-type]
        return {"text": shown, "sub": sub}

    def _schemes_in(self, year: int | None) -> dict[str, str]:
        """enterprise_id → the scheme that rated the firm in ``year`` (rated firms only)."""
        rows = self.classified[
            (self.classified["year"] == year)
            & (self.classified["park_id"].astype(str) == self.park_id)
            & self.classified["scheme"].notna()
        ]
        return dict(zip(rows["enterprise_id"].astype(str), rows["scheme"].astype(str), strict=True))

    def _scheme_note(self, before: str | None, now: str | None) -> str:
        """Words for a firm rated under another scheme than the year before ('' if not)."""
        if before is None or now is None or before == now:
            return ""
        return text(
            "firm_fixes.scheme_changed",
            self.lang,
            before=self._scheme_name(before),
            now=self._scheme_name(now),
            previous=self.previous,
        )

    def transitions(self) -> Section:
        """Firms whose class changed since the previous year, and the transition matrix."""
        lang = self.lang
        if self.previous is None:
            sentence = self._t("no_previous", park=self.name, year=self.year)
            html = _section(
                "transitions",
                lang,
                heading=self._t("transitions"),
                sentences=[sentence],
                columns=[],
                rows=[],
                matrix=None,
            )
            return Section(html, sentences=[sentence])
        moves = class_transitions(self.classified, self.park_id, self.year, self.previous)
        counts = moves["move"].value_counts()
        sentence = self._t(
            "transitions_summary",
            previous=self.previous,
            **{m: int(counts.get(m, 0)) for m in ("up", "down", "new", "gone", "unrated", "same")},
        )
        before = self._schemes_in(self.previous)
        now = self._schemes_in(self.year)
        notes = [
            self._scheme_note(before.get(str(i)), now.get(str(i))) for i in moves["enterprise_id"]
        ]
        moves = moves.assign(_note=notes)
        changed = moves[(moves["move"] != "same") | (moves["_note"] != "")]
        rows = [
            {
                "cells": [
                    {"text": _name(r["name"]), "sub": _name(r["enterprise_id"]), "firm": True},
                    self._was(r["class_before"], r["status_before"], r["score_before"]),
                    self._was(r["class_now"], r["status_now"], r["score_now"]),
                    text(f"land_supply.move_{r['move']}", lang),
                    r["_note"],
                ],
                "colour": CLASS_COLOURS.get(_name(r["class_now"]), CLASS_COLOURS[""]),
            }
            for _, r in changed.iterrows()
        ]
        columns = [
            self._t("col_firm"),
            text("land_supply.class_in_year", lang, year=self.previous),
            text("land_supply.class_in_year", lang, year=self.year),
            text("land_supply.move", lang),
            text("firm_fixes.col_note", lang),
        ]
        n_across = int((moves["_note"] != "").sum())
        if n_across:
            sentence += ("" if lang == "zh" else " ") + text(
                "firm_fixes.across_schemes", lang, n=n_across, previous=self.previous
            )
        matrix = transition_matrix(moves)
        grid = {
            "heading": self._t("matrix_heading", previous=self.previous, year=self.year),
            "corner": self._t("matrix_corner", previous=self.previous, year=self.year),
            "columns": [self._level(c) for c in matrix.columns],
            "rows": [(self._level(i), [int(v) for v in matrix.loc[i]]) for i in matrix.index],
        }
        sentences = [sentence] + ([] if rows else [self._t("no_moves")])
        html = _section(
            "transitions",
            lang,
            heading=self._t("transitions"),
            sentences=sentences,
            columns=columns,
            rows=rows,
            matrix=grid,
        )
        return Section(html, sentences=sentences, rows=len(rows))

    def policies_section(self) -> Section:
        """The policy attached to each class, with the document each comes from."""
        rows = [
            {
                "cells": [self._class_name(p.grade), p.text(self.lang), p.source],
                "colour": CLASS_COLOURS[p.grade],
            }
            for g in CLASSES
            for p in self.policies.policies_for(g)
        ]
        columns = [self._t("col_class"), self._t("col_policy"), self._t("col_source")]
        notes = [
            self._t("policy_set", name=self.policies.name(self.lang)),
            self.policies.note(self.lang),
        ]
        html = _section(
            "table",
            self.lang,
            heading=self._t("policies"),
            notes=[n for n in notes if n],
            columns=columns,
            rows=rows,
            empty="",
        )
        return Section(html, rows=len(rows))

    def land_supply(self) -> Section:
        """Each proposed project against the admission rule: 单独供地 or 入驻标准厂房, and why."""
        lang = self.lang
        if self.projects is None:
            html = _section(
                "table",
                lang,
                heading=self._t("land"),
                notes=[self._t("no_projects")],
                columns=[],
                rows=[],
                empty="",
            )
            return Section(html)
        checked = check_projects(self.projects, rule=self.rule)
        rule = land_rule(self.rule)
        body = []
        for _, r in checked.iterrows():
            reasons = [c for c in str(r.get("reasons") or "").split(";") if c]
            body.append(
                {
                    "cells": [
                        {"text": _name(r["name"]), "sub": _name(r.get("project_id")), "firm": True},
                        {"text": format_number(r["investment"]), "num": True},
                        {"text": format_number(r["land_mu"]), "num": True},
                        {"text": format_number(r["intensity"]), "num": True},
                        text(f"land_supply.decision_{r['decision']}", lang),
                        sep("semicolon", lang).join(self._land_reason(c, r, rule) for c in reasons),
                        self._origin(r),
                    ],
                    "colour": CLASS_COLOURS["A"]
                    if r["decision"] == "separate_land"
                    else CLASS_COLOURS["C"]
                    if r["decision"] == "standard_factory"
                    else CLASS_COLOURS[""],
                }
            )
        columns = [
            self._t("col_project"),
            *(
                text(f"land_supply.{k}", lang)
                for k in ("investment", "land_mu", "intensity", "decision", "reasons")
            ),
            self._t("col_origin"),
        ]
        notes = [
            self._t(
                "rule_clause",
                rule=rule.en if lang == "en" else rule.zh,
                clause=rule.clause,
                source=rule.source,
            )
        ]
        if rule.inclusive and rule.inclusive_source:
            notes.append(text("land_supply.inclusive_note", lang, source=rule.inclusive_source))
        html = _section(
            "table",
            lang,
            heading=self._t("land"),
            notes=notes,
            columns=columns,
            rows=body,
            empty=self._t("no_projects"),
        )
        return Section(html, rows=len(body))

    def _land_reason(self, code: str, r: Mapping[str, Any], rule: Any) -> str:
        """The words of a land-supply reason code for one project (``land_supply.reason_*``)."""
        params = {
            "investment": format_number(r.get("investment")),
            "intensity": format_number(r.get("intensity")),
            "min_investment": format_number(rule.min_investment),
            "min_intensity": format_number(rule.min_intensity),
            "threshold": format_number(
                rule.min_investment if code == "investment_below" else rule.min_intensity
            ),
        }
        key = f"land_supply.reason_{code}"
        if not rule.inclusive and has_text(f"{key}_strict"):
            key += "_strict"
        return text(key, self.lang, **params)

    def _origin(self, r: Mapping[str, Any]) -> str:
        """'file · sheet · row' of a row that came from a file ('' for a table passed in)."""
        parts = [_file_name(r.get("origin_file")), _name(r.get("origin_sheet"))]
        row = r.get("origin_row")
        parts.append("" if missing(row) else str(int(row)))  # type: ignore[arg-type]
        return " · ".join(p for p in parts if p)

    def notes(self) -> Section:
        """Where every firm's figures come from, the schemes' sources and the methods."""
        lang = self.lang
        now = self.now.sort_values(
            ["origin_file", "origin_row"] if "origin_row" in self.now.columns else ["name"]
        )
        lineage = [
            [
                _name(r["name"]),
                _name(r["enterprise_id"]),
                _file_name(r.get("origin_file")),
                _name(r.get("origin_sheet")),
                "" if missing(r.get("origin_row")) else str(int(r["origin_row"])),
            ]
            for _, r in now.iterrows()
        ]
        columns = [self._t(k) for k in ("col_firm", "col_id", "col_file", "col_sheet", "col_row")]
        methods = []
        for code, _ in self._by_scheme():
            scheme = self.schemes[code]
            weights = sep("list", lang).join(
                f"{INDICATORS[c].en if lang == 'en' else INDICATORS[c].zh} {w:g}"
                + (f" / {scheme.benchmarks[c]:g}" if scheme.method == "benchmark" else "")
                for c, w in scheme.weights.items()
            )
            methods.append(self._t(f"method_{scheme.method}", scheme=scheme.name, weights=weights))
            if scheme.fill_missing_with_mean:
                names = sep("list", lang).join(
                    INDICATORS[c].en if lang == "en" else INDICATORS[c].zh
                    for c in scheme.fill_missing_with_mean
                )
                methods.append(self._t("method_fill", scheme=scheme.name, indicators=names))
            a, b, c = self._attrs(code)["cutoffs"]
            methods.append(
                self._t(
                    "method_classes",
                    scheme=scheme.name,
                    a=share_cut(a),
                    b=share_cut(b),
                    c=share_cut(c),
                )
            )
        listed = sep("semicolon", lang).join(
            self._t(
                "rule_item",
                label=(r.label_en or r.column) if lang == "en" else r.label,
                column=r.column if r.below is None else f"{r.column} < {r.below:g}",
                action=self._t("status_forced_D" if r.action == "force_D" else "status_not_rated"),
            )
            for r in DEFAULT_RULES
        )
        if listed:
            methods.append(self._t("method_rules", rules=listed))
        warnings = [str(w) for w in self.warnings]
        generated = self._t(
            "generated", version=__version__, date=dt.date.today().isoformat(), year=self.year
        )
        html = _section(
            "notes",
            lang,
            heading=self._t("notes"),
            lineage_heading=self._t("lineage"),
            columns=columns,
            lineage=lineage,
            lineage_note="" if "origin_row" in self.now.columns else self._t("no_lineage"),
            sources_heading=self._t("scheme_sources"),
            sources=self._scheme_sources([c for c, _ in self._by_scheme()]),
            warnings_heading=self._t("data_warnings"),
            warnings=warnings,
            methods_heading=self._t("methods"),
            methods=methods,
            generated=generated,
        )
        return Section(html, rows=len(lineage))

    def sections(self) -> list[Section]:
        """Every section in reading order."""
        return [
            self.header(),
            self.summary(),
            self.charts(),
            self.class_table(),
            self.firm_table(),
            self.excluded(),
            self.transitions(),
            self.policies_section(),
            self.land_supply(),
            self.notes(),
        ]


def enterprise_report(
    park_id: str,
    year: int | None = None,
    data: str | Path | Sequence[str | Path] | pd.DataFrame | None = None,
    schemes: Sequence[str | EfficiencyScheme] | None = None,
    cutoffs: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    projects: str | Path | pd.DataFrame | None = None,
    language: str = "zh",
    policies: str | Path | None = None,
    rule: str = "hukou_2020",
    parks: pd.DataFrame | None = None,
) -> EnterpriseReport:
    """The enterprise evaluation page of ``park_id`` (an id, or a name the registry knows) for
    ``year`` (default: the park's latest year in the data).

    ``data``: a folder prepared by the batch (``firms.parquet``, optional ``parks.parquet``),
    firm files or a folder of them (read with ``load_enterprises``), a loaded firm table, or
    None for the fictional demo firms (labelled 虚构). ``schemes`` / ``cutoffs`` as
    ``classify_parks``; ``projects``: files, a table, or the Parquet table a batch prepared, of
    proposed projects for the land-supply check by ``rule`` (their park names resolved as the
    firms' are); ``policies``: a policy set code of ``data/class_policies.yaml`` or a YAML
    file (default: the set of the park's province, else ``default``); ``parks``: a registry to
    resolve and name parks by, before the prepared folder's or data folder's own, the bundled
    one and the demo one (a name none knows is a new park, evaluated under the name written).
    """
    lang = check_language(language)
    got, how = load_firms(data, park_id, parks, projects)
    firms, registry = got.firms, got.registry
    park_id = _pick_park(got, park_id)
    rows = firms[firms["park_id"].astype(str) == park_id]
    years = sorted(int(y) for y in rows["year"].dropna().unique())
    if year is None:
        year = years[-1]
    elif int(year) not in years:
        raise ArgumentError(
            f"year {year}: the data hold firms of {park_id} for {', '.join(map(str, years))}"
        )
    resolved = dict(resolve_schemes(schemes))
    classified = classify_parks(rows, list(resolved.values()), cutoffs)
    info = registry[registry["park_id"] == park_id]
    first = info.iloc[0] if len(info) else pd.Series(dtype=object)
    fictional_park = str(first.get("fictional", "")).lower() in ("true", "1", "yes")
    province = _name(first.get("province"))
    park = {
        "name": _name(first.get("name_zh")) or park_id,
        "province": province,
        "fictional": fictional_park,
    }
    chosen = policy_set(policies, province=province)
    table = got.projects
    if table is not None and "park_id" in table.columns:  # this park's, or no park named
        table = table[table["park_id"].isna() | (table["park_id"].astype(str) == park_id)]
    sources = {
        "demo": [text("firm_page.demo_data", lang)],
        "table": [text("firm_page.table_data", lang)],
    }.get(how, [])
    return EnterpriseReport(
        park_id,
        int(year),
        classified,
        park,
        sources,
        chosen,
        resolved,
        projects=table,
        rule=rule,
        warnings=firms.attrs.get("warnings", []),
        language=lang,
    )


__all__ = ["EnterpriseReport", "enterprise_report", "load_firms"]
