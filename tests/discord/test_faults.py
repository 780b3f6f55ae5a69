"""Platform faults mid-session: 429s, 5xx, expired interactions, gateway drops, closed DMs.

Whatever Discord does, no answer the runner gave is lost and the conversation goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.discord import DiscordDelivery, TiptoeDiscord
from bot.main import App
from bot.reminders.limiter import DISCORD_RATE, RateLimiter
from bot.storage.tables import ReminderRow
from tests.discord.conftest import (
    FAST, KEY, RUNNER, DiscordChat, FakeDiscordWithDMs, at_first_pain_question, onboard, texts,
)

pytestmark = pytest.mark.asyncio  # every test here is a coroutine

MESSAGES = r"^/channels/\d+/messages$"
CALLBACK = r"/callback$"
MONDAY_NUDGE = datetime(2026, 11, 30, 6, 10, tzinfo=UTC)  # 06:30 London run, 20 min lead


async def pains(app: App) -> list[int | None]:
    snapshot = await app.store.load(KEY)
    assert snapshot is not None
    return [r.pain for r in snapshot.history.sessions[-1].results]


def posted(chat: DiscordChat, text: str) -> int:
    """How many messages in the DM show `text` (a duplicate would be a double send)."""
    return sum(text in m.content for m in chat.messages())


Fault = Callable[[FakeDiscordWithDMs], object]
TRANSIENT_FAULTS = [  # what goes wrong while the pain score's replies are being shown
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 429, retry_after=0.05, count=3), id="429 storm"),
    pytest.param(lambda dc: dc.fail_next("POST", CALLBACK, 429, retry_after=0.05, count=2),
                 id="429 on the press's answer"),
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 503, count=FAST.attempts - 1),
                 id="503 until the last try"),
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 500), id="500 once (discord.py retries it)"),
]


@pytest.mark.parametrize("fault", TRANSIENT_FAULTS)
async def test_a_transient_fault_is_retried_and_the_score_is_kept(
        fault: Fault, app: App, bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await at_first_pain_question(chat, app.coach)
    fault(chat.dc)
    assert "2/5 Heels-up squat" in texts(await chat.press("1"))
    assert posted(chat, "2/5 Heels-up squat") == 1  # retried, never doubled
    assert await pains(app) == [1]
    await chat.press("Done")  # and the conversation simply goes on
    await chat.press("Just right")
    assert "3/5 Heels-up split squat" in texts(await chat.press("0"))
    assert await pains(app) == [1, 0]


async def test_replies_lost_to_a_long_outage_lose_no_score(app: App, bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await at_first_pain_question(chat, app.coach)
    chat.dc.fail_next("POST", MESSAGES, 503, count=FAST.attempts)  # every try of the next message fails
    await chat.press("3")
    assert posted(chat, "2/5 Heels-up squat") == 0
    assert await pains(app) == [3]  # saved before any reply was sent
    resumed = await chat.slash("session")
    assert "Picking up where you left off" in texts(resumed) and "2/5 Heels-up squat" in texts(resumed)


async def test_an_expired_press_is_still_shown_through_the_dm(app: App, bot: TiptoeDiscord,
                                                              chat: DiscordChat) -> None:
    await at_first_pain_question(chat, app.coach)
    question, _ = chat.button("2")
    chat.dc.expire_interactions = True  # every callback now answers 10062 Unknown interaction
    assert "2/5 Heels-up squat" in texts(await chat.press("2"))
    edited = chat.dc.message(question.id)
    assert edited.content.endswith("✓ Pain: 2/10") and edited.components == []  # edited over REST
    assert posted(chat, "2/5 Heels-up squat") == 1
    assert await pains(app) == [2]
    await chat.slash("help")  # an expired command's answer goes to the DM as well
    assert chat.messages()[-1].content.startswith("Here's what I can do")


@pytest.mark.parametrize("close_code", [pytest.param(None, id="abrupt"), pytest.param(4000, id="close 4000")])
async def test_a_gateway_drop_mid_session_resumes(close_code: int | None, app: App, bot: TiptoeDiscord,
                                                 chat: DiscordChat) -> None:
    await at_first_pain_question(chat, app.coach)
    await chat.dc.drop_gateway(close_code)
    # Pressed while the bot is disconnected: Discord keeps it, and RESUME replays it.
    assert "2/5 Heels-up squat" in texts(await chat.press("1"))
    await chat.dc.wait_ready()
    await chat.press("Done")
    await chat.press("Just right")
    assert "3/5 Heels-up split squat" in texts(await chat.press("0"))
    assert (chat.dc.identify_count, chat.dc.resume_count) == (1, 1)
    assert await pains(app) == [1, 0]


async def test_closed_dms_stop_the_reminders_through_the_dispatcher(app: App, bot: TiptoeDiscord,
                                                                   chat: DiscordChat) -> None:
    await onboard(chat)
    chat.dc.close_dms(RUNNER)
    dispatcher = app.dispatcher({"discord": DiscordDelivery(bot)}, {"discord": RateLimiter(DISCORD_RATE)})
    app.clock.set(MONDAY_NUDGE)
    await dispatcher.plan_pass()
    assert await dispatcher.tick() == 1
    await dispatcher.drain()
    snapshot = await app.store.load(KEY)
    assert snapshot is not None and snapshot.runner.unreachable
    async with app.sessions() as db:
        statuses = (await db.scalars(select(ReminderRow.status).where(ReminderRow.kind == "session"))).all()
    assert "cancelled" in statuses and "pending" not in statuses
    refused = [c for c in chat.dc.calls if c.method == "POST" and c.path.startswith("/channels/")]
    assert [c.status for c in refused][-1] == 403


async def test_closed_dms_mid_conversation_mark_the_runner_unreachable(app: App, bot: TiptoeDiscord,
                                                                      chat: DiscordChat) -> None:
    await at_first_pain_question(chat, app.coach)
    chat.dc.close_dms(RUNNER)
    await chat.press("1")  # the press itself is answered; the next question can't be sent
    snapshot = await app.store.load(KEY)
    assert snapshot is not None and snapshot.runner.unreachable
    assert await pains(app) == [1]
    assert posted(chat, "2/5 Heels-up squat") == 0
