"""Pain zones, readiness and the next-morning rule (PROGRAMME.md §4b) at every score."""

from __future__ import annotations

import pytest

from core.model import Profile, Zone
from core.pain import check_score, exercise_zone, parse_score, readiness_zone, settled

FREE, REHAB = Profile.PAIN_FREE, Profile.REHAB
G, A, R, S = Zone.GREEN, Zone.AMBER, Zone.RED, Zone.STOP


@pytest.mark.parametrize("value", range(0, 11), ids=lambda v: f"score-{v}")
def test_check_score_accepts_every_score_0_to_10(value: int) -> None:
    assert check_score(value) == value


@pytest.mark.parametrize(
    "value",
    [-1, 11, 100, 2.5, 3.0, "3", None, True, False],
    ids=["below-0", "above-10", "far-above", "fraction", "float-whole", "text", "none", "bool-true", "bool-false"],
)
def test_check_score_rejects_anything_else(value: object) -> None:
    with pytest.raises(ValueError):
        check_score(value)  # type: ignore[arg-type]


# The §4b table, one row per score and profile.
EXERCISE_TABLE = [
    (0, G, G), (1, G, G), (2, G, G),
    (3, A, A),
    (4, R, A), (5, R, A),
    (6, R, R),
    (7, S, S), (8, S, S), (9, S, S), (10, S, S),
]


@pytest.mark.parametrize(
    ("score", "profile", "zone"),
    [(score, FREE, free) for score, free, _ in EXERCISE_TABLE]
    + [(score, REHAB, rehab) for score, _, rehab in EXERCISE_TABLE],
    ids=[f"pain-free-{s}" for s, _, _ in EXERCISE_TABLE] + [f"rehab-{s}" for s, _, _ in EXERCISE_TABLE],
)
def test_exercise_zone_follows_the_table(score: int, profile: Profile, zone: Zone) -> None:
    assert exercise_zone(score, profile) is zone


# Readiness: "no session" from 4 (pain-free) or 6 (rehab); 7+ stops everything.
READINESS_TABLE = [
    (0, G, G), (2, G, G), (3, G, G),
    (4, R, G), (5, R, G),
    (6, R, R),
    (7, S, S), (8, S, S), (10, S, S),
]


@pytest.mark.parametrize(
    ("score", "profile", "zone"),
    [(score, FREE, free) for score, free, _ in READINESS_TABLE]
    + [(score, REHAB, rehab) for score, _, rehab in READINESS_TABLE],
    ids=[f"pain-free-{s}" for s, _, _ in READINESS_TABLE] + [f"rehab-{s}" for s, _, _ in READINESS_TABLE],
)
def test_readiness_zone_edges(score: int, profile: Profile, zone: Zone) -> None:
    assert readiness_zone(score, profile) is zone


@pytest.mark.parametrize("profile", [FREE, REHAB], ids=["pain-free", "rehab"])
@pytest.mark.parametrize("score", [-1, 11], ids=["below-0", "above-10"])
def test_zones_reject_scores_out_of_range(score: int, profile: Profile) -> None:
    with pytest.raises(ValueError):
        exercise_zone(score, profile)
    with pytest.raises(ValueError):
        readiness_zone(score, profile)


@pytest.mark.parametrize(
    ("readiness", "morning", "expected"),
    [
        (3, 2, True),
        (3, 3, True),
        (3, 4, False),
        (0, 0, True),
        (0, 1, False),
        (10, 10, True),
        (None, 0, True),
        (None, 1, False),
    ],
    ids=["better", "same", "worse-by-one", "zero-zero", "zero-then-one", "ten-ten",
         "no-readiness-zero", "no-readiness-counts-as-zero"],
)
def test_settled_means_not_worse_than_before_the_session(readiness: int | None, morning: int, expected: bool) -> None:
    assert settled(readiness, morning) is expected


@pytest.mark.parametrize(("readiness", "morning"), [(3, 11), (3, -1), (11, 3)],
                         ids=["morning-above-10", "morning-below-0", "readiness-above-10"])
def test_settled_rejects_scores_out_of_range(readiness: int, morning: int) -> None:
    with pytest.raises(ValueError):
        settled(readiness, morning)


@pytest.mark.parametrize(("typed", "score"), [
    ("0", 0), ("3", 3), ("10", 10), ("3/10", 3), (" 3 / 10 ", 3), ("7 out of 10", 7),
    ("11", None), ("-1", None), ("3.5", None), ("three", None), ("", None), ("3/5", None), ("²", None),
], ids=["zero", "three", "ten", "slash-ten", "spaced", "out-of-ten", "eleven", "negative", "fraction", "word",
        "empty", "out-of-five", "superscript"])
def test_a_typed_score_reads_like_the_button(typed: str, score: int | None) -> None:
    assert parse_score(typed) == score


@pytest.mark.parametrize(("readiness", "morning", "allowance", "ok"), [
    (0, 1, 0, False), (0, 1, 1, True), (0, 2, 1, False), (3, 4, 1, True), (None, 1, 1, True), (None, 2, 1, False),
], ids=["rise-1-no-allowance", "rise-1-first-week", "rise-2-first-week", "from-3-to-4-first-week",
        "no-baseline-1", "no-baseline-2"])
def test_first_week_soreness_allowance(readiness: int | None, morning: int, allowance: int, ok: bool) -> None:
    assert settled(readiness, morning, allowance) is ok
