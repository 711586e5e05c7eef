"""LiveSession (core/live.py) with fake streams driven by the test: callbacks only copy, bypass,
late blocks passed through and counted, dropouts counted, unplugged device and a refused rate give
a message, and stop always closes both streams."""

from __future__ import annotations

import time

import numpy as np
import pytest

from voicecraft_desktop.core.live import LiveError, LiveSession


class FakeStream:
    def __init__(self, kind, callback, samplerate, fail=None, **_):
        self.kind, self.callback, self.rate, self.fail = kind, callback, samplerate, fail
        self.active = False
        self.closed = False

    def start(self):
        if self.fail:
            raise RuntimeError(self.fail)
        self.active = True

    def stop(self):
        self.active = False

    def close(self):
        self.closed = True

    def push(self, samples):
        for i in range(0, len(samples), 480):
            part = samples[i : i + 480]
            self.callback(part[:, None].astype(np.float32), len(part), None, None)

    def pull(self, n):
        out = np.zeros((n, 1), np.float32)
        self.callback(out, n, None, None)
        return out[:, 0]


class Factory:
    def __init__(self, fail_output=None):
        self.streams = {}
        self.fail_output = fail_output

    def __call__(self, kind, **kw):
        s = FakeStream(kind, fail=self.fail_output if kind == "output" else None, **kw)
        self.streams[kind] = s
        return s


def _wait(pred, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return False


def test_bypass_passes_input_through_and_stop_closes_both():
    f = Factory()
    s = LiveSession(None, input_rate=48000, output_rate=48000, stream_factory=f)
    s.start()
    try:
        tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(3 * 48000) / 48000)).astype(np.float32)
        f.streams["input"].push(tone)
        assert _wait(lambda: s.blocks >= 8)
        # 3 s arrived at once while the output took nothing: one block (after its lead-in) is
        # queued and the rest dropped and counted, never queued (the delay would grow for good)
        out = f.streams["output"].pull(s.out_ring.available())
        assert np.abs(out).max() > 0.25  # the tone came through
        st = s.stats()
        assert st.algorithmic_s == 0.0 and st.dropouts == 0 and st.error == ""
        assert st.skipped >= 6 and len(out) <= 2 * 15360
        f.streams["output"].pull(48000)  # nothing more is ready: a dropout, counted, no exception
        assert s.stats().dropouts >= 1
    finally:
        s.stop()
    assert f.streams["input"].closed and f.streams["output"].closed
    assert not s.running


def test_late_blocks_are_passed_through_and_counted():
    f = Factory()
    s = LiveSession(None, input_rate=16000, output_rate=16000, stream_factory=f)
    s.start()
    try:
        f.streams["input"].push(np.zeros(16000 * 3, np.float32))  # ~9 blocks at once
        assert _wait(lambda: s.blocks >= 9)
        assert s.late >= 1
    finally:
        s.stop()


def test_unplugged_input_gives_a_message_and_stop_releases():
    f = Factory()
    s = LiveSession(None, input_rate=16000, output_rate=16000, stream_factory=f)
    s.start()
    f.streams["input"].active = False  # PortAudio stops a stream whose device went away
    assert _wait(lambda: bool(s.error))
    assert "unplugged" in s.error
    s.stop()
    assert f.streams["input"].closed and f.streams["output"].closed


def test_refused_rate_is_one_clear_message_and_nothing_stays_open():
    f = Factory(fail_output="Invalid sample rate [PaErrorCode -9997]")
    s = LiveSession(None, input_rate=16000, output_rate=44100, stream_factory=f)
    with pytest.raises(LiveError, match="cannot run at 44100 Hz"):
        s.start()
    assert f.streams["input"].closed
    assert not s.running


def test_engine_blocks_are_converted_with_stats(tiny_voice, tiny_extractors, helpers):
    from models.convert.converter import VoiceConverter
    from models.convert.stream import StreamingConverter, StreamOptions

    engine = StreamingConverter(VoiceConverter(tiny_voice, tiny_extractors),
                                StreamOptions(block_s=0.32, context_s=0.3, deterministic=True))
    f = Factory()
    s = LiveSession(engine, input_rate=48000, output_rate=48000, wet=1.0, stream_factory=f)
    s.start()
    try:
        f.streams["input"].push(helpers.sung_phrases(1.0, 48000))
        assert _wait(lambda: s.blocks >= 3, timeout=60)
        st = s.stats()
        assert st.processing_median_s > 0 and st.processing_worst_s >= st.processing_median_s
        assert st.algorithmic_s == pytest.approx(engine.algorithmic_latency_s)
        shown = s.drain_monitor()
        assert shown and all(np.all(np.isfinite(m.wet)) for m in shown)
        assert sum(len(m.wet) for m in shown) > 2 * 15360 * 0.9  # ~a block at 48 kHz each
    finally:
        s.stop()
    assert s.error == ""
