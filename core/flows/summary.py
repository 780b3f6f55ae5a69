"""The Sunday summary: the week it was sent for (not the day it arrived), every level change in it."""

from __future__ import annotations

from datetime import date, timedelta

from core.consistency import consistency, week_start
from core.model import Session, SessionStatus
from core.programme import DEFAULT_SESSIONS_PER_WEEK, EXERCISES, PAIN_MAX
from core.progress import progress_data
from core.progression import summary_lines_for_changes
from core.redflags import REVIEW_ADVICE
from core.replies import Picture
from core.schedule import local_date as local_date_of, next_strength_day
from core.selftest import retest_due
from core.texts import short_date
from core.trend import referral_due, weekly_trend
from core.turn import Turn


def trained_on(sessions: tuple[Session, ...], day: date) -> bool:
    """Any session that day, finished or not: the calves are tired for a heel-raise test."""
    return any(s.local_date == day and s.status not in (SessionStatus.SKIPPED, SessionStatus.NOT_READY)
               for s in sessions)


async def weekly_summary(turn: Turn, day: date) -> None:
    """The summary for the Monday-to-Sunday week holding `day` (the reminder's own date)."""
    runner, history = turn.runner, turn.history
    schedule = runner.schedule
    monday = week_start(day)
    sunday = monday + timedelta(days=6)
    zone = schedule.timezone if schedule else "UTC"
    week = consistency(history, schedule.sessions_target if schedule else DEFAULT_SESSIONS_PER_WEEK, sunday)
    lines = [f"Your week, {short_date(monday)} to {short_date(sunday)}: {week.this_week}/{week.target} "
             "strength sessions" + (" ✓ target met" if week.met_this_week else "")
             + (f", {week.weeks_in_a_row} weeks in a row on target" if week.weeks_in_a_row > 1 else "")]
    tomorrow = sunday + timedelta(days=1)
    if not week.met_this_week and schedule is not None and schedule.strength_days and not runner.is_paused(tomorrow):
        # Short of the target: where to pick up, and no catching up [D] (docs/programme.md §3).
        # Not while a pause or a clinician hold goes on: no session is planned then.
        lines.append(f"A new week starts tomorrow: your next session is "
                     f"{short_date(next_strength_day(schedule, tomorrow))}. "
                     "No need to make up missed ones; it's the steady weeks that count.")
    trend = weekly_trend(history, sunday)
    if trend.this_week is not None:
        lines.append(f"Morning pain average: {trend.this_week:.1f}/{PAIN_MAX}"
                     + (" (up on last week, so no level rises this week)" if trend.rising else ""))
    changes = [c for c in history.level_changes if monday <= local_date_of(c.decided_at, zone) <= sunday]
    if changes:
        lines.append("Level changes this week:")
        lines.extend(f"• {line}" for line in summary_lines_for_changes(changes))
    lines.append("Levels now: " + ", ".join(f"{e.short} {runner.level(i)}" for i, e in enumerate(EXERCISES)))
    shown_this_week = (runner.referral_shown_at is not None
                       and monday <= local_date_of(runner.referral_shown_at, zone) <= sunday)
    if shown_this_week or referral_due(runner, history, sunday, turn.now):
        if not shown_this_week:
            turn.update_runner(referral_shown_at=turn.now)
        lines.append(REVIEW_ADVICE)
    if retest_due(history, day) and not trained_on(history.sessions, day) and not runner.clinician_hold:
        lines.append("It's a good time for the heel-raise self-test, on a day without a session: /selftest.")
    picture = None
    if history.sessions:
        data = progress_data(runner, history, sunday)  # the same chart as /progress
        png = await turn.services.charts.progress_png(data)
        picture = Picture(f"tiptoe-week-{sunday.isoformat()}.png", png, data.caption)
    turn.say("\n".join(lines), picture=picture)
