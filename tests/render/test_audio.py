"""The self-test metronome: a real WAV at 60 bpm, with a count-in at its own pitch [HL17]."""

from __future__ import annotations

import io
import sys
import wave
from array import array

import pytest

from bot.audio import PITCH_HZ, SAMPLE_RATE, WaveClickTracks, click_track_wav
from core.metronome import SELFTEST_METRONOME, ClickTrack, how_to_use
from core.programme import METRONOME_LEAD_IN_BEATS, SELFTEST_BPM

QUIET = 0.05  # share of full scale below which a sample counts as silence
PITCH_WINDOW_S = 0.04  # the start of each click, where its pitch is measured


def read(data: bytes) -> tuple[wave._wave_params, array]:
    with wave.open(io.BytesIO(data)) as track:
        params = track.getparams()
        samples = array("h", track.readframes(params.nframes))
    if sys.byteorder == "big":
        samples.byteswap()
    return params, samples


def onsets(samples: array, beat_seconds: float = 1.0) -> list[int]:
    """Where each click starts: the first loud sample after at least half a beat of quiet."""
    found: list[int] = []
    threshold = QUIET * 32767
    for index, value in enumerate(samples):
        if abs(value) > threshold and (not found or index - found[-1] > SAMPLE_RATE * beat_seconds / 2):
            found.append(index)
    return found


def pitch(samples: array, start: int) -> float:
    """Hz, from the zero crossings at the start of a click."""
    window = samples[start:start + round(PITCH_WINDOW_S * SAMPLE_RATE)]
    crossings = sum(1 for a, b in zip(window, window[1:]) if (a < 0) != (b < 0))
    return crossings / 2 / PITCH_WINDOW_S


@pytest.fixture(scope="module")
def metronome() -> tuple[wave._wave_params, array]:
    return read(click_track_wav(SELFTEST_METRONOME))


def test_it_is_a_16_bit_mono_wav_of_60_to_90_seconds(metronome) -> None:
    params, _ = metronome
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, SAMPLE_RATE)
    seconds = params.nframes / params.framerate
    assert seconds == pytest.approx(SELFTEST_METRONOME.seconds, abs=1 / SAMPLE_RATE)
    assert 60 <= seconds <= 90


def test_one_click_every_second_at_60_bpm(metronome) -> None:
    _, samples = metronome
    starts = onsets(samples)
    assert SELFTEST_BPM == 60 and len(starts) == SELFTEST_METRONOME.beats
    assert starts[0] == pytest.approx(0, abs=SAMPLE_RATE * 0.005)
    gaps = {round((b - a) / SAMPLE_RATE, 3) for a, b in zip(starts, starts[1:])}
    assert gaps == {1.0}


def test_a_count_in_at_its_own_pitch_then_up_high_and_down_lower(metronome) -> None:
    _, samples = metronome
    pitches = [pitch(samples, start) for start in onsets(samples)]
    lead_in, rest = pitches[:METRONOME_LEAD_IN_BEATS], pitches[METRONOME_LEAD_IN_BEATS:]
    ups, downs = rest[0::2], rest[1::2]
    for measured, kind in [(p, "count") for p in lead_in] + [(p, "up") for p in ups] + [(p, "down") for p in downs]:
        assert measured == pytest.approx(PITCH_HZ[kind], rel=0.05), kind
    assert min(ups) > max(downs) > max(lead_in) * 1.2  # three pitches an ear tells apart


@pytest.mark.parametrize(("bpm", "lead_in", "rises"), [
    pytest.param(60, 4, 2, id="60 bpm: a beat a second"),
    pytest.param(120, 3, 4, id="120 bpm: half a second"),
])
def test_the_track_follows_its_spec(bpm: int, lead_in: int, rises: int) -> None:
    track = ClickTrack(bpm, lead_in, rises)
    params, samples = read(click_track_wav(track))
    starts = onsets(samples, 60 / bpm)
    assert params.nframes == round((lead_in + 2 * rises) * 60 / bpm * SAMPLE_RATE)
    assert len(starts) == lead_in + 2 * rises
    assert {round((b - a) / SAMPLE_RATE, 3) for a, b in zip(starts, starts[1:])} == {60 / bpm}


async def test_the_port_names_it_as_audio() -> None:
    attachment = await WaveClickTracks().click_track(SELFTEST_METRONOME)
    assert attachment.filename == "tiptoe-metronome-60bpm.wav" and attachment.mime_type == "audio/wav"
    assert read(attachment.data)[0].nframes == round(SELFTEST_METRONOME.seconds * SAMPLE_RATE)


def test_the_runner_is_told_how_to_start() -> None:
    note = how_to_use(SELFTEST_METRONOME)
    assert "Press play, then start on the first high click" in note
    assert f"{METRONOME_LEAD_IN_BEATS} low clicks count you in" in note and "90 s" in note
