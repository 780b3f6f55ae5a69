"""Which reminders fall due in a window: the schedule's, plus a snoozed nudge.

A runner who was asked "are you still there?" gets nothing more until they write
again (the engine clears `quiet` on any event from them).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.model import History, Runner
from core.schedule import DueReminder, ReminderKind, local_date, local_instant, reminders_between

PRE_RUN = frozenset({ReminderKind.SESSION, ReminderKind.RUN_NOTE, ReminderKind.SNOOZE})

# How long after its due time a reminder is still worth sending [D]. A pre-run nudge
# expires when the run starts (due time + the runner's lead), computed below.
STALE_AFTER: dict[ReminderKind, timedelta] = {
    ReminderKind.MORNING: timedelta(hours=4),
    ReminderKind.WEEKLY: timedelta(hours=12),
    ReminderKind.CHECK_IN: timedelta(hours=12),
}


def due_reminders(runner: Runner, history: History, start: datetime, end: datetime) -> tuple[DueReminder, ...]:
    """Every reminder with start < due_at <= end, in order."""
    if runner.quiet:
        return ()
    found = list(reminders_between(runner, history, start, end))
    snoozed = runner.snoozed_until
    if snoozed is not None and start < snoozed <= end and runner.schedule is not None and not runner.unreachable:
        day = local_date(snoozed, runner.schedule.timezone)
        if not runner.is_paused(day):
            found.append(DueReminder(ReminderKind.SNOOZE, day, snoozed))
    return tuple(sorted(found, key=lambda r: r.due_at))


def expires_at(runner: Runner, reminder: DueReminder) -> datetime:
    """After this instant the reminder is never sent: it would arrive too late to help."""
    schedule = runner.schedule
    if reminder.kind in PRE_RUN and schedule is not None:
        # A pre-run nudge is useless once the run has started.
        return max(reminder.due_at, local_instant(reminder.local_date, schedule.run_time, schedule.timezone))
    return reminder.due_at + STALE_AFTER.get(reminder.kind, timedelta(hours=1))
