"""Main window: pages in order and built lazily, status bar (device, running job), window state in
QSettings, close cancels and joins jobs, page shutdown hooks, uncaught errors to a dialog + log file."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from voicecraft_desktop.core.logfile import log_file_path
from voicecraft_desktop.ui.main_window import PAGES, MainWindow

EXPECTED_ORDER = ["Record", "Library", "Train", "Convert", "Settings"]


class _Probe(QWidget):
    instances: list[_Probe] = []

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.stopped = False
        _Probe.instances.append(self)

    def shutdown(self) -> None:
        self.stopped = True


@pytest.fixture
def window(ctx, qtbot):
    win = MainWindow(ctx)
    win.confirm_close = False
    qtbot.addWidget(win)
    yield win
    win.close()


def test_pages_follow_the_agreed_order() -> None:
    titles = [t for t, _m, _c in PAGES]
    assert titles == [t for t in EXPECTED_ORDER if t in titles]
    assert titles[0] == "Record" and titles[-1] == "Settings"


def test_first_page_at_once_others_after_the_engine_loads(window, qtbot) -> None:
    assert list(window.built_pages()) == ["Record"]
    window.show()
    qtbot.waitUntil(lambda: len(window.built_pages()) == len(window.titles), timeout=60000)
    for title, page in window.pages.items():
        assert window.stack.indexOf(page) == window.titles.index(title)
    assert window.show_page("Settings") and window.current_page_title() == "Settings"
    assert window.stack.currentWidget() is window.page("Settings")
    assert not window.show_page("No such page")


def test_opening_a_page_early_builds_it_on_demand(window) -> None:
    window.sidebar.setCurrentRow(window.titles.index("Settings"))
    assert "Settings" in window.built_pages()
    assert window.stack.currentWidget() is window.page("Settings")
    assert not isinstance(window.stack.currentWidget(), QLabel)


def test_status_bar_shows_device_and_running_job(window, ctx, qtbot) -> None:
    import torch

    assert window.device_label.text() == "Device: CPU"
    ctx.device = "cuda:0"
    if torch.cuda.is_available():
        assert window.device_label.text() == "Device: CUDA:0"
    else:  # the choice is kept, the jobs run on the CPU, and the status bar says so
        assert ctx.device == "cpu" and ctx.chosen_device == "cuda:0"
        assert window.device_label.text() == "Device: CPU (CUDA:0 not available)"
    release = threading.Event()

    def task(cancel):
        while not (release.is_set() or cancel.is_set()):
            time.sleep(0.01)
            yield None

    job = ctx.runner.start("Training Alice", task, gpu=True)
    assert window.jobs_label.text() == "Running: Training Alice"
    release.set()
    with qtbot.waitSignal(ctx.runner.job_finished, timeout=5000):
        pass
    assert not job.is_running()
    assert window.jobs_label.text() == "Idle"
    ctx.events.status.emit("Saved take-1.wav")
    assert window.statusBar().currentMessage() == "Saved take-1.wav"


def test_window_state_round_trips_through_settings(ctx, qtbot) -> None:
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.confirm_close = False
    first.resize(720, 520)  # within the offscreen screen (800 x 600)
    first.show()
    first.show_page("Settings")
    size = (first.width(), first.height())  # the pages' minimum sizes may have widened it
    first.close()
    assert ctx.settings.get("window/page") == first.titles.index("Settings")
    assert ctx.settings.get("window/geometry")
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == size != (1100, 720)
    second.show()
    qtbot.waitUntil(lambda: second.current_page_title() == "Settings", timeout=60000)
    second.confirm_close = False
    second.close()


def test_close_cancels_and_joins_running_jobs_and_stops_pages(ctx, qtbot) -> None:
    _Probe.instances.clear()
    win = MainWindow(ctx, pages=[("Probe", "record", "RecordPage")])
    qtbot.addWidget(win)
    win.confirm_close = False
    running, stopped = threading.Event(), threading.Event()

    def forever(cancel):
        try:
            running.set()
            while True:
                time.sleep(0.01)
                yield None
        finally:
            stopped.set()

    job = ctx.runner.start("Endless training", forever, gpu=True)
    cancelled = []
    job.cancelled.connect(lambda: cancelled.append(True))
    record_page = win.page("Probe")
    record_page.shutdown = lambda: setattr(record_page, "was_shut_down", True)
    assert running.wait(30), "the job never started"  # closing earlier cancels it before it runs
    win.close()
    assert stopped.is_set() and cancelled == [True]
    assert not ctx.runner.is_busy()
    assert getattr(record_page, "was_shut_down", False)


def test_close_asks_first_when_jobs_run_and_can_be_refused(ctx, qtbot, monkeypatch) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    release = threading.Event()

    def task(cancel):
        while not (release.is_set() or cancel.is_set()):
            time.sleep(0.01)
            yield None

    ctx.runner.start("Conversion", task, gpu=True)
    asked: list[str] = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    win.close()
    assert win.isVisible() and "Conversion" in asked[0]
    assert ctx.runner.is_busy()
    release.set()
    qtbot.waitUntil(lambda: not ctx.runner.is_busy(), timeout=5000)
    win.confirm_close = False
    win.close()


def test_uncaught_exception_goes_to_a_dialog_and_the_log_file(window) -> None:
    try:
        raise RuntimeError("a slot blew up")
    except RuntimeError as error:
        box = window.show_uncaught(type(error), error, error.__traceback__)
    assert "a slot blew up" in box.text() and str(log_file_path()) in box.text()
    assert "Traceback" in box.detailedText()
    box.close()
    assert "a slot blew up" in log_file_path().read_text(encoding="utf-8")
