"""Audio capture: a sounddevice input stream whose callback only fills a ring buffer.

Qt-free (friture's audio backend pattern). The PortAudio callback copies the block into a
preallocated :class:`RingBuffer` and counts overflows; nothing else runs there (no allocation
beyond PortAudio's own array, no logging, no GUI). The GUI drains the buffer from a timer with
:meth:`Recorder.drain`, which also collects the samples of the take being recorded.

Without an input device (no sound card, no PulseAudio server, PortAudio missing),
:func:`list_input_devices` returns an empty list with :func:`audio_unavailable_reason` saying why,
and :meth:`Recorder.start` raises :class:`RecorderError` with a message a person can act on.

Each device also has a ``label`` a singer can read: PortAudio's ALSA devices "default", "pulse"
and "pipewire" are the sound server, so they are labelled with its default source's description
(``pactl``: "System default: Built-in Audio Analog Stereo", not "default (ALSA)"), and an ALSA
card's "(hw:0,0)" address is dropped. Settings keep PortAudio's ``name``.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import Message

DEFAULT_SAMPLE_RATE = 48000
SAMPLE_RATES = (16000, 22050, 32000, 44100, 48000)
RING_SECONDS = 10.0  # the GUI drains at ~30 Hz; 10 s absorbs any stall the GUI can survive
CLIP_LEVEL = 0.999  # |sample| at or above this counts as clipped (float32 full scale is 1.0)


class RecorderError(RuntimeError):
    """Recording could not start or continue; the message is meant for the user."""


@dataclass(frozen=True)
class InputDevice:
    """An input device as PortAudio reports it.

    Attributes:
        index: PortAudio device index (valid until the device list is rescanned).
        name: device name (what the settings store).
        hostapi: host API name (ALSA, WASAPI, Core Audio, ...).
        channels: maximum input channels.
        default_sample_rate: the device's preferred rate in Hz.
        is_default: the system's default input.
        label: the name to show (:func:`device_label`); ``name`` when empty.
    """

    index: int
    name: str
    hostapi: str
    channels: int
    default_sample_rate: float
    is_default: bool
    label: str = ""


SERVER_DEVICES = {"default": "", "pulse": "PulseAudio", "pipewire": "PipeWire"}  # PortAudio ALSA names
PACTL_TIMEOUT_S = 1.0
_HW_ADDRESS = re.compile(r"\s*\((?:hw|plughw):\d+,\d+\)$")


def _pactl(*args: str) -> str | None:
    """``pactl ARGS`` output, ``None`` without pactl or a sound server (never raises, 1 s at most)."""
    exe = shutil.which("pactl")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=PACTL_TIMEOUT_S,
                              env={"LC_ALL": "C", "PATH": "/usr/bin:/bin", **_pulse_env()})
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _pulse_env() -> dict[str, str]:
    import os

    keys = ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "XDG_RUNTIME_DIR", "HOME")
    return {k: os.environ[k] for k in keys if k in os.environ}


def server_default_source() -> str | None:
    """The description of the sound server's default input ("Built-in Audio Analog Stereo"), or
    ``None`` (no PulseAudio/PipeWire server, no pactl)."""
    info = _pactl("info")
    if not info:
        return None
    match = re.search(r"^Default Source:\s*(\S+)", info, re.MULTILINE)
    sources = _pactl("list", "sources") if match else None
    if not sources:
        return None
    for block in re.split(r"\n(?=Source #)", sources):
        name = re.search(r"^\s*Name:\s*(\S+)", block, re.MULTILINE)
        if name and name.group(1) == match.group(1):
            description = re.search(r"^\s*Description:\s*(.+)$", block, re.MULTILINE)
            return description.group(1).strip() if description else None
    return None


def device_label(name: str, hostapi: str, server_source: str | None) -> str:
    """What to show for a PortAudio device: see the module's docstring."""
    if hostapi == "ALSA" and name in SERVER_DEVICES:
        server = SERVER_DEVICES[name]
        if name == "default":
            return f"System default: {server_source}" if server_source else "System default input"
        return f"{server_source} (through the sound server)" if server_source else f"Sound server ({server})"
    if hostapi == "ALSA":
        return _HW_ADDRESS.sub("", name) or name
    return name


_unavailable_reason = ""


def _sounddevice() -> Any:
    import sounddevice  # raises OSError when the PortAudio library is missing

    return sounddevice


def list_input_devices() -> list[InputDevice]:
    """Every device with input channels; ``[]`` when there is none or PortAudio is unusable."""
    global _unavailable_reason
    try:
        sd = _sounddevice()
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in = sd.default.device[0]
    except (OSError, ImportError) as error:
        _unavailable_reason = Message(
            f"the audio library could not be loaded ({error})", "audio_library_missing", detail=str(error))
        return []
    except Exception as error:  # noqa: BLE001 - PortAudioError and friends: report, never crash
        _unavailable_reason = Message(f"the audio system reported an error ({error})", "audio_system_error",
                                      detail=str(error))
        return []
    inputs = [d for d in devices if d["max_input_channels"] > 0]
    apis = [str(hostapis[d["hostapi"]]["name"]) for d in inputs]
    uses_server = any(api == "ALSA" and d["name"] in SERVER_DEVICES for d, api in zip(inputs, apis))
    source = server_default_source() if uses_server else None
    found = [
        InputDevice(
            index=int(d["index"]),
            name=str(d["name"]),
            hostapi=api,
            channels=int(d["max_input_channels"]),
            default_sample_rate=float(d["default_samplerate"]),
            is_default=int(d["index"]) == default_in,
            label=device_label(str(d["name"]), api, source),
        )
        for d, api in zip(inputs, apis)
    ]
    _unavailable_reason = "" if found else Message(
        "no audio input device was found (no microphone, no sound server)", "no_input_device")
    return found


def audio_unavailable_reason() -> str:
    """Why the last :func:`list_input_devices` found nothing ("" when it found devices)."""
    return _unavailable_reason


def rescan_devices() -> None:
    """Re-initialise PortAudio so devices plugged in (or a sound server started) since show up.

    sounddevice has no public call for this; its ``_terminate``/``_initialize`` pair is the one
    way, and is safe only while no stream is open (the Record page closes its stream first).
    """
    try:
        sd = _sounddevice()
    except (OSError, ImportError):
        return
    terminate, initialize = getattr(sd, "_terminate", None), getattr(sd, "_initialize", None)
    if terminate is not None and initialize is not None:
        try:
            terminate()
        finally:
            initialize()


class RingBuffer:
    """Single-producer, single-consumer ring of float32 samples.

    The producer (the audio callback) calls :meth:`write`; the consumer (the GUI timer) calls
    :meth:`read_new`. Positions are absolute sample counts; the consumer detects that the producer
    lapped it and counts the samples lost in :attr:`overflow_samples` instead of returning torn data.

    Args:
        capacity: size in samples.
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = int(capacity)
        self._data = np.zeros(self.capacity, np.float32)
        self._written = 0  # total samples ever written (only the producer changes it)
        self._read = 0  # total samples consumed (only the consumer changes it)
        self._reserved = 0  # end of the write in progress (>= _written): samples below
        # _reserved - capacity may already be overwritten, even before _written says so
        self.overflow_samples = 0

    @property
    def written(self) -> int:
        return self._written

    def write(self, block: np.ndarray) -> None:
        """Append ``block`` (1-D float32); the oldest samples are overwritten when full."""
        n = len(block)
        if n == 0:
            return
        if n > self.capacity:
            block = block[-self.capacity :]
            start_total = self._written + n - self.capacity
            n = self.capacity
        else:
            start_total = self._written
        self._reserved = start_total + n  # announced before the data changes
        start = start_total % self.capacity
        first = min(n, self.capacity - start)
        self._data[start : start + first] = block[:first]
        if first < n:
            self._data[: n - first] = block[first:]
        self._written = start_total + n  # published last: the reader never sees unwritten samples

    def available(self) -> int:
        return self._written - self._read

    def read_new(self) -> np.ndarray:
        """Everything written since the last call (at most ``capacity`` samples), as a new array."""
        end = self._written
        start = self._read
        if end - start > self.capacity:
            self.overflow_samples += end - start - self.capacity
            start = end - self.capacity
        out = self._copy(start, end)
        # If the producer lapped us while copying (or is writing a block that does), the oldest part
        # of the copy may be torn: drop it.
        lapped = min(len(out), self._reserved - self.capacity - start)
        if lapped > 0:
            self.overflow_samples += lapped
            out = out[lapped:]
        self._read = end
        return out

    def free(self) -> int:
        """Samples the producer may write without overwriting unread ones."""
        return self.capacity - (self._written - self._read)

    def read_into(self, out: np.ndarray) -> int:
        """Copies the oldest unread samples (at most ``len(out)``) into ``out``, allocating nothing
        (an audio output callback is the consumer); returns how many were copied."""
        start = max(self._read, self._written - self.capacity)
        n = min(len(out), self._written - start)
        if n <= 0:
            return 0
        a = start % self.capacity
        first = min(n, self.capacity - a)
        out[:first] = self._data[a : a + first]
        if first < n:
            out[first:n] = self._data[: n - first]
        self._read = start + n
        return n

    def _copy(self, start: int, end: int) -> np.ndarray:
        n = end - start
        if n <= 0:
            return np.zeros(0, np.float32)
        a = start % self.capacity
        first = min(n, self.capacity - a)
        if first == n:
            return self._data[a : a + n].copy()
        return np.concatenate([self._data[a:], self._data[: n - first]])


StreamFactory = Callable[..., Any]


def _default_stream_factory(**kwargs: Any) -> Any:
    return _sounddevice().InputStream(**kwargs)


class Recorder:
    """Captures mono audio from one input device into a ring buffer; records takes on demand.

    Args:
        device: PortAudio device index or name; ``None`` = the system default input.
        sample_rate: capture rate in Hz.
        ring_seconds: ring buffer length.
        stream_factory: builds the stream from ``InputStream`` keyword arguments (tests inject fakes).
    """

    def __init__(
        self,
        device: int | str | None = None,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        ring_seconds: float = RING_SECONDS,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        self.device = device
        self.sample_rate = int(sample_rate)
        self.ring = RingBuffer(int(ring_seconds * self.sample_rate))
        self._factory = stream_factory or _default_stream_factory
        self._stream: Any = None
        self._take: list[np.ndarray] | None = None
        self._lock = threading.Lock()  # guards start/stop only; the callback never takes it
        self.callback_overflows = 0  # PortAudio said "input overflow" (the device outran the callback)

    # -- the real-time side: nothing but a copy ------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status and getattr(status, "input_overflow", False):
            self.callback_overflows += 1
        self.ring.write(indata[:, 0])

    # -- the GUI side ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._stream is not None

    @property
    def recording(self) -> bool:
        return self._take is not None

    def start(self) -> None:
        """Open and start the input stream (monitoring); idempotent.

        Raises:
            RecorderError: no device, device busy, unsupported sample rate.
        """
        with self._lock:
            if self._stream is not None:
                return
            if not list_input_devices():
                reason = audio_unavailable_reason()
                raise RecorderError(Message(f"Cannot record: {reason}.", "record_unavailable", reason=reason))
            try:
                stream = self._factory(
                    device=self.device,
                    samplerate=self.sample_rate,
                    channels=1,
                    dtype="float32",
                    # PortAudio's "high" latency (~100-200 ms of buffering): capture survives a busy
                    # machine without gaps; the display is drained at 30 Hz anyway.
                    latency="high",
                    callback=self._callback,
                )
                stream.start()
            except Exception as error:  # noqa: BLE001 - PortAudioError, ValueError: all user-facing
                raise RecorderError(Message(
                    f"Cannot open the input device {self.device if self.device is not None else '(default)'} "
                    f"at {self.sample_rate} Hz: {error}", "record_open", where="input", device=self.device,
                    rate=self.sample_rate, detail=str(error),
                )) from error
            self.ring.read_new()  # start the drain position at "now"
            self._stream = stream

    def stop(self) -> None:
        """Stop and close the stream (and end a take in progress, discarding nothing: see stop_take)."""
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
            finally:
                stream.close()

    def drain(self) -> np.ndarray:
        """Samples captured since the last drain (mono float32); appended to the take if recording."""
        block = self.ring.read_new()
        if self._take is not None and len(block):
            self._take.append(block)
        return block

    def start_take(self) -> None:
        """Start collecting a take from the next drained samples (starts the stream if needed)."""
        self.start()
        self.drain()  # what came before pressing Record is not part of the take
        self._take = []

    def stop_take(self) -> np.ndarray:
        """End the take; returns its samples (everything captured up to now is drained first)."""
        if self._take is None:
            return np.zeros(0, np.float32)
        self.drain()
        chunks, self._take = self._take, None
        return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)

    @property
    def take_seconds(self) -> float:
        if self._take is None:
            return 0.0
        return sum(len(c) for c in self._take) / self.sample_rate


def level_dbfs(block: np.ndarray) -> tuple[float, float, bool]:
    """(peak dBFS, RMS dBFS, clipped) of a block; -120 dB for silence."""
    if len(block) == 0:
        return -120.0, -120.0, False
    peak = float(np.max(np.abs(block)))
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    to_db = lambda x: 20.0 * np.log10(max(x, 1e-6))  # noqa: E731
    return to_db(peak), to_db(rms), peak >= CLIP_LEVEL


def save_take(samples: np.ndarray, sample_rate: int, folder: Path, name: str | None = None) -> Path:
    """Write a take as 24-bit WAV into ``folder`` (created), atomically; returns its path.

    Args:
        samples: (T,) float32 mono.
        sample_rate: Hz.
        folder: the takes folder (``data_dir()/takes`` in the app).
        name: file stem; default ``take-YYYYmmdd-HHMMSS``, made unique.
    """
    import soundfile

    folder.mkdir(parents=True, exist_ok=True)
    stem = name or _dt.datetime.now().strftime("take-%Y%m%d-%H%M%S")
    path = folder / f"{stem}.wav"
    i = 2
    while path.exists():
        path = folder / f"{stem}-{i}.wav"
        i += 1
    tmp = path.with_name(path.name + ".part")
    soundfile.write(str(tmp), np.clip(samples, -1.0, 1.0), sample_rate, subtype="PCM_24", format="WAV")
    tmp.replace(path)
    return path


def list_takes(folder: Path) -> list[Path]:
    """The WAV takes in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.wav"), key=lambda p: p.stat().st_mtime, reverse=True)


def voice_recordings_dir(voice: str) -> Path:
    """Where the takes added to a voice are collected: ``data_dir()/recordings/<slug>``
    (:func:`voicecraft_desktop.core.names.slug`, the rule of the voice's dataset and run folders).

    Takes collected before that rule was shared went to an ASCII-only name (``"Zoë"`` ->
    ``recordings/zo``, ``"my_voice"`` -> ``recordings/my-voice``); while only that folder exists it
    is the voice's folder still, so those takes are found and new ones join them.

    This folder is what "New voice from folder…" prepares into the voice's dataset.
    """
    from voicecraft_desktop.core import paths
    from voicecraft_desktop.core.names import slug

    root = paths.data_dir() / "recordings"
    folder = root / slug(voice)
    legacy = root / _legacy_slug(voice)
    if legacy != folder and not folder.is_dir() and legacy.is_dir():
        return legacy
    return folder


def _legacy_slug(voice: str) -> str:
    """The recordings folder name of ``voice`` before the shared rule: ASCII letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "-", voice.strip().lower()).strip("-") or "voice"


def list_voice_recordings() -> list[str]:
    """Names (slugs) of the voices that have collected takes."""
    from voicecraft_desktop.core import paths

    root = paths.data_dir() / "recordings"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def add_take_to_voice(take: Path, voice: str) -> Path:
    """Copy a take into the voice's recordings folder (never overwriting); returns the copy."""
    folder = voice_recordings_dir(voice)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / take.name
    i = 2
    while dest.exists():
        dest = folder / f"{take.stem}-{i}{take.suffix}"
        i += 1
    tmp = dest.with_name(dest.name + ".part")
    shutil.copyfile(take, tmp)
    tmp.replace(dest)
    return dest
