"""End to end through the window, on the tiny preset: new voice from a folder -> train a few steps ->
export the voice -> convert a take -> export a WAV that exists and is valid."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from tests.desktop.voices import recordings_folder, tiny_hubert32
from tests.features.conftest import harmonic_tone
from voicecraft_desktop.ui.main_window import MainWindow

PAGES = [
    ("Library", "library", "LibraryPage"),
    ("Train", "train", "TrainPage"),
    ("Convert", "convert", "ConvertPage"),
]


@pytest.mark.slow
def test_folder_to_voice_to_converted_wav(ctx, qtbot, tmp_path, tiny_whisper):
    ctx.settings.set(
        "assets/overrides",
        {"whisper-large-v2": str(tiny_whisper), "hubert-soft": str(tiny_hubert32(tmp_path))},
    )
    window = MainWindow(ctx, pages=PAGES)
    window.confirm_close = False
    qtbot.addWidget(window)
    window.show()
    library, train, convert = (window.page(t) for t, _, _ in PAGES)

    # 1. Library: new voice from a folder of recordings (with junk in it)
    window.show_page("Library")
    job = library.new_voice_from_folder(recordings_folder(tmp_path), "Ana", f0="dio")
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=180000):
        pass
    assert library.report.tree.topLevelItem(0).childCount() >= 3  # clips kept
    assert library.report.tree.topLevelItem(1).childCount() == 2  # lyrics.txt, quiet.wav

    # 2. Train: the new dataset is offered; a few steps on the tiny preset, then export the voice
    window.show_page("Train")
    assert train.select_dataset("Ana") and train.start_button.isEnabled()
    train.preset_combo.setCurrentText("tiny")
    train.steps_spin.setValue(3)
    train.base_combo.setCurrentIndex(0)
    job = train.start()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=180000):
        pass
    assert train.last_result.step == 3
    datasets = library.dataset_table  # the Library lists datasets apart from voices
    (row,) = [r for r in range(datasets.rowCount()) if datasets.item(r, 5).text().startswith("dataset")]
    assert "training run at step 3" in datasets.item(row, 5).text()
    assert len(train.curves.loss_lines["g_total"].getData()[0]) == 3
    with qtbot.waitSignal(train.exported, timeout=60000):
        train.export("Ana")
    qtbot.waitUntil(lambda: train.export_job is None, timeout=30000)
    assert library.select_name("Ana") and library.selected().steps == 3  # the Library lists the voice

    # 3. Convert a take (as the Record page announces one) into the new voice
    take = ctx.takes_dir(ensure=True) / "take 1.wav"
    sf.write(take, harmonic_tone(np.linspace(220.0, 294.0, 48000 * 2), 2.0, 48000), 48000)
    ctx.events.take_recorded.emit(str(take))
    ctx.events.send_to_convert.emit(str(take))
    assert convert.input_path() == take
    assert convert.select_voice("Ana")
    convert.f0_combo.setCurrentText("dio")
    job = convert.convert()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=180000):
        pass
    assert "pitch error" in convert.report_view.toPlainText()
    # automatic key: the take is moved into the voice's range by whole semitones
    convert.set_auto_key_mode("semitones")
    assert not convert.key_spin.isEnabled()
    job = convert.convert()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=180000):
        pass
    key = convert.take.result.key
    assert key == round(key) and f"key shift: {key:+g}" in convert.report_view.toPlainText()

    # 4. Export the converted take as WAV
    out = tmp_path / "ana take.wav"
    job = convert.export(out, "wav")
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=30000):
        pass
    data, rate = sf.read(out)
    assert rate == 32000 and len(data) == 2 * 32000 and sf.info(out).subtype == "PCM_16"
    assert np.all(np.isfinite(data)) and 0.0 < np.abs(data).max() <= 1.0
    window.close()
    assert ctx.runner.jobs() == []
