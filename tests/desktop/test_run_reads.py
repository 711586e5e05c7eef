"""Nothing freezes the window: the Train and Library pages never read a training checkpoint on the GUI
thread (loading the one just written took 0.2 s on an idle machine, 1.5 s under load).

A run's step, preset and target come from the small info file the trainer writes beside each
checkpoint (:mod:`models.training.checkpoint_info`); an older run without them is read in a job and
the page is derived again when the answer arrives. ``gui_loads`` records every ``torch.load`` made
on the GUI thread: the old pages failed each test below on it."""

from __future__ import annotations

import threading

import pytest
import torch

from tests.desktop.test_train_page import _train_to_end
from tests.desktop.test_train_traps import make_run, select
from voicecraft_desktop.core import runs
from voicecraft_desktop.core.dataset_jobs import list_datasets
from voicecraft_desktop.core.runs import run_dir_for
from voicecraft_desktop.ui.pages.train import TrainPage


@pytest.fixture
def gui_loads(monkeypatch):
    """The files ``torch.load`` opened on the GUI thread (the info cache starts empty)."""
    loads: list = []
    real = torch.load

    def recording(f, *args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            loads.append(str(f))
        return real(f, *args, **kwargs)

    monkeypatch.setattr(torch, "load", recording)
    monkeypatch.setattr(runs, "_INFO_CACHE", {})
    return loads


def old_run(dataset, step, **kwargs):
    """A run as a trainer from before the info files wrote it: checkpoints only."""
    run = make_run(dataset, step, **kwargs)
    for sidecar in (run / "checkpoints").glob("*.json"):
        sidecar.unlink()
    return run


@pytest.fixture
def page(ctx, open_page, datasets):
    page = open_page(TrainPage, ctx)
    page.feature_cache = datasets[1]
    return page


def test_selecting_a_run_reads_no_checkpoint_on_the_gui_thread(page, datasets, gui_loads):
    make_run(datasets[0][0], 30, preset="tiny", target=40)
    page.refresh()
    select(page, "ana")
    assert page.status_label.text().startswith("Stopped at step 30 of 40")
    assert "small trial model" in page.run_label.text() and page.steps_spin.value() == 40
    assert page.start_button.isEnabled() and page.export_button.isEnabled()
    page._ask_export()  # the dialog's steps come from the same info
    texts = [b.text() for b in page.export_dialog.choice_buttons]
    assert texts[0].startswith("The best so far — step 15") and texts[1].startswith("The latest — step 30")
    page.export_dialog.reject()
    page.start_over_button.click()
    assert "small trial model" in page.confirm_box.text()
    page.confirm_box.reject()
    assert gui_loads == []


def test_an_older_run_is_read_in_a_job_and_its_answer_belongs_to_what_is_on_screen(
    page,
    qtbot,
    datasets,
    gui_loads,
):
    ana, bo = datasets[0]
    old_run(ana, 30, preset="tiny", target=40)
    make_run(bo, 5, preset="tiny", target=50)
    page.refresh()
    select(page, "ana")
    # what the files' names tell is shown at once; the rest is being read, so nothing can start yet
    assert page.run_read_job is not None
    assert "Reading" in page.status_label.text() and "step 30" in page.run_label.text()
    assert not any(w.isEnabled() for w in (page.start_button, page.export_button, page.steps_spin))
    select(page, "bo")  # before the answer for "ana" arrives
    assert page.status_label.text().startswith("Stopped at step 5 of 50")
    qtbot.waitUntil(lambda: page.run_read_job is None, timeout=30000)
    assert page.status_label.text().startswith("Stopped at step 5 of 50"), "the answer for ana was ignored"
    assert page.steps_spin.value() == 50
    select(page, "ana")  # read once: known now
    assert page.run_read_job is None
    assert page.status_label.text().startswith("Stopped at step 30 of 40")
    assert "small trial model" in page.run_label.text() and page.start_button.isEnabled()
    assert gui_loads == []


def test_an_older_run_read_while_shown_updates_the_page(page, qtbot, datasets, gui_loads):
    old_run(datasets[0][0], 30, preset="tiny", target=40)
    page.refresh()
    select(page, "ana")
    qtbot.waitUntil(lambda: page.status_label.text().startswith("Stopped at step 30 of 40"), timeout=30000)
    assert page.start_button.isEnabled() and page.start_button.text() == "Resume"
    assert page.steps_spin.value() == 40 and page.steps_spin.isEnabled() and page.progress.value() == 750
    assert gui_loads == []


def test_the_library_reads_no_checkpoint_on_the_gui_thread(ctx, open_page, datasets, gui_loads):
    from voicecraft_desktop.ui.pages.library import LibraryPage

    ana, bo = datasets[0]
    old_run(ana, 3, preset="tiny")
    make_run(bo, 5, preset="tiny")
    library = open_page(LibraryPage, ctx)
    infos = {i.name: i for i in list_datasets()}
    assert "training run at step 5" in " ".join(LibraryPage._cells(infos["bo"]))
    for name in ("ana", "bo"):
        library.selected = lambda name=name: infos[name]
        library._ask_delete()
        assert f"training run (step {3 if name == 'ana' else 5}" in library.run_box.text()
        library.run_box.reject()
    assert "small trial model" in library.run_box.text()  # bo's info file says so
    assert gui_loads == []


@pytest.mark.slow
def test_the_normal_end_of_training_reads_no_checkpoint_on_the_gui_thread(
    ctx,
    open_page,
    qtbot,
    dataset,
    gui_loads,
):
    page = open_page(TrainPage, ctx)
    gui_loads.clear()
    _train_to_end(page, qtbot, dataset, steps=2)
    assert gui_loads == []
    assert "Finished at step 2" in page.status_label.text()
    assert "step 2" in page.run_label.text() and "small trial model" in page.run_label.text()
    assert page.export_button.isEnabled() and run_dir_for(dataset[0]) == page._run_dir
