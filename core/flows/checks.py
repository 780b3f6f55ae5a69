"""What reminders say, and the buttons they carry.

Reminder buttons are "standalone": they stay valid whatever the dialogue is doing,
and each handler checks that what it refers to is still open (a second press of
the same morning check, or yesterday's nudge, changes nothing).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.consistency import consistency, trained_today
from core.flows.base import pain_rows
from core.flows.idle import show_idle
from core.flows.onboarding import stop_for_red_flag
from core.flows.session import begin_session, record_level_decisions
from core.model import MorningCheck, Session, SessionStatus
from core.pain import settled
from core.programme import MOBILITY_DRILL, SNOOZE_MINUTES, STOP_FROM
from core.progress import progress_data, progress_text
from core.progression import decisions_after_morning, weekly_trend
from core.redflags import REVIEW_ADVICE
from core.replies import Picture
from core.schedule import ReminderKind, local_instant, next_strength_day
from core.texts import BUTTON_PROBLEM, short_date
from core.turn import Turn


def _morning_rows(session_number: int) -> tuple:
    return tuple(tuple((label, "morning", f"{session_number}.{arg}") for label, _, arg in row)
                 for row in pain_rows("morning"))


def pending_morning(turn: Turn, morning_date: date) -> Session | None:
    for session in reversed(turn.history.sessions):
        if session.local_date == morning_date - timedelta(days=1) and session.results and session.morning is None:
            return session
    return None


async def due(turn: Turn, kind: ReminderKind, local_date: date) -> None:
    """A reminder fell due: say what it should say, or nothing if it no longer applies."""
    runner = turn.runner
    if not runner.onboarded or runner.unreachable:
        return
    if kind is ReminderKind.WEEKLY:
        await _weekly(turn)
        return
    if runner.is_paused(local_date):
        return
    if kind is ReminderKind.MORNING:
        session = pending_morning(turn, local_date)
        if session is not None:
            turn.say(("Good morning! How do your feet, calves and legs feel after yesterday's session? "
                      "Pain or stiffness right now, 0 = none, 10 = worst imaginable."),
                     turn.standalone_keyboard(_morning_rows(session.number)))
    elif kind in (ReminderKind.SESSION, ReminderKind.SNOOZE):
        if trained_today(turn.history, local_date) or turn.history.active_session is not None:
            return
        schedule = runner.schedule
        at = schedule.run_time.strftime("%H:%M") if schedule else "soon"
        turn.update_runner(snoozed_until=None)
        turn.say(f"Run at {at} today: time for your 15-20 minute heels-up warm-up. Ready?",
                 turn.standalone_keyboard((
                     (("Start now", "nudge_start", local_date.isoformat()),
                      (f"Snooze {SNOOZE_MINUTES} min", "nudge_snooze", local_date.isoformat()),
                      ("Skip today", "nudge_skip", local_date.isoformat())),)))
    elif kind is ReminderKind.RUN_NOTE:
        schedule = runner.schedule
        next_day = next_strength_day(schedule, local_date + timedelta(days=1)) if schedule else None
        when = f" Next strength session: {short_date(next_day)}." if next_day else ""
        turn.say(f"Run day, no strength work today. {MOBILITY_DRILL}{when}",
                 turn.standalone_keyboard(((("Turn these notes off", "notes_off", ""),),)))
    elif kind is ReminderKind.CHECK_IN:
        turn.update_runner(quiet=True)  # one message, then quiet until they write
        turn.say("It's been a couple of weeks without a session. Still there? No pressure: when you're "
                 "ready, we'll start a little easier. If you're injured or away, a pause keeps things quiet.",
                 turn.standalone_keyboard(((("Start a session", "nudge_start", turn.today.isoformat()),
                                            ("Pause for a while", "pause", "")),)))


async def _weekly(turn: Turn) -> None:
    runner, history = turn.runner, turn.history
    schedule = runner.schedule
    week = consistency(history, schedule.sessions_target if schedule else 2, turn.today)
    trend = weekly_trend(history, turn.today)
    lines = [f"Your week: {week.this_week}/{week.target} strength sessions"
             + (" ✓ target met" if week.met_this_week else "")]
    if trend.this_week is not None:
        lines.append(f"Morning pain average: {trend.this_week:.1f}/10"
                     + (" (up on last week, so no level rises this week)" if trend.rising else ""))
    if trend.review_suggested:
        lines.append(REVIEW_ADVICE)
    lines.append("")
    lines.append(progress_text(runner, history, turn.today))
    picture = None
    if history.sessions:
        data = progress_data(runner, history, turn.today)  # the same chart as /progress
        png = await turn.services.charts.progress_png(data)
        picture = Picture(f"tiptoe-week-{turn.today.isoformat()}.png", png, data.caption)
    turn.say("\n".join(lines), picture=picture)


async def on_morning(turn: Turn, arg: str) -> None:
    number_text, _, score_text = arg.partition(".")
    session = turn.history.session(int(number_text)) if number_text.isdigit() else None
    score = int(score_text) if score_text.isdigit() and int(score_text) <= 10 else None
    if session is None or score is None or not session.results:
        turn.notice("That check is no longer open; nothing changed.")
        return
    if session.morning is not None:
        turn.notice(f"Already noted: {session.morning.score}/10 ✓")
        return
    turn.chosen(f"This morning: {score}/10")
    session = replace(session, morning=MorningCheck(score=score, recorded_at=turn.now))
    turn.save_session(session)
    lines = record_level_decisions(turn, decisions_after_morning(turn.runner, turn.history, session.number,
                                                                 turn.today))
    head = ("Settled overnight ✓" if settled(session.readiness, score)
            else f"It didn't settle overnight ({score}/10 vs {session.readiness or 0}/10 before the session), "
                 "so we ease off.")
    parts = [head, "\n".join(lines)]
    if weekly_trend(turn.history, turn.today).review_suggested:
        parts.append(REVIEW_ADVICE)
    if score >= STOP_FROM:
        stop_for_red_flag(turn, "pain", f"Pain at {score}/10 the morning after is too much to train on. "
                                        "Please rest and have it checked by a clinician.")
        turn.say("\n\n".join(parts))
        return
    turn.say("\n\n".join(p for p in parts if p))


async def on_nudge_start(turn: Turn, arg: str) -> None:
    if arg != turn.today.isoformat() and turn.history.active_session is None:
        turn.notice("That reminder was for another day; send /session to start today's.")
        return
    turn.chosen("Starting")
    begin_session(turn)


async def on_nudge_snooze(turn: Turn, arg: str) -> None:
    if arg != turn.today.isoformat():
        turn.notice("That reminder was for another day; nothing changed.")
        return
    if turn.runner.snoozed_until is not None and turn.runner.snoozed_until > turn.now:
        turn.notice("Already snoozed ✓")
        return
    schedule = turn.runner.schedule
    if schedule is not None:
        run_starts = local_instant(turn.today, schedule.run_time, schedule.timezone)
        if turn.now + timedelta(minutes=SNOOZE_MINUTES) >= run_starts:
            turn.notice("Too close to your run to snooze: tap Start now, or Skip today.")
            return
    if any(s.local_date == turn.today and s.status is SessionStatus.SKIPPED for s in turn.history.sessions):
        turn.notice("You've skipped today, so no more reminders today ✓")  # a snooze would nudge again
        return
    turn.update_runner(snoozed_until=turn.now + timedelta(minutes=SNOOZE_MINUTES))
    turn.chosen(f"Snoozed for {SNOOZE_MINUTES} min")


async def on_nudge_skip(turn: Turn, arg: str) -> None:
    if arg != turn.today.isoformat():
        turn.notice("That reminder was for another day; nothing changed.")
        return
    if any(s.local_date == turn.today and s.status is SessionStatus.SKIPPED for s in turn.history.sessions):
        turn.notice("Already skipped ✓")
        return
    if turn.history.active_session is not None or trained_today(turn.history, turn.today):
        turn.notice("You've already started today's session; send /session to carry on.")
        return
    number = max((s.number for s in turn.history.sessions), default=0) + 1
    turn.save_session(Session(number=number, started_at=turn.now, local_date=turn.today,
                              status=SessionStatus.SKIPPED, ended_at=turn.now))
    turn.update_runner(snoozed_until=None)
    turn.chosen("Skipped today")
    schedule = turn.runner.schedule
    next_day = next_strength_day(schedule, turn.today + timedelta(days=1)) if schedule else None
    show_idle(turn, "No problem, enjoy your run." + (f" Next session: {short_date(next_day)}." if next_day else ""))


async def on_notes_off(turn: Turn, arg: str) -> None:
    schedule = turn.runner.schedule
    if schedule is None or not schedule.offday_notes:
        turn.notice("Already off ✓")
        return
    turn.update_runner(schedule=replace(schedule, offday_notes=False))
    turn.chosen("Off-day notes off (turn them back on in /settings)")


async def on_pause(turn: Turn, arg: str) -> None:
    from core.flows.settings import cmd_pause

    turn.chosen("")
    await cmd_pause(turn, "")


STANDALONE = {
    "morning": on_morning,
    "nudge_start": on_nudge_start,
    "nudge_snooze": on_nudge_snooze,
    "nudge_skip": on_nudge_skip,
    "notes_off": on_notes_off,
    "pause": on_pause,
}

__all__ = ["BUTTON_PROBLEM", "STANDALONE", "due"]
