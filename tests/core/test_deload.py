"""The easy week (core/deload.py): every seventh week of steady training, one set fewer, no step up."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.deload import dose_for, easy_week, weeks_in_a_row_before
from core.dose import Dose
from core.model import ExerciseResult, History, MorningCheck, Outcome, Runner, Session, SessionStatus
from core.programme import EASY_WEEK_AFTER_WEEKS
from core.progression import decisions_after_morning

MONDAY = date(2026, 1, 5)


def trained(weeks: list[int], status: SessionStatus = SessionStatus.COMPLETED) -> History:
    """One session on the Tuesday of each of these weeks (0 = the week of MONDAY)."""
    sessions = []
    for number, week in enumerate(weeks, 1):
        day = MONDAY + timedelta(weeks=week, days=1)
        at = datetime.combine(day, time(7), UTC)
        results = tuple(ExerciseResult(i, 2, Outcome.DONE, 0, at) for i in range(5))
        sessions.append(Session(number, at, day, status, readiness=0, ended_at=at, results=results,
                                morning=MorningCheck(0, at + timedelta(days=1))))
    return History(sessions=tuple(sessions))


def week(n: int) -> date:
    return MONDAY + timedelta(weeks=n, days=3)  # a Thursday


@pytest.mark.parametrize(("weeks", "on", "expected"), [
    (list(range(6)), 6, True),  # six weeks in a row: the seventh is easy
    (list(range(5)), 5, False),
    (list(range(7)), 7, False),  # the week after the easy one is normal again
    (list(range(13)), 13, True),  # and the fourteenth is easy again
    ([0, 1, 2, 4, 5, 6, 7, 8, 9], 10, True),  # a week off started the count afresh: weeks 4-9 are six
    ([0, 1, 2, 4, 5, 6, 7, 8], 9, False),
], ids=["week-7", "week-6", "week-8", "week-14", "after-a-week-off", "after-a-week-off-too-soon"])
def test_the_easy_week_comes_after_six_weeks_in_a_row(weeks: list[int], on: int, expected: bool) -> None:
    assert EASY_WEEK_AFTER_WEEKS == 6
    assert easy_week(trained(weeks), week(on)) is expected


def test_only_sessions_that_count_make_a_week() -> None:
    assert weeks_in_a_row_before(trained(list(range(6)), SessionStatus.NOT_READY), week(6)) == 0
    assert weeks_in_a_row_before(trained(list(range(6))), week(6)) == 6


@pytest.mark.parametrize(("sets", "easy_sets"), [(4, 3), (2, 1), (1, 1)], ids=["four", "two", "never-below-one"])
def test_an_easy_week_has_one_set_fewer(sets: int, easy_sets: int) -> None:
    dose = Dose(sets=sets, hold_s=20, rest_s=20)
    assert dose_for(dose, trained(list(range(6))), week(6)).sets == easy_sets
    assert dose_for(dose, trained(list(range(5))), week(5)) == dose


def test_no_level_moves_up_in_an_easy_week() -> None:
    history = trained([*range(6), 6, 6])  # two easy, settled sessions in the easy week
    runner = Runner(key="t:1", platform="t", chat_id="1", name="", created_at=datetime(2025, 12, 1, tzinfo=UTC),
                    levels=(2, 2, 2, 2, 2))
    last = history.sessions[-1]
    decisions = decisions_after_morning(runner, history, last.number, last.local_date + timedelta(days=1))
    assert {d.to_level for d in decisions} == {2}
    assert decisions[0].line() == "Calf hold: staying at level 2 — easy week, so no step up this week"
