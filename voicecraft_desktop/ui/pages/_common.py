"""Small helpers shared by the Library, Train and Convert pages (no engine logic here).

- :func:`call_task`: wraps one blocking, Qt-free call as a task factory for ``JobRunner.start``
  (it runs in the worker thread; its return value is the job's result).
- :func:`show_error`: the error dialog (window-modal, non-blocking, traceback under "Details") and a
  log line; the dialog is returned so a page can keep it and tests can read it.
- :func:`format_duration`, :func:`format_minutes`: labels.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

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


def show_error(parent: QWidget, title: str, message: str, details: str = "") -> QMessageBox:
    """Shows an error dialog without blocking the event loop (``open()``, window-modal) and logs it."""
    log.error("%s: %s%s", title, message, f"\n{details}" if details else "")
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Close, parent)
    box.setObjectName("errorDialog")
    if details:
        box.setDetailedText(details)
    box.open()
    return box


def format_duration(seconds: float | None) -> str:
    """``"1 h 02 min"``, ``"3 min 05 s"``, ``"12 s"``; ``"—"`` when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "—"
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600} h {(s % 3600) // 60:02d} min"
    if s >= 60:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s} s"


def format_minutes(minutes: float | None) -> str:
    """``"12.5 min"`` or ``"—"``."""
    return "—" if minutes is None else f"{minutes:.1f} min"
