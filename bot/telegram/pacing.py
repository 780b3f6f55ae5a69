"""Every message the bot sends waits for its slot in the token's pace (PTB's rate-limiter hook).

PTB hands each Bot API call to `process_request`. Calls that put or change a message in
a chat wait for the pacer (shared by every process on one PostgreSQL database); the
rest (answering a press, getMe, setWebhook ...) go at once. A reply is urgent; a
reminder says it is not with `rate_limit_args=REMINDER`, so reminders yield to replies.
A reply's first message says how many it has (`together(n)`), for a pacer that reserves
slots in a round trip (shared_limiter.py): one round trip per reply, not per message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.metrics import Metrics
from bot.reminders.limiter import Pacer

REMINDER = "reminder"  # rate_limit_args for sends that may wait behind replies
TOGETHER = "together:"  # rate_limit_args of a reply's first message: "together:3" (see together())
# Calls that count towards Telegram's ~30 messages/s per token and ~1/s per chat.
PACED_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation", "sendVoice",
    "sendMediaGroup", "sendLocation", "sendSticker", "copyMessage", "forwardMessage",
    "editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup",
})


def together(count: int) -> str:
    """rate_limit_args for the first message of a reply of `count` messages to one chat."""
    return f"{TOGETHER}{count}"


def together_count(rate_limit_args: str | None) -> int:
    if rate_limit_args and rate_limit_args.startswith(TOGETHER):
        return int(rate_limit_args[len(TOGETHER):])
    return 1


class PacedRequests(BaseRateLimiter[str]):
    def __init__(self, pacer: Pacer, metrics: Metrics | None = None, platform: str = "telegram") -> None:
        self.pacer = pacer
        self._metrics = metrics or Metrics()
        self._platform = platform

    async def initialize(self) -> None:
        """Nothing to set up: the pacer is ready."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: str | None) -> Any:
        if endpoint in PACED_METHODS:
            urgent = rate_limit_args != REMINDER
            began = time.monotonic()
            await self.pacer.acquire(str(data.get("chat_id", "")), urgent=urgent,
                                     together=together_count(rate_limit_args))
            self._metrics.pace_wait.labels(self._platform, "reply" if urgent else "reminder").observe(
                time.monotonic() - began)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter:
            self._metrics.rate_limited.labels(self._platform).inc()
            raise  # the caller's retry policy (or the dispatcher) waits what Telegram asked
