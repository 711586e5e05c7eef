"""Convert page, issue 12 (5-7): the automatic key by whole octaves first and explained; the
Advanced section (output rate, format and bits, unvoiced frames, noise, seed) driving exports and
batches; status text that follows what is on screen; buttons that stay put; dialogs that start in
Music/home, then the last folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtWidgets import QFileDialog, QFormLayout

from tests.desktop.test_convert_page import FakePlayer, _batch_report, _Take
from voicecraft_desktop.ui.pages.convert import ConvertPage


@pytest.fixture
def page(ctx, open_page):
    return open_page(ConvertPage, ctx)


def _choose(combo, data):
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_automatic_key_offers_whole_octaves_first_and_explains_each_mode(page):
    modes = [page.auto_key.itemData(i) for i in range(page.auto_key.count())]
    assert modes == ["off", "octaves", "semitones"]
    assert page.options().auto_key == "off" and page.key_spin.isEnabled()  # the CLI's default too
    _choose(page.auto_key, "octaves")
    assert page.options().auto_key == "octaves" and not page.key_spin.isEnabled()
    assert "stays in its key" in page.key_help.text()
    _choose(page.auto_key, "semitones")
    assert page.options().auto_key == "semitones" and "out of key" in page.key_help.text()


def test_advanced_section_is_folded_and_sets_the_options(page):
    assert not page.advanced_box.isVisible()
    page.advanced_button.click()
    assert page.advanced_box.isVisible()
    assert isinstance(page.advanced_form, QFormLayout)  # others add their rows here
    _choose(page.unvoiced_combo, "zero")
    page.noise_spin.setValue(0.5)
    page.seed_spin.setValue(7)
    o = page.options()
    assert (o.unvoiced, o.noise_scale, o.seed) == ("zero", 0.5, 7)
    page.advanced_button.click()
    assert not page.advanced_box.isVisible()


def test_flac_offers_no_float_samples(page):
    _choose(page.bits_combo, "float")
    _choose(page.format_combo, "flac")
    assert page.bits_combo.currentData() == "24"
    assert not page.bits_combo.model().item(page.bits_combo.findData("float")).isEnabled()
    _choose(page.format_combo, "wav")
    assert page.bits_combo.model().item(page.bits_combo.findData("float")).isEnabled()


def test_export_writes_the_chosen_rate_and_bits(page, qtbot, tmp_path):
    page.take = _Take((0.1 * np.sin(np.arange(32000) / 7.0)).astype(np.float32))
    _choose(page.rate_combo, 48000)
    _choose(page.bits_combo, "24")
    job = page.export(tmp_path / "song", "wav")
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=30000):
        pass
    info = sf.info(tmp_path / "song.wav")
    assert info.samplerate == 48000 and info.subtype == "PCM_24" and info.frames == 48000
    assert "song.wav" in page.status_label.text()  # confirmed on the page, not only in the status bar


def test_folder_batch_uses_the_advanced_format_bits_and_rate(page, ready, ctx, qtbot, song, tmp_path):  # noqa: F811
    ctx.events.voices_changed.emit()
    _choose(page.format_combo, "flac")
    _choose(page.bits_combo, "24")
    _choose(page.rate_combo, 44100)
    _batch_report(page, qtbot, song.parent, tmp_path / "out")
    (out,) = (tmp_path / "out").iterdir()
    info = sf.info(out)
    assert out.suffix == ".flac" and info.samplerate == 44100 and info.subtype == "PCM_24"


def test_status_line_follows_what_is_on_screen(page, ready, ctx, song):  # noqa: F811
    assert "No voice in the library" in page.status_label.text()
    ctx.events.voices_changed.emit()  # a voice appears and is selected
    assert page.voice_combo.currentText() == "Alice"
    assert "No voice" not in page.status_label.text() and "Open file" in page.status_label.text()
    page.set_input(song)
    assert "Ready to convert song.wav" in page.status_label.text()
    page.status_label.setText("Exported somewhere")  # a result stays while nothing changes...
    page._update_buttons()
    assert page.status_label.text() == "Exported somewhere"
    page.set_input(song.with_name("other.wav"))  # ...and goes when the input changes
    assert "Ready to convert other.wav" in page.status_label.text()


def test_play_buttons_do_not_move_when_one_is_playing(page, qtbot):
    page.take = _Take((0.1 * np.sin(np.arange(32000) / 7.0)).astype(np.float32))
    page.take.source_audio = page.take.result.audio
    page.player = FakePlayer()
    page.resize(1000, 600)
    page._update_buttons()
    qtbot.wait(10)
    buttons = [page.play_a, page.play_b, page.stop_play, page.export_wav, page.export_flac]
    before = [b.geometry() for b in buttons]
    assert page.play("A")
    page.layout().activate()
    qtbot.wait(10)
    assert [b.geometry() for b in buttons] == before
    assert page.play_a.isChecked() and not page.play_b.isChecked()


def test_dialogs_start_in_music_or_home_then_in_the_last_folder(page, ctx, tmp_path, monkeypatch):
    asked = []
    chosen = tmp_path / "songs" / "a.wav"
    chosen.parent.mkdir()

    def fake_open(parent, title, start, filter_):
        asked.append(start)
        return str(chosen), filter_

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake_open)
    monkeypatch.chdir(tmp_path)
    page._ask_input()
    first = Path(asked[0])
    assert first != tmp_path and first in (Path.home() / "Music", Path.home())
    assert page.input_path() == chosen
    page._ask_input()
    assert Path(asked[1]) == chosen.parent
