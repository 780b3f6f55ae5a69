"""The single-leg heel-rise self-test (docs/programme.md §5): scoring, retest timing, input.

Results are set against the medians of Hébert-Losier et al. 2017 [HL17] (n = 566),
not the older "25 is normal" criterion of Lunsford & Perry 1995
[LP95]: that was proposed from a smaller sample aged 20-59 and is a cut-off, and we never
grade a runner against a cut-off. The wording is "worth building", never a diagnosis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from core.model import History, SelfTest
from core.programme import (
    SELFTEST_AGE_ESTIMATES,
    SELFTEST_INCLINE_DEGREES,
    SELFTEST_MEDIAN,
    SELFTEST_NOISE_REPS,
    SELFTEST_PAIN_NOT_SCORED,
    SELFTEST_RETEST_DAYS,
    SELFTEST_SIDE_GAP,
)

MAX_REPS = 200  # far beyond anyone's heel rises: a bigger number is a typo
_SEX_WORDS = {"m": "men", "f": "women"}
# Exact, so a gap of exactly 10% is "within" rather than a float rounding accident.
_SIDE_GAP = Fraction(str(SELFTEST_SIDE_GAP))
_REPS = re.compile(r"(\d{1,3})\s*(?:reps?|rises?|times)?\.?", re.I | re.ASCII)


@dataclass(frozen=True, slots=True)
class SelfTestResult:
    lines: tuple[str, ...]
    worth_building: bool


def _median_line(leg: str, reps: int, sex: str) -> tuple[str, bool]:
    median = SELFTEST_MEDIAN[sex]
    if reps >= median:
        return (f"{leg} leg: {reps} rises, at or above the median of {median} "
                f"for {_SEX_WORDS[sex]} in the study [HL17]."), False
    return (f"{leg} leg: {reps} rises, under the median of {median} "
            f"for {_SEX_WORDS[sex]} in the study [HL17]: worth building."), True


def _medians_without_sex(left: int, right: int) -> tuple[list[str], bool]:
    """Without a sex we show both medians; only a leg under both counts as worth building."""
    both = " and ".join(f"{m} for {_SEX_WORDS[s]}" for s, m in SELFTEST_MEDIAN.items())
    lines = [f"Left {left}, right {right}. For context, the study's medians were {both} [HL17]."]
    lower = min(SELFTEST_MEDIAN.values())
    under = [leg for leg, reps in (("left", left), ("right", right)) if reps < lower]
    if under:
        lines.append(f"Your {' and '.join(under)} {'leg is' if len(under) == 1 else 'legs are'} "
                     "under both: worth building.")
    return lines, bool(under)


def _side_gap_line(left: int, right: int) -> tuple[str, bool]:
    more, fewer = max(left, right), min(left, right)
    if more == 0 or Fraction(more - fewer, more) <= _SIDE_GAP:
        return f"Left and right are within {SELFTEST_SIDE_GAP:.0%} of each other.", False
    behind = "left" if left < right else "right"
    percent = round(100 * (more - fewer) / more)
    return (f"Your {behind} side did about {percent}% fewer rises than the other: "
            f"worth building that side."), True


def _change_line(leg: str, now: int, before: int) -> str:
    change = now - before
    said = f"Since your last test, {leg}: {before} → {now}"
    if change == 0:
        return f"{said}, no change."
    if abs(change) <= SELFTEST_NOISE_REPS:
        return f"{said}: a change that may be normal day-to-day variation [HL17]."
    direction = "more" if change > 0 else "fewer"
    return f"{said}: {abs(change)} {direction}, beyond the usual test-to-test variation [HL17]."


def score_self_test(
    left: int, right: int, sex: str | None, age_band: int | None, previous: SelfTest | None,
    side_note: str = "",
) -> SelfTestResult:
    """Set each leg against the study's medians, the other leg and the last test."""
    if left < 0 or right < 0:
        raise ValueError("rep counts cannot be negative")
    known_sex = sex if sex in SELFTEST_MEDIAN else None
    lines: list[str] = []
    if known_sex is None:
        lines, worth = _medians_without_sex(left, right)
    else:
        scored = [_median_line(leg, reps, known_sex) for leg, reps in (("Left", left), ("Right", right))]
        lines = [line for line, _ in scored]
        worth = any(flag for _, flag in scored)
        estimate = SELFTEST_AGE_ESTIMATES.get(age_band or 0, {}).get(known_sex)
        if estimate:
            lines.append(f"Rough context only: a model from the same study puts {_SEX_WORDS[known_sex]} "
                         f"in their {age_band}s at about {estimate} [HL17].")
    gap_line, gap = _side_gap_line(left, right)
    lines.append(gap_line)
    if side_note:  # what the sessions said about the sides (core/sides.py)
        lines.append(side_note)
    if previous is not None:
        lines.append(_change_line("left", left, previous.left))
        lines.append(_change_line("right", right, previous.right))
    lines.append(f"A flat floor is a little easier than the study's {SELFTEST_INCLINE_DEGREES}° incline, "
                 "so treat these as a rough guide.")
    worth = worth or gap
    lines.append("Your sessions work these muscles; a retest in a few weeks will show the trend."
                 if worth else "Nice work: keep going, and retest in a few weeks.")
    return SelfTestResult(lines=tuple(lines), worth_building=worth)


def last_scored_test(history: History) -> SelfTest | None:
    """The latest test that was compared with the norms: one that hurt 6+/10 measured the pain."""
    scored = [t for t in history.self_tests if t.pain is None or t.pain < SELFTEST_PAIN_NOT_SCORED]
    return scored[-1] if scored else None


def retest_due(history: History, today: date) -> bool:
    """Offer a (re)test once SELFTEST_RETEST_DAYS[0] days have passed [D].

    Before any test the clock starts at the first session, so a new runner has a few
    weeks of training behind them first. Test dates are the UTC date of taken_at.
    """
    wait = SELFTEST_RETEST_DAYS[0]
    if history.self_tests:
        last = max(t.taken_at for t in history.self_tests).date()
        return (today - last).days >= wait
    if not history.sessions:
        return False
    first = min(s.local_date for s in history.sessions)
    return (today - first).days >= wait


def parse_reps(text: str) -> int | None:
    """A whole number of heel rises, 0 to MAX_REPS, from "23" or " 23 reps"; else None."""
    match = _REPS.fullmatch(text.strip())
    if not match:
        return None
    reps = int(match[1])
    return reps if reps <= MAX_REPS else None
