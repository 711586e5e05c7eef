"""The quality report of a conversion being pitch-edited, measured again after each edit.

:class:`EditReport` belongs to the :class:`~voicecraft_desktop.ui.widgets.pitch_editor.PitchEditor`.
The editor tells it which output samples an edit changed (:meth:`EditReport.audio_changed`) and
when the audio is settled (:meth:`EditReport.start`); it measures the report again in a worker
(:func:`models.convert.edit_report.edited_report`: the output's pitch only where the audio changed,
the source's speaker embedding once per conversion), then sets ``take.result.report``, puts the
re-measured converted pitch into ``take.output_f0`` and its curve, and emits ``changed`` with a
line for under the report. A new edit cancels a measurement in progress (:meth:`cancel`): its
samples stay to be measured with the next one. Nothing runs in the GUI thread but the bookkeeping.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from models.convert.f0_edit import FRAME_S
from voicecraft_desktop.core.live_pitch import hz_to_midi


class EditReport(QObject):
    """Keeps one take's quality report in step with its pitch edits.

    Args:
        runner: the app's ``JobRunner`` (the report is measured in a job that does not hold the
            compute device, so the next edit's re-synthesis never waits for it), or ``None`` to
            measure in the GUI thread (tests).
        plots: the page's ``ComparisonPlots`` (its converted-pitch curve is drawn again).

    Signals:
        changed(str): the report changed or is being measured; the text is a line to show under it
            (updating, measured again with the edits, or measuring it again failed).
    """

    changed = Signal(str)

    def __init__(self, runner: Any, plots: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner, self.plots = runner, plots
        self.job: Any = None
        self.take: Any = None
        self.session: Any = None
        self.state: Any = None  # models.convert.edit_report.ReportState of the take
        self.unmeasured: tuple[int, int] | None = None  # output samples changed since it was measured

    def reset(self, take: Any, session: Any) -> None:
        """A new conversion (``None``: none); one without a report is never measured."""
        from models.convert.edit_report import ReportState

        self.cancel()
        self.take, self.session, self.state, self.unmeasured = take, session, None, None
        if session is not None and take.result.report is not None:
            self.state = ReportState(np.asarray(take.output_f0, np.float32).copy())

    def audio_changed(self, lo: int, hi: int) -> None:
        """Output samples ``[lo, hi)`` changed (an edit was applied)."""
        if self.state is not None and hi > lo:
            a, b = self.unmeasured or (lo, hi)
            self.unmeasured = (min(a, lo), max(b, hi))

    def start(self) -> None:
        """Measures the report again where the audio changed since it was last measured."""
        from models.convert.edit_report import edited_report, snapshot_of

        if self.session is None or self.state is None or self.unmeasured is None or self.job is not None:
            return
        converter, snapshot = self.session.converter, snapshot_of(self.take.result)
        state, changed, session = self.state, self.unmeasured, self.session

        def task(cancel: Any) -> Any:
            return edited_report(converter, snapshot, state, changed)

        self.changed.emit(self.tr("Updating the quality report for the pitch edits…"))
        if self.runner is None:  # tests without a runner: in this thread
            from models.convert.options import run_to_end

            self._on_result(run_to_end(task(None)), session)
            return
        job = self.runner.start(self.tr("Quality report of the pitch edits"), task)
        self.job = job
        job.result.connect(lambda out: job is self.job and self._on_result(out, session))
        job.failed.connect(lambda message, _tb: job is self.job and self._on_failed(message))
        job.finished.connect(lambda: self._on_finished(job))

    def cancel(self) -> None:
        """Stops measuring (its result is dropped; its samples stay to be measured)."""
        if self.job is not None:
            self.job.cancel()
            self.job = None

    def busy(self) -> bool:
        return self.job is not None

    def _on_result(self, out: Any, session: Any) -> None:
        if session is not self.session:
            return  # a new conversion replaced the one this report was for
        report, self.state = out
        self.unmeasured = None
        take = self.take
        take.result.report = report
        # the converted audio's own pitch, now measured where the edits changed it
        n = min(len(take.output_f0), len(self.state.measured))
        take.output_f0[:n] = self.state.measured[:n]
        self.plots.result_pitch.setData(np.arange(len(take.output_f0)) * FRAME_S, hz_to_midi(take.output_f0))
        self.changed.emit(self.tr("Measured again with your pitch edits."))

    def _on_failed(self, message: str) -> None:
        self.changed.emit(
            self.tr(
                "Pitch edited since: the numbers above were measured before the pitch edits (measuring "
                "them again failed: {reason})."
            ).format(reason=message)
        )

    def _on_finished(self, job: Any) -> None:
        if job is self.job:
            self.job = None
