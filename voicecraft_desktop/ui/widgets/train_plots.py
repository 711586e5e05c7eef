"""The Train page's live curves: the training losses and the validation mel L1, with the best point.

:class:`TrainingCurves` keeps the points (``series``: name -> (steps, values)), takes them from
progress reports and from a run's logged history, and draws them. Drawing runs in the GUI thread
while training competes for the CPU, so it is kept cheap: no antialiasing on the many-point loss
lines, only the visible part drawn, long runs drawn peak-downsampled, axes cached as pixmaps, and
the loss view moved only when the curves leave it (:meth:`TrainingCurves._steady_loss_range`).

The loss view's y range is robust (:func:`robust_range`): one loss spike (a bad batch at 390 among
values near 30) stays off the top of the view, counted in the title, instead of flattening every
other point. Curves are named for a singer, with the technical name in the legend's tooltip.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

# Curves drawn live: the generator's total, its mel term, the KL terms and the discriminator.
LOSS_CURVES = {"g_total": "#1f77b4", "mel": "#2ca02c", "kl_f": "#9467bd", "d_total": "#d62728"}
VAL_TAG = "val/mel_l1"
# name -> (what a singer reads, the technical name and meaning in the tooltip)
LOSS_NAMES = {
    "g_total": (
        QT_TRANSLATE_NOOP("TrainingCurves", "Overall error"),
        QT_TRANSLATE_NOOP(
            "TrainingCurves",
            "g_total: the generator's total loss (adversarial, feature matching, mel, "
            "multi-resolution STFT, KL and speaker terms). Should fall, then level off.",
        ),
    ),
    "mel": (
        QT_TRANSLATE_NOOP("TrainingCurves", "Sound difference"),
        QT_TRANSLATE_NOOP(
            "TrainingCurves",
            "mel: L1 distance between the mel spectrograms of the generated and the "
            "real audio (weighted). Lower means closer to the recordings.",
        ),
    ),
    "kl_f": (
        QT_TRANSLATE_NOOP("TrainingCurves", "Model fit"),
        QT_TRANSLATE_NOOP(
            "TrainingCurves",
            "kl_f: KL divergence between the posterior and the flow-mapped prior; how well "
            "the model's two halves agree.",
        ),
    ),
    "d_total": (
        QT_TRANSLATE_NOOP("TrainingCurves", "Judge"),
        QT_TRANSLATE_NOOP(
            "TrainingCurves",
            "d_total: the discriminators' loss (the critics that tell real from generated "
            "audio). It should stay roughly level; a fall towards 0 means the judge is winning.",
        ),
    ),
}
VAL_NAME = QT_TRANSLATE_NOOP(
    "TrainingCurves", "How close to the real voice (held-out recordings; lower is better)"
)
VAL_TOOLTIP = QT_TRANSLATE_NOOP(
    "TrainingCurves",
    "val/mel_l1: mean mel-spectrogram L1 of the conversion path on recordings held out of training, "
    "every few hundred steps. The ★ marks the best (lowest) one: the checkpoint Export offers first."
)
LEGEND_HTML = "<span style='color:{colour}'>━━</span> {name}"  # a curve's colour, then its name
SPIKE_FENCE = 3.0  # values beyond the quartiles by this many interquartile ranges are spikes

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
        self.loss_plot.setTitle(self.tr("Training losses"), color="#333")
        self.loss_plot.setLabel("bottom", self.tr("step"))
        self.loss_plot.showGrid(x=True, y=True, alpha=0.3)
        self.loss_lines = {
            k: self.loss_plot.plot([], [], name=self.tr(LOSS_NAMES[k][0]), pen=pg.mkPen(c, width=1.5))
            for k, c in LOSS_CURVES.items()
        }
        self.legend_labels: dict[str, QLabel] = {}
        legend = QHBoxLayout()
        legend.setContentsMargins(6, 2, 6, 0)
        legend.setSpacing(16)
        for key, colour in LOSS_CURVES.items():
            label = QLabel(LEGEND_HTML.format(colour=colour, name=self.tr(LOSS_NAMES[key][0])))
            label.setToolTip(self.tr(LOSS_NAMES[key][1]))
            legend.addWidget(label)
            self.legend_labels[key] = label
        legend.addStretch(1)
        self.spikes = 0  # loss points above the top of the view (robust range)
        self._bounds_cache: tuple[tuple[int, ...], float, tuple[float, float]] | None = None
        self.loss_plot.disableAutoRange()
        self._manual_range = self._setting_range = False
        self.loss_plot.getViewBox().sigRangeChangedManually.connect(self._range_changed_by_user)
        self.val_plot = pg.PlotWidget(background="w")
        self.val_plot.setTitle(self.tr(VAL_NAME), color="#333")
        self.val_plot.setToolTip(self.tr(VAL_TOOLTIP))
        self.val_plot.setLabel("bottom", self.tr("step"))
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
        loss_box = QWidget()
        loss_layout = QVBoxLayout(loss_box)
        loss_layout.setContentsMargins(0, 0, 0, 0)
        loss_layout.setSpacing(0)
        loss_layout.addLayout(legend)
        loss_layout.addWidget(self.loss_plot, 1)
        loss_box.setStyleSheet("background: white")
        self.addWidget(loss_box)
        self.addWidget(self.val_plot)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    def clear_points(self) -> None:
        """Forgets every point and the best one, and draws the empty plots."""
        self.series.clear()
        self.best = None
        self._bounds_cache = None
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
        self._bounds_cache = None

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
        # Each line's x bounds are computed once per setData by pyqtgraph; the y bounds are robust.
        rects = [r for r in (line.dataRect() for line in self.loss_lines.values()) if r is not None]
        if not rects:
            return
        view = self.loss_plot.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        x_end = float(max(total_steps, max(r.right() for r in rects), 1))
        lo, hi = self._robust_bounds()
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

    def _robust_bounds(self) -> tuple[float, float]:
        """The loss curves' :func:`robust_range` together, and the spikes above it counted in the title.

        A long run's curves are read again at most once a second (they hold up to a point per step);
        in between, only the new points widen the cached bounds, as long as they are not spikes.
        """
        import time

        counts = tuple(len(self.series.get(k, ([], []))[1]) for k in self.loss_lines)
        now = time.monotonic()
        cached = self._bounds_cache
        if cached is not None and (cached[0] == counts or (sum(counts) > 2000 and now - cached[1] < 1.0)):
            return cached[2]
        bounds = [robust_range(self.series[k][1]) for k, n in zip(self.loss_lines, counts) if n]
        lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
        spikes = sum(
            int(np.count_nonzero(np.asarray(self.series[k][1]) > hi))
            for k, n in zip(self.loss_lines, counts)
            if n
        )
        if spikes != self.spikes:
            self.spikes = spikes
            extra = (
                self.tr(" — 1 spike above the top, not to scale")
                if spikes == 1
                else self.tr(" — %n spikes above the top, not to scale", "", spikes)
                if spikes
                else ""
            )
            self.loss_plot.setTitle(self.tr("Training losses{extra}").format(extra=extra), color="#333")
        self._bounds_cache = (counts, now, (lo, hi))
        return lo, hi

    def _range_changed_by_user(self) -> None:
        if not self._setting_range:
            self._manual_range = True


def robust_range(values: Any, sample: int = 4000) -> tuple[float, float]:
    """(low, high) of ``values`` without their spikes: the extremes that lie within
    :data:`SPIKE_FENCE` interquartile ranges of the quartiles (Tukey's far-out fences). Long series
    are read at an even stride of about ``sample`` points, plus their last point."""
    a = np.asarray(values, dtype=np.float64)
    a = a[np.isfinite(a)]
    if a.size == 0:
        return 0.0, 1.0
    if a.size > sample:
        a = np.concatenate([a[:: a.size // sample], a[-1:]])
    if a.size < 5:
        return float(a.min()), float(a.max())
    q1, q3 = np.percentile(a, [25, 75])
    spread = max(q3 - q1, 1e-6 * max(abs(q3), 1.0))
    inside = a[(a >= q1 - SPIKE_FENCE * spread) & (a <= q3 + SPIKE_FENCE * spread)]
    return float(inside.min()), float(inside.max())
