"""The set-by-set walk through one level's dose, and when its countdown is shown.

A `Dose` (core/dose.py) says what a level prescribes; `walk` turns it into the steps a
runner follows one at a time: "Set 2 of 4 · left leg · hold 20 s", "Rest 20 s", ...
A hold, a rest or a switch of sides counts down; a set of reps has a tempo cue and
ends when the runner says so. `countdown_marks` says at which seconds left a running
countdown is shown again: every 5 s and once in the last 3 s, so one chat stays well
inside the platforms' edit limits (Telegram: about 20 edits a minute per chat) [D].
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.dose import Dose, PauseAt, Tempo

SIDES = ("left", "right")
MARK_EVERY_S = 5  # a running countdown is shown again every 5 s ... [D]
LAST_MARK_S = 3  # ... and once 3 s before its end, the moment to get ready [D]
SWITCH_S = 5  # getting from one side to the other when the dose names no rest for it [D]


class StepKind(StrEnum):
    HOLD = "hold"  # a timed hold: counts down
    REPS = "reps"  # reps at a tempo: no countdown, "Set done" ends it
    REST = "rest"  # between sets: counts down, may be skipped
    SWITCH = "switch"  # to the other side: counts down, may be skipped


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    set_number: int  # 1-based; a rest belongs to the set it follows
    sets: int
    side: str = ""  # "left" / "right" for per-side work, else ""
    seconds: int = 0  # the countdown (hold, rest, switch); 0 for reps
    reps: str = ""  # "8" or "6–8"
    tempo: Tempo | None = None
    end_hold_s: int | None = None
    limb: str = "side"  # "leg" when the sides are legs taking turns

    @property
    def counts_down(self) -> bool:
        return self.kind is not StepKind.REPS

    @property
    def is_work(self) -> bool:
        return self.kind in (StepKind.HOLD, StepKind.REPS)

    def headline(self) -> str:
        """"Set 2 of 4 · left leg · hold 20 s", "Rest 20 s", "Switch to the right side"."""
        if self.kind is StepKind.REST:
            return f"Rest {self.seconds} s"
        if self.kind is StepKind.SWITCH:
            return f"Switch to the {self.side} {self.limb}"
        parts = [f"Set {self.set_number} of {self.sets}"]
        if self.side:
            parts.append(f"{self.side} {self.limb}")
        if self.kind is StepKind.HOLD:
            parts.append(f"hold {self.seconds} s")
        else:
            parts.append(f"{self.reps} reps")
        return " · ".join(parts)

    def cue(self) -> str:
        """For reps: the tempo as a cue ("3 s down · 1 s pause · up"), and any hold to finish."""
        if self.kind is not StepKind.REPS:
            return ""
        parts = [tempo_cue(self.tempo)] if self.tempo is not None else ["slow and controlled"]
        if self.end_hold_s:
            parts.append(f"then hold {self.end_hold_s} s")
        return " · ".join(parts)


def tempo_cue(tempo: Tempo) -> str:
    """One rep in a glance: "3 s down · 1 s pause · up" (bottom pause) or "up · 2 s hold · 2 s down"."""
    if tempo.pause_at is PauseAt.TOP:
        parts = ["up", f"{tempo.pause} s hold" if tempo.pause else "", f"{tempo.down} s down"]
    else:
        parts = [f"{tempo.down} s down", f"{tempo.pause} s pause" if tempo.pause else "", "up"]
    return " · ".join(p for p in parts if p)


def other_side(side: str) -> str:
    return SIDES[1] if side == SIDES[0] else SIDES[0]


def walk(dose: Dose, first_side: str = SIDES[0]) -> tuple[Step, ...]:
    """Every step of one exercise, in order: work, switch sides, rest, ... ending on work.

    Per side, each set is done on `first_side` then the other. When the sides take turns
    (alternating) the other side's turn is the rest; otherwise both sides make one set and
    the dose's rest follows.
    """
    first = first_side if first_side in SIDES else SIDES[0]
    sides = (first, other_side(first)) if dose.per_side else ("",)
    limb = "leg" if dose.alternating else "side"
    reps = f"{dose.reps}–{dose.reps_max}" if dose.reps_max else str(dose.reps or "")
    steps: list[Step] = []
    for number in range(1, dose.sets + 1):
        for turn, side in enumerate(sides):
            if turn:
                steps.append(Step(StepKind.SWITCH, number, dose.sets, side=side,
                                  seconds=dose.rest_s if dose.alternating and dose.rest_s else SWITCH_S, limb=limb))
            if dose.hold_s is not None:
                steps.append(Step(StepKind.HOLD, number, dose.sets, side=side, seconds=dose.hold_s, limb=limb))
            else:
                steps.append(Step(StepKind.REPS, number, dose.sets, side=side, reps=reps, tempo=dose.tempo,
                                  end_hold_s=dose.end_hold_s, limb=limb))
        if number < dose.sets:
            if dose.alternating:
                steps.append(Step(StepKind.SWITCH, number, dose.sets, side=first, seconds=SWITCH_S, limb=limb))
            else:
                steps.append(Step(StepKind.REST, number, dose.sets, seconds=dose.rest_s))
    return tuple(steps)


def countdown_marks(seconds: int) -> tuple[int, ...]:
    """The seconds left at which a running countdown is shown again, largest first (the end is not one)."""
    marks = set(range(MARK_EVERY_S, seconds, MARK_EVERY_S))
    if LAST_MARK_S < seconds:
        marks.add(LAST_MARK_S)
    return tuple(sorted(marks, reverse=True))


def next_mark(seconds: int, elapsed: float) -> float:
    """Seconds after the step's start when it is next shown: the next mark, or its end."""
    for left in countdown_marks(seconds):
        at = seconds - left
        if at > elapsed:
            return at
    return float(seconds)
