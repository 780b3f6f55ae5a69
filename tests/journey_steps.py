"""One scripted journey, step by step, that every parity test plays on its platforms.

A step is (kind, argument): "slash" a command, "press" a button by label, "type" a line,
or "due" a reminder (kind, local date, the UTC moment the clock is set to first).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.replies import Reply
from core.schedule import ReminderKind

Due = tuple[ReminderKind, date, datetime]
SESSION_DUE: Due = (ReminderKind.SESSION, date(2026, 11, 30), datetime(2026, 11, 30, 6, 10, tzinfo=UTC))
MORNING_DUE: Due = (ReminderKind.MORNING, date(2026, 12, 1), datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
STEPS: list[tuple[str, object]] = [
    ("slash", "start"), ("press", "Let's start"), ("press", "None of these"), ("press", "None of these"), ("press", "No"),
    ("press", "Mon"), ("press", "Wed"), ("press", "Fri"), ("press", "Done"), ("press", "2 a week"),
    ("type", "half past six"), ("type", "6:30"), ("type", "Mars/Olympus_Mons"), ("type", "Europe/London"),
    ("press", "20 min"), ("press", "Wait for the reminder"),
    ("due", SESSION_DUE), ("press", "Start now"), ("type", "hello?"), ("press", "0"),
    *[step for pain in ("1", "2", "0", "1", "0") for step in (("press", "Done"), ("press", "Just right"), ("press", pain))],
    ("due", MORNING_DUE), ("press", "0"),
    ("slash", "progress"), ("slash", "help"), ("slash", "export"), ("slash", "delete"),
    ("press", "Yes, delete everything"), ("slash", "progress"),
]


def seen(replies: tuple[Reply, ...]) -> list[tuple[object, ...]]:
    """What a runner is shown: text, button labels by row, edit/notice, file names (payloads differ per runner)."""
    return [(r.text, tuple(tuple(b.label for b in row) for row in r.buttons), r.edit, r.notice,
             r.picture.filename if r.picture else None, r.attachment.filename if r.attachment else None)
            for r in replies]
