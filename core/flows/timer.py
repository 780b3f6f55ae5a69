"""The live timer: one exercise walked set by set in one message that is edited in place.

"Start sets ▶" on an exercise begins the walk (core/sets.py). A hold or a rest counts
down: the dialogue stores when its next update falls due (`Dialogue.timer_due_at`) and
the dispatcher delivers a `TimerDue` then, so a restart mid-hold carries on where it was.
Every reply replaces the timer message (`Reply.replaces`); intermediate countdowns are
`transient` (the bot may thin them when busy), changes of step never are. A press
(Pause, Skip rest, Set done, Stop) is answered at once like any other. When the last set
is done the exercise is done, exactly as if "Done ✓" had been tapped.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

from core.flows.base import State, int_arg
from core.flows.intro import first_side as chosen_side, todays_dose
from core.model import Dialogue
from core.programme import EXERCISES
from core.replies import Reply
from core.sets import SIDES, Step, StepKind, next_mark, walk
from core.texts import BUTTON_PROBLEM
from core.turn import Choice, Turn

STATE = "set"
# A rest that should have begun while the bot could not say so (busy, restarting) still runs from
# the end of the work if it is this late at most, else from now. Work always starts when shown. [D]
LATE_LIMIT = timedelta(seconds=15)
# A countdown mark delivered this late (a busy bot), or this close to its step's end, is not shown:
# the next mark or the step change says the time soon enough, and costs the pace nothing now. [D]
STALE_COUNTDOWN = timedelta(seconds=2)

STOP: Choice = ("Stop", "stop", "")
PAUSE: Choice = ("Pause ⏸", "pause", "")
RESUME: Choice = ("Resume ▶", "resume", "")
SKIP_REST: Choice = ("Skip rest", "skip", "")
READY: Choice = ("Ready ▶", "skip", "")  # switching sides: on to the other side now
SET_DONE: Choice = ("Set done ✓", "set_done", "")


def first_side(turn: Turn) -> str:
    """Which side per-side work starts with: the runner's choice (core/flows/intro.py)."""
    return chosen_side(turn.runner).value


def begin_walk(turn: Turn, index: int) -> None:
    """Show the first step of this exercise in a new timer message and start its clock."""
    turn.dialogue = _with_timer(turn, message="")
    walk_token = f"{index}.{turn.dialogue.step + 1}"
    _enter(turn, index, 0, turn.now, walk_token, first_side(turn))


def _steps(turn: Turn, index: int) -> tuple[Step, ...]:
    return walk(todays_dose(turn, index), turn.data("side", SIDES[0]))


def _enter(turn: Turn, index: int, k: int, start: datetime, walk_token: str, side: str) -> None:
    steps = walk(todays_dose(turn, index), side)
    step = steps[k]
    turn.goto(STATE, prompt=step.headline(), i=str(index), k=str(k), at=start.isoformat(), left="",
              walk=walk_token, side=side)
    _schedule(turn, step, start)
    elapsed = (turn.now - start).total_seconds()
    _show(turn, steps, k, left=step.seconds - elapsed if step.counts_down and elapsed >= 1 else None)


def _schedule(turn: Turn, step: Step, start: datetime) -> None:
    """Set when this step is next shown: its next countdown mark or its end (reps: never)."""
    if not step.counts_down:
        turn.dialogue = _with_timer(turn, due=None, ends=None)
        return
    elapsed = (turn.now - start).total_seconds()
    turn.dialogue = _with_timer(turn, due=start + timedelta(seconds=next_mark(step.seconds, elapsed)),
                                ends=start + timedelta(seconds=step.seconds))


def _with_timer(turn: Turn, **changes: object) -> Dialogue:
    """The dialogue with `due` (timer_due_at), `ends` (timer_ends_at) and/or `message` (timer_message) changed."""
    names = {"due": "timer_due_at", "ends": "timer_ends_at", "message": "timer_message"}
    return replace(turn.dialogue, **{names[name]: value for name, value in changes.items()})


def _position(turn: Turn) -> tuple[int, int, datetime] | None:
    """(exercise, step, its start) from the dialogue; None if tampered with."""
    index = int_arg(turn.data("i"), 0, len(EXERCISES) - 1)
    k = int_arg(turn.data("k"), 0, 999)
    try:
        start = datetime.fromisoformat(turn.data("at"))
    except ValueError:
        return None
    if index is None or k is None or k >= len(_steps(turn, index)):
        return None
    return index, k, start


def _show(turn: Turn, steps: tuple[Step, ...], k: int, *, left: float | None = None, paused: bool = False,
          transient: bool = False) -> None:
    """The timer message as it is now, replacing the last one shown."""
    step = steps[k]
    index = int(turn.data("i"))
    exercise = EXERCISES[index]
    lines = [f"{exercise.name}, level {turn.runner.level(index)}", step.headline()]
    seconds_left = step.seconds if left is None else max(1, round(left))
    if step.kind is StepKind.REPS:
        lines.append(step.cue())
        lines.append("Tap “Set done” when you've finished the set.")
        rows: tuple[tuple[Choice, ...], ...] = ((SET_DONE, STOP),)
    elif paused:
        lines.append(f"⏸ Paused · {seconds_left} s left")
        rows = ((RESUME, STOP),)
    else:
        lines.append(f"⏱ {seconds_left} s left")
        rows = {StepKind.REST: ((PAUSE, SKIP_REST, STOP),), StepKind.SWITCH: ((PAUSE, READY, STOP),)}.get(
            step.kind, ((PAUSE, STOP),))
    if k + 1 < len(steps):
        lines.append(f"Next: {steps[k + 1].headline()}")
    turn.replies.append(Reply("\n".join(lines), turn.keyboard(rows), replaces=turn.dialogue.timer_message,
                              timer=turn.data("walk"), transient=transient))


def _close(turn: Turn, line: str) -> None:
    """The timer message's last words (no buttons); the timer stops."""
    index = int(turn.data("i"))
    text = f"{EXERCISES[index].name}, level {turn.runner.level(index)}\n{line}"
    turn.replies.append(Reply(text, replaces=turn.dialogue.timer_message, timer=turn.data("walk")))
    turn.dialogue = _with_timer(turn, due=None, ends=None)


async def on_due(turn: Turn, due_at: datetime, countdown: bool = True) -> None:
    """The timer fell due: show the countdown (unless the bot is busy), or move on to the next step."""
    if turn.dialogue.state != STATE or turn.dialogue.timer_due_at != due_at:
        return  # an older timer, already moved on (or another process took it): nothing to say
    position = _position(turn)
    if position is None:
        turn.dialogue = _with_timer(turn, due=None, ends=None)
        return
    index, k, start = position
    steps = _steps(turn, index)
    step = steps[k]
    elapsed = (turn.now - start).total_seconds()
    if elapsed >= step.seconds:
        await _advance(turn, index, k, start + timedelta(seconds=step.seconds))
        return
    if not countdown:  # busy: no countdown now, and none until this step ends
        turn.dialogue = _with_timer(turn, due=start + timedelta(seconds=step.seconds))
        return
    if turn.now - due_at > STALE_COUNTDOWN or step.seconds - elapsed < STALE_COUNTDOWN.total_seconds():
        _schedule(turn, step, start)  # a late mark, or one just before the end: the next one says it
        return
    _schedule(turn, step, start)
    _show(turn, steps, k, left=step.seconds - elapsed, transient=True)


async def _advance(turn: Turn, index: int, k: int, ended_at: datetime) -> None:
    steps = _steps(turn, index)
    if k + 1 >= len(steps):
        await _finish(turn, steps)
        return
    # Work starts when the runner is told; a rest (or a switch) runs from when the work ended.
    rest = not steps[k + 1].is_work and turn.now - ended_at <= LATE_LIMIT
    start = ended_at if rest else turn.now
    _enter(turn, index, k + 1, min(start, turn.now), turn.data("walk"), turn.data("side", SIDES[0]))


async def _finish(turn: Turn, steps: tuple[Step, ...]) -> None:
    from core.flows.session import on_exercise

    _close(turn, f"✓ All {steps[-1].sets} sets done. Well done!")
    turn.pressed = False  # the timer message already says it; no "✓ Done" line on it as well
    # Exactly what tapping "Done ✓" on the exercise does: the questions after an exercise.
    await on_exercise(turn, "done", "")


async def on_press(turn: Turn, action: str, arg: str) -> None:
    position = _position(turn)
    if position is None:
        turn.notice(BUTTON_PROBLEM)
        return
    index, k, start = position
    steps = _steps(turn, index)
    step = steps[k]
    paused = turn.data("left") != ""
    if action == "stop":
        from core.flows.session import ask_exercise

        _close(turn, "Timer stopped.")
        ask_exercise(turn, index)
    elif action == "pause" and step.counts_down and not paused:
        left = max(1.0, step.seconds - (turn.now - start).total_seconds())
        turn.set_data(left=str(math.ceil(left)))
        turn.dialogue = _with_timer(turn, due=None, ends=None)
        _show(turn, steps, k, left=left, paused=True)
    elif action == "resume" and paused:
        left = int_arg(turn.data("left"), 1, step.seconds) or step.seconds
        start = turn.now - timedelta(seconds=step.seconds - left)
        turn.set_data(left="", at=start.isoformat())
        _schedule(turn, step, start)
        _show(turn, steps, k, left=left)
    elif (action == "skip" and step.kind in (StepKind.REST, StepKind.SWITCH)) \
            or (action == "set_done" and step.kind is StepKind.REPS):
        await _advance(turn, index, k, turn.now)
    else:
        turn.notice("That button doesn't fit this step; nothing changed.")


def ask_set(turn: Turn) -> None:
    """Asked again (/session, typed text): the timer as it is now, in a new message below."""
    position = _position(turn)
    if position is None:
        from core.flows.session import ask_exercise

        ask_exercise(turn, int_arg(turn.data("i"), 0, len(EXERCISES) - 1) or 0)
        return
    index, k, start = position
    steps = _steps(turn, index)
    step = steps[k]
    turn.dialogue = _with_timer(turn, message="")
    if turn.data("left"):
        _show(turn, steps, k, left=float(turn.data("left")), paused=True)
        return
    elapsed = (turn.now - start).total_seconds()
    _schedule(turn, step, start)  # a step that ended meanwhile is due at once: the dispatcher moves on
    _show(turn, steps, k, left=step.seconds - elapsed if step.counts_down else None)


TYPED = {"pause": "pause", "resume": "resume", "skip": "skip", "skip rest": "skip", "ready": "skip",
         "set done": "set_done",
         "done": "set_done", "stop": "stop"}


async def on_text(turn: Turn, text: str) -> bool:
    action = TYPED.get(text.strip().lower().rstrip(" ✓▶⏸"))
    if action is None:
        return False
    turn.pressed = False
    await on_press(turn, action, "")
    return True


STATES: dict[str, State] = {STATE: State(ask_set, on_press, on_text)}
