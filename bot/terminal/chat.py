"""The terminal adapter: buttons as typed choices, typed lines, files written to disk.

It reads stdin without blocking the loop, so a scripted conversation can be piped
in (one line per input) and the coach answers exactly as it would in a chat.
/quit, Ctrl-D (end of input) and Ctrl-C leave with a goodbye; a turn being answered
when Ctrl-C comes is finished first, so nothing typed is lost.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.private_files import write_private
from bot.terminal.keyboard import choose, render
from bot.terminal.lines import LineReader
from bot.terminal.words import CLOCK_NOT_MOVABLE, GOODBYE, QUIT_COMMANDS, QUIT_HELP, fits_several
from core.engine import Coach
from core.events import Command, Press, Text, parse_input
from core.model import UserRef
from core.replies import Button, Keyboard, Reply
from core.texts import HELP

MAX_KEYBOARDS = 20  # older messages' buttons are forgotten beyond this
# Moves the manual clock, delivering what falls due on the way; returns what to say about it.
ClockMover = Callable[[str], Awaitable[str]]


def own_folder(user: UserRef) -> str:
    """The folder of one person's files under tiptoe-files/: readable, and never shared by two names."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", user.external_id)[:40].strip("._") or "runner"
    return f"{readable}-{hashlib.sha256(user.key.encode()).hexdigest()[:8]}"


@dataclass
class TerminalChat:
    coach: Coach
    user: UserRef
    files_dir: Path
    out: TextIO = field(default=sys.stdout)
    move_clock: ClockMover | None = None
    stamp: Callable[[], str] | None = None  # the time on the moved clock, shown above each reminder
    help_lines: tuple[str, ...] = (QUIT_HELP,)  # the terminal's own commands, shown after /help
    # Buttons still on screen, newest message last; as in a chat, an older message's buttons
    # stay usable (by label) until the coach edits them away.
    keyboards: list[Keyboard] = field(default_factory=list)
    newest: Keyboard = ()  # the newest message's buttons, which numbers refer to (none: it asks to type)
    pressed: str = ""  # payload of the last press, whose message an edit reply changes
    leaving: bool = False  # /quit, Ctrl-C
    messages: int = 0  # messages shown so far: a live timer's id is its number
    timer_keyboards: dict[str, Keyboard] = field(default_factory=dict)  # a live timer's buttons, by its id
    prompt: str = ""  # "> " while a person at a terminal is being asked for the next line

    async def run(self, fd: int | None = None) -> None:
        """Answer each line typed (or piped) on `fd`, stdin by default, until the runner leaves."""
        fd = sys.stdin.fileno() if fd is None else fd
        interactive = os.isatty(fd)
        loop = asyncio.get_running_loop()
        async with LineReader(fd) as lines:
            def interrupt() -> None:
                self.leaving = True
                lines.wake()

            loop.add_signal_handler(signal.SIGINT, interrupt)
            try:
                await self._converse(lines, interactive)
            finally:
                loop.remove_signal_handler(signal.SIGINT)
        # At a prompt, Ctrl-C and Ctrl-D leave the cursor after "> ".
        self.out.write(("\n" if interactive else "") + GOODBYE + "\n")
        self.out.flush()

    async def _converse(self, lines: LineReader, interactive: bool) -> None:
        while not self.leaving:
            if interactive:
                self.prompt = "> "
                self.out.write(self.prompt)
                self.out.flush()
            line = await lines.next()
            self.prompt = ""
            if line is None or self.leaving:
                return
            if not line.strip():
                continue
            if not interactive:
                self.out.write(f"> {line}\n")
            await self.answer(line)

    async def answer(self, line: str) -> None:
        event = parse_input(line)
        if isinstance(event, Command) and event.name in QUIT_COMMANDS:
            self.leaving = True
            return
        if isinstance(event, Command) and event.name == "clock":
            await self._clock(event.arg)
            return
        if isinstance(event, Text):
            choice = choose(line, self.keyboards, self.newest)
            if choice.fits:
                self._say_which(line, choice.fits)
                return
            if choice.button is not None:
                self.pressed = choice.button.payload
                event = Press(choice.button.payload)
        await self.present(await self.coach.handle(self.user, event))

    async def present(self, replies: tuple[Reply, ...]) -> None:
        """Print the coach's answer; a live timer in it learns its message's id."""
        for token, message_id in self.show(replies):
            await self.coach.timer_posted_for(self.user, token, message_id)

    @property
    def own_files(self) -> Path:
        """Where this person's charts, exports, summaries and calendars go; /delete removes it."""
        return self.files_dir / own_folder(self.user)

    def _say_which(self, line: str, fits: tuple[Button, ...]) -> None:
        """A typed label that fits several buttons presses none: say so and show them again."""
        self.out.write("\n" + fits_several(line.strip(), [b.label for b in fits]) + "\n")
        keyboard = next(k for k in [self.newest, *reversed(self.keyboards)] if any(fits[0] in row for row in k))
        self.out.write("\n".join(render(keyboard)) + "\n")
        self.out.flush()

    async def _clock(self, arg: str) -> None:
        if self.move_clock is None:
            self.out.write(f"  ({CLOCK_NOT_MOVABLE})\n")
            return
        self.out.write(f"  🕒 {await self.move_clock(arg)}\n")

    def deliver(self, replies: tuple[Reply, ...]) -> list[tuple[str, str]]:
        """A reminder or a timer edit the dispatcher sends: like any reply, with the time it came when
        the clock is moved (a countdown is one short line). Returns the live timer messages posted."""
        if replies and self.stamp is not None and not all(r.transient for r in replies):
            self.out.write(f"\n  🕒 {self.stamp()}")
        timers = self.show(replies)
        if replies and self.prompt:  # it came while the runner was typing: ask again below it
            self.out.write(self.prompt)
            self.out.flush()
        return timers

    def show(self, replies: tuple[Reply, ...]) -> list[tuple[str, str]]:
        """Print the replies; returns (walk token, id) of each live timer message posted."""
        timers: list[tuple[str, str]] = []
        for reply in replies:
            if reply.replaces and reply.replaces in self.timer_keyboards:
                self._replace(reply)
                continue
            if reply.notice:
                self.out.write(f"  ({reply.text})\n")
                continue
            if reply.edit:
                # The pressed message changes: its buttons go, or are swapped for new ones.
                self.keyboards = [k for k in self.keyboards
                                  if all(b.payload != self.pressed for row in k for b in row)]
                if self.newest not in self.keyboards:
                    self.newest = ()
                if reply.text:
                    self.out.write(f"  {reply.text}\n")
                if reply.buttons:
                    self._show_buttons(reply.buttons)
                continue
            self.out.write("\n" + reply.text + "\n")
            self.newest = ()
            if HELP in reply.text and self.help_lines:
                self.out.write("\nIn this terminal:\n" + "\n".join(self.help_lines) + "\n")
            for item in (reply.picture, reply.attachment):
                if item is not None:
                    path = self.own_files / item.filename
                    write_private(path, item.data)  # a runner's data: for their eyes only
                    self.out.write(f"  [file saved: {path}]\n")
            if reply.forget_files and self.own_files.exists():
                shutil.rmtree(self.own_files)
                self.out.write(f"  [files removed: {self.own_files}]\n")
            if reply.buttons:
                self._show_buttons(reply.buttons)
            self.messages += 1
            if reply.timer:
                timers.append((reply.timer, str(self.messages)))
                self.timer_keyboards[str(self.messages)] = reply.buttons
        self.out.flush()
        return timers

    def _replace(self, reply: Reply) -> None:
        """A live timer changes: a countdown is its one changing line, a new step the whole message."""
        old = self.timer_keyboards[reply.replaces]
        self.keyboards = [k for k in self.keyboards if k is not old]
        if self.newest is old:
            self.newest = ()
        if reply.transient:
            line = next((line for line in reply.text.splitlines() if line.startswith(("⏱", "⏸"))), reply.text)
            self.out.write(f"  {line}\n")
        else:
            self.out.write("\n" + "\n".join(f"  ┃ {line}" for line in reply.text.splitlines()) + "\n")
        self.timer_keyboards[reply.replaces] = reply.buttons
        if reply.buttons:
            if reply.transient and _labels(reply.buttons) == _labels(old):  # the same buttons: not again
                self.keyboards = (self.keyboards + [reply.buttons])[-MAX_KEYBOARDS:]
                self.newest = reply.buttons
            else:
                self._show_buttons(reply.buttons)

    def _show_buttons(self, keyboard: Keyboard) -> None:
        self.keyboards = (self.keyboards + [keyboard])[-MAX_KEYBOARDS:]
        self.newest = keyboard
        self.out.write("\n".join(render(keyboard)) + "\n")


def _labels(keyboard: Keyboard) -> list[str]:
    return [button.label for row in keyboard for button in row]


def parse_when(text: str, now: datetime, tz) -> datetime | None:
    """`/clock` arguments: "+1d", "+2h", "+30m", "+20s" (through a timer), or a local "YYYY-MM-DD HH:MM"."""
    text = text.strip()
    if text.startswith("+") and len(text) > 2 and text[1:-1].isdigit() and text[-1] in "dhms":
        amount = int(text[1:-1])
        return now + {"d": timedelta(days=amount), "h": timedelta(hours=amount),
                      "m": timedelta(minutes=amount), "s": timedelta(seconds=amount)}[text[-1]]
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        return None
    return local.replace(tzinfo=tz) if local.tzinfo is None else local
