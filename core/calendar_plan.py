"""The calendar files' contents: planned strength sessions and run days, as values.

Core works out every event's local wall time, length, alarm and stable id seed; the
DocumentRenderer (bot/calendar_ics.py) writes them as iCalendar. A session starts
`lead` minutes before the run (the moment the reminder comes) and its alarm fires then;
run days are a second calendar the runner can switch off on its own. An event's uid is
a pseudonym of the runner (never a platform id), its date and its kind, so importing a
newer file updates the same events instead of adding copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from core.model import Runner
from core.programme import CALENDAR_RUN_MINUTES, CALENDAR_WEEKS, EXERCISES, session_minutes
from core.schedule import local_instant, session_start, zone_for

SESSION, RUN = "session", "run"
_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)  # SEQUENCE counts minutes from here, so a newer file wins


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    uid: str  # stable: runner pseudonym, date and kind
    kind: str  # SESSION or RUN
    day: date  # the run day it belongs to
    start: datetime  # local wall time, naive; read in CalendarPlan.timezone
    start_utc: datetime  # the same instant in UTC, for zones without an IANA name
    minutes: int
    title: str
    description: str
    alarm: bool  # an alarm at the start (the moment the pre-run reminder comes)


@dataclass(frozen=True, slots=True)
class CalendarPlan:
    name: str  # the calendar's name as apps show it
    filename: str
    timezone: str  # IANA name, "UTC" or our "UTC+05:30" form
    sequence: int  # grows with every export, so apps take the newer version of an event
    made_at: datetime  # UTC
    events: tuple[PlannedEvent, ...]


def calendar_plans(runner: Runner, pseudonym: str, today: date, now: datetime) -> tuple[CalendarPlan, CalendarPlan]:
    """The sessions calendar and the run-days calendar for the next CALENDAR_WEEKS weeks."""
    schedule = runner.schedule
    if schedule is None:
        raise ValueError("a runner without a schedule has no calendar")
    zone = zone_for(schedule.timezone)
    minutes = session_minutes(runner.levels)  # the five exercises at the runner's levels, from their doses
    levels = ", ".join(f"{e.short} {runner.level(i)}" for i, e in enumerate(EXERCISES))
    run_at = schedule.run_time.strftime("%H:%M")
    sequence = max(0, int((now - _EPOCH).total_seconds() // 60))
    sessions: list[PlannedEvent] = []
    runs: list[PlannedEvent] = []
    for offset in range(CALENDAR_WEEKS * 7):
        day = today + timedelta(days=offset)
        if day.weekday() not in schedule.run_days or runner.is_paused(day):
            continue
        run = local_instant(day, schedule.run_time, schedule.timezone)
        runs.append(_event(pseudonym, RUN, day, run, zone, CALENDAR_RUN_MINUTES, "Run",
                           "A run day from your Tiptoe schedule. Switch this calendar off if you don't need it.",
                           alarm=False))
        if day.weekday() in schedule.strength_days:
            start = session_start(schedule, day)
            sessions.append(_event(
                pseudonym, SESSION, day, start, zone, minutes, f"Heels-up strength ({minutes} min)",
                f"Your Tiptoe warm-up before the {run_at} run: five heels-up exercises at your levels ({levels}). "
                "Send /session in your chat with Tiptoe to start.", alarm=schedule.lead_minutes is not None))
    return (CalendarPlan("Tiptoe strength sessions", f"tiptoe-sessions-{today.isoformat()}.ics",
                         schedule.timezone, sequence, now, tuple(sessions)),
            CalendarPlan("Tiptoe run days", f"tiptoe-run-days-{today.isoformat()}.ics",
                         schedule.timezone, sequence, now, tuple(runs)))


def _event(pseudonym: str, kind: str, day: date, instant: datetime, zone: tzinfo, minutes: int, title: str,
           description: str, *, alarm: bool) -> PlannedEvent:
    return PlannedEvent(uid=f"{pseudonym}-{day.isoformat()}-{kind}@tiptoe", kind=kind, day=day,
                        start=instant.astimezone(zone).replace(tzinfo=None), start_utc=instant, minutes=minutes,
                        title=title, description=description, alarm=alarm)
