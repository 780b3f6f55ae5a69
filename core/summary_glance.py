"""The summary's first lines: the period in four sentences, for a reader with one minute."""

from __future__ import annotations

from datetime import date, timedelta

from core.consistency import counts, week_start
from core.model import Session, SessionStatus
from core.pain import settled
from core.programme import EXERCISES
from core.texts import long_date


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def glance_lines(sessions: tuple[Session, ...], start: date, today: date, target: int, pain_limit: int,
                 level_moves: tuple[int, int, int]) -> tuple[str, ...]:
    """Sessions against the target, the worst pain and how often it passed the limit, mornings, levels."""
    done = sum(1 for s in sessions if counts(s))
    full_weeks = [start + timedelta(weeks=w) for w in range((week_start(today) - start).days // 7)]
    if today.weekday() == 6:  # on a Sunday this week is complete too
        full_weeks.append(week_start(today))
    met = sum(1 for monday in full_weeks
              if sum(1 for s in sessions if counts(s) and week_start(s.local_date) == monday) >= target)
    lines = [f"Sessions: {done} in the period, target {target} a week; target met in {met} of "
             f"{len(full_weeks)} full weeks." if full_weeks
             else f"Sessions: {done} so far in the first week, target {target} a week."]
    scores = [(r.pain, s.local_date, r.exercise) for s in sessions for r in s.results if r.pain is not None]
    if scores:
        worst, day, exercise = max(scores, key=lambda item: (item[0], item[1]))
        over = sum(1 for pain, _, _ in scores if pain > pain_limit)
        lines.append(f"Pain right after exercises: highest {worst}/10 ({EXERCISES[exercise].short}, "
                     f"{long_date(day)}); above the {pain_limit}/10 limit {_times(over)} in {len(scores)} scores.")
    mornings = [s for s in sessions if s.morning is not None]
    not_ready = sum(1 for s in sessions if s.status is SessionStatus.NOT_READY)
    if mornings:
        unsettled = sum(1 for s in mornings if not settled(s.readiness, s.morning.score))
        lines.append(f"Next mornings: highest {max(s.morning.score for s in mornings)}/10; did not settle "
                     f"{_times(unsettled)} in {len(mornings)} checks. Days skipped for pain before starting: "
                     f"{not_ready}.")
    up, down, same = level_moves
    lines.append(f"Levels since {long_date(start)}: up on {up}, down on {down}, unchanged on {same} of "
                 f"{len(EXERCISES)} exercises.")
    return tuple(lines)
