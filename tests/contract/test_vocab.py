"""The vocabulary as data: every code once, every property the code reads, and errors of the one
validator that name the file, the entry and the field."""

from __future__ import annotations

import pytest

from parkdata.contract import vocab
from parkdata.contract.schema import packaged_text
from parkdata.errors import SchemaError


def test_the_shipped_vocabulary_is_complete() -> None:
    v = vocab.vocabulary()
    assert vocab.STATUSES[0] == "achieved" and vocab.STATUSES[-1] == "insufficient_data"
    assert vocab.SETTLED == ("achieved", "not_achieved")
    assert vocab.LEVEL_KINDS == ("level", "share", "growth_rate", "multiple")
    assert vocab.FLOW_KINDS == ("cumulative", "annual_increment")
    assert set(vocab.NEEDS_BASE) == {"growth_rate", "multiple", "cumulative", "annual_increment"}
    assert vocab.comparator("不低于") == ">=" and vocab.comparator("≤") == "<="
    assert vocab.comparator("about") is None
    assert vocab.QUALITY["exact"] < vocab.QUALITY["approx"] < vocab.QUALITY["at_least"]
    assert v.default_models["level"] == "loglinear" and v.default_models["rank"] is None
    assert vocab.model("arima").engine == "statsmodels" and vocab.model("arima").min_points == 10
    for item in (*v.statuses, *v.target_kinds, *v.models, *v.qualifiers, *v.bases):
        assert item.zh and item.en, item.code
    assert all(s.colour.startswith("#") for s in v.statuses)


def test_an_unknown_code_is_named() -> None:
    with pytest.raises(SchemaError, match="unknown status 'vibes'; known: achieved"):
        vocab.status("vibes")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (('colour: "#00734F", settled: true', "colour: 7, settled: maybe"), "statuses achieved"),
        (("family: level, in_indicator_unit", "family: stock, in_indicator_unit"), "target_kinds"),
        (("min_points: 10", "min_points: ten"), "models arima: min_points"),
        (("  level: loglinear", "  level: prophet"), "default_models"),
        (("code: on_track, zh:", "code: achieved, zh:"), "'achieved' is declared twice"),
    ],
)
def test_a_broken_vocabulary_is_refused_with_the_entry_and_field(
    change: tuple[str, str], says: str
) -> None:
    text = packaged_text("vocab.yaml")
    assert change[0] in text
    with pytest.raises(SchemaError, match=says):
        vocab.read_vocabulary(text.replace(change[0], change[1], 1), "broken.yaml")
