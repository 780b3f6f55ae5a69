"""Left against right: where a runner said one side hurt more, for /progress and the self-test.

Only results where the runner tapped "One side differs" carry both sides; the rest felt the
same. A side that hurt more now and then is a thing to watch, never a diagnosis.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from core.model import History, Side
from core.programme import EXERCISES, PAIN_MAX, SIDE_LOOKBACK_DAYS


@dataclass(frozen=True, slots=True)
class SideDifference:
    """One exercise of one session where one side hurt more."""

    exercise: int
    day: date
    left: int
    right: int

    @property
    def worse(self) -> Side:
        return Side.LEFT if self.left > self.right else Side.RIGHT


def side_differences(history: History, since: date) -> tuple[SideDifference, ...]:
    """Every exercise result since `since` (inclusive) whose sides were scored apart, oldest first."""
    return tuple(
        SideDifference(r.exercise, s.local_date, r.pain_left, r.pain_right)
        for s in history.sessions if s.local_date >= since
        for r in s.results
        if r.pain_left is not None and r.pain_right is not None and r.pain_left != r.pain_right
    )


def sorer_side(history: History, today: date) -> tuple[Side, int] | None:
    """The side that hurt more more often lately, and how often; None when neither stands out."""
    since = date.fromordinal(today.toordinal() - SIDE_LOOKBACK_DAYS)
    counts = Counter(d.worse for d in side_differences(history, since))
    if not counts or counts[Side.LEFT] == counts[Side.RIGHT]:
        return None
    side = max(counts, key=lambda s: counts[s])
    return side, counts[side]


def side_lines(history: History, today: date) -> list[str]:
    """/progress: one line per exercise where a side hurt more lately, with the latest scores."""
    since = date.fromordinal(today.toordinal() - SIDE_LOOKBACK_DAYS)
    lines = []
    for index, exercise in enumerate(EXERCISES):
        found = [d for d in side_differences(history, since) if d.exercise == index]
        if not found:
            continue
        last, worse = found[-1], Counter(d.worse for d in found)
        if len(worse) == 1:
            said = f"the {last.worse.value} side hurt more {_times(len(found))}"
        else:
            said = (f"one side hurt more {_times(len(found))}, the left {_times(worse[Side.LEFT])} "
                    f"and the right {_times(worse[Side.RIGHT])}")
        lines.append(f"• {exercise.short}: {said} (last {last.day:%d %b}: "
                     f"left {last.left}/{PAIN_MAX}, right {last.right}/{PAIN_MAX})")
    return lines


def selftest_side_line(history: History, today: date, weaker: Side | None) -> str:
    """The self-test's word on sides: which side hurt more in sessions, and whether it is the weaker one."""
    sorer = sorer_side(history, today)
    if sorer is None:
        return ""
    side, times = sorer
    said = f"In your sessions lately your {side.value} side hurt more ({_times(times)})"
    if weaker is side:
        return (f"{said}, the same side that did fewer rises: build it gently, and if it keeps hurting, "
                "a physio can take a look.")
    return f"{said}; keep an eye on it."


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"
