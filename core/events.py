"""What can happen to a runner's conversation: the inputs to the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.schedule import ReminderKind


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # without the slash: "start", "session", ...
    arg: str = ""


@dataclass(frozen=True, slots=True)
class Press:
    payload: str


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder fell due; the reply is what to deliver (possibly nothing)."""

    kind: ReminderKind
    local_date: date


@dataclass(frozen=True, slots=True)
class TimerDue:
    """The dialogue's timer fell due; `due_at` names which one, so a stale delivery changes nothing.

    `countdown=False`: the bot is busy, so a countdown mark shows nothing and the timer
    moves straight on to the step's end (the step change is always shown)."""

    due_at: datetime
    countdown: bool = True


Event = Command | Press | Text | Due | TimerDue


def parse_input(line: str) -> Command | Text:
    """A typed line: "/session" or "/pause@TiptoeBot 2026-12-01" is a command, anything else text."""
    stripped = line.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        head, _, arg = stripped[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        return Command(name=name, arg=arg.strip())
    return Text(stripped)
