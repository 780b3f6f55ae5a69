"""Whatever a person (or somebody else) sends, the coach answers briefly and keeps its data.

Free text where a button was expected, presses that must not count (malformed, forged,
foreign, stale, double, signed but nonsensical), unknown commands, unreadable times,
zones, dates and rep counts, old reminder buttons, and commands before the set-up.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from core.model import SessionStatus
from core.payloads import SEP, STANDALONE, Signer
from core.reminders import due_reminders
from core.texts import HELP, short_date
from tests.engine.script import Chat, texts
from tests.engine.script import onboard, screen_clear
from tests.engine.test_flows import ANN, BOB, World, do_session, make_world

Setup = Callable[[World, Chat], Awaitable[None]]
SHORT = 100  # a notice is a toast, not a message


def labels(chat: Chat) -> str:
    return " ".join(b.label for b in chat.keyboard)


def current_step(world: World) -> str:
    return str(world.snapshot.dialogue.step)


# ---- getting to each question ------------------------------------------------------------


async def at_welcome(world: World, chat: Chat) -> None:
    await chat.send("/start")


async def at_screen(world: World, chat: Chat) -> None:
    await at_welcome(world, chat)
    await chat.press("Let's start")


async def at_health(world: World, chat: Chat) -> None:
    await at_screen(world, chat)
    await chat.press("None of these")


async def at_injury(world: World, chat: Chat) -> None:
    await screen_clear(chat)


async def at_clearance(world: World, chat: Chat) -> None:
    await at_injury(world, chat)
    await chat.press("Yes")


async def at_hold(world: World, chat: Chat) -> None:
    await at_screen(world, chat)
    await chat.press("Sore spot on a bone")
    await chat.press("Done")


async def at_days(world: World, chat: Chat) -> None:
    await at_injury(world, chat)
    await chat.press("No")


async def at_target(world: World, chat: Chat) -> None:
    await at_days(world, chat)
    for day in ("Mon", "Wed", "Fri"):
        await chat.press(day)
    await chat.press("Done")


async def at_time(world: World, chat: Chat) -> None:
    await at_target(world, chat)
    await chat.press("2 a week")


async def at_tz(world: World, chat: Chat) -> None:
    await at_time(world, chat)
    await chat.send("7:00")


async def at_lead(world: World, chat: Chat) -> None:
    await at_tz(world, chat)
    await chat.send("UTC")


async def at_finish(world: World, chat: Chat) -> None:
    await at_lead(world, chat)
    await chat.press("20 min")


async def at_idle(world: World, chat: Chat) -> None:
    await onboard(chat)
    await chat.press("Wait for the reminder")


async def at_readiness(world: World, chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/session")


async def at_exercise(world: World, chat: Chat) -> None:
    await at_readiness(world, chat)
    await chat.press("0")


async def at_pain(world: World, chat: Chat) -> None:
    await at_exercise(world, chat)
    await chat.press("Done")
    await chat.press("Just right")


async def at_wrong(world: World, chat: Chat) -> None:
    await at_exercise(world, chat)
    await chat.press("Something's wrong")


async def at_settings(world: World, chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/settings")


async def at_profile(world: World, chat: Chat) -> None:
    await at_settings(world, chat)
    await chat.press("Pain limits")


async def at_morning_time(world: World, chat: Chat) -> None:
    await at_settings(world, chat)
    await chat.press("Morning check time")


async def at_settings_days(world: World, chat: Chat) -> None:
    await at_settings(world, chat)
    await chat.press("Run days")


async def at_pause_reason(world: World, chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/pause")


async def at_pause_length(world: World, chat: Chat) -> None:
    await at_pause_reason(world, chat)
    await chat.press("Travel")


async def at_delete(world: World, chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/delete")


async def at_selftest_intro(world: World, chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/selftest")


async def at_selftest_left(world: World, chat: Chat) -> None:
    await at_selftest_intro(world, chat)
    await chat.press("Ready")


async def at_selftest_pain(world: World, chat: Chat) -> None:
    await at_selftest_left(world, chat)
    await chat.send("20")
    await chat.send("26")


async def at_selftest_sex(world: World, chat: Chat) -> None:
    await at_selftest_pain(world, chat)
    await chat.press("0")


async def at_selftest_age(world: World, chat: Chat) -> None:
    await at_selftest_sex(world, chat)
    await chat.press("Men's")


async def reach(setup: Setup) -> tuple[World, Chat]:
    world = make_world()
    chat = world.chat()
    await setup(world, chat)
    return world, chat


# ---- free text where a button was expected -------------------------------------------------

BUTTON_QUESTIONS = [
    pytest.param(at_welcome, "Hi! I'm Tiptoe", "Let's start", "Safety check 1/3", id="welcome"),
    pytest.param(at_screen, "Safety check 1/3", "None of these", "Safety check 2/3", id="screening"),
    pytest.param(at_screen, "Safety check 1/3", "Numbness, tingling", "✓ Numbness, tingling", id="screening-tick"),
    pytest.param(at_health, "Safety check 2/3", "None of these", "injury or pain", id="health"),
    pytest.param(at_injury, "injury or pain", "No", "Which days", id="injury"),
    pytest.param(at_clearance, "check with a health provider", "I've been cleared", "diagnose a tendinopathy",
                 id="clearance"),
    pytest.param(at_hold, "Your programme is paused", "I've been checked", "You can tap it from", id="hold"),
    pytest.param(at_days, "Which days", "Mon", "✓ Mon", id="run-days"),
    pytest.param(at_target, "How many strength sessions", "3 a week", "What time", id="sessions-a-week"),
    pytest.param(at_lead, "How long before your run", "No reminders", "All set!", id="lead"),
    pytest.param(at_finish, "All set!", "Wait for the reminder", "See you before your next run", id="finish"),
    pytest.param(at_readiness, "Before we start", "0", "Good to go", id="readiness"),
    pytest.param(at_exercise, "1/5 Isometric", "Skip", "2/5", id="exercise"),
    pytest.param(at_pain, "how much pain did you feel", "1", "Nice and easy", id="exercise-pain"),
    pytest.param(at_wrong, "What's going on?", "Back to the session", "1/5", id="somethings-wrong"),
    pytest.param(at_settings, "What would you like to change?", "Done", "Settings saved.", id="settings"),
    pytest.param(at_settings_days, "Which days", "✓ Mon", "Sat", id="settings-run-days"),
    pytest.param(at_profile, "Pain-free limits (default)", "Rehab", "Pain limits: rehab", id="pain-limits"),
    pytest.param(at_pause_reason, "What's the reason?", "Travel", "For how long?", id="pause-reason"),
    pytest.param(at_delete, "can't be undone", "Cancel", "Nothing was deleted", id="delete"),
    pytest.param(at_selftest_intro, "heel-raise test", "Not now", "whenever you like", id="selftest-intro"),
    pytest.param(at_selftest_pain, "Did the test hurt?", "0", "study norms", id="selftest-pain"),
    pytest.param(at_selftest_sex, "study norms", "Women's", "age group", id="selftest-norms"),
    pytest.param(at_selftest_age, "age group", "50s", "Test saved", id="selftest-age"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("setup", "question", "label", "then"), BUTTON_QUESTIONS)
async def test_free_text_reshows_the_same_buttons_and_they_still_work(
        setup: Setup, question: str, label: str, then: str) -> None:
    world, chat = await reach(setup)
    assert question in chat.last_text
    shown = [b.payload for b in chat.keyboard]
    before = world.snapshot

    replies = await chat.send("hello there 👋")
    assert replies[0].text == "Please tap one of the buttons below. 👇"
    assert question in replies[-1].text
    assert [b.payload for b in replies[-1].all_buttons] == shown  # the very same buttons
    assert world.snapshot == before

    pressed = await chat.press(label)  # a button of the keyboard shown before the text
    assert not pressed[0].notice
    assert then in texts(pressed) + " " + labels(chat)


@pytest.mark.asyncio
async def test_text_between_sessions_gets_the_help_and_the_quick_actions() -> None:
    world, chat = await reach(at_idle)
    replies = await chat.send("what now?")
    assert "I work with buttons and commands" in replies[0].text and HELP in replies[0].text
    assert "Start a session" in labels(chat)
    assert "Before we start" in texts(await chat.press("Start a session"))


@pytest.mark.asyncio
@pytest.mark.parametrize("line", ["hi", "hello there", "/", "   ", "🏃"], ids=["hi", "hello", "slash", "blank", "emoji"])
async def test_a_newcomers_first_words_get_the_welcome(line: str) -> None:
    world = make_world()
    chat = world.chat()
    assert "Hi! I'm Tiptoe" in texts(await chat.send(line))
    assert "Safety check 1/3" in texts(await chat.press("Let's start"))


# ---- presses that must change nothing --------------------------------------------------------


def flipped(payload: str, at: int) -> str:
    return payload[:at] + ("A" if payload[at] != "A" else "B") + payload[at + 1:]


PayloadMaker = Callable[[World, Chat, dict[str, str]], str]

REFUSED_PRESSES = [
    pytest.param(lambda w, c, p: "hello", "I couldn't read that button", id="malformed-text"),
    pytest.param(lambda w, c, p: "", "I couldn't read that button", id="malformed-empty"),
    pytest.param(lambda w, c, p: p["no"] + SEP + "x", "I couldn't read that button", id="malformed-extra-part"),
    pytest.param(lambda w, c, p: p["no"].replace(SEP, "", 1), "I couldn't read that button",
                 id="malformed-part-missing"),
    pytest.param(lambda w, c, p: p["no"][:-1] + "x" * 60, "I couldn't read that button", id="malformed-too-long"),
    pytest.param(lambda w, c, p: flipped(p["no"], len(p["no"]) - 1), "doesn't look like one of mine",
                 id="forged-signature-changed"),
    pytest.param(lambda w, c, p: p["no"].replace("|none|", "|done|"), "doesn't look like one of mine",
                 id="forged-none-made-done"),
    pytest.param(lambda w, c, p: Signer(b"another-key").sign(ANN.key, current_step(w), "none", ""),
                 "doesn't look like one of mine", id="forged-other-key"),
    pytest.param(lambda w, c, p: p["bob"], "belongs to someone else's conversation", id="foreign-bobs-own-button"),
    pytest.param(lambda w, c, p: w.signer.sign(BOB.key, current_step(w), "none", ""),
                 "belongs to someone else's conversation", id="foreign-signed-for-bob"),
    pytest.param(lambda w, c, p: w.signer.sign(ANN.key, STANDALONE, "launch", ""), "I couldn't read that button",
                 id="standalone-unknown-action"),
    pytest.param(lambda w, c, p: p["welcome"], "from an earlier step", id="stale"),
    pytest.param(lambda w, c, p: p["answered"], "Already noted ✓", id="double"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("make", "notice"), REFUSED_PRESSES)
async def test_refused_presses_get_a_short_notice_and_leave_the_snapshot_byte_for_byte_equal(
        make: PayloadMaker, notice: str) -> None:
    world = make_world()
    bob = world.chat(BOB)
    await bob.send("/start")
    chat = world.chat()
    await chat.send("/start")
    welcome = chat.button("Let's start").payload
    await chat.press("Let's start")
    answered = chat.button("None of these").payload
    await chat.press("None of these")  # safety check 1 answered: now at question 2
    payloads = {"welcome": welcome, "answered": answered, "no": chat.button("None of these").payload,
                "bob": bob.button("Let's start").payload}
    question = chat.keyboard
    before, before_bytes = world.snapshot, repr(world.snapshot)

    replies = await chat.press_payload(make(world, chat, payloads))
    assert replies[0].notice and notice in replies[0].text and len(replies[0].text) < SHORT
    assert world.snapshot == before and repr(world.snapshot) == before_bytes
    if notice == "from an earlier step":  # and the latest question again, with its live buttons
        assert "Safety check 2/3" in replies[1].text and replies[1].all_buttons == question
    else:
        assert len(replies) == 1
    assert "Safety check 3/3" in texts(await chat.press_payload(payloads["no"]))  # the real one still works


# Buttons with a valid signature but an argument no keyboard offers (a bug, or a leaked secret).
NONSENSE = [
    pytest.param(at_readiness, "ready", "11", id="readiness-11"),
    pytest.param(at_readiness, "ready", "x", id="readiness-x"),
    pytest.param(at_pain, "pain", "99", id="pain-99"),
    pytest.param(at_days, "day", "7", id="run-day-7"),
    pytest.param(at_days, "days_done", "", id="days-done-with-none-ticked"),
    pytest.param(at_target, "target", "9", id="sessions-9"),
    pytest.param(at_time, "time", "25:00", id="time-25"),
    pytest.param(at_tz, "tz", "Mars/Base", id="zone-mars"),
    pytest.param(at_lead, "lead", "15", id="lead-15"),
    pytest.param(at_settings, "set", "colour", id="settings-colour"),
    pytest.param(at_profile, "profile", "superhero", id="profile-superhero"),
    pytest.param(at_pause_reason, "reason", "nap", id="pause-reason-nap"),
    pytest.param(at_pause_length, "length", "99", id="pause-99-days"),
    pytest.param(at_wrong, "flag", "ghost", id="unknown-red-flag"),
    pytest.param(at_selftest_pain, "pain", "11", id="selftest-pain-11"),
    pytest.param(at_selftest_sex, "sex", "x", id="selftest-norms-x"),
    pytest.param(at_selftest_age, "age", "35", id="selftest-age-35"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("setup", "action", "arg"), NONSENSE)
async def test_a_signed_button_with_a_nonsense_value_changes_nothing_and_can_be_refused_again(
        setup: Setup, action: str, arg: str) -> None:
    world, chat = await reach(setup)
    payload = world.signer.sign(ANN.key, current_step(world), action, arg)
    before = world.snapshot
    for _ in range(2):  # refused twice, never "Already noted"
        replies = await chat.press_payload(payload)
        assert [r.notice for r in replies] == [True], replies
        assert "Already noted" not in replies[0].text and len(replies[0].text) < SHORT
        assert world.snapshot == before


@pytest.mark.asyncio
async def test_a_stale_press_days_later_changes_nothing_though_the_question_is_refreshed() -> None:
    world, chat = await reach(at_settings)
    old = chat.button("Done").payload
    await chat.press("Run time")  # the menu's buttons are now stale
    await chat.send("/settings")
    world.later(days=3)
    before = repr(world.snapshot)
    replies = await chat.press_payload(old)
    assert replies[0].text.startswith("That button is from an earlier step")
    assert "Next session: Fri 4 Dec." in replies[1].text  # today is Thursday 3 Dec now
    assert repr(world.snapshot) == before


# ---- commands -----------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("line", "named"), [
    ("/foo", "/foo"),
    ("/FOO", "/foo"),
    ("/sessions", "/sessions"),
    ("/123", "/123"),
    ("/stop@TiptoeBot now", "/stop"),
    ("/" + "x" * 80, "/" + "x" * 30 + "."),
], ids=["foo", "upper-case", "near-miss", "number", "with-bot-name", "very-long"])
async def test_unknown_commands_answer_with_the_help_list(line: str, named: str) -> None:
    world, chat = await reach(at_idle)
    before = world.snapshot
    replies = await chat.send(line)
    assert replies[0].text.startswith(f"I don't know {named}") and HELP in replies[0].text
    assert world.snapshot == before


BEFORE_SET_UP = [
    pytest.param("/session", ("Let's finish setting you up first.", "Hi! I'm Tiptoe"), id="session"),
    pytest.param("/progress", ("Let's finish setting you up first.", "Hi! I'm Tiptoe"), id="progress"),
    pytest.param("/settings", ("Let's finish setting you up first.", "Hi! I'm Tiptoe"), id="settings"),
    pytest.param("/pause", ("Let's finish setting you up first.", "Hi! I'm Tiptoe"), id="pause"),
    pytest.param("/resume", ("Let's finish setting you up first.", "Hi! I'm Tiptoe"), id="resume"),
    pytest.param("/selftest", ("Let's finish setting you up first.", "Hi! I'm Tiptoe"), id="selftest"),
    pytest.param("/start", ("Hi! I'm Tiptoe",), id="start"),
    pytest.param("/help", (HELP,), id="help"),
    pytest.param("/delete", ("can't be undone",), id="delete"),
    pytest.param("/export", ("everything I hold about you",), id="export"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("line", "said"), BEFORE_SET_UP)
async def test_commands_before_the_set_up(line: str, said: tuple[str, ...]) -> None:
    world = make_world()
    chat = world.chat()
    replies = await chat.send(line)
    for text in said:
        assert text in texts(replies)
    assert not world.snapshot.runner.onboarded and world.snapshot.history.sessions == ()
    if line == "/export":
        document = json.loads(replies[0].attachment.data)
        assert document["sessions"] == [] and document["schedule"] is None


@pytest.mark.asyncio
@pytest.mark.parametrize("line", ["/session", "/settings", "/start", "/pause", "/selftest"])
async def test_a_command_in_the_middle_of_the_set_up_carries_on_at_the_same_question(line: str) -> None:
    world, chat = await reach(at_screen)
    await chat.press("None of these")
    assert "Safety check 2/3" in chat.last_text
    replies = texts(await chat.send(line))
    assert "Let's carry on where we left off." in replies and "Safety check 2/3" in replies
    assert "Safety check 3/3" in texts(await chat.press("None of these"))


@pytest.mark.asyncio
async def test_a_command_during_a_hold_in_the_set_up_shows_the_hold() -> None:
    world, chat = await reach(at_hold)
    for line in ("/session", "/settings", "/start"):
        replies = texts(await chat.send(line))
        assert "Your programme is paused" in replies and "Hi! I'm Tiptoe" not in replies
    world.later(days=1)
    assert "Did a doctor or physio check you" in texts(await chat.press("I've been checked"))
    assert "Safety check 2/3" in texts(await chat.press("Yes"))


# ---- typed answers the coach can't read ------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("typed", "taken"), [
    ("23:59", "23:59"),
    ("24:00", None),
    ("6:59", "06:59"),
    ("6:60", None),
    ("12pm", "12:00"),
    ("13pm", None),
    ("0:00", "00:00"),
    ("soon", None),
    ("", None),
    ("🕖", None),
], ids=["23-59", "24-00", "6-59", "6-60", "12pm", "13pm", "midnight", "word", "empty", "emoji"])
async def test_an_unreadable_run_time_gets_a_clear_message_and_the_question_again(
        typed: str, taken: str | None) -> None:
    world, chat = await reach(at_time)
    shown = [b.payload for b in chat.keyboard]
    replies = await chat.send(typed)
    if taken is None:
        assert f"I couldn't read “{typed}” as a time" in replies[0].text
        assert "What time do you usually start" in replies[-1].text
        assert [b.payload for b in replies[-1].all_buttons] == shown
        assert world.snapshot.dialogue.state == "time"
    else:
        assert "Which time zone" in texts(replies) and world.snapshot.dialogue.get("time") == taken


@pytest.mark.asyncio
@pytest.mark.parametrize(("typed", "zone"), [
    ("Mars/Olympus_Mons", None),
    ("europe/paris", "Europe/Paris"),
    ("UTC+14", "UTC+14:00"),
    ("UTC+15", None),
    ("UTC-12", "UTC-12:00"),
    ("UTC-13", None),
    ("UTC+5:45", "UTC+05:45"),
    ("UTC+5:20", None),
    ("GMT", "UTC"),
    ("", None),
    ("🌍", None),
], ids=["unknown-name", "lower-case-name", "plus-14", "plus-15", "minus-12", "minus-13", "plus-5-45",
        "plus-5-20", "gmt", "empty", "emoji"])
async def test_an_unknown_time_zone_gets_a_clear_message_and_the_question_again(typed: str, zone: str | None) -> None:
    world, chat = await reach(at_tz)
    shown = [b.payload for b in chat.keyboard]
    replies = await chat.send(typed)
    if zone is None:
        assert f"I don't know the time zone “{typed}”" in replies[0].text
        assert "Which time zone are you in?" in replies[-1].text
        assert [b.payload for b in replies[-1].all_buttons] == shown
        assert world.snapshot.dialogue.state == "tz"
    else:
        assert f"Time zone set: {zone} ✓" in replies[0].text and "How long before your run" in texts(replies)


@pytest.mark.asyncio
@pytest.mark.parametrize(("typed", "problem"), [
    ("tomorrow", "as a date"),
    ("31/12/2026", "as a date"),
    ("2026-13-01", "as a date"),
    ("2026-11-29", "already here"),
    ("2026-11-30", "already here"),
    ("2026-12-01", None),
    ("9999-12-20", None),
], ids=["word", "day-first", "month-13", "yesterday", "today", "tomorrow", "far-future"])
async def test_an_invalid_pause_date_is_explained_and_asked_again(typed: str, problem: str | None) -> None:
    world, chat = await reach(at_pause_length)
    replies = await chat.send(typed)
    if problem is None:
        back = date.fromisoformat(typed)  # the day they'll be back: paused through the day before
        assert f"Paused until {short_date(back)}" in texts(replies)
        assert world.snapshot.runner.paused_until == back - timedelta(days=1)
        now = world.clock.now()  # reminders can still be planned, even near the calendar's end
        due = due_reminders(world.snapshot.runner, world.snapshot.history, now, now + timedelta(days=60))
        assert all(r.local_date > world.snapshot.runner.paused_until for r in due)
        return
    assert problem in replies[0].text and "For how long?" in replies[-1].text
    assert world.snapshot.runner.paused_until is None and world.snapshot.dialogue.state == "pause_length"
    assert "Paused until" in texts(await chat.press("1 week"))  # its buttons still work


@pytest.mark.asyncio
@pytest.mark.parametrize(("typed", "reps"), [
    ("twenty", None),
    ("-3", None),
    ("20.5", None),
    ("2 0", None),
    ("", None),
    ("201", None),
    ("200", 200),
    ("23 reps", 23),
], ids=["word", "negative", "decimal", "spaced", "empty", "201-too-many", "200", "with-unit"])
async def test_the_selftest_wants_a_whole_number_of_rises(typed: str, reps: int | None) -> None:
    world, chat = await reach(at_selftest_left)
    replies = await chat.send(typed)
    if reps is None:
        assert replies[0].text == "Please type just the number of rises on your left leg, like 23."
        assert world.snapshot.dialogue.state == "selftest_left"
        assert "Left leg: 20 ✓" in texts(await chat.send("20"))
    else:
        assert f"Left leg: {reps} ✓" in replies[0].text and world.snapshot.dialogue.state == "selftest_right"


@pytest.mark.asyncio
async def test_a_typed_morning_check_time_must_be_a_time() -> None:
    world, chat = await reach(at_morning_time)
    replies = await chat.send("after breakfast")
    assert "I couldn't read “after breakfast” as a time" in replies[0].text
    assert "When should I ask the next-morning check?" in replies[-1].text
    assert "Saved ✓" in texts(await chat.press("07:00"))


# ---- reminder buttons pressed late or twice --------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("label", ["Start now", "Snooze", "Skip today"])
async def test_yesterdays_nudge_changes_nothing(label: str) -> None:
    world, chat = await reach(at_idle)
    await world.deliver_due(chat, datetime(2026, 11, 30, 6, 45, tzinfo=UTC))
    assert "Ready?" in chat.last_text
    await world.deliver_due(chat, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    before = world.snapshot
    replies = await chat.press(label)
    assert [r.notice for r in replies] == [True] and "That reminder was for another day" in replies[0].text
    assert world.snapshot == before


@pytest.mark.asyncio
async def test_snooze_after_skipping_today_is_refused() -> None:
    world, chat = await reach(at_idle)
    await world.deliver_due(chat, datetime(2026, 11, 30, 6, 45, tzinfo=UTC))
    nudge = chat.keyboard
    await chat.press("Skip today")
    before = world.snapshot
    replies = await chat.press_payload(nudge[1].payload)
    assert [r.notice for r in replies] == [True] and "You've skipped today" in replies[0].text
    assert world.snapshot == before
    assert await world.deliver_due(chat, datetime(2026, 11, 30, 7, 30, tzinfo=UTC)) == []


@pytest.mark.asyncio
async def test_an_answered_morning_check_says_already_noted() -> None:
    world, chat = await reach(at_idle)
    await do_session(chat)
    await world.deliver_due(chat, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert "Settled overnight" in texts(await chat.press("0"))
    before = world.snapshot
    for score in ("0", "5"):
        replies = await chat.press(score)
        assert [r.text for r in replies] == ["Already noted: 0/10 ✓"] and replies[0].notice
        assert world.snapshot == before
    missing = world.signer.sign(ANN.key, STANDALONE, "morning", "99.3")
    assert "no longer open" in (await chat.press_payload(missing))[0].text
    assert world.snapshot == before


@pytest.mark.asyncio
async def test_a_second_session_on_the_same_day_is_not_started() -> None:
    world, chat = await reach(at_idle)
    await do_session(chat)
    for _ in range(2):
        replies = texts(await chat.send("/session"))
        assert "You've already done a session today" in replies and "never made up by doubling" in replies
    assert [s.status for s in world.snapshot.history.sessions] == [SessionStatus.COMPLETED]
    world.later(days=1)
    assert "Before we start" in texts(await chat.send("/session"))


@pytest.mark.asyncio
async def test_skip_after_training_today_is_refused() -> None:
    world, chat = await reach(at_idle)
    await world.deliver_due(chat, datetime(2026, 11, 30, 6, 45, tzinfo=UTC))  # the 06:40 nudge
    nudge = chat.keyboard
    await chat.press("Start now")
    await chat.press("0")
    before_sessions = world.snapshot.history.sessions
    replies = await chat.press_payload(nudge[2].payload)
    assert replies[0].notice and "already started today's session" in replies[0].text
    assert world.snapshot.history.sessions == before_sessions


@pytest.mark.asyncio
async def test_a_snapshot_with_an_unknown_dialogue_state_still_answers() -> None:
    world, chat = await reach(at_idle)
    stored = world.snapshot
    world.store.rows[ANN.key] = replace(stored, dialogue=replace(stored.dialogue, state="retired_state"))
    assert HELP in texts(await chat.send("anything"))
    assert "Before we start" in texts(await chat.send("/session"))

