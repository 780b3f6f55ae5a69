"""Next level per exercise, from pain scores, next-morning checks and gaps.

Every decision carries the one line the runner sees (docs/programme.md §4: "every decision is
shown to the runner with its one-line reason"). Thresholds live in core/programme.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.consistency import counts
from core.deload import EASY_WEEK_HINT, EASY_WEEK_HOLD, easy_week
from core.model import (
    Direction,
    Effort,
    ExerciseResult,
    History,
    LevelChange,
    Outcome,
    Profile,
    Runner,
    Session,
    Zone,
)
from core.pain import exercise_zone
from core.programme import (
    CORE_LEVELS,
    DAYS_BETWEEN_PROGRESSIONS,
    EXERCISES,
    GAP_ONE_LEVEL_DAYS,
    GAP_TWO_LEVELS_DAYS,
    GREEN_SESSIONS_TO_PROGRESS,
    HARD_SESSIONS_TO_HOLD,
    INJURY_HOLD_GREEN_SESSIONS,
    MAX_LEVEL,
    MIN_LEVEL,
    PAIN_MAX,
)
from core.schedule import local_date
from core.screening import level_cap
from core.texts import number_word, short_date
from core.trend import Trend, morning_settled, weekly_trend

__all__ = ["COUNTS_TOWARD_PROGRESS", "Cause", "Decision", "Trend", "after_exercise", "apply", "as_level_changes",
           "decisions_after_morning", "decisions_after_session", "gap_decisions", "hard_in_a_row", "next_step_from",
           "next_step_hint", "summary_lines",
           "summary_lines_for_changes", "weekly_trend"]


class Cause(StrEnum):
    """Why a level moved or held; stored as LevelChange.cause."""

    PROGRESS = "progress"
    HOLD = "hold"
    PAIN = "pain"
    TOO_HARD = "too_hard"
    NOT_SETTLED = "not_settled"
    GAP = "gap"
    CLINICIAN_HOLD = "hold"  # restarted at level 1 after a clinician hold (core/holds.py)
    HARD = "hard"  # done and pain-free, but it felt hard: no step up yet


COUNTS_TOWARD_PROGRESS = "counts toward moving up"
BEYOND_CORE = "; this one is beyond the core five levels, so it's optional, and “Too hard” steps back"
NOT_GREEN = (Zone.AMBER, Zone.RED, Zone.STOP)
LOWER_NEXT_TIME = (Zone.RED, Zone.STOP)


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


def _merged(moves: Iterable[tuple[int, int, int, str]]) -> list[str]:
    """(exercise, from, to, reason) as lines; the same move for several exercises shares one line."""
    groups: dict[tuple[int, int, str], list[int]] = {}
    for exercise, from_level, to_level, reason in moves:
        groups.setdefault((from_level, to_level, reason), []).append(exercise)
    lines = []
    # Levels that move come first; holds after them.
    ordered = sorted(groups.items(), key=lambda item: item[0][0] == item[0][1])
    for (from_level, to_level, reason), exercises in ordered:
        if len(exercises) == len(EXERCISES) > 1:
            names = f"All {number_word(len(EXERCISES))}"
        else:
            names = ", ".join(EXERCISES[i].short for i in exercises)
        step = (f"staying at level {from_level}" if from_level == to_level
                else f"level {from_level} → {to_level}")
        lines.append(f"{names}: {step} — {reason}")
    return lines


def summary_lines(decisions: Iterable[Decision]) -> list[str]:
    """One line per kind of decision: exercises with the same move and reason share it."""
    return _merged((d.exercise, d.from_level, d.to_level, d.reason) for d in decisions)


def summary_lines_for_changes(changes: Iterable[LevelChange]) -> list[str]:
    return _merged((c.exercise, c.from_level, c.to_level, c.reason) for c in changes)


def _clamp(level: int, top: int = MAX_LEVEL) -> int:
    return max(MIN_LEVEL, min(top, level))


def apply(runner: Runner, decisions: Iterable[Decision]) -> Runner:
    """The runner with each decision's level set; a later decision on an exercise wins."""
    for decision in decisions:
        runner = runner.with_level(decision.exercise, _clamp(decision.to_level, level_cap(runner, decision.exercise)))
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
    """Counts toward moving up: done, pain green, and it didn't feel hard (easy or just right)."""
    return result.outcome is Outcome.DONE and _zone(result, profile) is Zone.GREEN and result.effort is not Effort.HARD


def hard_in_a_row(history: History, result: ExerciseResult) -> int:
    """Sessions in a row, this one included, in which this exercise felt hard at this level."""
    if result.effort is not Effort.HARD:
        return 0
    streak = 1
    for session in reversed(history.sessions):
        earlier = session.result_for(result.exercise)
        if earlier is None or earlier == result or earlier.recorded_at >= result.recorded_at \
                or earlier.outcome is Outcome.SKIPPED:
            continue  # this session itself, a later one, or not done that day: neither counts nor breaks
        if earlier.level != result.level or earlier.effort is not Effort.HARD:
            break
        streak += 1
    return streak


# ---- at the end of a session --------------------------------------------------------


def after_exercise(runner: Runner, result: ExerciseResult, history: History = History()) -> Decision:
    exercise, zone = result.exercise, _zone(result, runner.profile)
    if zone in LOWER_NEXT_TIME:
        return _one_down(runner, exercise, f"pain {result.pain}/{PAIN_MAX} today", Cause.PAIN)
    if result.outcome is Outcome.TOO_HARD:
        return _one_down(runner, exercise, "it was too hard today", Cause.TOO_HARD)
    if zone is Zone.AMBER:
        return _hold(runner, exercise, f"pain {result.pain}/{PAIN_MAX}, try a smaller range")
    if result.outcome is Outcome.SKIPPED:
        return _hold(runner, exercise, "skipped today")
    if result.outcome is Outcome.DONE and zone is Zone.GREEN:
        hard = hard_in_a_row(history, result)
        if hard >= HARD_SESSIONS_TO_HOLD:
            return _hold(runner, exercise, f"it felt hard {number_word(hard)} sessions in a row, so we stay at "
                                           "this level until it feels just right", Cause.HARD)
        if hard:
            return _hold(runner, exercise, "it felt hard today, so this one doesn't count toward moving up",
                         Cause.HARD)
        if runner.level(exercise) >= level_cap(runner, exercise):
            return _hold(runner, exercise, _top(runner, exercise) + ", nicely done")
        # Progress waits for the next-morning check: pain must settle first [SILB07].
        return _hold(runner, exercise, COUNTS_TOWARD_PROGRESS)
    return _hold(runner, exercise, "stopped early today")


def decisions_after_session(runner: Runner, session: Session, history: History = History()) -> tuple[Decision, ...]:
    """One decision per exercise with a result; only ever a hold or one level down."""
    results = (session.result_for(i) for i in _exercises_in(session))
    return tuple(after_exercise(runner, r, history) for r in results if r is not None)


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


def _easy_streak(history: History, sessions: Sequence[Session], exercise: int, level: int,
                 profile: Profile) -> int:
    """How many of the latest sessions with this exercise, counting back, were easy at `level`."""
    streak = 0
    for session in reversed(sessions):
        result = session.result_for(exercise)
        if result is None:
            continue  # not reached that day: neither counts nor breaks the run
        if not (result.level == level and _green_and_done(result, profile) and morning_settled(history, session)):
            break
        streak += 1
        if streak == GREEN_SESSIONS_TO_PROGRESS:
            break
    return streak


def _fully_easy(history: History, session: Session, profile: Profile) -> bool:
    """Everything done that day was easy and settled; a skipped exercise neither helps nor blocks."""
    done = [r for r in session.results if r.outcome is not Outcome.SKIPPED]
    return bool(done) and morning_settled(history, session) and all(_green_and_done(r, profile) for r in done)


def _fully_easy_sessions(history: History, sessions: Sequence[Session], profile: Profile) -> int:
    return sum(1 for s in sessions if _fully_easy(history, s, profile))


def _zone_name(runner: Runner) -> str:
    return runner.schedule.timezone if runner.schedule else "UTC"


def next_step_from(runner: Runner, history: History, exercise: int) -> date | None:
    """The first local day this exercise may move up again: one step a week at most [D]."""
    moved = [local_date(c.decided_at, _zone_name(runner)) for c in history.level_changes
             if c.exercise == exercise and c.direction is Direction.PROGRESS]
    return max(moved) + timedelta(days=DAYS_BETWEEN_PROGRESSIONS) if moved else None


def _sessions_still_needed(runner: Runner, history: History, sessions: Sequence[Session], exercise: int) -> int:
    """Easy sessions this exercise still needs before a step up, by the same rules that decide it."""
    level = runner.level(exercise)
    needed = GREEN_SESSIONS_TO_PROGRESS - _easy_streak(history, sessions, exercise, level, runner.profile)
    if runner.injury_history:
        needed = max(needed, INJURY_HOLD_GREEN_SESSIONS - _fully_easy_sessions(history, sessions, runner.profile))
    return max(needed, 0)


def _top(runner: Runner, exercise: int) -> str:
    return "top level" if level_cap(runner, exercise) >= MAX_LEVEL else "as high as it goes for you for now"


def next_step_hint(runner: Runner, history: History, exercise: int, today: date) -> str:
    """What this exercise needs to move up, worded from the rules that will decide it."""
    if runner.level(exercise) >= level_cap(runner, exercise):
        return _top(runner, exercise)
    sessions = history.sessions
    needed = _sessions_still_needed(runner, history, sessions, exercise)
    words = ("one more easy session" if needed == 1
             else f"{number_word(needed)} easy sessions in a row")
    if runner.injury_history and needed and (
            INJURY_HOLD_GREEN_SESSIONS - _fully_easy_sessions(history, sessions, runner.profile)) == needed:
        words += " where everything feels easy (with your past injury)"
    hint = f"{words} to move up"
    allowed = next_step_from(runner, history, exercise)
    if allowed is not None and allowed > today:
        hint += f" (one step a week, so not before {short_date(allowed)})"
    if easy_week(history, today):  # a session this week moves nothing up, however easy
        hint += f" ({EASY_WEEK_HINT})"
    return hint


def _after_settled_morning(runner: Runner, history: History, sessions: Sequence[Session],
                           exercise: int, today: date, rising: bool) -> Decision:
    level = runner.level(exercise)
    if level >= level_cap(runner, exercise):
        return _hold(runner, exercise, _top(runner, exercise))
    if _sessions_still_needed(runner, history, sessions, exercise) > 0:
        so_far = replace(history, sessions=tuple(sessions))
        return _hold(runner, exercise, next_step_hint(runner, so_far, exercise, today))
    allowed = next_step_from(runner, history, exercise)
    if allowed is not None and today < allowed:
        return _hold(runner, exercise, f"one step a week: you can move up from {short_date(allowed)}")
    if rising:
        return _hold(runner, exercise, "morning pain rising week to week, so holding for now")
    words = number_word(GREEN_SESSIONS_TO_PROGRESS)
    beyond = BEYOND_CORE if level + 1 > CORE_LEVELS else ""
    return Decision(exercise, level, _clamp(level + 1, level_cap(runner, exercise)),
                    f"{words} easy sessions in a row{beyond}", Cause.PROGRESS)


def decisions_after_morning(runner: Runner, history: History, session_number: int,
                            today: date) -> tuple[Decision, ...]:
    """One decision per exercise of that session, once its next-morning check is in."""
    session = history.session(session_number)
    if session is None or session.morning is None:
        return ()
    exercises = _exercises_in(session)
    if not morning_settled(history, session):
        return tuple(_after_unsettled_morning(runner, history, session, i) for i in exercises)
    if easy_week(history, session.local_date):
        return tuple(_hold(runner, i, EASY_WEEK_HOLD) for i in exercises)
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
