"""Wording shared by several parts of the dialogue."""

from __future__ import annotations

from datetime import date

from core.model import Schedule
from core.schedule import WEEKDAY_NAMES, choose_strength_days, next_strength_day

HELP = (
    "Here's what I can do:\n"
    "/session: start today's strength session (15-20 min)\n"
    "/progress: your levels, pain trend and a chart\n"
    "/selftest: the single-leg heel-raise test (every 4-6 weeks)\n"
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


def day_list(days: frozenset[int]) -> str:
    names = [WEEKDAY_NAMES[d] for d in sorted(days)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def short_date(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day.strftime('%b')}"


def schedule_summary(schedule: Schedule, today: date) -> str:
    _, why = choose_strength_days(schedule.run_days, schedule.sessions_target)
    lead = (f"I'll remind you {schedule.lead_minutes} min before your run on those days."
            if schedule.lead_minutes is not None else "Reminders are off; start with /session whenever you like.")
    return (
        f"You run on {day_list(schedule.run_days)} at {schedule.run_time.strftime('%H:%M')} "
        f"({schedule.timezone}).\n"
        f"Strength days: {why}\n"
        f"{lead}\n"
        f"Next session: {short_date(next_strength_day(schedule, today))}."
    )
