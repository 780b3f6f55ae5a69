"""The shape every part of the dialogue shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.turn import Choice, Turn

Ask = Callable[[Turn], None]
OnPress = Callable[[Turn, str, str], Awaitable[None]]  # turn, action, arg
OnText = Callable[[Turn, str], Awaitable[bool]]  # True when the text was understood
OnCommand = Callable[[Turn, str], Awaitable[None]]  # turn, argument
OnStandalone = Callable[[Turn, str], Awaitable[None]]  # turn, arg


@dataclass(frozen=True, slots=True)
class State:
    """A point in the dialogue: how to (re)ask it and how to take the answer."""

    ask: Ask
    press: OnPress | None = None
    text: OnText | None = None


def pain_rows(action: str) -> tuple[tuple[Choice, ...], ...]:
    """0-10 as two rows of buttons, which fits phones on both platforms."""
    return (
        tuple((str(n), action, str(n)) for n in range(0, 6)),
        tuple((str(n), action, str(n)) for n in range(6, 11)),
    )


def yes_no(action: str, yes: str = "Yes", no: str = "No") -> tuple[tuple[Choice, ...], ...]:
    return (((yes, action, "yes"), (no, action, "no")),)


def int_arg(arg: str, low: int, high: int) -> int | None:
    """A button argument as an int in [low, high], or None if it was tampered with."""
    if not arg.isdigit():
        return None
    value = int(arg)
    return value if low <= value <= high else None
