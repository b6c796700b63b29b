"""Numbers, periods and units as Chinese statistics write them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkdata import UnitError, conversion_factor, parse_number, parse_numbers, parse_period
from parkdata.contract.periods import find_period
from parkdata.contract.units import round_significant


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("1,234.5", 1234.5, "exact"),
        ("１２３", 123.0, "exact"),
        ("12.3%", 12.3, "exact"),
        ("约300", 300.0, "approx"),
        ("300左右", 300.0, "approx"),
        ("300余", 300.0, "at_least"),
        ("突破1000", 1000.0, "at_least"),
        ("超过50", 50.0, "at_least"),
        ("逾20", 20.0, "at_least"),
        ("500以上", 500.0, "at_least"),
        ("不足50", 50.0, "at_most"),
        ("近100", 100.0, "at_most"),
        ("-3.2", -3.2, "exact"),
        ("１，２３４．５", 1234.5, "exact"),
    ],
)
def test_numbers_with_qualifiers(text: str, value: float, qualifier: str) -> None:
    parsed = parse_number(text)
    assert (parsed.value, parsed.qualifier, parsed.error) == (value, qualifier, None)


@pytest.mark.parametrize("text", ["", "—", "-", "--", "——", "…", "nan", None])
def test_missing_markers_are_missing_not_zero(text: object) -> None:
    parsed = parse_number(text)
    assert parsed.value is None and parsed.error is None


def test_unit_written_inside_the_value() -> None:
    parsed = parse_number("120万余平方米")
    assert (parsed.value, parsed.unit, parsed.qualifier) == (120.0, "万平方米", "at_least")
    assert parse_number("3.24万亿元").unit == "万亿元"
    assert parse_number("12.3%").percent


def test_garbage_is_an_error() -> None:
    assert parse_number("12..5").error == "not a number"
    assert parse_number("abc").error == "not a number"


def test_vectorised_parse_matches_scalar() -> None:
    texts = pd.Series(["1", "约3", "x", None, "5%", "1,000", "突破1000"])
    frame = parse_numbers(texts)
    for i, text in enumerate(texts):
        one = parse_number(text)
        got = frame.iloc[i]
        assert (math.isnan(got["value"]) and one.value is None) or got["value"] == one.value


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda x: round(x, 4)))
def test_formatted_numbers_parse_back(x: float) -> None:
    for text in (f"{x:,}", f"{x}", f"约{x:,.4f}"):
        assert parse_number(text).value == pytest.approx(x, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "code", "hint"),
    [
        ("2021", "2021", None),
        ("2021年", "2021", None),
        ("2021Q3", "2021Q3", "quarter"),
        ("2021.0", "2021", None),  # a float year column written to CSV
        ("2021年上半年", "2021-06", "ytd"),
        ("2021年前三季度", "2021-09", "ytd"),
        ("2021年4-6月", "2021Q2", "quarter"),
        ("2021年三季度", "2021Q3", "quarter"),
        ("2021年第3季度", "2021Q3", "quarter"),
        ("2021-09", "2021-09", None),
        ("2021.09", "2021-09", None),
        ("202109", "2021-09", None),
        ("2021年9月", "2021-09", None),
        ("2021年1-9月", "2021-09", "ytd"),
        ("2021年1—9月", "2021-09", "ytd"),
        ("2021年1-2月", "2021-02", "ytd"),  # published together: cumulative to February
    ],
)
def test_periods(text: str, code: str, hint: str | None) -> None:
    period = parse_period(text)
    assert period is not None and (period.code, period.basis_hint) == (code, hint)


@pytest.mark.parametrize(
    "text", ["2021-13", "21年", "x", "", "2021Q5", "2021年下半年", "2021年3-5月"]
)
def test_not_periods(text: str) -> None:
    assert parse_period(text) is None


@pytest.mark.parametrize(
    ("unit_from", "unit_to", "factor"),
    [
        ("亿元", "万元", 1e4),
        ("万亿元", "亿元", 1e4),
        ("元", "亿元", 1e-8),
        ("平方公里", "亩", 1500),
        ("平方公里", "公顷", 100),
        ("公顷", "亩", 15),
        ("万平方米", "公顷", 1),
        ("km²", "亩", 1500),
        ("亿元/平方公里", "万元/亩", 1e4 / 1500),
        ("万家", "户", 1e4),
        ("億元", "亿元", 1),
    ],
)
def test_unit_factors(unit_from: str, unit_to: str, factor: float) -> None:
    assert conversion_factor(unit_from, unit_to) == pytest.approx(factor)


def test_units_of_different_things_do_not_convert() -> None:
    with pytest.raises(UnitError, match="different things"):
        conversion_factor("亩", "亿元")
    with pytest.raises(UnitError, match="unknown unit"):
        conversion_factor("斤", "亿元")


@given(
    st.sampled_from(["元", "万元", "亿元", "万亿元"]),
    st.sampled_from(["元", "万元", "亿元"]),
    st.floats(min_value=1e-3, max_value=1e9),
)
def test_conversion_round_trip(a: str, b: str, x: float) -> None:
    there = x * conversion_factor(a, b)
    assert there * conversion_factor(b, a) == pytest.approx(x, rel=1e-12)


def test_round_significant_removes_conversion_noise() -> None:
    assert 3.24 * 1e4 != 32400
    assert round_significant(np.array([3.24 * 1e4]))[0] == 32400
    assert np.isnan(round_significant(np.array([np.nan]))[0])


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("湖口高新园区2021年上半年主要经济指标", "2021-06"),
        ("湖口高新园区2021年前三季度主要经济指标", "2021-09"),
        ("2021年4-6月园区经济运行", "2021Q2"),
        ("园区2021年1-9月主要指标", "2021-09"),
        ("园区2021年度统计", "2021"),
        ("园区2021年下半年经济", None),  # not a period we read: no silent "whole year"
        ("测试园区主要经济指标", None),
    ],
)
def test_periods_inside_titles(title: str, code: str | None) -> None:
    found = find_period(title)
    assert (found.code if found else None) == code
