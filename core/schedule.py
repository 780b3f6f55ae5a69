"""When things happen: strength days from run days, and due times in the runner's zone.

Every due time is worked out from the runner's local wall clock and turned into a
UTC instant here, so the scheduler only ever compares UTC instants. Wall times that
daylight saving skips fire when the clocks jump; repeated ones fire once, the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from itertools import combinations

from core.model import History, Runner, Schedule
from core.programme import CHECK_IN_AFTER_MISSED_WEEKS, DEFAULT_LEAD_MINUTES, WEEKLY_SUMMARY_AT
from core.zones import zone_for

__all__ = ["WEEKDAY_FULL", "WEEKDAY_NAMES", "DueReminder", "ReminderKind", "choose_strength_days", "local_date",
           "local_instant", "local_time", "next_session_day", "next_strength_day", "reminders_between",
           "run_day_for", "session_start", "zone_for"]  # zone_for: also here for the callers that work in local dates

WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_FULL: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}

# ---- strength days ------------------------------------------------------------------


def _gaps(days: tuple[int, ...]) -> tuple[int, ...]:
    """Days from each chosen day to the next, wrapping Sunday to Monday."""
    return tuple((days[(i + 1) % len(days)] - d - 1) % 7 + 1 for i, d in enumerate(days))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _preference(days: tuple[int, ...]) -> tuple[int, int]:
    """Fewest back-to-back pairs (Sun -> Mon counts), then the largest smallest gap."""
    gaps = _gaps(days) if len(days) > 1 else (7,)
    return (sum(g == 1 for g in gaps), -min(gaps))


def _with_non_run_days(run_days: frozenset[int], count: int) -> tuple[frozenset[int], str]:
    """Fewer run days than sessions: every run day, plus non-run days spread between them [D]."""
    free = sorted(set(range(7)) - run_days)
    extra = min(combinations(free, count - len(run_days)),
                key=lambda e: (_preference(tuple(sorted(run_days | set(e)))), e))
    chosen = tuple(sorted(run_days | set(extra)))
    names = _join([WEEKDAY_NAMES[d] for d in chosen])
    runs = _join([WEEKDAY_NAMES[d] for d in sorted(run_days)])
    others = _join([WEEKDAY_NAMES[d] for d in extra])
    run_part = (f"{runs} is your run day" if len(run_days) == 1 else f"{runs} are your run days") if run_days else ""
    other_part = (f"{others} is a non-run day, for a stand-alone session" if len(extra) == 1
                  else f"{others} are non-run days, for stand-alone sessions")
    why = "; ".join(p for p in (run_part, other_part + " at the same time of day") if p)
    return frozenset(chosen), f"{names}: {why}"


def choose_strength_days(run_days: frozenset[int], target: int) -> tuple[frozenset[int], str]:
    """Pick `target` strength days, run days first, spread as far apart as possible.

    Preference: fewest back-to-back pairs (Sun -> Mon counts), then the largest smallest
    gap, then the earliest days of the week. With fewer run days than sessions, non-run
    days make up the number (a one-run-day runner still trains twice a week [LIIRA25]).
    Returns the days and a one-line reason.
    """
    if any(d not in range(7) for d in run_days):
        raise ValueError(f"run days must be 0 (Mon) to 6 (Sun), got {sorted(run_days)}")
    if not run_days:
        return frozenset(), "No run days yet, so no strength days either."
    count = min(max(target, 1), 7)
    if count > len(run_days):
        return _with_non_run_days(run_days, count)

    best = min(combinations(sorted(run_days), count), key=lambda days: (_preference(days), days))
    names = _join([WEEKDAY_NAMES[d] for d in best])
    if count == 1:
        why = "your only run day" if len(run_days) == 1 else "the first of your run days"
        return frozenset(best), f"{names}: {why}"
    gaps = _gaps(best)
    every_run_day = count == len(run_days)
    if 1 not in gaps:
        if every_run_day:
            return frozenset(best), f"{names}: your run days, with rest between them"
        return frozenset(best), f"{names}: your run days with the most rest between them"
    # Name the days as the runner lives them: start after the longest rest, so a
    # Sunday-Monday pair reads "Sun and Mon".
    longest = max(range(count), key=lambda i: (gaps[i], -i))
    in_order = best[longest + 1:] + best[:longest + 1]
    in_pairs = [d for d in in_order
                if (d + 1) % 7 in best or (d - 1) % 7 in best]
    together = _join([WEEKDAY_NAMES[d] for d in in_pairs])
    if every_run_day:
        because = f"you only run on those {_COUNT_WORDS[count]} days"
    else:
        because = f"your run days leave no room for {_COUNT_WORDS[count]} with rest between"
    advice = f"{together} are back to back, as {because}: keep each session easy"
    if len(in_pairs) == count:
        return frozenset(best), advice
    return frozenset(best), f"{names}: {advice}"


def next_strength_day(schedule: Schedule, today: date) -> date:
    """The first strength day on or after `today`."""
    if not schedule.strength_days:
        raise ValueError("the schedule has no strength days")
    ahead = min((d - today.weekday()) % 7 for d in schedule.strength_days)
    return today + timedelta(days=ahead)


def next_session_day(schedule: Schedule, now: datetime) -> date:
    """The first strength day whose run is still ahead: today's until its run time, then the next."""
    day = next_strength_day(schedule, local_date(now, schedule.timezone))
    if local_instant(day, schedule.run_time, schedule.timezone) <= _utc(now):
        day = next_strength_day(schedule, day + timedelta(days=1))
    return day


# ---- local wall time <-> UTC instants -----------------------------------------------


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware instant, got {instant!r}")
    return instant.astimezone(timezone.utc)


def _gap_end(wall: datetime, zone: tzinfo) -> datetime:
    """The UTC instant clocks jump over a skipped wall time (the gap's end)."""
    # fold=1 reads the skipped time with the later offset (an instant before the jump),
    # fold=0 with the earlier one (an instant after it): the jump lies in between.
    low = _utc(wall.replace(tzinfo=zone, fold=1))
    high = _utc(wall.replace(tzinfo=zone, fold=0))
    after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def local_instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of wall time `at` on `day` in zone `tz`.

    A time skipped by a spring-forward jump fires when the clocks jump; a time that
    happens twice at fall-back fires at its first occurrence, so only once.
    """
    zone = zone_for(tz)
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    instant = _utc(wall.replace(tzinfo=zone))
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        return _gap_end(wall, zone)
    return instant


def local_date(instant: datetime, tz: str) -> date:
    return _utc(instant).astimezone(zone_for(tz)).date()


def local_time(instant: datetime, tz: str) -> time:
    return _utc(instant).astimezone(zone_for(tz)).time().replace(fold=0)


def session_start(schedule: Schedule, day: date) -> datetime:
    """When the strength session should start on `day`: the run time minus the lead.

    The lead is subtracted from the UTC instant, so it is real minutes even across a jump.
    """
    lead = DEFAULT_LEAD_MINUTES if schedule.lead_minutes is None else schedule.lead_minutes
    run = local_instant(day, schedule.run_time, schedule.timezone)
    return run - timedelta(minutes=lead)


def run_day_for(schedule: Schedule, instant: datetime) -> date:
    """The run day a pre-run nudge at `instant` belongs to: tomorrow's, once its session window opened.

    A run at 00:10 with a 30-minute lead is nudged at 23:40 the evening before; that nudge,
    and a snooze of it, carry the run's date.
    """
    today = local_date(instant, schedule.timezone)
    tomorrow = today + timedelta(days=1)
    return tomorrow if session_start(schedule, tomorrow) <= _utc(instant) else today


# ---- reminders ----------------------------------------------------------------------


class ReminderKind(StrEnum):
    SESSION = "session"  # pre-run nudge on a strength day
    RUN_NOTE = "run_note"  # short pre-run note on the other run days
    MORNING = "morning"  # next-morning check after a session
    WEEKLY = "weekly"  # Sunday summary
    CHECK_IN = "check_in"  # "are you still there?" after missed weeks
    SNOOZE = "snooze"  # a snoozed pre-run nudge, back after SNOOZE_MINUTES
    CLEARANCE = "clearance"  # "Remind me later" on the set-up's clearance step


_KIND_ORDER = {kind: i for i, kind in enumerate(ReminderKind)}


@dataclass(frozen=True, slots=True)
class DueReminder:
    kind: ReminderKind
    local_date: date  # the runner's day it belongs to (the run day; the morning itself)
    due_at: datetime  # UTC

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.local_date.isoformat()}"


def _check_in_day(runner: Runner, history: History, schedule: Schedule) -> date | None:
    """The one strength day a check-in belongs to in the current gap, if any.

    The gap counts from the later of the last session with results, the day the runner
    joined and the end of a pause; full Monday-to-Sunday weeks must pass after it.
    """
    if not schedule.strength_days:
        return None
    created = runner.created_at
    created = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    anchors = [local_date(created, schedule.timezone)]
    anchors += [s.local_date for s in history.sessions if s.results]
    if runner.paused_until is not None and runner.paused_until != date.max:
        anchors.append(runner.paused_until)
    anchor = max(anchors)
    try:
        first_full_week = anchor + timedelta(days=7 - anchor.weekday())
        day = next_strength_day(schedule, first_full_week + timedelta(weeks=CHECK_IN_AFTER_MISSED_WEEKS))
    except OverflowError:
        return None  # a typed pause ending at the edge of the calendar: no check-in to plan
    # The gap starts after any dated pause, so only a hold or an open pause covers `day`.
    return None if runner.is_paused(day) else day


def reminders_between(
    runner: Runner, history: History, start: datetime, end: datetime
) -> tuple[DueReminder, ...]:
    """Every reminder with start < due_at <= end, sorted by due time then kind."""
    schedule = runner.schedule
    if not runner.onboarded or schedule is None or runner.unreachable:
        return ()
    start, end = _utc(start), _utc(end)
    if end <= start:
        return ()
    tz = schedule.timezone
    # One day either side: a lead can move a nudge across local midnight.
    first, last = local_date(start, tz) - timedelta(days=1), local_date(end, tz) + timedelta(days=1)
    weekly_day, weekly_at = WEEKLY_SUMMARY_AT[0], time(*WEEKLY_SUMMARY_AT[1:])
    check_in = _check_in_day(runner, history, schedule)
    unanswered = {s.local_date + timedelta(days=1) for s in history.sessions
                  if s.results and s.morning is None}

    found: dict[str, DueReminder] = {}

    def add(kind: ReminderKind, day: date, due_at: datetime) -> None:
        if start < due_at <= end:
            reminder = DueReminder(kind, day, due_at)
            found[reminder.key] = reminder

    day = first
    while day <= last:
        if not runner.is_paused(day):
            weekday = day.weekday()
            nudges = schedule.lead_minutes is not None
            if weekday in schedule.strength_days and nudges:
                add(ReminderKind.SESSION, day, session_start(schedule, day))
            elif weekday in schedule.run_days and nudges and schedule.offday_notes:
                add(ReminderKind.RUN_NOTE, day, session_start(schedule, day))
            if day in unanswered:
                add(ReminderKind.MORNING, day, local_instant(day, schedule.morning_time, tz))
            if weekday == weekly_day:
                add(ReminderKind.WEEKLY, day, local_instant(day, weekly_at, tz))
            if day == check_in:
                add(ReminderKind.CHECK_IN, day, session_start(schedule, day))
        day += timedelta(days=1)
    return tuple(sorted(found.values(), key=lambda r: (r.due_at, _KIND_ORDER[r.kind])))
