"""Meeting an exercise: its level's picture the first time, and which side to start with.

The picture goes with an exercise the first time a runner meets it at a level, and again on
"Show me"; which ones were sent is kept with the runner (Runner.pictures_seen), so a restart,
a new chat or a level they come back to never sends one twice unasked. The side per-side
exercises start with is offered once, on the first one: "Left first" / "Right first" on that
exercise, and "Done" without a choice keeps the left we suggested (Runner.first_side).
"""

from __future__ import annotations

from core.deload import dose_for
from core.dose import Dose
from core.model import Runner, Side
from core.programme import CORE_LEVELS, EXERCISES
from core.turn import Choice, Turn

SHOW_ME = "Show me"
SIDE_LABELS = {Side.LEFT: "Left", Side.RIGHT: "Right"}
DEFAULT_FIRST_SIDE = Side.LEFT  # what we suggest until the runner picks [D]


def todays_dose(turn: Turn, index: int) -> Dose:
    """The dose an exercise is done at today: its level's, one set fewer in an easy week."""
    level = EXERCISES[index].level(turn.runner.level(index))
    session = turn.history.active_session
    return dose_for(level.dose, turn.history, session.local_date if session else turn.today)


def show_me_button(turn: Turn) -> tuple[Choice, ...]:
    """"Show me", where this deployment has pictures to show."""
    return ((SHOW_ME, "show", ""),) if turn.services.pictures is not None else ()


def first_side(runner: Runner) -> Side:
    """The side one-sided exercises start with: the runner's choice, or the one we suggest."""
    return runner.first_side or DEFAULT_FIRST_SIDE


def introduce(turn: Turn, index: int, level: int, again: bool = False) -> str:
    """Send the level's picture if it is new to the runner (or asked for); the line on where to start."""
    if turn.services.pictures is not None and (again or (index, level) not in turn.runner.pictures_seen):
        turn.show_picture(EXERCISES[index].key, level)
        turn.update_runner(pictures_seen=turn.runner.pictures_seen | {(index, level)})
    beyond = ("\nA level beyond the core five: optional. The same pain rules apply, and “Too hard” takes you "
              "back a level." if level > CORE_LEVELS else "")
    return beyond + _start_line(turn, index, level)


def _start_line(turn: Turn, index: int, level: int) -> str:
    dose = EXERCISES[index].level(level).dose
    if not dose.per_side:
        return ""
    first = first_side(turn.runner)
    then = "then take turns" if dose.alternating else f"then the {first.other.value}"
    line = f"\nStart with your {first.value} side, {then}."
    if turn.runner.first_side is None:
        line += (f" Rather start with the {first.other.value}? Tap “{SIDE_LABELS[first.other]} first”; "
                 "I'll remember it for every exercise like this.")
    return line


def side_rows(turn: Turn, index: int) -> tuple[tuple[Choice, ...], ...]:
    """The one-time choice of a first side, on the first per-side exercise until it is made."""
    if not EXERCISES[index].level(turn.runner.level(index)).dose.per_side or turn.runner.first_side is not None:
        return ()
    return (tuple((f"{label} first", "side", side.value) for side, label in SIDE_LABELS.items()),)


def choose_side(turn: Turn, arg: str) -> bool:
    """A first-side press; False when it makes no sense (then nothing changed)."""
    side = Side(arg) if arg in Side.__members__.values() else None
    if side is None:
        return False
    turn.update_runner(first_side=side)
    return True


def settle_side(turn: Turn, index: int) -> None:
    """Done without choosing: the side they were told to start with (left) is theirs from now on."""
    if EXERCISES[index].level(turn.runner.level(index)).dose.per_side and turn.runner.first_side is None:
        turn.update_runner(first_side=DEFAULT_FIRST_SIDE)
