"""The heel-raise test's metronome: what the click track holds. The bot makes the sound."""

from __future__ import annotations

from dataclasses import dataclass

from core.programme import METRONOME_LEAD_IN_BEATS, METRONOME_RISES, SELFTEST_BPM

@dataclass(frozen=True, slots=True)
class ClickTrack:
    """A count-in at its own pitch, then beats alternating "up" (high) and "down" (lower)."""

    bpm: int
    lead_in: int  # count-in beats before the first rise
    rises: int  # up-and-down pairs after the count-in

    @property
    def beat_seconds(self) -> float:
        return 60 / self.bpm

    @property
    def beats(self) -> int:
        """Every click on the track, count-in included."""
        return self.lead_in + 2 * self.rises

    @property
    def seconds(self) -> float:
        return self.beats * self.beat_seconds


# One beat up, one beat down [HL17]: 60 bpm is 30 rises a minute.
SELFTEST_METRONOME = ClickTrack(SELFTEST_BPM, METRONOME_LEAD_IN_BEATS, METRONOME_RISES)


def how_to_use(track: ClickTrack) -> str:
    """What to tell the runner with the track: the countdown, then the pace."""
    return (f"Your {track.bpm} bpm metronome ({round(track.seconds)} s). Press play, then start on the first "
            f"high click: {track.lead_in} low clicks count you in, then rise on each high click and lower on "
            "the next one. Play it again for your right leg.")
