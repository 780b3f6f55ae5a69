"""Sessions that count, Monday-weeks and weeks in a row."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.consistency import Consistency, consistency, counts, trained_today, week_start
from core.model import ExerciseResult, History, Outcome, Session, SessionStatus

MON = date(2025, 3, 3)  # a Monday; day offsets below count from here
DONE, SKIPPED, STOPPED = Outcome.DONE, Outcome.SKIPPED, Outcome.STOPPED


def day(offset: int) -> date:
    return MON + timedelta(days=offset)


def session(offset: int, status: SessionStatus = SessionStatus.COMPLETED,
            outcomes: tuple[Outcome, ...] = (DONE,), number: int = 1) -> Session:
    started = datetime.combine(day(offset), time(7), tzinfo=UTC)
    results = tuple(ExerciseResult(i, 1, o, 1, started) for i, o in enumerate(outcomes))
    return Session(number=number, started_at=started, local_date=day(offset), status=status, results=results)


def history(*offsets: int, status: SessionStatus = SessionStatus.COMPLETED) -> History:
    return History(sessions=tuple(session(o, status, number=n) for n, o in enumerate(offsets, 1)))


@pytest.mark.parametrize(
    ("status", "outcomes", "expected"),
    [
        (SessionStatus.COMPLETED, (DONE,), True),
        (SessionStatus.COMPLETED, (SKIPPED, SKIPPED), True),
        (SessionStatus.STOPPED, (DONE, STOPPED), True),
        (SessionStatus.STOPPED, (STOPPED,), False),
        (SessionStatus.STOPPED, (SKIPPED, Outcome.TOO_HARD), False),
        (SessionStatus.STOPPED, (), False),
        (SessionStatus.NOT_READY, (), False),
        (SessionStatus.SKIPPED, (), False),
        (SessionStatus.ACTIVE, (DONE,), False),
    ],
    ids=["completed", "completed-all-skipped", "stopped-after-one-done", "stopped-nothing-done",
         "stopped-skipped-and-too-hard", "stopped-empty", "not-ready", "skipped-day", "still-active"],
)
def test_counts(status: SessionStatus, outcomes: tuple[Outcome, ...], expected: bool) -> None:
    assert counts(session(0, status, outcomes)) is expected


@pytest.mark.parametrize(
    ("given", "monday"),
    [
        (date(2025, 3, 3), date(2025, 3, 3)),
        (date(2025, 3, 5), date(2025, 3, 3)),
        (date(2025, 3, 9), date(2025, 3, 3)),
        (date(2025, 3, 10), date(2025, 3, 10)),
        (date(2026, 1, 1), date(2025, 12, 29)),
    ],
    ids=["monday", "wednesday", "sunday", "next-monday", "across-new-year"],
)
def test_week_start_is_that_weeks_monday(given: date, monday: date) -> None:
    assert week_start(given) == monday


# (sessions by day offset from MON, target, today offset, this_week, weeks_in_a_row)
STREAKS = [
    ((), 2, 20, 0, 0),
    ((0, 3), 2, 9, 0, 1),
    ((0, 3, 7, 10), 2, 16, 0, 2),
    ((0, 3, 7, 10, 14, 16), 2, 17, 2, 3),
    ((0, 3, 7, 10, 14), 2, 20, 1, 2),
    ((0, 3, 14, 17), 2, 22, 0, 1),
    ((0, 3, 7, 14, 17), 2, 22, 0, 1),
    ((0, 3, 7, 15, 16), 2, 16, 2, 1),
    ((0, 3, 7), 2, 15, 0, 0),
    ((0, 3, 7, 9), 3, 16, 0, 0),
    ((0, 2, 4, 7, 8, 9), 3, 16, 0, 2),
    ((0, 2, 4, 7, 8, 9, 14, 15), 3, 16, 2, 2),
    ((0, 2, 4, 7, 8, 9, 14, 15, 16), 3, 16, 3, 3),
    ((7, 10, 17, 18), 2, 16, 0, 1),
]


@pytest.mark.parametrize(
    ("offsets", "target", "today", "this_week", "streak"),
    STREAKS,
    ids=["nothing-yet", "one-week-met", "two-weeks-met-this-week-in-progress", "this-week-met-adds-one",
         "this-week-short-but-in-progress", "missed-week-breaks-streak", "last-week-short-breaks-streak",
         "this-week-met-after-short-week", "one-short-last-week", "target-3-two-is-short",
         "target-3-two-weeks", "target-3-this-week-at-2", "target-3-this-week-met", "future-sessions-ignored"],
)
def test_weeks_in_a_row(offsets: tuple[int, ...], target: int, today: int, this_week: int, streak: int) -> None:
    result = consistency(history(*offsets), target, day(today))
    assert (result.this_week, result.weeks_in_a_row) == (this_week, streak)


def test_non_counting_sessions_do_not_count() -> None:
    h = history(0, 3, 7, 10, status=SessionStatus.NOT_READY)
    assert consistency(h, 2, day(16)) == Consistency(0, 2, 0, None, None)


@pytest.mark.parametrize(
    ("offsets", "today", "last", "days_since"),
    [((), 5, None, None), ((0, 3), 3, 3, 0), ((0, 3), 10, 3, 7), ((3, 0), 10, 3, 7)],
    ids=["none", "today", "a-week-ago", "out-of-order"],
)
def test_last_session_and_days_since(offsets: tuple[int, ...], today: int, last: int | None,
                                     days_since: int | None) -> None:
    result = consistency(history(*offsets), 2, day(today))
    assert result.last_session == (day(last) if last is not None else None)
    assert result.days_since_last == days_since


@pytest.mark.parametrize(("this_week", "met"), [(1, False), (2, True), (3, True)],
                         ids=["below-target", "at-target", "above-target"])
def test_met_this_week(this_week: int, met: bool) -> None:
    assert Consistency(this_week, 2, 0, None, None).met_this_week is met


@pytest.mark.parametrize(
    ("h", "today", "expected"),
    [
        (history(5), 5, True),
        (history(4), 5, False),
        (history(5, status=SessionStatus.NOT_READY), 5, False),
        (History(sessions=(session(5, SessionStatus.STOPPED, (STOPPED,)),)), 5, False),
        (History(sessions=(session(5, SessionStatus.STOPPED, (DONE, STOPPED)),)), 5, True),
        (History(), 5, False),
    ],
    ids=["counted-today", "yesterday", "not-ready-today", "stopped-nothing-done-today",
         "stopped-after-one-done-today", "no-history"],
)
def test_trained_today(h: History, today: int, expected: bool) -> None:
    assert trained_today(h, day(today)) is expected
