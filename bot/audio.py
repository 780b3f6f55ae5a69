"""The self-test metronome as a WAV file, made with the standard library (`wave`).

A short tone marks each beat: the count-in low, "up" high, "down" in between, so the
runner can keep the pace with the phone on the floor without looking at it. 16-bit mono
at 8 kHz keeps the 90 s track about 1.4 MB; the tones sit well below what 8 kHz can carry.
"""

from __future__ import annotations

import asyncio
import io
import math
import sys
import wave
from array import array

from core.metronome import ClickTrack
from core.replies import Attachment

SAMPLE_RATE = 8000  # per second
CLICK_SECONDS = 0.06  # each tone's length
ATTACK_SECONDS = 0.002  # rise to full loudness, so the tone starts crisply without a pop
DECAY_SECONDS = 0.018  # time constant of the fade after the attack
PITCH_HZ = {"count": 440.0, "up": 1320.0, "down": 880.0}
LOUDNESS = {"count": 0.6, "up": 0.8, "down": 0.6}  # share of full scale
FULL_SCALE = 32767


class WaveClickTracks:
    """Implements core.ports.AudioSource with WAV files made on demand (a few milliseconds each)."""

    async def click_track(self, track: ClickTrack) -> Attachment:
        data = await asyncio.to_thread(click_track_wav, track)
        return Attachment(f"tiptoe-metronome-{track.bpm}bpm.wav", data, "audio/wav")


def beat_kinds(track: ClickTrack) -> list[str]:
    """What each click on the track is: "count" for the lead-in, then "up" and "down" in turn."""
    return ["count"] * track.lead_in + ["up", "down"] * track.rises


def click_track_wav(track: ClickTrack) -> bytes:
    samples = array("h", bytes(2 * round(track.seconds * SAMPLE_RATE)))  # silence to start with
    tones = {kind: _tone(kind) for kind in PITCH_HZ}
    for beat, kind in enumerate(beat_kinds(track)):
        start = round(beat * track.beat_seconds * SAMPLE_RATE)
        tone = tones[kind]
        samples[start:start + len(tone)] = tone
    if sys.byteorder == "big":
        samples.byteswap()  # WAV holds little-endian samples
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def _tone(kind: str) -> array:
    pitch, loudness = PITCH_HZ[kind], LOUDNESS[kind]
    values = array("h")
    for index in range(round(CLICK_SECONDS * SAMPLE_RATE)):
        t = index / SAMPLE_RATE
        envelope = t / ATTACK_SECONDS if t < ATTACK_SECONDS else math.exp(-(t - ATTACK_SECONDS) / DECAY_SECONDS)
        values.append(round(FULL_SCALE * loudness * envelope * math.sin(2 * math.pi * pitch * t)))
    return values
