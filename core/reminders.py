"""Which reminders fall due in a window: the schedule's, plus a snoozed nudge."""

from __future__ import annotations

from datetime import datetime

from core.model import History, Runner
from core.schedule import DueReminder, ReminderKind, local_date, reminders_between


def due_reminders(runner: Runner, history: History, start: datetime, end: datetime) -> tuple[DueReminder, ...]:
    """Every reminder with start < due_at <= end, in order."""
    found = list(reminders_between(runner, history, start, end))
    snoozed = runner.snoozed_until
    if snoozed is not None and start < snoozed <= end and runner.schedule is not None and not runner.unreachable:
        day = local_date(snoozed, runner.schedule.timezone)
        if not runner.is_paused(day):
            found.append(DueReminder(ReminderKind.SESSION, day, snoozed))
    return tuple(sorted(found, key=lambda r: r.due_at))
