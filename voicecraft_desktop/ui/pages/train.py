"""The Train page: pick a prepared voice, a base model and a preset; start, pause, stop, resume; watch.

Training is :func:`models.training.train` run as a GPU job through ``ctx.runner``, in a child
process (:func:`voicecraft_desktop.core.train_process.train_in_process`: the trainer's Python
never holds the GUI's GIL, and a crash of the trainer cannot take the app down). The worker
forwards progress at about 10 Hz; every progress is also appended to ``self._inbox`` by
:func:`voicecraft_desktop.core.runs.relay`, and the page drains the inbox whenever a progress
arrives, so no loss point, validation report or checkpoint is lost to the throttling.

- A new run fine-tunes from the so-vits-svc-5.0 pretrain when it is there, and stops by default at
  :func:`voicecraft_desktop.core.runs.default_steps`; before it starts, the page shows the time it
  would take here, measured over a few real steps in a worker (:mod:`.train_estimate`), and on a
  CPU says that the full-size model needs a GPU and offers the small trial preset.
- Once a run has a checkpoint its preset and base model are fixed (shown, greyed out, with the
  reason); "Start over…" begins a new run, the old one archived or deleted (:mod:`.train_runs`).
- Every status line is derived from what is selected now: switching voice replaces the previous
  voice's progress text with this voice's state (e.g. "Stopped at step 30 … Resume continues it").
- Stop sets the trainer's own stop event: it finishes the step, writes a checkpoint and returns
  (the job ends with ``result``). Resume on the same voice continues the run from its checkpoint.
- Pause sets the trainer's pause event (it waits between steps; Stop still works).
- Closing the app cancels the job; ``relay`` then stops the trainer cleanly as well.
- After each validation the logged clips are read back from the run's TensorBoard events, so the
  generated and the real validation audio can be played here.

This module builds the page and starts, pauses and stops the run. The parts live next door:
what the choices mean for the chosen voice (Start or Resume, fixed settings, the step default,
"Start over…") in :mod:`.train_choices`; the running job's progress, curves and end in
:mod:`.train_progress` (the curves widget in :mod:`voicecraft_desktop.ui.widgets.train_plots`); the
time estimate in :mod:`.train_estimate`; the validation audio in :mod:`.train_audio`; the export in
:mod:`.train_export`; TensorBoard in :mod:`voicecraft_desktop.ui.tensorboard`.
"""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
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
from voicecraft_desktop.core.runs import (
    AnyEvent,
    RunStatus,
    relay,
    run_busy,
    run_dir_for,
    run_status,
)
from voicecraft_desktop.core.train_process import train_in_process
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.error_text import engine_text, error_text
from voicecraft_desktop.ui.pages._common import (
    call_task,
    interval_timer,
    keeping_error,
    show_error,
    splitter,
)
from voicecraft_desktop.ui.pages.train_audio import ValidationAudioPanel
from voicecraft_desktop.ui.pages.train_choices import (
    HINT_BEFORE,
    PRESET_WORDS,
    TrainChoicesMixin,
    visible_gpus,
)
from voicecraft_desktop.ui.pages.train_estimate import SpeedEstimator
from voicecraft_desktop.ui.pages.train_export import RunExportMixin
from voicecraft_desktop.ui.pages.train_progress import TrainProgressMixin
from voicecraft_desktop.ui.tensorboard import TensorBoardServer
from voicecraft_desktop.ui.widgets.base_model_combo import BaseModelCombo
from voicecraft_desktop.ui.widgets.train_plots import TrainingCurves
from voicecraft_desktop.ui.worker import Job, JobRefused

log = logging.getLogger(__name__)

PRESET_SETTING = "train/preset"

CPU_WARNING = QT_TRANSLATE_NOOP(
    "TrainPage",
    "<b style='color:#b8860b'>This computer has no usable graphics card (GPU).</b> Training a full-size "
    "voice needs one: on the processor alone it takes days (the estimate below is measured here). "
    "For a first try, use the small trial preset: minutes, rough sound.",
)


class TrainPage(TrainChoicesMixin, TrainProgressMixin, RunExportMixin, QWidget):
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
        self.run_read_job: Job | None = None  # reads an older run's checkpoints (no info files)
        self._reading_run: Path | None = None
        self._progress_unknown = False  # the bar waits for the run's target
        self.tensorboard = TensorBoardServer(ctx.runner, self)

        # --- what to train
        self.voice_combo = QComboBox()
        self.voice_combo.setObjectName("voiceCombo")
        self.voice_combo.setMinimumContentsLength(24)
        self.base_combo = BaseModelCombo(ctx.asset_store, settings=ctx.settings)
        self.preset_combo = QComboBox()
        from models.config import VoiceConfig

        for name in VoiceConfig.preset_names():
            self.preset_combo.addItem(name)
            words = self.tr(PRESET_WORDS[name]) if name in PRESET_WORDS else ""
            self.preset_combo.setItemData(
                self.preset_combo.count() - 1,
                words.replace("<b>", "").replace("</b>", ""),
                Qt.ItemDataRole.ToolTipRole,
            )
        preset = ctx.settings.value(PRESET_SETTING, "sovits5")
        if preset in VoiceConfig.preset_names():
            self.preset_combo.setCurrentText(preset)
        self.preset_info = QLabel("")
        self.preset_info.setObjectName("presetInfo")
        self.preset_info.setWordWrap(True)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 10_000_000)
        self.steps_spin.setSingleStep(1000)
        self.steps_spin.setGroupSeparatorShown(True)
        self._auto_steps = True  # the step count follows the rule until the user edits it
        self._setting = False  # the page itself is changing the choices (no "user edited" then)
        self._new_choice: tuple[str, int] | None = None  # (preset, base index) to restore after a fixed run
        self.steps_info = QLabel("")
        self.steps_info.setWordWrap(True)
        self.run_label = QLabel("")
        self.run_label.setObjectName("runLabel")
        self.run_label.setWordWrap(True)
        self.cpu_warning = QLabel(self.tr(CPU_WARNING))
        self.cpu_warning.setObjectName("cpuWarning")
        self.cpu_warning.setWordWrap(True)
        self.small_preset_button = QPushButton(self.tr("Use the small trial preset"))
        self.small_preset_button.setObjectName("smallPresetButton")
        warning_row = QHBoxLayout()
        warning_row.addWidget(self.cpu_warning, 1)
        warning_row.addWidget(self.small_preset_button, 0, Qt.AlignmentFlag.AlignTop)
        self.cpu_warning_box = QWidget()
        self.cpu_warning_box.setLayout(warning_row)
        warning_row.setContentsMargins(0, 0, 0, 0)
        self.estimate = SpeedEstimator(ctx.runner, self)
        self.estimate_label = QLabel("")
        self.estimate_label.setObjectName("estimateLabel")
        self.estimate_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Voice (prepared dataset):"), self.voice_combo)
        form.addRow(self.tr("Start from:"), self.base_combo)
        form.addRow(self.tr("Model size (preset):"), self.preset_combo)
        form.addRow(self.tr("Stop after step:"), self.steps_spin)
        # Several GPUs (issue 17): one training process per GPU when checked.
        self.all_gpus_check = QCheckBox("")
        self.all_gpus_check.setObjectName("allGpusCheck")
        self.all_gpus_check.setToolTip(
            self.tr(
                "Train on every graphics card of this computer at once: each card takes a batch of the "
                "preset's size, so every step learns from more audio. Pause is not available then; Stop and "
                "Start again continue from the last save."
            )
        )
        form.addRow("", self.all_gpus_check)
        # What the choices mean, under the form (word-wrapped labels inside a form layout take odd heights).
        about = QVBoxLayout()
        about.setSpacing(2)
        for label in (self.preset_info, self.steps_info, self.run_label):
            about.addWidget(label)

        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setObjectName("startButton")
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.start_over_button = QPushButton(self.tr("Start over…"))
        self.start_over_button.setObjectName("startOverButton")
        self.start_over_button.setToolTip(
            self.tr(
                "Begin a new run of this voice with new settings; the old run is kept in the archive or "
                "deleted."
            )
        )
        self.export_button = QPushButton(self.tr("Export voice…"))
        self.tb_button = QPushButton(self.tr("Open TensorBoard"))
        buttons = QHBoxLayout()
        for b in (
            self.start_button,
            self.pause_button,
            self.stop_button,
            self.start_over_button,
            self.export_button,
            self.tb_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel("")
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        self.hint_label = QLabel(self.tr(HINT_BEFORE))
        self.hint_label.setObjectName("hintLabel")
        self.hint_label.setWordWrap(True)
        self._ended: tuple[Path, str] | None = None  # (run, how its last job in this window ended)

        self.curves = TrainingCurves()
        self.audio = ValidationAudioPanel(ctx.runner)
        self.messages = QPlainTextEdit()
        self.messages.setReadOnly(True)
        self.messages.setMaximumBlockCount(500)
        messages_box = QGroupBox(self.tr("Messages"))
        QVBoxLayout(messages_box).addWidget(self.messages)

        side = splitter(Qt.Orientation.Vertical, [self.audio, messages_box])
        side.setMinimumWidth(340)
        body = splitter(Qt.Orientation.Horizontal, [self.curves, side], [3, 1], [760, 360])

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(about)
        layout.addWidget(self.cpu_warning_box)
        layout.addWidget(self.estimate_label)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(body, 1)

        self.start_button.clicked.connect(self.start)
        self.pause_button.toggled.connect(self.set_paused)
        self.stop_button.clicked.connect(self.stop)
        self.start_over_button.clicked.connect(self.ask_start_over)
        self.export_button.clicked.connect(self._ask_export)
        self.tb_button.clicked.connect(self.open_tensorboard)
        self.small_preset_button.clicked.connect(self.use_small_preset)
        self.voice_combo.currentIndexChanged.connect(self._dataset_changed)
        self.base_combo.currentIndexChanged.connect(self._choice_changed)
        self.preset_combo.currentIndexChanged.connect(self._choice_changed)
        self.steps_spin.valueChanged.connect(self._steps_edited)
        self.estimate.changed.connect(lambda: self.estimate_label.setText(self.estimate.text))
        ctx.events.voices_changed.connect(self.refresh)
        ctx.events.device_changed.connect(lambda _device: self._voice_changed())
        # The worker forwards at most ~10 progress signals a second and holds back the newest one until
        # the next step; a paused run yields nothing more, so the inbox is also read on a GUI timer.
        self._drain_timer = interval_timer(self, 200, self._drain)
        self.tensorboard.running.connect(lambda: self.tb_button.setText(self.tr("TensorBoard (running)")))
        self.tensorboard.serving.connect(lambda url: self.messages.appendPlainText(f"TensorBoard: {url}"))
        self.tensorboard.failed.connect(
            lambda message, details: setattr(
                self, "error_box", show_error(self, self.tr("TensorBoard did not start"), message, details)
            )
        )
        self.refresh()

    # ------------------------------------------------------------------ choices

    def refresh(self) -> None:
        """Re-lists the prepared datasets and the base models; keeps the current choice."""
        current = self.dataset()
        self._setting = True
        self.voice_combo.blockSignals(True)
        self.voice_combo.clear()
        for info in list_datasets():
            label = self.tr("{name} — %n clips, {minutes:.1f} min", "", info.clips).format(
                name=info.name, minutes=info.total_s / 60
            )
            if not info.has_features:
                label += self.tr(" (features missing)")
            self.voice_combo.addItem(label, info)
            if current is not None and info.folder == current.folder:
                self.voice_combo.setCurrentIndex(self.voice_combo.count() - 1)
        self.voice_combo.blockSignals(False)
        if self.job is None:
            self.base_combo.refresh()
        self._setting = False
        self._voice_changed()

    def shortcut_export(self) -> bool:
        """Ctrl+E: exports the voice (as Export voice…), when the run can be exported."""
        if not self.export_button.isEnabled():
            return False
        self._ask_export()
        return True

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

    def _run_status(self) -> RunStatus:
        """The chosen run as its files and info files tell, never opening a checkpoint (the GUI thread);
        ``pending`` when an older run's checkpoint must be read (:meth:`_read_run`)."""
        if self._run_dir is None:
            return RunStatus(exists=False)
        return run_status(self._run_dir, load=False)

    def _read_run(self, run_dir: Path) -> None:
        """Reads the checkpoints of a run without info files in a job (once per run at a time); the page
        is derived again when they are read, if that run is still the one on screen."""
        if self._reading_run == run_dir:
            return
        try:
            job = self.ctx.runner.start(self.tr("Read the training run"), call_task(run_status, run_dir))
        except JobRefused:
            return
        self._reading_run, self.run_read_job = run_dir, job
        job.result.connect(lambda _status, d=run_dir: self._run_read(d))
        job.failed.connect(lambda message, _tb, d=run_dir: self._run_read(d, message))
        job.finished.connect(lambda j=job: self._run_read_finished(j))

    def _run_read(self, run_dir: Path, failure: str | None = None) -> None:
        self._reading_run = None
        if run_dir != self._run_dir or self.job is not None:
            return  # another voice is on screen, or a run started: its own text stays
        if failure is not None:
            log.warning("cannot read the run %s: %s", run_dir, failure)
            text = self.tr("Cannot read this voice's run: {message}")
            self.status_label.setText(text.format(message=failure))
            return
        self._voice_changed()

    def _run_read_finished(self, job: Job) -> None:
        if self.run_read_job is job:
            self.run_read_job = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.job is None:
            self._voice_changed()  # the estimate is measured only while the page is on screen

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
            busy = engine_text(busy)
            self.error_box = show_error(
                self,
                self.tr("Cannot start training"),
                self.tr(
                    "“{name}” is {busy}: another VoiceCraft window or the command line is training this "
                    "voice. Wait for it to finish, or stop it there, then press Start again."
                ).format(name=info.name, busy=busy),
            )
            self.status_label.setText(self.tr("“{name}” is {busy}.").format(name=info.name, busy=busy))
            return None
        config = VoiceConfig.from_preset(self.preset_combo.currentText())
        base, max_steps, device = self.base_model(), self.steps_spin.value(), self.ctx.device
        gpus = visible_gpus(device)
        launch = None
        if gpus > 1 and self.all_gpus_check.isChecked():
            from models.training.distributed import Launch

            launch, device = Launch(gpus), "cuda"
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
                launch=launch,
            )
            return relay(gen, inbox.append, stop)

        self.train_error = None
        task = keeping_error(task, lambda error: setattr(self, "train_error", error))  # its code: _on_failed
        try:
            job = self.ctx.runner.start(self.tr("Training “{name}”").format(name=info.name), task, gpu=True)
        except JobRefused as exc:
            self.error_box = show_error(self, self.tr("Cannot start training"), error_text(exc))
            return None
        self.estimate.clear()  # a measurement still running ends at its next step
        if self._new_choice is None:  # a new run (a resumed one shows its own preset, not the user's)
            self.ctx.settings.set_value(PRESET_SETTING, self.preset_combo.currentText())
        self._ended = None
        self.job, self._stop, self._pause, self._run_dir = job, stop, pause, run_dir
        self.last_progress = self.last_result = None
        self.curves.follow()
        self._inbox.clear()
        if self._history_dir != run_dir:
            self._load_history(run_dir, run_dir.is_dir())
        self.pause_button.setChecked(False)
        self.status_label.setText(self.tr("Starting…"))
        self.messages.appendPlainText(
            self.tr("— {name}: training in {folder}").format(name=info.name, folder=run_dir)
        )
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
            self.pause_button.setText(self.tr("Continue"))
            self.status_label.setText(self.tr("Pausing after this step…"))
        else:
            self._pause.clear()
            self.pause_button.setText(self.tr("Pause"))

    def stop(self) -> None:
        """Stops after the current step; the trainer writes a checkpoint (Start resumes)."""
        if self.job is not None:
            self._stop.set()
            self.stop_button.setEnabled(False)
            self.status_label.setText(self.tr("Stopping: finishing the step and writing a checkpoint…"))

    def cancel(self) -> None:
        """Cancels the job (what the app does when it closes)."""
        if self.job is not None:
            self.job.cancel()

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
            self.tb_button.setText(self.tr("Open TensorBoard"))

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
