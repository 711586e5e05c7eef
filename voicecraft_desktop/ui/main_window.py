"""The main window: a sidebar of pages, a status bar (device, running jobs), window state, shutdown.

Pages are listed in :data:`PAGES` as ``(title, module under voicecraft_desktop.ui.pages, class)``;
adding a page is one line there. Each page class takes ``(ctx: AppContext, parent=None)``. A page
may define ``shutdown()`` (stop audio streams, players, timers); the window calls it on close, after
the job runner has cancelled and joined every job.

Start-up stays fast although the engine pulls in torch (seconds to import): only the first page
(Record, which needs no torch) is built before the window shows. Once the window has painted its
first frame, a job imports :data:`ENGINE_MODULES` off the GUI thread, and the other pages are
built when it is done; a page opened while the engine loads shows a loading state until then
(building it at once would wait on the engine's imports in the GUI thread).

Quitting never blocks the GUI thread: running jobs are asked to stop and a progress dialog says
so while the window keeps painting; after :data:`QUIT_GRACE_S` (or "Quit now") a training child
that has not finished its step is ended (its last checkpoint stays), then the window closes.

The menu bar: File (Open… Ctrl+O, Export… Ctrl+E, Quit), Play (Space: play/stop or record/stop on
the current page), Help (the README, About with versions and the model files' licences). A page
opts in to a shortcut by defining ``shortcut_open``, ``shortcut_export`` or ``toggle_playback``.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QSize,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core.logfile import ensure_log_file, log_file_path
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.worker import JobRefused

log = logging.getLogger(__name__)

# (sidebar title, module in voicecraft_desktop.ui.pages, class name), in sidebar order.
PAGES: list[tuple[str, str, str]] = [
    (QT_TRANSLATE_NOOP("MainWindow", "Record"), "record", "RecordPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Library"), "library", "LibraryPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Train"), "train", "TrainPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Convert"), "convert", "ConvertPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Live"), "live", "LivePage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Settings"), "settings", "SettingsPage"),
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
QUIT_GRACE_S = 30.0  # quitting: how long a job may take to stop before a training child is ended
QUIT_LAST_RESORT_S = 10.0  # after that, how long to wait for the threads before closing anyway
FIRST_PAINT_FALLBACK_MS = 1500  # the engine starts loading then even if no paint event was seen
JOBS_LABEL_MAX_PX = 360
HELP_SECTION = "two-commands"  # the README section a new user needs first
ICON_RESOURCE = ":/icons/voicecraft.svg"  # resources/voicecraft.qrc, compiled into resources_rc.py
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
        self.setWindowTitle(self.tr("VoiceCraft Desktop"))
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
            self.stack.addWidget(_placeholder(self.tr(title)))
            QListWidgetItem(self.tr(title), self.sidebar)  # the title stays the page's key
        self.sidebar.currentRowChanged.connect(self._on_row_changed)
        self._engine_job = None
        self._painted = self._watching_paint = False
        self.first_paint_s: float | None = None  # time.monotonic() of the first painted frame
        self._quitting: dict | None = None  # set while a quit waits for jobs to stop
        self.quit_dialog: QProgressDialog | None = None
        self.about_box: QMessageBox | None = None
        icon = window_icon()
        if not icon.isNull():
            self.setWindowIcon(icon)

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
        self.jobs_label.setMaximumWidth(JOBS_LABEL_MAX_PX)  # long job names are elided, not widening
        self.statusBar().addPermanentWidget(self.jobs_label)
        self.statusBar().addPermanentWidget(self.device_label)
        self._show_device()
        self._show_jobs()
        self.ctx.events.device_changed.connect(self._show_device)
        self.ctx.events.status.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.ctx.runner.job_started.connect(self._on_job_started)
        self.ctx.runner.job_finished.connect(lambda _name: self._show_jobs())
        self.ctx.events.send_to_convert.connect(lambda _path: self.show_page("Convert"))

        self._build_menus()
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

    def engine_loading(self) -> bool:
        """True while the engine's modules are being imported (pages other than the first wait)."""
        return self._engine_job is not None and self._engine_job.is_running()

    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._specs):
            title = self._specs[row][0]
            if title not in self._built and row > 0 and self.engine_loading():
                # Building it now would wait in the GUI thread for the engine's imports (seconds):
                # its loading state shows instead, and the page replaces it when it is built.
                self.stack.setCurrentIndex(row)
            else:
                self.page(title)
                self.stack.setCurrentIndex(row)
        self._update_actions()

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
            self._engine_job = self.ctx.runner.start(self.tr("Loading the engine"), task)
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
        current = self.current_page_title()
        if current in missing:  # the page the user is waiting for first
            missing.remove(current)
            missing.insert(0, current)
        if missing:
            self.page(missing[0])
            QTimer.singleShot(0, self._build_remaining)
            return
        if self._pending_row and self.sidebar.currentRow() == 0:
            self.sidebar.setCurrentRow(self._pending_row)
        self._pending_row = 0
        self._update_actions()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._engine_job is None:
            # The engine's imports hold the GIL for long stretches: start them only once the first
            # frame is on screen (a paint event of this window), or after a fallback delay.
            if not self._painted and not self._watching_paint:
                self._watching_paint = True
                _PaintWatch.watch(self, self._on_first_paint)
                QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._on_first_paint)
            else:
                QTimer.singleShot(0, self.load_engine)
            QTimer.singleShot(300, self._offer_setup)  # after the first paint

    def _offer_setup(self) -> None:
        """First start with model files missing: the model files setup, once (issue 12.1)."""
        from voicecraft_desktop.ui.pages.setup import offer_first_run_setup

        if not self._closed:
            self.setup_dialog = offer_first_run_setup(self.ctx, self)

    def _on_first_paint(self) -> None:
        if self._painted:
            return
        self._painted = True
        self.first_paint_s = time.monotonic()
        QTimer.singleShot(0, self.load_engine)

    # -- menus and shortcuts -----------------------------------------------------------------------

    def _build_menus(self) -> None:
        def action(menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.open_action = action(file_menu, self.tr("&Open…"), lambda: self._page_call("shortcut_open"),
                                  QKeySequence.StandardKey.Open, "openAction")
        self.export_action = action(
            file_menu,
            self.tr("&Export…"),
            lambda: self._page_call("shortcut_export"),
            "Ctrl+E",
            "exportAction",
        )
        file_menu.addSeparator()
        action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit, "quitAction")
        play_menu = bar.addMenu(self.tr("&Play"))
        self.play_action = action(
            play_menu,
            self.tr("Play / stop"),
            lambda: self._page_call("toggle_playback"),
            Qt.Key.Key_Space,
            "playAction",
        )
        help_menu = bar.addMenu(self.tr("&Help"))
        help_key = QKeySequence.StandardKey.HelpContents
        action(help_menu, self.tr("VoiceCraft &help"), self.open_help, help_key, "helpAction")
        action(help_menu, self.tr("&About VoiceCraft"), self.show_about, None, "aboutAction")
        self._update_actions()

    def current_page(self) -> QWidget | None:
        return self._built.get(self.current_page_title())

    def _page_call(self, name: str) -> object:
        method = getattr(self.current_page(), name, None)
        return method() if callable(method) else None

    def _update_actions(self) -> None:
        if not hasattr(self, "play_action"):
            return
        page = self.current_page()
        for act, name in (
            (self.open_action, "shortcut_open"),
            (self.export_action, "shortcut_export"),
            (self.play_action, "toggle_playback"),
        ):
            act.setEnabled(callable(getattr(page, name, None)))

    def open_help(self) -> bool:
        """Opens the README (its section for new users) in the browser."""
        return QDesktopServices.openUrl(help_url())

    def show_about(self) -> QMessageBox:
        """The About box: versions of the app and its libraries, licences of the model files."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("About VoiceCraft Desktop"),
            about_text(),
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("aboutDialog")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 620px; }")  # one line per model file
        icon = window_icon()
        if not icon.isNull():
            box.setIconPixmap(icon.pixmap(64, 64))
        box.open()
        self.about_box = box
        return box

    # -- status bar --------------------------------------------------------------------------------

    def _show_device(self, _chosen: str = "") -> None:
        device, chosen = self.ctx.device, self.ctx.chosen_device
        text = self.tr("Device: {device}").format(device="CPU" if device == "cpu" else device.upper())
        if chosen != device:
            text += self.tr(" ({device} not available)").format(device=chosen.upper())
        self.device_label.setText(text)

    def _on_job_started(self, name: str) -> None:
        self._show_jobs()
        self.statusBar().showMessage(self.tr("Started: {name}").format(name=name), 4000)

    def _show_jobs(self) -> None:
        names = [job.name for job in self.ctx.runner.jobs()]
        text = self.tr("Running: {jobs}").format(jobs=", ".join(names)) if names else self.tr("Idle")
        metrics = self.jobs_label.fontMetrics()
        self.jobs_label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, JOBS_LABEL_MAX_PX))
        self.jobs_label.setToolTip(text)

    # -- errors ------------------------------------------------------------------------------------

    def show_uncaught(self, exc_type, exc_value, exc_traceback) -> QMessageBox:
        """Report an exception that escaped a slot: log file plus a non-blocking dialog."""
        details = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
        ensure_log_file()
        log.critical("Uncaught exception\n%s", details)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            self.tr("Unexpected error"),
            self.tr("{error}\n\nThe details are in the log file:\n{path}").format(
                error=f"{exc_type.__name__}: {exc_value}", path=log_file_path()
            ),
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
        if self._quitting is not None:  # already stopping: the progress dialog is up
            event.ignore()
            return
        running = self.ctx.runner.jobs()
        if running and self.confirm_close:
            names = "\n".join(f"  • {job.name}" for job in running)
            answer = QMessageBox.question(
                self,
                self.tr("Quit VoiceCraft?"),
                self.tr(
                    "These jobs are still running:\n{names}\n\nStop them and quit? Training keeps its last "
                    "checkpoint and can be resumed."
                ).format(names=names),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_state()
        self.ctx.runner.begin_shutdown()
        if self.ctx.runner.has_threads():
            event.ignore()  # the window stays (and paints) until the jobs have stopped
            self._begin_quit([job.name for job in running])
            return
        self._finish_close()
        event.accept()

    def _begin_quit(self, names: list[str]) -> None:
        """Shows the quit progress and polls the runner from a timer: nothing here blocks."""
        self._quitting = {"t0": time.monotonic(), "forced": None, "names": names}
        dialog = QProgressDialog(self)
        dialog.setObjectName("quitDialog")
        dialog.setWindowTitle(self.tr("Quitting VoiceCraft"))
        dialog.setLabelText(self._quit_text())
        dialog.setCancelButtonText(self.tr("Quit now"))
        dialog.setRange(0, 0)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(self._force_quit)
        dialog.show()
        self.quit_dialog = dialog
        self.statusBar().showMessage(self.tr("Stopping running jobs…"))
        self._quit_timer = QTimer(self)
        self._quit_timer.setInterval(50)
        self._quit_timer.timeout.connect(self._check_quit)
        self._quit_timer.start()

    def _quit_text(self) -> str:
        q = self._quitting or {}
        names = ", ".join(q.get("names", [])) or self.tr("running jobs")
        waited = time.monotonic() - q.get("t0", time.monotonic())
        text = self.tr("Stopping {jobs}… ({seconds:.0f} s)").format(jobs=names, seconds=waited)
        # the Train page's job name, in the language shown
        training = QCoreApplication.translate("TrainPage", "Training “{name}”").split("{name}")[0]
        if any("Train" in n or n.startswith(training) for n in q.get("names", [])):
            text += "\n" + self.tr(
                "Training finishes its step and keeps its last checkpoint: it can be resumed."
            )
        if q.get("forced") is not None:
            text += "\n" + self.tr("Ending what has not stopped…")
        return text

    def _force_quit(self) -> None:
        """Ends the training children that have not stopped ("Quit now", or the grace period is over)."""
        if self._quitting is None or self._quitting["forced"] is not None:
            return
        self._quitting["forced"] = time.monotonic()
        from voicecraft_desktop.core.train_process import end_training_processes

        ended = end_training_processes()
        log.warning("quitting: ended %d training process(es) that had not stopped", ended)

    def _check_quit(self) -> None:
        q = self._quitting
        if q is None:
            return
        if self.quit_dialog is not None:
            self.quit_dialog.setLabelText(self._quit_text())
        now = time.monotonic()
        if not self.ctx.runner.has_threads():
            self._quit_timer.stop()
            self._finish_close()
            self.close()
            return
        if q["forced"] is None and now - q["t0"] > QUIT_GRACE_S:
            self._force_quit()
        elif q["forced"] is not None and now - q["forced"] > QUIT_LAST_RESORT_S:
            log.error("some jobs did not stop; closing anyway")
            self._quit_timer.stop()
            self._finish_close()
            self.close()

    def _finish_close(self) -> None:
        """After the jobs have stopped: each page's ``shutdown``; the window may close then."""
        if self.quit_dialog is not None:
            self.quit_dialog.canceled.disconnect(self._force_quit)
            self.quit_dialog.close()
        self.shutdown_times: dict[str, float] = {}  # seconds per page shutdown (bench_ui reports them)
        for title, page in self._built.items():
            stop = getattr(page, "shutdown", None)
            if callable(stop):
                t0 = time.perf_counter()
                try:
                    stop()
                except Exception:  # noqa: BLE001 - one page failing to stop must not keep the app open
                    log.exception("page %s failed to shut down", type(page).__name__)
                self.shutdown_times[title] = time.perf_counter() - t0
        self._closed = True


def _placeholder(title: str) -> QWidget:
    """What a page's place shows until the page is built: its name and a busy bar."""
    box = QWidget()
    box.setObjectName("pagePlaceholder")
    layout = QVBoxLayout(box)
    layout.addStretch(1)
    label = QLabel(
        QCoreApplication.translate(
            "MainWindow", "Loading {title}…\nThe engine is starting; this takes a few seconds the first time."
        ).format(title=title)
    )
    label.setObjectName("placeholderLabel")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setMaximumWidth(240)
    layout.addWidget(label)
    layout.addWidget(bar, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    return box


class _PaintWatch(QObject):
    """Calls back once, on the first paint event of any widget of ``window`` (then removes itself)."""

    @classmethod
    def watch(cls, window: QWidget, callback) -> None:
        app = QApplication.instance()
        watcher = cls(window)
        watcher._window, watcher._callback = window, callback
        app.installEventFilter(watcher)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is self._window:
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
            self.deleteLater()
        return False


def window_icon() -> QIcon:
    """The app icon, ``resources/icons/voicecraft.svg`` as compiled into ``resources_rc`` (the same
    from a checkout, a wheel and the bundle)."""
    import voicecraft_desktop.resources_rc  # noqa: F401 - registers ":/icons/..." on import

    return QIcon(ICON_RESOURCE)


def help_url() -> QUrl:
    """The README's section for new users: the copy beside the package (a checkout, or the bundle)."""
    candidates = [Path(__file__).resolve().parents[2] / "README.md"]
    if getattr(sys, "_MEIPASS", None):
        candidates.insert(0, Path(sys._MEIPASS) / "README.md")
    readme = next((c for c in candidates if c.is_file()), candidates[-1])
    url = QUrl.fromLocalFile(str(readme))
    url.setFragment(HELP_SECTION)
    return url


def about_text() -> str:
    """Versions of the app, Python, Qt and the libraries that matter, then each model file's licence."""
    from importlib.metadata import PackageNotFoundError, version

    import PySide6
    from PySide6.QtCore import qVersion

    from voicecraft_desktop import __version__

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return QCoreApplication.translate("MainWindow", "not installed")

    lines = [
        f"VoiceCraft Desktop {__version__}",
        QCoreApplication.translate(
            "MainWindow", "Singing voice conversion (whisper-vits-svc / so-vits-svc-5.0 model family)."
        ),
        "",
        f"Python {sys.version.split()[0]} · Qt {qVersion()} · PySide6 {PySide6.__version__}",
        " · ".join(f"{n} {ver(n)}" for n in ("torch", "numpy", "soundfile", "soxr", "sounddevice")),
        "",
        QCoreApplication.translate("MainWindow", "Model files (downloaded on first use):"),
    ]
    from models.formats.assets import ASSETS
    from voicecraft_desktop.ui.error_text import asset_licence, asset_title

    for name, asset in ASSETS.items():
        lines.append(f"  • {asset_title(name, asset)} ({name}): {asset_licence(name, asset)}")
    return "\n".join(lines)


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
