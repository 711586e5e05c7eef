"""The Train page's validation audio: the clips a validation logged, listed and played.

After each validation the trainer logs, per validation clip, what the model made of it and the
real recording. :class:`ValidationAudioPanel` reads them back from the run's TensorBoard events
(:func:`voicecraft_desktop.core.runs.read_validation_audio`, in a job: parsing takes a while),
lists them (generated first) and plays the selected one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core.playback import PlaybackError, Player
from voicecraft_desktop.core.runs import ValidationAudio, read_validation_audio
from voicecraft_desktop.ui.error_text import error_text
from voicecraft_desktop.ui.pages._common import call_task, show_error
from voicecraft_desktop.ui.worker import Job, JobRefused

log = logging.getLogger(__name__)


class ValidationAudioPanel(QGroupBox):
    """A list of validation clips with a Play button (a double click plays too).

    Attributes:
        clips: the listed clips, in list order.
        job: the job reading them, while it runs.
        player: plays the selected clip.
        error_box: the last "Cannot play" dialog.
    """

    def __init__(self, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Validation audio"))
        self.runner = runner
        self.player = Player()
        self.clips: list[ValidationAudio] = []
        self.job: Job | None = None
        self.error_box: QMessageBox | None = None
        self.audio_list = QListWidget()
        self.audio_list.setObjectName("validationAudio")
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.audio_list)
        layout.addWidget(self.play_button)
        self.play_button.clicked.connect(self.play_selected)
        self.audio_list.itemSelectionChanged.connect(
            lambda: self.play_button.setEnabled(bool(self.audio_list.selectedItems()))
        )
        self.audio_list.itemDoubleClicked.connect(lambda _item: self.play_selected())

    def load(self, run_dir: Path | None) -> None:
        """Reads the clips of ``run_dir`` in a job (nothing when one is already reading)."""
        if run_dir is None or self.job is not None:
            return
        try:
            job = self.runner.start(
                self.tr("Read validation audio"), call_task(read_validation_audio, run_dir)
            )
        except JobRefused:
            return
        self.job = job
        job.result.connect(self.show_clips)
        job.failed.connect(lambda message, _tb: log.warning("validation audio: %s", message))
        job.finished.connect(lambda: setattr(self, "job", None))

    def show_clips(self, clips: list[ValidationAudio]) -> None:
        """Lists the validation clips (generated first, then the real recordings)."""
        self.clips = sorted(clips, key=lambda a: (a.kind != "generated", a.clip))
        self.audio_list.clear()
        for a in self.clips:
            label = self.tr("converted by the model") if a.kind == "generated" else self.tr("real recording")
            item = QListWidgetItem(
                self.tr("{clip} — {label} (step {step:,}, {seconds:.1f} s)").format(
                    clip=a.clip, label=label, step=a.step, seconds=len(a.wave) / a.sample_rate
                )
            )
            self.audio_list.addItem(item)
        if self.clips:
            self.audio_list.setCurrentRow(0)

    def play_selected(self) -> bool:
        """Plays the selected clip; False when none is selected or it cannot play (a dialog says why)."""
        row = self.audio_list.currentRow()
        if not 0 <= row < len(self.clips):
            return False
        clip = self.clips[row]
        try:
            self.player.play(clip.wave, clip.sample_rate)
        except PlaybackError as exc:
            self.error_box = show_error(self, self.tr("Cannot play"), error_text(exc))
            return False
        return True
