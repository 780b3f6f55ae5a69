"""Clinician holds as rules: when one starts, when it may be lifted, and what lifting it does.

A hold is not a pause the runner can tap away: "I've been checked" counts only from the
next local day, it must be a clinician who checked them, and a second hold within four
weeks also asks for a clinician to look at the programme itself (docs/programme.md §6).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from core.model import History, Hold, LevelChange, Runner
from core.programme import EXERCISES, HOLD_CLEARANCE_AFTER_DAYS, MIN_LEVEL, REPEAT_HOLD_DAYS
from core.schedule import local_date

EVERY_EXERCISE: tuple[int, ...] = tuple(range(len(EXERCISES)))
RESTART_REASON = "back after a clinician check, so starting gently again"
HOLD_CAUSE = "hold"  # LevelChange.cause of a restart at level 1 after a hold


def zone_of(runner: Runner) -> str:
    return runner.schedule.timezone if runner.schedule else "UTC"


def start_hold(runner: Runner, history: History, reason: str, now: datetime,
               exercises: tuple[int, ...] = EVERY_EXERCISE) -> tuple[Runner, History]:
    """The runner on hold for `reason`, recorded in the history (a hold already open stays)."""
    held = replace(runner, clinician_hold=reason, snoozed_until=None)
    if history.current_hold is not None:
        # Already held: a second reason widens what restarts, the first start still counts.
        current = history.current_hold
        widened = tuple(sorted(set(current.exercises) | set(exercises)))
        holds = history.holds[:-1] + (replace(current, exercises=widened),)
        return held, replace(history, holds=holds)
    number = max((h.number for h in history.holds), default=0) + 1
    hold = Hold(number=number, reason=reason, started_at=now, exercises=tuple(sorted(exercises)))
    return held, replace(history, holds=history.holds + (hold,))


def clearable_from(runner: Runner, history: History) -> date | None:
    """The first local day "I've been checked" counts; None when it already does (or no record)."""
    hold = history.current_hold
    if hold is None:
        return None
    return local_date(hold.started_at, zone_of(runner)) + timedelta(days=HOLD_CLEARANCE_AFTER_DAYS)


def may_clear(runner: Runner, history: History, today: date) -> bool:
    first = clearable_from(runner, history)
    return first is None or today >= first


def needs_programme_review(history: History) -> bool:
    """A second hold that started within REPEAT_HOLD_DAYS of an earlier one [D]."""
    hold = history.current_hold
    if hold is None:
        return False
    window = timedelta(days=REPEAT_HOLD_DAYS)
    return any(h.number != hold.number and timedelta(0) <= hold.started_at - h.started_at <= window
               for h in history.holds)


def clear_hold(runner: Runner, history: History, now: datetime) -> tuple[Runner, History, tuple[LevelChange, ...]]:
    """Lift the hold: the affected exercises restart at level 1, each restart recorded."""
    hold = history.current_hold
    affected = hold.exercises if hold is not None else EVERY_EXERCISE
    first = len(history.level_changes) + 1
    changes = tuple(
        LevelChange(number=first + offset, exercise=index, from_level=runner.level(index), to_level=MIN_LEVEL,
                    reason=RESTART_REASON, decided_at=now, cause=HOLD_CAUSE)
        for offset, index in enumerate(i for i in affected if runner.level(i) > MIN_LEVEL))
    for change in changes:
        runner = runner.with_level(change.exercise, MIN_LEVEL)
    holds = history.holds
    if hold is not None:
        holds = holds[:-1] + (replace(hold, cleared_at=now),)
    history = replace(history, holds=holds, level_changes=history.level_changes + changes)
    return replace(runner, clinician_hold=None), history, changes
