"""Pain over time: did it settle overnight, is it rising week on week, is it persistent?

The next-morning and week-to-week rules are the pain-monitoring model's [SILB07]; the
first-week soreness allowance and the persistent-pain referral are ours [D]. Thresholds
live in core/programme.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean

from core.consistency import ONE_WEEK, week_start
from core.model import Direction, History, Profile, Runner, Session, Zone
from core.pain import exercise_zone, settled
from core.programme import (
    FIRST_WEEK_DAYS,
    FIRST_WEEK_SORENESS_POINTS,
    REDUCED_LOAD_DAYS_FOR_REVIEW,
    REFERRAL_NOT_GREEN_SESSIONS,
    REFERRAL_OF_LAST_SESSIONS,
    REFERRAL_QUIET_DAYS,
    RISING_WEEKS_FOR_REVIEW,
    WEEKLY_RISE_POINTS,
)

GAP_CAUSE = "gap"  # a drop after a break is not a response to pain
# Weekly means of whole-number scores: this only absorbs float error at the exact edge.
_FLOAT_SLACK = 1e-9


# ---- the next morning [SILB07] -------------------------------------------------------


def first_day(history: History) -> date | None:
    """The local date of the runner's first session with anything recorded."""
    return min((s.local_date for s in history.sessions if s.results), default=None)


def soreness_allowance(history: History, session: Session) -> int:
    """Points a morning score may rise over the pre-session score and still count as settled [D].

    New exercise makes muscles a little sore for a day or two; in the first week a rise of
    FIRST_WEEK_SORENESS_POINTS is that, not pain that failed to settle.
    """
    first = first_day(history)
    if first is not None and (session.local_date - first).days < FIRST_WEEK_DAYS:
        return FIRST_WEEK_SORENESS_POINTS
    return 0


def morning_settled(history: History, session: Session) -> bool:
    """Whether that session's next-morning check settled: no worse than before it, give or take soreness."""
    if session.morning is None:
        return False
    return settled(session.readiness, session.morning.score, soreness_allowance(history, session))


# ---- week to week [SILB07] -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trend:
    this_week: float | None  # mean next-morning score, None when there is none yet
    last_week: float | None
    rising: bool
    rising_weeks: int
    review_suggested: bool  # suggest a physio or GP review (docs/programme.md §6)


def _weekly_means(history: History, today: date) -> dict[date, float]:
    scores: dict[date, list[int]] = defaultdict(list)
    for session in history.sessions:
        if session.morning is None:
            continue
        # The check is about the morning after the session, so it belongs to that day.
        morning_day = session.local_date + timedelta(days=1)
        if morning_day <= today:
            scores[week_start(morning_day)].append(session.morning.score)
    return {monday: fmean(values) for monday, values in scores.items()}


def _rose(means: dict[date, float], monday: date) -> bool:
    now, before = means.get(monday), means.get(monday - ONE_WEEK)
    return now is not None and before is not None and now - before >= WEEKLY_RISE_POINTS - _FLOAT_SLACK


def _not_improving_on_reduced_load(history: History, means: dict[date, float], today: date) -> bool:
    """Reduced load for ~2 weeks and this week's morning pain no better [SILB07]."""
    this_week = means.get(week_start(today))
    if this_week is None or this_week <= 0:
        return False
    changes = sorted(history.level_changes, key=lambda c: c.decided_at)
    last_progress = max((c.decided_at for c in changes if c.direction is Direction.PROGRESS), default=None)
    eased = [c for c in changes if c.direction is Direction.REGRESS and c.cause != GAP_CAUSE
             and (last_progress is None or c.decided_at > last_progress)]
    if not eased:
        return False
    eased_on = eased[0].decided_at.date()
    if (today - eased_on).days < REDUCED_LOAD_DAYS_FOR_REVIEW:
        return False
    that_week = means.get(week_start(eased_on))
    return that_week is not None and this_week >= that_week


def weekly_trend(history: History, today: date) -> Trend:
    means = _weekly_means(history, today)
    monday = week_start(today)
    rising_weeks = 0
    while _rose(means, monday - rising_weeks * ONE_WEEK):
        rising_weeks += 1
    return Trend(
        this_week=means.get(monday),
        last_week=means.get(monday - ONE_WEEK),
        rising=rising_weeks > 0,
        rising_weeks=rising_weeks,
        review_suggested=(rising_weeks >= RISING_WEEKS_FOR_REVIEW
                          or _not_improving_on_reduced_load(history, means, today)),
    )


# ---- persistent pain: a one-time suggestion to get it looked at [D] -------------------


def persistent_exercises(history: History, profile: Profile) -> tuple[int, ...]:
    """Exercises scored amber or red in REFERRAL_NOT_GREEN_SESSIONS of their last REFERRAL_OF_LAST_SESSIONS."""
    found = []
    indexes = sorted({r.exercise for s in history.sessions for r in s.results})
    for exercise in indexes:
        scores = [r.pain for s in history.sessions if (r := s.result_for(exercise)) is not None
                  and r.pain is not None][-REFERRAL_OF_LAST_SESSIONS:]
        sore = sum(1 for p in scores if exercise_zone(p, profile) in (Zone.AMBER, Zone.RED))
        if sore >= REFERRAL_NOT_GREEN_SESSIONS:
            found.append(exercise)
    return tuple(found)


def referral_due(runner: Runner, history: History, today: date, now: datetime) -> bool:
    """Persistent or unsettling pain, and no suggestion in the last REFERRAL_QUIET_DAYS."""
    shown = runner.referral_shown_at
    if shown is not None and now - shown < timedelta(days=REFERRAL_QUIET_DAYS):
        return False
    return bool(persistent_exercises(history, runner.profile)) or weekly_trend(history, today).review_suggested
