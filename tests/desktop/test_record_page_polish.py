"""Record page, issue 12 (6-7): readable device names, results confirmed on the page (not only in
the status bar), Space records and stops."""

from __future__ import annotations

from tests.desktop.test_record_page import _page
from voicecraft_desktop.core import recorder as rec
from voicecraft_desktop.ui.pages import record as record_module


def _devices(monkeypatch, devices):
    monkeypatch.setattr(record_module, "list_input_devices", lambda: devices)
    monkeypatch.setattr(rec, "list_input_devices", lambda: devices)


def test_devices_show_their_readable_label(ctx, qtbot, monkeypatch) -> None:
    _devices(monkeypatch, [
        rec.InputDevice(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", "ALSA", 2, 44100.0, False,
                        "HDA Intel PCH: ALC3246 Analog"),
        rec.InputDevice(2, "default", "ALSA", 32, 44100.0, True,
                        "System default: Built-in Audio Analog Stereo"),
    ])
    page = _page(ctx, qtbot)
    texts = [page.device_combo.itemText(i) for i in range(page.device_combo.count())]
    assert texts == ["HDA Intel PCH: ALC3246 Analog", "System default: Built-in Audio Analog Stereo"]
    assert page.device_combo.currentIndex() == 1
    assert all("(ALSA)" not in t for t in texts)
    page.device_combo.setCurrentIndex(0)
    assert ctx.settings.get("record/input_device") == "HDA Intel PCH: ALC3246 Analog (hw:0,0)"


def test_space_records_and_stops_and_the_page_confirms_the_take(ctx, qtbot, monkeypatch) -> None:
    _devices(monkeypatch, [rec.InputDevice(4, "Test microphone", "ALSA", 2, 48000.0, True)])
    page = _page(ctx, qtbot)
    page.show()
    assert page.toggle_playback() and page.is_recording
    assert "Recording" in page.message_label.text()
    qtbot.wait(1300)
    page.toggle_playback()
    assert not page.is_recording
    path = page.selected_take()
    assert path is not None and f"Saved {path.name}" in page.message_label.text()
    page.add_selected_to_voice("Ana")
    assert "Added" in page.message_label.text() and "Ana" in page.message_label.text()


def test_a_too_short_take_says_so_on_the_page(ctx, qtbot, monkeypatch) -> None:
    _devices(monkeypatch, [rec.InputDevice(4, "Test microphone", "ALSA", 2, 48000.0, True)])
    page = _page(ctx, qtbot)
    page.start_recording()
    assert page.stop_recording() is None
    assert "too short" in page.message_label.text()


def test_the_transport_does_not_move_when_play_becomes_stop(ctx, qtbot, monkeypatch, tmp_path) -> None:
    import numpy as np
    import soundfile

    _devices(monkeypatch, [rec.InputDevice(4, "Test microphone", "ALSA", 2, 48000.0, True)])
    soundfile.write(ctx.takes_dir(ensure=True) / "take 1.wav", np.zeros(48000, np.float32), 48000)
    page = _page(ctx, qtbot)
    page.refresh_takes()
    page.resize(1000, 600)
    page.show()
    qtbot.wait(10)
    before = page.time_label.geometry()
    page.play_button.setText("■ Stop playing")  # what a click on Play shows while the take plays
    page.layout().activate()
    assert page.time_label.geometry() == before
