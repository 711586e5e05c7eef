"""Convert page: inputs (file, drop, latest take, send_to_convert), conversion job with both pitch curves,
A/B playback, WAV/FLAC export, folder batch, report, errors and cancel."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.desktop.voices import make_voice
from tests.features.conftest import harmonic_tone
from voicecraft_desktop.core import paths
from voicecraft_desktop.ui.widgets.comparison_plots import envelope


def _batch_report(page, qtbot, folder, out):
    """Converts ``folder`` into ``out`` as a batch (DIO pitch); returns the report it shows."""
    page.f0_combo.setCurrentText("dio")
    job = page.convert_batch(folder, out)
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    return page.report_view.toPlainText()


class FakePlayer:
    def __init__(self):
        self.calls, self.playing, self.position_s = [], False, 0.0

    def play(self, wave, rate, start_s=0.0):
        self.calls.append(("play", len(wave), rate))
        self.playing = True

    def swap(self, wave, rate):
        self.calls.append(("swap", len(wave), rate))

    def stop(self):
        self.playing = False


def test_without_voices_convert_is_disabled_and_says_why(page):
    assert page.voice_combo.count() == 0 and not page.convert_button.isEnabled()
    assert "No voice in the library" in page.status_label.text()
    assert not page.play_a.isEnabled() and not page.export_wav.isEnabled()


def test_inputs_from_take_send_to_convert_and_drop(page, ready, ctx, song, tmp_path):
    ctx.events.voices_changed.emit()
    assert page.voice_combo.currentText() == "Alice"
    assert not page.take_button.isEnabled()
    ctx.events.take_recorded.emit(str(tmp_path / "take1.wav"))
    page.take_button.click()
    assert page.input_edit.text() == str(tmp_path / "take1.wav")
    ctx.events.send_to_convert.emit(str(song))
    assert page.input_path() == song and page.convert_button.isEnabled()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "dropped.flac"))])
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    page.dropEvent(event)
    assert page.input_edit.text() == str(tmp_path / "dropped.flac")


def test_convert_shows_curves_report_ab_and_exports(page, ready, ctx, qtbot, song, tmp_path):
    ctx.events.voices_changed.emit()
    page.set_input(song)
    page.f0_combo.setCurrentText("dio")
    page.key_spin.setValue(3)
    job = page.convert()
    assert not page.convert_button.isEnabled() and page.cancel_button.isEnabled()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    take = page.take
    assert take.result.key == 3 and len(take.result.audio) == len(take.source_audio) == int(2.2 * 32000)
    # both pitch curves: the source's, 3 semitones up, and the converted audio's own
    _, ys = page.plots.source_pitch.getData()
    voiced = np.isfinite(ys)
    assert voiced.sum() > 100
    assert np.nanmedian(ys) == pytest.approx(
        69.0 + 12 * np.log2(np.median(take.result.source_f0[take.result.source_f0 > 0]) / 440.0) + 3, abs=0.01
    )
    assert len(page.plots.result_pitch.getData()[0]) == len(take.output_f0)
    assert len(page.plots.source_wave.getData()[0]) > 0 and len(page.plots.result_wave.getData()[0]) > 0
    report = page.report_view.toPlainText()
    assert "key shift: +3" in report and "pitch error" in report and "speaker similarity" in report
    assert "Converted song.wav" in page.status_label.text()
    # A/B: B starts playing, A swaps at the same position
    page.player = fake = FakePlayer()
    page.play_b.click()
    page.play_a.click()
    assert fake.calls == [("play", len(take.result.audio), 32000), ("swap", len(take.source_audio), 32000)]
    page.stop_play.click()
    assert page._playing is None
    # export WAV and FLAC (the extension is added when missing)
    for fmt, name in (("wav", "out"), ("flac", "out.flac")):
        job = page.export(tmp_path / name, fmt)
        with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=30000):
            pass
        info = sf.info(tmp_path / f"out.{fmt}")
        assert (
            info.format == fmt.upper() and info.samplerate == 32000 and info.frames == len(take.result.audio)
        )
    # the same voice and options reuse the converter
    first = take.converter
    job = page.convert()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    assert page.take.converter is first
    # deleting the voice drops the loaded converter (its weights are not kept alive)
    from voicecraft_desktop.core.library import VoiceLibrary

    VoiceLibrary().delete("Alice")
    ctx.events.voices_changed.emit()
    assert page._converter is None and page.voice_combo.count() == 0 and not page.convert_button.isEnabled()


def test_folder_batch_converts_and_lists_failures(page, ready, ctx, qtbot, song, tmp_path):
    ctx.events.voices_changed.emit()
    folder = tmp_path / "songs"
    folder.mkdir()
    (folder / "a.wav").write_bytes(song.read_bytes())
    (folder / "broken.wav").write_text("not audio", encoding="utf-8")
    text = _batch_report(page, qtbot, folder, tmp_path / "out")
    assert "1 converted, 1 failed" in text and "✗ broken.wav" in text
    assert sf.info(tmp_path / "out" / "a (Alice).wav").samplerate == 32000


def test_cancel_conversion(page, ready, ctx, qtbot, tmp_path):
    ctx.events.voices_changed.emit()
    long_song = tmp_path / "long.wav"
    sf.write(long_song, harmonic_tone(220.0, 40.0, 16000), 16000)
    page.set_input(long_song)
    page.f0_combo.setCurrentText("dio")
    job = page.convert()
    page.cancel_button.click()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=60000):
        pass
    assert "Cancelled" in page.status_label.text() and page.take is None


def test_missing_encoders_and_bad_input_show_errors(page, ctx, qtbot, song, tmp_path):
    make_voice(paths.voices_dir(), "Alice")
    ctx.events.voices_changed.emit()
    page.set_input(song)
    job = page.convert()
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=60000):
        pass
    text = page.error_box.text()  # issue 12.1: every missing file at once, "Open setup", no flag
    assert "missing: " in text and "Open the setup" in text and "--asset" not in text
    page.error_box.close()
    bad = tmp_path / "bad.wav"
    bad.write_text("no", encoding="utf-8")
    page.set_input(bad)
    job = page.convert()
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=60000):
        pass
    assert "bad.wav" in page.error_box.text()
    page.error_box.close()


def test_envelope_is_bounded_for_long_audio():
    wave = np.sin(np.arange(32000 * 300) / 10.0).astype(np.float32)
    x, y = envelope(wave, 32000)
    assert len(x) == len(y) == 8000 and y.min() < -0.99 and y.max() > 0.99 and x[-1] < 300


# ------------------------------------------------------------------ issue 20: the app's equivalents


class _Take:
    """Just what ``ConvertPage.export`` reads of a take: ``result.audio`` and ``result.sample_rate``."""

    def __init__(self, audio):
        self.result = type("R", (), {"audio": audio, "sample_rate": 32000})()


def test_out_of_range_settings_are_refused_on_the_page(page, ready, ctx, song, tmp_path):
    """The page builds ConvertOptions, the one rule; a value outside it is a message, not a job."""
    ctx.events.voices_changed.emit()
    page.set_input(song)
    page.key_spin.setRange(-1000, 1000)  # as if a control allowed more than the engine does
    page.key_spin.setValue(100)
    assert page.convert() is None and page.job is None
    text = page.error_box.text()
    assert "key" in text and "48" in text and "--" not in text
    assert "Cannot convert" in page.status_label.text()
    page.error_box.close()
    page.error_box = None
    assert page.convert_batch(tmp_path, tmp_path / "out") is None and page.job is None
    assert "key" in page.error_box.text() and not (tmp_path / "out").exists()
    page.error_box.close()


def test_folder_batch_names_colliding_outputs_apart(page, ready, ctx, qtbot, song, tmp_path):
    ctx.events.voices_changed.emit()
    folder = tmp_path / "songs"
    folder.mkdir()
    (folder / "a.wav").write_bytes(song.read_bytes())
    data, rate = sf.read(song)
    sf.write(folder / "a.flac", data, rate)
    text = _batch_report(page, qtbot, folder, tmp_path / "out")
    assert "2 converted, 0 failed" in text and "note:" in text
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a (Alice) 2.wav", "a (Alice).wav"]


@pytest.mark.skipif(not hasattr(__import__("os"), "umask"), reason="POSIX file modes")
def test_export_mode_stale_parts_and_broken_buffers(page, qtbot, tmp_path):
    import os
    import time

    out = tmp_path / "exports"
    out.mkdir()
    stale = out / ".old.wav.abcd1234.part"
    stale.write_bytes(b"RIFF")
    os.utime(stale, (time.time() - 86400, time.time() - 86400))
    old_mask = os.umask(0o022)
    try:
        page.take = _Take((0.1 * np.sin(np.arange(32000) / 7.0)).astype(np.float32))
        job = page.export(out / "song", "wav")
        with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=30000):
            pass
    finally:
        os.umask(old_mask)
    assert (out / "song.wav").stat().st_mode & 0o777 == 0o644
    assert not stale.exists()
    page.take = _Take(np.full(32000, np.nan, np.float32))
    job = page.export(out / "broken.wav", "wav")
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=30000):
        pass
    assert "not finite" in page.error_box.text() and "broken.wav" in page.error_box.text()
    assert sorted(p.name for p in out.iterdir()) == ["song.wav"]
    page.error_box.close()


def test_folder_batch_into_a_file_says_so(page, ready, ctx, qtbot, song, tmp_path):
    ctx.events.voices_changed.emit()
    blocker = tmp_path / "out.wav"
    blocker.write_bytes(b"mine")
    page.f0_combo.setCurrentText("dio")
    job = page.convert_batch(song.parent, blocker)
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=120000):
        pass
    assert "it is a file" in page.error_box.text() and blocker.read_bytes() == b"mine"
    page.error_box.close()
