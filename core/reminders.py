"""Which reminders fall due in a window: the schedule's, plus a snoozed nudge and a clearance reminder.

A runner who was asked "are you still there?" gets nothing more until they write
again (the engine clears `quiet` on any event from them). A day whose readiness check
said "not today" gets no more pre-run nudges, and a hold stops them all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.model import History, Runner, SessionStatus
from core.programme import STALE_AFTER_HOURS, STALE_AFTER_HOURS_OTHERS
from core.schedule import DueReminder, ReminderKind, local_date, local_instant, reminders_between, run_day_for

PRE_RUN = frozenset({ReminderKind.SESSION, ReminderKind.RUN_NOTE, ReminderKind.SNOOZE})


def due_reminders(runner: Runner, history: History, start: datetime, end: datetime) -> tuple[DueReminder, ...]:
    """Every reminder with start < due_at <= end, in order."""
    if runner.quiet or runner.unreachable:
        return ()
    found = list(reminders_between(runner, history, start, end))
    snoozed = runner.snoozed_until
    if snoozed is not None and start < snoozed <= end and runner.schedule is not None:
        day = run_day_for(runner.schedule, snoozed)
        if not runner.is_paused(day):
            found.append(DueReminder(ReminderKind.SNOOZE, day, snoozed))
    clearance = runner.clearance_reminder_at
    if clearance is not None and start < clearance <= end and not runner.onboarded:
        zone = runner.schedule.timezone if runner.schedule else "UTC"
        found.append(DueReminder(ReminderKind.CLEARANCE, local_date(clearance, zone), clearance))
    not_ready = {s.local_date for s in history.sessions if s.status is SessionStatus.NOT_READY}
    found = [r for r in found if not (r.kind in PRE_RUN and r.local_date in not_ready)]
    return tuple(sorted(found, key=lambda r: r.due_at))


def expires_at(runner: Runner, reminder: DueReminder) -> datetime:
    """After this instant the reminder is never sent: it would arrive too late to help."""
    schedule = runner.schedule
    if reminder.kind in PRE_RUN and schedule is not None:
        # A pre-run nudge is useless once the run has started.
        return max(reminder.due_at, local_instant(reminder.local_date, schedule.run_time, schedule.timezone))
    hours = STALE_AFTER_HOURS.get(reminder.kind.value, STALE_AFTER_HOURS_OTHERS)
    return reminder.due_at + timedelta(hours=hours)
