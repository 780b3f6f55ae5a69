"""What reminders say, and the buttons they carry.

Reminder buttons are "standalone": they stay valid whatever the dialogue is doing,
and each handler checks that what it refers to is still open (a second press of
the same morning check, or yesterday's nudge, changes nothing).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.consistency import trained_today
from core.flows.base import pain_rows
from core.flows.ending import close_unfinished, not_ready_on, record_level_decisions
from core.flows.hold import stop_for_red_flag
from core.flows.nudges import on_nudge_skip, on_nudge_snooze, on_nudge_start
from core.flows.summary import weekly_summary
from core.model import Direction, MorningCheck, Session
from core.pain import parse_score
from core.programme import CHECK_IN_AFTER_MISSED_WEEKS, PAIN_MAX, SNOOZE_MINUTES, STOP_FROM, session_minutes
from core.progression import decisions_after_morning
from core.redflags import REVIEW_ADVICE
from core.schedule import ReminderKind, next_strength_day
from core.texts import BUTTON_PROBLEM, MOBILITY_OFFER, PAIN_QUESTION, PAIN_SCALE, number_word, short_date
from core.trend import morning_settled, referral_due
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
    if runner.unreachable:
        return
    if kind is ReminderKind.CLEARANCE:
        _clearance(turn)
        return
    if not runner.onboarded:
        return
    close_unfinished(turn)  # a session left open yesterday never silences today's nudge
    if kind is ReminderKind.WEEKLY:
        await weekly_summary(turn, local_date)
        return
    if runner.is_paused(local_date):
        return
    if kind is ReminderKind.MORNING:
        session = pending_morning(turn, local_date)
        if session is not None:
            turn.say(f"Good morning! After yesterday's session: {PAIN_QUESTION}\n{PAIN_SCALE}",
                     turn.standalone_keyboard(_morning_rows(session.number)))
    elif kind in (ReminderKind.SESSION, ReminderKind.SNOOZE):
        _nudge(turn, local_date)
    elif kind is ReminderKind.RUN_NOTE:
        if not_ready_on(turn.history, local_date) is not None:
            return
        schedule = runner.schedule
        next_day = next_strength_day(schedule, local_date + timedelta(days=1)) if schedule else None
        when = f" Next strength session: {short_date(next_day)}." if next_day else ""
        turn.say(f"Run day, no strength work today. {MOBILITY_OFFER}{when}",
                 turn.standalone_keyboard(((("Turn these notes off", "notes_off", ""),),)))
    elif kind is ReminderKind.CHECK_IN:
        turn.update_runner(quiet=True)  # one message, then quiet until they write
        turn.say(f"It's been {number_word(CHECK_IN_AFTER_MISSED_WEEKS)} weeks or so without a session. Still there? "
                 "No pressure: when you're ready, we'll start a little easier. If you're injured or away, a pause "
                 "keeps things quiet.",
                 turn.standalone_keyboard(((("Start a session", "nudge_start", turn.today.isoformat()),
                                            ("Pause for a while", "pause", "")),)))


def _nudge(turn: Turn, day: date) -> None:
    history = turn.history
    if trained_today(history, day) or history.active_session is not None or not_ready_on(history, day):
        return
    schedule = turn.runner.schedule
    turn.update_runner(snoozed_until=None)
    minutes = session_minutes(turn.runner.levels)
    if schedule is not None and day.weekday() not in schedule.run_days:
        head = f"Strength day: time for your {minutes}-minute heels-up session. Ready?"
    else:
        at = schedule.run_time.strftime("%H:%M") if schedule else "soon"
        when = "today" if day == turn.today else f"on {short_date(day)}"
        head = f"Run at {at} {when}: time for your {minutes}-minute heels-up warm-up. Ready?"
    turn.say(head, turn.standalone_keyboard((
        (("Start now", "nudge_start", day.isoformat()),
         (f"Snooze {SNOOZE_MINUTES} min", "nudge_snooze", day.isoformat()),
         ("Skip today", "nudge_skip", day.isoformat())),)))


def _clearance(turn: Turn) -> None:
    """"Remind me later" on the clearance step, a few days on: ask again if it's still open."""
    if turn.runner.clearance_reminder_at is None:
        return
    turn.update_runner(clearance_reminder_at=None)
    if turn.runner.onboarded or turn.dialogue.state != "clearance":
        return
    from core.flows.onboarding import ask_clearance

    turn.say("A reminder, as promised: have you been able to check with a health provider?")
    with turn.reasking():  # the buttons already on screen keep working too
        ask_clearance(turn)


async def on_morning(turn: Turn, arg: str) -> None:
    number_text, _, score_text = arg.partition(".")
    session = turn.history.session(int(number_text)) if number_text.isdigit() else None
    score = int(score_text) if score_text.isdigit() and int(score_text) <= 10 else None
    if session is None or score is None or not session.results:
        turn.notice("That check is no longer open; nothing changed.")
        return
    if session.morning is not None:
        turn.notice(f"Already noted: {session.morning.score}/{PAIN_MAX} ✓")
        return
    turn.chosen(f"This morning: {score}/{PAIN_MAX}")
    take_morning(turn, session, score)


def take_morning(turn: Turn, session: Session, score: int) -> None:
    session = replace(session, morning=MorningCheck(score=score, recorded_at=turn.now))
    turn.save_session(session)
    decisions = decisions_after_morning(turn.runner, turn.history, session.number, turn.today)
    lines = record_level_decisions(turn, decisions)
    if morning_settled(turn.history, session):
        head = "Settled overnight ✓"
    else:
        eased = any(d.direction is Direction.REGRESS for d in decisions)
        before = session.readiness or 0
        head = (f"It didn't settle overnight ({score}/{PAIN_MAX} vs {before}/{PAIN_MAX} before the session), "
                + ("so we ease off:" if eased else "so no step up this time."))
    parts = [head, "\n".join(lines)]
    if referral_due(turn.runner, turn.history, turn.today, turn.now):
        turn.update_runner(referral_shown_at=turn.now)
        parts.append(REVIEW_ADVICE)
    turn.say("\n\n".join(p for p in parts if p))
    if score >= STOP_FROM:
        stop_for_red_flag(turn, "pain", "Please rest and have it checked by a clinician.\n"
                                        f"Pain at {score}/{PAIN_MAX} the morning after is too much to train on.")


async def morning_text(turn: Turn, text: str) -> bool:
    """A typed score between sessions answers this morning's open check, if there is one."""
    score = parse_score(text)
    session = pending_morning(turn, turn.today) if score is not None else None
    if session is None or score is None or not turn.runner.onboarded:
        return False
    turn.say(f"This morning: {score}/{PAIN_MAX} ✓")
    take_morning(turn, session, score)
    return True


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

__all__ = ["BUTTON_PROBLEM", "STANDALONE", "due", "morning_text"]
