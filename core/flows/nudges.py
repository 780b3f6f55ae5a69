"""The pre-run nudge and its buttons: Start now, Snooze, Skip today.

A nudge belongs to its run's local date, which is not always the day it is sent: a run
at 00:10 with a 30-minute lead is nudged at 23:40 the evening before, and its buttons
must work then. Each handler checks that the day it refers to is still open.
"""

from __future__ import annotations

from datetime import date, timedelta

from core.consistency import trained_today
from core.flows.ending import not_ready_on
from core.flows.idle import show_idle
from core.flows.session import begin_session
from core.model import Session, SessionStatus
from core.programme import SNOOZE_MINUTES
from core.schedule import local_instant, next_strength_day, run_day_for
from core.texts import short_date
from core.turn import Turn

ANOTHER_DAY = "That reminder was for another day; nothing changed."


def open_nudge_day(turn: Turn, arg: str) -> date | None:
    """The day a nudge button names, if that day is today's (or tonight's, for an early run)."""
    try:
        day = date.fromisoformat(arg)
    except ValueError:
        return None
    schedule = turn.runner.schedule
    if day == turn.today:
        return day
    if schedule is not None and day == run_day_for(schedule, turn.now) and day > turn.today:
        return day
    return None


def skipped_on(turn: Turn, day: date) -> bool:
    return any(s.local_date == day and s.status is SessionStatus.SKIPPED for s in turn.history.sessions)


async def on_nudge_start(turn: Turn, arg: str) -> None:
    day = open_nudge_day(turn, arg)
    if day is None and turn.history.active_session is None:
        turn.notice("That reminder was for another day; send /session to start today's.")
        return
    turn.chosen("Starting")
    begin_session(turn, day)


async def on_nudge_snooze(turn: Turn, arg: str) -> None:
    day = open_nudge_day(turn, arg)
    if day is None:
        turn.notice(ANOTHER_DAY)
        return
    if turn.runner.snoozed_until is not None and turn.runner.snoozed_until > turn.now:
        turn.notice("Already snoozed ✓")
        return
    schedule = turn.runner.schedule
    if schedule is not None:
        run_starts = local_instant(day, schedule.run_time, schedule.timezone)
        if turn.now + timedelta(minutes=SNOOZE_MINUTES) >= run_starts:
            turn.notice("Too close to your run to snooze: tap Start now, or Skip today.")
            return
    if skipped_on(turn, day) or not_ready_on(turn.history, day) is not None:
        said = "You've skipped today" if skipped_on(turn, day) else "No session today"
        turn.notice(f"{said}, so no more reminders today ✓")  # a snooze would nudge again
        return
    turn.update_runner(snoozed_until=turn.now + timedelta(minutes=SNOOZE_MINUTES))
    turn.chosen(f"Snoozed for {SNOOZE_MINUTES} min")


async def on_nudge_skip(turn: Turn, arg: str) -> None:
    day = open_nudge_day(turn, arg)
    if day is None:
        turn.notice(ANOTHER_DAY)
        return
    if skipped_on(turn, day):
        turn.notice("Already skipped ✓")
        return
    if turn.history.active_session is not None or trained_today(turn.history, day):
        turn.notice("You've already started today's session; send /session to carry on.")
        return
    number = max((s.number for s in turn.history.sessions), default=0) + 1
    turn.save_session(Session(number=number, started_at=turn.now, local_date=day,
                              status=SessionStatus.SKIPPED, ended_at=turn.now))
    turn.update_runner(snoozed_until=None)
    turn.chosen("Skipped today")
    schedule = turn.runner.schedule
    next_day = next_strength_day(schedule, day + timedelta(days=1)) if schedule else None
    show_idle(turn, "No problem, enjoy your run." + (f" Next session: {short_date(next_day)}." if next_day else ""))
