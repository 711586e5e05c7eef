"""Live conversion's audio side: microphone in, converted voice out, the model in its own thread.

Qt-free. :class:`LiveSession` opens a sounddevice input stream and an output stream (each at its
own device's rate; both resampled with soxr streams, so two devices at different rates work). The
two PortAudio callbacks only copy: the input callback writes into a lock-free single-producer /
single-consumer :class:`voicecraft_desktop.core.recorder.RingBuffer` (the recorder's), the output
callback reads the next samples from another one (zeros, counted as a dropout, when none are
ready). A model thread between them cuts the input into blocks and runs
:class:`models.convert.stream.StreamingConverter` on each; the monitor mix (dry/wet) and bypass
happen there too.

Back-pressure: the callbacks never wait. When the model thread falls behind (a whole further block
is already waiting when it takes one), that block is passed through dry instead of converted and
counted as *late*; an output callback that finds too little converted audio plays silence and
counts a *dropout*. A device that stops delivering (unplugged), or an error in the model thread,
ends the session with :attr:`LiveSession.error` set to a sentence a person can act on;
:meth:`LiveSession.stop` always closes both streams.
"""

from __future__ import annotations

import collections
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import Message
from voicecraft_desktop.core.recorder import InputDevice, RingBuffer

MODEL_RATE = 32000
FEATURE_RATE = 16000
STATS_WINDOW_S = 10.0  # processing median / worst are over this much recent time
STALL_S = 2.0  # no input for this long while running: the input device is gone
RING_S = 4.0


class LiveError(RuntimeError):
    """Live conversion cannot start or continue; the message is meant for the user."""


# An output device has the same fields as an input device (``channels``: its output channels).
OutputDevice = InputDevice


def list_output_devices() -> list[OutputDevice]:
    """Every device with output channels; ``[]`` when there is none or PortAudio is unusable."""
    try:
        import sounddevice as sd

        devices, hostapis, default_out = sd.query_devices(), sd.query_hostapis(), sd.default.device[1]
    except Exception:  # noqa: BLE001 - no PortAudio, no server: no devices, never a crash
        return []
    return [
        OutputDevice(int(d["index"]), str(d["name"]), str(hostapis[d["hostapi"]]["name"]),
                     int(d["max_output_channels"]), float(d["default_samplerate"]),
                     int(d["index"]) == default_out)
        for d in devices
        if d["max_output_channels"] > 0
    ]


@dataclass(frozen=True)
class LiveStats:
    """What the Live page shows, measured.

    Attributes:
        algorithmic_s: block + crossfade + lookahead + splice search (the engine's own delay).
        processing_median_s, processing_worst_s: block processing time over the last 10 s.
        block_s: the block length (the real-time budget per block).
        blocks: blocks processed so far.
        late: blocks passed through because the model was behind.
        dropouts: output callbacks that found too little audio (heard as a gap).
        input_overflows: PortAudio input overflows.
        device_s: the two devices' buffering as PortAudio reports it (input + output).
        running: the session is running.
        error: why it stopped ("" when it did not fail).
    """

    algorithmic_s: float
    processing_median_s: float
    processing_worst_s: float
    block_s: float
    blocks: int
    late: int
    dropouts: int
    input_overflows: int
    device_s: float
    running: bool
    error: str

    @property
    def keeps_up(self) -> bool:
        return self.processing_worst_s < self.block_s


@dataclass
class MonitorBlock:
    """One block as the page draws it: input and output at their devices' rates, input F0."""

    dry: np.ndarray
    wet: np.ndarray
    input_rate: int
    output_rate: int
    f0_in: np.ndarray


StreamFactory = Callable[..., Any]  # (kind: "input"|"output", **sounddevice kwargs) -> stream


def _default_stream_factory(kind: str, **kwargs: Any) -> Any:
    import sounddevice as sd

    return (sd.InputStream if kind == "input" else sd.OutputStream)(**kwargs)


def device_rate(device: int | str | None, kind: str) -> int:
    """A device's default sample rate (48 kHz when PortAudio cannot say)."""
    try:
        import sounddevice as sd

        return int(sd.query_devices(device, kind)["default_samplerate"])
    except Exception:  # noqa: BLE001
        return 48000


class LiveSession:
    """Runs live conversion between two audio devices.

    Args:
        engine: a :class:`models.convert.stream.StreamingConverter` (or ``None``: bypass only).
        input_device, output_device: PortAudio index or name; ``None`` = the system default.
        input_rate, output_rate: device rates (``None``: each device's default).
        bypass: pass the input through unconverted (switchable while running).
        wet: monitor mix, 0 (only the dry input) to 1 (only the converted voice).
        stream_factory: builds the streams (tests inject fakes).

    ``device_latency`` ("high" by default, or "low" or seconds) is PortAudio's buffering; the
    devices' own latency is reported in :attr:`LiveStats.device_s`.
    """

    def __init__(
        self,
        engine: Any,
        input_device: int | str | None = None,
        output_device: int | str | None = None,
        input_rate: int | None = None,
        output_rate: int | None = None,
        *,
        bypass: bool = False,
        wet: float = 1.0,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        self.engine = engine
        self.input_device, self.output_device = input_device, output_device
        self._factory = stream_factory or _default_stream_factory
        self.input_rate = int(input_rate or device_rate(input_device, "input"))
        self.output_rate = int(output_rate or device_rate(output_device, "output"))
        self.bypass = bypass or engine is None
        self.wet = float(wet)
        self.in_ring = RingBuffer(int(RING_S * self.input_rate))
        self.out_ring = RingBuffer(int(RING_S * self.output_rate))
        self.monitor: collections.deque[MonitorBlock] = collections.deque(maxlen=256)
        self._times: collections.deque[tuple[float, float]] = collections.deque()
        self._streams: list[Any] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._primed = False
        self.blocks = self.late = self.dropouts = self.input_overflows = 0
        self.error = ""
        # PortAudio's "high" latency: a callback delayed by the model thread (the GIL, a busy CPU) still
        # finds room in the device buffer; "low" lost most of the sound on a busy 2-core machine.
        self.device_latency = "high"

    # -- the real-time side: copies only ----------------------------------------------------------

    def _in_callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status and getattr(status, "input_overflow", False):
            self.input_overflows += 1
        self.in_ring.write(indata[:, 0])

    def _out_callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status and getattr(status, "output_underflow", False) and self._primed:
            self.dropouts += 1  # the device ran dry before this callback (a gap was heard)
        got = self.out_ring.read_into(outdata[:, 0])
        if got < frames:
            outdata[got:, 0] = 0.0
            if self._primed:
                self.dropouts += 1

    # -- control ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Opens both devices and starts the model thread.

        Raises:
            LiveError: a device is missing, busy or refuses its rate (both are closed again).
        """
        if self._streams:
            return
        self.error = ""
        try:
            self._streams.append(self._open("input", self.input_device, self.input_rate, self._in_callback))
            self._streams.append(self._open("output", self.output_device, self.output_rate, self._out_callback))
        except LiveError:
            self._close_streams()
            raise
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="live-model", daemon=True)
        self._thread.start()

    def _open(self, kind: str, device: Any, rate: int, callback: Callable[..., None]) -> Any:
        where = "input" if kind == "input" else "output"
        try:
            stream = self._factory(kind, device=device, samplerate=rate, channels=1, dtype="float32",
                                   latency=self.device_latency, callback=callback)
            stream.start()
        except Exception as error:  # noqa: BLE001 - PortAudioError, ValueError: all user-facing
            name = "the default device" if device is None else f"device {device!r}"
            text = str(error)
            if "sample rate" in text.lower():
                raise LiveError(Message(
                    f"The {where} {name} cannot run at {rate} Hz ({text}); choose another device or rate.",
                    "live_rate", where=where, device=device, rate=rate, detail=text)) from error
            raise LiveError(Message(f"Cannot open the {where} {name}: {text}", "live_open",
                                    where=where, device=device, detail=text)) from error
        return stream

    def stop(self) -> None:
        """Stops the model thread and closes both devices (always, even after an error)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        try:
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=10.0)
        finally:
            self._close_streams()

    def _close_streams(self) -> None:
        streams, self._streams = self._streams, []
        for stream in streams:
            try:
                stream.stop()
            except Exception:  # noqa: BLE001 - an unplugged device may fail to stop; close anyway
                pass
            finally:
                try:
                    stream.close()
                except Exception:  # noqa: BLE001
                    pass

    def stats(self) -> LiveStats:
        now = time.monotonic()
        recent = [dt for t, dt in list(self._times) if now - t <= STATS_WINDOW_S]
        eng = self.engine
        return LiveStats(
            algorithmic_s=eng.algorithmic_latency_s if eng is not None and not self.bypass else 0.0,
            processing_median_s=statistics.median(recent) if recent else 0.0,
            processing_worst_s=max(recent) if recent else 0.0,
            block_s=self.block_samples / FEATURE_RATE,
            blocks=self.blocks,
            late=self.late,
            dropouts=self.dropouts,
            input_overflows=self.input_overflows,
            device_s=sum(float(getattr(s, "latency", 0.0) or 0.0) for s in list(self._streams)),
            running=self.running,
            error=self.error,
        )

    @property
    def block_samples(self) -> int:
        return self.engine.block_samples if self.engine is not None else 5120

    # -- the model thread ------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as error:  # noqa: BLE001 - shown on the page; the devices are closed by stop()
            self.error = Message(f"Live conversion stopped: {error}", "live_stopped", detail=str(error))

    def _loop(self) -> None:
        import soxr

        to16 = soxr.ResampleStream(self.input_rate, FEATURE_RATE, 1, dtype="float32")
        to_out = soxr.ResampleStream(MODEL_RATE, self.output_rate, 1, dtype="float32")
        bs = self.block_samples
        pending = np.zeros(0, np.float32)
        dry_hist = np.zeros(0, np.float32)  # input at the output rate, for the monitor mix
        dry_start = 0  # absolute index (output rate) of dry_hist[0]
        dry_written = 0
        dry_rs = soxr.ResampleStream(self.input_rate, self.output_rate, 1, dtype="float32")
        last_input = time.monotonic()
        while not self._stop.is_set():
            if self.error:
                return
            for stream in self._streams:
                if not getattr(stream, "active", True):
                    self.error = Message("The audio device stopped (was it unplugged?). Check the devices "
                                         "and press Start again.", "live_device_stopped")
                    return
            got = self.in_ring.read_new()
            if not len(got):
                if time.monotonic() - last_input > STALL_S:
                    self.error = Message("No sound has come from the input device for two seconds (was "
                                         "it unplugged?). Check the devices and press Start again.",
                                         "live_input_silent")
                    return
                time.sleep(0.003)
                continue
            last_input = time.monotonic()
            pending = np.concatenate([pending, to16.resample_chunk(got)])
            dry = dry_rs.resample_chunk(got)
            dry_hist = np.concatenate([dry_hist, dry])
            dry_written += len(dry)
            while len(pending) >= bs and not self._stop.is_set():
                block, pending = pending[:bs], pending[bs:]
                late = len(pending) >= bs  # another whole block already waits: we are behind
                t0 = time.perf_counter()
                wet_out = None
                f0 = np.zeros(0, np.float32)
                if not self.bypass and not late:
                    result = self.engine.process(block)
                    f0 = result.f0_in
                    wet_out = to_out.resample_chunk(result.audio)
                    source = result.source_start
                if late:
                    self.late += 1
                n_out = int(round(bs * self.output_rate / FEATURE_RATE))
                if wet_out is None:  # bypass, or a late block passed through: the newest input
                    mixed = dry_hist[-n_out:] if len(dry_hist) >= n_out else np.zeros(n_out, np.float32)
                    wet_show = mixed
                else:
                    at = -1 if source is None else int(round(source * self.output_rate / MODEL_RATE))
                    lo = at - dry_start
                    dry_seg = np.zeros(len(wet_out), np.float32)
                    if at >= 0 and lo >= 0:
                        seg = dry_hist[lo : lo + len(wet_out)]
                        dry_seg[: len(seg)] = seg
                    mixed = self.wet * wet_out + (1.0 - self.wet) * dry_seg
                    wet_show = wet_out
                if self.out_ring.free() >= len(mixed):
                    self.out_ring.write(mixed.astype(np.float32))
                    self._primed = True
                else:  # the output device is not taking the audio (stalled): this block is lost
                    self.dropouts += 1
                if wet_out is not None:  # converted blocks only: a passed-through block costs nothing
                    self._times.append((time.monotonic(), time.perf_counter() - t0))
                while self._times and time.monotonic() - self._times[0][0] > STATS_WINDOW_S:
                    self._times.popleft()
                self.blocks += 1
                self.monitor.append(MonitorBlock(block, wet_show, FEATURE_RATE, self.output_rate, f0))
            keep = int(3.0 * self.output_rate)  # the dry history the mix may reach back into
            if len(dry_hist) > keep:
                dry_start += len(dry_hist) - keep
                dry_hist = dry_hist[-keep:]

    def drain_monitor(self) -> list[MonitorBlock]:
        out = []
        while self.monitor:
            out.append(self.monitor.popleft())
        return out


def build_engine(voice_entry: Any, store: Any, options: Any, *, device: str = "cpu", f0_method: str = "fcpe",
                 library: Any = None, fetch: bool = False) -> Any:
    """A :class:`StreamingConverter` for a library voice (its own encoders, a live pitch extractor).

    Raises:
        LibraryError, AssetError, ConvertError: as :func:`voicecraft_desktop.core.convert_jobs.converter_for`.
    """
    from models.convert.stream import StreamingConverter
    from voicecraft_desktop.core.convert_jobs import converter_for
    from voicecraft_desktop.core.library import VoiceLibrary

    voice = (library or VoiceLibrary()).load(voice_entry, device)
    converter = converter_for(voice, store, f0_method=f0_method, report=False, device=device, fetch=fetch)
    return StreamingConverter(converter, options)
