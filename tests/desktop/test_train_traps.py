"""Issue 12.2-12.4 on the Train page (and the Library's delete): defaults that fit the machine, a run's
settings fixed once it exists, Start over, status text of what is selected, best = lowest, robust plots.

Runs are built from small hand-written checkpoints (only what the page reads: step, preset, target),
so these tests do not train."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from models.config import VoiceConfig
from models.formats.artifact import save_checkpoint
from models.training import TrainProgress
from models.training.checkpoint_info import write_info
from models.training.validation import StopMonitor
from tests.training.conftest import make_dataset
from voicecraft_desktop.core.dataset_jobs import list_datasets
from voicecraft_desktop.core.runs import ARCHIVE_DIR, default_steps, run_dir_for, run_status
from voicecraft_desktop.ui.pages.train import TrainPage
from voicecraft_desktop.ui.widgets.train_plots import LOSS_NAMES, TrainingCurves, robust_range


def make_run(dataset, step, preset="tiny", target=40, base=None):
    """A run folder of ``dataset`` with a step checkpoint (and best.ckpt at half the step)."""
    run = run_dir_for(dataset)
    (run / "checkpoints").mkdir(parents=True, exist_ok=True)
    config = VoiceConfig.from_preset(preset)
    config = config.replace(train=config.train.replace(max_steps=target))
    for name, at in ((f"step_{step:08d}.ckpt", step), ("best.ckpt", step // 2)):
        state = {"config": config, "model_g": {}, "model_d": {}, "step": at}
        save_checkpoint(run / "checkpoints" / name, state)
        write_info(run / "checkpoints" / name, state)  # as the trainer does
    (run / "run.json").write_text(json.dumps({"format": "voicecraft-run", "base": base, "created_at": "x"}))
    return run


class FakeStore:
    def __init__(self, pretrain):
        self.pretrain = pretrain

    def locate(self, name):
        return self.pretrain


@pytest.fixture
def page(ctx, open_page, datasets):
    page = open_page(TrainPage, ctx)
    page.feature_cache = datasets[1]
    return page


def select(page, name):
    assert page.select_dataset(name)


def test_fine_tuning_from_the_pretrain_is_the_default_with_steps_sized_to_it(
    ctx, open_page, datasets, tmp_path
):
    """12.2: the pretrain is chosen, the preset follows it (greyed, with the reason) and the step count
    is the fine-tuning rule's for this dataset, not 20,000. Old page: 20,000 steps."""
    pretrain = tmp_path / "sovits5.0.pretrain.pth"
    pretrain.write_bytes(b"x")
    ctx.asset_store = lambda registry=None: FakeStore(pretrain)
    page = open_page(TrainPage, ctx)
    select(page, "ana")
    assert page.base_model() == pretrain and page.base_combo.is_pretrain()
    assert page.preset_combo.currentText() == "sovits5" and not page.preset_combo.isEnabled()
    assert "full-size model" in page.preset_combo.toolTip()
    expected = default_steps(VoiceConfig.sovits5(), 5, fine_tune=True)
    assert page.steps_spin.value() == expected == 2_000
    assert "fine-tuning" in page.steps_info.text() and "100 passes" in page.steps_info.text()
    assert "Full size" in page.preset_info.text() and "GPU" in page.preset_info.text()
    # from scratch: the preset is free again and the rule gives the from-scratch count
    page.base_combo.setCurrentIndex(0)
    assert page.preset_combo.isEnabled() and page.steps_spin.value() == 20_000
    # a number the user typed is kept while they change the other choices
    page.steps_spin.setValue(1234)
    page.base_combo.setCurrentIndex(1)
    assert page.steps_spin.value() == 1234


def test_on_a_cpu_the_page_says_a_gpu_is_needed_and_offers_the_small_preset(page, ctx):
    ctx.device = "cpu"
    select(page, "ana")
    page.base_combo.setCurrentIndex(0)
    page.preset_combo.setCurrentText("sovits5")
    assert page.cpu_warning_box.isVisible() and "needs one" in page.cpu_warning.text()
    page.small_preset_button.click()
    assert page.preset_combo.currentText() == "tiny" and page.base_model() is None
    assert not page.cpu_warning_box.isVisible()
    assert page.steps_spin.value() == default_steps(VoiceConfig.tiny(), 5, fine_tune=False) == 500
    assert "Small trial" in page.preset_info.text() and "minutes" in page.preset_info.text()


def test_the_estimate_is_measured_in_a_worker_before_the_run(page, qtbot):
    select(page, "ana")
    page.preset_combo.setCurrentText("tiny")
    page.base_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.estimate.job is not None, timeout=10000)  # a job, not the GUI thread
    assert "measuring" in page.estimate_label.text()
    qtbot.waitUntil(lambda: "about" in page.estimate_label.text(), timeout=120000)
    text = page.estimate_label.text()
    assert "for 500 steps on the processor (CPU)" in text and "measured over" in text
    # the same choice again answers at once (no second measurement)
    select(page, "bo")
    select(page, "ana")
    assert "about" in page.estimate_label.text() and page.estimate.job is None


def test_a_runs_settings_are_fixed_and_start_over_archives_or_deletes_it(page, qtbot, datasets):
    """12.3: the old page let "tiny" be chosen for a sovits5 run and silently kept sovits5 on Resume."""
    ana, _ = datasets[0]
    page.preset_combo.setCurrentText("sovits5")
    make_run(ana, 30, preset="tiny", target=40)
    page.refresh()
    select(page, "ana")
    assert page.preset_combo.currentText() == "tiny" and not page.preset_combo.isEnabled()
    assert not page.base_combo.isEnabled() and "Start over" in page.preset_combo.toolTip()
    assert page.start_button.text() == "Resume" and page.start_over_button.isVisible()
    assert page.steps_spin.value() == 40  # the run's own target
    assert "Stopped at step 30 of 40" in page.status_label.text() and "Resume" in page.status_label.text()
    assert "press Start" not in page.status_label.text()
    page.start_over_button.click()
    box = page.confirm_box
    assert box is not None and "step 30" in box.text() and "small trial model" in box.text()
    box.archive_button.click()
    assert not run_dir_for(ana).exists()
    (archived,) = (run_dir_for(ana).parent / ARCHIVE_DIR).iterdir()
    assert (archived / "checkpoints" / "step_00000030.ckpt").is_file()
    assert page.start_button.text() == "Start" and page.preset_combo.isEnabled()
    assert page.preset_combo.currentText() == "sovits5"  # the user's own choice for new runs is back
    assert "archived" in page.status_label.text()
    # delete instead of archive
    make_run(ana, 20)
    page.refresh()
    page.start_over_button.click()
    page.confirm_box.delete_button.click()
    assert not run_dir_for(ana).exists() and len(list((run_dir_for(ana).parent / ARCHIVE_DIR).iterdir())) == 1


def test_status_text_belongs_to_the_selected_voice(page, ctx, open_page, datasets):
    """12.3: switching voice replaced nothing (the old voice's progress stayed); after a restart the
    page said "press Start" beside Resume."""
    ana, bo = datasets[0]
    make_run(ana, 30)
    page.refresh()
    select(page, "ana")
    page._handle(TrainProgress(step=31, total_steps=40, epoch=0, phase="train", losses={"g_total": 3.0}))
    assert "step 31 of 40" in page.status_label.text()
    select(page, "bo")
    assert "step 31" not in page.status_label.text()
    assert "Ready: press Start to train “bo”" in page.status_label.text()
    assert page.start_button.text() == "Start"
    select(page, "ana")
    assert page.status_label.text().startswith("Stopped at step 30 of 40")
    restarted = open_page(TrainPage, ctx)
    select(restarted, "ana")
    assert restarted.start_button.text() == "Resume" and "press Start" not in restarted.status_label.text()


def test_deleting_a_dataset_asks_about_its_run_so_a_new_one_starts_fresh(ctx, open_page, datasets, tmp_path):
    """12.3: the old Library left the run, and a new dataset of the same name resumed it ("step 3")."""
    from voicecraft_desktop.ui.pages.library import LibraryPage

    ana, bo = datasets[0]
    make_run(ana, 3)
    make_run(bo, 5)
    library = open_page(LibraryPage, ctx)
    infos = {i.name: i for i in list_datasets()}
    library.selected = lambda: infos["ana"]
    library._ask_delete()
    box = library.run_box
    assert "training run (step 3" in box.text() and box.isVisible()
    box.delete_button.click()
    assert not ana.exists() and not run_dir_for(ana).exists()
    library.selected = lambda: infos["bo"]
    library._ask_delete()
    library.run_box.archive_button.click()
    assert not bo.exists() and not run_dir_for(bo).exists()
    assert len(list((run_dir_for(bo).parent / ARCHIVE_DIR).iterdir())) == 1
    # a new dataset of that name: a new run
    folder, _ = make_dataset(tmp_path / "again", VoiceConfig.tiny(), [1.2, 1.5, 2.0])
    shutil.move(folder, ana)
    assert run_status(run_dir_for(ana)) == run_status(tmp_path / "nothing")


def test_hint_wording_matches_its_rule_and_the_star_is_the_lowest_point(page):
    """12.4: "Keep training" beside "no improvement … for 3 evaluations"; the star on step 10 while
    steps 20-60 were lower."""
    monitor = StopMonitor(patience=5)
    for step, value in [(10, 1.0), (20, 0.9990), (30, 0.9985), (40, 0.9989)]:
        report = monitor.update(step, value)
        page._handle(TrainProgress(step=step, total_steps=60, epoch=0, phase="train", validation=report))
    text = page.hint_label.text()
    assert "Keep training" not in text and "Keep watching" in text and "3 of 5 evaluations" in text
    page._redraw()
    xs, ys = page.curves.best_marker.getData()
    assert (list(xs), list(ys)) == ([30.0], [0.9985])
    assert "at step 30 — the ★" in text


def test_one_loss_spike_does_not_flatten_the_loss_plot(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    rng = np.random.default_rng(0)
    for step in range(1, 201):
        value = 390.0 if step == 120 else 30 + rng.normal(0, 1) - step * 0.02
        curves.add(TrainProgress(step=step, total_steps=200, epoch=0, phase="train",
                                 losses={"g_total": value, "mel": 2.0, "kl_f": 1.0, "d_total": 4.0}))
    curves.redraw(200)
    (_, _), (y0, y1) = curves.loss_plot.getViewBox().viewRange()
    assert y1 < 45, "the spike at 390 set the range"  # the old plot: y up to ~430
    assert y0 < 1.0  # the small curves stay in view
    assert curves.spikes == 1 and "1 spike above the top" in curves.loss_plot.plotItem.titleLabel.text
    assert robust_range([1, 2, 3, 2, 1, 500]) == (1.0, 3.0)
    assert robust_range([5.0]) == (5.0, 5.0)


def test_curves_have_names_a_singer_understands_with_the_technical_name_in_a_tooltip(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    for key, label in curves.legend_labels.items():
        assert LOSS_NAMES[key][0] in label.text() and label.toolTip().startswith(f"{key}:")
    assert "How close to the real voice" in curves.val_plot.plotItem.titleLabel.text
    assert "val/mel_l1" in curves.val_plot.toolTip()


def test_export_offers_best_and_latest_with_their_steps(page, datasets):
    """12.4: the old Export took best.ckpt silently (step 10 of 60)."""
    make_run(datasets[0][0], 60)
    page.refresh()
    select(page, "ana")
    page._ask_export()
    dialog = page.export_dialog
    texts = [b.text() for b in dialog.choice_buttons]
    assert texts[0].startswith("The best so far — step 30") and texts[1].startswith("The latest — step 60")
    assert dialog.choice_buttons[0].isChecked()
    dialog.choice_buttons[1].setChecked(True)
    assert dialog.checkpoint().name == "step_00000060.ckpt"
    dialog.reject()


def test_library_shows_the_best_and_the_trained_steps():
    from pathlib import Path

    from voicecraft_desktop.core.library import VoiceEntry
    from voicecraft_desktop.ui.pages.library import LibraryPage

    entry = VoiceEntry(folder=Path("v"), id="v", name="V", steps=10, trained_steps=60)
    assert "10 (best) of 60" in LibraryPage._cells(entry)
    same = VoiceEntry(folder=Path("v"), id="v", name="V", steps=60, trained_steps=60)
    assert "60" in LibraryPage._cells(same)
