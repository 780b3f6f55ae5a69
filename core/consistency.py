"""Consistency: sessions per Monday-week, weeks in a row that met the target.

Consistency matters more than intensity [LIIRA25]; a missed session is never made up by
doubling up [D], so the coach only needs to know what already happened.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from core.model import History, Outcome, Session, SessionStatus

ONE_WEEK = timedelta(days=7)


def counts(session: Session) -> bool:
    """A finished session, or one stopped or left unfinished after at least one exercise was done."""
    if session.status is SessionStatus.COMPLETED:
        return True
    if session.status in (SessionStatus.STOPPED, SessionStatus.PARTIAL):
        return any(r.outcome is Outcome.DONE for r in session.results)
    return False


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class Consistency:
    this_week: int  # counting sessions so far this Monday-week
    target: int  # sessions a week the runner chose
    weeks_in_a_row: int
    last_session: date | None  # local date of the last counting session
    days_since_last: int | None

    @property
    def met_this_week(self) -> bool:
        return self.this_week >= self.target


def counted_days(history: History, today: date) -> tuple[date, ...]:
    """Local dates of the sessions that count, up to and including today, oldest first."""
    return tuple(sorted(s.local_date for s in history.sessions if counts(s) and s.local_date <= today))


def consistency(history: History, target: int, today: date) -> Consistency:
    days = counted_days(history, today)
    per_week = Counter(week_start(d) for d in days)
    this_monday = week_start(today)

    # The week in progress only ever adds to the streak: it has until Sunday to count.
    streak = 0
    monday = this_monday - ONE_WEEK
    while per_week[monday] >= target:
        streak += 1
        monday -= ONE_WEEK
    if per_week[this_monday] >= target:
        streak += 1

    last = days[-1] if days else None
    return Consistency(
        this_week=per_week[this_monday],
        target=target,
        weeks_in_a_row=streak,
        last_session=last,
        days_since_last=(today - last).days if last else None,
    )


def trained_today(history: History, today: date) -> bool:
    """A counting session already happened on this local date (no doubling up [D])."""
    return any(counts(s) and s.local_date == today for s in history.sessions)
