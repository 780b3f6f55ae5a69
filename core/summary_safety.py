"""The summary's safety section: red flags, holds, stops and pain that did not settle, with dates.

One line per event, oldest first, in plain clinical wording. The stored history says
when a session stopped for pain, when readiness was too high to start and when a
morning did not settle; a hold in force is read from the runner.
"""

from __future__ import annotations

from datetime import date

from core.model import Outcome, Runner, Session, SessionStatus, Zone
from core.pain import readiness_zone, settled
from core.programme import EXERCISES, STOP_FROM
from core.redflags import red_flag
from core.texts import long_date


def _session_lines(runner: Runner, session: Session) -> list[str]:
    lines = []
    when = long_date(session.local_date)
    if session.status is SessionStatus.NOT_READY and session.readiness is not None:
        zone = readiness_zone(session.readiness, runner.profile)
        lines.append(f"{when}: no session; pain before starting {session.readiness}/10"
                     + (" (stop rule: see a clinician)." if zone is Zone.STOP else " (over the readiness limit)."))
    for result in session.results:
        if result.outcome is Outcome.STOPPED and result.pain is not None:
            rule = " (7+ stops the session and pauses training)" if result.pain >= STOP_FROM else ""
            lines.append(f"{when}: {EXERCISES[result.exercise].short} stopped at pain {result.pain}/10{rule}.")
    if session.status is SessionStatus.STOPPED and not any(r.outcome is Outcome.STOPPED for r in session.results):
        lines.append(f"{when}: session ended early by the runner.")
    if session.morning is not None and not settled(session.readiness, session.morning.score):
        lines.append(f"{when}: next-morning pain {session.morning.score}/10 vs {session.readiness or 0}/10 "
                     "before the session: did not settle [SILB07].")
    return lines


def safety_lines(runner: Runner, sessions: tuple[Session, ...], today: date) -> tuple[str, ...]:
    """Every safety event in the period's sessions, then any hold or pause in force today."""
    lines = [line for session in sessions for line in _session_lines(runner, session)]
    if runner.clinician_hold:
        flag = red_flag(runner.clinician_hold)
        what = f"red flag reported: {flag.label.lower()}" if flag else f"{runner.clinician_hold} reported"
        lines.append(f"Now: training on hold ({what}) until the runner reports a clinician has checked them.")
    elif runner.paused_until is not None and runner.paused_until >= today:
        lines.append(f"Now: paused by the runner ({runner.pause_reason or 'no reason given'}).")
    return tuple(lines) or ("None recorded in this period.",)
