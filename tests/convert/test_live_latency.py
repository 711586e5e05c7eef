"""LiveSession keeps its latency bounded in real time (fake devices driven by a clock, a fake engine
with a chosen processing time): an output device that stops pulling for a while, or a model thread
that is slow for a few blocks, must not leave audio queued for good (that was the live drift:
the output ring kept every second the output device had not taken, and the delay never came
back). Late blocks are passed through and counted, surplus blocks dropped and counted, and the
buffered delay after the disturbance is back within about one block. Qt-free."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from voicecraft_desktop.core.live import LiveSession

RATE = 16000
BLOCK = 1600  # 100 ms blocks at 16 kHz
CHUNK = 160  # the fake devices move 10 ms per callback


@dataclass
class Block:
    audio: np.ndarray
    source_start: int | None
    f0_in: np.ndarray


class SlowEngine:
    """Returns its input (at 32 kHz) after sleeping ``delay(k)`` seconds for block ``k``."""

    block_samples = BLOCK
    algorithmic_latency_s = BLOCK / RATE

    def __init__(self, delay):
        self.delay, self.k = delay, 0

    def reset(self):
        self.k = 0

    def process(self, block16):
        time.sleep(self.delay(self.k))
        self.k += 1
        return Block(np.repeat(block16, 2), None, np.zeros(0, np.float32))


class ClockedStream:
    def __init__(self, kind, callback, **_):
        self.kind, self.callback, self.active, self.closed = kind, callback, False, False

    def start(self):
        self.active = True

    def stop(self):
        self.active = False

    def close(self):
        self.closed = True


def _run(session: LiveSession, seconds: float, stall: tuple[float, float] = (0.0, 0.0)) -> list:
    """Drives both fake devices in real time (10 ms callbacks on a clock); the output device takes
    nothing during ``stall``. Returns the session's per-block trace."""
    streams = {}

    def factory(kind, **kw):
        streams[kind] = ClockedStream(kind, **kw)
        return streams[kind]

    session._factory = factory
    session.start()
    try:
        t0 = time.monotonic()
        pushed = pulled = 0
        buf = np.zeros((CHUNK, 1), np.float32)
        while (now := time.monotonic() - t0) < seconds:
            while pushed + CHUNK <= now * RATE:
                streams["input"].callback(np.full((CHUNK, 1), 0.1, np.float32), CHUNK, None, None)
                pushed += CHUNK
            if not stall[0] <= now < stall[1]:
                while pulled + CHUNK <= now * RATE:
                    streams["output"].callback(buf, CHUNK, None, None)
                    pulled += CHUNK
            else:
                pulled = int(now * RATE)  # the stalled device's time passes without taking audio
            time.sleep(0.002)
        return list(session.trace)
    finally:
        session.stop()
        assert streams["input"].closed and streams["output"].closed


def _queued_s(trace, after: float) -> float:
    """The worst buffered delay (input not yet taken + output still to play ahead of the block)
    of the blocks that left the model thread ``after`` seconds into the run (about a block when
    the session keeps up: the output's budget)."""
    t0 = trace[0].t - BLOCK / RATE
    rows = [b for b in trace if b.t - t0 >= after]
    assert rows, "no block after the disturbance"
    return max(b.in_queued / RATE + b.out_queued / RATE for b in rows)


def test_a_stalled_output_device_does_not_leave_the_delay_grown():
    session = LiveSession(SlowEngine(lambda k: 0.02), input_rate=RATE, output_rate=RATE)
    trace = _run(session, 3.5, stall=(1.0, 2.0))
    assert session.error == ""
    # The device took nothing for 1 s while the model kept converting: the blocks that did not fit
    # the output's budget are dropped (counted), and the delay comes back within about one block.
    assert _queued_s(trace, after=2.6) <= 1.5 * BLOCK / RATE
    assert session.skipped >= 5


def test_a_slow_model_thread_passes_late_blocks_through_and_the_delay_stays_bounded():
    slow = set(range(6, 12))  # these blocks take twice the block's time
    session = LiveSession(SlowEngine(lambda k: 0.2 if k in slow else 0.02), input_rate=RATE, output_rate=RATE)
    trace = _run(session, 3.5)
    assert session.error == ""
    assert session.late >= 2
    assert _queued_s(trace, after=2.6) <= 1.5 * BLOCK / RATE
    assert _queued_s(trace, after=0.0) <= 4.0 * BLOCK / RATE  # never more than a few blocks queued


def test_steady_processing_has_no_dropouts_and_no_skips():
    # processing jitter within the block's budget (here 10-50 ms of 100 ms) never runs the output dry
    rng = np.random.default_rng(0)
    jitter = rng.uniform(0.01, 0.05, 200)
    session = LiveSession(SlowEngine(lambda k: float(jitter[k % 200])), input_rate=RATE, output_rate=RATE)
    _run(session, 3.0)
    assert session.error == ""
    assert session.dropouts == 0 and session.late == 0 and session.skipped == 0

