"""The clinician summary: what core puts on it, and the real PDF it becomes (read back with pypdf)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from bot.documents import FileDocuments
from core.model import ExerciseResult, Hold, LevelChange, Outcome, Profile, Session, SessionStatus, Snapshot
from core.summary import HEADINGS, NOT_A_DIAGNOSIS, SummaryData, summary_data
from tests.documents.sample import FIRST, SELF_TESTS, TODAY, at, sample_snapshot



BOTTOM_MARGIN_PT = 10  # every line sits at least this far above the page's lower edge


async def pdf_text(data: SummaryData) -> tuple[int, str]:
    """Pages and the text of the PDF the real renderer makes, whitespace folded to single spaces.

    Also checks that no line ran off the bottom of the page (text there is in the file, but unseen).
    """
    reader = PdfReader(io.BytesIO(await FileDocuments().summary_pdf(data)))
    heights: list[float] = []

    def note_height(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    text = " ".join(page.extract_text(visitor_text=note_height) for page in reader.pages)
    assert min(heights) >= BOTTOM_MARGIN_PT, f"text runs off the page ({min(heights):.0f} pt from the edge)"
    return len(reader.pages), " ".join(text.split())


async def test_the_page_is_one_page_with_every_heading_and_the_runners_numbers() -> None:
    pages, text = await pdf_text(summary_data(sample_snapshot(), TODAY, 6))

    assert pages == 1
    for heading in HEADINGS:
        assert heading in text, heading
    assert "Sessions: 9 in the period, target 2 a week; target met in 4 of 5 full weeks." in text
    assert "highest 5/10 (Split squat, 16 Nov 2026); above the 2/10 limit 2 times in 45 scores" in text
    assert "Runner: Sam Rivera" in text and "2 Nov 2026 to 9 Dec 2026 (6 weeks)" in text
    assert text.count("not a diagnosis") == 1
    # Levels start → now, sessions done, pain median / max, next morning max, scores over 2/10.
    assert "Calf hold 1 → 3 9 0 / 1 3 0" in text
    assert "Split squat 1 → 1 8 1 / 5 3 2" in text
    assert "Current levels (1-7; above 5 optional): Calf hold 3, Squat 2, Split squat 1, SL deadlift 2, Bridge 3." in text
    # Self-tests against the norm, with the citation.
    for day, left, right in SELF_TESTS:
        assert f"{day.day} {day:%b %Y} {left} {right}" in text
    assert "3 Nov 2026 18 23 22% left below, right at or above 21 (women)" in text
    assert "Hébert-Losier K" in text and "doi:10.1016/j.physio.2017.03.002" in text
    # Safety events with their dates, and the coach's decisions with their reasons.
    assert "16 Nov 2026: Split squat stopped at pain 5/10." in text
    assert "7 Dec 2026: no session; pain before starting 4/10" in text
    assert "16 Nov 2026: Split squat, level 2 → 1 (pain 5/10 today)" in text
    assert "5 Dec 2026: Bridge, level 2 → 3 (two easy sessions in a row)" in text
    assert "limit 2/10 in this profile" in text


@pytest.mark.parametrize(("weeks", "period"), [
    (4, "16 Nov 2026 to 9 Dec 2026 (4 weeks)"),
    (6, "2 Nov 2026 to 9 Dec 2026 (6 weeks)"),
    (8, "26 Oct 2026 to 9 Dec 2026 (7 weeks, since the runner started)"),  # Sam joined on 1 Nov
    (12, "26 Oct 2026 to 9 Dec 2026 (7 weeks, since the runner started)"),
], ids=["4-weeks", "6-weeks", "8-weeks", "12-weeks"])
async def test_every_period_fits_on_one_page_and_never_starts_before_the_runner(weeks: int, period: str) -> None:
    pages, text = await pdf_text(summary_data(sample_snapshot(), TODAY, weeks))
    assert pages == 1 and period in text


def busy_snapshot() -> Snapshot:
    """Three sessions a week for twelve weeks, every one with a stop and a level change: the most text."""
    sample = sample_snapshot(hold="bone")
    sessions, changes = [], []
    day = TODAY - timedelta(weeks=12)
    while day < TODAY:
        if day.weekday() in (0, 2, 4):
            number = len(sessions) + 1
            results = tuple(ExerciseResult(i, 2, Outcome.STOPPED if i == 1 else Outcome.DONE, 5 if i == 1 else 1,
                                           at(day)) for i in range(5))
            sessions.append(Session(number, at(day), day, SessionStatus.STOPPED, 2, at(day), results))
            changes.append(LevelChange(number, 1, 2, 1, "pain 5/10 today", at(day), "pain"))
        day += timedelta(days=1)
    return replace(sample, history=replace(sample.history, sessions=tuple(sessions), level_changes=tuple(changes)))


async def test_a_crowded_twelve_weeks_still_fits_on_one_page() -> None:
    pages, text = await pdf_text(summary_data(busy_snapshot(), TODAY, 12))
    assert pages == 1
    assert text.count("(all are in the runner's /export)") == 2  # both long lists say what was left out
    assert "Now: training on hold (red flag reported: sore spot on a bone, pain at night)" in text
    assert "Rules: one level up after two easy sessions" in text


# ---- what core says -------------------------------------------------------------------------


def test_the_profile_names_the_limits_that_apply() -> None:
    default = summary_data(sample_snapshot(), TODAY, 6)
    sample = sample_snapshot()
    rehab = summary_data(replace(sample, runner=replace(sample.runner, profile=Profile.REHAB)), TODAY, 6)

    assert default.pain_limit == 2 and default.readiness_limit == 4
    assert default.profile[0].startswith("Pain limits: default pain-free profile. 0-2/10 counts as easy")
    assert rehab.pain_limit == 5 and rehab.readiness_limit == 6
    assert "may reach 5/10 and must settle by the next morning [SILB07]" in rehab.profile[0]
    assert NOT_A_DIAGNOSIS.endswith("not a diagnosis.")


def test_levels_start_where_they_stood_when_the_period_began() -> None:
    four_weeks = summary_data(sample_snapshot(), TODAY, 4)  # from Mon 16 Nov: calf was at 2 since 10 Nov
    calf, squat, split = four_weeks.exercises[:3]

    assert four_weeks.start == date(2026, 11, 16)
    assert [(p.day, p.value) for p in calf.levels] == [(date(2026, 11, 16), 2), (date(2026, 11, 28), 3)]
    assert [(p.day, p.value) for p in split.levels] == [(date(2026, 11, 16), 2), (date(2026, 11, 16), 1)]
    assert squat.row[1] == "1 → 2"


def test_a_new_runners_first_week_is_not_read_as_weeks_missed() -> None:
    sample = sample_snapshot()
    first_week = replace(sample, runner=replace(sample.runner, created_at=at(TODAY)), history=replace(
        sample.history, sessions=sample.history.sessions[-1:], level_changes=(), self_tests=()))
    data = summary_data(first_week, TODAY, 6)
    assert data.start == date(2026, 12, 7) and len(data.weeks) == 1
    assert data.glance[0] == "Sessions: 0 so far in the first week, target 2 a week."
    assert "(1 week, since the runner started)" in data.subtitle


def test_weeks_count_the_sessions_that_count_against_the_target() -> None:
    data = summary_data(sample_snapshot(), TODAY, 6)
    assert data.target == 2
    assert [(p.day, p.value) for p in data.weeks] == [
        (FIRST, 2), (date(2026, 11, 9), 2), (date(2026, 11, 16), 1), (date(2026, 11, 23), 2),
        (date(2026, 11, 30), 2), (date(2026, 12, 7), 0)]
    assert [p.value for p in data.readiness][-1] == 4  # the not-ready Monday is on the readiness chart


@pytest.mark.parametrize(("sex", "expected"), [
    ("f", "left below, right at or above 21 (women)"),
    ("m", "both below 24 (men)"),
    (None, "medians 24 for men and 21 for women (sex not given)"),
], ids=["women", "men", "not-given"])
def test_self_tests_are_set_against_the_median_for_the_runners_sex(sex: str | None, expected: str) -> None:
    sample = sample_snapshot()
    data = summary_data(replace(sample, runner=replace(sample.runner, sex=sex)), TODAY, 6)
    assert data.self_tests[0][4] == expected


def test_nothing_unsafe_reads_as_none_recorded() -> None:
    sample = sample_snapshot()
    calm = replace(sample, history=replace(sample.history, sessions=()))
    assert summary_data(calm, TODAY, 6).safety == ("None recorded in this period.",)


def test_every_hold_of_the_period_is_listed_with_its_dates() -> None:
    sample = sample_snapshot()
    holds = (Hold(1, "pain", at(date(2026, 11, 16), 6, 30), (2,), cleared_at=at(date(2026, 11, 18), 9, 0)),
             Hold(2, "bone", at(date(2026, 12, 8), 7, 0), (0, 1, 2, 3, 4)),
             Hold(0, "calf", at(date(2026, 8, 3)), (0,), cleared_at=at(date(2026, 8, 6))))  # before the period
    held = replace(sample, runner=replace(sample.runner, clinician_hold="bone"),
                   history=replace(sample.history, holds=holds))
    safety = summary_data(held, TODAY, 6).safety
    first = safety.index("16 Nov 2026: training put on hold (pain reported); "
                         "lifted 18 Nov 2026 when the runner reported a clinician check.")
    second = safety.index("8 Dec 2026: training put on hold (red flag reported: sore spot on a bone, pain at night); "
                          "still in force.")
    assert first < second < len(safety) - 1  # oldest first, among the sessions' events
    assert safety[-1].startswith("Now: training on hold (red flag reported")
    assert not any("Aug" in line for line in safety)


def test_an_older_self_test_is_shown_when_none_fell_in_the_period() -> None:
    sample = sample_snapshot()
    data = summary_data(sample, TODAY + timedelta(weeks=20), 4)
    assert [row[0] for row in data.self_tests] == ["8 Dec 2026"]


def test_dates_are_the_runners_local_dates() -> None:
    sample = sample_snapshot()
    late = LevelChange(9, 0, 3, 4, "two easy sessions in a row", datetime(2026, 12, 8, 23, 30, tzinfo=UTC),
                       "progress")
    tokyo = replace(sample.runner, schedule=replace(sample.runner.schedule, timezone="Asia/Tokyo"))
    data = summary_data(replace(sample, runner=tokyo, history=replace(
        sample.history, level_changes=sample.history.level_changes + (late,))), TODAY, 6)
    assert data.decisions[0].startswith("9 Dec 2026: Calf hold, level 3 → 4")
