"""The whole journey through discord.py: slash /start in the DM to /delete, with reminders."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.discord import DiscordDelivery, TiptoeDiscord
from bot.main import App
from core.ports import DeliveryStatus
from core.schedule import ReminderKind
from tests.discord.conftest import KEY, RUNNER, DiscordChat, labels, onboard, texts
from tests.engine.fakes import PNG_SIGNATURE

pytestmark = pytest.mark.asyncio  # every test here is a coroutine

MONDAY = date(2026, 11, 30)
PAINS = ["1", "2", "0", "1", "0"]


async def deliver_due(app: App, bot: TiptoeDiscord, kind: ReminderKind, local_date: date,
                      at: datetime) -> None:
    """What the dispatcher does when a reminder falls due: ask the coach, deliver on Discord."""
    app.clock.set(at)
    replies = await app.coach.due(KEY, kind, local_date)
    assert replies, f"nothing due for {kind} on {local_date}"
    snapshot = await app.store.load(KEY)
    assert snapshot is not None
    outcome = await DiscordDelivery(bot).deliver(snapshot.runner.chat_id, replies)
    assert outcome.status is DeliveryStatus.SENT


async def test_full_journey_from_slash_start_to_delete(app: App, bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await onboard(chat)
    waiting = await chat.press("Wait for the reminder")
    assert waiting.replies[0].edit and waiting.replies[0].text == "✓ Wait for the reminder"
    finish = chat.message_with("All set!")
    assert finish.content.endswith("✓ Wait for the reminder") and finish.components == []

    # Monday 06:10 London: the nudge for the 06:30 run arrives as a DM with its own buttons.
    await deliver_due(app, bot, ReminderKind.SESSION, MONDAY, datetime(2026, 11, 30, 6, 10, tzinfo=UTC))
    nudge = chat.messages()[-1]
    assert "Run at 06:30 today" in nudge.content
    assert labels(nudge) == ["Start now", "Snooze 10 min", "Skip today"]
    assert "Before we start" in texts(await chat.press("Start now"))
    readiness = chat.messages()[-1]
    assert labels(readiness)[:11] == [str(n) for n in range(11)]
    assert [len(row["components"]) for row in readiness.components] == [3, 3, 5, 1]  # 0-5 split for Discord
    assert "Good to go" in texts(await chat.press("0"))
    for number, pain in enumerate(PAINS, start=1):
        assert f"{number}/5" in chat.messages()[-1].content
        assert "how hard was that" in texts(await chat.press("Done"))
        assert "how much pain did you feel" in texts(await chat.press("Just right"))
        scored = await chat.press(pain)
        question = chat.message_with("how much pain did you feel")
        assert question.content.split("\n")[-1].startswith(f"✓ Pain: {pain}/10") and question.components == []  # the choice shows
    assert "Session done" in texts(scored)

    # Tuesday 08:00: the next-morning check, answered by its own button.
    await deliver_due(app, bot, ReminderKind.MORNING, date(2026, 12, 1), datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    assert "Good morning!" in chat.messages()[-1].content
    assert "Settled overnight" in texts(await chat.press("0"))

    progress = await chat.slash("progress")
    assert progress.replies[0].picture is not None
    chart = chat.message_with("Squat: level")
    assert [a.data[:8] for a in chart.attachments] == [PNG_SIGNATURE]
    assert chart.attachments[0].filename.endswith(".png")

    await chat.slash("export")
    exported = chat.message_with("everything I hold about you")
    (document,) = exported.attachments
    assert document.filename.endswith(".json")
    scores = [e["pain"] for e in json.loads(document.data)["sessions"][0]["exercises"]]
    assert scores == [int(p) for p in PAINS]

    assert "can't be undone" in texts(await chat.slash("delete"))
    assert "everything is erased" in texts(await chat.press("Yes, delete everything"))
    assert await app.store.load(KEY) is None
    assert dc_messages_ephemeral(chat) == []  # the whole journey happened in plain DM messages


def dc_messages_ephemeral(chat: DiscordChat) -> list[str]:
    return [m.content for m in chat.messages() if m.flags & 64]


async def test_typed_answers_and_commands_arrive_as_dm_messages(bot: TiptoeDiscord, chat: DiscordChat) -> None:
    welcome = await chat.type("hi")  # someone's first words get the welcome
    assert "short safety check" in texts(welcome)
    assert welcome.user.chat_id == chat.dc.dm_channel_of(RUNNER)
    assert "Here's what I can do" in texts(await chat.type("/help"))
    sent = [m.content for m in chat.messages()]
    assert sent[-1].startswith("Here's what I can do")
