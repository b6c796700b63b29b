"""The policies attached to each 亩均效益 class, per province, as data (``data/class_policies.yaml``),
checked by the one validator (:mod:`parkdata.contract.schema`).

>>> policy_set("zhejiang").policies_for("A")[0].source.startswith("浙江省人民政府")
True
>>> policy_set(province="江西省").code, policy_set(province="浙江省").code
('default', 'zhejiang')
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parkdata.assessment.enterprise_results import CLASSES
from parkdata.contract.schema import entries, packaged_text, read_yaml, unique_codes
from parkdata.errors import ArgumentError, SchemaError

ORIGIN = "class_policies.yaml"


class ClassPolicy(BaseModel):
    """One measure a class brings: Chinese and English text and the document it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    grade: Literal["A", "B", "C", "D"] = Field(alias="class")
    zh: str
    en: str
    source: str = Field(min_length=1)

    def text(self, lang: str = "zh") -> str:
        """The policy in ``lang``."""
        return self.en if lang == "en" else self.zh


class PolicySet(BaseModel):
    """The policies of one province (or the ``default`` set)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    provinces: tuple[str, ...] = ()
    note_zh: str = ""
    note_en: str = ""
    policies: tuple[ClassPolicy, ...]

    def policies_for(self, grade: str) -> list[ClassPolicy]:
        """The policies of class ``grade`` (in file order)."""
        return [p for p in self.policies if p.grade == grade]

    def name(self, lang: str = "zh") -> str:
        """The set's name in ``lang``."""
        return self.en if lang == "en" else self.zh

    def note(self, lang: str = "zh") -> str:
        """What the set is (an example, not configured …) in ``lang``."""
        return self.note_en if lang == "en" else self.note_zh


def parse_policy_sets(text: str, origin: str) -> dict[str, PolicySet]:
    """Policy sets of a YAML text (``sets:`` list); SchemaError naming file, entry and field."""
    sets = entries(read_yaml(text, origin), "sets", PolicySet, origin, what="set")
    unique_codes(sets, "set", origin)
    for s in sets:
        if not s.policies:
            raise SchemaError(f"{origin}: set {s.code}: policies: give at least one policy")
    return {s.code: s for s in sets}


@cache
def policy_sets() -> dict[str, PolicySet]:
    """The bundled policy sets by code (``default`` always among them)."""
    sets = parse_policy_sets(packaged_text(ORIGIN), ORIGIN)
    if "default" not in sets:
        raise SchemaError(f"{ORIGIN}: a set with code 'default' is required")
    return sets


def policy_set(name: str | Path | None = None, province: str | None = None) -> PolicySet:
    """The set ``name`` (a bundled code or a YAML file of the same shape, its first set), else
    the bundled set whose ``provinces`` hold ``province``, else ``default``."""
    sets = policy_sets()
    if name is None:
        wanted = str(province or "").strip()
        found = [s for s in sets.values() if wanted and wanted in s.provinces]
        return found[0] if found else sets["default"]
    if str(name) in sets:
        return sets[str(name)]
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
        own = parse_policy_sets(path.read_text(encoding="utf-8"), str(path))
        return next(iter(own.values()))
    raise ArgumentError(
        f"policies {str(name)!r}: use one of {sorted(sets)} or the path of a YAML file "
        "shaped like parkdata/data/class_policies.yaml"
    )


__all__ = ["CLASSES", "ClassPolicy", "PolicySet", "parse_policy_sets", "policy_set", "policy_sets"]
