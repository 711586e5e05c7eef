"""Record page: no-device message, recording through a fake PortAudio stream (take on disk, signals,
live waveform and pitch), clip warning, monitoring, take actions, shutdown."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from PySide6.QtWidgets import QMessageBox

from tests.desktop.fake_audio import FakeInputStream, fake_stream_factory, harmonic_tone
from voicecraft_desktop.core import recorder as rec
from voicecraft_desktop.core.live_pitch import hz_to_midi
from voicecraft_desktop.ui.pages import record as record_module
from voicecraft_desktop.ui.pages.record import RecordPage

A3_HZ = 220.0


@pytest.fixture
def one_device(monkeypatch):
    devices = [rec.InputDevice(4, "Test microphone", "ALSA", 2, 48000.0, True)]
    monkeypatch.setattr(record_module, "list_input_devices", lambda: devices)
    monkeypatch.setattr(rec, "list_input_devices", lambda: devices)
    return devices


def _page(ctx, qtbot, amplitude=0.3, f0=A3_HZ) -> RecordPage:
    # A converter clips at full scale: so does the fake device.
    def signal(rate: int) -> np.ndarray:
        return np.clip(harmonic_tone(np.full(rate, f0), rate, amplitude), -1, 1)

    factory = fake_stream_factory(signal)
    page = RecordPage(ctx, stream_factory=factory)
    qtbot.addWidget(page)
    return page


def test_no_audio_device_is_said_clearly_and_recording_is_disabled(ctx, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(record_module, "list_input_devices", lambda: [])
    monkeypatch.setattr(
        record_module,
        "audio_unavailable_reason",
        lambda: "no audio input device was found (no microphone, no sound server)",
    )
    page = RecordPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.no_device_label.isVisible()
    assert "Recording is unavailable: no audio input device was found" in page.no_device_label.text()
    assert not page.record_button.isEnabled() and not page.monitor_check.isEnabled()
    assert page.device_combo.count() == 0


def test_record_a_take_saves_wav_emits_signals_and_draws_live_views(ctx, qtbot, one_device) -> None:
    page = _page(ctx, qtbot)
    page.show()
    assert not page.no_device_label.isVisible() and page.record_button.isEnabled()
    assert "Test microphone" in page.device_combo.currentText()
    assert page.start_recording()
    assert page.is_recording and page.stop_button.isEnabled() and not page.record_button.isEnabled()
    qtbot.wait(1300)
    recorded: list[str] = []
    ctx.events.take_recorded.connect(recorded.append)
    with qtbot.waitSignals([page.take_saved, ctx.events.take_recorded], order="strict", timeout=2000):
        path = page.stop_recording()
    assert path is not None and path.parent == ctx.takes_dir() and path.suffix == ".wav"
    assert recorded == [str(path)]
    audio, rate = soundfile.read(str(path), dtype="float32")
    assert rate == 48000 and 1.0 < len(audio) / rate < 2.5
    assert 0.2 < np.max(np.abs(audio)) < 0.35
    assert page.takes.count() == 1 and page.selected_take() == path
    assert not page.recorder  # the stream closed: not monitoring
    assert FakeInputStream.instances[-1].closed
    midi = page.live.pitch.midi_values()
    voiced = midi[np.isfinite(midi)]
    assert len(voiced) > 50, "the live pitch curve stayed empty"
    assert np.median(np.abs(voiced - hz_to_midi(A3_HZ))) < 0.3
    assert page.live.note_label.text().startswith("A3")
    assert page.live.waveform._hi.max() > 0.2  # noqa: SLF001 - the envelope on screen follows the signal


def test_clipping_lights_the_warning(ctx, qtbot, one_device) -> None:
    page = _page(ctx, qtbot, amplitude=2.0)
    page.show()
    page.monitor_check.setChecked(True)
    assert page.recorder is not None and not page.is_recording
    qtbot.waitUntil(lambda: page.meter.clipping, timeout=3000)
    assert "CLIP" in page.level_label.text()
    page.monitor_check.setChecked(False)
    assert page.recorder is None and page.takes.count() == 0


def test_a_too_short_take_is_not_saved(ctx, qtbot, one_device) -> None:
    page = _page(ctx, qtbot)
    page.start_recording()
    assert page.stop_recording() is None
    assert page.takes.count() == 0


def test_take_actions_send_to_convert_add_to_voice_delete(ctx, qtbot, one_device, monkeypatch) -> None:
    tone = harmonic_tone(np.full(24000, A3_HZ), 48000)
    take = rec.save_take(tone, 48000, ctx.takes_dir(ensure=True), "take-a")
    page = _page(ctx, qtbot)
    assert page.takes.count() == 1 and page.selected_take() == take
    with qtbot.waitSignal(ctx.events.send_to_convert, timeout=1000) as blocker:
        page.convert_button.click()
    assert blocker.args == [str(take)]
    with qtbot.waitSignal(ctx.events.add_to_dataset, timeout=1000) as blocker:
        copied = page.add_selected_to_voice("Alice")
    assert blocker.args == [str(copied)] and copied.read_bytes() == take.read_bytes()
    assert copied.parent == rec.voice_recordings_dir("Alice")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    page.delete_button.click()
    assert take.exists()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_button.click()
    assert not take.exists() and page.takes.count() == 0
    assert not page.convert_button.isEnabled()


def test_device_open_error_is_shown_not_raised(ctx, qtbot, one_device) -> None:
    def broken(**kwargs):
        raise ValueError("Invalid sample rate")

    page = RecordPage(ctx, stream_factory=broken)
    qtbot.addWidget(page)
    assert not page.start_recording()
    assert page.error_box is not None and "Invalid sample rate" in page.error_box.text()
    assert not page.is_recording and page.record_button.isEnabled()
    page.error_box.close()


def test_rate_and_device_choice_persist(ctx, qtbot, one_device) -> None:
    page = _page(ctx, qtbot)
    page.rate_combo.setCurrentIndex(page.rate_combo.findData(44100))
    assert ctx.settings.get("record/sample_rate") == 44100
    assert ctx.settings.get("record/input_device") in ("", "Test microphone")
    again = _page(ctx, qtbot)
    assert again.rate_combo.currentData() == 44100


def test_shutdown_saves_the_take_in_progress_and_closes_the_stream(ctx, qtbot, one_device) -> None:
    page = _page(ctx, qtbot)
    page.start_recording()
    qtbot.wait(600)
    stream = FakeInputStream.instances[-1]
    page.shutdown()
    assert stream.closed and page.recorder is None
    assert page.takes.count() == 1
