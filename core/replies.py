"""Platform-neutral replies: what the coach says, and the buttons it offers.

Adapters translate these into Telegram messages, Discord messages or terminal
lines; they add nothing of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

Keyboard = tuple[tuple["Button", ...], ...]  # rows of buttons


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str  # opaque, signed; fits Telegram's 64-byte callback_data


@dataclass(frozen=True, slots=True)
class Picture:
    filename: str
    data: bytes  # PNG
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    mime_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the coach.

    `edit`: change the message whose button was pressed instead of sending a new one:
    append `text` as its last line (nothing when empty) and replace its buttons with
    `buttons` (none left when empty), so the chat shows what was chosen.
    `notice`: a short acknowledgement of a press that changed nothing (stale, foreign,
    forged, double); platforms that can show it as a toast do so.
    `forget_files`: the runner's data was just erased: an adapter that keeps files for
    them (the terminal's charts, exports, summaries) removes them.
    `replaces`: the id of one of our messages (a live timer) whose text and buttons this
    reply replaces entirely; if it can't be edited any more, the reply is posted instead.
    `timer`: this message is the live timer of that walk (a token): the adapter tells
    `Coach.timer_posted` the id it got, so later replies can replace it.
    `transient`: an intermediate countdown: it may be dropped when the chat or the bot is
    busy (a later one shows the right time anyway); every other reply is always sent.
    """

    text: str
    buttons: Keyboard = ()
    edit: bool = False
    notice: bool = False
    picture: Picture | None = None
    attachment: Attachment | None = None
    forget_files: bool = False
    replaces: str = ""
    timer: str = ""
    transient: bool = False

    @property
    def all_buttons(self) -> tuple[Button, ...]:
        return tuple(b for row in self.buttons for b in row)
