"""Heel-rise self-test (PROGRAMME.md §5): medians, side gap, noise, retest timing, input."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from core.model import History, Session, SelfTest
from core.programme import SELFTEST_MEDIAN, SELFTEST_NOISE_REPS, SELFTEST_RETEST_DAYS
from core.selftest import SelfTestResult, parse_reps, retest_due, score_self_test

UTC = timezone.utc
MEN, WOMEN = SELFTEST_MEDIAN["m"], SELFTEST_MEDIAN["f"]


def previous(left: int, right: int) -> SelfTest:
    return SelfTest(number=1, taken_at=datetime(2026, 1, 1, 9, tzinfo=UTC), left=left, right=right)


def text(result: SelfTestResult) -> str:
    return "\n".join(result.lines)


# ---- the medians [HL17] -------------------------------------------------------------
# Both legs equal, so only the median decides.
MEDIAN_TABLE = [
    ("men-below", "m", MEN - 1, True),
    ("men-at", "m", MEN, False),
    ("men-above", "m", MEN + 1, False),
    ("women-below", "f", WOMEN - 1, True),
    ("women-at", "f", WOMEN, False),
    ("women-above", "f", WOMEN + 1, False),
    ("women-at-mens-median", "f", MEN, False),
    ("men-at-womens-median", "m", WOMEN, True),
    ("zero", "f", 0, True),
    # no sex given: only a leg under both medians is worth building
    ("unknown-below-both", None, WOMEN - 1, True),
    ("unknown-at-lower", None, WOMEN, False),
    ("unknown-between", None, MEN - 1, False),
    ("unknown-above-both", None, MEN + 1, False),
    ("unrecognised-sex-treated-as-unknown", "x", WOMEN, False),
]


@pytest.mark.parametrize(
    ("sex", "reps", "worth"), [row[1:] for row in MEDIAN_TABLE], ids=[row[0] for row in MEDIAN_TABLE]
)
def test_score_against_the_median(sex: str | None, reps: int, worth: bool) -> None:
    result = score_self_test(reps, reps, sex, None, None)
    assert result.worth_building is worth
    assert ("worth building" in text(result)) is worth
    assert "[HL17]" in text(result)


@pytest.mark.parametrize(
    ("sex", "shown", "not_shown"),
    [("m", [str(MEN)], [f"{WOMEN} for women"]), ("f", [str(WOMEN)], [f"{MEN} for men"]),
     (None, [f"{MEN} for men", f"{WOMEN} for women"], [])],
    ids=["men", "women", "unknown-shows-both"],
)
def test_which_medians_are_shown(sex: str | None, shown: list[str], not_shown: list[str]) -> None:
    result = text(score_self_test(30, 30, sex, None, None))
    assert all(part in result for part in shown)
    assert not any(part in result for part in not_shown)


def test_each_leg_is_compared_separately() -> None:
    result = score_self_test(MEN - 1, MEN, "m", None, None)  # gap under 10%: only the median counts
    assert result.worth_building
    left, right = result.lines[0], result.lines[1]
    assert left.startswith("Left leg") and "worth building" in left
    assert right.startswith("Right leg") and "worth building" not in right


# ---- age-band estimates: context, never a threshold -----------------------------------


@pytest.mark.parametrize(
    ("sex", "age_band", "estimate"),
    [("m", 40, "28"), ("f", 40, "24–25"), ("m", 20, "37"), ("f", 70, "16"),
     ("m", None, None), (None, 40, None), ("f", 80, None), ("m", 45, None)],
    ids=["men-40s", "women-40s-range", "men-20s", "women-70s", "no-age", "no-sex", "band-not-in-table",
         "not-a-band"],
)
def test_age_estimate_is_rough_context(sex: str | None, age_band: int | None, estimate: str | None) -> None:
    result = score_self_test(MEN + 5, MEN + 5, sex, age_band, None)
    lines = [line for line in result.lines if "Rough context" in line]
    if estimate is None:
        assert lines == []
    else:
        assert len(lines) == 1 and estimate in lines[0] and f"{age_band}s" in lines[0]
    assert not result.worth_building  # an estimate above the result never flags it


# ---- side gap: over 10% of the stronger side ------------------------------------------

SIDE_TABLE = [
    ("equal", 30, 30, False, None),
    ("exactly-10-percent", 30, 27, False, None),
    ("just-over-10-percent", 30, 26, True, "right"),
    ("exactly-10-percent-other-side", 36, 40, False, None),
    ("just-over-other-side", 35, 40, True, "left"),
    ("exactly-10-of-100", 100, 90, False, None),
    ("eleven-of-100", 100, 89, True, "right"),
    ("nine-of-100", 91, 100, False, None),
    ("both-zero", 0, 0, None, None),  # under the median, but no side gap
    ("one-side-zero", 0, 30, True, "left"),
]


@pytest.mark.parametrize(
    ("left", "right", "gap", "behind"), [row[1:] for row in SIDE_TABLE], ids=[row[0] for row in SIDE_TABLE]
)
def test_side_gap(left: int, right: int, gap: bool | None, behind: str | None) -> None:
    result = score_self_test(left, right, "m", None, None)
    gap_lines = [line for line in result.lines if "worth building that side" in line]
    assert bool(gap_lines) is bool(gap)
    if behind is not None:
        assert gap_lines[0].startswith(f"Your {behind} side")
    if gap is not None:  # every leg here is above the median, so the gap alone decides
        assert result.worth_building is gap
    else:
        assert any("within 10%" in line for line in result.lines)


# ---- change since the last test: 6 reps or fewer may be noise [HL17] -------------------

NOISE_TABLE = [
    ("same", 30, "30 → 30, no change"),
    ("up-1", 31, "may be normal day-to-day variation"),
    ("up-at-noise", 30 + SELFTEST_NOISE_REPS, "may be normal day-to-day variation"),
    ("up-past-noise", 30 + SELFTEST_NOISE_REPS + 1, "7 more, beyond the usual"),
    ("down-at-noise", 30 - SELFTEST_NOISE_REPS, "may be normal day-to-day variation"),
    ("down-past-noise", 30 - SELFTEST_NOISE_REPS - 1, "7 fewer, beyond the usual"),
]


@pytest.mark.parametrize(("now", "phrase"), [row[1:] for row in NOISE_TABLE], ids=[row[0] for row in NOISE_TABLE])
def test_change_since_last_test(now: int, phrase: str) -> None:
    result = score_self_test(now, 40, "m", None, previous(30, 40))
    left = [line for line in result.lines if line.startswith("Since your last test, left: ")]
    right = [line for line in result.lines if line.startswith("Since your last test, right: ")]
    assert len(left) == 1 and phrase in left[0] and f"30 → {now}" in left[0]
    assert right == ["Since your last test, right: 40 → 40, no change."]


def test_noise_edges_are_six_and_seven() -> None:
    assert SELFTEST_NOISE_REPS == 6  # the rows above are the spec's 6/7 edge
    six = score_self_test(36, 30, "m", None, previous(30, 24))
    seven = score_self_test(37, 31, "m", None, previous(30, 24))
    assert sum("day-to-day variation" in line for line in six.lines) == 2
    assert sum("beyond the usual" in line for line in seven.lines) == 2


def test_no_previous_test_means_no_comparison() -> None:
    result = score_self_test(30, 30, "m", None, None)
    assert not any("last test" in line or "variation" in line for line in result.lines)


# ---- wording ------------------------------------------------------------------------

WORDING_CASES = [
    (left, right, sex, age, prev)
    for left, right in [(0, 0), (10, 30), (21, 21), (24, 24), (40, 20), (60, 60)]
    for sex in ("m", "f", None)
    for age in (None, 30, 60)
    for prev in (None, previous(20, 45))
]


def test_wording_is_never_diagnostic() -> None:
    for left, right, sex, age, prev in WORDING_CASES:
        result = score_self_test(left, right, sex, age, prev)
        words = text(result).lower()
        for banned in ("weak", "risk", "injur", "diagnos", "abnormal", "deficit", "normal range"):
            assert banned not in words, (left, right, sex, banned)
        assert "10° incline" in words and "flat floor" in words
        assert ("worth building" in words) is result.worth_building
        assert all(line.strip() for line in result.lines)


def test_negative_reps_are_rejected() -> None:
    with pytest.raises(ValueError):
        score_self_test(-1, 20, "m", None, None)


# ---- retest timing ------------------------------------------------------------------

TODAY = date(2026, 3, 1)
WAIT = SELFTEST_RETEST_DAYS[0]


def sessions_from(first: date) -> tuple[Session, ...]:
    return (
        Session(number=1, started_at=datetime.combine(first, datetime.min.time(), UTC), local_date=first),
        Session(number=2, started_at=datetime.combine(TODAY, datetime.min.time(), UTC), local_date=TODAY),
    )


def self_tests_on(*days_ago: int) -> tuple[SelfTest, ...]:
    return tuple(
        SelfTest(number=i + 1, taken_at=datetime.combine(TODAY - timedelta(days=d), datetime.min.time(), UTC)
                 .replace(hour=9), left=20, right=20)
        for i, d in enumerate(days_ago)
    )


RETEST_TABLE = [
    ("nothing-yet", History(), False),
    ("first-session-today", History(sessions=sessions_from(TODAY)), False),
    ("first-session-27-days", History(sessions=sessions_from(TODAY - timedelta(days=WAIT - 1))), False),
    ("first-session-28-days", History(sessions=sessions_from(TODAY - timedelta(days=WAIT))), True),
    ("first-session-29-days", History(sessions=sessions_from(TODAY - timedelta(days=WAIT + 1))), True),
    ("last-test-27-days", History(sessions=sessions_from(date(2025, 1, 1)), self_tests=self_tests_on(WAIT - 1)), False),
    ("last-test-28-days", History(sessions=sessions_from(date(2025, 1, 1)), self_tests=self_tests_on(WAIT)), True),
    ("last-test-29-days", History(self_tests=self_tests_on(WAIT + 1)), True),
    ("latest-test-counts", History(self_tests=self_tests_on(90, 3)), False),
    ("latest-test-counts-in-any-order", History(self_tests=self_tests_on(3, 90)), False),
    ("test-today", History(self_tests=self_tests_on(0)), False),
]


@pytest.mark.parametrize(("history", "due"), [row[1:] for row in RETEST_TABLE], ids=[row[0] for row in RETEST_TABLE])
def test_retest_due(history: History, due: bool) -> None:
    assert WAIT == 28
    assert retest_due(history, TODAY) is due


# ---- reading a rep count ------------------------------------------------------------

REPS_TABLE = [
    ("23", 23),
    (" 23 reps", 23),
    ("23 rep", 23),
    ("23 rises", 23),
    ("23reps", 23),
    ("23.", 23),
    ("0", 0),
    ("200", 200),
    ("201", None),
    ("1000", None),
    ("-3", None),
    ("23.5", None),
    ("twenty", None),
    ("", None),
    ("23 24", None),
    ("left 23", None),
    ("about 23", None),
]


@pytest.mark.parametrize(("text", "expected"), REPS_TABLE, ids=[repr(t) for t, _ in REPS_TABLE])
def test_parse_reps(text: str, expected: int | None) -> None:
    assert parse_reps(text) == expected
