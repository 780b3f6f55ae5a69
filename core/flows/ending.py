"""How a session ends: the summary, the words after each score, and closing a forgotten one.

The words said after an exercise and the end-of-session summary come from the same
decision (core/progression.py), so they can't disagree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from core.consistency import consistency
from core.model import Direction, ExerciseResult, History, Outcome, Runner, Session, SessionStatus, Zone
from core.pain import exercise_zone
from core.programme import DEFAULT_SESSIONS_PER_WEEK, EXERCISES
from core.progression import (
    COUNTS_TOWARD_PROGRESS,
    Cause,
    after_exercise,
    apply,
    as_level_changes,
    decisions_after_session,
    summary_lines,
)
from core.redflags import REVIEW_ADVICE
from core.texts import RUN_EASY, short_date
from core.trend import referral_due
from core.turn import Turn

SESSION_STATES = frozenset({"readiness", "exercise", "set", "effort", "pain", "pain_side", "wrong"})


def record_level_decisions(turn: Turn, decisions: tuple) -> list[str]:
    """Apply decisions to the runner, store the changes, return the lines to show."""
    turn.update_runner(levels=apply(turn.runner, decisions).levels)
    turn.add_level_changes(as_level_changes(decisions, len(turn.history.level_changes) + 1, turn.now))
    return summary_lines(decisions)


def not_ready_on(history: History, day: date) -> Session | None:
    """The readiness check that ruled out a session on this local day, if any."""
    return next((s for s in history.sessions if s.local_date == day and s.status is SessionStatus.NOT_READY), None)


def exercise_feedback(runner: Runner, result: ExerciseResult, history: History = History()) -> str:
    """What to say right after a score: the same decision the session's end will show."""
    decision = after_exercise(runner, result, history)
    zone = exercise_zone(result.pain, runner.profile) if result.pain is not None else None
    lower = decision.direction is Direction.REGRESS
    if zone is Zone.RED:
        then = ("next time it's one level easier." if lower
                else "it's already the gentlest version, so next time go shallower and slower.")
        return f"That's over today's limit, so we stop this one for today; {then}\n{RUN_EASY}"
    if result.outcome is Outcome.TOO_HARD:
        return ("Noted: next time it's one level easier." if lower
                else "Noted. This is already the gentlest version: next time go a little shallower and slower.")
    if zone is Zone.AMBER:
        return "Noted. We'll hold this level; next time try a slightly smaller range."
    if decision.cause == Cause.HARD:
        return f"Noted: {decision.reason}. That's fine; it gets easier."
    if decision.reason == COUNTS_TOWARD_PROGRESS:
        return "Nice and easy. That counts toward moving up. ✓"
    if result.outcome is Outcome.DONE:
        return f"Nice and easy. ✓ ({decision.reason})"
    return "Noted."


def finish_session(turn: Turn, status: SessionStatus, quiet: bool = False) -> None:
    from core.flows.idle import show_idle

    session = turn.history.active_session
    if session is None:
        return
    session = replace(session, status=status, ended_at=turn.now)
    turn.save_session(session)
    decisions = decisions_after_session(turn.runner, session, turn.history)
    record_level_decisions(turn, decisions)
    if quiet:
        return
    # Easy, finished exercises all say the same thing: one line for them, one each for the rest.
    easy = [d for d in decisions if d.reason == COUNTS_TOWARD_PROGRESS]
    lines = summary_lines(d for d in decisions if d not in easy)
    if easy:
        names = ", ".join(EXERCISES[d.exercise].short for d in easy)
        lines.append(f"Easy today: {names}. That counts toward moving up.")
    minutes = max(1, round((turn.now - session.started_at).total_seconds() / 60))
    schedule = turn.runner.schedule
    week = consistency(turn.history, schedule.sessions_target if schedule else DEFAULT_SESSIONS_PER_WEEK,
                       session.local_date)
    head = "Session done! 🎉" if status is SessionStatus.COMPLETED else "Session stopped; what you did still counts."
    parts = [f"{head} ({minutes} min)", f"This week: {week.this_week}/{week.target} sessions"
             + (" (target met ✓)" if week.met_this_week else "")]
    if lines:
        parts.append("\n".join(lines))
    if referral_due(turn.runner, turn.history, turn.today, turn.now):
        turn.update_runner(referral_shown_at=turn.now)
        parts.append(REVIEW_ADVICE)
    if session.results and schedule:
        parts.append(f"Tomorrow at {schedule.morning_time.strftime('%H:%M')} I'll ask how your legs feel; "
                     "that tells us whether to move up.")
    show_idle(turn, "\n\n".join(parts))


def close_unfinished(turn: Turn) -> str:
    """A session left open past the end of its local day closes as partial; what was done counts.

    Returns the line to tell the runner, or "" when nothing was open.
    """
    session = turn.history.active_session
    if session is None or session.local_date >= turn.today:
        return ""
    turn.save_session(replace(session, status=SessionStatus.PARTIAL, ended_at=turn.now))
    record_level_decisions(turn, decisions_after_session(turn.runner, session, turn.history))
    if turn.dialogue.state in SESSION_STATES:
        turn.goto("idle", prompt="What would you like to do?")
    return (f"Your session from {short_date(session.local_date)} was left unfinished, so I've closed it; "
            "what you did counts.")
