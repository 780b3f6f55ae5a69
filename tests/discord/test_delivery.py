"""DiscordDelivery: what the dispatcher hears back for each thing Discord can answer."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio

from bot.clock import ManualClock
from bot.discord import DiscordDelivery, TiptoeDiscord, build_discord_client
from core.engine import Coach
from core.payloads import Signer
from core.ports import DeliveryStatus
from core.replies import Button, Reply
from core.turn import Services
from tests.discord.conftest import FAST, RUNNER, START, FakeDiscordWithDMs, Turns, running_discord, settings_for
from tests.engine.fakes import MemoryStore, TinyCharts
from tests.fakes.discord_api import point_discord_py_at

pytestmark = pytest.mark.asyncio  # every test here is a coroutine

MESSAGES = r"^/channels/\d+/messages$"
NUDGE = Reply("Run at 06:30 today: time for your warm-up. Ready?", ((Button("Start now", "p1"),),))
NOTE = Reply("Run day, no strength work today.")

Fault = Callable[[FakeDiscordWithDMs], Any]
OUTCOMES = [  # (what Discord does to the next message, status, retry_after, messages that arrive)
    pytest.param(lambda dc: None, DeliveryStatus.SENT, None, 2, id="accepted"),
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 429, retry_after=0.05, count=3),
                 DeliveryStatus.SENT, None, 2, id="short 429 storm: discord.py waits it out"),
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 429, retry_after=120.0),
                 DeliveryStatus.RETRY, 120.0, 0, id="429 longer than we wait: the dispatcher's"),
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 503), DeliveryStatus.RETRY, None, 0,
                 id="503 before anything went out: the dispatcher retries it all"),
    pytest.param(lambda dc: dc.close_dms(RUNNER), DeliveryStatus.GONE, None, 0, id="DMs closed (50007)"),
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 404, json={"message": "Unknown Channel", "code": 10003}),
                 DeliveryStatus.GONE, None, 0, id="the DM channel is gone (10003)"),
    pytest.param(lambda dc: dc.fail_next("POST", MESSAGES, 400, json={"message": "Invalid Form Body", "code": 50035}),
                 DeliveryStatus.RETRY, None, 0, id="a bad request: retried, and logged"),
]


@pytest_asyncio.fixture
async def memory_bot(dc: FakeDiscordWithDMs) -> AsyncIterator[TiptoeDiscord]:
    """Delivery needs a logged-in client, not a database: the coach's store is the port fake."""
    coach = Coach(MemoryStore(), ManualClock(START), Services(signer=Signer(b"tests"), charts=TinyCharts()))
    async with running_discord(coach, dc, Turns()) as client:
        yield client


@pytest.mark.parametrize(("fault", "status", "retry_after", "arrived"), OUTCOMES)
async def test_each_answer_from_discord_becomes_a_delivery_outcome(
        fault: Fault, status: DeliveryStatus, retry_after: float | None, arrived: int,
        dc: FakeDiscordWithDMs, memory_bot: TiptoeDiscord) -> None:
    channel = (await memory_bot.create_dm(await memory_bot.fetch_user(RUNNER))).id
    fault(dc)
    began = time.monotonic()
    outcome = await DiscordDelivery(memory_bot, FAST).deliver(str(channel), (NUDGE, NOTE))
    assert (outcome.status, outcome.retry_after) == (status, retry_after)
    assert time.monotonic() - began < 5  # a long flood wait is handed back, not slept through
    assert [m.content for m in dc.messages_in(channel)] == [NUDGE.text, NOTE.text][:arrived]
    if status is not DeliveryStatus.SENT:
        assert outcome.detail and NUDGE.text not in outcome.detail  # a log line, never message text


async def test_a_failed_first_message_is_left_to_the_dispatcher_and_then_sent_once(
        dc: FakeDiscordWithDMs, memory_bot: TiptoeDiscord) -> None:
    channel = (await memory_bot.create_dm(await memory_bot.fetch_user(RUNNER))).id
    delivery = DiscordDelivery(memory_bot, FAST)
    dc.fail_next("POST", MESSAGES, 503)
    assert (await delivery.deliver(str(channel), (NUDGE, NOTE))).status is DeliveryStatus.RETRY
    attempts = [c.status for c in dc.calls if c.path == f"/channels/{channel}/messages"]
    assert attempts == [503]  # not retried here: the dispatcher backs off and tries it all again
    assert (await delivery.deliver(str(channel), (NUDGE, NOTE))).status is DeliveryStatus.SENT
    assert [m.content for m in dc.messages_in(channel)] == [NUDGE.text, NOTE.text]
    buttons = dc.messages_in(channel)[0].components[0]["components"]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [("Start now", "tt:p1")]


async def test_a_delivery_before_the_client_logged_in_is_retried_later(dc: FakeDiscordWithDMs) -> None:
    coach = Coach(MemoryStore(), ManualClock(START), Services(signer=Signer(b"tests"), charts=TinyCharts()))
    with point_discord_py_at(dc):
        client = build_discord_client(coach, settings_for(dc))
        outcome = await DiscordDelivery(client).deliver("1", (NOTE,))
        await client.close()
    assert outcome.status is DeliveryStatus.RETRY and "not logged in" in outcome.detail
    assert dc.calls == []
