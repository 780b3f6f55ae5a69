"""The terminal adapter: numbered buttons, typed lines, files written to disk.

It reads stdin without blocking the loop, so a scripted conversation can be piped
in (one line per input) and the coach answers exactly as it would in a chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.private_files import write_private
from core.engine import Coach
from core.events import Command, Press, Text, parse_input
from core.model import UserRef
from core.replies import Button, Reply

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
    # Buttons still on screen, newest message last; as in a chat, an older message's buttons
    # stay usable (by label) until the coach edits them away.
    keyboards: list[tuple[Button, ...]] = field(default_factory=list)
    pressed: str = ""  # payload of the last press, whose message an edit reply changes

    async def run(self, lines: asyncio.Queue[str | None] | None = None) -> None:
        """Read lines until end of input; answer each one."""
        interactive = sys.stdin.isatty() and lines is None
        while True:
            if interactive:
                self.out.write("> ")
                self.out.flush()
            line = await (lines.get() if lines is not None else asyncio.to_thread(sys.stdin.readline))
            if line is None or (lines is None and line == ""):
                return
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if not interactive:
                self.out.write(f"> {line}\n")
            await self.answer(line)

    async def answer(self, line: str) -> None:
        event = self._event_for(line)
        if isinstance(event, Command) and event.name == "clock":
            await self._clock(event.arg)
            return
        self.show(await self.coach.handle(self.user, event))

    @property
    def own_files(self) -> Path:
        """Where this person's charts, exports, summaries and calendars go; /delete removes it."""
        return self.files_dir / own_folder(self.user)

    @property
    def keyboard(self) -> tuple[Button, ...]:
        """The newest message's buttons: the ones numbers refer to."""
        return self.keyboards[-1] if self.keyboards else ()

    def _event_for(self, line: str) -> Command | Press | Text:
        stripped = line.strip().lower()
        # A label wins over a number (pain buttons are labelled 0-10); the newest message first.
        for keyboard in reversed(self.keyboards):
            for button in keyboard:
                if stripped in (button.label.lower(), button.label.lower().lstrip("✓ ")):
                    return self._press(button)
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.keyboard):
            return self._press(self.keyboard[int(stripped) - 1])
        return parse_input(line.strip())

    def _press(self, button: Button) -> Press:
        self.pressed = button.payload
        return Press(button.payload)

    async def _clock(self, arg: str) -> None:
        if self.move_clock is None:
            self.out.write("  (the clock can only be moved when started with --now)\n")
            return
        self.out.write(f"  🕒 {await self.move_clock(arg)}\n")

    def show(self, replies: tuple[Reply, ...]) -> None:
        for reply in replies:
            if reply.notice:
                self.out.write(f"  ({reply.text})\n")
                continue
            if reply.edit:
                # The pressed message changes: its buttons go, or are swapped for new ones.
                self.keyboards = [k for k in self.keyboards if all(b.payload != self.pressed for b in k)]
                if reply.text:
                    self.out.write(f"  {reply.text}\n")
                if reply.buttons:
                    self._show_buttons(reply)
                continue
            self.out.write("\n" + reply.text + "\n")
            for item in (reply.picture, reply.attachment):
                if item is not None:
                    path = self.own_files / item.filename
                    write_private(path, item.data)  # a runner's data: for their eyes only
                    self.out.write(f"  [file saved: {path}]\n")
            if reply.forget_files and self.own_files.exists():
                shutil.rmtree(self.own_files)
                self.out.write(f"  [files removed: {self.own_files}]\n")
            if reply.buttons:
                self._show_buttons(reply)
        self.out.flush()

    def _show_buttons(self, reply: Reply) -> None:
        self.keyboards = (self.keyboards + [reply.all_buttons])[-MAX_KEYBOARDS:]
        number = 0
        for row in reply.buttons:
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button.label}")
            self.out.write("  " + "   ".join(cells) + "\n")


def parse_when(text: str, now: datetime, tz) -> datetime | None:
    """`/clock` arguments: "+1d", "+2h", "+30m", or a local "YYYY-MM-DD HH:MM"."""
    text = text.strip()
    if text.startswith("+") and len(text) > 2 and text[1:-1].isdigit() and text[-1] in "dhm":
        amount = int(text[1:-1])
        return now + {"d": timedelta(days=amount), "h": timedelta(hours=amount),
                      "m": timedelta(minutes=amount)}[text[-1]]
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        return None
    return local.replace(tzinfo=tz) if local.tzinfo is None else local
