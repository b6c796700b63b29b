"""Report data: settings checked up front, the figures computed once per run and handed on."""

from __future__ import annotations

import pytest

import parkdata as pkd
from parkdata.reporting.report_data import check_settings
from parkdata.series import levels


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"as_of": "20x1"}, "as_of '20x1' is not a period"),
        ({"as_of": "soon"}, "write 2022"),
        ({"confidence": 0.9}, "confidence=0.9: use 0.8 or 0.95"),
        ({"horizon": -1}, "horizon=-1"),
        ({"language": "fr"}, "language 'fr': use zh"),
    ],
)
def test_bad_settings_are_refused_before_any_work(settings: dict, says: str) -> None:
    given = {"as_of": "2022", "horizon": 3, "confidence": 0.8, "language": "zh"} | settings
    with pytest.raises(pkd.ParkDataError, match=says):
        check_settings(**given)
    with pytest.raises(pkd.ParkDataError, match=says):
        pkd.park_report("wuhan_donghu_hitech", **given)


def test_prepare_computes_the_figures_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    derive = levels.derive_indicators

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return derive(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(levels, "derive_indicators", counted)
    rd = pkd.prepare(as_of="2022")
    assert len(calls) == 1  # assess, project, stages, 序时进度 and evaluation share one table
    assert len(rd.assessment) == len(pkd.load().targets) and len(rd.paths) > 0


def test_an_unknown_park_names_the_closest() -> None:
    with pytest.raises(pkd.ParkDataError, match="unknown park '东湖'; closest known"):
        pkd.park_report("东湖", as_of="2022")
