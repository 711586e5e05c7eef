"""Live pitch of a capture stream, cheap enough for a GUI timer tick.

Qt-free. :class:`LivePitchTracker` takes the blocks the Record page drains (any sample rate),
keeps the last :data:`WINDOW_S` seconds, and every :data:`HOP_S` seconds runs a fast extractor
from :mod:`models.features.pitch` (DIO by default: ~0.01-0.03 s of CPU per second of audio) over that
window resampled to 16 kHz. It
keeps only the frames that are new and at least :data:`EDGE_S` away from the window's end, where
the extractor has no right context; the curve therefore lags the voice by about 40 ms. A block
longer than the window (the Live page feeds whole conversion blocks) widens that one analysis, so
every frame is returned once, with left context.

Also: :func:`hz_to_midi`, :func:`midi_to_hz` and :func:`note_name` for the note-name axis.
"""

from __future__ import annotations

import math

import numpy as np

ANALYSIS_RATE = 16000  # models.features.pitch extractors run at 16 kHz with a 160-sample (10 ms) hop
FRAME_S = 0.01
WINDOW_S = 0.48  # analysed each time: several periods of the lowest note (50 Hz = 20 ms) plus context
HOP_S = 0.08  # analysis cadence: ~12 curve updates per second
EDGE_S = 0.04  # frames this close to the window's end are not final yet
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def hz_to_midi(f0_hz: np.ndarray | float) -> np.ndarray | float:
    """MIDI note number (A4 = 440 Hz = 69; fractional), NaN for 0 Hz."""
    f = np.asarray(f0_hz, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(f > 0, 69.0 + 12.0 * np.log2(f / 440.0), np.nan)
    return float(out) if out.ndim == 0 else out


def midi_to_hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def note_name(midi: float) -> str:
    """``"A4"`` for 69; the nearest note for fractional numbers."""
    m = int(round(midi))
    return f"{NOTE_NAMES[m % 12]}{m // 12 - 1}"


class LivePitchTracker:
    """Incremental F0 of a mono stream at 10 ms frames.

    Args:
        sample_rate: rate of the blocks given to :meth:`feed`.
        method: pitch extractor name from ``models.features.pitch.PITCH_EXTRACTORS`` (``dio`` is the cheap one).
    """

    def __init__(self, sample_rate: int, method: str = "dio") -> None:
        from models.features.pitch import create_pitch_extractor

        self.sample_rate = int(sample_rate)
        self.method = method
        self._extractor = create_pitch_extractor(method)
        # The window starts on a boundary shared by the capture samples and the 10 ms frames:
        # every `align_frames` frames (1 at 16/32/44.1/48 kHz, 2 at 22.05 kHz).
        self._align_frames = 100 // math.gcd(self.sample_rate, 100)
        self._align_samples = self.sample_rate * self._align_frames // 100
        self._window = int(WINDOW_S * self.sample_rate)
        self._left = int((WINDOW_S - HOP_S - EDGE_S) * self.sample_rate)  # left context of a new frame
        self._buffer = np.zeros(0, np.float32)  # the last WINDOW_S of captured audio
        self._total = 0  # samples ever received
        self._emitted_frames = 0  # frames (absolute index) already returned
        self._pending = 0  # samples received since the last analysis

    @property
    def seconds_fed(self) -> float:
        """Audio received so far, in seconds (the time base of the returned frames)."""
        return self._total / self.sample_rate

    def feed(self, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Add captured samples; returns the newly final frames.

        Returns:
            (times_s, f0_hz): frame centres in seconds since the first sample fed, and F0 (0 = unvoiced).
        """
        import soxr

        x = np.asarray(block, dtype=np.float32)
        if len(x):
            self._total += len(x)
            self._pending += len(x)
            buffer = np.concatenate([self._buffer, x])
            start = self._total - len(buffer)
            align = self._align_samples
            # The last WINDOW_S, reaching further back when a long block (the Live page's 640 ms) left
            # frames not yet returned before it: those keep the left context a short feed gives them
            # (else they were never analysed, and the cut window's first frame read unvoiced).
            pending_at = self._emitted_frames * self.sample_rate // 100 - self._left
            keep_from = -(-max(start, min(self._total - self._window, pending_at)) // align) * align  # rounded up
            self._buffer = buffer[keep_from - start :]
        if self._pending < HOP_S * self.sample_rate or len(self._buffer) < 0.03 * self.sample_rate:
            return np.zeros(0), np.zeros(0)
        self._pending = 0
        # One-shot resampling of the whole window (soxr's streaming resampler drifts in soxr 1.1.0).
        wave = self._buffer if self.sample_rate == ANALYSIS_RATE else soxr.resample(
            self._buffer, self.sample_rate, ANALYSIS_RATE)
        track = self._extractor.extract(wave)
        first_frame = (self._total - len(self._buffer)) // self._align_samples * self._align_frames
        window_s = len(self._buffer) / self.sample_rate
        final_until = int((window_s - EDGE_S) / FRAME_S) + 1  # window frames before it are final
        local_first = max(0, self._emitted_frames - first_frame)
        f0 = track.f0_hz[local_first:max(local_first, min(final_until, len(track.f0_hz)))]
        times = (first_frame + local_first + np.arange(len(f0))) * FRAME_S
        self._emitted_frames = first_frame + local_first + len(f0)
        return times, f0.astype(np.float32)
