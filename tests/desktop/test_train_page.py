"""Train page: choices, start/pause/stop/resume through the runner, live curves, validation audio,
the when-to-stop hint, export, TensorBoard, errors and cancel."""

from __future__ import annotations

import shutil
import urllib.request

import pytest
from PySide6.QtGui import QDesktopServices

from voicecraft_desktop.core.library import VoiceLibrary
from voicecraft_desktop.core.runs import run_status
from voicecraft_desktop.ui.pages.train import TrainPage
from voicecraft_desktop.ui.widgets.train_plots import LOSS_CURVES


@pytest.fixture
def page(ctx, open_page):
    return open_page(TrainPage, ctx)


def _ready(page, cache, steps):
    page.refresh()
    page.feature_cache = cache
    page.preset_combo.setCurrentText("tiny")
    page.steps_spin.setValue(steps)
    page.base_combo.setCurrentIndex(0)


def _train_to_end(page, qtbot, dataset, steps):
    """Trains ``dataset`` from scratch (tiny preset) up to step ``steps``; returns the ended job."""
    _, cache = dataset
    _ready(page, cache, steps=steps)
    job = page.start()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=300000):
        pass
    return job


def _start_then_pause(page, qtbot, dataset):
    """Starts a long run of ``dataset``, waits for its first step, pauses it; returns the job."""
    _, cache = dataset
    _ready(page, cache, steps=500)
    job = page.start()
    qtbot.waitUntil(lambda: page.last_progress is not None and page.last_progress.step >= 1, timeout=60000)
    page.pause_button.setChecked(True)
    qtbot.waitUntil(lambda: page.last_progress.phase == "paused", timeout=30000)
    return job


def test_without_datasets_start_is_disabled_and_says_why(page):
    assert page.voice_combo.count() == 0 and not page.start_button.isEnabled()
    assert "New voice from folder" in page.run_label.text()
    assert page.base_combo.itemText(0).startswith("From scratch")
    assert "not downloaded" in page.base_combo.itemText(1)


def test_train_to_the_end_draws_curves_hint_audio_then_export(page, ctx, qtbot, dataset):
    _, cache = dataset
    _ready(page, cache, steps=10)
    assert page.start_button.isEnabled() and page.start_button.text() == "Start"
    job = page.start()
    assert (
        not page.start_button.isEnabled() and page.stop_button.isEnabled() and page.pause_button.isEnabled()
    )
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=300000):
        pass
    assert page.last_result.step == 10 and not page.last_result.cancelled
    # every step reached the curves although the worker throttles progress to 10 Hz
    xs, ys = page.curves.loss_lines["g_total"].getData()
    assert list(xs) == [float(s) for s in range(1, 11)]
    assert set(LOSS_CURVES) <= set(page.curves.series)
    vx, _ = page.curves.val_line.getData()
    assert list(vx) == [10.0]
    assert "When to stop: Keep training" in page.hint_label.text()
    assert "Finished at step 10" in page.status_label.text() and page.progress.value() == 1000
    qtbot.waitUntil(lambda: page.audio.audio_list.count() == 2, timeout=20000)
    assert "converted by the model" in page.audio.audio_list.item(0).text()
    played = []
    page.audio.player.play = lambda wave, rate, start_s=0.0: played.append(rate)
    assert page.audio.play_selected() and played == [32000]
    qtbot.waitUntil(lambda: page.audio_job is None, timeout=20000)
    # export into the library, with the validation clip as the voice's preview
    assert page.export_button.isEnabled()
    with qtbot.waitSignal(ctx.events.voices_changed, timeout=60000):
        export = page.export("Test voice")
    qtbot.waitUntil(lambda: page.export_job is None, timeout=20000)
    (entry,) = VoiceLibrary().entries()
    assert entry.name == "Test voice" and entry.steps == 10 and (entry.folder / "preview.wav").is_file()
    assert export is not None  # exporting again updates this voice: test_exporting_again_...


def test_pause_stop_then_resume(page, qtbot, dataset, open_page):
    job = _start_then_pause(page, qtbot, dataset)
    paused_at = page.last_progress.step
    qtbot.wait(600)
    page._drain()
    assert page.last_progress.step == paused_at, "no step while paused"
    page.stop_button.click()  # stop works while paused
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=60000):
        pass
    assert page.last_result.cancelled and "checkpoint written" in page.status_label.text()
    stopped_at = page.last_result.step
    assert run_status(page._run_dir).step == stopped_at
    assert page.start_button.text() == "Resume" and f"step {stopped_at}" in page.run_label.text()
    page.steps_spin.setValue(stopped_at + 2)
    job = page.start()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=60000):
        pass
    assert page.last_result.step == stopped_at + 2
    assert "resuming from" in page.messages.toPlainText()
    xs, _ = page.curves.loss_lines["g_total"].getData()
    assert list(xs) == [float(s) for s in range(1, stopped_at + 3)], "resumed curves continue the old ones"
    # A fresh page (the app restarted) reads the run's curves back from its TensorBoard events, in a job
    fresh = open_page(TrainPage, page.ctx)
    assert fresh.history_job is not None
    qtbot.waitUntil(lambda: fresh.history_job is None, timeout=30000)
    xs, _ = fresh.curves.loss_lines["g_total"].getData()
    assert list(xs) == [float(s) for s in range(1, stopped_at + 3)]


def test_cancel_while_paused_ends_with_cancelled_and_no_thread_left(page, qtbot, dataset):
    job = _start_then_pause(page, qtbot, dataset)
    page.cancel()  # what closing the app does: the paused trainer must still stop
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=60000):
        pass
    assert "cancelled" in page.status_label.text()
    # relay() let the trainer write its final checkpoint although the worker closed it
    assert run_status(page._run_dir).step == page.last_progress.step


def test_bad_dataset_shows_the_error(page, qtbot, dataset):
    folder, cache = dataset
    _ready(page, cache, steps=3)
    shutil.rmtree(cache)  # the features are gone
    job = page.start()
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=60000):
        pass
    assert page.error_box.isVisible() and "Training failed" in page.status_label.text()
    assert page.start_button.isEnabled()
    page.error_box.close()


def test_tensorboard_starts_on_localhost_and_opens_the_browser(page, qtbot, dataset, monkeypatch):
    _train_to_end(page, qtbot, dataset, steps=2)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString())))
    assert page.tb_button.isEnabled() and page.open_tensorboard()
    qtbot.waitUntil(lambda: bool(opened), timeout=90000)
    assert opened[0].startswith("http://127.0.0.1:")
    with urllib.request.urlopen(opened[0], timeout=10) as response:
        assert response.status == 200
    process = page.tensorboard.process
    page.shutdown()
    assert page.tensorboard.process is None and process.state() == process.ProcessState.NotRunning


def test_base_model_other_file_through_the_dialog(page, dataset, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    base = tmp_path / "G_0.pth"
    base.write_bytes(b"")
    page.refresh()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(base), "")))
    page.base_combo.setCurrentIndex(page.base_combo.count() - 1)
    page.base_combo.activated.emit(page.base_combo.count() - 1)
    assert page.base_model() == base and page.base_combo.currentText() == "G_0.pth"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    page.base_combo.setCurrentIndex(page.base_combo.count() - 1)
    page.base_combo.activated.emit(page.base_combo.count() - 1)
    assert page.base_model() is None and page.base_combo.currentIndex() == 0


def test_progress_label_shows_speed_eta_and_messages(page):
    from models.training import TrainProgress

    page._handle(
        TrainProgress(
            step=150,
            total_steps=1000,
            epoch=2,
            phase="train",
            losses={"g_total": 30.0, "mel": 2.5},
            steps_per_s=1.25,
            eta_s=680.0,
            batch_size=8,
            device="cuda:0",
            precision="bf16",
            message="resuming from step_00000100.ckpt (step 100)",
        )
    )
    text = page.status_label.text()
    assert "step 150 of 1,000" in text and "epoch 3" in text and "1.25 steps/s" in text
    assert "ETA 11 min 20 s" in text and "batch 8" in text and "cuda:0 bf16" in text
    assert page.progress.value() == 150
    assert "resuming from" in page.messages.toPlainText()
    assert page.curves.series["g_total"] == ([150.0], [30.0])


def test_tensorboard_in_a_frozen_app_serves_in_process(page, qtbot, dataset, monkeypatch):
    import sys

    _train_to_end(page, qtbot, dataset, steps=1)
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # sys.executable is the app: no `-m`
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString())))
    assert page.open_tensorboard()
    qtbot.waitUntil(lambda: bool(opened), timeout=90000)
    assert page.tensorboard.process is None and opened[0].startswith("http://127.0.0.1:")
    with urllib.request.urlopen(opened[0], timeout=10) as response:
        assert response.status == 200
    assert page.open_tensorboard() and opened[-1] == opened[0] and len(opened) == 2  # reopens, no 2nd server


def test_exporting_again_after_more_training_updates_the_voice(
    page, ctx, qtbot, dataset, monkeypatch, tmp_path
):
    """Issue 20.4 in the app: the Export dialog proposes the voice of this run, which is updated in
    place (same id and folder); a same-named voice from elsewhere is replaced only when confirmed."""
    from PySide6.QtWidgets import QMessageBox

    from models.formats.artifact import read_manifest

    _train_to_end(page, qtbot, dataset, steps=2)
    with qtbot.waitSignal(ctx.events.voices_changed, timeout=60000):
        page.export("Test voice")
    qtbot.waitUntil(lambda: page.export_job is None, timeout=20000)
    (first,) = VoiceLibrary().entries()
    _train_to_end(page, qtbot, dataset, steps=3)  # the same run, trained further
    page._ask_export()
    dialog = page.export_dialog
    assert dialog.name_edit.text() == "Test voice"  # proposes the voice of this run
    assert dialog.choice_buttons and dialog.choice_buttons[0].isChecked()  # the best one first
    assert "The best so far — step" in dialog.choice_buttons[0].text()
    with qtbot.waitSignal(ctx.events.voices_changed, timeout=60000):
        dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.export_job is None, timeout=20000)
    (after,) = VoiceLibrary().entries()
    assert (after.id, after.folder) == (first.id, first.folder)
    assert "updated_at" in read_manifest(after.folder).training and "updated" in page.messages.toPlainText()
    # a voice from elsewhere with the name asked for: the page asks before replacing it
    import numpy as np

    from models.config import VoiceConfig
    from models.formats.artifact import VoiceManifest, save_voice
    from models.nets.synthesizer import SynthesizerInfer

    config = VoiceConfig.tiny()
    manifest = VoiceManifest(name="Somebody", config=config, speaker=np.full(256, 1 / 16, np.float32))
    folder = save_voice(tmp_path / "other", manifest, SynthesizerInfer(config).state_dict())
    other = VoiceLibrary().import_voice(folder)
    assert page.export("somebody") is None
    box = page.confirm_box
    assert box is not None and "already in the library" in box.text()
    with qtbot.waitSignal(ctx.events.voices_changed, timeout=60000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.export_job is None, timeout=20000)
    replaced = VoiceLibrary().resolve(other.id)
    assert replaced.folder == other.folder and replaced.name == "somebody"
    assert "updated_at" in read_manifest(replaced.folder).training
    assert len(VoiceLibrary().entries()) == 2


def test_a_run_another_process_trains_shows_already_training(page, qtbot, dataset):
    """Issue 20.5 in the app: a locked run is refused with a clear line, not a traceback."""
    import os

    from models.training.runlock import RunLock
    from voicecraft_desktop.core.runs import run_dir_for

    folder, cache = dataset
    _ready(page, cache, steps=2)
    run_dir = run_dir_for(folder)
    run_dir.mkdir(parents=True)
    with RunLock(run_dir):
        assert page.start() is None and page.job is None
        text = page.error_box.text()
        assert f"already training (pid {os.getpid()})" in text and not page.error_box.detailedText()
        assert "--" not in text
        page.error_box.close()
    assert not (run_dir / "train.lock").exists()
