"""Buttons in the terminal: how a keyboard prints, and which button a typed line means.

A keyboard prints as numbered choices ("[1] Mon   [2] Tue"), unless a number would
mean two things: when a label itself starts with a number that could be typed as a
choice (pain scores 0-10, "2 a week", "06:30"), the labels print in brackets and the
label is what to type ("[0]  [1]  [2] ..."). A typed label matches a button whatever
its case and decoration (✓, emoji): "done" is "Done ✓", "mon" is "✓ Mon". On the
newest message the start of a label is enough ("start" for "Start a session now"),
unless it fits two buttons; then nothing is pressed and the runner is asked for more.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.replies import Button, Keyboard

_DROPPED_CATEGORIES = frozenset({"So", "Sk", "Cf", "Co", "Cs"})  # ✓, emoji, modifiers, joiners
_DROPPED_CHARS = frozenset("'’‘`\ufe0e\ufe0f")  # apostrophes people skip; emoji variation selectors
_LEADING_NUMBER = re.compile(r"\d+")


def typed_form(text: str) -> str:
    """What matters when a person types a label: the words, without case or decoration."""
    kept = (ch for ch in unicodedata.normalize("NFKC", text).casefold()
            if ch not in _DROPPED_CHARS and unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    return " ".join("".join(kept).split())


def numbered(buttons: tuple[Button, ...]) -> bool:
    """Whether the choices print as [1], [2] ...: only if no label starts with one of those numbers."""
    for button in buttons:
        leading = _LEADING_NUMBER.match(typed_form(button.label))
        if leading and int(leading[0]) <= len(buttons):
            return False
    return True


def render(rows: Keyboard) -> list[str]:
    """The keyboard's lines, one per row of buttons."""
    flat = tuple(button for row in rows for button in row)
    if not numbered(flat):
        return ["  " + "   ".join(f"[{button.label}]" for button in row) for row in rows]
    lines, number = [], 0
    for row in rows:
        cells = []
        for button in row:
            number += 1
            cells.append(f"[{number}] {button.label}")
        lines.append("  " + "   ".join(cells))
    return lines


@dataclass(frozen=True, slots=True)
class Choice:
    """What a typed line pressed: one button, several that fit (nothing pressed), or none."""

    button: Button | None = None
    fits: tuple[Button, ...] = ()


def choose(line: str, on_screen: list[Keyboard], newest: Keyboard) -> Choice:
    """The button a typed line means.

    `newest` is the newest message's buttons (none when it asks for typing): numbers and the
    start of a label refer to it alone. A whole label also matches the buttons of older
    messages still on screen (`on_screen`, newest last), the newest first.
    """
    typed = typed_form(line)
    if not typed:
        return Choice()
    current = _flat(newest)
    if typed.isdigit() and current and numbered(current) and 1 <= int(typed) <= len(current):
        return Choice(current[int(typed) - 1])
    for age, keyboard in enumerate([newest, *reversed(on_screen)]):
        fitting = tuple(b for b in _flat(keyboard) if typed_form(b.label) == typed)
        if not fitting and age == 0:
            fitting = tuple(b for b in current if _starts_with(typed_form(b.label), typed))
        if fitting:
            return Choice(fitting[0]) if len(fitting) == 1 else Choice(fits=fitting)
    return Choice()


def _starts_with(label: str, typed: str) -> bool:
    # "2" is the start of "2 a week" but not of "20 min" or "17:30" (a number is typed whole).
    if not label.startswith(typed):
        return False
    return not typed[-1].isdigit() or len(label) == len(typed) or label[len(typed)] == " "


def _flat(rows: Keyboard) -> tuple[Button, ...]:
    return tuple(button for row in rows for button in row)
