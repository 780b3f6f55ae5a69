"""The set-by-set walk through a dose, and when a running countdown is shown again."""

from __future__ import annotations

import pytest

from core.dose import Dose, PauseAt, Tempo
from core.programme import EXERCISES
from core.sets import StepKind, countdown_marks, next_mark, tempo_cue, walk


def heads(dose: Dose, first_side: str = "left") -> list[str]:
    return [step.headline() for step in walk(dose, first_side)]


@pytest.mark.parametrize(("dose", "first_side", "expected"), [
    pytest.param(Dose(sets=2, hold_s=20, rest_s=20), "left",
                 ["Set 1 of 2 · hold 20 s", "Rest 20 s", "Set 2 of 2 · hold 20 s"], id="holds, both feet"),
    pytest.param(Dose(sets=2, reps=8, rest_s=30, tempo=Tempo(3, 0, 1)), "left",
                 ["Set 1 of 2 · 8 reps", "Rest 30 s", "Set 2 of 2 · 8 reps"], id="reps"),
    pytest.param(Dose(sets=2, hold_s=20, per_side=True, rest_s=20), "left",
                 ["Set 1 of 2 · left side · hold 20 s", "Switch to the right side",
                  "Set 1 of 2 · right side · hold 20 s", "Rest 20 s",
                  "Set 2 of 2 · left side · hold 20 s", "Switch to the right side",
                  "Set 2 of 2 · right side · hold 20 s"], id="per side, left first"),
    pytest.param(Dose(sets=1, reps=6, reps_max=8, per_side=True, rest_s=30), "right",
                 ["Set 1 of 1 · right side · 6–8 reps", "Switch to the left side",
                  "Set 1 of 1 · left side · 6–8 reps"], id="a range, right first"),
    pytest.param(Dose(sets=2, hold_s=30, per_side=True, alternating=True), "left",
                 ["Set 1 of 2 · left leg · hold 30 s", "Switch to the right leg", "Set 1 of 2 · right leg · hold 30 s",
                  "Switch to the left leg", "Set 2 of 2 · left leg · hold 30 s", "Switch to the right leg",
                  "Set 2 of 2 · right leg · hold 30 s"], id="legs taking turns"),
])
def test_a_walk_goes_set_by_set_side_by_side(dose: Dose, first_side: str, expected: list[str]) -> None:
    assert heads(dose, first_side) == expected


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.key)
def test_every_level_walks_from_work_to_work_with_every_set_on_every_side(exercise) -> None:
    for level in exercise.levels:
        steps = walk(level.dose)
        assert steps[0].is_work and steps[-1].is_work
        sides = 2 if level.dose.per_side else 1
        assert sum(step.is_work for step in steps) == level.dose.sets * sides
        assert all(step.seconds > 0 for step in steps if step.counts_down)
        assert not any(a.kind is b.kind is StepKind.REST for a, b in zip(steps, steps[1:]))


@pytest.mark.parametrize(("seconds", "marks"), [
    pytest.param(20, (15, 10, 5, 3), id="20 s"),
    pytest.param(30, (25, 20, 15, 10, 5, 3), id="30 s"),
    pytest.param(5, (3,), id="5 s"),
    pytest.param(3, (), id="3 s"),
    pytest.param(12, (10, 5, 3), id="12 s"),
])
def test_a_countdown_is_shown_every_5_s_and_once_in_the_last_3(seconds: int, marks: tuple[int, ...]) -> None:
    assert countdown_marks(seconds) == marks


def test_the_next_mark_is_the_next_one_after_now_or_the_end() -> None:
    assert [next_mark(20, elapsed) for elapsed in (0, 4.9, 5, 5.2, 16.9, 17, 19.5)] == [5, 5, 10, 10, 17, 20, 20]


def test_no_countdown_edits_more_than_20_a_minute_on_the_busiest_walk() -> None:
    """Holds and rests back to back, each shown at its start and at every mark: the walk's own pace."""
    for exercise in EXERCISES:
        for level in exercise.levels:
            steps = [s for s in walk(level.dose) if s.counts_down]
            edits = sum(1 + len(countdown_marks(s.seconds)) for s in steps)
            seconds = sum(s.seconds for s in steps)
            assert edits / seconds * 60 <= 20 + 1e-9 or seconds < 60, (exercise.key, level.number)


@pytest.mark.parametrize(("tempo", "cue"), [
    pytest.param(Tempo(3, 1, 1), "3 s down · 1 s pause · up", id="bottom pause"),
    pytest.param(Tempo(3, 0, 1), "3 s down · up", id="no pause"),
    pytest.param(Tempo(2, 2, 1, PauseAt.TOP), "up · 2 s hold · 2 s down", id="top hold"),
])
def test_a_rep_set_shows_its_tempo_as_a_cue(tempo: Tempo, cue: str) -> None:
    assert tempo_cue(tempo) == cue
