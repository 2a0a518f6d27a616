"""Tests of huiqi.workdays: statutory working days with 调休, and deadline arithmetic."""

from __future__ import annotations

import datetime

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from huiqi.errors import ConfigError
from huiqi.workdays import (
    add_calendar_days,
    add_working_days,
    is_working_day,
    supported_years,
    working_day_on_or_after,
    working_days_between,
)

D = datetime.date
FIRST_YEAR, LAST_YEAR = supported_years()


def days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every day from start to end, both included."""
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


# --- the calendar ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "day",
    [
        D(2024, 2, 4),  # Sunday, 调休 before the Spring Festival
        D(2024, 2, 18),  # Sunday, 调休 after it
        D(2023, 10, 7),  # Saturday, 调休 after National Day
        D(2023, 10, 8),  # Sunday, 调休 after National Day
        D(2024, 9, 29),  # Sunday, 调休 before National Day
        D(2024, 10, 12),  # Saturday, 调休 after National Day
        D(2024, 3, 1),  # an ordinary Friday
    ],
)
def test_working_days(day):
    assert is_working_day(day)


@pytest.mark.parametrize(
    "day",
    days(D(2024, 2, 10), D(2024, 2, 17))  # Spring Festival 2024, weekdays included
    + days(D(2024, 10, 1), D(2024, 10, 7))  # National Day 2024
    + days(D(2023, 9, 29), D(2023, 10, 6))  # Mid-Autumn + National Day 2023
    + [D(2024, 3, 2), D(2024, 3, 3)],  # an ordinary weekend
)
def test_rest_days(day):
    assert not is_working_day(day)


def test_supported_years_come_from_the_package():
    assert FIRST_YEAR <= 2004 and LAST_YEAR >= 2024
    chinese_calendar.is_workday(D(FIRST_YEAR, 1, 1))
    chinese_calendar.is_workday(D(LAST_YEAR, 12, 31))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(LAST_YEAR + 1, 1, 1))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(FIRST_YEAR - 1, 12, 31))


# --- outside the calendar --------------------------------------------------------------------

def _outside(day: datetime.date) -> str:
    return (
        f"working-day calendar knows {FIRST_YEAR}–{LAST_YEAR} only; {day.isoformat()} is outside it "
        "(upgrade the chinesecalendar package)"
    )


@pytest.mark.parametrize("day", [D(LAST_YEAR + 1, 1, 4), D(FIRST_YEAR - 1, 12, 31), D(1990, 6, 1)])
def test_outside_the_calendar_is_a_config_error(day):
    with pytest.raises(ConfigError) as raised:
        is_working_day(day)
    assert str(raised.value) == _outside(day)


def test_counting_into_an_unknown_year_names_the_first_unknown_day():
    with pytest.raises(ConfigError) as raised:
        add_working_days(D(LAST_YEAR, 12, 31), 1)
    assert str(raised.value) == _outside(D(LAST_YEAR + 1, 1, 1))


def test_between_outside_the_calendar_is_a_config_error():
    with pytest.raises(ConfigError):
        working_days_between(D(LAST_YEAR, 12, 1), D(LAST_YEAR + 1, 1, 10))


def test_add_working_days_zero_still_refuses_an_unknown_year():
    with pytest.raises(ConfigError):
        add_working_days(D(LAST_YEAR + 1, 3, 1), 0)


# --- add_working_days ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 9, 30), 1, D(2024, 10, 8)),  # over the National Day holiday
        (D(2024, 9, 30), 5, D(2024, 10, 12)),  # the 调休 Saturday counts
        (D(2024, 9, 27), 1, D(2024, 9, 29)),  # Friday → the 调休 Sunday
        (D(2024, 9, 27), 2, D(2024, 9, 30)),
        (D(2024, 10, 3), 1, D(2024, 10, 8)),  # from inside the holiday
        (D(2024, 2, 8), 1, D(2024, 2, 9)),
        (D(2024, 2, 9), 1, D(2024, 2, 18)),  # Spring Festival, then the 调休 Sunday
        (D(2023, 9, 28), 1, D(2023, 10, 7)),  # 2023: next working day is the 调休 Saturday
        (D(2024, 3, 1), 1, D(2024, 3, 4)),  # an ordinary weekend
        (D(2024, 3, 4), 10, D(2024, 3, 18)),  # "10 working days" over two ordinary weekends
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_start_day_is_not_counted_even_when_a_working_day():
    assert add_working_days(D(2024, 3, 4), 1) == D(2024, 3, 5)


@pytest.mark.parametrize("day", [D(2024, 3, 4), D(2024, 10, 1), D(2024, 3, 2)])
def test_add_zero_working_days_returns_the_day_unchanged(day):
    assert add_working_days(day, 0) == day


@pytest.mark.parametrize("n", [-1, 1.0, True, "1", None])
def test_add_working_days_refuses_a_bad_count(n):
    with pytest.raises(ValueError):
        add_working_days(D(2024, 3, 4), n)


@pytest.mark.parametrize("function", [is_working_day, working_day_on_or_after])
@pytest.mark.parametrize("bad", [datetime.datetime(2024, 3, 4, 12, 0), "2024-03-04", None])
def test_only_plain_dates_are_accepted(function, bad):
    with pytest.raises(TypeError):
        function(bad)


# --- working_days_between --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 9, 30), D(2024, 10, 8), 1),  # (Sep 30, Oct 8]: only Oct 8
        (D(2024, 9, 30), D(2024, 10, 7), 0),
        (D(2024, 9, 27), D(2024, 9, 30), 2),  # the 调休 Sunday and Monday
        (D(2024, 3, 4), D(2024, 3, 4), 0),
        (D(2024, 3, 4), D(2024, 3, 11), 5),
        (D(2024, 1, 1), D(2024, 12, 31), 251),  # all 251 of 2024: excluding Jan 1 (元旦) loses none
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_is_antisymmetric():
    assert working_days_between(D(2024, 10, 8), D(2024, 9, 30)) == -1
    assert working_days_between(D(2024, 3, 11), D(2024, 3, 4)) == -5


# --- calendar days and rolling forward -------------------------------------------------------

def test_add_calendar_days():
    assert add_calendar_days(D(2024, 9, 24), 7) == D(2024, 10, 1)
    assert add_calendar_days(D(2024, 3, 1), -1) == D(2024, 2, 29)
    assert add_calendar_days(D(2030, 1, 1), 1) == D(2030, 1, 2)  # no calendar needed


@pytest.mark.parametrize("n", [1.5, True, "7"])
def test_add_calendar_days_refuses_a_bad_count(n):
    with pytest.raises(ValueError):
        add_calendar_days(D(2024, 3, 1), n)


def test_public_notice_last_day_moves_to_a_working_day():
    # guangdong I-18: publication P + 7 calendar days, moved to the next working day.
    last_day = add_calendar_days(D(2024, 9, 24), 7)
    assert working_day_on_or_after(last_day) == D(2024, 10, 8)
    assert working_day_on_or_after(D(2024, 10, 12)) == D(2024, 10, 12)  # 调休 Saturday stays


# --- properties over the whole supported range ----------------------------------------------

# Stay a few weeks clear of the last known day, so that n ≤ 30 working days never leaves it.
known_days = st.dates(min_value=D(FIRST_YEAR, 1, 1), max_value=D(LAST_YEAR, 10, 31))


@given(day=known_days, n=st.integers(min_value=1, max_value=30))
def test_add_working_days_lands_on_a_working_day_and_counts_back(day, n):
    result = add_working_days(day, n)
    assert result > day
    assert is_working_day(result)
    assert working_days_between(day, result) == n
    # Nothing skipped: the day before the result is still short of n.
    assert working_days_between(day, result - datetime.timedelta(days=1)) == n - 1


@given(day=known_days, m=st.integers(min_value=0, max_value=15), n=st.integers(min_value=0, max_value=15))
def test_add_working_days_composes(day, m, n):
    assert add_working_days(add_working_days(day, m), n) == add_working_days(day, m + n)


@given(day=st.dates(min_value=D(FIRST_YEAR, 1, 2), max_value=D(LAST_YEAR, 10, 31)))
def test_working_day_on_or_after_is_the_first_working_day_from_day(day):
    rolled = working_day_on_or_after(day)
    assert rolled >= day
    assert is_working_day(rolled)
    assert working_days_between(day - datetime.timedelta(days=1), rolled) == 1
