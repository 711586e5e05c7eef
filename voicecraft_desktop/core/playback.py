"""Audio playback for previews and A/B comparison: a sounddevice output stream over a numpy buffer.

Qt-free. :class:`Player` plays one buffer at a time through a PortAudio callback that only copies
samples (no allocation, no locks held for long, nothing else: friture's rule for real-time
callbacks). :meth:`Player.swap` replaces the buffer while playing and keeps the position, which is
what A/B comparison of a source and its conversion needs. The GUI polls :attr:`Player.position_s`
and :attr:`Player.playing` from a timer; the callback never calls into the GUI.

Without an output device (no sound card, no PulseAudio) :meth:`Player.play` raises
:class:`PlaybackError` with a message a person can act on, instead of crashing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from models.errors import Message


class PlaybackError(RuntimeError):
    """Playback could not start (no output device, device busy, unsupported rate)."""


def _default_stream_factory(**kwargs: Any) -> Any:
    import sounddevice

    return sounddevice.OutputStream(**kwargs)


class Player:
    """Plays mono float32 buffers on an output device.

    Args:
        device: sounddevice output device (index or name); ``None`` is the system default.
        stream_factory: builds the stream from ``OutputStream`` keyword arguments (tests inject a fake).
    """

    def __init__(
        self, device: int | str | None = None, stream_factory: Callable[..., Any] | None = None
    ) -> None:
        self.device = device
        self._factory = stream_factory or _default_stream_factory
        self._lock = threading.Lock()
        self._stream: Any = None
        self._wave = np.zeros(0, np.float32)
        self._rate = 0
        self._pos = 0
        self._done = True

    @property
    def playing(self) -> bool:
        """A buffer is being played (False once it has run out or after :meth:`stop`)."""
        with self._lock:
            return self._stream is not None and not self._done

    @property
    def position_s(self) -> float:
        """Seconds played of the current buffer."""
        with self._lock:
            return self._pos / self._rate if self._rate else 0.0

    @property
    def duration_s(self) -> float:
        with self._lock:
            return len(self._wave) / self._rate if self._rate else 0.0

    def play(self, wave: np.ndarray, sample_rate: int, start_s: float = 0.0) -> None:
        """Starts playing ``wave`` ((T,) float, any range; clipped to [-1, 1]) from ``start_s``.

        Raises:
            PlaybackError: no usable output device.
        """
        self.stop()
        data = np.clip(np.asarray(wave, dtype=np.float32).reshape(-1), -1.0, 1.0)
        with self._lock:
            self._wave, self._rate = data, int(sample_rate)
            self._pos = min(len(data), max(0, int(start_s * sample_rate)))
            self._done = self._pos >= len(data)
        try:
            stream = self._factory(
                samplerate=int(sample_rate),
                channels=1,
                dtype="float32",
                device=self.device,
                callback=self._callback,
                finished_callback=self._on_finished,
            )
            stream.start()
        except Exception as exc:  # sounddevice.PortAudioError, ValueError for a bad device
            with self._lock:
                self._done = True
            raise PlaybackError(_explain(exc)) from None
        with self._lock:
            self._stream = stream

    def swap(self, wave: np.ndarray, sample_rate: int) -> None:
        """Replaces the buffer, keeping the position in seconds (A/B); starts playing if stopped."""
        if not self.playing or sample_rate != self._rate:
            self.play(wave, sample_rate, self.position_s if self.playing else 0.0)
            return
        data = np.clip(np.asarray(wave, dtype=np.float32).reshape(-1), -1.0, 1.0)
        with self._lock:
            self._wave = data
            self._pos = min(self._pos, len(data))

    def stop(self) -> None:
        """Stops and closes the stream (no-op when idle)."""
        with self._lock:
            stream, self._stream = self._stream, None
            self._done = True
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001 - a device that vanished while playing
                pass

    def _callback(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        with self._lock:
            chunk = self._wave[self._pos : self._pos + frames]
            self._pos += len(chunk)
            ended = self._pos >= len(self._wave)
        outdata[: len(chunk), 0] = chunk
        outdata[len(chunk) :, 0] = 0.0
        if ended:
            import sounddevice

            raise sounddevice.CallbackStop

    def _on_finished(self) -> None:
        with self._lock:
            self._done = True


def _explain(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    try:
        import sounddevice

        has_output = any(d.get("max_output_channels", 0) > 0 for d in sounddevice.query_devices())
    except Exception:  # noqa: BLE001 - PortAudio itself is missing
        has_output = False
    if not has_output:
        return Message(
            "No audio output device was found, so nothing can be played. Connect speakers or headphones "
            f"(or start the sound server) and try again. ({text})", "playback_no_output", detail=text,
        )
    return Message(f"Cannot play audio on the output device: {text}", "playback_failed", detail=text)
