"""The one validator of parkdata's data files (catalog, vocabulary, evaluation presets,
enterprise indicators): YAML read safely, each entry checked against a pydantic model, and an
error that names the file, the entry and the field."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from parkdata.errors import ParkDataError, SchemaError

Model = TypeVar("Model", bound=BaseModel)


def read_yaml(text: str, origin: str, error: type[ParkDataError] = SchemaError) -> dict[str, Any]:
    """The top-level mapping of a YAML text; ``error`` names ``origin`` when it is not one."""
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        raise error(f"{origin}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise error(f"{origin}: expected a mapping of sections at the top level")
    return data


def packaged_text(name: str) -> str:
    """A data file shipped in ``parkdata/data`` (read as UTF-8)."""
    return resources.files("parkdata").joinpath("data", name).read_text(encoding="utf-8")


def entries(
    data: dict[str, Any],
    section: str,
    model: type[Model],
    origin: str,
    error: type[ParkDataError] = SchemaError,
    what: str | None = None,
) -> list[Model]:
    """Every entry of the list ``data[section]`` checked against ``model``; errors name the
    entry as ``what`` (default: the section).

    >>> from pydantic import BaseModel
    >>> class Item(BaseModel):
    ...     code: str
    ...     weight: float
    >>> entries({"items": [{"code": "a", "weight": "x"}]}, "items", Item, "demo.yaml")
    Traceback (most recent call last):
    ...
    parkdata.errors.SchemaError: demo.yaml: items a: weight: Input should be a valid number, unable to parse string as a number
    """
    raw = data.get(section)
    if not isinstance(raw, list):
        raise error(f"{origin}: expected a '{section}:' list")
    name = what or section
    return [_entry(item, i, name, model, origin, error) for i, item in enumerate(raw)]


def _entry(
    item: Any,
    i: int,
    section: str,
    model: type[Model],
    origin: str,
    error: type[ParkDataError],
) -> Model:
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        code = item.get("code", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise error(f"{origin}: {section} {code}: {problems}") from None


def unique_codes(items: Sequence[Any], what: str, origin: str) -> None:
    """Raise when two entries share a code."""
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise SchemaError(f"{origin}: {what} {item.code!r} is declared twice")
        seen.add(item.code)
