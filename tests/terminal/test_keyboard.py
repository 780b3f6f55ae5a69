"""Which button a typed line presses in the terminal, and how a keyboard prints (table-driven)."""

from __future__ import annotations

import pytest

from bot.terminal.keyboard import Choice, choose, render
from core.replies import Button, Keyboard


def keyboard(*rows: tuple[str, ...]) -> Keyboard:
    return tuple(tuple(Button(label, f"{label}#payload") for label in row) for row in rows)


PAIN = keyboard(("0", "1", "2", "3", "4", "5"), ("6", "7", "8", "9", "10"), ("Something's wrong",))
EXERCISE = keyboard(("Done ✓", "Too hard", "Skip"), ("Stop session", "Something's wrong"))
DAYS = keyboard(("✓ Mon", "Tue", "✓ Wed", "Thu"), ("Fri", "Sat", "Sun"), ("Done",))
PER_WEEK = keyboard(("2 a week", "3 a week"))
TIMES = keyboard(("06:00", "06:30", "07:00", "07:30"), ("12:00", "17:30", "18:00", "19:00"))
LEAD = keyboard(("20 min (recommended)", "30 min"), ("45 min", "60 min"), ("No reminders",))
NUDGE = keyboard(("Start now", "Snooze 10 min", "Skip today"),)
READY = keyboard(("Start a session now", "Wait for the reminder"),)
EMOJI = keyboard(("🏃 Let's go!", "Not today 🙏"),)


@pytest.mark.parametrize(("typed", "screen", "pressed"), [
    pytest.param("3", [PAIN], "3", id="pain-number-is-the-score"),
    pytest.param("0", [PAIN], "0", id="pain-zero"),
    pytest.param("10", [PAIN], "10", id="pain-ten"),
    pytest.param(" 7 ", [PAIN], "7", id="pain-with-spaces"),
    pytest.param("something", [PAIN], "Something's wrong", id="pain-keyboard-words-by-start"),
    pytest.param("somethings wrong", [PAIN], "Something's wrong", id="apostrophe-optional"),
    pytest.param("done", [EXERCISE], "Done ✓", id="done-matches-done-tick"),
    pytest.param("DONE ✓", [EXERCISE], "Done ✓", id="case-and-tick"),
    pytest.param("1", [EXERCISE], "Done ✓", id="numbered-first"),
    pytest.param("3", [EXERCISE], "Skip", id="numbered-third"),
    pytest.param("too", [EXERCISE], "Too hard", id="start-of-label"),
    pytest.param("mon", [DAYS], "✓ Mon", id="ticked-day-by-name"),
    pytest.param("done", [DAYS], "Done", id="done-on-days"),
    pytest.param("2", [PER_WEEK], "2 a week", id="per-week-number-is-the-label"),
    pytest.param("3 a week", [PER_WEEK], "3 a week", id="per-week-whole"),
    pytest.param("06:30", [TIMES], "06:30", id="time-label"),
    pytest.param("2", [LEAD], "30 min", id="lead-numbered"),
    pytest.param("45", [LEAD], "45 min", id="lead-minutes-by-label"),
    pytest.param("no", [LEAD], "No reminders", id="lead-off"),
    pytest.param("lets go", [EMOJI], "🏃 Let's go!", id="emoji-ignored"),
    pytest.param("not today", [EMOJI], "Not today 🙏", id="trailing-emoji-ignored"),
    pytest.param("skip", [EXERCISE, NUDGE], "Skip today", id="newest-message-first"),
    pytest.param("done", [EXERCISE, NUDGE], "Done ✓", id="older-message-whole-label"),
    pytest.param("start", [READY], "Start a session now", id="start-of-long-label"),
])
def test_a_typed_line_presses_the_button_a_person_means(typed: str, screen: list[Keyboard],
                                                         pressed: str) -> None:
    choice = choose(typed, screen, screen[-1])
    assert choice.button is not None and choice.button.label == pressed and choice.fits == ()


@pytest.mark.parametrize(("typed", "screen"), [
    pytest.param("6:30", [TIMES], id="a-typed-time-goes-to-the-coach"),
    pytest.param("7", [TIMES], id="a-bare-hour-is-no-time-button"),
    pytest.param("17", [TIMES], id="no-number-prefix-of-a-time"),
    pytest.param("11", [PAIN], id="no-such-score"),
    pytest.param("3/10", [PAIN], id="score-with-scale-goes-to-the-coach"),
    pytest.param("9", [EXERCISE], id="number-beyond-the-buttons"),
    pytest.param("4", [PER_WEEK], id="no-such-per-week"),
    pytest.param("europe/paris", [TIMES, keyboard(("London", "Berlin"),)], id="free-text"),
    pytest.param("too", [EXERCISE, NUDGE], id="start-of-label-only-on-newest"),
    pytest.param("anything", [], id="no-buttons-on-screen"),
])
def test_a_line_that_is_no_button_goes_to_the_coach_as_text(typed: str, screen: list[Keyboard]) -> None:
    assert choose(typed, screen, screen[-1] if screen else ()) == Choice()


QUICK = keyboard(("Start a session", "My progress", "Help"),)


@pytest.mark.parametrize(("typed", "pressed"), [
    pytest.param("2", None, id="a-number-answers-the-question"),
    pytest.param("my", None, id="no-start-of-an-older-label"),
    pytest.param("my progress", "My progress", id="a-whole-older-label-still-works"),
])
def test_when_the_newest_message_asks_to_type_numbers_are_answers(typed: str, pressed: str | None) -> None:
    # "How many heel rises on your LEFT leg? Type the number." has no buttons; older ones stay on screen.
    choice = choose(typed, [QUICK], newest=())
    assert (choice.button.label if choice.button else None) == pressed and choice.fits == ()


@pytest.mark.parametrize(("typed", "screen", "fits"), [
    pytest.param("s", [EXERCISE], ("Skip", "Stop session", "Something's wrong"), id="s-fits-three"),
    pytest.param("st", [EXERCISE], ("Stop session",), id="st-fits-one"),
    pytest.param("s", [NUDGE], ("Start now", "Snooze 10 min", "Skip today"), id="nudge"),
])
def test_a_start_that_fits_several_buttons_presses_none(typed: str, screen: list[Keyboard],
                                                        fits: tuple[str, ...]) -> None:
    choice = choose(typed, screen, screen[-1])
    if len(fits) == 1:
        assert choice.button is not None and choice.button.label == fits[0]
    else:
        assert choice.button is None and tuple(b.label for b in choice.fits) == fits


@pytest.mark.parametrize(("screen", "lines"), [
    pytest.param(PAIN, ["  [0]   [1]   [2]   [3]   [4]   [5]", "  [6]   [7]   [8]   [9]   [10]",
                        "  [Something's wrong]"], id="pain-labels-no-numbers"),
    pytest.param(PER_WEEK, ["  [2 a week]   [3 a week]"], id="per-week-labels"),
    pytest.param(TIMES, ["  [06:00]   [06:30]   [07:00]   [07:30]", "  [12:00]   [17:30]   [18:00]   [19:00]"],
                 id="times-labels"),
    pytest.param(EXERCISE, ["  [1] Done ✓   [2] Too hard   [3] Skip", "  [4] Stop session   [5] Something's wrong"],
                 id="exercise-numbered"),
    pytest.param(LEAD, ["  [1] 20 min (recommended)   [2] 30 min", "  [3] 45 min   [4] 60 min",
                        "  [5] No reminders"], id="lead-numbered-minutes-are-no-choice-number"),
])
def test_numbers_are_shown_only_where_they_cannot_be_read_as_a_label(screen: Keyboard, lines: list[str]) -> None:
    assert render(screen) == lines
