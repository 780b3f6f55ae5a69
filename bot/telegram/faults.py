"""What can go wrong talking to the Bot API, and what to do about each fault.

Telegram answers a fault in one of a few ways: wait and retry (429 with
`retry_after`, 5xx, a timeout), give up on this chat (403: blocked, deactivated,
kicked; 400 "chat not found"), or a harmless 400 about an edit. Everything that
sends to Telegram goes through `call_with_retries` with one `RetryPolicy`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Lower-cased fragments of Telegram's error descriptions (PTB strips "Bad Request: ").
_NOT_MODIFIED = "message is not modified"
_EDIT_TARGET_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")
_CHAT_GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated",
              "bot was blocked", "bot was kicked")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How patiently to send one Bot API call.

    `backoff`: the waits before each retry after a 5xx or a timeout, so there are
    len(backoff) + 1 attempts in all; a 429 waits what Telegram asked instead.
    `longest_flood_wait`: a 429 asking for more than this many seconds is not waited
    out here (the caller hears about it). `call_timeout`: seconds per HTTP call.
    """

    backoff: tuple[float, ...] = (0.5, 1.0, 2.0)
    longest_flood_wait: float = 60.0
    call_timeout: float = 10.0

    @property
    def attempts(self) -> int:
        return len(self.backoff) + 1

    def without_retries(self) -> RetryPolicy:
        return RetryPolicy(backoff=(), longest_flood_wait=0.0, call_timeout=self.call_timeout)


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds, whichever type this PTB version returns."""
    value = error.retry_after  # a timedelta with PTB_TIMEDELTA (bot/telegram/__init__.py), else int
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_transient(error: TelegramError) -> bool:
    """Worth trying again: flood control, a server error or a timeout (not a bad request)."""
    return isinstance(error, RetryAfter) or (isinstance(error, NetworkError)
                                              and not isinstance(error, BadRequest))


def is_gone(error: TelegramError) -> bool:
    """This chat can't be reached: they blocked the bot, deleted the account, or it never existed."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and _mentions(error, _CHAT_GONE)


def is_not_modified(error: TelegramError) -> bool:
    """An edit that would change nothing (a double press racing its own edit): harmless."""
    return isinstance(error, BadRequest) and _mentions(error, (_NOT_MODIFIED,))


def is_edit_target_gone(error: TelegramError) -> bool:
    """The pressed message was deleted or is too old to edit: send a new one instead."""
    return isinstance(error, BadRequest) and _mentions(error, _EDIT_TARGET_GONE)


def describe(error: TelegramError) -> str:
    """For logs: the error's kind and Telegram's description (never a token or message text)."""
    return f"{type(error).__name__}: {error.message}"


def _mentions(error: TelegramError, fragments: tuple[str, ...]) -> bool:
    text = error.message.lower()
    return any(fragment in text for fragment in fragments)


async def call_with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> T:
    """Run one Bot API call, retrying transient faults as the policy allows; re-raise the rest."""
    for attempt in range(policy.attempts):
        last = attempt + 1 == policy.attempts
        try:
            return await call()
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            if last or wait > policy.longest_flood_wait:
                raise
            log.info("Telegram asked us to slow down; waiting %.2f s", wait)
        except TelegramError as error:
            if last or not is_transient(error):
                raise
            wait = policy.backoff[attempt]
            log.info("Telegram call failed (%s); retrying in %.2f s", describe(error), wait)
        await asyncio.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")
