"""The summary's safety section: red flags, holds, stops and pain that did not settle, with dates.

One line per event, oldest first, in plain clinical wording. The stored history says
when a session stopped for pain, when readiness was too high to start and when a
morning did not settle; a hold in force is read from the runner.
"""

from __future__ import annotations

from datetime import date

from core.model import History, Outcome, Runner, Session, SessionStatus, Zone
from core.pain import readiness_zone, settled
from core.programme import EXERCISES, STOP_FROM
from core.redflags import red_flag
from core.schedule import local_date
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


def _hold_what(reason: str) -> str:
    flag = red_flag(reason)
    return f"red flag reported: {flag.label.lower()}" if flag else f"{reason} reported"


def _hold_lines(runner: Runner, history: History, start: date, today: date) -> list[tuple[date, str]]:
    """Each hold that began or ended in the period, dated: a clinician wants to see them all."""
    zone = runner.schedule.timezone if runner.schedule else "UTC"
    lines = []
    for hold in history.holds:
        began = local_date(hold.started_at, zone)
        cleared = local_date(hold.cleared_at, zone) if hold.cleared_at else None
        if began > today or (cleared is not None and cleared < start):
            continue
        ended = (f"lifted {long_date(cleared)} when the runner reported a clinician check" if cleared
                 else "still in force")
        lines.append((began, f"{long_date(began)}: training put on hold ({_hold_what(hold.reason)}); {ended}."))
    return lines


def safety_lines(runner: Runner, history: History, sessions: tuple[Session, ...], start: date,
                 today: date) -> tuple[str, ...]:
    """Every safety event of the period, oldest first (holds among them), then what is in force today."""
    dated = [(session.local_date, line) for session in sessions for line in _session_lines(runner, session)]
    dated += _hold_lines(runner, history, start, today)
    lines = [line for _, line in sorted(dated, key=lambda item: item[0])]  # stable: same-day order kept
    if runner.clinician_hold:
        lines.append(f"Now: training on hold ({_hold_what(runner.clinician_hold)}) until the runner "
                     "reports a clinician has checked them.")
    elif runner.paused_until is not None and runner.paused_until >= today:
        lines.append(f"Now: paused by the runner ({runner.pause_reason or 'no reason given'}).")
    return tuple(lines) or ("None recorded in this period.",)
