"""The core issue's whole journey, through the real engine, storage and charts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.main import App
from core.model import UserRef
from core.schedule import ReminderKind
from tests.engine.fakes import PNG_SIGNATURE
from tests.engine.script import Chat, onboard, texts
from tests.engine.script import deliver_due as script_deliver_due

RUNNER = UserRef(platform="terminal", external_id="ann", chat_id="ann", display_name="Ann")


async def do_session(chat: Chat, pain: str = "1") -> str:
    assert "Good to go" in texts(await chat.press("0"))
    for number in range(1, 6):
        assert f"{number}/5" in chat.last_text
        await chat.press("Done")
        await chat.press("Just right")
        replies = await chat.press(pain)
    return texts(replies)


async def deliver_due(app: App, chat: Chat, until: datetime) -> list[ReminderKind]:
    return await script_deliver_due(app.coach, app.clock, chat, until)


async def test_full_journey_start_to_delete(app: App) -> None:
    chat = Chat(app.coach, RUNNER)
    await onboard(chat)
    # Monday 06:40 London: the nudge for the 07:00 run is due.
    assert ReminderKind.SESSION in await deliver_due(app, chat, datetime(2026, 11, 30, 6, 45, tzinfo=UTC))
    assert "Ready?" in chat.last_text
    assert "Before we start" in texts(await chat.press("Start now"))
    done = await do_session(chat, pain="1")
    assert "Session done" in done and "This week: 1/2" in done

    # Tuesday 08:00: the next-morning check, answered by its own buttons.
    kinds = await deliver_due(app, chat, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert kinds == [ReminderKind.MORNING]
    assert "Settled overnight" in texts(await chat.press("0"))
    assert (await chat.press("0"))[0].notice  # the same check pressed twice changes nothing

    # Friday: the second easy session, then Saturday's check moves everything up a level.
    await deliver_due(app, chat, datetime(2026, 12, 4, 6, 45, tzinfo=UTC))
    await chat.press("Start now")
    await do_session(chat, pain="0")
    await deliver_due(app, chat, datetime(2026, 12, 5, 8, 30, tzinfo=UTC))
    morning = texts(await chat.press("0"))
    assert "All five: level 1 → 2" in morning

    progress = await chat.send("/progress")
    assert "Squat: level 2/5" in progress[0].text
    assert progress[0].picture is not None and progress[0].picture.data.startswith(PNG_SIGNATURE)

    export = (await chat.send("/export"))[0].attachment
    assert export is not None
    document = json.loads(export.data)
    assert [s["readiness_pain"] for s in document["sessions"]] == [0, 0]
    assert [e["pain"] for e in document["sessions"][0]["exercises"]] == [1, 1, 1, 1, 1]
    assert document["sessions"][0]["next_morning"]["score"] == 0
    assert len(document["level_changes"]) == 5

    assert "can't be undone" in texts(await chat.send("/delete"))
    assert "everything is erased" in texts(await chat.press("Yes, delete everything"))
    assert await app.store.load(RUNNER.key) is None


async def test_a_restart_mid_session_resumes_at_the_same_exercise(app: App, tmp_path) -> None:
    chat = Chat(app.coach, RUNNER)
    await onboard(chat)
    await chat.press("Start a session now")
    await chat.press("0")
    await chat.press("Done")
    await chat.press("Just right")
    await chat.press("2")
    assert "2/5 Heels-up squat" in chat.last_text
    # A new Chat with no memory is what a restarted process has: only the database.
    fresh = Chat(app.coach, RUNNER)
    resumed = texts(await fresh.send("/session"))
    assert "Picking up where you left off" in resumed and "2/5 Heels-up squat" in resumed
    # The keyboard the runner still has from before the restart keeps working.
    await chat.press("Done")
    await chat.press("Just right")
    assert "how much pain did you feel" in chat.last_text
    snapshot = await app.store.load(RUNNER.key)
    assert [r.pain for r in snapshot.history.sessions[-1].results] == [2]
