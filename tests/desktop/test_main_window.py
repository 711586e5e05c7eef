"""Main window: pages in order and built lazily, status bar (device, running job), window state in
QSettings, close cancels and joins jobs, page shutdown hooks, uncaught errors to a dialog + log file."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from voicecraft_desktop.core.logfile import log_file_path
from voicecraft_desktop.ui.main_window import PAGES, MainWindow

EXPECTED_ORDER = ["Record", "Library", "Train", "Convert", "Live", "Settings"]


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
    """Quitting during a job that takes a while to stop (a training step finishing): close()
    returns at once, a progress dialog says what is stopping, the GUI keeps running its timers,
    and the window closes (pages shut down) once the job has stopped."""
    _Probe.instances.clear()
    win = MainWindow(ctx, pages=[("Probe", "record", "RecordPage")])
    qtbot.addWidget(win)
    win.confirm_close = False
    win.show()
    running, stopped = threading.Event(), threading.Event()

    def forever(cancel):
        try:
            running.set()
            while True:
                time.sleep(0.01)
                yield None
        finally:
            time.sleep(2.0)  # the step in progress finishes, the checkpoint is written
            stopped.set()

    job = ctx.runner.start("Endless training", forever, gpu=True)
    cancelled = []
    job.cancelled.connect(lambda: cancelled.append(True))
    record_page = win.page("Probe")
    record_page.shutdown = lambda: setattr(record_page, "was_shut_down", True)
    assert running.wait(30), "the job never started"  # closing earlier cancels it before it runs
    ticks: list[float] = []
    beat = QTimer()
    beat.setInterval(10)
    beat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    beat.start()
    t0 = time.perf_counter()
    win.close()
    assert time.perf_counter() - t0 < 1.0  # the old close() waited here for the job (2 s)
    assert win.isVisible() and win.quit_dialog is not None and win.quit_dialog.isVisible()
    assert "Endless training" in win.quit_dialog.labelText()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=10000)
    beat.stop()
    assert stopped.is_set() and cancelled == [True]
    assert not ctx.runner.is_busy()
    assert getattr(record_page, "was_shut_down", False)
    during = [t for t in ticks if t > t0]
    assert len(during) >= 20  # the event loop kept running while the job stopped (none with the old close)


def test_quit_now_ends_what_has_not_stopped(ctx, qtbot, monkeypatch) -> None:
    """"Quit now" on the progress dialog asks the training children to end (the grace period's end
    does the same), then the window closes when the job's thread is done."""
    from voicecraft_desktop.core import train_process

    win = MainWindow(ctx, pages=[("Probe", "record", "RecordPage")])
    qtbot.addWidget(win)
    win.confirm_close = False
    win.show()
    release = threading.Event()
    monkeypatch.setattr(train_process, "end_training_processes", lambda: release.set() or 1)

    blocking = threading.Event()

    def stubborn(cancel):
        yield None
        blocking.set()
        release.wait(30)  # ignores its cancel event until the child is ended

    ctx.runner.start("Training “Ana”", stubborn, gpu=True)
    # Close only once the job is inside its stubborn step: a cancel seen between steps ends it at once.
    assert blocking.wait(10)
    win.close()
    assert "checkpoint" in win.quit_dialog.labelText()
    qtbot.wait(200)
    assert win.isVisible()
    (quit_now,) = [b for b in win.quit_dialog.findChildren(QPushButton) if b.text() == "Quit now"]
    quit_now.click()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=10000)
    assert release.is_set()


def test_a_page_opened_while_the_engine_loads_shows_a_loading_state(ctx, qtbot, monkeypatch) -> None:
    import voicecraft_desktop.ui.main_window as mw

    gate = threading.Event()
    monkeypatch.setattr(mw, "ENGINE_MODULES", ("json",))
    real_import = mw.importlib.import_module

    def slow_import(name, *args):
        if name == "json":
            gate.wait(20)  # the engine's imports, still going
        return real_import(name, *args)

    monkeypatch.setattr(mw.importlib, "import_module", slow_import)
    win = MainWindow(ctx)
    win.confirm_close = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.engine_loading, timeout=5000)
    assert win.first_paint_s is not None  # the engine starts after the first painted frame
    t0 = time.perf_counter()
    win.show_page("Train")
    assert time.perf_counter() - t0 < 0.2
    assert "Train" not in win.built_pages()
    assert win.stack.currentWidget().objectName() == "pagePlaceholder"
    assert "Loading Train" in win.stack.currentWidget().findChild(QLabel, "placeholderLabel").text()
    gate.set()
    qtbot.waitUntil(lambda: "Train" in win.built_pages(), timeout=60000)
    assert win.stack.currentWidget() is win.page("Train") and win.current_page_title() == "Train"
    qtbot.waitUntil(lambda: len(win.built_pages()) == len(win.titles), timeout=60000)
    win.close()


def test_menu_bar_about_help_and_shortcuts(window, qtbot, monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices, QKeySequence

    from voicecraft_desktop import __version__

    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Play", "Help"]
    assert not window.windowIcon().isNull()
    box = window.show_about()
    assert f"VoiceCraft Desktop {__version__}" in box.text() and "torch" in box.text()
    assert "MIT" in box.text() and "whisper-large-v2" in box.text()
    box.close()
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.open_help()
    assert opened[0].fileName() == "README.md" and opened[0].fragment()
    assert window.play_action.shortcut() == QKeySequence(Qt.Key.Key_Space)
    assert window.open_action.shortcut() == QKeySequence("Ctrl+O")
    assert window.export_action.shortcut() == QKeySequence("Ctrl+E")
    window.show_page("Convert")
    calls = []
    convert = window.page("Convert")
    monkeypatch.setattr(convert, "toggle_playback", lambda: calls.append("space"))
    monkeypatch.setattr(convert, "shortcut_export", lambda: calls.append("export"))
    window._update_actions()
    window.play_action.trigger()
    window.export_action.trigger()
    assert calls == ["space", "export"]
    window.show_page("Settings")
    assert not window.export_action.isEnabled()


def test_a_long_job_name_does_not_widen_the_window(window, ctx) -> None:
    width = window.minimumSizeHint().width()
    bar_width = window.statusBar().minimumSizeHint().width()
    release = threading.Event()

    def task(cancel):
        while not (release.is_set() or cancel.is_set()):
            time.sleep(0.01)
            yield None

    ctx.runner.start("Convert folder " + "very long folder name " * 20, task)
    window._show_jobs()
    assert window.minimumSizeHint().width() <= width + 5
    assert window.statusBar().minimumSizeHint().width() <= bar_width + 400  # unelided: ~2,900 px
    assert "very long folder name" in window.jobs_label.toolTip()
    release.set()


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
