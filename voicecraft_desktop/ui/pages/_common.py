"""Small helpers shared by the Library, Train and Convert pages (no engine logic here).

- :func:`call_task`: wraps one blocking, Qt-free call as a task factory for ``JobRunner.start``
  (it runs in the worker thread; its return value is the job's result).
- :func:`show_error`: the error dialog (window-modal, non-blocking, traceback under "Details") and a
  log line; the dialog is returned so a page can keep it and tests can read it. With ``setup`` it
  offers "Open setup" (a missing model file: :func:`missing_models_text` says which, all at once).
- :func:`keeping_error`: a task that hands the exception it raises to the GUI (the job's ``failed``
  signal carries text only), so a page can read its attributes (``AssetError.missing``).
- :class:`JobPageMixin`: a page's one job at a time (start, progress bar, status line, cancel,
  error dialog, ``job_done`` signal).
- :func:`format_duration`, :func:`format_minutes`: labels.
- :func:`read_only_table`: a row-selecting, non-editable table (Library voices, Settings models).
- :func:`splitter`: a splitter of widgets with their stretch factors and starting sizes.
- :func:`interval_timer`: a repeating GUI timer (playheads, player polling, the Train inbox).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QSplitter, QTableWidget, QWidget

log = logging.getLogger(__name__)


def call_task(
    fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> Callable[[threading.Event], Generator[Any, None, Any]]:
    """A task factory that runs ``fn(*args, **kwargs)`` in the worker thread and returns its value."""

    def task(cancel: threading.Event) -> Generator[Any, None, Any]:
        if False:  # pragma: no cover - makes this function a generator
            yield None
        return fn(*args, **kwargs)

    return task


def keeping_error(
    task: Callable[[threading.Event], Generator[Any, None, Any]], keep: Callable[[BaseException], None]
) -> Callable[[threading.Event], Generator[Any, None, Any]]:
    """``task`` that gives an exception it raises to ``keep`` (in the worker thread, before the job's
    ``failed`` is emitted), then raises it on as before."""

    def wrapped(cancel: threading.Event) -> Generator[Any, None, Any]:
        try:
            return (yield from task(cancel))
        except Exception as error:
            keep(error)
            raise

    return wrapped


def failure_text(error: BaseException | None, message: str, tb: str = "") -> tuple[str, str]:
    """What a failed job's dialog shows: ``(text, details)``. A known error code comes out in the
    user's language, with the English message (and the traceback) under Details."""
    from voicecraft_desktop.ui.error_text import error_text

    shown = error_text(error, message)
    return shown, (tb if shown == message else f"{message}\n\n{tb}")


def missing_models_text(error: BaseException) -> str:
    """For an error about missing model files (``AssetError.missing``): one plain paragraph naming
    every missing file and what to do in the app; ``""`` for any other error."""
    from models.formats.assets import ASSETS

    names = [n for n in getattr(error, "missing", ()) or () if n in ASSETS]  # what the setup lists
    if not names:
        return ""
    from voicecraft_desktop.ui.error_text import asset_title

    titles = [f"{asset_title(n, ASSETS[n])} ({n})" for n in names]
    if len(titles) == 1:
        return QCoreApplication.translate(
            "Common", "This model file is missing: {which}.\n\n"
            "Open the setup to download it, or to locate copies you already have.").format(which=titles[0])
    which = QCoreApplication.translate("Common", "{first} and {last}").format(
        first=QCoreApplication.translate("Common", ", ").join(titles[:-1]), last=titles[-1])
    return QCoreApplication.translate(
        "Common", "These model files are missing: {which}.\n\n"
        "Open the setup to download them, or to locate copies you already have.").format(which=which)


def show_error(
    parent: QWidget, title: str, message: str, details: str = "", setup: Callable[[], Any] | None = None
) -> QMessageBox:
    """Shows an error dialog without blocking the event loop (``open()``, window-modal) and logs it.

    The log keeps the full text; the dialog never shows PyTorch's advice to load a file unsafely
    (``models.errors.scrub``), whatever path the message came by. ``setup``: an "Open setup" button
    calls it (then the dialog closes).
    """
    from models.errors import scrub

    log.error("%s: %s%s", title, message, f"\n{details}" if details else "")
    message, details = scrub(message), scrub(details) if details else details
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Close, parent)
    box.setObjectName("errorDialog")
    if setup is not None:
        button = box.addButton(
            QCoreApplication.translate("Common", "Open setup"), QMessageBox.ButtonRole.AcceptRole
        )
        button.setObjectName("openSetupButton")
        box.setDefaultButton(button)
        button.clicked.connect(setup)
    if details:
        box.setDetailedText(details)
    box.open()
    return box


class JobPageMixin:
    """One job at a time for a page: started through ``ctx.runner``, shown in a progress bar and a
    status line, cancellable, failures in an error dialog.

    The page provides ``ctx``, ``progress`` (a 0..1000 ``QProgressBar``), ``status_label``,
    ``cancel_button``, a ``job_done = Signal(str)`` (emitted with ``"result"``, ``"failed"`` or
    ``"cancelled"``; result handlers emit it themselves), ``_on_progress(value)`` and
    ``_update_buttons()``; the mixin keeps ``job`` and ``error_box``.
    """

    CANCELLED_TEXT = QT_TRANSLATE_NOOP("JobPageMixin", "Cancelled.")  # a page may say more (its own context)
    job: Any = None
    error_box: QMessageBox | None = None
    job_error: BaseException | None = None  # what the last job raised (read on ``failed``)

    def _start(self, name: str, task: Any, on_result: Callable[[Any], None], gpu: bool = False) -> Any:
        from voicecraft_desktop.ui.worker import JobRefused

        self.job_error = None
        task = keeping_error(task, lambda error: setattr(self, "job_error", error))
        try:
            job = self.ctx.runner.start(name, task, gpu=gpu)  # type: ignore[attr-defined]
        except JobRefused as exc:
            self.error_box = show_error(self, name, str(exc))  # type: ignore[arg-type]
            return None
        self.job = job
        self.progress.setValue(0)  # type: ignore[attr-defined]
        self.status_label.setText(QCoreApplication.translate("JobPageMixin", "{name}…").format(name=name))  # type: ignore[attr-defined]
        job.progress.connect(self._on_progress)  # type: ignore[attr-defined]
        job.result.connect(on_result)
        job.failed.connect(lambda message, tb, n=name: self._on_failed(n, message, tb))
        job.cancelled.connect(self._on_cancelled)
        job.finished.connect(self._on_finished)
        self._update_buttons()  # type: ignore[attr-defined]
        return job

    def cancel_job(self) -> None:
        """Asks the running job to stop (``cancelled`` and ``finished`` follow)."""
        if self.job is not None:
            self.job.cancel()
            self.status_label.setText(QCoreApplication.translate("JobPageMixin", "Cancelling…"))  # type: ignore[attr-defined]
            self.cancel_button.setEnabled(False)  # type: ignore[attr-defined]

    def _on_failed(self, name: str, message: str, tb: str) -> None:
        missing = missing_models_text(self.job_error) if self.job_error is not None else ""
        if missing:  # the app's words and an "Open setup" button; the full instructions under Details
            self.status_label.setText(
                QCoreApplication.translate("JobPageMixin", "{name} failed: {reason}").format(
                    name=name, reason=missing.splitlines()[0]
                )
            )  # type: ignore[attr-defined]
            self.error_box = show_error(
                self,
                QCoreApplication.translate("JobPageMixin", "{name} failed").format(name=name),
                missing,
                message,  # type: ignore[arg-type]
                setup=self.open_setup,
            )
        else:
            shown, details = failure_text(self.job_error, message, tb)
            self.status_label.setText(
                QCoreApplication.translate("JobPageMixin", "{name} failed: {reason}").format(
                    name=name, reason=shown
                )
            )  # type: ignore[attr-defined]
            self.error_box = show_error(
                self,
                QCoreApplication.translate("JobPageMixin", "{name} failed").format(name=name),
                shown,
                details,
            )  # type: ignore[arg-type]
        self.job_done.emit("failed")  # type: ignore[attr-defined]

    def open_setup(self) -> Any:
        """Opens the model files setup (a dialog) over this page."""
        from voicecraft_desktop.ui.pages.setup import open_setup

        return open_setup(self.ctx, self)  # type: ignore[attr-defined,arg-type]

    def _on_cancelled(self) -> None:
        text = self.tr(self.CANCELLED_TEXT)  # type: ignore[attr-defined]
        if text == self.CANCELLED_TEXT:
            text = QCoreApplication.translate("JobPageMixin", text)
        self.status_label.setText(text)  # type: ignore[attr-defined]
        self.job_done.emit("cancelled")  # type: ignore[attr-defined]

    def _on_finished(self) -> None:
        self.job = None
        self.cancel_button.setEnabled(False)  # type: ignore[attr-defined]
        self._update_buttons()  # type: ignore[attr-defined]


def fill_voice_combo(combo: Any, library: Any) -> None:
    """Re-lists the library's available voices in ``combo`` (each item's data is its entry), keeping
    the current choice when it is still there; no ``currentIndexChanged`` while it refills."""
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    for entry in library.entries():
        if entry.available:
            combo.addItem(entry.name, entry)
    index = combo.findText(current)
    if index >= 0:
        combo.setCurrentIndex(index)
    combo.blockSignals(False)


def fit_texts(button: Any, *texts: str) -> None:
    """Gives ``button`` the width of the widest of its current text and ``texts`` (what it will say
    later), so a row of buttons does not move when its text changes ("Play" becoming "Stop")."""
    current, widths = button.text(), []
    for text in (current, *texts):
        button.setText(text)
        widths.append(button.sizeHint().width())
    button.setText(current)
    button.setMinimumWidth(max(widths))


def format_duration(seconds: float | None) -> str:
    """``"1 h 02 min"``, ``"3 min 05 s"``, ``"12 s"``; ``"—"`` when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "—"
    s = int(round(seconds))
    if s >= 3600:
        return QCoreApplication.translate("Common", "{h} h {min:02d} min").format(
            h=s // 3600, min=(s % 3600) // 60
        )
    if s >= 60:
        return QCoreApplication.translate("Common", "{min} min {s:02d} s").format(min=s // 60, s=s % 60)
    return QCoreApplication.translate("Common", "{s} s").format(s=s)


def format_minutes(minutes: float | None) -> str:
    """``"12.5 min"`` or ``"—"``."""
    return (
        "—" if minutes is None else QCoreApplication.translate("Common", "{min:.1f} min").format(min=minutes)
    )


def read_only_table(columns: list[str], object_name: str, stretch_column: int) -> QTableWidget:
    """A table of ``columns`` that selects one whole row at a time and is never edited in place;
    columns fit their contents except ``stretch_column``, which takes the remaining width."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table


def splitter(
    orientation: Qt.Orientation,
    widgets: list[QWidget],
    stretch: list[int] | None = None,
    sizes: list[int] | None = None,
) -> QSplitter:
    """A splitter holding ``widgets`` in order, each, when given, with its ``stretch`` factor (the
    share of extra room it takes) and its starting size in pixels."""
    split = QSplitter(orientation)
    for widget in widgets:
        split.addWidget(widget)
    for i, factor in enumerate(stretch or []):
        split.setStretchFactor(i, factor)
    if sizes is not None:
        split.setSizes(sizes)
    return split


def interval_timer(parent: QWidget, interval_ms: int, slot: Callable[[], Any]) -> QTimer:
    """A repeating timer owned by ``parent`` that calls ``slot`` every ``interval_ms`` once started."""
    timer = QTimer(parent)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
