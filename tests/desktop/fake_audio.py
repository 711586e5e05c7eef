"""A fake sounddevice InputStream for the Record page tests: a thread calls the callback with a
synthetic signal in real-time-sized blocks, as PortAudio would."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np


def harmonic_tone(f0_hz: np.ndarray, sample_rate: int, amplitude: float = 0.3) -> np.ndarray:
    """A voice-like tone (3 harmonics) following ``f0_hz`` per sample (0 = silence)."""
    phase = 2 * np.pi * np.cumsum(f0_hz) / sample_rate
    voiced = (f0_hz > 0).astype(np.float32)
    wave = np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase)
    return (amplitude / 1.75 * wave * voiced).astype(np.float32)


class FakeInputStream:
    """Plays ``signal`` (looped) into ``callback`` in blocks of ``blocksize`` at ``speed`` x real time."""

    instances: list[FakeInputStream] = []

    def __init__(self, *, samplerate: int, callback: Callable, signal: np.ndarray | None = None,
                 blocksize: int = 480, speed: float = 1.0, **_: object) -> None:
        self.samplerate = samplerate
        self.callback = callback
        self.signal = signal if signal is not None else np.zeros(samplerate, np.float32)
        self.blocksize = blocksize
        self.speed = speed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.closed = False
        FakeInputStream.instances.append(self)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fake-portaudio", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pos = 0
        period = self.blocksize / self.samplerate / self.speed
        next_t = time.monotonic()
        while not self._stop.is_set():
            idx = (pos + np.arange(self.blocksize)) % len(self.signal)
            self.callback(self.signal[idx][:, None], self.blocksize, None, None)
            pos += self.blocksize
            next_t += period
            delay = next_t - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def close(self) -> None:
        self.closed = True


def fake_stream_factory(signal_for_rate: Callable[[int], np.ndarray], **options: object) -> Callable:
    def factory(**kwargs: object) -> FakeInputStream:
        rate = int(kwargs["samplerate"])
        return FakeInputStream(signal=signal_for_rate(rate), **{**kwargs, **options})

    return factory
