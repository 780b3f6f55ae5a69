"""Reminders to Discord DMs: core.ports.Delivery for the dispatcher."""

from __future__ import annotations

import logging
from functools import partial

import discord

from bot.discord.render import DiscordError, Outbox, RetryPolicy, describe, is_gone, is_transient, retry_after_of
from bot.reminders.limiter import Pacer
from core.ports import DeliveryOutcome, DeliveryStatus
from core.replies import Reply

log = logging.getLogger(__name__)

PLATFORM = "discord"


def outcome_for(error: BaseException) -> DeliveryOutcome:
    """What the dispatcher should do after this fault."""
    if is_gone(error):
        return DeliveryOutcome(DeliveryStatus.GONE, detail=describe(error))
    if not is_transient(error):
        # A bad request or a configuration fault: nothing the runner did; the dispatcher's
        # bounded retries (and this log line) are the right place for it.
        log.warning("a reminder could not be sent: %s", describe(error))
    return DeliveryOutcome(DeliveryStatus.RETRY, retry_after_of(error), describe(error))


class DiscordDelivery:
    """Implements core.ports.Delivery over a logged-in client (the running TiptoeDiscord)."""

    platform = PLATFORM

    def __init__(self, client: discord.Client, retry: RetryPolicy | None = None, pacer: Pacer | None = None) -> None:
        """`pacer`: each message waits for its slot there (the bot's shared pace), behind replies."""
        self._client = client
        self._retry = retry or getattr(client, "retry", None) or RetryPolicy()
        self._pacer = pacer

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        """Send the replies to the runner's DM; a fault before anything went out is the dispatcher's to retry."""
        if self._client.user is None:  # reminders fell due before the client had logged in
            return DeliveryOutcome(DeliveryStatus.RETRY, detail="the Discord client is not logged in yet")
        channel = self._client.get_partial_messageable(int(chat_id), type=discord.ChannelType.private)
        try:
            pace = partial(self._pacer.acquire, chat_id, urgent=urgent) if self._pacer is not None else None
            outbox = Outbox(channel, self._retry, patient=False, pace=pace)
            await outbox.post_all(replies)
        except DiscordError as error:
            return outcome_for(error)
        return DeliveryOutcome(DeliveryStatus.SENT, timers=tuple(outbox.timers))
