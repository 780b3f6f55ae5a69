"""Left against right: the side differences /progress and the self-test show (core/sides.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.model import ExerciseResult, History, Outcome, Session, SessionStatus, Side
from core.programme import SIDE_LOOKBACK_DAYS
from core.selftest import score_self_test
from core.sides import selftest_side_line, side_differences, side_lines, sorer_side

TODAY = date(2026, 12, 3)
SPLIT, HINGE = 2, 3


def session(days_ago: int, *sides: tuple[int, int | None, int | None]) -> Session:
    """One session `days_ago`, with (exercise, left, right) per result; the pain is the worse side."""
    day = TODAY - timedelta(days=days_ago)
    at = datetime.combine(day, time(7), UTC)
    results = tuple(ExerciseResult(e, 1, Outcome.DONE, max(left or 0, right or 0), at, pain_left=left,
                                   pain_right=right) for e, left, right in sides)
    return Session(number=100 - days_ago, started_at=at, local_date=day, status=SessionStatus.COMPLETED,
                   results=results)


def history(*sessions: Session) -> History:
    return History(sessions=tuple(sorted(sessions, key=lambda s: s.number)))


def test_only_results_scored_apart_and_different_count() -> None:
    found = side_differences(history(session(3, (SPLIT, 1, 4), (HINGE, None, None)), session(1, (SPLIT, 2, 2))),
                             TODAY - timedelta(days=10))
    assert [(d.exercise, d.worse) for d in found] == [(SPLIT, Side.RIGHT)]


@pytest.mark.parametrize(("days_ago", "shown"), [(SIDE_LOOKBACK_DAYS, True), (SIDE_LOOKBACK_DAYS + 1, False)],
                         ids=["at-the-edge", "older"])
def test_the_lookback_edge(days_ago: int, shown: bool) -> None:
    assert bool(side_lines(history(session(days_ago, (SPLIT, 0, 3))), TODAY)) is shown


def test_progress_lines_name_the_exercise_count_and_latest_scores() -> None:
    lines = side_lines(history(session(5, (SPLIT, 0, 3)), session(2, (SPLIT, 1, 4), (HINGE, 3, 0))), TODAY)
    assert lines == ["• Split squat: the right side hurt more twice (last 01 Dec: left 1/10, right 4/10)",
                     "• SL deadlift: the left side hurt more once (last 01 Dec: left 3/10, right 0/10)"]
    mixed = side_lines(history(session(5, (SPLIT, 3, 0)), session(2, (SPLIT, 1, 4))), TODAY)
    assert mixed == ["• Split squat: one side hurt more twice, the left once and the right once "
                     "(last 01 Dec: left 1/10, right 4/10)"]


def test_a_tie_names_no_side() -> None:
    assert sorer_side(history(session(5, (SPLIT, 0, 3)), session(2, (HINGE, 3, 0))), TODAY) is None
    assert selftest_side_line(history(session(5, (SPLIT, 0, 3)), session(2, (HINGE, 3, 0))), TODAY, Side.LEFT) == ""


def test_the_self_test_says_when_the_sore_side_is_also_the_weaker_one() -> None:
    sore_right = history(session(5, (SPLIT, 0, 3)), session(2, (SPLIT, 1, 4)))
    same = selftest_side_line(sore_right, TODAY, Side.RIGHT)
    assert same.startswith("In your sessions lately your right side hurt more (twice), the same side")
    other = selftest_side_line(sore_right, TODAY, Side.LEFT)
    assert other.endswith("keep an eye on it.") and "same side" not in other
    lines = score_self_test(30, 20, "m", None, None, same).lines
    assert lines[lines.index(next(l for l in lines if "fewer rises than the other" in l)) + 1] == same
