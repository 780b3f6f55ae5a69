"""Level decisions: end of session, next morning, gaps, and the weekly morning trend."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.model import (
    Direction,
    Effort,
    ExerciseResult,
    History,
    LevelChange,
    MorningCheck,
    Outcome,
    Profile,
    Runner,
    Session,
    SessionStatus,
)
from core.progression import (
    Cause,
    Decision,
    apply,
    as_level_changes,
    decisions_after_morning,
    decisions_after_session,
    gap_decisions,
    hard_in_a_row,
    weekly_trend,
)

MON = date(2025, 3, 3)  # a Monday; every day below is an offset from it
CALF, SQUAT, SPLIT, HINGE, BRIDGE = range(5)
FREE, REHAB = Profile.PAIN_FREE, Profile.REHAB
DONE, TOO_HARD, SKIPPED, STOPPED = Outcome.DONE, Outcome.TOO_HARD, Outcome.SKIPPED, Outcome.STOPPED
HOLD, UP, DOWN = Direction.HOLD, Direction.PROGRESS, Direction.REGRESS


# ---- building histories ---------------------------------------------------------------


def day(offset: int) -> date:
    return MON + timedelta(days=offset)


def at(offset: int, hour: int = 7) -> datetime:
    return datetime.combine(day(offset), time(hour), tzinfo=UTC)


def runner(levels: tuple[int, ...] = (2, 2, 2, 2, 2), profile: Profile = FREE, injury: bool = False) -> Runner:
    return Runner(key="terminal:ann", platform="terminal", chat_id="ann", name="Ann", created_at=at(-60),
                  profile=profile, injury_history=injury, levels=levels)


def result(exercise: int, pain: int | None, outcome: Outcome = DONE, level: int = 2) -> ExerciseResult:
    return ExerciseResult(exercise, level, outcome, pain, at(0))


def session(number: int, offset: int, *results: ExerciseResult, readiness: int | None = 0,
            morning: int | None = None, status: SessionStatus = SessionStatus.COMPLETED) -> Session:
    check = MorningCheck(morning, at(offset + 1, 6)) if morning is not None else None
    return Session(number=number, started_at=at(offset), local_date=day(offset), status=status,
                   readiness=readiness, ended_at=at(offset, 8), results=results, morning=check)


def change(exercise: int, from_level: int, to_level: int, offset: int, cause: str, hour: int = 12) -> LevelChange:
    return LevelChange(0, exercise, from_level, to_level, "", at(offset, hour), cause)


# One squat session as (pain, next-morning score, level, outcome).
Squat = tuple[int | None, int | None, int, Outcome]


def sq(pain: int | None = 1, morning: int | None = 0, level: int = 2, outcome: Outcome = DONE) -> Squat:
    return (pain, morning, level, outcome)


def squat_sessions(specs: list[Squat], readiness: int = 0) -> History:
    """Squat sessions two days apart from MON, numbered 1, 2, ..."""
    return History(sessions=tuple(
        session(n, 2 * (n - 1), result(SQUAT, pain, outcome, level), readiness=readiness, morning=morning)
        for n, (pain, morning, level, outcome) in enumerate(specs, 1)
    ))


def morning_after_last(history: History) -> date:
    return history.sessions[-1].local_date + timedelta(days=1)


def only(decisions: tuple[Decision, ...]) -> Decision:
    assert len(decisions) == 1, decisions
    return decisions[0]


# ---- the one line -----------------------------------------------------------------------


def test_line_for_a_step_up() -> None:
    decision = Decision(SQUAT, 3, 4, "two easy sessions in a row", "progress")
    assert decision.direction is UP
    assert decision.line() == "Squat: level 3 → 4 — two easy sessions in a row"


def test_line_for_pain_after_a_session() -> None:
    decision = only(decisions_after_session(runner(), session(1, 0, result(CALF, 5))))
    assert decision.direction is DOWN
    assert decision.line() == "Calf hold: level 2 → 1 — pain 5/10 today"


def test_line_for_an_amber_hold() -> None:
    decision = only(decisions_after_session(runner(), session(1, 0, result(BRIDGE, 3))))
    assert decision.direction is HOLD
    assert decision.line() == "Bridge: staying at level 2 — pain 3/10, try a smaller range"


# ---- end of a session -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "level", "outcome", "pain", "to_level", "cause", "says"),
    [
        (FREE, 3, DONE, 0, 3, "hold", "counts toward moving up"),
        (FREE, 3, DONE, 2, 3, "hold", "counts toward moving up"),
        (FREE, 3, DONE, 3, 3, "hold", "pain 3/10, try a smaller range"),
        (FREE, 3, DONE, 4, 2, "pain", "pain 4/10 today"),
        (FREE, 3, DONE, 6, 2, "pain", "pain 6/10 today"),
        (FREE, 3, STOPPED, 7, 2, "pain", "pain 7/10 today"),
        (REHAB, 3, DONE, 5, 3, "hold", "pain 5/10, try a smaller range"),
        (REHAB, 3, DONE, 6, 2, "pain", "pain 6/10 today"),
        (FREE, 1, DONE, 5, 1, "pain", "already the gentlest version"),
        (FREE, 2, DONE, 5, 1, "pain", "pain 5/10 today"),
        (FREE, 3, TOO_HARD, 1, 2, "too_hard", "too hard"),
        (FREE, 3, TOO_HARD, 3, 2, "too_hard", "too hard"),
        (FREE, 3, TOO_HARD, 5, 2, "pain", "pain 5/10 today"),
        (FREE, 1, TOO_HARD, 1, 1, "too_hard", "already the gentlest version"),
        (FREE, 3, SKIPPED, None, 3, "hold", "skipped"),
        (FREE, 3, STOPPED, None, 3, "hold", "stopped early"),
        (FREE, 7, DONE, 1, 7, "hold", "top level"),
    ],
    ids=["green-0", "green-2-edge", "amber-3", "red-4", "red-6", "stop-7", "rehab-amber-5", "rehab-red-6",
         "red-at-level-1-holds", "red-at-level-2-drops-to-1", "too-hard-green", "too-hard-amber",
         "too-hard-and-red-is-pain", "too-hard-at-level-1-holds", "skipped", "stopped-unscored", "top-level"],
)
def test_after_session(profile: Profile, level: int, outcome: Outcome, pain: int | None,
                       to_level: int, cause: str, says: str) -> None:
    r = runner(levels=(level,) * 5, profile=profile)
    decision = only(decisions_after_session(r, session(1, 0, result(SQUAT, pain, outcome, level))))
    assert (decision.exercise, decision.from_level, decision.to_level, decision.cause) == (SQUAT, level, to_level, cause)
    assert says in decision.reason


def test_after_session_one_decision_per_exercise_with_a_result() -> None:
    s = session(1, 0, result(BRIDGE, 1), result(CALF, 5), status=SessionStatus.STOPPED)
    decisions = decisions_after_session(runner(), s)
    assert [(d.exercise, d.direction) for d in decisions] == [(CALF, DOWN), (BRIDGE, HOLD)]


def test_after_session_without_results_decides_nothing() -> None:
    assert decisions_after_session(runner(), session(1, 0, status=SessionStatus.NOT_READY)) == ()


# ---- applying decisions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to_level", "stored"),
    [(0, 1), (1, 1), (2, 2), (7, 7), (8, 7)],
    ids=["below-min-clamped", "min", "inside", "max", "above-max-clamped"],
)
def test_apply_sets_and_clamps_levels(to_level: int, stored: int) -> None:
    updated = apply(runner(levels=(3, 3, 3, 3, 3)), [Decision(SPLIT, 3, to_level, "", "pain")])
    assert updated.levels == (3, 3, stored, 3, 3)


def test_as_level_changes_keeps_only_moves_numbered_in_order() -> None:
    decisions = [
        Decision(CALF, 2, 2, "counts toward moving up", "hold"),
        Decision(SQUAT, 2, 3, "two easy sessions in a row", "progress"),
        Decision(BRIDGE, 2, 1, "pain 5/10 today", "pain"),
    ]
    now = at(4, 9)
    assert as_level_changes(decisions, 7, now) == (
        LevelChange(7, SQUAT, 2, 3, "two easy sessions in a row", now, "progress"),
        LevelChange(8, BRIDGE, 2, 1, "pain 5/10 today", now, "pain"),
    )


# ---- next morning: progress -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("specs", "to_level", "says"),
    [
        ([sq(), sq()], 3, "two easy sessions in a row"),
        ([sq()], 2, "one more easy session to move up"),
        ([sq(), sq(), sq()], 3, "two easy sessions in a row"),
        ([sq(pain=2), sq(pain=2)], 3, "two easy sessions in a row"),
        ([sq(pain=3), sq()], 2, "one more easy session to move up"),
        ([sq(), sq(pain=3)], 2, "two easy sessions in a row to move up"),
        ([sq(), sq(pain=3), sq()], 2, "one more easy session to move up"),
        ([sq(pain=3), sq(), sq()], 3, "two easy sessions in a row"),
        ([sq(), sq(outcome=TOO_HARD), sq()], 2, "one more easy session to move up"),
        ([sq(), sq(pain=None, outcome=SKIPPED), sq()], 2, "one more easy session to move up"),
        ([sq(morning=2), sq()], 2, "one more easy session to move up"),
        ([sq(morning=None), sq()], 2, "one more easy session to move up"),
        ([sq(level=1), sq()], 2, "one more easy session to move up"),
    ],
    ids=["two-easy", "one-is-not-enough", "three-easy", "pain-2-edge-is-green", "amber-first",
         "amber-latest", "amber-in-between-resets", "amber-then-two-easy", "too-hard-in-between-resets",
         "skipped-in-between-resets", "unsettled-morning-blocks", "missing-morning-blocks",
         "easy-at-the-level-below-does-not-count"],
)
def test_progress_needs_two_easy_settled_sessions_in_a_row(specs: list[Squat], to_level: int, says: str) -> None:
    h = squat_sessions(specs)
    decision = only(decisions_after_morning(runner(), h, len(specs), morning_after_last(h)))
    assert (decision.from_level, decision.to_level) == (2, to_level)
    assert decision.cause == ("progress" if to_level == 3 else "hold")
    assert says in decision.reason


def test_a_session_without_the_exercise_neither_counts_nor_breaks_the_run() -> None:
    h = History(sessions=(
        session(1, 0, result(SQUAT, 1), morning=0),
        session(2, 2, result(CALF, 1), morning=0),
        session(3, 4, result(SQUAT, 1), morning=0),
    ))
    assert only(decisions_after_morning(runner(), h, 3, day(5))).to_level == 3


@pytest.mark.parametrize(
    ("profile", "pains", "to_level"),
    [(REHAB, (2, 2), 3), (REHAB, (3, 2), 2), (REHAB, (2, 3), 2)],
    ids=["rehab-green-2", "rehab-amber-3-first", "rehab-amber-3-latest"],
)
def test_rehab_profile_progresses_on_green_only(profile: Profile, pains: tuple[int, int], to_level: int) -> None:
    h = squat_sessions([sq(pain=p) for p in pains])
    assert only(decisions_after_morning(runner(profile=profile), h, 2, morning_after_last(h))).to_level == to_level


def after_the_first_week(h: History) -> History:
    """The same sessions for a runner whose first session was a month earlier."""
    first = session(99, -30, result(CALF, 0), morning=0)
    return replace(h, sessions=(first, *h.sessions))


@pytest.mark.parametrize(
    ("readiness", "morning", "first_week", "to_level", "cause"),
    [(3, 2, False, 3, "progress"), (3, 3, False, 3, "progress"), (3, 4, False, 2, "not_settled"),
     (0, 1, False, 2, "not_settled"), (0, 1, True, 3, "progress"), (3, 4, True, 3, "progress"),
     (0, 2, True, 2, "not_settled"), (3, 5, True, 2, "not_settled")],
    ids=["morning-better", "morning-same-settles", "morning-worse-by-one", "no-pain-before-one-after",
         "first-week-one-point-of-soreness-settles", "first-week-worse-by-one-settles",
         "first-week-two-points-does-not", "first-week-worse-by-two-does-not"],
)
def test_morning_settles_when_not_worse_than_readiness(readiness: int, morning: int, first_week: bool,
                                                       to_level: int, cause: str) -> None:
    h = squat_sessions([sq(morning=morning), sq(morning=morning)], readiness=readiness)
    h = h if first_week else after_the_first_week(h)
    decision = only(decisions_after_morning(runner(), h, 2, morning_after_last(h)))
    assert (decision.to_level, decision.cause) == (to_level, cause)


def test_top_level_holds() -> None:
    h = squat_sessions([sq(level=7), sq(level=7)])
    decision = only(decisions_after_morning(runner(levels=(7,) * 5), h, 2, morning_after_last(h)))
    assert (decision.to_level, decision.reason) == (7, "top level")


def test_beyond_level_5_is_said_to_be_optional() -> None:
    h = squat_sessions([sq(level=5), sq(level=5)])
    decision = only(decisions_after_morning(runner(levels=(5,) * 5), h, 2, morning_after_last(h)))
    assert decision.line() == ("Squat: level 5 → 6 — two easy sessions in a row; this one is beyond the core five "
                               "levels, so it's optional, and “Too hard” steps back")


def test_level_4_moves_to_5() -> None:
    h = squat_sessions([sq(level=4), sq(level=4)])
    assert only(decisions_after_morning(runner(levels=(4,) * 5), h, 2, morning_after_last(h))).to_level == 5


@pytest.mark.parametrize(
    ("earlier", "to_level", "says"),
    [
        (change(SQUAT, 1, 2, 3 - 6, "progress"), 2, "one step a week: you can move up from Fri 7 Mar"),
        (change(SQUAT, 1, 2, 3 - 7, "progress"), 3, "two easy sessions in a row"),
        (change(SQUAT, 1, 2, 3 - 8, "progress"), 3, "two easy sessions in a row"),
        (change(CALF, 1, 2, 3 - 1, "progress"), 3, "two easy sessions in a row"),
        (change(SQUAT, 3, 2, 3 - 1, "pain"), 3, "two easy sessions in a row"),
    ],
    ids=["moved-up-6-days-ago", "moved-up-7-days-ago", "moved-up-8-days-ago", "other-exercise-moved-up",
         "a-drop-does-not-block"],
)
def test_one_level_up_per_exercise_per_week(earlier: LevelChange, to_level: int, says: str) -> None:
    h = replace(squat_sessions([sq(), sq()]), level_changes=(earlier,))  # today is day 3
    decision = only(decisions_after_morning(runner(), h, 2, day(3)))
    assert decision.to_level == to_level
    assert says in decision.reason


@pytest.mark.parametrize(
    ("last_week_morning", "to_level"),
    [(0, 2), (1, 2), (2, 3), (None, 3)],
    ids=["up-2-points-rising", "up-1-point-edge-rising", "flat-not-rising", "no-scores-last-week"],
)
def test_rising_morning_pain_blocks_progress(last_week_morning: int | None, to_level: int) -> None:
    before = session(1, -3, result(CALF, 1), morning=last_week_morning)  # its morning falls last week
    squats = squat_sessions([sq(morning=2), sq(morning=2)], readiness=2).sessions  # this week's mean: 2
    h = History(sessions=(before,) + tuple(replace(s, number=s.number + 1) for s in squats))
    decision = only(decisions_after_morning(runner(), h, 3, day(3)))
    assert decision.to_level == to_level
    if to_level == 2:
        assert "rising" in decision.reason


FULL_EASY = (1, 1, 1, 1, 1)
BRIDGE_AMBER = (1, 1, 1, 1, 3)


@pytest.mark.parametrize(
    ("injury", "sessions", "to_level", "says"),
    [
        (True, [FULL_EASY, FULL_EASY], 2, "two easy sessions in a row"),
        (True, [BRIDGE_AMBER, FULL_EASY], 1, "past injury"),
        (True, [BRIDGE_AMBER, BRIDGE_AMBER], 1, "past injury"),
        (False, [BRIDGE_AMBER, BRIDGE_AMBER], 2, "two easy sessions in a row"),
        (True, [BRIDGE_AMBER, FULL_EASY, FULL_EASY], 2, "two easy sessions in a row"),
    ],
    ids=["injury-two-fully-easy", "injury-one-fully-easy", "injury-none-fully-easy", "no-injury-history",
         "injury-two-fully-easy-after-amber"],
)
def test_injury_history_holds_until_two_fully_easy_sessions(injury: bool, sessions: list[tuple[int, ...]],
                                                           to_level: int, says: str) -> None:
    h = History(sessions=tuple(
        session(n, 2 * (n - 1), *(result(i, p, level=1) for i, p in enumerate(pains)), morning=0)
        for n, pains in enumerate(sessions, 1)
    ))
    decisions = decisions_after_morning(runner(levels=(1,) * 5, injury=injury), h, len(sessions),
                                        morning_after_last(h))
    squat = decisions[SQUAT]
    assert (squat.exercise, squat.to_level) == (SQUAT, to_level)
    assert says in squat.reason


# ---- next morning: did not settle ------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "level", "pain", "outcome", "earlier", "to_level", "says"),
    [
        (FREE, 2, 1, DONE, None, 2, "no step up this time"),
        (FREE, 2, 3, DONE, None, 1, "hadn't settled"),
        (FREE, 2, 5, DONE, None, 1, "hadn't settled"),
        (FREE, 2, 8, STOPPED, None, 1, "hadn't settled"),
        (FREE, 1, 5, DONE, change(SQUAT, 2, 1, 0, "pain", hour=8), 1, "already eased off"),
        (FREE, 2, 5, DONE, change(SQUAT, 3, 2, -1, "pain"), 1, "hadn't settled"),
        (FREE, 1, 3, DONE, None, 1, "gentlest"),
        (FREE, 2, None, SKIPPED, None, 2, "no step up this time"),
        (FREE, 2, 1, TOO_HARD, None, 2, "no step up this time"),
        (REHAB, 2, 4, DONE, None, 1, "hadn't settled"),
    ],
    ids=["green-holds", "amber-drops", "red-drops", "stop-drops", "red-already-lowered-that-session",
         "lowered-before-that-session-still-drops", "amber-at-level-1-holds", "skipped-holds",
         "too-hard-green-holds", "rehab-amber-drops"],
)
def test_unsettled_morning(profile: Profile, level: int, pain: int | None, outcome: Outcome,
                           earlier: LevelChange | None, to_level: int, says: str) -> None:
    s = session(1, 0, result(SQUAT, pain, outcome), readiness=0, morning=2)  # 2: more than first-week soreness
    h = History(sessions=(s,), level_changes=(earlier,) if earlier else ())
    decision = only(decisions_after_morning(runner(levels=(level,) * 5, profile=profile), h, 1, day(1)))
    assert (decision.from_level, decision.to_level, decision.cause) == (level, to_level, "not_settled")
    assert says in decision.reason


def test_unsettled_morning_decides_every_exercise_of_that_session() -> None:
    s = session(1, 0, result(CALF, 1), result(SPLIT, 3), result(BRIDGE, 5), readiness=2, morning=4)
    decisions = decisions_after_morning(runner(), History(sessions=(s,)), 1, day(1))
    assert [(d.exercise, d.to_level) for d in decisions] == [(CALF, 2), (SPLIT, 1), (BRIDGE, 1)]


@pytest.mark.parametrize(
    "h",
    [History(), History(sessions=(session(1, 0, result(SQUAT, 1)),))],
    ids=["unknown-session", "no-morning-check-yet"],
)
def test_morning_decisions_need_the_check(h: History) -> None:
    assert decisions_after_morning(runner(), h, 1, day(1)) == ()


# ---- gaps -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "levels_down"),
    [(13, 0), (14, 1), (15, 1), (27, 1), (28, 2), (29, 2)],
    ids=["13-days", "14-days", "15-days", "27-days", "28-days", "29-days"],
)
def test_gap_levels_down(days: int, levels_down: int) -> None:
    h = History(sessions=(session(1, 0, result(SQUAT, 1)),))
    decisions = gap_decisions(runner(levels=(3,) * 5), h, day(days))
    assert [(d.exercise, d.from_level, d.to_level) for d in decisions] == (
        [(i, 3, 3 - levels_down) for i in range(5)] if levels_down else [])
    assert all(d.cause == "gap" and f"{days} days" in d.reason for d in decisions)


def test_gap_never_goes_below_level_1() -> None:
    h = History(sessions=(session(1, 0, result(SQUAT, 1)),))
    decisions = gap_decisions(runner(levels=(1, 2, 3, 4, 5)), h, day(28))
    assert [(d.exercise, d.to_level) for d in decisions] == [(SQUAT, 1), (SPLIT, 1), (HINGE, 2), (BRIDGE, 3)]


def _record_gap(r: Runner, h: History, offset: int) -> tuple[Runner, History]:
    decisions = gap_decisions(r, h, day(offset))
    changes = as_level_changes(decisions, len(h.level_changes) + 1, at(offset, 9))
    return apply(r, decisions), replace(h, level_changes=h.level_changes + changes)


@pytest.mark.parametrize(
    ("visits", "final_levels"),
    [
        ([14, 14], 2),
        ([14, 20], 2),
        ([14, 28], 1),
        ([14, 28, 29], 1),
        ([28, 28], 1),
        ([28, 35], 1),
        ([15, 16, 27], 2),
    ],
    ids=["same-day-twice", "later-same-band", "14-then-28-adds-one", "14-28-29", "28-twice", "28-then-35",
         "three-calls-in-one-band"],
)
def test_gap_never_applied_twice_for_the_same_break(visits: list[int], final_levels: int) -> None:
    r, h = runner(levels=(3,) * 5), History(sessions=(session(1, 0, result(SQUAT, 1)),))
    for offset in visits:
        r, h = _record_gap(r, h, offset)
    assert r.levels == (final_levels,) * 5
    assert gap_decisions(r, h, day(visits[-1])) == ()


def test_gap_from_an_earlier_break_does_not_count_against_a_new_one() -> None:
    h = History(sessions=(session(1, 0, result(SQUAT, 1)),), level_changes=(change(SQUAT, 4, 3, -1, "gap"),))
    assert [d.to_level for d in gap_decisions(runner(levels=(3,) * 5), h, day(14))] == [2] * 5


@pytest.mark.parametrize(
    ("h", "expected"),
    [
        (History(), ()),
        (History(sessions=(session(1, 0, status=SessionStatus.NOT_READY),)), ()),
        (History(sessions=(session(1, 0, result(SQUAT, None, STOPPED), status=SessionStatus.STOPPED),)), ()),
    ],
    ids=["no-sessions", "only-not-ready", "only-stopped-before-anything-done"],
)
def test_no_gap_without_a_counted_session(h: History, expected: tuple[Decision, ...]) -> None:
    assert gap_decisions(runner(levels=(3,) * 5), h, day(40)) == expected


def test_a_not_ready_day_does_not_end_a_gap() -> None:
    h = History(sessions=(session(1, 0, result(SQUAT, 1)), session(2, 10, status=SessionStatus.NOT_READY)))
    assert len(gap_decisions(runner(levels=(3,) * 5), h, day(14))) == 5


# ---- the weekly morning trend -------------------------------------------------------------------

SUNDAY = day(20)  # the last day of the week starting day(14)


def mornings(*weeks: list[int]) -> History:
    """Next-morning scores per week, oldest week first, the last list being this week."""
    sessions = []
    for back, scores in enumerate(reversed(weeks)):
        monday = day(14 - 7 * back)
        for i, score in enumerate(scores):
            local = monday + timedelta(days=i % 7 - 1)  # its morning lands on monday + i % 7
            sessions.append(Session(len(sessions) + 1, datetime.combine(local, time(7), tzinfo=UTC), local,
                                    SessionStatus.COMPLETED, 0, None, (), MorningCheck(score, at(0))))
    return History(sessions=tuple(sorted(sessions, key=lambda s: s.local_date)))


@pytest.mark.parametrize(
    ("last_week", "this_week", "rising"),
    [
        ([1] * 10, [2] * 9 + [1], False),
        ([1] * 10, [2] * 10, True),
        ([1] * 10, [2] * 9 + [3], True),
        ([3, 3], [1, 1], False),
        ([], [5], False),
        ([1], [], False),
    ],
    ids=["up-0.9", "up-1.0", "up-1.1", "falling", "no-scores-last-week", "no-scores-this-week"],
)
def test_weekly_rise_edge(last_week: list[int], this_week: list[int], rising: bool) -> None:
    trend = weekly_trend(mornings(last_week, this_week), SUNDAY)
    assert trend.rising is rising
    assert trend.this_week == (pytest.approx(sum(this_week) / len(this_week)) if this_week else None)
    assert trend.last_week == (pytest.approx(sum(last_week) / len(last_week)) if last_week else None)


@pytest.mark.parametrize(
    ("weeks", "rising_weeks", "review"),
    [
        (([0], [1], [2]), 2, True),
        (([0], [0], [1]), 1, False),
        (([0], [1], [1]), 0, False),
        (([0], [], [5]), 0, False),
        (([0], [1], [2], [3]), 3, True),
        (([2], [0], [1], [2]), 2, True),
    ],
    ids=["rising-two-weeks", "rising-one-week", "rose-then-flat", "week-without-scores-breaks",
         "rising-three-weeks", "dip-then-rising-two"],
)
def test_review_after_two_rising_weeks(weeks: tuple[list[int], ...], rising_weeks: int, review: bool) -> None:
    trend = weekly_trend(mornings(*weeks), SUNDAY)
    assert (trend.rising_weeks, trend.review_suggested) == (rising_weeks, review)


def test_morning_belongs_to_the_day_after_the_session() -> None:
    last_sunday = day(13)
    s = Session(1, at(13), last_sunday, SessionStatus.COMPLETED, 0, None, (), MorningCheck(4, at(14, 6)))
    trend = weekly_trend(History(sessions=(s,)), day(15))
    assert (trend.this_week, trend.last_week) == (4, None)


@pytest.mark.parametrize(
    ("days_after_drop", "drop_week", "this_week", "changes", "review"),
    [
        (13, 2, 2, (change(SQUAT, 3, 2, 0, "pain"),), False),
        (14, 2, 2, (change(SQUAT, 3, 2, 0, "pain"),), True),
        (15, 2, 2, (change(SQUAT, 3, 2, 0, "pain"),), True),
        (14, 2, 3, (change(SQUAT, 3, 2, 0, "not_settled"),), True),
        (14, 2, 1, (change(SQUAT, 3, 2, 0, "pain"),), False),
        (14, 0, 0, (change(SQUAT, 3, 2, 0, "pain"),), False),
        (14, 2, 2, (change(SQUAT, 3, 2, 0, "pain"), change(CALF, 1, 2, 5, "progress")), False),
        (14, 2, 2, (change(SQUAT, 3, 2, 0, "gap"),), False),
        (14, 2, 2, (), False),
    ],
    ids=["13-days", "14-days", "15-days", "worse", "better", "no-pain-now", "moved-up-since",
         "drop-after-a-break", "never-dropped"],
)
def test_review_when_pain_does_not_improve_on_reduced_load(days_after_drop: int, drop_week: int,
                                                           this_week: int, changes: tuple[LevelChange, ...],
                                                           review: bool) -> None:
    h = History(
        sessions=(session(1, 0, result(SQUAT, 1), morning=drop_week),
                  session(2, days_after_drop - 1, result(SQUAT, 1), morning=this_week)),
        level_changes=changes,
    )
    trend = weekly_trend(h, day(days_after_drop))
    assert trend.rising_weeks == 0
    assert trend.review_suggested is review


def test_summary_lines_share_a_line_between_identical_holds_and_list_each_change() -> None:
    from core.progression import Decision, summary_lines

    decisions = [
        Decision(0, 2, 2, "one more easy session to move up", "hold"),
        Decision(1, 2, 3, "two easy sessions in a row", "progress"),
        Decision(2, 2, 2, "one more easy session to move up", "hold"),
        Decision(3, 1, 1, "skipped today", "hold"),
    ]
    assert summary_lines(decisions) == [
        "Squat: level 2 → 3 — two easy sessions in a row",
        "Calf hold, Split squat: staying at level 2 — one more easy session to move up",
        "SL deadlift: staying at level 1 — skipped today",
    ]


# ---- effort (docs/programme.md §4c) --------------------------------------------------------


def squat_with_effort(efforts: list[Effort | None], level: int = 2) -> History:
    """Green, settled squat sessions two days apart, each with the effort given."""
    return History(sessions=tuple(
        session(n, 2 * (n - 1), replace(result(SQUAT, 1, level=level), recorded_at=at(2 * (n - 1)), effort=effort),
                morning=0)
        for n, effort in enumerate(efforts, 1)
    ))


@pytest.mark.parametrize(("efforts", "direction"), [
    ([Effort.EASY, Effort.JUST_RIGHT], UP),
    ([Effort.JUST_RIGHT, Effort.JUST_RIGHT], UP),
    ([None, Effort.EASY], UP),  # a result from before effort was asked counts as it always did
    ([Effort.EASY, Effort.HARD], HOLD),
    ([Effort.HARD, Effort.EASY], HOLD),  # the hard one broke the run: one more easy session needed
    ([Effort.HARD, Effort.EASY, Effort.JUST_RIGHT], UP),
], ids=["easy-just-right", "just-right-twice", "unknown-then-easy", "then-hard", "hard-then-easy",
        "hard-then-two-fine"])
def test_only_easy_or_just_right_green_sessions_move_a_level_up(efforts, direction) -> None:
    history = squat_with_effort(efforts)
    decision = only(decisions_after_morning(runner(), history, len(efforts), morning_after_last(history)))
    assert decision.direction is direction


def test_hard_once_is_a_hold_that_says_it_does_not_count() -> None:
    history = squat_with_effort([Effort.EASY, Effort.HARD])
    decision = only(decisions_after_session(runner(), history.sessions[-1], history))
    assert decision.direction is HOLD and decision.cause == Cause.HARD
    assert decision.line() == "Squat: staying at level 2 — it felt hard today, so this one doesn't count toward moving up"


def test_hard_twice_in_a_row_holds_the_level_and_says_so() -> None:
    history = squat_with_effort([Effort.HARD, Effort.HARD])
    decision = only(decisions_after_session(runner(), history.sessions[-1], history))
    assert decision.line() == ("Squat: staying at level 2 — it felt hard two sessions in a row, so we stay at this "
                               "level until it feels just right")


@pytest.mark.parametrize(("efforts", "level_before", "streak"), [
    ([Effort.HARD, Effort.HARD, Effort.HARD], 2, 3),
    ([Effort.HARD, Effort.EASY, Effort.HARD], 2, 1),
    ([Effort.HARD, Effort.HARD], 1, 1),  # hard at another level doesn't add up
    ([Effort.HARD, Effort.EASY], 2, 0),
], ids=["three", "broken", "other-level", "not-hard"])
def test_hard_sessions_are_counted_back_at_the_same_level(efforts, level_before, streak) -> None:
    history = squat_with_effort(efforts)
    first = history.sessions[0]
    earlier = replace(first, results=(replace(first.results[0], level=level_before),))
    history = replace(history, sessions=(earlier, *history.sessions[1:]))
    assert hard_in_a_row(history, history.sessions[-1].results[0]) == streak
