"""How much of an exercise a level prescribes, as structured data, and its words and minutes.

A `Dose` says exactly what a set is (reps at a tempo, or a hold), how many sets, whether
each side works, and how long to rest, so the text the runner reads and the minutes a
session takes are both computed from it (and a later set-by-set timer can walk it).
The timing allowances it uses live in core/programme.py with their sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PauseAt(StrEnum):
    BOTTOM = "bottom"  # squats, lunges, hinges: the pause is in the lowest position
    TOP = "top"  # bridges, raises: the pause is at the top


@dataclass(frozen=True, slots=True)
class Tempo:
    """Seconds for one rep: lowering, pausing, rising ("tempo 3-1-1" is 3 s, 1 s, 1 s)."""

    down: int
    pause: int
    up: int
    pause_at: PauseAt = PauseAt.BOTTOM

    @property
    def seconds(self) -> int:
        return self.down + self.pause + self.up

    def words(self) -> str:
        """"3 s down, 1 s pause at the bottom, 1 s up", or "1 s up, 2 s hold at the top, 2 s down"."""
        pause = f"{self.pause} s {'pause' if self.pause_at is PauseAt.BOTTOM else 'hold'} at the {self.pause_at}"
        if self.pause_at is PauseAt.TOP:
            parts = [f"{self.up} s up", pause if self.pause else "", f"{self.down} s down"]
        else:
            parts = [f"{self.down} s down", pause if self.pause else "", f"{self.up} s up"]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Dose:
    """One level's prescription. A set is either `reps` reps at `tempo`, or one `hold_s` hold."""

    sets: int
    reps: int | None = None  # per set (per side when per_side); None for a hold
    reps_max: int | None = None  # the top of a range such as "6-8"; None when fixed
    hold_s: int | None = None  # seconds of one hold; a set is one hold
    per_side: bool = False  # every set is done on each side (or leg)
    alternating: bool = False  # sides take turns set by set: the other side's turn is the rest
    rest_s: int = 0  # rest between sets, seconds (0 only when alternating)
    tempo: Tempo | None = None  # None for holds, or reps whose pace the version describes
    end_hold_s: int | None = None  # a hold to finish each set (squat levels 4-5)

    def __post_init__(self) -> None:
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError("a set is either reps or a hold, not both or neither")
        if self.rest_s <= 0 and not self.alternating:
            raise ValueError("every level rests between sets, unless the sides take turns")

    @property
    def top_reps(self) -> int | None:
        return self.reps_max or self.reps

    def set_seconds(self, default_rep_seconds: int) -> int:
        """One set on one side: the hold, or every rep at its tempo plus any finishing hold."""
        if self.hold_s is not None:
            return self.hold_s
        rep = self.tempo.seconds if self.tempo else default_rep_seconds
        return (self.top_reps or 0) * rep + (self.end_hold_s or 0)

    def seconds(self, default_rep_seconds: int, setup_seconds: int) -> int:
        """The whole exercise: every set on every side, the rests between, and getting set up."""
        sides = 2 if self.per_side else 1
        work = self.sets * sides * self.set_seconds(default_rep_seconds)
        return work + (self.sets - 1) * self.rest_s + setup_seconds

    def words(self) -> str:
        """The dose as the runner reads it: sets, reps or hold, tempo, rest."""
        side = (" per leg" if self.alternating else " per side") if self.per_side else ""
        if self.hold_s is not None:
            what = f"{self.sets} × {self.hold_s} s hold{side}"
        else:
            reps = f"{self.reps}–{self.reps_max}" if self.reps_max else f"{self.reps}"
            what = f"{self.sets} × {reps} reps{side}"
            if self.end_hold_s:
                what += f", then a {self.end_hold_s} s hold to finish each set"
        parts = [what]
        if self.tempo is not None:
            parts.append(self.tempo.words())
        if self.alternating:
            parts.append("switch sides after each set; the other side's turn is your rest")
        else:
            parts.append(f"{self.rest_s} s rest between sets")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    version: str  # what to do at this level, in a line
    dose: Dose
    cues: tuple[str, ...] = ()  # this level's cues where they differ from the exercise's


@dataclass(frozen=True, slots=True)
class Exercise:
    key: str
    name: str
    short: str  # for charts and one-line decisions
    cues: tuple[str, ...]  # the cues for every level that names none of its own
    levels: tuple[Level, ...]

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    def cues_for(self, number: int) -> tuple[str, ...]:
        return self.level(number).cues or self.cues
