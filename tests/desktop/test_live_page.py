"""Live page: pass-through through fake devices (meters and pitch move, Stop releases both
devices), conversion with a tiny voice (latency shown, measured), a refused device and no devices
as messages on the page."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tests.desktop.fake_audio import FakeInputStream, harmonic_tone
from voicecraft_desktop.core import live as live_core
from voicecraft_desktop.ui.pages import live as live_module
from voicecraft_desktop.ui.pages.live import LivePage


class FakeOutputStream:
    """Pulls ``blocksize`` samples from the callback in real time (on a clock, as a sound card
    does), keeping what it got; while ``paused`` is set it takes nothing (a stalled device)."""

    def __init__(self, *, samplerate, callback, blocksize=480, **_):
        self.samplerate, self.callback, self.blocksize = samplerate, callback, blocksize
        self.got: list[np.ndarray] = []
        self._stop = threading.Event()
        self.closed = False
        self.active = True
        self.paused = threading.Event()

    def start(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        period = self.blocksize / self.samplerate
        next_t = time.monotonic()
        while not self._stop.is_set():
            if not self.paused.is_set():
                out = np.zeros((self.blocksize, 1), np.float32)
                self.callback(out, self.blocksize, None, None)
                self.got.append(out[:, 0].copy())
            next_t += period
            time.sleep(max(0.0, next_t - time.monotonic()))

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        self.active = False

    def close(self):
        self.closed = True


class Devices:
    def __init__(self, fail_output: str | None = None):
        self.streams: dict[str, object] = {}
        self.fail_output = fail_output

    def __call__(self, kind, **kw):
        if kind == "output" and self.fail_output:
            raise RuntimeError(self.fail_output)
        rate = int(kw["samplerate"])
        if kind == "input":
            f0 = np.full(rate * 2, 220.0)
            s = FakeInputStream(signal=harmonic_tone(f0, rate, 0.3), **kw)
        else:
            s = FakeOutputStream(**kw)
        self.streams[kind] = s
        return s


def test_pass_through_meters_move_and_stop_releases_both_devices(ctx, qtbot, open_page, devices):
    fake = Devices()
    page = open_page(LivePage, ctx, stream_factory=fake)
    page.bypass_check.setChecked(True)
    assert page.start_button.isEnabled()
    page.start_button.click()
    assert page.session is not None and not page.error_label.isVisible()
    qtbot.waitUntil(lambda: page.in_meter.peak_db > -20 and page.out_meter.peak_db > -20, timeout=10000)
    qtbot.waitUntil(lambda: len(page.in_view.pitch.midi_values()) > 5, timeout=10000)
    midi = page.in_view.pitch.midi_values()
    assert np.nanmedian(midi) == pytest.approx(57.0, abs=0.5)  # A3 = 220 Hz
    assert "dropouts" in page.latency_label.text()
    page.stop_button.click()
    assert page.session is None
    assert fake.streams["input"].closed and fake.streams["output"].closed
    assert page.start_button.isEnabled()


def test_refused_device_is_a_message_on_the_page(ctx, open_page, devices):
    fake = Devices(fail_output="Invalid sample rate [PaErrorCode -9997]")
    page = open_page(LivePage, ctx, stream_factory=fake)
    page.bypass_check.setChecked(True)
    page.start_button.click()
    assert page.session is None
    assert page.error_label.isVisible()
    assert "cannot run at 48000 Hz" in page.error_label.text()
    assert fake.streams["input"].closed  # the input that did open is released again
    assert "--" not in page.error_label.text()  # no command-line flags in the app


def test_no_devices_is_said_and_start_is_disabled(ctx, open_page, monkeypatch):
    monkeypatch.setattr(live_module, "list_input_devices", lambda: [])
    monkeypatch.setattr(live_module, "list_output_devices", lambda: [])
    page = open_page(LivePage, ctx)
    assert page.error_label.isVisible() and "microphone" in page.error_label.text()
    assert not page.start_button.isEnabled()


def test_unplugged_device_stops_with_a_message(ctx, qtbot, open_page, devices):
    fake = Devices()
    page = open_page(LivePage, ctx, stream_factory=fake)
    page.bypass_check.setChecked(True)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.session is not None and page.session.blocks > 0, timeout=10000)
    fake.streams["output"].active = False
    qtbot.waitUntil(lambda: page.session is None, timeout=10000)
    assert "unplugged" in page.error_label.text()
    assert fake.streams["input"].closed and fake.streams["output"].closed


def _page_with_tiny_voice(ctx, open_page, folder, extractors, name):
    """The Live page over fake devices with one tiny voice in the library, chosen."""
    from models.convert.converter import VoiceConverter
    from models.formats.artifact import load_voice
    from tests.convert.conftest import make_voice
    from voicecraft_desktop.core.library import VoiceLibrary

    make_voice(folder, name=name)
    VoiceLibrary().import_voice(folder)
    fake = Devices()
    page = open_page(LivePage, ctx, stream_factory=fake,
                     converter_factory=lambda entry, _device: VoiceConverter(load_voice(entry.folder),
                                                                             extractors))
    page.refresh()
    assert page.voice_combo.currentText() == name
    return page, fake


def test_voice_converts_and_latency_is_measured(ctx, qtbot, open_page, devices, tmp_path, tiny_extractors):
    page, fake = _page_with_tiny_voice(ctx, open_page, tmp_path / "made", tiny_extractors, "Live Tiny")
    page.start_button.click()
    qtbot.waitUntil(lambda: page.session is not None and page.session.blocks >= 3, timeout=60000)
    st = page.session.stats()
    assert st.processing_median_s > 0
    text = page.latency_label.text()
    assert f"Latency {st.algorithmic_s * 1000:.0f} ms" in text
    page.stop_button.click()
    assert fake.streams["input"].closed and fake.streams["output"].closed


def test_devices_at_different_rates_work_together(ctx, qtbot, open_page, devices, monkeypatch):
    # a 44.1 kHz microphone and 48 kHz headphones: each device runs at its own rate (resampled)
    monkeypatch.setattr(live_core, "device_rate", lambda device, kind: 44100 if kind == "input" else 48000)
    fake = Devices()
    page = open_page(LivePage, ctx, stream_factory=fake)
    page.bypass_check.setChecked(True)
    page.start_button.click()
    assert page.session.input_rate == 44100 and page.session.output_rate == 48000
    assert fake.streams["input"].samplerate == 44100 and fake.streams["output"].samplerate == 48000
    qtbot.waitUntil(lambda: len(page.out_view.pitch.midi_values()) > 5, timeout=10000)
    assert np.nanmedian(page.out_view.pitch.midi_values()) == pytest.approx(57.0, abs=0.5)  # still 220 Hz
    assert not page.error_label.isVisible()
    page.stop_button.click()
    assert fake.streams["input"].closed and fake.streams["output"].closed


def test_a_stalled_output_is_a_gap_message_not_a_crash(ctx, qtbot, open_page, devices):
    fake = Devices()
    page = open_page(LivePage, ctx, stream_factory=fake)
    page.bypass_check.setChecked(True)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.session.blocks >= 2, timeout=10000)
    assert not page.slow_label.isVisible()
    fake.streams["output"].paused.set()  # the headphones stop taking audio for a second
    time.sleep(1.0)
    fake.streams["output"].paused.clear()
    qtbot.waitUntil(lambda: page.slow_label.isVisible(), timeout=10000)
    assert "The sound had a gap" in page.slow_label.text() or " gaps:" in page.slow_label.text()
    st = page.session.stats()  # still running
    assert st.stalls >= 1 and st.dropouts >= 1
    page.stop_button.click()
    assert fake.streams["input"].closed and fake.streams["output"].closed


def test_a_voice_too_slow_for_this_computer_is_said_with_the_measured_times(
    ctx, qtbot, open_page, devices, tmp_path, tiny_extractors, monkeypatch
):
    from models.convert import stream as stream_module

    real = stream_module.StreamingConverter.process

    def slow(self, block16):  # stands in for a full-size voice on a small CPU: longer than the block
        time.sleep(0.25)
        return real(self, block16)

    monkeypatch.setattr(stream_module.StreamingConverter, "process", slow)
    page, fake = _page_with_tiny_voice(ctx, open_page, tmp_path / "made", tiny_extractors, "Slow Voice")
    page.block_combo.setCurrentIndex(page.block_combo.findData(160))
    page.start_button.click()
    qtbot.waitUntil(lambda: "cannot convert" in page.slow_label.text(), timeout=60000)
    st = page.session.stats()
    assert st.processing_worst_s > st.block_s  # measured, not guessed
    text = page.slow_label.text()
    assert "cannot convert this voice live" in text and "a 160 ms block takes" in text
    assert "--" not in text
    page.stop_button.click()
    assert fake.streams["input"].closed and fake.streams["output"].closed


def test_the_slow_message_follows_the_measured_times(ctx, open_page, devices):
    page = open_page(LivePage, ctx)

    def stats(worst, dropouts=0):
        return live_core.LiveStats(0.41, worst / 2, worst, 0.32, 10, 0, dropouts, 0, 0.0, True, "")

    page._show_stats(stats(0.2))
    assert page.slow_label.isHidden()
    text = page.latency_label.text()
    assert "Latency 410 ms" in text and "320 ms for converting" in text
    page._show_stats(stats(0.5))
    assert not page.slow_label.isHidden() and "takes 250 ms" in page.slow_label.text()
    page._show_stats(stats(0.2, dropouts=3))
    assert not page.slow_label.isHidden() and "3 gaps" in page.slow_label.text()
