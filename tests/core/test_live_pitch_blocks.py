"""The live pitch tracker fed long blocks (the Live page hands it whole 640 ms conversion blocks):
every 10 ms frame comes out once, in order, and a steady tone stays voiced across the joins.

Before the fix, a block longer than the tracker's 0.48 s window was cut to its last 0.48 s: the
frames between the previous block's last 40 ms and the first 160 ms of the next were never
analysed, and the first frame of each cut window (no left context) came out unvoiced, so the
Live page's pitch trace was dashed at every block join."""

from __future__ import annotations

import numpy as np
import pytest

from tests.desktop.fake_audio import harmonic_tone
from voicecraft_desktop.core.live_pitch import LivePitchTracker, hz_to_midi


def _track(rate: int, block_s: float, seconds: float = 3.2) -> tuple[np.ndarray, np.ndarray]:
    wave = harmonic_tone(np.full(int(rate * seconds), 220.0), rate)
    tracker = LivePitchTracker(rate)
    block = int(round(block_s * rate))
    times, f0 = [], []
    for i in range(0, len(wave), block):
        tt, ff = tracker.feed(wave[i : i + block])
        times.append(tt)
        f0.append(ff)
    return np.concatenate(times), np.concatenate(f0)


@pytest.mark.parametrize("block_s", [0.64, 0.32, 0.16, 0.03])
@pytest.mark.parametrize("rate", [16000, 48000])
def test_a_steady_tone_in_blocks_of_any_length_is_one_unbroken_voiced_trace(rate: int, block_s: float) -> None:
    times, f0 = _track(rate, block_s)
    assert times[0] == 0.0 and times[-1] > 3.1
    assert np.allclose(np.diff(times), 0.01), "frames must be contiguous, 10 ms apart (no gaps at joins)"
    settled = times >= 0.05  # the very first frames have no left context at all
    assert (f0[settled] > 0).all(), f"unvoiced frames at {times[settled & (f0 <= 0)]}"
    assert np.abs(hz_to_midi(f0[settled]) - 57.0).max() < 0.5  # A3 throughout


def test_the_window_stays_bounded() -> None:
    # the extra left context is only what the last block needs: small feeds keep the 0.48 s window
    tracker = LivePitchTracker(16000)
    tone = harmonic_tone(np.full(16000 * 2, 220.0), 16000)
    tracker.feed(tone[:10240])
    for i in range(10240, len(tone), 480):
        tracker.feed(tone[i : i + 480])
    assert len(tracker._buffer) <= int(0.48 * 16000)
