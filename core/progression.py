"""Next level per exercise, from pain scores, next-morning checks and gaps.

Every decision carries the one line the runner sees (PROGRAMME.md §4: "every decision is
shown to the runner with its one-line reason"). Thresholds live in core/programme.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import fmean

from core.consistency import ONE_WEEK, counts, week_start
from core.model import (
    Direction,
    ExerciseResult,
    History,
    LevelChange,
    Outcome,
    Profile,
    Runner,
    Session,
    Zone,
)
from core.pain import exercise_zone, settled
from core.programme import (
    DAYS_BETWEEN_PROGRESSIONS,
    EXERCISES,
    GAP_ONE_LEVEL_DAYS,
    GAP_TWO_LEVELS_DAYS,
    GREEN_SESSIONS_TO_PROGRESS,
    INJURY_HOLD_GREEN_SESSIONS,
    MAX_LEVEL,
    MIN_LEVEL,
    REDUCED_LOAD_DAYS_FOR_REVIEW,
    RISING_WEEKS_FOR_REVIEW,
    WEEKLY_RISE_POINTS,
)


class Cause(StrEnum):
    """Why a level moved or held; stored as LevelChange.cause."""

    PROGRESS = "progress"
    HOLD = "hold"
    PAIN = "pain"
    TOO_HARD = "too_hard"
    NOT_SETTLED = "not_settled"
    GAP = "gap"


NOT_GREEN = (Zone.AMBER, Zone.RED, Zone.STOP)
LOWER_NEXT_TIME = (Zone.RED, Zone.STOP)
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}
# Weekly means of whole-number scores: this only absorbs float error at the exact edge.
_FLOAT_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class Decision:
    exercise: int  # index into EXERCISES
    from_level: int
    to_level: int
    reason: str  # short and warm; the line() puts the exercise and levels around it
    cause: str  # a Cause value

    @property
    def direction(self) -> Direction:
        if self.to_level > self.from_level:
            return Direction.PROGRESS
        if self.to_level < self.from_level:
            return Direction.REGRESS
        return Direction.HOLD

    def line(self) -> str:
        name = EXERCISES[self.exercise].short
        if self.direction is Direction.HOLD:
            return f"{name}: staying at level {self.from_level} — {self.reason}"
        return f"{name}: level {self.from_level} → {self.to_level} — {self.reason}"


def summary_lines(decisions: Iterable[Decision]) -> list[str]:
    """One line per change; holds that say the same thing share one line."""
    lines: list[str] = []
    holds: dict[tuple[int, str], list[str]] = {}
    for decision in decisions:
        if decision.direction is Direction.HOLD:
            holds.setdefault((decision.from_level, decision.reason), []).append(EXERCISES[decision.exercise].short)
        else:
            lines.append(decision.line())
    for (level, reason), names in holds.items():
        lines.append(f"{', '.join(names)}: staying at level {level} — {reason}")
    return lines


def _clamp(level: int) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, level))


def apply(runner: Runner, decisions: Iterable[Decision]) -> Runner:
    """The runner with each decision's level set; a later decision on an exercise wins."""
    for decision in decisions:
        runner = runner.with_level(decision.exercise, _clamp(decision.to_level))
    return runner


def as_level_changes(decisions: Iterable[Decision], first_number: int, now: datetime) -> tuple[LevelChange, ...]:
    """The decisions that move a level, as numbered LevelChange records."""
    moving = [d for d in decisions if d.direction is not Direction.HOLD]
    return tuple(
        LevelChange(number=first_number + offset, exercise=d.exercise, from_level=d.from_level,
                    to_level=d.to_level, reason=d.reason, decided_at=now, cause=str(d.cause))
        for offset, d in enumerate(moving)
    )


def _hold(runner: Runner, exercise: int, reason: str, cause: str = Cause.HOLD) -> Decision:
    level = runner.level(exercise)
    return Decision(exercise, level, level, reason, cause)


def _one_down(runner: Runner, exercise: int, reason: str, cause: str) -> Decision:
    level = runner.level(exercise)
    if level <= MIN_LEVEL:
        return Decision(exercise, level, level, f"{reason}; this is already the gentlest version", cause)
    return Decision(exercise, level, _clamp(level - 1), reason, cause)


def _exercises_in(session: Session) -> tuple[int, ...]:
    return tuple(sorted({r.exercise for r in session.results}))


def _zone(result: ExerciseResult, profile: Profile) -> Zone | None:
    return None if result.pain is None else exercise_zone(result.pain, profile)


def _green_and_done(result: ExerciseResult, profile: Profile) -> bool:
    return result.outcome is Outcome.DONE and _zone(result, profile) is Zone.GREEN


def _morning_settled(session: Session) -> bool:
    return session.morning is not None and settled(session.readiness, session.morning.score)


# ---- at the end of a session --------------------------------------------------------


def _after_exercise(runner: Runner, result: ExerciseResult) -> Decision:
    exercise, zone = result.exercise, _zone(result, runner.profile)
    if zone in LOWER_NEXT_TIME:
        return _one_down(runner, exercise, f"pain {result.pain}/10 today", Cause.PAIN)
    if result.outcome is Outcome.TOO_HARD:
        return _one_down(runner, exercise, "it was too hard today", Cause.TOO_HARD)
    if zone is Zone.AMBER:
        return _hold(runner, exercise, f"pain {result.pain}/10, try a smaller range")
    if result.outcome is Outcome.SKIPPED:
        return _hold(runner, exercise, "skipped today")
    if result.outcome is Outcome.DONE and zone is Zone.GREEN:
        if runner.level(exercise) >= MAX_LEVEL:
            return _hold(runner, exercise, "top level, nicely done")
        # Progress waits for the next-morning check: pain must settle first [SILB07].
        return _hold(runner, exercise, "counts toward moving up")
    return _hold(runner, exercise, "stopped early today")


def decisions_after_session(runner: Runner, session: Session) -> tuple[Decision, ...]:
    """One decision per exercise with a result; only ever a hold or one level down."""
    results = (session.result_for(i) for i in _exercises_in(session))
    return tuple(_after_exercise(runner, r) for r in results if r is not None)


# ---- week-to-week morning pain [SILB07] ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Trend:
    this_week: float | None  # mean next-morning score, None when there is none yet
    last_week: float | None
    rising: bool
    rising_weeks: int
    review_suggested: bool  # suggest a physio or GP review (PROGRAMME.md §6)


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
    # A drop after a break is not a response to pain, so it does not start "reduced load".
    eased = [c for c in changes if c.direction is Direction.REGRESS and c.cause != Cause.GAP
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


# ---- after the next-morning check ---------------------------------------------------


def _lowered_since(history: History, exercise: int, since: datetime) -> bool:
    return any(c.exercise == exercise and c.to_level < c.from_level and c.decided_at >= since
               for c in history.level_changes)


def _after_unsettled_morning(runner: Runner, history: History, session: Session, exercise: int) -> Decision:
    result = session.result_for(exercise)
    if result is not None and _zone(result, runner.profile) in NOT_GREEN:
        if _lowered_since(history, exercise, session.started_at):
            return _hold(runner, exercise, "already eased off after that session", Cause.NOT_SETTLED)
        return _one_down(runner, exercise, "pain hadn't settled by morning", Cause.NOT_SETTLED)
    return _hold(runner, exercise, "pain hadn't settled by morning, so no step up this time", Cause.NOT_SETTLED)


def _easy_streak(sessions: Sequence[Session], exercise: int, level: int, profile: Profile) -> int:
    """How many of the latest sessions with this exercise, counting back, were easy at `level`."""
    streak = 0
    for session in reversed(sessions):
        result = session.result_for(exercise)
        if result is None:
            continue  # not reached that day: neither counts nor breaks the run
        if not (result.level == level and _green_and_done(result, profile) and _morning_settled(session)):
            break
        streak += 1
        if streak == GREEN_SESSIONS_TO_PROGRESS:
            break
    return streak


def _fully_easy_sessions(sessions: Sequence[Session], profile: Profile) -> int:
    return sum(1 for s in sessions
               if s.results and _morning_settled(s) and all(_green_and_done(r, profile) for r in s.results))


def _progressed_recently(history: History, exercise: int, today: date) -> bool:
    return any(c.exercise == exercise and c.direction is Direction.PROGRESS
               and (today - c.decided_at.date()).days < DAYS_BETWEEN_PROGRESSIONS
               for c in history.level_changes)


def _more_easy_sessions(count: int) -> str:
    if count == 1:
        return "one more easy session to move up"
    return f"{_NUMBER_WORDS.get(count, str(count))} easy sessions in a row to move up"


def _after_settled_morning(runner: Runner, history: History, sessions: Sequence[Session],
                           exercise: int, today: date, rising: bool) -> Decision:
    level = runner.level(exercise)
    if level >= MAX_LEVEL:
        return _hold(runner, exercise, "top level")
    streak = _easy_streak(sessions, exercise, level, runner.profile)
    if streak < GREEN_SESSIONS_TO_PROGRESS:
        return _hold(runner, exercise, _more_easy_sessions(GREEN_SESSIONS_TO_PROGRESS - streak))
    if runner.injury_history and _fully_easy_sessions(sessions, runner.profile) < INJURY_HOLD_GREEN_SESSIONS:
        return _hold(runner, exercise, "with your past injury, we wait for sessions where everything felt easy")
    if _progressed_recently(history, exercise, today):
        return _hold(runner, exercise, "already moved up this week")
    if rising:
        return _hold(runner, exercise, "morning pain rising week to week, so holding for now")
    words = _NUMBER_WORDS.get(GREEN_SESSIONS_TO_PROGRESS, str(GREEN_SESSIONS_TO_PROGRESS))
    return Decision(exercise, level, _clamp(level + 1), f"{words} easy sessions in a row", Cause.PROGRESS)


def decisions_after_morning(runner: Runner, history: History, session_number: int,
                            today: date) -> tuple[Decision, ...]:
    """One decision per exercise of that session, once its next-morning check is in."""
    session = history.session(session_number)
    if session is None or session.morning is None:
        return ()
    exercises = _exercises_in(session)
    if not _morning_settled(session):
        return tuple(_after_unsettled_morning(runner, history, session, i) for i in exercises)
    so_far = tuple(s for s in history.sessions if s.number <= session_number)
    rising = weekly_trend(history, today).rising
    return tuple(_after_settled_morning(runner, history, so_far, i, today, rising) for i in exercises)


# ---- easing back after a break [D] --------------------------------------------------


def _levels_owed(days: int) -> int:
    if days >= GAP_TWO_LEVELS_DAYS:
        return 2
    if days >= GAP_ONE_LEVEL_DAYS:
        return 1
    return 0


def gap_decisions(runner: Runner, history: History, today: date) -> tuple[Decision, ...]:
    """Levels down after a break, minus any already taken for the same break."""
    counted = [s for s in history.sessions if counts(s) and s.local_date <= today]
    if not counted:
        return ()
    last = max(counted, key=lambda s: (s.local_date, s.started_at))
    days = (today - last.local_date).days
    owed = _levels_owed(days)
    decisions = []
    for exercise, level in enumerate(runner.levels):
        taken = sum(c.from_level - c.to_level for c in history.level_changes
                    if c.exercise == exercise and c.cause == Cause.GAP and c.decided_at > last.started_at)
        to_level = max(MIN_LEVEL, level - (owed - taken))
        if to_level < level:
            decisions.append(Decision(exercise, level, to_level,
                                      f"{days} days since your last session, so easing back in", Cause.GAP))
    return tuple(decisions)
