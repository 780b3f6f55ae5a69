"""Pain-monitoring rules: one 0-10 score in, one traffic-light zone out.

The limits live in core/programme.py (docs/programme.md §4b). The default profile is stricter
than the pain-monitoring model because the article asks for a pain-free range [LIIRA25];
the rehab profile uses the model's "may reach 5/10" [SILB07].
"""

from __future__ import annotations

import re

from core.model import Profile, Zone
from core.programme import (
    AMBER_MAX_PAIN_FREE,
    AMBER_MAX_REHAB,
    GREEN_MAX,
    NOT_READY_FROM_PAIN_FREE,
    NOT_READY_FROM_REHAB,
    PAIN_MAX,
    PAIN_MIN,
    STOP_FROM,
)

LOWEST_SCORE = PAIN_MIN  # no pain
HIGHEST_SCORE = PAIN_MAX  # worst imaginable


def check_score(value: int) -> int:
    """The score itself if it is a whole number 0-10; ValueError otherwise."""
    # bool is an int subclass, but True is a button bug, not a pain score of 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a pain score is a whole number 0-10, not {value!r}")
    if not LOWEST_SCORE <= value <= HIGHEST_SCORE:
        raise ValueError(f"a pain score is 0-10, not {value}")
    return value


def _amber_max(profile: Profile) -> int:
    return AMBER_MAX_REHAB if profile is Profile.REHAB else AMBER_MAX_PAIN_FREE


def _not_ready_from(profile: Profile) -> int:
    return NOT_READY_FROM_REHAB if profile is Profile.REHAB else NOT_READY_FROM_PAIN_FREE


def exercise_zone(score: int, profile: Profile) -> Zone:
    """The zone of a score given right after an exercise (docs/programme.md §4b table)."""
    check_score(score)
    if score >= STOP_FROM:
        return Zone.STOP
    if score <= GREEN_MAX:
        return Zone.GREEN
    if score <= _amber_max(profile):
        return Zone.AMBER
    return Zone.RED


def readiness_zone(score: int, profile: Profile) -> Zone:
    """Pain now, before a session: GREEN = go, RED = no session today, STOP = see a clinician."""
    check_score(score)
    if score >= STOP_FROM:
        return Zone.STOP
    if score >= _not_ready_from(profile):
        return Zone.RED
    return Zone.GREEN


def pain_limit(profile: Profile) -> int:
    """The most pain after an exercise that stays within the runner's limits, as charts show it.

    Pain-free runners: the green zone (0-2) [LIIRA25]; cleared rehab: up to the model's 5/10 [SILB07].
    """
    return _amber_max(profile) if profile is Profile.REHAB else GREEN_MAX


def settled(readiness: int | None, morning: int, allowance: int = 0) -> bool:
    """Whether next-morning pain settled: no worse than before that session [SILB07].

    `allowance` points of rise still count as settled (first-week soreness, core/trend.py).
    A session started without a readiness score is compared with 0 (no pain), the
    cautious reading: any morning pain then counts as "did not settle".
    """
    baseline = LOWEST_SCORE if readiness is None else check_score(readiness)
    return check_score(morning) <= baseline + allowance


_SCORE = re.compile(r"(\d{1,2})\s*(?:/\s*10|out of 10)?", re.ASCII)


def parse_score(text: str) -> int | None:
    """A typed pain score: "3", "3/10", " 3 / 10 ", "3 out of 10"; None for anything else."""
    match = _SCORE.fullmatch(text.strip().lower())
    if not match:
        return None
    value = int(match[1])
    return value if LOWEST_SCORE <= value <= HIGHEST_SCORE else None
