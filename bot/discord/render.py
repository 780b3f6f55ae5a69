"""Send the coach's replies on Discord: DM messages, files, edits after a press, notices.

New messages go to the runner's DM channel. An interaction (a slash command or a
press) is answered through itself: a command's first message is its response, a
press's `edit` replies change the pressed message (the line appended, the buttons
swapped or removed) and its `notice` replies are ephemeral. Whatever the interaction
can no longer carry (it expired or failed) goes to the DM channel instead.

Faults: discord.py already waits out 429s and tries 500/502/504/524 five times itself;
`call_with_retries` retries only what it does not (503, timeouts, dropped connections),
never wrapping its loop in another. Whatever still fails is raised to the caller, who
knows the runner.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import aiohttp
import discord

from bot.discord.views import view_for
from bot.reminders.timers import EditBudget
from bot.text import split_text as split_lines
from core.replies import Keyboard, Reply

log = logging.getLogger(__name__)

T = TypeVar("T")

TEXT_LIMIT = 2000  # characters in one message
DEFER_AFTER_S = 2.0  # Discord wants an answer within 3 s; slower work is deferred first
CANNOT_SEND_TO_USER = 50007  # DMs closed, or no server or app install in common
GONE_NOT_FOUND = frozenset({10003, 10013})  # unknown channel, unknown user
TRANSIENT = (discord.RateLimited, aiohttp.ClientError, OSError, asyncio.TimeoutError)
RETRIED_BY_DISCORD_PY = frozenset({500, 502, 504, 524})  # discord.http: five tries, waiting 1, 3, 5, 7 s
DiscordError = (discord.HTTPException,) + TRANSIENT


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How patiently to make one Discord call.

    `backoff`: the waits before each retry after a 5xx, a timeout or a dropped connection
    (len(backoff) + 1 attempts in all). `longest_flood_wait`: a 429 asking for longer is
    raised instead of waited out (discord.py's max_ratelimit_timeout, 30 s at least).
    `call_timeout`: seconds per call, discord.py's own retries included; longer than its
    16 s of waits, so the fault a call ends with is the one reported, not a timeout.
    """

    backoff: tuple[float, ...] = (0.5, 1.0, 2.0)
    longest_flood_wait: float = 30.0
    call_timeout: float = 60.0

    @property
    def attempts(self) -> int:
        return len(self.backoff) + 1

    def without_retries(self) -> RetryPolicy:
        return RetryPolicy(backoff=(), longest_flood_wait=self.longest_flood_wait, call_timeout=self.call_timeout)


# ---- faults --------------------------------------------------------------------------------

def is_gone(error: BaseException) -> bool:
    """This runner can't be messaged: DMs closed, the bot blocked, the account or channel gone."""
    if isinstance(error, discord.Forbidden):
        return True
    return isinstance(error, discord.NotFound) and error.code in GONE_NOT_FOUND


def is_transient(error: BaseException) -> bool:
    """Worth trying again: flood control, a server error, a timeout or a dropped connection."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500 or error.status == 429
    return isinstance(error, TRANSIENT)


def ours_to_retry(error: BaseException) -> bool:
    """Transient, and not already retried by discord.py (which also waited out any 429)."""
    if isinstance(error, discord.RateLimited):
        return False  # a wait longer than max_ratelimit_timeout: not for this call to sit out
    if isinstance(error, discord.HTTPException):
        return error.status >= 500 and error.status not in RETRIED_BY_DISCORD_PY
    return isinstance(error, TRANSIENT)


def retry_after_of(error: BaseException) -> float | None:
    """The wait Discord named, in seconds, if it named one."""
    if isinstance(error, discord.RateLimited):
        return error.retry_after
    if isinstance(error, discord.HTTPException) and error.status == 429:
        try:
            return float(error.response.headers.get("Retry-After", ""))
        except ValueError:
            return None
    return None


def describe(error: BaseException) -> str:
    """For logs: the fault's kind, status and Discord's error code (never a token or message text)."""
    if isinstance(error, discord.HTTPException):
        return f"{type(error).__name__}: {error.status} (code {error.code})"
    return f"{type(error).__name__}: {error}"


async def call_with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> T:
    """Run one Discord call, retrying transient faults as the policy allows; re-raise the rest."""
    for attempt in range(policy.attempts):
        try:
            return await asyncio.wait_for(call(), policy.call_timeout)
        except DiscordError as error:
            if attempt + 1 == policy.attempts or not ours_to_retry(error):
                raise
            wait = policy.backoff[attempt]
            log.info("Discord call failed (%s); retrying in %.1f s", describe(error), wait)
        await asyncio.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


# ---- what one reply looks like on Discord ------------------------------------------------------

def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces that fit one message here."""
    return split_lines(text, limit)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Discord message to send; files are kept as bytes so every attempt gets fresh ones."""

    content: str
    buttons: Keyboard = ()
    files: tuple[tuple[str, bytes], ...] = ()  # (filename, data)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content or None}
        if (view := view_for(self.buttons)) is not None:
            kwargs["view"] = view
        if self.files:
            kwargs["files"] = [discord.File(io.BytesIO(data), filename) for filename, data in self.files]
        return kwargs


def messages_for(reply: Reply) -> list[Outgoing]:
    """A reply as Discord messages: long text split, files and buttons on the last piece."""
    files = tuple((item.filename, item.data) for item in (reply.picture, reply.attachment) if item is not None)
    text = reply.text or (reply.picture.caption if reply.picture is not None else "")
    pieces = split_text(text)
    if not pieces and not files and not reply.buttons:
        return []
    pieces = pieces or [""]
    return [Outgoing(piece) for piece in pieces[:-1]] + [Outgoing(pieces[-1], reply.buttons, files)]


def appended(content: str, line: str) -> str | None:
    """The pressed message with the chosen line below it; None when there is nothing to add."""
    if not line:
        return None
    return f"{content}\n\n{line}" if content else line


# ---- sending ---------------------------------------------------------------------------------

class Outbox:
    """Posts replies as new messages in one channel (the runner's DM), in order.

    `patient=False` suits reminders: if nothing went out yet, the dispatcher retries the
    whole delivery later; once something did, the rest is retried here, so a
    half-delivered reminder is finished rather than repeated.
    """

    def __init__(self, channel: discord.abc.Messageable, policy: RetryPolicy, *, patient: bool = True,
                 pace: Callable[[], Awaitable[None]] | None = None, edit_budget: EditBudget | None = None) -> None:
        """`pace`: awaited before each message (a reminder's send slot). `edit_budget`: told of every
        edit, so live timers leave room for them."""
        self.edit_budget = edit_budget
        self.channel = channel
        self.policy = policy
        self.patient = patient
        self.pace = pace
        self.timers: list[tuple[str, str]] = []  # (walk token, message id) of live timer messages posted

    async def post_all(self, replies: tuple[Reply, ...]) -> None:
        for reply in replies:
            await self.post(reply)

    async def post(self, reply: Reply) -> None:
        if reply.replaces:
            await self.replace(reply)
            return
        sent = None
        for message in messages_for(reply):
            sent = await self.send(message)
        if reply.timer and sent is not None:
            self.timers.append((reply.timer, str(sent.id)))

    def edited(self) -> None:
        if self.edit_budget is not None:
            self.edit_budget.spend(str(self.channel.id))

    async def replace(self, reply: Reply) -> None:
        """Rewrite one of our DM messages (a live timer) whole; if it is gone, post the reply instead."""
        self.edited()
        target = self.channel.get_partial_message(int(reply.replaces))  # type: ignore[attr-defined]
        policy = self.policy if self.patient else self.policy.without_retries()
        if self.pace is not None:
            await self.pace()
        try:
            await call_with_retries(lambda: target.edit(content=reply.text[:TEXT_LIMIT],
                                                        view=view_for(reply.buttons)), policy)
        except discord.NotFound:
            await self.post(replace(reply, replaces=""))
            return
        self.patient = True

    async def send(self, message: Outgoing) -> discord.Message:
        policy = self.policy if self.patient else self.policy.without_retries()
        if self.pace is not None:
            await self.pace()
        sent = await call_with_retries(lambda: self.channel.send(**message.send_kwargs()), policy)
        self.patient = True
        return sent


class InteractionAnswer:
    """Answers one interaction through itself where it can, else through the runner's DM."""

    def __init__(self, interaction: discord.Interaction, outbox: Outbox, *,
                 defer_after: float = DEFER_AFTER_S) -> None:
        self.interaction = interaction
        self.outbox = outbox
        self.defer_after = defer_after
        self.response = interaction.response
        self._answered = False  # a command's first message has gone out

    async def in_time(self, work: Coroutine[Any, Any, T], *, thinking: bool) -> T:
        """Run the coach; if it takes longer than Discord waits for an answer, defer first."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if not done:
            await self.defer(thinking=thinking)
        return await task

    async def defer(self, *, thinking: bool = False, ephemeral: bool = False) -> None:
        if self.response.is_done():
            return
        try:
            await self.response.defer(thinking=thinking, ephemeral=ephemeral)
        except DiscordError as error:  # expired: the answer goes to the DM instead
            log.info("could not defer an interaction (%s)", describe(error))

    async def notice(self, text: str) -> None:
        """A short acknowledgement only the runner sees; losing one changes nothing."""
        try:
            if self.response.is_done():
                await self.interaction.followup.send(text, ephemeral=True)
            else:
                await self.response.send_message(text, ephemeral=True)
        except DiscordError as error:
            log.info("could not show a notice (%s)", describe(error))

    async def respond(self, message: Outgoing) -> None:
        """A command's first message as the interaction's own response (or its deferred one)."""
        try:
            if not self.response.is_done():
                await self.response.send_message(**message.send_kwargs())
                return
            if self._original_is_deferred_message:
                kwargs = message.send_kwargs()
                await self.interaction.edit_original_response(
                    content=kwargs["content"], view=kwargs.get("view"), attachments=kwargs.get("files", []))
                return
        except DiscordError as error:
            log.info("interaction response failed (%s); sending to the DM instead", describe(error))
        await self.outbox.send(message)

    async def edit(self, content: str, reply: Reply) -> str:
        """Append the reply's line to the pressed message and swap its buttons; returns its new text."""
        new_content = appended(content, reply.text)
        too_long = new_content is not None and len(new_content) > TEXT_LIMIT
        changes: dict[str, Any] = {"view": view_for(reply.buttons)}
        if new_content is not None and not too_long:
            changes["content"] = new_content
        self.outbox.edited()
        try:
            if not self.response.is_done():
                await self.response.edit_message(**changes)
            elif self._original_is_pressed_message:
                await self.interaction.edit_original_response(**changes)
            else:
                raise LookupError("the pressed message is not this interaction's original")
        except (LookupError, *DiscordError) as error:
            await self._edit_by_channel(changes, error)
        if too_long:  # the line goes below as its own message instead
            await self.outbox.post(Reply(reply.text))
            return content
        return new_content if new_content is not None else content

    async def render_press(self, replies: tuple[Reply, ...]) -> None:
        """A press's replies in order: notices ephemeral, edits on the pressed message, the rest below."""
        message = self.interaction.message
        content = message.content if message is not None else ""
        for reply in replies:
            if reply.notice:
                await self.notice(reply.text)
            elif reply.edit:
                content = await self.edit(content, reply)
            elif reply.replaces and message is not None and str(message.id) == reply.replaces \
                    and not self.response.is_done():
                # The timer's own button: the press's answer is the timer's new face.
                self.outbox.edited()
                try:
                    await self.response.edit_message(content=reply.text[:TEXT_LIMIT], view=view_for(reply.buttons))
                except DiscordError as error:  # expired: edit it over REST instead
                    log.info("could not answer a timer press in place (%s)", describe(error))
                    await self.outbox.post(reply)
            else:
                await self.defer()  # acknowledge first: posting may take a while
                await self.outbox.post(reply)
        await self.defer()

    async def render_command(self, replies: tuple[Reply, ...]) -> None:
        """A command's replies in order: the first message answers the interaction."""
        for reply in replies:
            if reply.notice and (self._answered or not self._original_is_deferred_message):
                await self.notice(reply.text)
                continue
            if reply.timer or reply.replaces:  # a live timer lives in the DM, where its id is known
                await self.outbox.post(reply)
                continue
            for message in messages_for(reply):
                if self._answered:
                    await self.outbox.send(message)
                else:
                    await self.respond(message)
                    self._answered = True
        if self._answered:
            return
        if self._original_is_deferred_message:  # never leave "thinking…" on screen
            await self.respond(Outgoing("✓"))
        elif not self.response.is_done():
            await self.notice("✓")

    # ---- details ----------------------------------------------------------------------------

    @property
    def _original_is_pressed_message(self) -> bool:
        """After a (deferred) update, @original is the message whose button was pressed."""
        return self.response.type in (discord.InteractionResponseType.deferred_message_update,
                                      discord.InteractionResponseType.message_update)

    @property
    def _original_is_deferred_message(self) -> bool:
        return self.response.type is discord.InteractionResponseType.deferred_channel_message

    async def _edit_by_channel(self, changes: dict[str, Any], error: BaseException) -> None:
        """The interaction can't edit (expired, failed): edit our own DM message over REST."""
        message = self.interaction.message
        if message is None:
            raise error
        log.info("editing the pressed message directly (%s)", error if isinstance(error, LookupError)
                 else describe(error))
        await call_with_retries(lambda: message.edit(**changes), self.outbox.policy)
