"""The pinned Qt binding keeps Python's reference counts straight.

PySide6-Essentials 6.12.0 under Python 3.11 dropped one reference to ``True`` on every
``Signal.emit()`` and to ``None`` on every ``processEvents()``; a GUI that emits progress at 10 Hz
then dies within minutes with "Fatal Python error: bool_dealloc". This pins the fix (6.11.3).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal


class _Emitter(QObject):
    value = Signal(object)
    bare = Signal()


def test_signal_emit_and_process_events_keep_refcounts(qapp) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    for i in range(500):
        emitter.value.emit(i)
        emitter.bare.emit()
        QCoreApplication.processEvents()
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    assert len(received) == 500
    drift = [a - b for a, b in zip(after, before)]
    assert all(abs(d) < 50 for d in drift), f"refcount drift of (True, False, None): {drift}"
