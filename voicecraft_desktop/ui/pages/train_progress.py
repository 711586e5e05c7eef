"""The Train page while a run trains: its progress drained from the inbox, the curves, how it ended.

The worker forwards progress at about 10 Hz; every progress is also appended to the page's ``_inbox``
by :func:`voicecraft_desktop.core.runs.relay`, and :class:`TrainProgressMixin` drains the inbox whenever
a progress arrives and on a 200 ms timer, so no loss point, validation report or checkpoint is lost to
the throttling. A run's logged history (its TensorBoard events) is read by a job and merged under the
live points. The end of a job (result, failure, cancel) leaves a status line for that run.

Its words belong to the Train page (translation context ``TrainPage``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from voicecraft_desktop.core.runs import read_history
from voicecraft_desktop.ui.error_text import engine_text, verdict_text
from voicecraft_desktop.ui.pages._common import call_task, failure_text, format_duration, show_error
from voicecraft_desktop.ui.worker import JobRefused

log = logging.getLogger(__name__)


class TrainProgressMixin:
    """Progress, curves and the end of a training job, for the Train page.

    The page provides ``ctx``, ``job``, ``_inbox`` (a deque the trainer's progress is appended to),
    ``_run_dir``, ``_drain_timer``, ``curves``, ``audio``, ``messages``, ``progress``, ``status_label``,
    ``hint_label``, ``pause_button``, ``export_button``, a ``run_ended = Signal(str)`` and
    ``_voice_changed()``; the mixin keeps ``last_progress``, ``last_result``, ``history_job`` and
    ``_history_dir`` (the run whose curves are shown); ``train_error`` is what the training job raised
    (the page's ``start`` keeps it: a code turns into the user's language).
    """

    train_error: BaseException | None = None

    def _load_history(self, run_dir: Path, exists: bool = True) -> None:
        """Shows the curves of ``run_dir``: cleared now, its logged history read by a job (a long run's
        TensorBoard events take seconds to parse) and merged under any live points on arrival."""
        self._history_dir = run_dir
        self.curves.clear_points()
        if not exists or not (run_dir / "tb").is_dir():
            return
        try:
            job = self.ctx.runner.start(
                QCoreApplication.translate("TrainPage", "Read training history"),
                call_task(read_history, run_dir),
            )
        except JobRefused:
            return
        self.history_job = job
        job.result.connect(lambda history, d=run_dir: self._merge_history(d, history))
        job.failed.connect(
            lambda message, _tb: log.warning("cannot read the history of %s: %s", run_dir, message)
        )
        job.finished.connect(lambda: setattr(self, "history_job", None))

    def _merge_history(self, run_dir: Path, history: Any) -> None:
        if run_dir != self._history_dir:  # another voice was chosen meanwhile
            return
        self.curves.merge_history(history)
        self._redraw()

    def _drain(self, wakeup: Any = None) -> None:
        """Handles queued progress; redraws the curves only from the timer or a direct call.

        A progress signal (``wakeup`` set) updates labels at once but leaves the plots to the
        200 ms timer, so a fast run repaints its curves at most 5 times a second.
        """
        while self._inbox:
            self._handle(self._inbox.popleft())
            self._curves_dirty = True
        if wakeup is None and self._curves_dirty:
            self._curves_dirty = False
            self._redraw()

    def _handle(self, p: Any) -> None:
        self.last_progress = p
        self.curves.add(p)
        if p.message:
            self.messages.appendPlainText(
                QCoreApplication.translate("TrainPage", "step {step}: {message}").format(
                    step=p.step, message=engine_text(p.message)
                )
            )
        if p.validation is not None:
            self.show_hint(p.validation)
            self.audio.load(self._run_dir)
        if p.checkpoint is not None:
            self.export_button.setEnabled(True)
        self.progress.setValue(int(1000 * p.fraction))
        phase = {
            "paused": QCoreApplication.translate("TrainPage", "Paused"),
            "cancelled": QCoreApplication.translate("TrainPage", "Stopped"),
            "done": QCoreApplication.translate("TrainPage", "Finished"),
            "starting": QCoreApplication.translate("TrainPage", "Starting"),
        }.get(p.phase, QCoreApplication.translate("TrainPage", "Training"))
        eta = (
            QCoreApplication.translate("TrainPage", " · ETA {time}").format(time=format_duration(p.eta_s))
            if p.eta_s is not None and p.phase == "train"
            else ""
        )
        speed = (
            QCoreApplication.translate("TrainPage", " · {rate:.2f} steps/s").format(rate=p.steps_per_s)
            if p.steps_per_s
            else ""
        )
        self.status_label.setText(
            QCoreApplication.translate(
                "TrainPage",
                "{phase}: step {step:,} of {total_steps:,} · epoch {epoch}{speed}{eta} · batch {batch_size} "
                "· {device} {precision}",
            ).format(
                phase=phase,
                step=p.step,
                total_steps=p.total_steps,
                epoch=p.epoch + 1,
                speed=speed,
                eta=eta,
                batch_size=p.batch_size,
                device=p.device,
                precision=p.precision,
            )
        )

    def show_hint(self, report: Any) -> None:
        """The "when to stop" advice of a validation report."""
        colour = {"plateau": "#b8860b", "overfitting": "#c0392b"}.get(report.signal or "", "#2e7d32")
        if report.verdict == "Keep watching":
            colour = "#555"
        self.hint_label.setText(
            QCoreApplication.translate(
                "TrainPage",
                "<b style='color:{colour}'>When to stop: {verdict}.</b> {advice}. (Difference from the real "
                "voice: now {mel_l1:.3f}, best {best_mel_l1:.3f} at step {best_step:,} — the ★ on the lower "
                "plot; Export offers it.)",
            ).format(
                colour=colour,
                verdict=verdict_text(report.verdict),
                advice=engine_text(report.advice),
                mel_l1=report.mel_l1,
                best_mel_l1=report.best_mel_l1,
                best_step=report.best_step,
            )
        )

    def _redraw(self) -> None:
        self.curves.redraw(self.last_progress.total_steps if self.last_progress is not None else 0)

    def _on_result(self, result: Any) -> None:
        self._drain()
        self.last_result = result
        ended = "stopped" if result.cancelled else "done"
        self._ended = (
            result.run_dir,
            QCoreApplication.translate(
                "TrainPage", "Stopped at step {step:,}; checkpoint written. Resume continues the run."
            ).format(step=result.step)
            if result.cancelled
            else QCoreApplication.translate(
                "TrainPage", "Finished at step {step:,}. Export the voice to use it on the Convert page."
            ).format(step=result.step),
        )
        self.status_label.setText(self._ended[1])
        self.export_button.setEnabled(
            result.last_checkpoint is not None or result.best_checkpoint is not None
        )
        self.ctx.events.voices_changed.emit()  # the Library shows how far each dataset's run got
        self.run_ended.emit(ended)

    def _on_failed(self, message: str, tb: str) -> None:
        self._drain()
        # A known error code in the user's language (the English message under Details). The trainer's
        # own errors (a locked run, a missing device, a bad dataset) are one clear line; only unexpected
        # failures carry their traceback under "Details".
        shown, details = failure_text(self.train_error, message, tb)
        if tb.rstrip().rsplit("\n", 1)[-1].startswith("models.training.trainer.TrainingError"):
            details = "" if shown == message else message
        text = QCoreApplication.translate("TrainPage", "Training failed: {message}").format(message=shown)
        if self._run_dir is not None:
            self._ended = (self._run_dir, text)
        self.status_label.setText(text)
        self.error_box = show_error(
            self, QCoreApplication.translate("TrainPage", "Training failed"), shown, details
        )
        self.run_ended.emit("failed")

    def _on_cancelled(self) -> None:
        self._drain()
        if self._run_dir is not None:
            self._ended = (self._run_dir, QCoreApplication.translate("TrainPage", "Training cancelled."))
        self.status_label.setText(QCoreApplication.translate("TrainPage", "Training cancelled."))
        self.run_ended.emit("cancelled")

    def _on_finished(self) -> None:
        self._drain_timer.stop()
        self._drain()
        self.job = None
        self.pause_button.setChecked(False)
        self.pause_button.setText(QCoreApplication.translate("TrainPage", "Pause"))
        if self.ctx.runner.closing:
            # The app is quitting: the page goes away (re-deriving it would start a job to read an
            # older run's checkpoints; the GUI thread itself never reads one).
            return
        self._voice_changed()
