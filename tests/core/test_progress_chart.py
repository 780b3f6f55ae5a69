"""What the progress chart shows: levels over time, pain against the runner's limit, weeks vs target."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.model import (
    ExerciseResult,
    History,
    LevelChange,
    Outcome,
    Profile,
    Runner,
    Schedule,
    Session,
    SessionStatus,
)
from core.pain import pain_limit
from core.progress import CHART_WEEKS, LevelSpan, level_spans, progress_data

TODAY = date(2026, 12, 3)  # a Thursday
JOINED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, 4.5 weeks before
SCHEDULE = Schedule(run_days=frozenset({0, 2, 4}), run_time=time(7, 0), timezone="Europe/London",
                    lead_minutes=20, sessions_target=2, strength_days=frozenset({0, 4}))
RUNNER = Runner(key="terminal:t", platform="terminal", chat_id="t", name="T", created_at=JOINED, onboarded=True,
                schedule=SCHEDULE, levels=(3, 1, 1, 1, 1))


def change(number: int, day: date, from_level: int, to_level: int, exercise: int = 0) -> LevelChange:
    return LevelChange(number, exercise, from_level, to_level, "a reason", datetime.combine(day, time(8, 30), UTC))


def session(number: int, day: date, pain: int = 1) -> Session:
    results = tuple(ExerciseResult(i, 1, Outcome.DONE, pain, datetime.combine(day, time(7), UTC)) for i in range(5))
    return Session(number, datetime.combine(day, time(6, 40), UTC), day, SessionStatus.COMPLETED, 0,
                   datetime.combine(day, time(7), UTC), results)


CALF_SPANS = [
    pytest.param((), RUNNER.levels[0], [(3, date(2026, 11, 2), TODAY)], id="no changes: the current level all along"),
    pytest.param((change(1, date(2026, 11, 10), 1, 2), change(2, date(2026, 11, 17), 2, 3)), 3,
                 [(1, date(2026, 11, 2), date(2026, 11, 9)), (2, date(2026, 11, 10), date(2026, 11, 16)),
                  (3, date(2026, 11, 17), TODAY)], id="two steps up: three runs of days"),
    pytest.param((change(1, date(2026, 11, 10), 1, 2), change(2, date(2026, 11, 20), 2, 1)), 1,
                 [(1, date(2026, 11, 2), date(2026, 11, 9)), (2, date(2026, 11, 10), date(2026, 11, 19)),
                  (1, date(2026, 11, 20), TODAY)], id="up then back down after pain"),
    pytest.param((change(1, date(2026, 11, 10), 1, 2), change(2, date(2026, 11, 10), 2, 1)), 1,
                 [(1, date(2026, 11, 2), TODAY)], id="two changes the same day: the last one holds"),
    pytest.param((change(1, date(2026, 11, 2), 1, 2),), 2, [(2, date(2026, 11, 2), TODAY)],
                 id="a change on the first day starts the chart at the new level"),
]


@pytest.mark.parametrize(("changes", "now", "expected"), CALF_SPANS)
def test_level_spans_follow_the_level_changes(changes, now, expected) -> None:
    runner = RUNNER.with_level(0, now)
    spans = [s for s in level_spans(runner, History(level_changes=changes), "Europe/London", JOINED.date(), TODAY)
             if s.exercise == 0]
    assert [(s.level, s.first, s.last) for s in spans] == expected


def test_changes_before_the_window_set_the_level_it_opens_with() -> None:
    history = History(level_changes=(change(1, date(2026, 6, 1), 1, 2), change(2, date(2026, 7, 1), 2, 4)))
    joined_long_ago = replace(RUNNER, created_at=datetime(2026, 5, 1, tzinfo=UTC), levels=(4, 1, 1, 1, 1))
    data = progress_data(joined_long_ago, history, TODAY)
    assert data.first_day == date(2026, 11, 30) - timedelta(weeks=CHART_WEEKS - 1)
    assert [s for s in data.levels if s.exercise == 0] == [LevelSpan(0, 4, data.first_day, TODAY)]


def test_nothing_before_the_runner_joined_and_every_panel_shares_the_range() -> None:
    history = History(sessions=(session(1, date(2026, 11, 6)), session(2, date(2026, 11, 9), pain=3),
                                session(3, date(2026, 11, 30))))
    data = progress_data(RUNNER, history, TODAY)
    assert (data.first_day, data.today, data.last_day) == (date(2026, 11, 2), TODAY, date(2026, 12, 6))
    assert all(data.first_day <= s.first <= s.last <= data.today for s in data.levels)
    assert all(data.first_day <= p.day <= data.today for p in data.pain)
    assert [monday for monday, _ in data.weeks] == [date(2026, 11, 2) + timedelta(weeks=w) for w in range(5)]
    assert [count for _, count in data.weeks] == [1, 1, 0, 0, 1]
    assert all(isinstance(count, int) for _, count in data.weeks)


@pytest.mark.parametrize(("profile", "limit", "label"), [
    pytest.param(Profile.PAIN_FREE, 2, "your limit: 0-2", id="pain-free: the green zone"),
    pytest.param(Profile.REHAB, 5, "your limit: 0-5 (cleared rehab)", id="cleared rehab: up to 5 [SILB07]"),
])
def test_the_pain_band_is_the_runners_own_limit(profile: Profile, limit: int, label: str) -> None:
    assert pain_limit(profile) == limit
    data = progress_data(replace(RUNNER, profile=profile), History(), TODAY)
    assert (data.pain_limit, data.limit_label) == (limit, label)


def test_a_runner_who_joined_today_gets_a_one_day_chart() -> None:
    runner = replace(RUNNER, created_at=datetime(2026, 12, 3, 7, 0, tzinfo=UTC))
    data = progress_data(runner, History(sessions=(session(1, TODAY),)), TODAY)
    assert data.first_day == TODAY and data.weeks == ((date(2026, 11, 30), 1),)
    assert {s.first for s in data.levels} == {TODAY}


@given(steps=st.lists(st.tuples(st.integers(0, 60), st.sampled_from((-1, 1))), max_size=12),
       exercise=st.integers(0, 4), window=st.integers(1, 70))
def test_level_spans_tile_the_window_and_end_at_the_current_level(steps, exercise, window) -> None:
    """Any history of level changes: runs of days, back to back, never two equal runs in a row."""
    level, changes = 1, []
    for number, (offset, direction) in enumerate(sorted(steps), start=1):
        to_level = min(5, max(1, level + direction))
        changes.append(change(number, date(2026, 10, 1) + timedelta(days=offset), level, to_level, exercise))
        level = to_level
    runner = RUNNER.with_level(exercise, level)
    first = date(2026, 10, 1) + timedelta(days=window)
    spans = [s for s in level_spans(runner, History(level_changes=tuple(changes)), "UTC", first, first +
                                     timedelta(days=30)) if s.exercise == exercise]
    assert spans[0].first == first and spans[-1].last == first + timedelta(days=30)
    assert all(a.last + timedelta(days=1) == b.first and a.level != b.level for a, b in zip(spans, spans[1:]))
    last_change = [c for c in changes if c.decided_at.date() <= first + timedelta(days=30)]
    assert spans[-1].level == (last_change[-1].to_level if last_change else 1)
