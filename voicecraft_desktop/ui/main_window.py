"""The main window: a sidebar of pages, a status bar (device, running jobs), window state, shutdown.

Pages are listed in :data:`PAGES` as ``(title, module under voicecraft_desktop.ui.pages, class)``;
adding a page is one line there. Each page class takes ``(ctx: AppContext, parent=None)``. A page
may define ``shutdown()`` (stop audio streams, players, timers); the window calls it on close, after
the job runner has cancelled and joined every job.

Start-up stays fast although the engine pulls in torch (seconds to import): only the first page
(Record, which needs no torch) is built before the window shows. A job then imports
:data:`ENGINE_MODULES` off the GUI thread, and the other pages are built when it is done, or at
once when the user opens one earlier.
"""

from __future__ import annotations

import importlib
import logging
import sys
import traceback

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from voicecraft_desktop.core.logfile import ensure_log_file, log_file_path
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.worker import JobRefused

log = logging.getLogger(__name__)

# (sidebar title, module in voicecraft_desktop.ui.pages, class name), in sidebar order.
PAGES: list[tuple[str, str, str]] = [
    ("Record", "record", "RecordPage"),
    ("Library", "library", "LibraryPage"),
    ("Train", "train", "TrainPage"),
    ("Convert", "convert", "ConvertPage"),
    ("Settings", "settings", "SettingsPage"),
]

# Heavy Qt-free modules the pages use, imported by a background job right after the window shows.
# A first import inside a running job would hold the GIL for a long stretch (bytecode loading) and
# stall the GUI mid-task: the trainer's TensorBoard writer alone cost ~300 ms there.
ENGINE_MODULES = (
    "torch",
    "models.formats.artifact",
    "models.features.pitch",
    "pyworld",
    "voicecraft_desktop.core.library",
    "torch.utils.tensorboard",
    "models.training",
    "models.convert.converter",
)
SHUTDOWN_TIMEOUT_S = 15.0
_SIDEBAR_STYLE = """
QListWidget#sidebar { background: palette(window); border: none; border-right: 1px solid palette(mid);
                      font-size: 14px; outline: 0; }
QListWidget#sidebar::item { padding: 10px 16px; border-radius: 6px; margin: 2px 6px; }
QListWidget#sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }
"""


class MainWindow(QMainWindow):
    """Top-level window of VoiceCraft Desktop.

    Args:
        ctx: the shared context; a new one over the app's QSettings when omitted.
        pages: override of :data:`PAGES` (tests).
    """

    def __init__(
        self,
        ctx: AppContext | None = None,
        parent: QWidget | None = None,
        pages: list[tuple[str, str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx if ctx is not None else AppContext()
        self.setWindowTitle("VoiceCraft Desktop")
        self.confirm_close = True  # ask before cancelling running jobs (tests switch it off)
        self._closed = False

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setStyleSheet(_SIDEBAR_STYLE)
        self.sidebar.setFixedWidth(150)
        self.sidebar.setIconSize(QSize(20, 20))
        self.stack = QStackedWidget()
        self._specs = list(PAGES if pages is None else pages)
        self._built: dict[str, QWidget] = {}
        for title, _module, _cls in self._specs:
            placeholder = QLabel(f"Loading {title}…")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.stack.addWidget(placeholder)
            QListWidgetItem(title, self.sidebar)
        self.sidebar.currentRowChanged.connect(self._on_row_changed)
        self._engine_job = None

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.device_label = QLabel()
        self.device_label.setObjectName("deviceLabel")
        self.jobs_label = QLabel()
        self.jobs_label.setObjectName("jobsLabel")
        self.statusBar().addPermanentWidget(self.jobs_label)
        self.statusBar().addPermanentWidget(self.device_label)
        self._show_device()
        self._show_jobs()
        self.ctx.events.device_changed.connect(self._show_device)
        self.ctx.events.status.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.ctx.runner.job_started.connect(self._on_job_started)
        self.ctx.runner.job_finished.connect(lambda _name: self._show_jobs())
        self.ctx.events.send_to_convert.connect(lambda _path: self.show_page("Convert"))

        self._restore_state()

    # -- pages -------------------------------------------------------------------------------------

    @property
    def titles(self) -> list[str]:
        return [title for title, _m, _c in self._specs]

    @property
    def pages(self) -> dict[str, QWidget]:
        """Every page by title, building those not built yet."""
        return {title: self.page(title) for title in self.titles}

    def page(self, title: str) -> QWidget:
        """The page called ``title`` (built now if it was not yet)."""
        if title not in self._built:
            index = self.titles.index(title)
            _title, module_name, class_name = self._specs[index]
            module = importlib.import_module(f"voicecraft_desktop.ui.pages.{module_name}")
            page = getattr(module, class_name)(self.ctx)
            placeholder = self.stack.widget(index)
            current = self.stack.currentIndex()
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
            self._built[title] = page
        return self._built[title]

    def built_pages(self) -> dict[str, QWidget]:
        return dict(self._built)

    def show_page(self, title: str) -> bool:
        """Switch to the page called ``title``; False when there is no such page."""
        if title not in self.titles:
            return False
        self.sidebar.setCurrentRow(self.titles.index(title))
        return True

    def current_page_title(self) -> str:
        index = self.stack.currentIndex()
        return self.titles[index] if 0 <= index < len(self._specs) else ""

    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._specs):
            self.page(self._specs[row][0])
            self.stack.setCurrentIndex(row)

    def load_engine(self):
        """Import the engine modules in a job, then build the remaining pages (after the window shows)."""
        if self._engine_job is not None or all(t in self._built for t in self.titles):
            return self._engine_job

        def task(cancel):
            for name in ENGINE_MODULES:
                if cancel.is_set():
                    return None
                importlib.import_module(name)
                yield name

        try:
            self._engine_job = self.ctx.runner.start("Loading the engine", task)
        except JobRefused:  # the runner is shutting down: build the pages here instead
            QTimer.singleShot(0, self._build_remaining)
            return None
        self._engine_job.result.connect(self._on_engine_loaded)
        self._engine_job.failed.connect(lambda msg, _tb: log.error("engine import failed: %s", msg))
        return self._engine_job

    def _on_engine_loaded(self, _result: object = None) -> None:
        self.ctx.apply_threads()
        self._show_device()  # torch is loaded now: an unavailable GPU shows as such
        self._build_remaining()

    def _build_remaining(self) -> None:
        # One page per event-loop turn (each takes up to ~0.1 s), so the window keeps responding.
        if self._closed:
            return
        missing = [title for title in self.titles if title not in self._built]
        if missing:
            self.page(missing[0])
            QTimer.singleShot(0, self._build_remaining)
            return
        if self._pending_row and self.sidebar.currentRow() == 0:
            self.sidebar.setCurrentRow(self._pending_row)
        self._pending_row = 0

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._engine_job is None:
            QTimer.singleShot(0, self.load_engine)

    # -- status bar --------------------------------------------------------------------------------

    def _show_device(self, _chosen: str = "") -> None:
        device, chosen = self.ctx.device, self.ctx.chosen_device
        text = f"Device: {'CPU' if device == 'cpu' else device.upper()}"
        if chosen != device:
            text += f" ({chosen.upper()} not available)"
        self.device_label.setText(text)

    def _on_job_started(self, name: str) -> None:
        self._show_jobs()
        self.statusBar().showMessage(f"Started: {name}", 4000)

    def _show_jobs(self) -> None:
        names = [job.name for job in self.ctx.runner.jobs()]
        self.jobs_label.setText("Running: " + ", ".join(names) if names else "Idle")

    # -- errors ------------------------------------------------------------------------------------

    def show_uncaught(self, exc_type, exc_value, exc_traceback) -> QMessageBox:
        """Report an exception that escaped a slot: log file plus a non-blocking dialog."""
        details = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
        ensure_log_file()
        log.critical("Uncaught exception\n%s", details)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Unexpected error",
            f"{exc_type.__name__}: {exc_value}\n\nThe details are in the log file:\n{log_file_path()}",
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("uncaughtErrorDialog")
        box.setDetailedText(details)
        box.open()
        return box

    # -- window state and shutdown -----------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.ctx.settings.get("window/geometry")
        if not (geometry and self.restoreGeometry(QByteArray(geometry))):
            self.resize(1100, 720)
        index = self.ctx.settings.get("window/page")
        # The first page opens at once; the saved one once the engine has loaded (see load_engine).
        self._pending_row = index if 0 < index < len(self._specs) else 0
        self.sidebar.setCurrentRow(0)

    def save_state(self) -> None:
        self.ctx.settings.set("window/geometry", bytes(self.saveGeometry().data()))
        self.ctx.settings.set("window/page", max(0, self.stack.currentIndex()))
        self.ctx.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._closed:
            event.accept()
            return
        running = self.ctx.runner.jobs()
        if running and self.confirm_close:
            names = "\n".join(f"  • {job.name}" for job in running)
            answer = QMessageBox.question(
                self,
                "Quit VoiceCraft?",
                f"These jobs are still running:\n{names}\n\nStop them and quit? Training keeps its last "
                "checkpoint and can be resumed.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_state()
        if running:
            self.statusBar().showMessage("Stopping running jobs…")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if not self.ctx.runner.shutdown(SHUTDOWN_TIMEOUT_S):
                log.error("some jobs did not stop within %.0f s", SHUTDOWN_TIMEOUT_S)
        finally:
            if running:
                QApplication.restoreOverrideCursor()
        for page in self._built.values():
            stop = getattr(page, "shutdown", None)
            if callable(stop):
                try:
                    stop()
                except Exception:  # noqa: BLE001 - one page failing to stop must not keep the app open
                    log.exception("page %s failed to shut down", type(page).__name__)
        self._closed = True
        event.accept()


def install_error_dialog(window: MainWindow) -> None:
    """Route uncaught exceptions to ``window``'s dialog (the previous hook still logs)."""
    previous = sys.excepthook

    def hook(exc_type, exc_value, exc_traceback) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc_value, exc_traceback)
            return
        try:
            window.show_uncaught(exc_type, exc_value, exc_traceback)
        except Exception:  # noqa: BLE001 - the window may be gone; fall back to the previous hook
            previous(exc_type, exc_value, exc_traceback)

    sys.excepthook = hook
