"""Recorder core (Qt-free): ring buffer wrap and overflow, the callback/drain split, takes on disk,
the no-device message, and the live pitch tracker's timing and accuracy."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from voicecraft_desktop.core import paths
from voicecraft_desktop.core import recorder as rec
from voicecraft_desktop.core.live_pitch import LivePitchTracker, hz_to_midi, midi_to_hz, note_name
from voicecraft_desktop.core.recorder import Recorder, RecorderError, RingBuffer


def test_ring_buffer_wraps_and_returns_samples_in_order() -> None:
    ring = RingBuffer(10)
    ring.write(np.arange(7, dtype=np.float32))
    assert ring.read_new().tolist() == list(range(7))
    ring.write(np.arange(7, 13, dtype=np.float32))  # wraps around the end
    assert ring.read_new().tolist() == list(range(7, 13))
    assert ring.read_new().size == 0
    assert ring.overflow_samples == 0


def test_ring_buffer_overflow_keeps_newest_and_counts_lost() -> None:
    ring = RingBuffer(8)
    for start in range(0, 20, 4):
        ring.write(np.arange(start, start + 4, dtype=np.float32))
    out = ring.read_new()
    # 20 written, capacity 8, largest block 4: at most 4 newest-but-unsafe samples are dropped too.
    assert out.tolist() == list(range(20 - len(out), 20))
    assert ring.overflow_samples == 20 - len(out) and len(out) >= 4


def test_ring_buffer_block_larger_than_capacity() -> None:
    ring = RingBuffer(5)
    ring.write(np.arange(12, dtype=np.float32))
    assert ring.written == 12
    out = ring.read_new()
    assert out.tolist() == list(range(12 - len(out), 12))


def test_concurrent_writer_reader_lose_nothing_when_drained_in_time() -> None:
    ring = RingBuffer(48000)
    block = 256
    total = block * 560

    def produce() -> None:
        for start in range(0, total, block):
            ring.write(np.arange(start, start + block, dtype=np.float32))
            if start % (block * 16) == 0:
                time.sleep(0.001)

    writer = threading.Thread(target=produce)
    writer.start()
    got = []
    while writer.is_alive() or ring.available():
        got.append(ring.read_new())
        time.sleep(0.005)
    writer.join()
    data = np.concatenate(got)
    assert ring.overflow_samples == 0
    np.testing.assert_array_equal(data, np.arange(total, dtype=np.float32))


class _Stream:
    def __init__(self, **kwargs) -> None:
        self.kwargs = kwargs
        self.started = self.closed = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def feed(self, samples: np.ndarray, status=None) -> None:
        self.kwargs["callback"](samples[:, None], len(samples), None, status)


def _fake_devices(monkeypatch) -> None:
    fake = [rec.InputDevice(0, "Fake", "ALSA", 1, 48000.0, True)]
    monkeypatch.setattr(rec, "list_input_devices", lambda: fake)


def test_recorder_take_contains_only_samples_after_start_take(monkeypatch) -> None:
    _fake_devices(monkeypatch)
    streams: list[_Stream] = []
    def factory(**kwargs) -> _Stream:
        streams.append(_Stream(**kwargs))
        return streams[-1]

    r = Recorder(device=0, sample_rate=16000, stream_factory=factory)
    r.start()
    stream = streams[0]
    assert stream.started and stream.kwargs["samplerate"] == 16000 and stream.kwargs["channels"] == 1
    stream.feed(np.full(100, 0.1, np.float32))  # before Record: monitoring only
    r.start_take()
    stream.feed(np.full(300, 0.2, np.float32))
    assert len(r.drain()) == 300 and r.take_seconds == pytest.approx(300 / 16000)
    stream.feed(np.full(50, 0.3, np.float32))
    take = r.stop_take()
    assert take.shape == (350,)
    assert np.all(take[:300] == np.float32(0.2)) and np.all(take[300:] == np.float32(0.3))
    status = type("Status", (), {"input_overflow": True, "__bool__": lambda self: True})()
    stream.feed(np.zeros(10, np.float32), status)
    assert r.callback_overflows == 1
    r.stop()
    assert stream.closed and not r.running


def test_recorder_without_devices_raises_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(rec, "list_input_devices", lambda: [])
    monkeypatch.setattr(rec, "_unavailable_reason", "no audio input device was found (no microphone)")
    with pytest.raises(RecorderError, match="Cannot record: no audio input device was found"):
        Recorder().start()


def test_device_open_failure_is_a_recorder_error(monkeypatch) -> None:
    _fake_devices(monkeypatch)

    def broken(**kwargs):
        raise ValueError("Invalid sample rate")

    with pytest.raises(RecorderError, match="Invalid sample rate"):
        Recorder(device=3, sample_rate=22050, stream_factory=broken).start()


def test_list_input_devices_without_portaudio_server_returns_empty_with_reason(monkeypatch) -> None:
    class NoDevices:
        default = type("D", (), {"device": [-1, -1]})()

        @staticmethod
        def query_devices():
            return []

        @staticmethod
        def query_hostapis():
            return []

    monkeypatch.setattr(rec, "_sounddevice", lambda: NoDevices)
    assert rec.list_input_devices() == []
    assert "no audio input device" in rec.audio_unavailable_reason()

    def missing():
        raise OSError("PortAudio library not found")

    monkeypatch.setattr(rec, "_sounddevice", missing)
    assert rec.list_input_devices() == []
    assert "PortAudio library not found" in rec.audio_unavailable_reason()


def test_save_take_and_add_to_voice(tmp_home: Path) -> None:
    samples = (0.5 * np.sin(np.linspace(0, 200, 24000))).astype(np.float32)
    folder = tmp_home / "takes"
    a = rec.save_take(samples, 48000, folder, name="t")
    b = rec.save_take(samples, 48000, folder, name="t")
    assert a.name == "t.wav" and b.name == "t-2.wav"
    data, rate = soundfile.read(str(a), dtype="float32")
    assert rate == 48000 and np.max(np.abs(data - samples)) < 1e-5  # 24-bit
    assert soundfile.info(str(a)).subtype == "PCM_24"
    assert rec.list_takes(folder)[0] in (a, b)
    copied = rec.add_take_to_voice(a, "My Voice!")
    again = rec.add_take_to_voice(a, "My Voice!")
    assert copied.parent == rec.voice_recordings_dir("My Voice!") and copied.parent.name == "my-voice"
    assert again.name == "t-2.wav" and rec.list_voice_recordings() == ["my-voice"]


def test_level_dbfs() -> None:
    assert rec.level_dbfs(np.zeros(0, np.float32)) == (-120.0, -120.0, False)
    peak, rms, clipped = rec.level_dbfs(np.full(100, 0.5, np.float32))
    assert peak == pytest.approx(-6.02, abs=0.01) and rms == pytest.approx(-6.02, abs=0.01) and not clipped
    assert rec.level_dbfs(np.array([0.0, 1.0], np.float32))[2]


def test_note_names() -> None:
    assert note_name(69) == "A4" and note_name(60) == "C4" and note_name(61.4) == "C#4"
    assert hz_to_midi(440.0) == pytest.approx(69.0) and midi_to_hz(57) == pytest.approx(220.0)
    assert np.isnan(hz_to_midi(0.0))


@pytest.mark.parametrize("rate", [48000, 22050, 16000])
def test_live_pitch_follows_notes_in_small_blocks(rate: int) -> None:
    from tests.desktop.fake_audio import harmonic_tone

    t = np.arange(int(rate * 2.0)) / rate
    midi = np.where(t < 1.0, 57.0, 64.0)  # A3 then E4
    wave = harmonic_tone(440.0 * 2 ** ((midi - 69) / 12), rate)
    tracker = LivePitchTracker(rate)
    times, f0 = [], []
    block = rate // 100 * 3  # 30 ms blocks, as the GUI timer drains them
    for i in range(0, len(wave), block):
        tt, ff = tracker.feed(wave[i : i + block])
        times.append(tt)
        f0.append(ff)
    times, f0 = np.concatenate(times), np.concatenate(f0)
    assert np.allclose(np.diff(times), 0.01), "frames must be contiguous, 10 ms apart"
    assert times[0] == 0.0 and times[-1] > 1.9
    expected = np.where(times < 1.0, 57.0, 64.0)
    steady = np.abs(times - 1.0) > 0.06
    cents = 100 * np.abs(hz_to_midi(np.maximum(f0, 1e-3)) - expected)
    ok = (f0 > 0) & (cents < 50)
    assert ok[steady & (times > 0.05)].mean() > 0.95


def test_takes_collected_under_the_old_ascii_name_are_still_found(tmp_home: Path) -> None:
    """Before the shared slug rule, "Zoë" collected takes in recordings/zo and "my_voice" in
    recordings/my-voice; those folders stay the voices' folders, new takes join the old ones."""
    samples = np.zeros(4800, np.float32)
    take = rec.save_take(samples, 48000, tmp_home / "takes", name="t")
    recordings = paths.data_dir() / "recordings"
    for name, old, new in (("Zoë", "zo", "zoë"), ("my_voice", "my-voice", "my_voice")):
        (recordings / old).mkdir(parents=True)
        rec.save_take(samples, 48000, recordings / old, name="earlier")
        assert rec.voice_recordings_dir(name) == recordings / old
        copied = rec.add_take_to_voice(take, name)
        assert copied.parent == recordings / old and not (recordings / new).exists()
        assert sorted(p.name for p in rec.list_takes(copied.parent)) == ["earlier.wav", "t.wav"]
    # A voice with no old folder gets the shared rule's name (control: the fallback is not always taken).
    assert rec.add_take_to_voice(take, "Ëlla").parent == recordings / "ëlla"
    # Once the new folder exists it wins.
    (recordings / "zoë").mkdir()
    assert rec.voice_recordings_dir("Zoë") == recordings / "zoë"
