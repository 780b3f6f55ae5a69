"""Reminders to Telegram chats: core.ports.Delivery for the dispatcher."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import RetryAfter, TelegramError

from bot.telegram.faults import RetryPolicy, describe, is_gone, is_transient, retry_after_seconds
from bot.telegram.pacing import REMINDER
from bot.telegram.sending import ReplySender
from core.ports import DeliveryOutcome, DeliveryStatus
from core.replies import Reply

log = logging.getLogger(__name__)

PLATFORM = "telegram"


def outcome_for(error: TelegramError) -> DeliveryOutcome:
    """What the dispatcher should do after this fault."""
    if isinstance(error, RetryAfter):
        return DeliveryOutcome(DeliveryStatus.RETRY, retry_after_seconds(error), describe(error))
    if is_gone(error):
        return DeliveryOutcome(DeliveryStatus.GONE, detail=describe(error))
    if not is_transient(error):
        # A bad request or a configuration fault: nothing the runner did; the dispatcher's
        # bounded retries (and the log) are the right place for it.
        log.warning("a reminder could not be sent: %s", describe(error))
    return DeliveryOutcome(DeliveryStatus.RETRY, detail=describe(error))


class TelegramDelivery:
    """Implements core.ports.Delivery over one PTB Bot (the running Application's `bot`)."""

    platform = PLATFORM

    def __init__(self, bot: Bot, retry: RetryPolicy | None = None) -> None:
        # Reminders wait behind replies for their send slots, where the bot is paced at all.
        paced = getattr(bot, "rate_limiter", None) is not None
        self._sender = ReplySender(bot, retry or RetryPolicy(), pace_as=REMINDER if paced else None)
        self._urgent = ReplySender(bot, retry or RetryPolicy())  # a timer's step change: paced as a reply

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        """Send the replies in order; a fault before anything went out is the dispatcher's to retry."""
        sender = self._urgent if urgent else self._sender
        try:
            timers = await sender.send(int(chat_id), replies, retry_first_call=False)
        except TelegramError as error:
            return outcome_for(error)
        return DeliveryOutcome(DeliveryStatus.SENT, timers=tuple(timers))
