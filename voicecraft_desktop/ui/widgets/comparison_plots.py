"""The Convert page's A/B views: source and converted waveforms above their pitch curves, linked in
time, with a playhead across both.

The waveforms are drawn as min/max envelopes (:func:`envelope`), so a 5-minute song costs no more
to draw than a short take. The source's pitch is drawn as the conversion meant it (shifted by the
key it used), wide and under the converted audio's own pitch, so where the two agree both stay
visible. Nothing here converts or analyses audio: it draws what a conversion returned.

Each plot's legend is its title line (a coloured line before each curve's name, :func:`legend_title`),
so it never covers a curve and never gets cut off when the plots are short; the plots keep a
readable minimum height (the Convert page scrolls instead of squeezing them), and both left axes
have one fixed width, so a time is at the same x in both plots and the two playheads line up.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QSplitter, QWidget

from voicecraft_desktop.core.live_pitch import hz_to_midi
from voicecraft_desktop.ui.widgets.audio_views import make_pitch_plot

SOURCE_COLOUR, RESULT_COLOUR = "#9ca3af", "#2563eb"
SOURCE_PITCH, RESULT_PITCH = "#f97316", "#2563eb"
WAVE_POINTS = 4000  # min/max envelope columns drawn for a waveform of any length
FRAME_S = 1.0 / 100.0  # the model's 10 ms pitch frames
WAVE_MIN_HEIGHT, PITCH_MIN_HEIGHT = 100, 190  # px: a visible envelope; a dozen readable semitones
LEFT_AXIS_PX = 40  # both plots' left axes (note names on the pitch plot), so their times line up


def envelope(wave: np.ndarray, rate: int, columns: int = WAVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(x seconds, y) of a min/max envelope: 2 points per column, cheap to draw for a 5-min song."""
    n = len(wave)
    if n <= 2 * columns:
        return np.arange(n) / rate, wave.astype(np.float32)
    per = n // columns
    blocks = wave[: per * columns].reshape(columns, per)
    y = np.empty(2 * columns, np.float32)
    y[0::2], y[1::2] = blocks.min(axis=1), blocks.max(axis=1)
    x = np.repeat(np.arange(columns) * per / rate, 2)
    return x, y


def legend_title(heading: str, entries: list[tuple[str, str]]) -> str:
    """A plot title that is its legend: ``heading``, then per ``(colour, name)`` a line drawn in the
    curve's colour before its name (rich text for ``PlotWidget.setTitle``)."""
    parts = [html.escape(heading)]
    parts += [f"<span style='color: {colour}'>━━</span>&nbsp;{html.escape(name)}" for colour, name in entries]
    return "&nbsp;&nbsp;&nbsp;".join(parts)


class ComparisonPlots(QSplitter):
    """The waveform plot above the pitch plot (note-name axis), x axes linked.

    Attributes:
        source_wave, result_wave: the envelopes of A (source) and B (converted).
        source_pitch, result_pitch: MIDI-number curves (NaN where unvoiced).
        playheads: one vertical line per plot, hidden unless playing.

    Signals:
        take_shown(object): the take :meth:`show_take` has just drawn (a conversion, or a song's vocal).
    """

    take_shown = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.wave_plot = pg.PlotWidget(background="w")
        self.wave_plot.setObjectName("wavePlot")
        self.wave_plot.setMouseEnabled(y=False)
        self.wave_plot.setYRange(-1, 1)
        blank = self.wave_plot.getAxis("left")  # no values, only the pitch plot's axis width
        blank.setStyle(showValues=False, tickLength=0)
        blank.setPen(pg.mkPen(None))
        self.wave_plot.hideAxis("bottom")  # the pitch plot's time axis, right below, is the same
        source_name, result_name = self.tr("A: source"), self.tr("B: converted")
        self.source_wave = self.wave_plot.plot([], [], pen=pg.mkPen(SOURCE_COLOUR, width=1), name=source_name)
        self.result_wave = self.wave_plot.plot(
            [], [], pen=pg.mkPen(pg.mkColor(RESULT_COLOUR), width=1), name=result_name
        )
        self.result_wave.setOpacity(0.75)
        self.wave_plot.setTitle(
            legend_title(self.tr("Waveform"), [(SOURCE_COLOUR, source_name), (RESULT_COLOUR, result_name)]),
            color="#333",
        )
        self.pitch_plot = make_pitch_plot()
        self.pitch_plot.setObjectName("pitchPlot")
        self.pitch_plot.setMouseEnabled(x=True, y=False)
        self.pitch_plot.setXLink(self.wave_plot)
        # drawn wide and under the converted curve: where the two agree, both stay visible
        shifted_name = self.tr("A: source after the key shift")
        self.source_pitch = self.pitch_plot.plot(
            [], [], pen=pg.mkPen(SOURCE_PITCH, width=6), connect="finite", name=shifted_name
        )
        self.source_pitch.setOpacity(0.6)
        self.result_pitch = self.pitch_plot.plot(
            [], [], pen=pg.mkPen(RESULT_PITCH, width=2), connect="finite", name=result_name
        )
        self.pitch_plot.setTitle(
            legend_title(self.tr("Pitch"), [(SOURCE_PITCH, shifted_name), (RESULT_PITCH, result_name)]),
            color="#333",
        )
        for plot, height in ((self.wave_plot, WAVE_MIN_HEIGHT), (self.pitch_plot, PITCH_MIN_HEIGHT)):
            plot.getAxis("left").setWidth(LEFT_AXIS_PX)
            plot.setMinimumHeight(height)
        self.playheads = [pg.InfiniteLine(0, pen=pg.mkPen("#111", width=1)) for _ in range(2)]
        self.wave_plot.addItem(self.playheads[0])
        self.pitch_plot.addItem(self.playheads[1])
        self.show_playhead(False)
        self.addWidget(self.wave_plot)
        self.addWidget(self.pitch_plot)
        self.setChildrenCollapsible(False)  # a plot is never dragged away to nothing
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.setSizes([200, 300])

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """No taller than the minimum (pyqtgraph asks 480 px per plot): the page gives the plots
        all the room it has left and scrolls only once even their minimum does not fit."""
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())

    def show_take(self, take: Any) -> None:
        """Draws a ``TakeResult``: both waveforms, both pitch curves, the whole take in view."""
        r = take.result
        rate = r.sample_rate
        self.source_wave.setData(*envelope(take.source_audio, rate))
        self.result_wave.setData(*envelope(r.audio, rate))
        t = np.arange(len(r.intended_f0)) * FRAME_S
        source_midi = hz_to_midi(np.where(r.intended_f0 > 0, r.intended_f0, 0.0))
        result_midi = hz_to_midi(take.output_f0)
        self.source_pitch.setData(t, source_midi)
        self.result_pitch.setData(t[: len(result_midi)], result_midi)
        both = np.concatenate([source_midi[np.isfinite(source_midi)], result_midi[np.isfinite(result_midi)]])
        if both.size:
            lo, hi = np.percentile(both, [2, 98])
            self.pitch_plot.setYRange(np.floor(lo) - 2, np.ceil(hi) + 2)
        self.wave_plot.setXRange(0, len(r.audio) / rate, padding=0.01)
        self.take_shown.emit(take)

    def show_playhead(self, visible: bool) -> None:
        for line in self.playheads:
            line.setVisible(visible)

    def move_playhead(self, position_s: float) -> None:
        for line in self.playheads:
            line.setValue(position_s)
