"""Clinician holds as rules (core/holds.py) and the reminders around holds, readiness and clearance."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.holds import clear_hold, clearable_from, may_clear, needs_programme_review, start_hold
from core.model import History, Hold, Runner, Schedule, Session, SessionStatus
from core.reminders import due_reminders
from core.schedule import ReminderKind, run_day_for

NOV_30 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # a Monday
LONDON = Schedule(run_days=frozenset({0, 2, 4}), run_time=time(7), timezone="Europe/London", lead_minutes=20,
                  sessions_target=2, strength_days=frozenset({0, 4}))


def runner(**changes: object) -> Runner:
    base = Runner(key="terminal:ann", platform="terminal", chat_id="ann", name="Ann", created_at=NOV_30,
                  onboarded=True, schedule=LONDON, levels=(3, 3, 3, 3, 3))
    return replace(base, **changes)


# ---- starting, lifting, repeating -------------------------------------------------------------


@pytest.mark.parametrize(("zone", "started", "first_day"), [
    ("Europe/London", datetime(2026, 11, 30, 23, 30, tzinfo=UTC), date(2026, 12, 1)),
    ("Asia/Tokyo", datetime(2026, 11, 30, 23, 30, tzinfo=UTC), date(2026, 12, 2)),  # already 1 Dec there
    ("America/Los_Angeles", datetime(2026, 12, 1, 5, 0, tzinfo=UTC), date(2026, 12, 1)),  # still 30 Nov there
], ids=["london-late-evening", "tokyo-next-morning", "los-angeles-evening-before"])
def test_a_hold_can_be_lifted_from_the_next_local_day(zone: str, started: datetime, first_day: date) -> None:
    ann = runner(schedule=replace(LONDON, timezone=zone))
    held, history = start_hold(ann, History(), "pain", started, (1,))
    assert held.clinician_hold == "pain" and history.current_hold.exercises == (1,)
    assert clearable_from(held, history) == first_day
    assert not may_clear(held, history, first_day - timedelta(days=1))
    assert may_clear(held, history, first_day)


def test_a_second_reason_while_held_widens_the_same_hold() -> None:
    held, history = start_hold(runner(), History(), "pain", NOV_30, (1,))
    held, history = start_hold(held, history, "bone", NOV_30 + timedelta(hours=1))
    assert len(history.holds) == 1 and history.current_hold.exercises == (0, 1, 2, 3, 4)
    assert history.current_hold.started_at == NOV_30 and held.clinician_hold == "bone"


@pytest.mark.parametrize(("days_apart", "review"), [(0, True), (27, True), (28, True), (29, False), (60, False)],
                         ids=["same-day", "27-days", "28-days", "29-days", "60-days"])
def test_a_second_hold_within_28_days_needs_a_programme_review(days_apart: int, review: bool) -> None:
    first = Hold(1, "pain", NOV_30, (0,), cleared_at=NOV_30 + timedelta(days=1))
    second = Hold(2, "pain", NOV_30 + timedelta(days=days_apart, hours=1 if days_apart == 0 else 0), (0,))
    assert needs_programme_review(History(holds=(first, second))) is review
    assert not needs_programme_review(History(holds=(replace(second, number=1),)))


def test_lifting_a_hold_restarts_only_the_affected_exercises_at_level_1() -> None:
    ann = runner(levels=(3, 1, 4, 2, 5))
    held, history = start_hold(ann, History(), "pain", NOV_30, (0, 1, 4))
    cleared, history, changes = clear_hold(held, history, NOV_30 + timedelta(days=1))
    assert cleared.clinician_hold is None and cleared.levels == (1, 1, 4, 2, 1)
    assert [(c.exercise, c.from_level, c.to_level, c.cause) for c in changes] == [(0, 3, 1, "hold"), (4, 5, 1, "hold")]
    assert history.current_hold is None and history.holds[0].cleared_at == NOV_30 + timedelta(days=1)


# ---- reminders: not-ready days, holds, the clearance reminder, late-evening nudges -------------


def kinds(ann: Runner, history: History, start: datetime, hours: int) -> list[tuple[ReminderKind, date]]:
    return [(r.kind, r.local_date) for r in due_reminders(ann, history, start, start + timedelta(hours=hours))]


@pytest.mark.parametrize(("status", "nudged"), [(SessionStatus.NOT_READY, False), (SessionStatus.SKIPPED, True),
                                                (SessionStatus.COMPLETED, True)],
                         ids=["not-ready-cancels", "skipped-is-the-nudges-own-business", "trained-still-planned"])
def test_a_not_ready_day_plans_no_pre_run_reminders(status: SessionStatus, nudged: bool) -> None:
    ann = runner(snoozed_until=NOV_30 + timedelta(minutes=50))
    today = Session(1, NOV_30, date(2026, 11, 30), status, readiness=5)
    found = kinds(ann, History(sessions=(today,)), NOV_30, 3)
    assert ((ReminderKind.SESSION, date(2026, 11, 30)) in found) is nudged
    assert ((ReminderKind.SNOOZE, date(2026, 11, 30)) in found) is nudged


def test_a_hold_plans_no_nudges_at_all() -> None:
    held, history = start_hold(runner(), History(), "pain", NOV_30)
    assert [k for k, _ in kinds(held, history, NOV_30, 24 * 7) if k is not ReminderKind.WEEKLY] == []


@pytest.mark.parametrize(("onboarded", "planned"), [(False, True), (True, False)],
                         ids=["during-set-up", "not-after-set-up"])
def test_remind_me_later_plans_one_clearance_reminder(onboarded: bool, planned: bool) -> None:
    due = NOV_30 + timedelta(days=3)
    ann = runner(onboarded=onboarded, schedule=None if not onboarded else LONDON, clearance_reminder_at=due)
    found = kinds(ann, History(), NOV_30, 24 * 4)
    assert ((ReminderKind.CLEARANCE, date(2026, 12, 3)) in found) is planned
    if not onboarded:
        assert kinds(ann, History(), NOV_30, 24 * 3 - 1) == []  # not a minute before its time


@pytest.mark.parametrize(("at", "day"), [
    (datetime(2026, 11, 30, 23, 39, tzinfo=UTC), date(2026, 11, 30)),
    (datetime(2026, 11, 30, 23, 40, tzinfo=UTC), date(2026, 12, 1)),
    (datetime(2026, 11, 30, 23, 55, tzinfo=UTC), date(2026, 12, 1)),
    (datetime(2026, 12, 1, 0, 5, tzinfo=UTC), date(2026, 12, 1)),
], ids=["before-the-window", "nudge-time", "a-snooze-later", "after-midnight"])
def test_a_nudge_belongs_to_the_day_of_its_run(at: datetime, day: date) -> None:
    late = replace(LONDON, run_time=time(0, 10), lead_minutes=30)
    assert run_day_for(late, at) == day
