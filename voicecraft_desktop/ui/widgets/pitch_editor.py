"""The Convert page's pitch editor: fix what the tracker got wrong on the pitch plot, hear it at once.

:class:`PitchEditor` is a tool bar over :class:`~voicecraft_desktop.ui.widgets.comparison_plots.
ComparisonPlots`' pitch plot. With "Edit pitch" on, the orange curve (the pitch the conversion
sings, after the key shift) is editable:

- Select: drag across the plot to select a region (or drag the region's edges); a click puts
  the playback cursor there. Shift the selection by semitones or octaves, mark it unvoiced or
  voiced, smooth it, flatten its vibrato or scale it.
- Draw: drag to draw a pitch curve (optionally snapped to whole notes).
- "Fix octave jumps" shows the corrections it proposes (green) before "Apply" or "Discard".
- Undo/redo (a ``QUndoStack``; Ctrl+Z, Ctrl+Shift+Z), zoom and scroll along time, play from the
  cursor; import or export the curve as CSV (the reference's ``.pit.csv`` or ``time_s,f0_hz``).

Each edit is made phase-neutral (:func:`models.convert.f0_edit.phase_neutral`) and then only the
chunks of synthesis that overlap it are re-run in a worker
(:class:`models.convert.resynth.EditSession`); when the audio arrives the B side of the A/B
playback changes and ``status`` reports the edit-to-hear time. Edits made while one re-synthesis
runs are rendered together when it ends (the curve on screen is always the latest). Then the
quality report is measured again in another worker
(:class:`~voicecraft_desktop.ui.widgets.pitch_report.EditReport`), ``report_changed`` saying
"updating" meanwhile; a new edit cancels a report that is still being measured.

The project file (save, reopen) is :mod:`voicecraft_desktop.ui.widgets.pitch_project`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.convert import f0_edit
from voicecraft_desktop.core.live_pitch import hz_to_midi
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.error_text import error_text
from voicecraft_desktop.ui.widgets import pitch_project
from voicecraft_desktop.ui.widgets.comparison_plots import envelope
from voicecraft_desktop.ui.widgets.pitch_report import EditReport

FRAME_S = f0_edit.FRAME_S
CSV_FILTER = QT_TRANSLATE_NOOP(
    "PitchEditor", "Pitch CSV, time and Hz (*.csv);;so-vits-svc pitch file (*.pit.csv)"
)
PROPOSAL_COLOUR = "#16a34a"
SELECTION_BRUSH = (37, 99, 235, 40)


class EditCommand(QUndoCommand):
    """One edit of the curve: ``redo`` shows ``after``, ``undo`` shows ``before`` (both exact)."""

    def __init__(self, editor: PitchEditor, before: np.ndarray, after: np.ndarray, text: str) -> None:
        super().__init__(text)
        self.editor, self.before, self.after = editor, before.copy(), after.copy()

    def redo(self) -> None:
        self.editor.show_curve(self.after, self.text())

    def undo(self) -> None:
        undo = QCoreApplication.translate("PitchEditor", "undo {edit}")  # the editor's context
        self.editor.show_curve(self.before, undo.format(edit=self.text()))


class PitchEditor(QWidget):
    """The editing tool bar and the mouse handling on ``plots.pitch_plot``.

    Args:
        plots: the page's ``ComparisonPlots``.
        runner: the app's ``JobRunner`` (re-synthesis runs as a GPU job), or ``None`` to render
            in the GUI thread (tests).

        ctx: the app's context (library voices, assets, device), to reopen a saved project.

    Attributes:
        start_job: the page's job starter, ``(name, task, on_result, gpu) -> Job | None`` (the
            Convert page's ``_start``: its progress bar and Cancel); a reopen runs through it.

    Signals:
        status(str): one line for the page's status line (what was re-synthesised, edit-to-hear).
        take_reopened(object, str): a saved project was converted again with its edited pitch (a
            ``TakeResult``, shown like a new conversion, with the page's inputs set to its source,
            voice and options) and the project file's path.
        audio_changed(): the converted audio changed (swap it into playback).
        report_changed(str): the take's quality report (``take.result.report``) changed, or is
            being measured again; the text is a line to show under it (updating, measured again,
            or measuring it again failed).
        play_requested(float): play the converted audio from this many seconds.
    """

    status = Signal(str)
    audio_changed = Signal()
    play_requested = Signal(float)
    take_reopened = Signal(object, str)
    report_changed = Signal(str)

    def __init__(
        self, plots: Any, runner: Any = None, parent: QWidget | None = None, ctx: Any = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("pitchEditor")
        self.plots = plots
        self.runner = runner
        self.session: Any = None
        self.take: Any = None
        self.curve: np.ndarray | None = None  # what is on screen (the audio follows)
        self.proposals: list[f0_edit.OctaveFix] = []
        self.undo_stack = QUndoStack(self)
        self.job: Any = None
        self._queued: tuple[np.ndarray, float, str] | None = None
        self._edit_started = 0.0
        self._press: tuple[float, float] | None = None
        self._stroke: list[tuple[float, float]] = []
        self.last_update: Any = None
        self.start_job: Any = None
        self.report = EditReport(runner, plots, self)  # the quality report, measured again after edits

        self.edit_toggle = QPushButton(self.tr("✎ Edit pitch"))
        self.edit_toggle.setObjectName("editPitchButton")
        self.edit_toggle.setCheckable(True)
        self.edit_toggle.setToolTip(self.tr("Correct the pitch the converted voice sings, then hear it"))
        self.open_project_button = QPushButton(self.tr("Open edited conversion…"))
        self.open_project_button.setToolTip(
            self.tr("Reopen a conversion exported earlier, with its pitch edits, to keep editing it")
        )
        self.select_tool = QToolButton(text=self.tr("Select"))
        self.draw_tool = QToolButton(text=self.tr("Draw"))
        for b in (self.select_tool, self.draw_tool):
            b.setCheckable(True)
        self.select_tool.setChecked(True)
        self.tools = QButtonGroup(self)
        self.tools.addButton(self.select_tool)
        self.tools.addButton(self.draw_tool)
        self.snap_check = QCheckBox(self.tr("Snap to notes"))
        self.octave_down = QPushButton("−12")
        self.semi_down = QPushButton("−1")
        self.semi_up = QPushButton("+1")
        self.octave_up = QPushButton("+12")
        for b, tip in (
            (self.octave_down, self.tr("Selection an octave down")),
            (self.semi_down, self.tr("Selection a semitone down")),
            (self.semi_up, self.tr("Selection a semitone up")),
            (self.octave_up, self.tr("Selection an octave up")),
        ):
            b.setToolTip(tip)
            b.setFixedWidth(44)
        self.unvoiced_button = QPushButton(self.tr("Unvoiced"))
        self.unvoiced_button.setToolTip(self.tr("No pitch in the selection (breaths, consonants)"))
        self.voiced_button = QPushButton(self.tr("Voiced"))
        self.voiced_button.setToolTip(self.tr("Give the selection a pitch (joined from its neighbours)"))
        self.smooth_button = QPushButton(self.tr("Smooth"))
        self.vibrato_spin = QDoubleSpinBox()
        self.vibrato_spin.setRange(0.0, 4.0)
        self.vibrato_spin.setSingleStep(0.25)
        self.vibrato_spin.setValue(0.0)
        self.vibrato_spin.setPrefix(self.tr("vibrato × "))
        self.vibrato_spin.setToolTip(self.tr("0 flattens the vibrato, 1 keeps it, 2 doubles it"))
        self.vibrato_button = QPushButton(self.tr("Set vibrato"))
        # the buttons that act on the selection, in tool-bar order
        self.selection_buttons = [
            self.octave_down,
            self.semi_down,
            self.semi_up,
            self.octave_up,
            self.unvoiced_button,
            self.voiced_button,
            self.smooth_button,
            self.vibrato_spin,
            self.vibrato_button,
        ]
        self.octave_button = QPushButton(self.tr("Fix octave jumps"))
        self.octave_button.setObjectName("fixOctavesButton")
        self.apply_fixes = QPushButton(self.tr("Apply fixes"))
        self.discard_fixes = QPushButton(self.tr("Discard"))
        self.undo_button = QPushButton(self.tr("↶ Undo"))
        self.redo_button = QPushButton(self.tr("↷ Redo"))
        self.zoom_in = QPushButton(self.tr("Zoom +"))
        self.zoom_out = QPushButton(self.tr("Zoom −"))
        self.zoom_fit = QPushButton(self.tr("Whole song"))
        self.play_cursor = QPushButton(self.tr("▶ From cursor"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.info = QLabel("")
        self.info.setObjectName("pitchEditorInfo")
        self.scroll = QScrollBar(Qt.Orientation.Horizontal)
        self.scroll.setObjectName("pitchScroll")

        row1 = QHBoxLayout()
        row1.setContentsMargins(0, 0, 0, 0)
        row1.addWidget(self.edit_toggle)
        for w in (self.select_tool, self.draw_tool, self.snap_check):
            row1.addWidget(w)
        row1.addStretch(1)
        row1.addWidget(self.open_project_button)
        selection_row = QHBoxLayout()  # rows short enough for the Convert page in the smallest window
        selection_row.setContentsMargins(0, 0, 0, 0)
        self.selection_label = QLabel(self.tr("Selection:"))
        for w in (self.selection_label, *self.selection_buttons):
            selection_row.addWidget(w)
        selection_row.addStretch(1)
        row2 = QHBoxLayout()
        row2.setContentsMargins(0, 0, 0, 0)
        for w in (self.octave_button, self.apply_fixes, self.discard_fixes):
            row2.addWidget(w)
        row2.addSpacing(12)
        for w in (self.undo_button, self.redo_button):
            row2.addWidget(w)
        row2.addSpacing(12)
        for w in (self.zoom_in, self.zoom_out, self.zoom_fit, self.play_cursor):
            row2.addWidget(w)
        row2.addSpacing(12)
        row2.addWidget(QLabel(self.tr("Pitch file:")))
        row2.addWidget(self.import_button)
        row2.addWidget(self.export_button)
        row2.addStretch(1)
        self.info.setWordWrap(True)  # on its own line, wrapped: a long hint never widens the page
        self.tool_area = QWidget()
        tool_layout = QVBoxLayout(self.tool_area)
        tool_layout.setContentsMargins(0, 0, 0, 0)
        tool_layout.addLayout(selection_row)
        tool_layout.addLayout(row2)
        tool_layout.addWidget(self.info)
        tool_layout.addWidget(self.scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row1)
        layout.addWidget(self.tool_area)

        # plot items: the selection, the cursor, the proposals
        plot = self.plots.pitch_plot
        self.region = pg.LinearRegionItem(values=(0, 0), brush=pg.mkBrush(*SELECTION_BRUSH), movable=True)
        self.region.setZValue(-10)
        self.cursor = pg.InfiniteLine(
            0, movable=True, pen=pg.mkPen("#dc2626", width=1, style=Qt.PenStyle.DashLine)
        )
        self.proposal_curve = plot.plot(
            [], [], pen=pg.mkPen(PROPOSAL_COLOUR, width=3), connect="finite", name=self.tr("proposed fix")
        )
        for item in (self.region, self.cursor):
            plot.addItem(item)

        undo = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.indexChanged.connect(self._update_buttons)
        self.edit_toggle.toggled.connect(self.set_editing)
        self.octave_down.clicked.connect(lambda: self.shift_selection(-12))
        self.semi_down.clicked.connect(lambda: self.shift_selection(-1))
        self.semi_up.clicked.connect(lambda: self.shift_selection(1))
        self.octave_up.clicked.connect(lambda: self.shift_selection(12))
        self.unvoiced_button.clicked.connect(lambda: self.mark_voiced(False))
        self.voiced_button.clicked.connect(lambda: self.mark_voiced(True))
        self.smooth_button.clicked.connect(self.smooth_selection)
        self.vibrato_button.clicked.connect(lambda: self.scale_vibrato(self.vibrato_spin.value()))
        self.octave_button.clicked.connect(self.propose_octave_fixes)
        self.apply_fixes.clicked.connect(self.apply_octave_fixes)
        self.discard_fixes.clicked.connect(self.discard_octave_fixes)
        self.zoom_in.clicked.connect(lambda: self.zoom(0.5))
        self.zoom_out.clicked.connect(lambda: self.zoom(2.0))
        self.zoom_fit.clicked.connect(self.fit)
        self.play_cursor.clicked.connect(lambda: self.play_requested.emit(float(self.cursor.value())))
        self.import_button.clicked.connect(self._ask_import)
        self.open_project_button.clicked.connect(self._ask_open_project)
        self.export_button.clicked.connect(self._ask_export)
        self.scroll.valueChanged.connect(self._on_scroll)
        plot.getViewBox().sigXRangeChanged.connect(self._sync_scroll)
        plot.viewport().installEventFilter(self)
        self.report.changed.connect(self.report_changed)
        if runner is not None:  # an edit refused while another job held the device: heard after it
            runner.job_finished.connect(self._retry_queued)
        self.set_take(None)

    # ------------------------------------------------------------------ take and mode

    def set_take(self, take: Any) -> None:
        """A new conversion (``TakeResult``) or ``None``; forgets the undo history."""
        from models.convert.resynth import EditSession

        self.undo_stack.clear()
        self.discard_octave_fixes()
        self._queued = None
        self.take = take
        self.session = None
        self.curve = None
        if (
            take is not None
            and getattr(take.result, "features", None) is not None
            and take.converter is not None
        ):
            self.session = EditSession(take.converter, take.result)
            self.curve = take.result.intended_f0.copy()
            self.region.setRegion((0.0, 0.0))
            self.cursor.setValue(0.0)
        self.report.reset(take, self.session)
        self.edit_toggle.setEnabled(self.session is not None)
        self.edit_toggle.setToolTip(
            self.tr("Correct the pitch the converted voice sings, then hear it")
            if self.session is not None
            else self.tr("Convert a song first; its pitch can then be edited here")
        )
        if self.session is None:
            self.edit_toggle.setChecked(False)
        self.set_editing(self.edit_toggle.isChecked())

    def set_editing(self, on: bool) -> None:
        on = bool(on) and self.session is not None
        for w in self._edit_widgets():
            w.setVisible(on)
        self.tool_area.setVisible(on)
        self.region.setVisible(on)
        self.cursor.setVisible(on)
        self.plots.pitch_plot.setMouseEnabled(x=not on, y=False)
        if on:
            self.info.setText(self.tr("Drag across the pitch plot to select; click to place the cursor."))
            self._sync_scroll()
        self._update_buttons()

    def _edit_widgets(self) -> list[QWidget]:
        return [
            self.select_tool,
            self.draw_tool,
            self.snap_check,
            self.selection_label,
            *self.selection_buttons,
        ]

    def _update_buttons(self) -> None:
        has = self.session is not None
        lo, hi = self.selection()
        selected = has and hi > lo
        for b in self.selection_buttons:
            b.setEnabled(selected)
        self.undo_button.setEnabled(has and self.undo_stack.canUndo())
        self.redo_button.setEnabled(has and self.undo_stack.canRedo())
        self.apply_fixes.setVisible(bool(self.proposals))
        self.discard_fixes.setVisible(bool(self.proposals))
        self.octave_button.setEnabled(has)

    # ------------------------------------------------------------------ selection and view

    def selection(self) -> tuple[int, int]:
        """Selected frames [lo, hi) (empty when nothing is selected)."""
        if self.curve is None:
            return 0, 0
        a, b = self.region.getRegion()
        lo = max(0, int(round(min(a, b) / FRAME_S)))
        hi = min(len(self.curve), int(round(max(a, b) / FRAME_S)))
        return lo, max(lo, hi)

    def select(self, start_s: float, stop_s: float) -> None:
        self.region.setRegion((min(start_s, stop_s), max(start_s, stop_s)))
        self._update_buttons()

    def duration_s(self) -> float:
        return 0.0 if self.curve is None else len(self.curve) * FRAME_S

    def zoom(self, factor: float) -> None:
        vb = self.plots.pitch_plot.getViewBox()
        (x0, x1), _ = vb.viewRange()
        centre = float(self.cursor.value()) if x0 <= self.cursor.value() <= x1 else (x0 + x1) / 2
        half = max(0.25, (x1 - x0) * factor / 2)
        lo = max(0.0, centre - half)
        vb.setXRange(lo, min(max(self.duration_s(), 0.5), lo + 2 * half), padding=0)

    def fit(self) -> None:
        if self.curve is not None:
            self.plots.pitch_plot.getViewBox().setXRange(0, self.duration_s(), padding=0.01)

    def _sync_scroll(self, *_: Any) -> None:
        (x0, x1), _ = self.plots.pitch_plot.getViewBox().viewRange()
        total = max(self.duration_s(), 1e-3)
        page = int(1000 * min(1.0, (x1 - x0) / total))
        self.scroll.blockSignals(True)
        self.scroll.setRange(0, max(0, 1000 - page))
        self.scroll.setPageStep(max(1, page))
        self.scroll.setValue(int(1000 * max(0.0, x0) / total))
        self.scroll.blockSignals(False)

    def _on_scroll(self, value: int) -> None:
        vb = self.plots.pitch_plot.getViewBox()
        (x0, x1), _ = vb.viewRange()
        start = value / 1000 * self.duration_s()
        vb.setXRange(start, start + (x1 - x0), padding=0)

    # ------------------------------------------------------------------ mouse

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not self.edit_toggle.isChecked() or self.curve is None:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            x, y = self._to_view(event.position())
            lo, hi = self.region.getRegion()
            if self.select_tool.isChecked() and hi > lo and self._near_region_edge(x, lo, hi):
                return False  # let the region item drag its edge
            self._press = (x, y)
            self._stroke = [(x, y)]
            return True
        if kind == QEvent.Type.MouseMove and self._press is not None:
            x, y = self._to_view(event.position())
            self._stroke.append((x, y))
            if self.select_tool.isChecked():
                self.select(self._press[0], x)
            else:
                self._preview_stroke()
            return True
        if kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            x, y = self._to_view(event.position())
            self._stroke.append((x, y))
            press, self._press = self._press, None
            if self.select_tool.isChecked():
                if abs(x - press[0]) < 0.02:  # a click: the cursor
                    self.cursor.setValue(min(max(0.0, x), self.duration_s()))
                else:
                    self.select(press[0], x)
            else:
                times, midis = zip(*self._stroke)
                self.draw_stroke(np.array(times), f0_edit.from_midi(np.array(midis)))
            self._stroke = []
            return True
        return False

    def _to_view(self, pos: Any) -> tuple[float, float]:
        plot = self.plots.pitch_plot
        p = plot.getViewBox().mapSceneToView(plot.mapToScene(pos.toPoint()))
        return float(p.x()), float(p.y())

    def _near_region_edge(self, x: float, lo: float, hi: float) -> bool:
        (x0, x1), _ = self.plots.pitch_plot.getViewBox().viewRange()
        tol = 0.01 * (x1 - x0)
        return abs(x - lo) < tol or abs(x - hi) < tol

    def _preview_stroke(self) -> None:
        if len(self._stroke) > 1:
            t, m = zip(*sorted(self._stroke))
            self.proposal_curve.setData(
                np.array(t), np.round(m) if self.snap_check.isChecked() else np.array(m)
            )

    # ------------------------------------------------------------------ edits

    def push_edit(self, new: np.ndarray, lo: int, hi: int, text: str, neutral: bool = True) -> bool:
        """Makes ``new`` (an edit of the curve on screen over ``[lo, hi)``) an undoable edit."""
        if self.curve is None or self.session is None:
            return False
        s = self.session.state
        if neutral:
            new = f0_edit.phase_neutral(self.curve, new, lo, hi, s.options.unvoiced, s.hop, s.sample_rate)
        if np.array_equal(new, self.curve):
            self.status.emit(self.tr("Pitch edit “{edit}”: nothing changed.").format(edit=text))
            return False
        self._edit_started = time.perf_counter()
        self.undo_stack.push(EditCommand(self, self.curve, new, text))
        return True

    def _selected_or_say(self) -> tuple[int, int] | None:
        lo, hi = self.selection()
        if hi <= lo:
            self.status.emit(self.tr("Select a region of the pitch plot first (drag across it)."))
            return None
        return lo, hi

    def shift_selection(self, semitones: int) -> bool:
        span = self._selected_or_say()
        if span is None or self.curve is None:
            return False
        new = f0_edit.shift(self.curve, *span, semitones)
        return self.push_edit(new, *span, self.shift_text(semitones))

    def shift_text(self, semitones: int) -> str:
        """The name of a shift (in the undo history and the status line)."""
        if abs(semitones) == 12:
            return self.tr("an octave up") if semitones > 0 else self.tr("an octave down")
        # English needs its singular without an English .qm; other languages use %n's forms.
        if semitones == 1:
            return self.tr("a semitone up")
        if semitones == -1:
            return self.tr("a semitone down")
        if semitones > 0:
            return self.tr("%n semitones up", "", semitones)
        return self.tr("%n semitones down", "", -semitones)

    def mark_voiced(self, voiced: bool) -> bool:
        span = self._selected_or_say()
        if span is None or self.curve is None:
            return False
        try:
            new = f0_edit.set_voiced(self.curve, *span, voiced)
        except ValueError as exc:
            self.status.emit(self.tr("Cannot mark voiced: {reason}").format(reason=error_text(exc)))
            return False
        return self.push_edit(new, *span, self.tr("voiced") if voiced else self.tr("unvoiced"))

    def smooth_selection(self) -> bool:
        span = self._selected_or_say()
        if span is None or self.curve is None:
            return False
        return self.push_edit(f0_edit.smooth(self.curve, *span), *span, self.tr("smooth"))

    def scale_vibrato(self, factor: float) -> bool:
        span = self._selected_or_say()
        if span is None or self.curve is None:
            return False
        new = f0_edit.scale_vibrato(self.curve, *span, factor)
        name = (
            self.tr("flatten vibrato")
            if factor == 0
            else self.tr("vibrato × {factor:g}").format(factor=factor)
        )
        return self.push_edit(new, *span, name)

    def draw_stroke(self, times_s: np.ndarray, hz: np.ndarray) -> bool:
        self.proposal_curve.setData([], [])
        if self.curve is None or len(times_s) < 2:
            return False
        try:
            new, lo, hi = f0_edit.draw(self.curve, times_s, hz, snap=self.snap_check.isChecked())
        except ValueError as exc:
            self.status.emit(self.tr("Cannot draw there: {reason}").format(reason=error_text(exc)))
            return False
        return self.push_edit(new, lo, hi, self.tr("draw"))

    def propose_octave_fixes(self) -> list[f0_edit.OctaveFix]:
        """Shows the proposed corrections (green) and waits for Apply or Discard."""
        if self.curve is None:
            return []
        lo, hi = self.selection()
        fixes = f0_edit.find_octave_jumps(self.curve)
        if hi > lo:
            fixes = [f for f in fixes if f.lo < hi and f.hi > lo]
        self.proposals = fixes
        if not fixes:
            self.proposal_curve.setData([], [])
            self.info.setText(
                self.tr("No octave jumps found in the selection.")
                if hi > lo
                else self.tr("No octave jumps found.")
            )
        else:
            fixed = f0_edit.apply_octave_fixes(self.curve, fixes)
            shown = np.full(len(fixed), np.nan)
            for f in fixes:
                shown[f.lo : f.hi] = hz_to_midi(fixed[f.lo : f.hi])
            self.proposal_curve.setData(np.arange(len(fixed)) * FRAME_S, shown)
            frames = sum(f.hi - f.lo for f in fixes)
            listed = self.tr("; ").join(self.describe_fix(f) for f in fixes[:4]) + (
                " …" if len(fixes) > 4 else ""
            )
            self.info.setText(
                (
                    self.tr(
                        "1 octave jump found ({seconds:.2f} s), proposed fix in green: {listed}. Apply "
                        "fixes or Discard."
                    )
                    if len(fixes) == 1
                    else self.tr(
                        "%n octave jumps found ({seconds:.2f} s), proposed fix in green: {listed}. Apply "
                        "fixes or "
                        "Discard.",
                        "",
                        len(fixes),
                    )
                ).format(seconds=frames * FRAME_S, listed=listed)
            )
        self._update_buttons()
        return fixes

    def apply_octave_fixes(self) -> bool:
        if not self.proposals or self.curve is None:
            return False
        fixes, self.proposals = self.proposals, []
        self.proposal_curve.setData([], [])
        new = f0_edit.apply_octave_fixes(self.curve, fixes)
        lo, hi = min(f.lo for f in fixes), max(f.hi for f in fixes)
        self.info.setText("")
        self._update_buttons()
        name = (
            self.tr("fix 1 octave jump")
            if len(fixes) == 1
            else self.tr("fix %n octave jumps", "", len(fixes))
        )
        return self.push_edit(new, lo, hi, name)

    def describe_fix(self, fix: f0_edit.OctaveFix) -> str:
        """One proposed correction, e.g. "1.20–1.45 s: 1 octave up"."""
        octaves = abs(fix.semitones) // 12
        if octaves == 1:
            way = self.tr("an octave up") if fix.semitones > 0 else self.tr("an octave down")
        else:
            way = (
                self.tr("%n octaves up", "", octaves)
                if fix.semitones > 0
                else self.tr("%n octaves down", "", octaves)
            )
        return self.tr("{start:.2f}–{stop:.2f} s: {way}").format(
            start=fix.lo * FRAME_S, stop=fix.hi * FRAME_S, way=way
        )

    def discard_octave_fixes(self) -> None:
        self.proposals = []
        self.proposal_curve.setData([], [])
        self._update_buttons()

    # ------------------------------------------------------------------ F0 files

    def key_factor(self) -> float:
        return float(2.0 ** (self.take.result.key / 12.0)) if self.take is not None else 1.0

    def import_csv(self, path: str | Path) -> bool:
        """Replaces the curve with a file's (before the key shift, as the reference writes it);
        a refused file changes nothing and says why in one line."""
        from models.convert.f0_edit import F0FileError

        if self.curve is None:
            return False
        try:
            f0 = f0_edit.read_f0_csv(path, len(self.curve))
        except F0FileError as exc:
            self.status.emit(self.tr("Pitch file not used: {reason}").format(reason=error_text(exc)))
            self.info.setText(error_text(exc))
            return False
        new = (f0.astype(np.float64) * self.key_factor()).astype(np.float32)
        name = self.tr("import {file}").format(file=Path(path).name)
        return self.push_edit(new, 0, len(new), name, neutral=False)

    def export_csv(self, path: str | Path) -> Path | None:
        """Writes the curve before the key shift: the reference's format for ``*.pit.csv``, else
        ``time_s,f0_hz``."""
        if self.curve is None:
            return None
        f0 = (self.curve.astype(np.float64) / self.key_factor()).astype(np.float32)
        path = Path(path)
        write = f0_edit.write_reference_csv if path.name.endswith(".pit.csv") else f0_edit.write_plain_csv
        out = write(path, f0)
        self.status.emit(self.tr("Pitch curve exported to {path}").format(path=out))
        return out

    def _settings(self) -> Any:
        """The app's settings (for the folder file dialogs start in), when the editor has a context."""
        return self.ctx.settings if self.ctx is not None else None

    def _ask_import(self) -> None:
        path = file_dialogs.open_file(
            self, self._settings(), self.tr("Pitch curve to use"), self.tr(CSV_FILTER)
        )
        if path:
            self.import_csv(path)

    def _ask_export(self) -> None:
        if self.take is None:
            return
        source = Path(self.take.source)
        out, chosen = file_dialogs.save_file_as(
            self,
            self._settings(),
            self.tr("Export the pitch curve"),
            source.with_suffix(".pit.csv").name,
            self.tr(CSV_FILTER),
            start=source.parent,
        )
        if out is not None:
            path = str(out)
            if "pit.csv" in chosen and not path.endswith(".pit.csv"):
                path = path.removesuffix(".csv") + ".pit.csv"
            self.export_csv(path)

    # ------------------------------------------------------------------ rendering

    def show_curve(self, curve: np.ndarray, text: str) -> None:
        """Draws ``curve`` and starts re-synthesising it (the undo stack calls this)."""
        self.curve = np.asarray(curve, np.float32).copy()
        t = np.arange(len(self.curve)) * FRAME_S
        midi = hz_to_midi(self.curve)
        self.plots.source_pitch.setData(t, midi)
        if np.isfinite(midi).any():  # keep an edit in view (an octave down may leave the range)
            vb = self.plots.pitch_plot.getViewBox()
            _, (y0, y1) = vb.viewRange()
            lo, hi = float(np.nanmin(midi)), float(np.nanmax(midi))
            if lo < y0 or hi > y1:
                vb.setYRange(min(y0, np.floor(lo) - 1), max(y1, np.ceil(hi) + 1), padding=0)
        self._render(self.curve, self._edit_started or time.perf_counter(), text)
        self._edit_started = 0.0

    def _render(self, curve: np.ndarray, started: float, text: str) -> None:
        if self.session is None:
            return
        self.report.cancel()  # it measures audio this edit replaces
        if self.job is not None:
            self._queued = (curve, started, text)
            self.status.emit(
                self.tr("Pitch edit “{edit}”: waiting for the re-synthesis in progress…").format(edit=text)
            )
            return
        session = self.session

        def task(cancel: Any) -> Any:
            yield 0
            return session.render(curve, cancel)

        if self.runner is None:  # tests without a runner: in this thread
            gen = task(None)
            next(gen)
            try:
                next(gen)
            except StopIteration as stop:
                self._on_rendered(stop.value, started, text, session)
            return
        from voicecraft_desktop.ui.worker import JobRefused

        try:
            self.job = self.runner.start(self.tr("Re-synthesise ({edit})").format(edit=text), task, gpu=True)
        except JobRefused as exc:
            self._queued = (curve, started, text)
            self.status.emit(
                self.tr("Pitch edit kept; it will be heard after the job in progress ({reason})").format(
                    reason=error_text(exc)
                )
            )
            return
        self.status.emit(self.tr("Pitch edit “{edit}”: re-synthesising…").format(edit=text))
        self.job.result.connect(lambda update: self._on_rendered(update, started, text, session))
        self.job.failed.connect(
            lambda message, _tb: self.status.emit(
                self.tr("Re-synthesis failed: {reason}").format(reason=message)
            )
        )
        self.job.finished.connect(self._on_job_finished)

    def _retry_queued(self) -> None:
        if self.job is None and self._queued is not None:
            curve, started, text = self._queued
            self._queued = None
            self._render(curve, started, text)

    def _on_job_finished(self) -> None:
        self.job = None
        if self._queued is not None:
            curve, started, text = self._queued
            self._queued = None
            self._render(curve, started, text)

    def _on_rendered(self, update: Any, started: float, text: str, session: Any) -> None:
        if session is not self.session or update is None:
            return  # a new conversion replaced the one this edit was for
        before = self.session.curve.copy()
        self.session.apply(update)
        self.last_update = update
        take = self.take
        rate = take.result.sample_rate
        if update.hi > update.lo:
            self.plots.result_wave.setData(*envelope(take.result.audio, rate))
            # the converted audio's own pitch is gone where the edit moved the pitch (more than the
            # few cents the phase-neutral rule moves the frames around an edit), until the quality
            # report (when the conversion has one) measures it again
            with np.errstate(invalid="ignore"):
                cents = np.abs(hz_to_midi(update.curve) - hz_to_midi(before))
            moved = ((update.curve > 0) != (before > 0)) | (np.nan_to_num(cents) > 0.1)
            take.output_f0[: len(moved)][moved[: len(take.output_f0)]] = 0.0
            self.plots.result_pitch.setData(
                np.arange(len(take.output_f0)) * FRAME_S, hz_to_midi(take.output_f0)
            )
        heard = time.perf_counter() - started
        if update.frames is None:
            self.status.emit(self.tr("Pitch edit “{edit}”: the audio was already this.").format(edit=text))
        else:
            total = len(self.session.converter.chunk_plan(len(update.fed), self.session.state.options))
            self.status.emit(
                (
                    self.tr(
                        "Pitch edit “{edit}”: re-synthesised {start:.2f}–{stop:.2f} s (1 chunk of {total}) "
                        "in {seconds:.2f} s; edit to hear {heard:.2f} s. Play B to hear it."
                    )
                    if update.chunks == 1
                    else self.tr(
                        "Pitch edit “{edit}”: re-synthesised {start:.2f}–{stop:.2f} s (%n chunks of {total}) "
                        "in {seconds:.2f} s; edit to hear {heard:.2f} s. Play B to hear it.",
                        "",
                        update.chunks,
                    )
                ).format(
                    edit=text,
                    start=update.lo / rate,
                    stop=update.hi / rate,
                    total=total,
                    seconds=update.seconds,
                    heard=heard,
                )
            )
        self.report.audio_changed(update.lo, update.hi)
        if self._queued is None:  # (else the next re-synthesis starts it again)
            self.report.start()
        self.audio_changed.emit()

    def busy(self) -> bool:
        """An edit is being re-synthesised or waits to be, or the report is being measured again."""
        return self.job is not None or self._queued is not None or self.report.busy()

    # ------------------------------------------------------------------ project (pitch_project.py)

    def save_project(self, output: str | Path) -> Path | None:
        """Writes the project file next to ``output`` (source, voice, options, edited curve)."""
        return pitch_project.save_project(self, output)

    def _ask_open_project(self) -> None:
        pitch_project.ask_open_project(self)

    def open_project(self, path: str | Path) -> Any:
        """Reopens a saved project in a job on the page's progress bar (see
        :func:`~voicecraft_desktop.ui.widgets.pitch_project.open_project`); returns the job."""
        return pitch_project.open_project(self, path)
