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

The parts live next door: the curves in :mod:`voicecraft_desktop.ui.widgets.train_plots`, the
validation audio in :mod:`.train_audio`, the export in :mod:`.train_export`, TensorBoard in
:mod:`voicecraft_desktop.ui.tensorboard`.
"""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core import paths
from voicecraft_desktop.core.dataset_jobs import DatasetInfo, dataset_dir_for, list_datasets
from voicecraft_desktop.core.runs import AnyEvent, read_history, relay, run_busy, run_dir_for, run_status
from voicecraft_desktop.core.train_process import train_in_process
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.pages._common import (
    call_task,
    format_duration,
    interval_timer,
    show_error,
    splitter,
)
from voicecraft_desktop.ui.pages.train_audio import ValidationAudioPanel
from voicecraft_desktop.ui.pages.train_export import RunExportMixin
from voicecraft_desktop.ui.tensorboard import TensorBoardServer
from voicecraft_desktop.ui.widgets.base_model_combo import BaseModelCombo
from voicecraft_desktop.ui.widgets.train_plots import TrainingCurves
from voicecraft_desktop.ui.worker import Job, JobRefused

log = logging.getLogger(__name__)

STEPS_SETTING = "train/max_steps"
PRESET_SETTING = "train/preset"


class TrainPage(RunExportMixin, QWidget):
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
        self.job: Job | None = None
        self.export_job: Job | None = None
        self.error_box: QMessageBox | None = None
        self.confirm_box: QMessageBox | None = None  # "replace the voice of that name?"
        self.last_progress: Any = None
        self.last_result: Any = None
        self._inbox: collections.deque[Any] = collections.deque()
        self._curves_dirty = False
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._run_dir: Path | None = None
        self._history_dir: Path | None = None  # the run whose curves are shown
        self.history_job: Job | None = None
        self.tensorboard = TensorBoardServer(ctx.runner, self)

        # --- what to train
        self.voice_combo = QComboBox()
        self.voice_combo.setObjectName("voiceCombo")
        self.voice_combo.setMinimumContentsLength(24)
        self.base_combo = BaseModelCombo(ctx.asset_store)
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

        self.curves = TrainingCurves()
        self.audio = ValidationAudioPanel(ctx.runner)
        self.messages = QPlainTextEdit()
        self.messages.setReadOnly(True)
        self.messages.setMaximumBlockCount(500)
        messages_box = QGroupBox("Messages")
        QVBoxLayout(messages_box).addWidget(self.messages)

        side = splitter(Qt.Orientation.Vertical, [self.audio, messages_box])
        side.setMinimumWidth(340)
        body = splitter(Qt.Orientation.Horizontal, [self.curves, side], [3, 1], [760, 360])

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
        self.voice_combo.currentIndexChanged.connect(self._voice_changed)
        self.steps_spin.valueChanged.connect(lambda _v: self.job is None and self._voice_changed())
        ctx.events.voices_changed.connect(self.refresh)
        # The worker forwards at most ~10 progress signals a second and holds back the newest one until
        # the next step; a paused run yields nothing more, so the inbox is also read on a GUI timer.
        self._drain_timer = interval_timer(self, 200, self._drain)
        self.tensorboard.running.connect(lambda: self.tb_button.setText("TensorBoard (running)"))
        self.tensorboard.serving.connect(lambda url: self.messages.appendPlainText(f"TensorBoard: {url}"))
        self.tensorboard.failed.connect(
            lambda message, details: setattr(
                self, "error_box", show_error(self, "TensorBoard did not start", message, details)
            )
        )
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
        self.base_combo.refresh()
        self._voice_changed()

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
        """The chosen base model's checkpoint, or None to train from scratch."""
        return self.base_combo.base_model()

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
        self.curves.clear_points()
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
        self.curves.merge_history(history)
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
            self.error_box = show_error(
                self, "Cannot start training",
                f"“{info.name}” is {busy}: another VoiceCraft window or the command line is training "
                "this voice. Wait for it to finish, or stop it there, then press Start again.",
            )
            self.status_label.setText(f"“{info.name}” is {busy}.")
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
        self.curves.follow()
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
        self.curves.add(p)
        if p.message:
            self.messages.appendPlainText(f"step {p.step}: {p.message}")
        if p.validation is not None:
            self.show_hint(p.validation)
            self.audio.load(self._run_dir)
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
        self.curves.redraw(self.last_progress.total_steps if self.last_progress is not None else 0)

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

    # ------------------------------------------------------------------ validation audio, TensorBoard

    @property
    def audio_job(self) -> Job | None:
        """The job reading the run's validation clips, while it runs."""
        return self.audio.job

    def open_tensorboard(self) -> bool:
        """Starts TensorBoard on 127.0.0.1 (a free port) for this run and opens it in the browser."""
        if self._run_dir is None:
            return False
        return self.tensorboard.open(self._run_dir / "tb")

    def shutdown(self) -> None:
        """Stops TensorBoard and playback (the main window calls it on close)."""
        self.audio.player.stop()
        if self.tensorboard.shutdown():
            self.tb_button.setText("Open TensorBoard")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
