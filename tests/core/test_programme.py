"""The programme as data: doses, cues per level, computed minutes, and every number and citation in place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.dose import Dose, PauseAt, Tempo
from core.emergency import UNKNOWN, emergency_number
from core.programme import (
    EXERCISES,
    MAX_LEVEL,
    MIN_LEVEL,
    MOBILITY_MINUTES,
    SESSION_MINUTES_RANGE,
    level_minutes,
    session_minutes,
)

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
DOCS = ROOT / "docs" / "programme.md"
LEVELS = [(e, level) for e in EXERCISES for level in e.levels]
LEVEL_IDS = [f"{e.key}-{level.number}" for e, level in LEVELS]


# ---- doses -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("exercise", "level"), LEVELS, ids=LEVEL_IDS)
def test_every_level_has_a_structured_dose_with_a_rest_and_words_from_it(exercise, level) -> None:
    dose = level.dose
    assert dose.sets >= 1 and (dose.reps or dose.hold_s)
    assert dose.rest_s > 0 or (dose.alternating and dose.per_side)
    words = dose.words()
    assert (f"{dose.rest_s} s rest between sets" in words) or ("the other side's turn is your rest" in words)
    assert "tempo" not in words  # paces are said in words, never "3-1-1"
    if dose.tempo is not None:
        assert f"{dose.tempo.down} s down" in words and f"{dose.tempo.up} s up" in words
    assert 1.5 <= level_minutes(level) <= 5, "a level takes a few minutes, as the spec's tables say"


@pytest.mark.parametrize(("tempo", "words"), [
    (Tempo(3, 1, 1), "3 s down, 1 s pause at the bottom, 1 s up"),
    (Tempo(3, 0, 1), "3 s down, 1 s up"),
    (Tempo(2, 2, 1, PauseAt.TOP), "1 s up, 2 s hold at the top, 2 s down"),
], ids=["tempo-3-1-1", "no-pause", "bridge-hold-at-the-top"])
def test_a_tempo_is_explained_in_words(tempo: Tempo, words: str) -> None:
    assert tempo.words() == words and tempo.seconds == tempo.down + tempo.pause + tempo.up


@pytest.mark.parametrize(("dose", "problem"), [
    (dict(sets=2, reps=8, hold_s=20, rest_s=30), "either reps or a hold"),
    (dict(sets=2, rest_s=30), "either reps or a hold"),
    (dict(sets=2, reps=8), "rests between sets"),
], ids=["reps-and-hold", "neither", "no-rest"])
def test_a_dose_that_could_not_be_timed_is_refused(dose: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Dose(**dose)


def test_minutes_are_computed_from_the_doses_and_level_one_with_mobility_reaches_fifteen() -> None:
    calf = EXERCISES[0].level(1).dose  # 4 x 20 s, 20 s rests, plus getting set up
    assert calf.seconds(5, 30) == 4 * 20 + 3 * 20 + 30
    first = session_minutes((MIN_LEVEL,) * len(EXERCISES))
    assert SESSION_MINUTES_RANGE == (first, session_minutes((MAX_LEVEL,) * len(EXERCISES)))
    assert first + MOBILITY_MINUTES[1] >= 15 and first < 15  # honest: 15 only with the optional drill


def test_no_text_in_core_promises_15_to_20_minutes_or_an_unexplained_tempo() -> None:
    for path in CORE.rglob("*.py"):
        text = path.read_text()
        assert "15-20" not in text and "15–20" not in text, path
        assert not re.search(r"tempo \d-\d-\d", text.replace('"tempo 3-1-1" is', "")), path


# ---- cues per level -----------------------------------------------------------------------------


def cues(key: str, number: int) -> str:
    exercise = next(e for e in EXERCISES if e.key == key)
    return " ".join(exercise.cues_for(number)).lower()


@pytest.mark.parametrize(("key", "number", "present", "absent"), [
    ("calf", 1, "both hands", "don't lean on the wall"),
    ("calf", 4, "don't lean on the wall", "both hands"),
    ("calf", 2, "bend the knees slightly", "stand on one leg"),
    ("split", 1, "hold still", "push back up"),
    ("split", 3, "push back up", "hold still"),
    ("hinge", 1, "both feet", "free leg"),
    ("hinge", 2, "back toes", "free leg reach"),
    ("hinge", 3, "heel down", "heel stays up"),
    ("hinge", 4, "heel stays up", "heel down"),
    ("bridge", 1, "feet flat", "balls of the feet"),
    ("bridge", 2, "balls of the feet", "feet flat"),
    ("squat", 1, "quarter squat", "arms forward"),
], ids=["calf-1-hands-on-wall", "calf-4-fingertips", "calf-2-knees-bent", "split-1-is-a-hold", "split-3-moves",
        "rdl-1-two-legs", "rdl-2-kickstand", "rdl-3-heel-flat", "rdl-4-heel-up", "bridge-1-normal",
        "bridge-2-tiptoe", "squat-1-quarter"])
def test_cues_match_the_level(key: str, number: int, present: str, absent: str) -> None:
    said = cues(key, number)
    assert present in said and absent not in said


# ---- emergency numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(("zone", "number"), [
    ("Europe/London", "999 or 112"), ("Europe/Dublin", "112 or 999"), ("Europe/Paris", "112"),
    ("Europe/Helsinki", "112"), ("America/New_York", "911"), ("America/Toronto", "911"),
    ("America/Indiana/Indianapolis", "911"), ("Australia/Perth", "000"), ("Pacific/Auckland", "111"),
    ("Asia/Kolkata", "112"), ("Asia/Tokyo", "119"), ("America/Sao_Paulo", UNKNOWN), ("UTC+02:00", UNKNOWN),
    ("UTC", UNKNOWN), (None, UNKNOWN),
], ids=["london", "dublin", "paris", "helsinki", "new-york", "toronto", "indianapolis", "perth", "auckland",
        "kolkata", "tokyo", "sao-paulo-unknown", "fixed-offset-unknown", "utc-unknown", "no-zone-yet"])
def test_the_emergency_number_follows_the_time_zone_where_known(zone: str | None, number: str) -> None:
    assert emergency_number(zone) == number


# ---- every number and citation in its place ---------------------------------------------------

# Strings with digits that are not programme numbers: examples of what to type, data markers,
# the screen's own step numbers and a service's name.
NOT_PROGRAMME_NUMBERS = {
    "What time do you usually start your run? Tap one, or type it (for example 6:45 or 5:30pm).",
    "” as a time. Try something like 6:45, 18:30 or 6pm.", "” as a time. Try 7:30 or 08:00.",
    "” as a date. Please use YYYY-MM-DD, like 2027-01-15.", " leg, like 23.", "screen:2", "screen:3",
    "Safety check 1/", "Safety check 2/", "Safety check 3/", "0", "1", ".1f", ".0%", "02d", "under18",
    "”. Try a nearby big city such as Paris or Denver, a name such as Europe/Paris, or an offset such as UTC-5 "
    "or UTC+5:30.",
    "Which time zone are you in? Tap one, or type your city (like Helsinki or New York) or an offset (like UTC+2).",
}
CITATION = re.compile(r"\[[A-Z]+\d\d\]|Silbernagel 2007")  # a source's name and year is not a number we chose
WORDING_FILES = [*sorted((CORE / "flows").glob("*.py")), CORE / "texts.py", CORE / "progress.py",
                 CORE / "progression.py", CORE / "selftest.py", CORE / "holds.py", CORE / "trend.py",
                 CORE / "screening.py"]


def strings_with_digits(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and re.search(r"\d", CITATION.sub("", node.value)) and not node.value.startswith(("(\\d", "UTC("))]


@pytest.mark.parametrize("path", WORDING_FILES, ids=lambda p: p.relative_to(CORE).as_posix())
def test_numbers_in_what_the_runner_reads_come_from_the_programme(path: Path) -> None:
    assert [s for s in strings_with_digits(path) if s not in NOT_PROGRAMME_NUMBERS] == []


def test_every_citation_key_used_in_core_is_explained_in_docs_programme_md() -> None:
    keys = set()
    for path in CORE.rglob("*.py"):
        keys |= set(re.findall(r"\[([A-Z]+\d*)(?:[,\]])", path.read_text()))
    documented = DOCS.read_text()
    assert keys >= {"LIIRA25", "SILB07", "HL17", "D", "S"}
    assert [k for k in sorted(keys) if f"[{k}]" not in documented] == []


@pytest.mark.parametrize(("exercise", "level"), LEVELS, ids=LEVEL_IDS)
def test_docs_programme_md_shows_each_dose_as_the_coach_renders_it(exercise, level) -> None:
    row = f"| {level.number} | {level.version} | {level.dose.words()} | {level_minutes(level):.1f} min |"
    assert row in DOCS.read_text()
