"""Chinese statutory working days, 调休 included, and the deadline arithmetic built on them.

The calendar is the maintained ``chinesecalendar`` package (CONTRACT: "a well-kept calendar
package, not a hand list"); a date in a year it does not know raises ConfigError, never a guess.

Deadline semantics (spec/guangdong_vouchers.md §6, anhui_saas.md §6, 民法典 第二百零一条、第二百零三条):

- "within N working days of day D" ends at 24:00 Asia/Shanghai of ``add_working_days(D, N)``:
  the N-th working day after D, D itself not counted even when it is a working day. An action
  taken on day X is on time when ``X <= add_working_days(D, N)``.
- Lateness in working days is ``working_days_between(due_day, action_day)``: the working days in
  (due_day, action_day]; zero or negative means on time.
- A calendar-day period likewise excludes its first day: "P + 7 calendar days" is
  ``add_calendar_days(P, 7)``. When the law moves a last day that is not a working day to the
  next one (民法典 第二百零三条, guangdong I-18), apply ``working_day_on_or_after`` to it.
- A period counted *from* a working day, that day included (anhui_saas "the 5th working day
  counted from the first"), ends on ``add_working_days(first, 5 - 1)``.

These functions work on whole days (``datetime.date``); turning a timestamp into the day it
falls on in Asia/Shanghai is the caller's job, which is why a ``datetime`` is refused.
"""

from __future__ import annotations

import datetime
import functools

import chinese_calendar

from huiqi.errors import ConfigError

ONE_DAY = datetime.timedelta(days=1)


@functools.cache  # the package's tables are fixed once it is imported
def supported_years() -> tuple[int, int]:
    """The first and last year the installed calendar package knows, from its own data."""
    # The same bounds the package itself enforces (its holiday table's first and last year).
    known_days = chinese_calendar.holidays.keys()
    return min(known_days).year, max(known_days).year


def is_working_day(d: datetime.date) -> bool:
    """True when ``d`` is a statutory working day (weekdays, plus 调休 weekend working days)."""
    _require_known(d)
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError as error:  # the package's own range check, should ours drift
        raise ConfigError(_outside_message(d)) from error


def add_working_days(d: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``d``, ``d`` not counted; ``n = 0`` gives ``d`` unchanged.

    :raises ValueError: for a negative or non-integer ``n`` (a caller's bug).
    :raises ConfigError: when the count runs into a year the calendar does not know.
    """
    _require_count(n)
    _require_known(d)
    day = d
    for _ in range(n):
        day = _next_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days in (start, end]: start excluded, end included.

    When ``end`` is before ``start`` the count is negative: minus the working days in
    (end, start], so ``working_days_between(a, b) == -working_days_between(b, a)``.
    """
    _require_known(start)
    _require_known(end)
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_working_day(day):
            count += 1
    return count


def add_calendar_days(d: datetime.date, n: int) -> datetime.date:
    """The day ``n`` calendar days after ``d`` (negative ``n`` goes back); no calendar needed."""
    _require_date(d)
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"a number of days must be an int, got {n!r}")
    return d + datetime.timedelta(days=n)


def working_day_on_or_after(d: datetime.date) -> datetime.date:
    """``d`` when it is a working day, else the next working day (民法典 第二百零三条)."""
    return d if is_working_day(d) else _next_working_day(d)


def _next_working_day(d: datetime.date) -> datetime.date:
    """The first working day strictly after ``d``."""
    day = d + ONE_DAY
    while not is_working_day(day):
        day += ONE_DAY
    return day


def _require_known(d: datetime.date) -> None:
    """ConfigError when ``d`` lies in a year the calendar package has no data for."""
    _require_date(d)
    first_year, last_year = supported_years()
    if not first_year <= d.year <= last_year:
        raise ConfigError(_outside_message(d))


def _outside_message(d: datetime.date) -> str:
    first_year, last_year = supported_years()
    return (
        f"working-day calendar knows {first_year}–{last_year} only; {d.isoformat()} is outside it "
        "(upgrade the chinesecalendar package)"
    )


def _require_date(d: object) -> None:
    """TypeError unless ``d`` is a plain date: a datetime's day depends on its time zone."""
    if isinstance(d, datetime.datetime) or not isinstance(d, datetime.date):
        raise TypeError(f"expected a datetime.date (the day in Asia/Shanghai), got {type(d).__name__} {d!r}")


def _require_count(n: object) -> None:
    """ValueError unless ``n`` is an int ≥ 0 (bool refused: True is not a count)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"a number of working days must be an int ≥ 0, got {n!r}")
