"""The coach's buttons as Telegram inline keyboards, and the one link button of our own.

Callback data is the engine's signed payload, unchanged: it already names its owner
and step and fits Telegram's 64 bytes, so no id table is kept here.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.replies import Keyboard

PRIVATE_CHAT_START = "hi"  # the deep-link parameter: "/start hi" arrives in the private chat
PRIVATE_CHAT_LABEL = "Open a private chat with me"


def inline_keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    """The engine's rows as they are (pain 0-10 already comes as two rows); None for no buttons."""
    if not any(rows):
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.payload) for button in row]
         for row in rows if row]
    )


def private_chat_link(bot_username: str) -> str:
    return f"https://t.me/{bot_username}?start={PRIVATE_CHAT_START}"


def private_chat_keyboard(bot_username: str) -> InlineKeyboardMarkup:
    """A URL button: tapping it opens the private chat and sends /start there."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(PRIVATE_CHAT_LABEL, url=private_chat_link(bot_username))]]
    )
