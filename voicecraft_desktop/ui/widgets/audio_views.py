"""Audio widgets: a level meter with a clip warning, a note-name pitch axis, scrolling plots.

Everything here renders what it is given; nothing captures or analyses audio (that is
``core.recorder`` and ``core.live_pitch``). Plots use pyqtgraph with ``setData`` on fixed-size
numpy arrays (friture's approach), so a 30 Hz update costs well under a millisecond.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from voicecraft_desktop.core.live_pitch import hz_to_midi, note_name

METER_FLOOR_DB = -60.0
CLIP_HOLD_S = 1.5  # the clip light stays on this long after the last clipped block
PEAK_HOLD_S = 1.0

WAVE_COLOUR = "#3b82f6"
PITCH_COLOUR = "#f97316"


class LevelMeter(QWidget):
    """Horizontal peak/RMS meter in dBFS with peak hold and a CLIP light."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelMeter")
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.peak_db = METER_FLOOR_DB
        self.rms_db = METER_FLOOR_DB
        self._hold_db = METER_FLOOR_DB
        self._hold_time = 0.0
        self._clip_time = -1e9

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(300, 22)

    @property
    def clipping(self) -> bool:
        """True while the clip light is on."""
        return time.monotonic() - self._clip_time < CLIP_HOLD_S

    def set_level(self, peak_db: float, rms_db: float, clipped: bool) -> None:
        now = time.monotonic()
        self.peak_db, self.rms_db = peak_db, rms_db
        if peak_db >= self._hold_db or now - self._hold_time > PEAK_HOLD_S:
            self._hold_db, self._hold_time = peak_db, now
        if clipped:
            self._clip_time = now
        self.update()

    def reset(self) -> None:
        self.peak_db = self.rms_db = self._hold_db = METER_FLOOR_DB
        self._clip_time = -1e9
        self.update()

    def _x(self, db: float, width: float) -> float:
        return width * (min(0.0, max(METER_FLOOR_DB, db)) - METER_FLOOR_DB) / -METER_FLOOR_DB

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        clip_w = 44
        w = self.width() - clip_w - 6
        h = self.height()
        p.fillRect(QRectF(0, 0, w, h), QColor("#1f2937"))
        # Green up to -12 dBFS, yellow to -3, red above: the usual recording-level zones.
        for lo, hi, colour in ((METER_FLOOR_DB, -12, "#22c55e"), (-12, -3, "#eab308"), (-3, 0, "#ef4444")):
            top = min(self.peak_db, hi)
            if top > lo:
                x0, x1 = self._x(lo, w), self._x(top, w)
                p.fillRect(QRectF(x0, 3, x1 - x0, h - 6), QColor(colour))
        xr = self._x(self.rms_db, w)
        p.fillRect(QRectF(0, h / 2 - 1, xr, 2), QColor("#f9fafb"))
        xh = self._x(self._hold_db, w)
        p.fillRect(QRectF(xh - 1, 2, 2, h - 4), QColor("#f9fafb"))
        p.setPen(QColor("#9ca3af"))
        for db in (-48, -36, -24, -12, -6, -3):
            p.drawLine(int(self._x(db, w)), h - 4, int(self._x(db, w)), h)
        clip_rect = QRectF(w + 6, 0, clip_w, h)
        p.fillRect(clip_rect, QColor("#dc2626" if self.clipping else "#374151"))
        p.setPen(QColor("white" if self.clipping else "#9ca3af"))
        p.drawText(clip_rect, Qt.AlignmentFlag.AlignCenter, "CLIP")
        p.end()


class NoteAxis(pg.AxisItem):
    """A y axis in MIDI note numbers labelled with note names (C4, E4, ...)."""

    NAME_PX = 22  # a note name per semitone needs this many pixels per semitone

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph override
        """Cs; or C/E/G, then D/A, then F/B (pyqtgraph names a level only while the names fit);
        or every semitone, as the plot's height allows (each value in one level: a value in two
        would be named twice)."""
        span = maxVal - minVal
        if span <= 0:
            return []
        lo, hi = int(np.floor(minVal)), int(np.ceil(maxVal))
        px = size / span  # pixels per semitone
        notes = range(lo, hi + 1)
        if span > 36 or 4 * px < self.NAME_PX:  # more than three octaves, or tiny: only the Cs
            return [(12, [m for m in notes if m % 12 == 0])]
        if span > 16 or px < self.NAME_PX:  # C, E, G; then D, A; then F, B (a semitone from E, C)
            levels = [(0, 4, 7), (2, 9), (5, 11)]
            if px >= 8:  # the sharps as grid lines, unless they would crowd the plot
                levels.append((1, 3, 6, 8, 10))
            return [(12 if i == 0 else 1, [m for m in notes if m % 12 in keep]) for i, keep in enumerate(levels)]
        return [(12, [m for m in notes if m % 12 == 0]), (1, [m for m in notes if m % 12 != 0])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        return [note_name(v) for v in values]


def make_pitch_plot(parent: QWidget | None = None) -> pg.PlotWidget:
    """A PlotWidget whose y axis shows note names; y data are MIDI numbers (:func:`hz_to_midi`)."""
    plot = pg.PlotWidget(parent, axisItems={"left": NoteAxis(orientation="left")})
    plot.setBackground("w")
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setLabel("bottom", QCoreApplication.translate("AudioViews", "time"), units="s")
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setYRange(48, 72)  # C3..C5 until there is a voice to follow
    return plot


class ScrollingWaveform(pg.PlotWidget):
    """The last ``seconds`` of a mono signal as a min/max envelope (fixed number of points)."""

    def __init__(self, sample_rate: int, seconds: float = 6.0, columns: int = 600, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("liveWaveform")
        self.setBackground("w")
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setYRange(-1.0, 1.0)
        self.setLabel("bottom", QCoreApplication.translate("AudioViews", "time"), units="s")
        self.getPlotItem().getAxis("left").setWidth(44)
        self.seconds, self.columns = seconds, columns
        self._curve_hi = self.plot(pen=pg.mkPen(WAVE_COLOUR, width=1))
        self._curve_lo = self.plot(pen=pg.mkPen(WAVE_COLOUR, width=1))
        self._fill = pg.FillBetweenItem(self._curve_hi, self._curve_lo, brush=pg.mkBrush(59, 130, 246, 120))
        self.addItem(self._fill)
        self.set_sample_rate(sample_rate)

    def set_sample_rate(self, sample_rate: int) -> None:
        self.sample_rate = int(sample_rate)
        self._per_column = max(1, int(self.sample_rate * self.seconds / self.columns))
        self._hi = np.zeros(self.columns, np.float32)
        self._lo = np.zeros(self.columns, np.float32)
        self._carry = np.zeros(0, np.float32)
        self._x = np.linspace(-self.seconds, 0.0, self.columns)
        self.setXRange(-self.seconds, 0.0, padding=0)
        self._redraw()

    def clear_signal(self) -> None:
        self.set_sample_rate(self.sample_rate)

    def append(self, block: np.ndarray) -> None:
        x = np.concatenate([self._carry, np.asarray(block, np.float32)])
        n = len(x) // self._per_column
        self._carry = x[n * self._per_column :]
        if n == 0:
            return
        cols = x[: n * self._per_column].reshape(n, self._per_column)
        hi, lo = cols.max(axis=1), cols.min(axis=1)
        if n >= self.columns:
            self._hi[:], self._lo[:] = hi[-self.columns :], lo[-self.columns :]
        else:
            self._hi = np.roll(self._hi, -n)
            self._lo = np.roll(self._lo, -n)
            self._hi[-n:], self._lo[-n:] = hi, lo
        self._redraw()

    def _redraw(self) -> None:
        self._curve_hi.setData(self._x, self._hi)
        self._curve_lo.setData(self._x, self._lo)


class ScrollingPitch(QWidget):
    """The last ``seconds`` of a pitch curve on a note-name axis; follows the voice's range."""

    def __init__(self, seconds: float = 6.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self.plot = make_pitch_plot()
        self.plot.setObjectName("livePitch")
        self.plot.setXRange(-seconds, 0.0, padding=0)
        self.plot.getPlotItem().getAxis("left").setWidth(44)
        self._curve = self.plot.plot(pen=pg.mkPen(PITCH_COLOUR, width=3), connect="finite")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.clear_signal()

    def clear_signal(self) -> None:
        self._t = np.zeros(0)
        self._midi = np.zeros(0)
        self._now = 0.0
        self._curve.setData([], [])

    def append(self, times_s: np.ndarray, f0_hz: np.ndarray, now_s: float | None = None) -> None:
        if len(times_s):
            self._t = np.concatenate([self._t, times_s])
            self._midi = np.concatenate([self._midi, hz_to_midi(f0_hz)])
        self._now = max(self._now, now_s if now_s is not None else (self._t[-1] if len(self._t) else 0.0))
        keep = self._t > self._now - self.seconds
        self._t, self._midi = self._t[keep], self._midi[keep]
        self._curve.setData(self._t - self._now, self._midi)
        voiced = self._midi[np.isfinite(self._midi)]
        if len(voiced) > 5:
            lo, hi = np.percentile(voiced, [5, 95])
            centre = (lo + hi) / 2
            half = max(7.0, (hi - lo) / 2 + 3)
            self.plot.setYRange(centre - half, centre + half, padding=0)

    def midi_values(self) -> np.ndarray:
        return self._midi.copy()

    def times_s(self) -> np.ndarray:
        """The plotted frames' times, in seconds of the stream (aligned with :meth:`midi_values`)."""
        return self._t.copy()
