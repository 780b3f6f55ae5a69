"""Wording shared by several parts of the dialogue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.model import History, Schedule, SessionStatus
from core.programme import (
    MOBILITY_MINUTES,
    MOBILITY_MOVES,
    PAIN_MAX,
    PAIN_MIN,
    SELFTEST_RETEST_DAYS,
    SESSION_MINUTES_RANGE,
)
from core.schedule import (
    WEEKDAY_NAMES,
    choose_strength_days,
    local_date,
    next_session_day,
    next_strength_day,
    session_start,
)

HELP = (
    "Here's what I can do:\n"
    "/start: set up, or carry on where we left off\n"
    f"/session: start today's strength session (about {SESSION_MINUTES_RANGE[0]}-{SESSION_MINUTES_RANGE[1]} min)\n"
    "/progress: your levels, pain trend and a chart\n"
    f"/selftest: the single-leg heel-raise test (every {SELFTEST_RETEST_DAYS[0] // 7}-{SELFTEST_RETEST_DAYS[1] // 7} "
    "weeks)\n"
    "/summary: one page for your physio or GP (PDF)\n"
    "/calendar: your planned sessions for your calendar app\n"
    "/link and /unlink: one runner on Telegram and Discord\n"
    "/settings: change run days, time, time zone, reminders\n"
    "/pause and /resume: for injury, illness or travel\n"
    "/export: all your data as a file\n"
    "/delete: erase everything I hold about you\n"
    "/help: this list\n\n"
    "During a session you can always tap “Something's wrong”."
)

BUTTON_PROBLEM = "That button didn't make sense to me; nothing changed."
# A sticker, photo, voice note or location: adapters answer with this one line.
ONLY_TEXT = "I only read text and buttons; please type your answer or tap a button."

# The same words before a session and the next morning, so the two scores compare like with like.
PAIN_QUESTION = "any pain or stiffness in your feet, ankles, calves, knees or hips right now?"
PAIN_SCALE = f"{PAIN_MIN} = none, {PAIN_MAX} = worst imaginable."
MOBILITY_DRILL = (f"The mobility drill ({MOBILITY_MINUTES[0]}-{MOBILITY_MINUTES[1]} min, only what feels "
                  f"comfortable): {MOBILITY_MOVES}.")
MOBILITY_OFFER = f"Optional first, {MOBILITY_MINUTES[0]}-{MOBILITY_MINUTES[1]} min of mobility: {MOBILITY_MOVES}."
MOBILITY_INSTEAD = "If you'd like to move a little instead, tap below for a gentle mobility drill."

# After a stop for pain or a red flag: what it means for the run that follows.
RUN_EASY = "Keep today's run easy, or skip it if it still hurts."
RUN_NOT_UNTIL_CHECKED = "Please don't run until you've been checked."

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number_word(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def day_list(days: frozenset[int]) -> str:
    names = [WEEKDAY_NAMES[d] for d in sorted(days)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def short_date(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day.strftime('%b')}"


def long_date(day: date) -> str:
    """"3 Nov 2026": for documents that outlive the chat."""
    return f"{day.day} {day.strftime('%b %Y')}"


def schedule_summary(schedule: Schedule, now: datetime, history: History) -> str:
    _, why = choose_strength_days(schedule.run_days, schedule.sessions_target)
    lead = (f"I'll remind you {schedule.lead_minutes} min before your run time on those days."
            if schedule.lead_minutes is not None else "Reminders are off; start with /session whenever you like.")
    return (
        f"You run on {day_list(schedule.run_days)} at {schedule.run_time.strftime('%H:%M')} "
        f"({schedule.timezone}).\n"
        f"Strength days: {why}\n"
        f"{lead}\n"
        f"Next session: {_next_session(schedule, now, history)}."
    )


def _next_session(schedule: Schedule, now: datetime, history: History) -> str:
    """The day; or today's, which no reminder announces once its reminder time has passed."""
    day = next_session_day(schedule, now)
    if any(s.local_date == day and s.status is not SessionStatus.ACTIVE for s in history.sessions):
        # Today's is done, skipped or called off: one a day, never doubled up [D].
        return short_date(next_strength_day(schedule, day + timedelta(days=1)))
    if schedule.lead_minutes is not None and session_start(schedule, day) <= now:
        # A run just after midnight is reminded the evening before: its day may be tomorrow.
        when = "today" if day == local_date(now, schedule.timezone) else short_date(day)
        return (f"{when}, before your {schedule.run_time.strftime('%H:%M')} run "
                "(too late for its reminder: start whenever you're ready)")
    return short_date(day)
