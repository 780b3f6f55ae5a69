"""Send the coach's replies to a Telegram chat: messages, pictures, files and edits.

An `edit` reply changes the message whose button was pressed: its text gains the
reply's line ("✓ No") and its buttons are replaced (or removed). A `replaces` reply
rewrites one of our messages (a live timer) whole, with `editMessageText`; a timer
message posted says its id back (`send` returns them) so later edits can find it. A `notice` belongs
in the press's toast (`answer`), not in the chat. Every call goes through one
RetryPolicy; whatever still fails is raised to the caller, who knows the runner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.telegram.faults import (
    RetryPolicy,
    call_with_retries,
    describe,
    is_edit_target_gone,
    is_not_modified,
)
from bot.reminders.timers import EditBudget
from bot.telegram.keyboards import inline_keyboard
from bot.telegram.pacing import together
from bot.text import split_text as split_lines
from core.replies import Reply

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096  # characters in one message
CAPTION_LIMIT = 1024  # characters in a photo or document caption
TOAST_LIMIT = 200  # characters in a callback query answer


@dataclass(frozen=True, slots=True)
class PressedMessage:
    """The message whose button was pressed: where `edit` replies go."""

    message_id: int
    text: str | None  # None when there is no text to extend (a photo, or too old to read)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces that fit one message here."""
    return split_lines(text, limit)


def toast_text(replies: tuple[Reply, ...]) -> str:
    """What the press's toast says: the notices among the replies, if any."""
    return " ".join(r.text for r in replies if r.notice and r.text)


class ReplySender:
    """Speaks for the coach in Telegram chats through one Bot."""

    def __init__(self, bot: Bot, retry: RetryPolicy, *, pace_as: str | None = None,
                 edit_budget: EditBudget | None = None) -> None:
        """`pace_as`: the rate-limit argument every message carries (pacing.REMINDER for reminders).
        `edit_budget`: told of every edit, so live timers leave room for them."""
        self.bot = bot
        self.retry = retry
        self.edit_budget = edit_budget
        self._pacing: dict[str, Any] = {"rate_limit_args": pace_as} if pace_as is not None else {}

    async def answer(self, query_id: str, text: str = "") -> None:
        """Answer a button press (its toast); never raises: the chat itself goes on regardless."""
        try:
            await call_with_retries(
                partial(self.bot.answer_callback_query, query_id, text=text[:TOAST_LIMIT] or None),
                self.retry)
        except TelegramError as error:
            log.warning("could not answer a button press: %s", describe(error))

    async def send(self, chat_id: int, replies: tuple[Reply, ...], pressed: PressedMessage | None = None,
                   *, retry_first_call: bool = True) -> list[tuple[str, str]]:
        """Send the replies in order; raise the TelegramError that stopped them (after retries).

        Returns (walk token, message id) for each live timer message posted.

        `retry_first_call=False` suits reminders: if nothing went out, the dispatcher retries
        the whole delivery later; once something did, the rest is retried here so that a
        half-delivered reminder is finished rather than repeated.
        """
        outbox = _Outbox(self.bot, chat_id, self.retry, patient=retry_first_call, pacing=self._pacing,
                         edit_budget=self.edit_budget)
        shown = [r for r in replies if not (r.notice and pressed is not None)]  # notices: the press's toast
        if not self._pacing:  # a reply (reminders carry REMINDER): its first message says how many follow
            outbox.together = len(shown)
        for reply in shown:
            if reply.edit and pressed is not None:
                pressed = await outbox.edit(pressed, reply)
            elif reply.replaces:
                await outbox.replace(reply)
            else:
                posted = await outbox.post(reply)
                if reply.timer and posted is not None:
                    outbox.timers.append((reply.timer, str(posted)))
        return outbox.timers


@dataclass
class _Outbox:
    """One send in progress: which chat, and whether anything has gone out yet."""

    bot: Bot
    chat_id: int
    retry: RetryPolicy
    patient: bool
    pacing: dict[str, Any]
    edit_budget: EditBudget | None = None
    timers: list[tuple[str, str]] = field(default_factory=list)  # live timer messages posted
    together: int = 0  # messages this reply sends, told to the pacer with the first (pacing.together)

    def _edited(self) -> None:
        if self.edit_budget is not None:
            self.edit_budget.spend(str(self.chat_id))

    async def _call(self, call: partial[Any]) -> Any:
        if self.together > 1:
            call = partial(call, rate_limit_args=together(self.together))
        else:
            call = partial(call, **self.pacing)
        self.together = 0
        result = await call_with_retries(call, self.retry if self.patient else self.retry.without_retries())
        self.patient = True
        return result

    async def post(self, reply: Reply) -> int | None:
        """Send the reply as new message(s); returns the id of the last one (None if nothing was sent)."""
        keyboard = inline_keyboard(reply.buttons)
        if reply.picture is not None:
            picture = reply.picture
            send = partial(self.bot.send_photo, self.chat_id, picture.data, filename=picture.filename)
            return await self._file(send, reply.text, picture.caption, keyboard)
        if reply.attachment is not None:
            attachment = reply.attachment
            send = partial(self.bot.send_document, self.chat_id, attachment.data, filename=attachment.filename)
            return await self._file(send, reply.text, "", keyboard)
        if reply.text:
            return await self._text(reply.text, keyboard)
        return None

    async def replace(self, reply: Reply) -> None:
        """Rewrite one of our messages (a live timer) whole; if it is gone, post the reply instead."""
        self._edited()
        try:
            await self._call(partial(self.bot.edit_message_text, reply.text[:TEXT_LIMIT], chat_id=self.chat_id,
                                     message_id=int(reply.replaces), reply_markup=inline_keyboard(reply.buttons)))
        except BadRequest as error:
            if is_not_modified(error):
                return
            if not is_edit_target_gone(error):
                raise
            posted = await self.post(replace(reply, replaces=""))
            if reply.timer and posted is not None:
                self.timers.append((reply.timer, str(posted)))

    async def _file(self, send: partial[Any], text: str, own_caption: str,
                    keyboard: InlineKeyboardMarkup | None) -> int:
        """The reply's text as the caption when it fits; otherwise the file first, then the text."""
        if len(text) <= CAPTION_LIMIT:
            sent = await self._call(partial(send, caption=text or own_caption or None, reply_markup=keyboard))
            return sent.message_id
        await self._call(partial(send, caption=own_caption[:CAPTION_LIMIT] or None))
        return await self._text(text, keyboard)

    async def _text(self, text: str, keyboard: InlineKeyboardMarkup | None) -> int:
        pieces = split_text(text)
        sent = None
        for index, piece in enumerate(pieces):
            markup = keyboard if index == len(pieces) - 1 else None  # buttons under the last piece
            sent = await self._call(partial(self.bot.send_message, self.chat_id, piece, reply_markup=markup))
        return sent.message_id

    async def edit(self, pressed: PressedMessage, reply: Reply) -> PressedMessage:
        """Append the reply's line to the pressed message and swap its buttons; returns it as it now is."""
        keyboard = inline_keyboard(reply.buttons)
        extended = f"{pressed.text}\n\n{reply.text}" if reply.text and pressed.text else None
        if extended is not None and len(extended) > TEXT_LIMIT:
            extended = None
        self._edited()
        try:
            if extended is not None:
                await self._call(partial(self.bot.edit_message_text, extended, chat_id=self.chat_id,
                                         message_id=pressed.message_id, reply_markup=keyboard))
            else:
                await self._call(partial(self.bot.edit_message_reply_markup, chat_id=self.chat_id,
                                         message_id=pressed.message_id, reply_markup=keyboard))
        except BadRequest as error:
            if is_not_modified(error):
                return pressed  # a double press raced its own edit: the message already shows it
            if not is_edit_target_gone(error):
                raise
            # The pressed message was deleted or is too old to edit: say it again below.
            await self.post(Reply("\n\n".join(t for t in (pressed.text, reply.text) if t), reply.buttons))
            return pressed
        if extended is None:
            if reply.text:  # no text to extend (a photo) or too long: the line goes below instead
                await self.post(Reply(reply.text))
            return pressed
        return replace(pressed, text=extended)
