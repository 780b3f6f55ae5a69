"""What only the terminal says: how to start, how to leave, the clock. The coach's words are in core/."""

from __future__ import annotations

from datetime import datetime

from core.schedule import zone_for

NEW_RUNNER = "Hi! I'm Tiptoe, your strength coach for runners. Type /start to begin; /help lists what I can do."
KNOWN_RUNNER = "Welcome back! /session starts today's session; /help lists what I can do."
RESUMING = "Welcome back! Here's where we left off; /help lists what I can do."
HOW_TO_TYPE = "Type the number in [ ] or the label to choose a button. /quit or Ctrl-D leaves."
QUIT_HELP = "/quit (or Ctrl-D, Ctrl-C): leave the chat; everything is saved"
CLOCK_HELP = ("/clock +1d, +2h, +30m, +20s or /clock 2026-12-02 08:05 (your local time): move the clock; "
              "reminders and timer updates due on the way arrive as they would in a chat")
CLOCK_USAGE = "Use /clock +1d, +2h, +30m, +20s or /clock 2026-12-01 06:30 (your local time)."
CLOCK_NOT_MOVABLE = "The clock can only be moved when the chat is started with --now."
GOODBYE = "Bye for now! Everything is saved; `tiptoe chat` carries on where you left off. 👟"
QUIT_COMMANDS = frozenset({"quit", "exit", "bye"})


def fits_several(typed: str, labels: list[str]) -> str:
    return f"“{typed}” fits more than one button ({', '.join(labels)}): type more of the label."


def banner(*, known: bool, now: datetime | None, zone_name: str | None, resuming: bool = False) -> str:
    """What `tiptoe chat` prints first: hello, how to type, and the clock when --now set it.

    `now` is already in the runner's zone (`zone_name`), or in UTC while they have none.
    `resuming`: the question the conversation waits on follows (a chat's earlier messages
    stay on screen; a terminal's are gone).
    """
    lines = [RESUMING if resuming else KNOWN_RUNNER if known else NEW_RUNNER, HOW_TO_TYPE]
    if now is not None and zone_name is None:
        lines.append(f"🕒 The clock reads {now:%a %d %b %Y %H:%M} UTC until you set your time zone "
                     f"(in /start); /clock +1d moves it.")
    elif now is not None:
        lines.append(f"🕒 It is {now:%a %d %b %Y %H:%M} ({zone_name}); /clock +1d moves the clock.")
    return "\n".join(lines) + "\n"


def clock_now(instant: datetime, zone_name: str) -> str:
    return f"It is now {instant.astimezone(zone_for(zone_name)):%a %d %b %Y %H:%M} ({zone_name})"
