"""The Train page: pick a prepared voice, a base model and a preset; start, pause, stop, resume; watch.

Training is :func:`models.training.train` run as a GPU job through ``ctx.runner``, in a child
process (:func:`voicecraft_desktop.core.train_process.train_in_process`: the trainer's Python
never holds the GUI's GIL, and a crash of the trainer cannot take the app down). The worker
forwards progress at about 10 Hz; every progress is also appended to ``self._inbox`` by
:func:`voicecraft_desktop.core.runs.relay`, and the page drains the inbox whenever a progress
arrives, so no loss point, validation report or checkpoint is lost to the throttling.

- Stop sets the trainer's own stop event: it finishes the step, writes a checkpoint and returns
  (the job ends with ``result``). Start on the same voice resumes the run from its checkpoint.
- Pause sets the trainer's pause event (it waits between steps; Stop still works).
- Closing the app cancels the job; ``relay`` then stops the trainer cleanly as well.
- After each validation the logged clips are read back from the run's TensorBoard events, so the
  generated and the real validation audio can be played here.
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QProcess, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGraphicsItem,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core import paths
from voicecraft_desktop.core.dataset_jobs import DatasetInfo, dataset_dir_for, list_datasets
from voicecraft_desktop.core.library import VoiceLibrary
from voicecraft_desktop.core.playback import PlaybackError, Player
from voicecraft_desktop.core.runs import (
    AnyEvent,
    ValidationAudio,
    export_target,
    export_to_library,
    read_history,
    read_validation_audio,
    relay,
    run_busy,
    run_dir_for,
    run_status,
    voice_of_run,
)
from voicecraft_desktop.core.train_process import train_in_process
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.pages._common import call_task, format_duration, show_error
from voicecraft_desktop.ui.worker import Job, JobRefused

log = logging.getLogger(__name__)

# Curves drawn live: the generator's total, its mel term, the KL terms and the discriminator.
LOSS_CURVES = {"g_total": "#1f77b4", "mel": "#2ca02c", "kl_f": "#9467bd", "d_total": "#d62728"}
VAL_TAG = "val/mel_l1"
BASE_SCRATCH = "From scratch (no base model)"
BASE_PRETRAIN = "so-vits-svc-5.0 pretrain"
BASE_OTHER = "Other file…"
STEPS_SETTING = "train/max_steps"
PRESET_SETTING = "train/preset"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TrainPage(QWidget):
    """Training with live curves.

    Signals:
        run_ended(str): ``"done"``, ``"stopped"``, ``"failed"`` or ``"cancelled"``.
        exported(str): the folder of a voice exported from the run.
    """

    run_ended = Signal(str)
    exported = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainPage")
        self.ctx = ctx
        self.feature_cache = paths.cache_dir() / "features"
        self.player = Player()
        self.job: Job | None = None
        self.export_job: Job | None = None
        self.audio_job: Job | None = None
        self.error_box: QMessageBox | None = None
        self.confirm_box: QMessageBox | None = None  # "replace the voice of that name?"
        self.last_progress: Any = None
        self.last_result: Any = None
        self.validation_audio: list[ValidationAudio] = []
        self._inbox: collections.deque[Any] = collections.deque()
        self._curves_dirty = False
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._run_dir: Path | None = None
        self._curves: dict[str, tuple[list[float], list[float]]] = {}
        self._best: tuple[float, float] | None = None
        self._history_dir: Path | None = None  # the run whose curves are shown
        self.history_job: Job | None = None  # (step, mel L1) the validation monitor calls best
        self._base_file: Path | None = None
        self.tensorboard: QProcess | None = None
        self.tensorboard_url: str | None = None
        self._tensorboard_in_process_running = False

        # --- what to train
        self.voice_combo = QComboBox()
        self.voice_combo.setObjectName("voiceCombo")
        self.voice_combo.setMinimumContentsLength(24)
        self.base_combo = QComboBox()
        self.preset_combo = QComboBox()
        from models.config import VoiceConfig

        self.preset_combo.addItems(VoiceConfig.preset_names())
        preset = ctx.settings.value(PRESET_SETTING, "sovits5")
        if preset in VoiceConfig.preset_names():
            self.preset_combo.setCurrentText(preset)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 10_000_000)
        self.steps_spin.setSingleStep(1000)
        self.steps_spin.setValue(int(ctx.settings.value(STEPS_SETTING, 20000) or 20000))
        self.run_label = QLabel("")
        self.run_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Voice (prepared dataset):", self.voice_combo)
        form.addRow("Base model:", self.base_combo)
        form.addRow("Preset:", self.preset_combo)
        form.addRow("Stop after step:", self.steps_spin)
        form.addRow("", self.run_label)

        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("startButton")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.stop_button = QPushButton("Stop")
        self.export_button = QPushButton("Export voice…")
        self.tb_button = QPushButton("Open TensorBoard")
        buttons = QHBoxLayout()
        for b in (self.start_button, self.pause_button, self.stop_button, self.export_button, self.tb_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel("Choose a prepared voice and press Start.")
        self.hint_label = QLabel(
            "When to stop: validation runs every few hundred steps; the advice appears here."
        )
        self.hint_label.setObjectName("hintLabel")
        self.hint_label.setWordWrap(True)

        # --- curves
        # Drawing runs in the GUI thread while training competes for the CPU: no antialiasing on the
        # many-point loss lines, only the visible part drawn, and long runs drawn peak-downsampled.
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

        # --- validation audio + messages
        self.audio_list = QListWidget()
        self.audio_list.setObjectName("validationAudio")
        self.play_button = QPushButton("Play")
        self.play_button.setEnabled(False)
        audio_box = QGroupBox("Validation audio")
        audio_layout = QVBoxLayout(audio_box)
        audio_layout.addWidget(self.audio_list)
        audio_layout.addWidget(self.play_button)
        self.messages = QPlainTextEdit()
        self.messages.setReadOnly(True)
        self.messages.setMaximumBlockCount(500)
        messages_box = QGroupBox("Messages")
        QVBoxLayout(messages_box).addWidget(self.messages)

        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.val_plot)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(audio_box)
        side.addWidget(messages_box)
        side.setMinimumWidth(340)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(plots)
        body.addWidget(side)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        body.setSizes([760, 360])

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(body, 1)

        self.start_button.clicked.connect(self.start)
        self.pause_button.toggled.connect(self.set_paused)
        self.stop_button.clicked.connect(self.stop)
        self.export_button.clicked.connect(self._ask_export)
        self.tb_button.clicked.connect(self.open_tensorboard)
        self.play_button.clicked.connect(self.play_selected)
        self.audio_list.itemSelectionChanged.connect(
            lambda: self.play_button.setEnabled(bool(self.audio_list.selectedItems()))
        )
        self.audio_list.itemDoubleClicked.connect(lambda _item: self.play_selected())
        self.voice_combo.currentIndexChanged.connect(self._voice_changed)
        self.steps_spin.valueChanged.connect(lambda _v: self.job is None and self._voice_changed())
        self.base_combo.activated.connect(self._base_activated)
        ctx.events.voices_changed.connect(self.refresh)
        # The worker forwards at most ~10 progress signals a second and holds back the newest one until
        # the next step; a paused run yields nothing more, so the inbox is also read on a GUI timer.
        self._drain_timer = QTimer(self)
        self._drain_timer.setInterval(200)
        self._drain_timer.timeout.connect(self._drain)
        self.refresh()

    # ------------------------------------------------------------------ choices

    def refresh(self) -> None:
        """Re-lists the prepared datasets and the base models; keeps the current choice."""
        current = self.dataset()
        self.voice_combo.blockSignals(True)
        self.voice_combo.clear()
        for info in list_datasets():
            label = f"{info.name} — {info.clips} clips, {info.total_s / 60:.1f} min"
            if not info.has_features:
                label += " (features missing)"
            self.voice_combo.addItem(label, info)
            if current is not None and info.folder == current.folder:
                self.voice_combo.setCurrentIndex(self.voice_combo.count() - 1)
        self.voice_combo.blockSignals(False)
        self._refresh_bases()
        self._voice_changed()

    def _refresh_bases(self) -> None:
        previous = self.base_combo.currentData()
        self.base_combo.clear()
        self.base_combo.addItem(BASE_SCRATCH, None)
        try:
            pretrain = self.ctx.asset_store().locate("sovits5-pretrain")
        except Exception as exc:  # noqa: BLE001 - a bad located file must not break the page
            log.warning("pretrain not usable: %s", exc)
            pretrain = None
        if pretrain is not None:
            self.base_combo.addItem(BASE_PRETRAIN, pretrain)
        else:
            self.base_combo.addItem(f"{BASE_PRETRAIN} (not downloaded — see Settings)", None)
            self.base_combo.model().item(1).setEnabled(False)
        if self._base_file is not None:
            self.base_combo.addItem(self._base_file.name, self._base_file)
        self.base_combo.addItem(BASE_OTHER, "other")
        index = self.base_combo.findData(previous) if previous is not None else -1
        self.base_combo.setCurrentIndex(index if index >= 0 else (1 if pretrain is not None else 0))

    def _base_activated(self, index: int) -> None:
        if self.base_combo.itemData(index) != "other":
            return
        path, _ = QFileDialog.getOpenFileName(self, "Base model", "", "Checkpoints (*.ckpt *.pth *.pt)")
        if path:
            self._base_file = Path(path)
            self._refresh_bases()
            self.base_combo.setCurrentIndex(self.base_combo.findData(self._base_file))
        else:
            self.base_combo.setCurrentIndex(0)

    def dataset(self) -> DatasetInfo | None:
        """The chosen prepared dataset."""
        return self.voice_combo.currentData()

    def select_dataset(self, name: str) -> bool:
        """Chooses the dataset of this voice name (its :func:`dataset_dir_for` folder); True when found."""
        for i in range(self.voice_combo.count()):
            if self.voice_combo.itemData(i).folder == dataset_dir_for(name):
                self.voice_combo.setCurrentIndex(i)
                return True
        return False

    def base_model(self) -> Path | None:
        data = self.base_combo.currentData()
        return data if isinstance(data, Path) else None

    def _voice_changed(self) -> None:
        info = self.dataset()
        running = self.job is not None
        self.start_button.setEnabled(info is not None and info.has_features and not running)
        for w in (self.voice_combo, self.base_combo, self.preset_combo, self.steps_spin):
            w.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        if info is None:
            self._run_dir = None
            self.run_label.setText("No prepared voice yet: use “New voice from folder…” on the Library page.")
            self.export_button.setEnabled(False)
            self.tb_button.setEnabled(False)
            return
        if running:
            return
        self._run_dir = run_dir_for(info.folder)
        status = run_status(self._run_dir)
        if not info.has_features:
            self.run_label.setText("This dataset has no features; prepare it again on the Library page.")
        elif status.step and self.steps_spin.value() <= status.step:
            self.run_label.setText(
                f"The run of this voice is at step {status.step:,}. Raise “Stop after step” "
                f"to train it further, or export it."
            )
            self.start_button.setText("Resume")
            self.start_button.setEnabled(False)
        elif status.step:
            self.run_label.setText(
                f"A run of this voice stopped at step {status.step:,}: Resume continues it "
                f"to step {self.steps_spin.value():,} (its preset and base model are kept)."
            )
            self.start_button.setText("Resume")
        else:
            self.run_label.setText(f"New run in {self._run_dir}")
            self.start_button.setText("Start")
        self.export_button.setEnabled(status.exportable)
        self.tb_button.setEnabled((self._run_dir / "tb").is_dir())
        if self._history_dir != self._run_dir:
            self._load_history(self._run_dir, status.exists)

    def _load_history(self, run_dir: Path, exists: bool = True) -> None:
        """Shows the curves of ``run_dir``: cleared now, its logged history read by a job (a long run's
        TensorBoard events take seconds to parse) and merged under any live points on arrival."""
        self._history_dir = run_dir
        self._curves.clear()
        self._best = None
        self._redraw()
        if not exists or not (run_dir / "tb").is_dir():
            return
        try:
            job = self.ctx.runner.start("Read training history", call_task(read_history, run_dir))
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
        for tag, (steps, values) in history.scalars.items():
            name = tag.split("/", 1)[-1] if tag.startswith("train/") else tag
            live_steps, live_values = self._curves.get(name, ([], []))
            first_live = live_steps[0] if live_steps else float("inf")
            old = [(float(s), float(v)) for s, v in zip(steps, values) if s < first_live]
            self._curves[name] = ([s for s, _ in old] + live_steps, [v for _, v in old] + live_values)
        self._redraw()

    # ------------------------------------------------------------------ running

    def start(self) -> Job | None:
        """Starts (or resumes) training the chosen voice."""
        from models.config import VoiceConfig

        info = self.dataset()
        if info is None or self.job is not None:
            return None
        run_dir = run_dir_for(info.folder)
        busy = run_busy(run_dir)  # the trainer checks again (the lock); this answers at once
        if busy:
            self.error_box = show_error(self, "Cannot start training", f"“{info.name}”: {busy}.")
            return None
        config = VoiceConfig.from_preset(self.preset_combo.currentText())
        base, max_steps, device = self.base_model(), self.steps_spin.value(), self.ctx.device
        cache, inbox = self.feature_cache, self._inbox
        stop, pause = threading.Event(), threading.Event()

        threads = self.ctx.threads

        def task(cancel: threading.Event):  # type: ignore[no-untyped-def]
            # Stop (our event) and the app closing (the worker's) both end the run cleanly, paused or not.
            # The trainer runs in a child process so that its Python never holds the GUI's GIL.
            gen = train_in_process(
                run_dir,
                info.folder,
                config,
                feature_cache=cache,
                base=base,
                cancel=AnyEvent(stop, cancel),
                pause=pause,
                device=device,
                max_steps=max_steps,
                threads=threads,
            )
            return relay(gen, inbox.append, stop)

        try:
            job = self.ctx.runner.start(f"Training “{info.name}”", task, gpu=True)
        except JobRefused as exc:
            self.error_box = show_error(self, "Cannot start training", str(exc))
            return None
        self.ctx.settings.set_value(STEPS_SETTING, max_steps)
        self.ctx.settings.set_value(PRESET_SETTING, self.preset_combo.currentText())
        self.job, self._stop, self._pause, self._run_dir = job, stop, pause, run_dir
        self.last_progress = self.last_result = None
        self._manual_range = False
        self._inbox.clear()
        if self._history_dir != run_dir:
            self._load_history(run_dir, run_dir.is_dir())
        self.pause_button.setChecked(False)
        self.status_label.setText("Starting…")
        self.messages.appendPlainText(f"— {info.name}: training in {run_dir}")
        job.progress.connect(self._drain)
        self._drain_timer.start()
        job.result.connect(self._on_result)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.finished.connect(self._on_finished)
        self._voice_changed()
        return job

    def set_paused(self, paused: bool) -> None:
        """Pauses or continues the running training."""
        if self.job is None:
            self.pause_button.setChecked(False)
            return
        if paused:
            self._pause.set()
            self.pause_button.setText("Continue")
            self.status_label.setText("Pausing after this step…")
        else:
            self._pause.clear()
            self.pause_button.setText("Pause")

    def stop(self) -> None:
        """Stops after the current step; the trainer writes a checkpoint (Start resumes)."""
        if self.job is not None:
            self._stop.set()
            self.stop_button.setEnabled(False)
            self.status_label.setText("Stopping: finishing the step and writing a checkpoint…")

    def cancel(self) -> None:
        """Cancels the job (what the app does when it closes)."""
        if self.job is not None:
            self.job.cancel()

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
        if p.losses:
            for name, value in p.losses.items():
                if name in LOSS_CURVES and np.isfinite(value):
                    steps, values = self._curves.setdefault(name, ([], []))
                    if steps and steps[-1] >= p.step:  # a resumed run repeats steps: keep the new ones
                        while steps and steps[-1] >= p.step:
                            steps.pop()
                            values.pop()
                    steps.append(float(p.step))
                    values.append(float(value))
        if p.message:
            self.messages.appendPlainText(f"step {p.step}: {p.message}")
        if p.validation is not None:
            v = p.validation
            steps, values = self._curves.setdefault(VAL_TAG, ([], []))
            while steps and steps[-1] >= v.step:
                steps.pop()
                values.pop()
            steps.append(float(v.step))
            values.append(float(v.mel_l1))
            self._best = (float(v.best_step), float(v.best_mel_l1))
            self.show_hint(v)
            self._load_validation_audio()
        if p.checkpoint is not None:
            self.export_button.setEnabled(True)
        self.progress.setValue(int(1000 * p.fraction))
        phase = {"paused": "Paused", "cancelled": "Stopped", "done": "Finished", "starting": "Starting"}.get(
            p.phase, "Training"
        )
        eta = f" · ETA {format_duration(p.eta_s)}" if p.eta_s is not None and p.phase == "train" else ""
        speed = f" · {p.steps_per_s:.2f} steps/s" if p.steps_per_s else ""
        self.status_label.setText(
            f"{phase}: step {p.step:,} of {p.total_steps:,} · epoch {p.epoch + 1}{speed}{eta}"
            f" · batch {p.batch_size} · {p.device} {p.precision}"
        )

    def show_hint(self, report: Any) -> None:
        """The "when to stop" advice of a validation report."""
        colour = {"plateau": "#b8860b", "overfitting": "#c0392b"}.get(report.signal or "", "#2e7d32")
        verdict = {"plateau": "You can stop now", "overfitting": "Stop now"}.get(
            report.signal or "", "Keep training"
        )
        self.hint_label.setText(
            f"<b style='color:{colour}'>When to stop: {verdict}.</b> {report.advice} "
            f"(validation mel L1 {report.mel_l1:.3f}; best {report.best_mel_l1:.3f} "
            f"at step {report.best_step:,}; "
            f"export uses the best checkpoint.)"
        )

    def _redraw(self) -> None:
        for name, line in self.loss_lines.items():
            steps, values = self._curves.get(name, ([], []))
            line.setData(steps, values)
        self._steady_loss_range()
        steps, values = self._curves.get(VAL_TAG, ([], []))
        self.val_line.setData(steps, values)
        best = self._best
        if best is None and values:  # a reloaded run: its lowest point
            i = int(np.argmin(values))
            best = (steps[i], values[i])
        self.best_marker.setData(*(([best[0]], [best[1]]) if best else ([], [])))

    def _steady_loss_range(self) -> None:
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
        total = self.last_progress.total_steps if self.last_progress is not None else 0
        view = self.loss_plot.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        x_end = float(max(total, max(r.right() for r in rects), 1))
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

    def _on_result(self, result: Any) -> None:
        self._drain()
        self.last_result = result
        ended = "stopped" if result.cancelled else "done"
        self.status_label.setText(
            f"Stopped at step {result.step:,}; checkpoint written. Start resumes the run."
            if result.cancelled
            else f"Finished at step {result.step:,}. Export the voice to use it on the Convert page."
        )
        self.export_button.setEnabled(
            result.last_checkpoint is not None or result.best_checkpoint is not None
        )
        self.ctx.events.voices_changed.emit()  # the Library shows how far each dataset's run got
        self.run_ended.emit(ended)

    def _on_failed(self, message: str, tb: str) -> None:
        self._drain()
        self.status_label.setText(f"Training failed: {message}")
        # The trainer's own errors (a locked run, a missing device, a bad dataset) are one clear line;
        # only unexpected failures carry their traceback under "Details".
        user_error = tb.rstrip().rsplit("\n", 1)[-1].startswith("models.training.trainer.TrainingError")
        self.error_box = show_error(self, "Training failed", message, "" if user_error else tb)
        self.run_ended.emit("failed")

    def _on_cancelled(self) -> None:
        self._drain()
        self.status_label.setText("Training cancelled.")
        self.run_ended.emit("cancelled")

    def _on_finished(self) -> None:
        self._drain_timer.stop()
        self._drain()
        self.job = None
        self.pause_button.setChecked(False)
        self.pause_button.setText("Pause")
        self._voice_changed()

    # ------------------------------------------------------------------ validation audio

    def _load_validation_audio(self) -> None:
        if self._run_dir is None or self.audio_job is not None:
            return
        try:
            job = self.ctx.runner.start(
                "Read validation audio", call_task(read_validation_audio, self._run_dir)
            )
        except JobRefused:
            return
        self.audio_job = job
        job.result.connect(self.show_validation_audio)
        job.failed.connect(lambda message, _tb: log.warning("validation audio: %s", message))
        job.finished.connect(lambda: setattr(self, "audio_job", None))

    def show_validation_audio(self, clips: list[ValidationAudio]) -> None:
        """Lists the validation clips (generated first, then the real recordings)."""
        self.validation_audio = sorted(clips, key=lambda a: (a.kind != "generated", a.clip))
        self.audio_list.clear()
        for a in self.validation_audio:
            label = "converted by the model" if a.kind == "generated" else "real recording"
            item = QListWidgetItem(
                f"{a.clip} — {label} (step {a.step:,}, {len(a.wave) / a.sample_rate:.1f} s)"
            )
            self.audio_list.addItem(item)
        if self.validation_audio:
            self.audio_list.setCurrentRow(0)

    def play_selected(self) -> bool:
        row = self.audio_list.currentRow()
        if not 0 <= row < len(self.validation_audio):
            return False
        clip = self.validation_audio[row]
        try:
            self.player.play(clip.wave, clip.sample_rate)
        except PlaybackError as exc:
            self.error_box = show_error(self, "Cannot play", str(exc))
            return False
        return True

    # ------------------------------------------------------------------ export

    def _ask_export(self) -> None:
        info = self.dataset()
        if info is None:
            return
        ours = voice_of_run(self._run_dir) if self._run_dir is not None else None
        if ours is not None:  # trained further: keeping the name updates that voice
            default = ours.name
            label = f"Name in the library (keep “{ours.name}” to update it, or type a new name):"
        else:
            names = {e.name.casefold() for e in VoiceLibrary().entries()}
            default, label, n = info.name, "Name in the library:", 2
            while default.casefold() in names:
                default, n = f"{info.name} ({n})", n + 1
        name, ok = QInputDialog.getText(self, "Export voice", label, text=default)
        if ok and name.strip():
            self.export(name.strip())

    def export(self, name: str, replace: bool = False) -> Job | None:
        """Exports the run's best (else newest) checkpoint as a library voice named ``name``.

        The voice this run exported before is updated in place (it stays until the new version is
        complete); a voice of that name from elsewhere is replaced only after the user confirms
        (``replace``); until then this returns None with :attr:`confirm_box` open.
        """
        if self._run_dir is None:
            return None
        action, existing = export_target(self._run_dir, name)
        if action == "conflict" and not replace and existing is not None:
            self._confirm_replace(name, existing.name)
            return None
        from voicecraft_desktop import __version__

        try:
            job = self.ctx.runner.start(
                f"Export “{name}”",
                call_task(export_to_library, self._run_dir, name, app_version=__version__, replace=replace),
            )
        except JobRefused as exc:
            self.error_box = show_error(self, "Cannot export", str(exc))
            return None
        self.export_job = job
        self.export_button.setEnabled(False)
        job.result.connect(self._on_exported)
        job.failed.connect(
            lambda message, tb: setattr(self, "error_box", show_error(self, "Export failed", message, tb))
        )
        job.finished.connect(self._on_export_finished)
        return job

    def _confirm_replace(self, name: str, existing: str) -> None:
        """Asks (without blocking) whether to replace the same-named voice that is not from this run."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace voice?",
            f"A voice named “{existing}” is already in the library and was not trained in this run. "
            f"Replace it with this run's voice? It is kept until the new one is complete.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("replaceVoiceDialog")
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.button(QMessageBox.StandardButton.Yes).clicked.connect(lambda: self.export(name, replace=True))
        box.open()
        self.confirm_box = box

    def _on_exported(self, outcome: Any) -> None:
        folder = outcome.entry.folder
        if outcome.updated:
            self.messages.appendPlainText(f"updated “{outcome.entry.name}” in place ({folder})")
        else:
            self.messages.appendPlainText(f"exported to {folder}")
        self.ctx.events.voices_changed.emit()
        self.ctx.events.status.emit("Voice exported to the library")
        self.exported.emit(str(folder))

    def _on_export_finished(self) -> None:
        self.export_job = None
        self._voice_changed()

    # ------------------------------------------------------------------ TensorBoard

    def open_tensorboard(self) -> bool:
        """Starts TensorBoard on 127.0.0.1 (a free port) for this run and opens it in the browser."""
        if self._run_dir is None:
            return False
        if self.tensorboard is not None and self.tensorboard.state() != QProcess.ProcessState.NotRunning:
            if self.tensorboard_url:
                QDesktopServices.openUrl(QUrl(self.tensorboard_url))
            return True
        port = free_port()
        if getattr(sys, "frozen", False):
            return self._tensorboard_in_process(self._run_dir / "tb", port)
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.setProgram(sys.executable)
        process.setArguments(
            [
                "-m",
                "tensorboard.main",
                "--logdir",
                os.fspath(self._run_dir / "tb"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ]
        )
        self.tensorboard_url = f"http://127.0.0.1:{port}/"
        buffer: list[str] = []

        def output() -> None:
            text = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
            buffer.append(text)
            if self.tensorboard_url and self.tensorboard_url.rstrip("/") in "".join(buffer) and not opened:
                opened.append(True)
                self.messages.appendPlainText(f"TensorBoard: {self.tensorboard_url}")
                QDesktopServices.openUrl(QUrl(self.tensorboard_url))

        def ended(code: int, _status: Any) -> None:
            if not opened:
                self.error_box = show_error(
                    self,
                    "TensorBoard did not start",
                    f"TensorBoard exited with code {code}.",
                    "".join(buffer)[-4000:],
                )

        opened: list[bool] = []
        process.readyReadStandardOutput.connect(output)
        process.finished.connect(ended)
        process.start()
        self.tensorboard = process
        self.tb_button.setText("TensorBoard (running)")
        return True

    def _tensorboard_in_process(self, logdir: Path, port: int) -> bool:
        # A frozen app has no Python interpreter for `-m tensorboard.main` (sys.executable is the app
        # itself), so TensorBoard serves from this process, in its own daemon threads, until the app
        # exits. Importing and starting it takes seconds: a job does it off the GUI thread.
        if self.tensorboard_url and self._tensorboard_in_process_running:
            QDesktopServices.openUrl(QUrl(self.tensorboard_url))
            return True

        def launch() -> str:
            from tensorboard import program

            board = program.TensorBoard()
            # --load_fast=false: events are read in Python, so no data-server subprocess outlives the app
            argv = [None, "--logdir", os.fspath(logdir), "--host", "127.0.0.1", "--port", str(port)]
            board.configure(argv=[*argv, "--load_fast", "false"])
            return str(board.launch())

        try:
            job = self.ctx.runner.start("Start TensorBoard", call_task(launch))
        except JobRefused as exc:
            self.error_box = show_error(self, "TensorBoard did not start", str(exc))
            return False

        def started(url: str) -> None:
            self._tensorboard_in_process_running = True
            self.tensorboard_url = url
            self.tb_button.setText("TensorBoard (running)")
            self.messages.appendPlainText(f"TensorBoard: {url}")
            QDesktopServices.openUrl(QUrl(url))

        job.result.connect(started)
        job.failed.connect(
            lambda message, tb: setattr(
                self, "error_box", show_error(self, "TensorBoard did not start", message, tb)
            )
        )
        return True

    def shutdown(self) -> None:
        """Stops TensorBoard and playback (the main window calls it on close)."""
        self.player.stop()
        if self.tensorboard is not None:
            self.tensorboard.finished.disconnect()
            self.tensorboard.terminate()
            if not self.tensorboard.waitForFinished(3000):
                self.tensorboard.kill()
                self.tensorboard.waitForFinished(3000)
            self.tensorboard = None
            self.tb_button.setText("Open TensorBoard")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
