"""The Train page's time estimate: a few real training steps timed in a worker, before a run starts.

:class:`SpeedEstimator` runs :func:`models.training.speed.measure_speed` as a job (never in the GUI
thread) for what the page would train now (dataset, preset, base model, device, threads), keeps the
answers by that key (choosing the same thing again answers at once), and cancels a measurement
whose choice is no longer on screen. The page asks with :meth:`request` (after a short pause, so
scrolling through the voices does not start a measurement per voice) and shows :attr:`text`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from voicecraft_desktop.ui.pages._common import format_duration
from voicecraft_desktop.ui.worker import Job, JobRefused

DELAY_MS = 600
log = logging.getLogger(__name__)


class SpeedEstimator(QObject):
    """Measures and words the time a run would take on this device.

    Signals:
        changed(): :attr:`text` changed.
    """

    changed = Signal()

    def __init__(self, runner: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.job: Job | None = None
        self.text = ""
        self.estimates: dict[tuple[Any, ...], Any] = {}  # key -> SpeedEstimate
        self._key: tuple[Any, ...] | None = None
        self._steps = 0
        self._task: Callable[[threading.Event], Any] | None = None
        self._job_key: tuple[Any, ...] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._start)

    def request(self, key: tuple[Any, ...], steps: int, task: Callable[[threading.Event], Any]) -> None:
        """Shows the estimate of ``key`` for ``steps`` steps; measures it first (after a pause) when
        it is not known. ``task`` is the job's task (``cancel -> generator`` of speed progress)."""
        self._key, self._steps, self._task = key, steps, task
        if key in self.estimates:
            self._timer.stop()
            self._set(self._words(self.estimates[key], steps))
            return
        if self.job is not None and self._job_key != key:
            self.job.cancel()
        if self.job is None or self._job_key != key:
            self._set(self.tr("Estimated time on this computer: measuring a few training steps…"))
            self._timer.start()

    def clear(self) -> None:
        """Nothing to estimate (no dataset, a run in progress): forgets the request, stops measuring."""
        self._key = self._task = None
        self._timer.stop()
        self.cancel()
        self._set("")

    def cancel(self) -> None:
        """Cancels a running measurement (it ends at its next step)."""
        if self.job is not None:
            self.job.cancel()

    def _start(self) -> None:
        if self._key is None or self._task is None or self.job is not None:
            return
        key = self._key
        try:
            job = self.runner.start(self.tr("Measure training speed"), self._task)
        except JobRefused:
            self._set("")
            return
        self.job, self._job_key = job, key
        job.progress.connect(
            lambda p: (
                self._key == key
                and self._set(
                    self.tr(
                        "Estimated time on this computer: measuring a few training steps… ({done} of {total})"
                    ).format(done=p.done, total=p.total)
                )
            )
        )
        job.result.connect(lambda estimate: self._measured(key, estimate))
        job.failed.connect(lambda message, _tb: self._failed(key, message))
        job.finished.connect(self._finished)

    def _failed(self, key: tuple[Any, ...], message: str) -> None:
        # Training would stop on the same problem and say it in full when Start is pressed.
        log.warning("no training speed estimate: %s", message)
        if key == self._key:
            self._set(
                self.tr("No time estimate: a trial step could not run on this dataset (Start says why).")
            )

    def _measured(self, key: tuple[Any, ...], estimate: Any) -> None:
        self.estimates[key] = estimate
        if key == self._key:
            self._set(self._words(estimate, self._steps))

    def _finished(self) -> None:
        self.job = self._job_key = None
        if self._key is not None and self._key not in self.estimates:
            self._timer.start()  # the choice changed while measuring: measure what is on screen now

    def _set(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.changed.emit()

    @staticmethod
    def _words(estimate: Any, steps: int) -> str:
        where = (
            QCoreApplication.translate("SpeedEstimator", "the graphics card (GPU)")
            if estimate.device.startswith("cuda")
            else (
                QCoreApplication.translate("SpeedEstimator", "the processor (CPU)")
                if estimate.device == "cpu"
                else estimate.device
            )
        )
        seconds = estimate.seconds_for(steps)
        length = (
            QCoreApplication.translate("SpeedEstimator", "{days:.0f} days").format(days=seconds / 86400)
            if seconds >= 2 * 86400
            else format_duration(seconds)
        )
        text = (
            QCoreApplication.translate(
                "SpeedEstimator",
                "Estimated time on this computer: about {length} for {steps} steps on {where} "
                "({per_step:.2g} s a step, measured over 1 step; validation adds a little).",
            )
            if estimate.steps == 1
            else QCoreApplication.translate(
                "SpeedEstimator",
                "Estimated time on this computer: about {length} for {steps} steps on {where} "
                "({per_step:.2g} s a step, measured over %n steps; validation adds a little).",
                "",
                estimate.steps,
            )
        )
        return text.format(length=length, steps=f"{steps:,}", where=where, per_step=estimate.seconds_per_step)
