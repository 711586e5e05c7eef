"""The Train page's live curves: the training losses and the validation mel L1, with the best point.

:class:`TrainingCurves` keeps the points (``series``: name -> (steps, values)), takes them from
progress reports and from a run's logged history, and draws them. Drawing runs in the GUI thread
while training competes for the CPU, so it is kept cheap: no antialiasing on the many-point loss
lines, only the visible part drawn, long runs drawn peak-downsampled, axes cached as pixmaps, and
the loss view moved only when the curves leave it (:meth:`TrainingCurves._steady_loss_range`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem, QSplitter, QWidget

# Curves drawn live: the generator's total, its mel term, the KL terms and the discriminator.
LOSS_CURVES = {"g_total": "#1f77b4", "mel": "#2ca02c", "kl_f": "#9467bd", "d_total": "#d62728"}
VAL_TAG = "val/mel_l1"

Series = tuple[list[float], list[float]]


class TrainingCurves(QSplitter):
    """The loss plot above the validation plot.

    Attributes:
        series: name (a :data:`LOSS_CURVES` key or :data:`VAL_TAG`) -> (steps, values), in step order.
        best: (step, mel L1) the validation monitor calls best, or None (then the lowest point is
            marked).
        loss_lines: one plot item per :data:`LOSS_CURVES` name; ``val_line`` and ``best_marker``
            draw the validation points and the best one.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.series: dict[str, Series] = {}
        self.best: tuple[float, float] | None = None
        self.loss_plot = pg.PlotWidget(background="w")
        self.loss_plot.setClipToView(True)
        self.loss_plot.setDownsampling(auto=True, mode="peak")
        self.loss_plot.setObjectName("lossPlot")
        self.loss_plot.setTitle("Training losses", color="#333")
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.showGrid(x=True, y=True, alpha=0.3)
        self.loss_plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("#ccc"))
        self.loss_lines = {
            k: self.loss_plot.plot([], [], name=k, pen=pg.mkPen(c, width=1.5)) for k, c in LOSS_CURVES.items()
        }
        self.loss_plot.disableAutoRange()
        self._manual_range = self._setting_range = False
        self.loss_plot.getViewBox().sigRangeChangedManually.connect(self._range_changed_by_user)
        self.val_plot = pg.PlotWidget(background="w")
        self.val_plot.setTitle("Validation mel L1 (lower is better)", color="#333")
        self.val_plot.setLabel("bottom", "step")
        self.val_plot.showGrid(x=True, y=True, alpha=0.3)
        self.val_line = self.val_plot.plot(
            [], [], pen=pg.mkPen("#ff7f0e", width=2), symbol="o", symbolSize=6, symbolBrush="#ff7f0e"
        )
        self.best_marker = self.val_plot.plot(
            [], [], pen=None, symbol="star", symbolSize=14, symbolBrush="#2ca02c"
        )
        for plot in (self.loss_plot, self.val_plot):
            # Axes keep a pixmap of themselves: a repaint of the curves blits them instead of
            # re-rendering every tick label (they are redrawn when their range or size changes).
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addWidget(self.loss_plot)
        self.addWidget(self.val_plot)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    def clear_points(self) -> None:
        """Forgets every point and the best one, and draws the empty plots."""
        self.series.clear()
        self.best = None
        self.redraw()

    def follow(self) -> None:
        """Gives the loss view back to the curves after a user zoomed or panned (a new run starts)."""
        self._manual_range = False

    def add(self, p: Any) -> None:
        """Takes the finite loss values and the validation report of one progress report ``p``
        (a ``TrainProgress``); a resumed run repeats steps, and the repeated points replace the old."""
        for name, value in (p.losses or {}).items():
            if name in LOSS_CURVES and np.isfinite(value):
                self._append(name, float(p.step), float(value))
        if p.validation is not None:
            v = p.validation
            self._append(VAL_TAG, float(v.step), float(v.mel_l1))
            self.best = (float(v.best_step), float(v.best_mel_l1))

    def _append(self, name: str, step: float, value: float) -> None:
        steps, values = self.series.setdefault(name, ([], []))
        while steps and steps[-1] >= step:
            steps.pop()
            values.pop()
        steps.append(step)
        values.append(value)

    def merge_history(self, history: Any) -> None:
        """Puts a run's logged scalars (``history.scalars``: tag -> (steps, values)) under the live
        points: a logged point is kept only before the first live one of its curve."""
        for tag, (steps, values) in history.scalars.items():
            name = tag.split("/", 1)[-1] if tag.startswith("train/") else tag
            live_steps, live_values = self.series.get(name, ([], []))
            first_live = live_steps[0] if live_steps else float("inf")
            old = [(float(s), float(v)) for s, v in zip(steps, values) if s < first_live]
            self.series[name] = ([s for s, _ in old] + live_steps, [v for _, v in old] + live_values)

    def redraw(self, total_steps: int = 0) -> None:
        """Draws every series; the loss view spans steps 0 to ``total_steps`` (or the last point)."""
        for name, line in self.loss_lines.items():
            steps, values = self.series.get(name, ([], []))
            line.setData(steps, values)
        self._steady_loss_range(total_steps)
        steps, values = self.series.get(VAL_TAG, ([], []))
        self.val_line.setData(steps, values)
        best = self.best
        if best is None and values:  # a reloaded run: its lowest point
            i = int(np.argmin(values))
            best = (steps[i], values[i])
        self.best_marker.setData(*(([best[0]], [best[1]]) if best else ([], [])))

    def _steady_loss_range(self, total_steps: int) -> None:
        """Keeps the loss plot's view still while the curves grow.

        The x axis spans the whole run (0 to its last step); the y range changes only when a value
        leaves it or the values fill less than half of it. An axis whose range moves is laid out
        and drawn anew, which on every update was a good part of the GUI thread's time while
        training. A user who zooms or pans takes over until the next run starts.
        """
        if self._manual_range:
            return
        # Each line's bounds are computed once per setData by pyqtgraph (NaN-aware); no pass over
        # the whole history here.
        rects = [r for r in (line.dataRect() for line in self.loss_lines.values()) if r is not None]
        if not rects:
            return
        view = self.loss_plot.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        x_end = float(max(total_steps, max(r.right() for r in rects), 1))
        lo, hi = min(r.top() for r in rects), max(r.bottom() for r in rects)
        changes = {}
        if x0 != 0.0 or x1 != x_end:
            changes["xRange"] = (0.0, x_end)
        if lo < y0 or hi > y1 or (hi - lo) < 0.5 * (y1 - y0):
            margin = 0.1 * max(hi - lo, 1e-3 * max(abs(hi), 1.0))
            changes["yRange"] = (lo - margin, hi + margin)
        if changes:
            self._setting_range = True
            try:
                view.setRange(**changes, padding=0.0)
            finally:
                self._setting_range = False

    def _range_changed_by_user(self) -> None:
        if not self._setting_range:
            self._manual_range = True
