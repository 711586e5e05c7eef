"""Quitting during a training step: the Train page's end-of-job handlers do not read the run's
checkpoints on the GUI thread (loading a big run's checkpoint took over a second: bench_ui's quit leg)."""

from __future__ import annotations

import threading

import pytest

from tests.desktop.test_train_page import _ready
from voicecraft_desktop.core import runs
from voicecraft_desktop.ui.pages import train as train_module
from voicecraft_desktop.ui.pages.train import TrainPage


@pytest.fixture
def gui_reads(monkeypatch):
    """The run folders whose status was read on the GUI thread."""
    reads: list = []

    def counted(run_dir, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            reads.append(run_dir)
        return runs.run_status(run_dir, **kwargs)

    monkeypatch.setattr(train_module, "run_status", counted)
    return reads


def _stop_mid_run(page, qtbot, ctx, dataset, reads, quitting: bool):
    _, cache = dataset
    _ready(page, cache, steps=500)
    job = page.start()
    qtbot.waitUntil(lambda: page.last_progress is not None and page.last_progress.step >= 1, timeout=60000)
    reads.clear()
    if quitting:
        ctx.runner.begin_shutdown()  # what closing the window does
    else:
        page.cancel()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=60000):
        pass


@pytest.mark.slow
def test_quitting_mid_step_reads_no_run_status_on_the_gui_thread(ctx, open_page, qtbot, dataset, gui_reads):
    page = open_page(TrainPage, ctx)
    _stop_mid_run(page, qtbot, ctx, dataset, gui_reads, quitting=True)
    qtbot.wait(50)
    assert gui_reads == []
    assert page.job is None and "cancelled" in page.status_label.text()


@pytest.mark.slow
def test_control_cancel_without_quitting_derives_the_page_again(ctx, open_page, qtbot, dataset, gui_reads):
    # The check above can fail: a plain cancel (the app stays open) re-reads the run for the page.
    page = open_page(TrainPage, ctx)
    _stop_mid_run(page, qtbot, ctx, dataset, gui_reads, quitting=False)
    assert page._run_dir in gui_reads
