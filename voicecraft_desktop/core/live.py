"""Live conversion's audio side: microphone in, converted voice out, the model in its own thread.

Qt-free. :class:`LiveSession` opens a sounddevice input stream and an output stream (each at its
own device's rate; both resampled with soxr streams, so two devices at different rates work). The
two PortAudio callbacks only copy: the input callback writes into a lock-free single-producer /
single-consumer :class:`voicecraft_desktop.core.recorder.RingBuffer` (the recorder's), the output
callback reads the next samples from another one (zeros, counted as a dropout, when none are
ready). A model thread between them cuts the input into blocks and runs
:class:`models.convert.stream.StreamingConverter` on each; the monitor mix (dry/wet) and bypass
happen there too.

Back-pressure and latency: the callbacks never wait, and no queue may grow. When the model thread
falls behind (a whole further block is already waiting when it takes one), that block is passed
through dry instead of converted and counted as *late*. The output plays each block one block
length after its input arrived (the budget a block has to be converted in: silence is queued
first at the start and after a gap); a block that would leave more than a block and a quarter
queued (the output device took less than real time: it stalled, or its clock is slower) is
dropped and counted as *skipped*, so the delay comes back instead of growing for good (it used to
grow by every stall: 2 s -> 4 s in a minute). An output callback that finds too little audio plays
silence and counts one *dropout* per gap; an output device that stops asking for audio (its
callbacks fall behind the input's) counts a *stall* and a dropout. :attr:`LiveSession.trace`
keeps each block's timing and queue depths. A device that stops delivering (unplugged), or an error in the model thread,
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
STALL_GAP_S = 0.25  # the output device fell this much (plus the devices' buffering) behind the input: a stall


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
        dropouts: gaps heard: the output ran dry (however many callbacks it lasted), or the output
            device stalled.
        input_overflows: PortAudio input overflows.
        device_s: the two devices' buffering as PortAudio reports it (input + output).
        running: the session is running.
        error: why it stopped ("" when it did not fail).
        skipped: converted blocks dropped because the output device had fallen behind (the delay
            is held at one block instead of growing).
        stalls: times the output device stopped taking audio for a while (heard as a gap; each
            also counts as a dropout).
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
    skipped: int = 0
    stalls: int = 0

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


@dataclass(frozen=True)
class BlockTrace:
    """One block's bookkeeping (instrumentation): when it left the model thread, the samples both
    callbacks had moved by then, and what was queued on each side (input: 16 kHz samples not yet
    taken; output: output-rate samples not yet played when the block was queued)."""

    t: float
    in_frames: int
    out_frames: int
    in_queued: int
    out_queued: int
    late: bool
    passed: bool
    dropouts: int = 0


StreamFactory = Callable[..., Any]  # (kind: "input"|"output", **sounddevice kwargs) -> stream


def _default_stream_factory(kind: str, **kwargs: Any) -> Any:
    import sounddevice as sd

    return (sd.InputStream if kind == "input" else sd.OutputStream)(**kwargs)


def device_buffer_s(block_s: float) -> float:
    """The device buffering live conversion asks PortAudio for: a third of the block, 50-200 ms.

    The audio callbacks must survive the model thread taking the CPU. Through PulseAudio,
    PortAudio's "high" setting is only 35 ms: on a busy 2-core machine the output then ran dry,
    and PulseAudio stopped asking for audio for about two seconds each time (heard as a gap, the
    delay growing by as much). With 200 ms and 640 ms blocks a 60 s run had no gap at a load
    average of 11."""
    return float(min(0.2, max(0.05, block_s / 3.0)))


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

    ``device_latency`` (seconds, or PortAudio's "low" / "high") is each device's buffering; by
    default a third of the block, between 50 and 200 ms (:func:`device_buffer_s`). The devices'
    own latency is reported in :attr:`LiveStats.device_s`.
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
        device_latency: float | str | None = None,
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
        self._dry = False  # the output ran dry in its last callback
        self.blocks = self.late = self.dropouts = self.skipped = self.stalls = self.input_overflows = 0
        self._lag_floor: float | None = None  # least (input taken - output taken) seen, in seconds
        self.in_frames = self.out_frames = 0  # samples the two callbacks moved (instrumentation)
        self.trace: collections.deque[BlockTrace] = collections.deque(maxlen=4096)
        self.error = ""
        self.device_latency = device_buffer_s(self.block_samples / FEATURE_RATE) if device_latency is None \
            else device_latency

    # -- the real-time side: copies only ----------------------------------------------------------

    def _in_callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status and getattr(status, "input_overflow", False):
            self.input_overflows += 1
        self.in_ring.write(indata[:, 0])
        self.in_frames += frames

    def _out_callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status and getattr(status, "output_underflow", False) and self._primed:
            self.dropouts += 1  # the device ran dry before this callback (a gap was heard)
        got = self.out_ring.read_into(outdata[:, 0])
        self.out_frames += frames
        if got < frames:
            outdata[got:, 0] = 0.0
            if self._primed and not self._dry:  # one gap, however many callbacks it lasts
                self.dropouts += 1
            self._dry = True
        else:
            self._dry = False

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
            skipped=self.skipped,
            stalls=self.stalls,
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

        if self.engine is not None:  # the first call loads lazily (kernels, allocator): not on a live block
            self.engine.process(np.zeros(self.engine.block_samples, np.float32))
            self.engine.reset()
        to16 = soxr.ResampleStream(self.input_rate, FEATURE_RATE, 1, dtype="float32")
        to_out = soxr.ResampleStream(MODEL_RATE, self.output_rate, 1, dtype="float32")
        bs = self.block_samples
        pending = np.zeros(0, np.float32)
        dry_hist = np.zeros(0, np.float32)  # input at the output rate, for the monitor mix
        dry_start = 0  # absolute index (output rate) of dry_hist[0]
        dry_written = 0
        dry_rs = soxr.ResampleStream(self.input_rate, self.output_rate, 1, dtype="float32")
        last_input = time.monotonic()
        taken = 0  # 16 kHz input samples cut into blocks so far
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
            arrived = time.perf_counter()  # the newest block's last samples came in about now
            pending = np.concatenate([pending, to16.resample_chunk(got)])
            dry = dry_rs.resample_chunk(got)
            dry_hist = np.concatenate([dry_hist, dry])
            dry_written += len(dry)
            while len(pending) >= bs and not self._stop.is_set():
                block, pending = pending[:bs], pending[bs:]
                block_at = taken  # absolute 16 kHz index of the block's first sample
                taken += bs
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
                if wet_out is None:  # bypass, or a late block passed through: the block's own input
                    lo = int(round(block_at * self.output_rate / FEATURE_RATE)) - dry_start
                    mixed = np.zeros(n_out, np.float32)
                    seg = dry_hist[max(lo, 0) : max(lo, 0) + n_out]
                    mixed[: len(seg)] = seg
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
                self._check_output_stall()
                out_queued = self.out_ring.available()  # before this block: the delay it meets
                self._emit(mixed.astype(np.float32), n_out, time.perf_counter() - arrived)
                if wet_out is not None:  # converted blocks only: a passed-through block costs nothing
                    self._times.append((time.monotonic(), time.perf_counter() - t0))
                while self._times and time.monotonic() - self._times[0][0] > STATS_WINDOW_S:
                    self._times.popleft()
                self.blocks += 1
                self.trace.append(BlockTrace(time.monotonic(), self.in_frames, self.out_frames,
                                             len(pending) + self.in_ring.available() * FEATURE_RATE
                                             // self.input_rate,
                                             out_queued, late, wet_out is None, self.dropouts))
                self.monitor.append(MonitorBlock(block, wet_show, FEATURE_RATE, self.output_rate, f0))
            keep = int(3.0 * self.output_rate)  # the dry history the mix may reach back into
            if len(dry_hist) > keep:
                dry_start += len(dry_hist) - keep
                dry_hist = dry_hist[-keep:]

    def _check_output_stall(self) -> None:
        """Counts a stall (and a dropout) when the output device has taken less audio than the
        input device delivered, by more than :data:`STALL_GAP_S` plus the devices' buffering (the
        callbacks move audio a buffer at a time) since the last check: the device stopped asking
        for audio for that long (a gap is heard, though no callback ran dry). The two clocks agree
        to far better than that over a session."""
        lag = self.in_frames / self.input_rate - self.out_frames / self.output_rate
        slack = STALL_GAP_S + sum(float(getattr(s, "latency", 0.0) or 0.0) for s in list(self._streams))
        if self._lag_floor is None or lag < self._lag_floor:
            self._lag_floor = lag
        elif lag - self._lag_floor > slack:
            self.stalls += 1
            self.dropouts += 1
            self._lag_floor = lag

    def _emit(self, audio: np.ndarray, n_out: int, age_s: float) -> None:
        """Queues one block for the output device, keeping the output's delay at one block.

        The output plays each block one block length after the block's input arrived (the
        real-time budget: a block converted within it is never late). When the output ran dry
        (the start, or a gap already heard), silence is queued first to restore that delay; when
        the output device has fallen behind (it took less than real time: a stalled device, a
        clock slower than the input's) so that more than a block and a quarter is still queued,
        this block is dropped and counted in :attr:`skipped` instead of adding to the delay for
        good (the queue must never grow: that was the live drift)."""
        queued = self.out_ring.available()
        if queued > n_out + n_out // 4:
            self.skipped += 1
            return
        if queued == 0:  # nothing to play: start (again) with the delay the budget allows
            # enough that the next block, due one block from now and converted within its budget,
            # finds audio still queued (a first block the resampler shortened counts as short)
            lead = max(0, 2 * n_out - int(round(age_s * self.output_rate)) - len(audio))
            audio = np.concatenate([np.zeros(lead, np.float32), audio])
        if self.out_ring.free() < len(audio):  # cannot happen with the cap above; never block
            self.skipped += 1
            return
        self.out_ring.write(audio)
        self._primed = True

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
