"""The Library's timbre mixer and model merge: a dialog (non-modal) over the Library page.

**Mix**: base singers, the user's own voices (those in the pretrain's voice space) and recordings are
added as rows, each with a weight slider; "Listen" converts the first seconds of a phrase (the latest
take, or a chosen file) on the pretrain with the mixed vector and plays it, and with "Listen while I
move the sliders" a preview starts by itself shortly after a slider stops. "Save voice" adds the mix to
My voices as a normal voice artifact that records its recipe. **Merge**: the reference's model merge of
two voices with the same model sizes, ``ratio`` of the first one's generator.

Slow work (a singer's vector fetched, a recording's vector, a preview, saving) runs as jobs of the
app's runner (:class:`voicecraft_desktop.ui.pages._common.JobPageMixin`), one at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.pages._common import JobPageMixin, call_task
from voicecraft_desktop.ui.worker import Job

log = logging.getLogger(__name__)

AUDIO_FILTER = QT_TRANSLATE_NOOP("MixerDialog", "Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)")
LIVE_DELAY_MS = 600
RECORDING = "recording"


@dataclass
class MixRow:
    """One ingredient row: its ``Ingredient`` (vector and name) and its slider."""

    ingredient: Any
    slider: QSlider
    value: QLabel
    remove: QPushButton


class MixerDialog(JobPageMixin, QDialog):
    """Timbre mixer (tab "Mix") and model merge (tab "Merge") for ``page`` (the Library page).

    Signals:
        job_done(str): ``"result"``, ``"failed"`` or ``"cancelled"`` for each job of the dialog.
    """

    job_done = Signal(str)
    CANCELLED_TEXT = QT_TRANSLATE_NOOP("MixerDialog", "Cancelled.")

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.setObjectName("mixerDialog")
        self.setWindowTitle(self.tr("Mix voices"))
        self.page = page
        self.ctx = page.ctx
        self.job: Job | None = None
        self.rows: list[MixRow] = []
        self.phrase: Path | None = page.latest_take()
        self.preview_pending = False
        self.last_preview: Any = None

        # --- mix tab
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("mixSourceCombo")
        self.source_combo.setMinimumContentsLength(24)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setObjectName("mixAddButton")
        self.rows_box = QWidget()
        self.rows_grid = QGridLayout(self.rows_box)
        self.rows_grid.setContentsMargins(0, 0, 0, 0)
        self.rows_grid.setColumnStretch(1, 1)
        self.empty_label = QLabel(self.tr("Add two or more voices, then set how much of each you want."))
        self.empty_label.setWordWrap(True)
        self.phrase_label = QLabel()
        self.phrase_button = QPushButton(self.tr("Choose…"))
        self.listen_button = QPushButton(self.tr("Listen"))
        self.listen_button.setObjectName("mixListenButton")
        self.live_check = QCheckBox(self.tr("Listen while I move the sliders"))
        self.live_check.setChecked(True)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("mixNameEdit")
        self.name_edit.setPlaceholderText(self.tr("Name of the new voice"))
        self.save_button = QPushButton(self.tr("Save voice"))
        self.save_button.setObjectName("mixSaveButton")
        mix = QWidget()
        mix_layout = QVBoxLayout(mix)
        add_row = QHBoxLayout()
        add_row.addWidget(QLabel(self.tr("Add to the mix:")))
        add_row.addWidget(self.source_combo, 1)
        add_row.addWidget(self.add_button)
        mix_layout.addLayout(add_row)
        mix_layout.addWidget(self.rows_box)
        mix_layout.addWidget(self.empty_label)
        phrase_row = QHBoxLayout()
        phrase_row.addWidget(QLabel(self.tr("Phrase to listen on:")))
        phrase_row.addWidget(self.phrase_label, 1)
        phrase_row.addWidget(self.phrase_button)
        mix_layout.addLayout(phrase_row)
        listen_row = QHBoxLayout()
        listen_row.addWidget(self.listen_button)
        listen_row.addWidget(self.live_check)
        listen_row.addStretch(1)
        mix_layout.addLayout(listen_row)
        save_row = QHBoxLayout()
        save_row.addWidget(self.name_edit, 1)
        save_row.addWidget(self.save_button)
        mix_layout.addLayout(save_row)
        mix_layout.addStretch(1)

        # --- merge tab
        self.merge_a = QComboBox()
        self.merge_a.setObjectName("mergeA")
        self.merge_b = QComboBox()
        self.merge_b.setObjectName("mergeB")
        self.merge_slider = QSlider(Qt.Orientation.Horizontal)
        self.merge_slider.setObjectName("mergeRatio")
        self.merge_slider.setRange(0, 100)
        self.merge_slider.setValue(50)
        self.merge_value = QLabel()
        self.merge_name = QLineEdit()
        self.merge_name.setObjectName("mergeNameEdit")
        self.merge_name.setPlaceholderText(self.tr("Name of the merged voice"))
        self.merge_button = QPushButton(self.tr("Save merged voice"))
        self.merge_button.setObjectName("mergeSaveButton")
        merge = QWidget()
        form = QFormLayout(merge)
        help_label = QLabel(
            self.tr(
                "Averages the two voices' models (as so-vits-svc-5.0's merge does). Both must have the same "
                "model sizes, e.g. two voices trained from the same base."
            )
        )
        help_label.setWordWrap(True)
        form.addRow(help_label)
        form.addRow(self.tr("First voice:"), self.merge_a)
        form.addRow(self.tr("Second voice:"), self.merge_b)
        ratio_row = QHBoxLayout()
        ratio_row.addWidget(self.merge_slider, 1)
        ratio_row.addWidget(self.merge_value)
        form.addRow(self.tr("Share of the first:"), ratio_row)
        merge_save = QHBoxLayout()
        merge_save.addWidget(self.merge_name, 1)
        merge_save.addWidget(self.merge_button)
        form.addRow(merge_save)

        self.tabs = QTabWidget()
        self.tabs.addTab(mix, self.tr("Mix"))
        self.tabs.addTab(merge, self.tr("Merge"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status_label)
        self.resize(620, 460)

        self.live_timer = QTimer(self)
        self.live_timer.setSingleShot(True)
        self.live_timer.setInterval(LIVE_DELAY_MS)
        self.live_timer.timeout.connect(self._live_preview)
        self.add_button.clicked.connect(self._add_chosen)
        self.phrase_button.clicked.connect(self._ask_phrase)
        self.listen_button.clicked.connect(self.listen)
        self.save_button.clicked.connect(self.save_mix)
        self.merge_button.clicked.connect(self.save_merge)
        self.merge_slider.valueChanged.connect(self._show_merge_value)
        self.cancel_button.clicked.connect(self.cancel_job)
        self.name_edit.textChanged.connect(self._update_buttons)
        self.merge_name.textChanged.connect(self._update_buttons)
        self.ctx.events.voices_changed.connect(self.refresh_sources)
        self.refresh_sources()
        self._show_phrase()
        self._show_merge_value()
        self._layout_rows()

    # ------------------------------------------------------------------ sources

    def refresh_sources(self) -> None:
        """The choices of "Add to the mix" (base singers, voices in the pretrain's space, a recording)
        and of the merge's two voices."""
        from models.formats.artifact import ArtifactError, read_manifest
        from models.formats.voice_mix import PRETRAIN_SPACE, speaker_space

        self.source_combo.clear()
        for singer in self.page.singers:
            self.source_combo.addItem(singer.name, (self.tr("singer"), singer.number))
        voices = [e for e in self.page.library.entries() if e.available]
        for entry in voices:
            try:
                space = speaker_space(read_manifest(entry.folder))
            except ArtifactError:
                continue
            if space == PRETRAIN_SPACE:
                self.source_combo.addItem(entry.name, (self.tr("voice"), entry.name))
        self.source_combo.addItem(self.tr("A recording…"), (RECORDING, None))
        for combo, default in ((self.merge_a, 0), (self.merge_b, 1)):
            current = combo.currentText()
            combo.clear()
            for entry in voices:
                combo.addItem(entry.name, entry.name)
            index = combo.findText(current)
            combo.setCurrentIndex(index if index >= 0 else min(default, combo.count() - 1))
        self._update_buttons()

    def _add_chosen(self) -> None:
        kind, ref = self.source_combo.currentData()
        if kind == RECORDING:
            files = file_dialogs.open_files(
                self, self.ctx.settings, self.tr("Recordings of a voice (10 to 60 s)"), self.tr(AUDIO_FILTER)
            )
            if files:
                self.add_recording([Path(f) for f in files])
        elif kind == "singer":
            self.add_singer(int(ref))
        else:
            self.add_voice(str(ref))

    def add_voice(self, name: str, weight: float = 0.5) -> bool:
        """Adds a library voice (its vector is in its manifest: no job)."""
        from voicecraft_desktop.core.library import LibraryError
        from voicecraft_desktop.core.voice_making import VoiceMakingError, voice_ingredient

        try:
            ingredient = voice_ingredient(self.page.library, name, weight)
        except (LibraryError, VoiceMakingError) as exc:
            self.status_label.setText(str(exc))
            return False
        self._add_row(ingredient)
        return True

    def add_singer(self, number: int, weight: float = 0.5) -> Job | None:
        """Adds base singer ``number`` (a job: its vector may be fetched first)."""
        from voicecraft_desktop.core.voice_making import singer_ingredient, singer_store

        singers = singer_store(self.ctx.assets_cache_dir())

        def task(cancel):  # type: ignore[no-untyped-def]
            if False:  # pragma: no cover - a generator
                yield None
            return singer_ingredient(singers, number, weight, cancel=cancel)

        return self._start(self.tr("Fetching the singer"), task, self._on_ingredient)

    def add_recording(self, files: list[Path], weight: float = 0.5) -> Job | None:
        """Adds a recording's voice (a job: checked and embedded with the pretrain's speaker encoder)."""
        from voicecraft_desktop.core.voice_making import recording_ingredient

        store, device = self.ctx.asset_store(), self.ctx.device

        def task(cancel):  # type: ignore[no-untyped-def]
            return recording_ingredient(files, weight, store, device, cancel)

        return self._start(self.tr("Listening to the recording"), task, self._on_ingredient)

    def _on_ingredient(self, ingredient: Any) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(self.tr("Added {name}.").format(name=ingredient.name))
        self._add_row(ingredient)
        self.job_done.emit("result")

    def _add_row(self, ingredient: Any) -> None:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(0, 100)
        slider.setValue(int(round(100 * ingredient.weight)))
        value = QLabel()
        remove = QPushButton(self.tr("Remove"))
        row = MixRow(ingredient, slider, value, remove)
        self.rows.append(row)
        slider.valueChanged.connect(self._weights_changed)
        slider.sliderReleased.connect(self._schedule_live)
        remove.clicked.connect(lambda: self.remove_row(row))
        self._layout_rows()
        self._weights_changed()
        self._schedule_live()

    def remove_row(self, row: MixRow) -> None:
        self.rows.remove(row)
        for w in (row.slider, row.value, row.remove):
            w.setParent(None)
            w.deleteLater()
        self._layout_rows()
        self._weights_changed()
        self._schedule_live()

    def _layout_rows(self) -> None:
        while self.rows_grid.count():
            item = self.rows_grid.takeAt(0)
            if item.widget() is not None and not any(
                item.widget() in (r.slider, r.value, r.remove) for r in self.rows
            ):
                item.widget().deleteLater()
        for i, row in enumerate(self.rows):
            self.rows_grid.addWidget(
                QLabel(
                    self.tr("{name} ({kind})").format(
                        name=row.ingredient.name, kind=_kind(row.ingredient.kind)
                    )
                ),
                i,
                0,
            )
            self.rows_grid.addWidget(row.slider, i, 1)
            self.rows_grid.addWidget(row.value, i, 2)
            self.rows_grid.addWidget(row.remove, i, 3)
        self.empty_label.setVisible(not self.rows)
        self._update_buttons()

    def weights(self) -> list[float]:
        return [r.slider.value() / 100.0 for r in self.rows]

    def _weights_changed(self) -> None:
        total = sum(self.weights())
        for row, w in zip(self.rows, self.weights()):
            row.value.setText(f"{100 * w / total:.0f} %" if total > 0 else "0 %")
        self._update_buttons()

    def ingredients(self) -> list[Any]:
        """The rows as ingredients with the sliders' weights."""
        from dataclasses import replace

        return [replace(r.ingredient, weight=w) for r, w in zip(self.rows, self.weights())]

    # ------------------------------------------------------------------ preview

    def _show_phrase(self) -> None:
        self.phrase_label.setText(
            self.phrase.name if self.phrase else self.tr("none yet: record a take, or choose a file")
        )

    def _ask_phrase(self) -> None:
        path = file_dialogs.open_file(
            self,
            self.ctx.settings,
            self.tr("A phrase to listen on (a few seconds of singing)"),
            self.tr(AUDIO_FILTER),
        )
        if path:
            self.phrase = Path(path)
            self._show_phrase()
            self._update_buttons()

    def _schedule_live(self) -> None:
        if self.live_check.isChecked() and self.rows and self.phrase is not None and sum(self.weights()) > 0:
            self.live_timer.start()

    def _live_preview(self) -> None:
        if self.job is not None:  # one job at a time: listen again when this one ends
            self.preview_pending = True
            return
        self.listen()

    def listen(self) -> Job | None:
        """Converts the first seconds of the phrase with the mix as it is now, and plays it."""
        from models.formats.voice_mix import MixError, mix_vectors
        from voicecraft_desktop.core.voice_making import preview

        if self.phrase is None:
            self.status_label.setText(self.tr("Choose a phrase to listen on first (or record a take)."))
            return None
        parts = self.ingredients()
        try:
            vector = mix_vectors([i.vector for i in parts], [i.weight for i in parts])
        except MixError as exc:
            self.status_label.setText(self.tr("Cannot listen: {exc}").format(exc=exc))
            return None
        store, device, config, cache, phrase = (
            self.ctx.asset_store(),
            self.ctx.device,
            self.page.voice_config,
            self.page.previews,
            self.phrase,
        )
        self.preview_pending = False

        def task(cancel):  # type: ignore[no-untyped-def]
            return preview(
                store, lambda _c: vector, phrase, device=device, config=config, cache=cache, cancel=cancel
            )

        return self._start(self.tr("Listening to the mix"), task, self._on_preview, gpu=device != "cpu")

    def _on_preview(self, result: Any) -> None:
        from voicecraft_desktop.core.playback import PlaybackError

        self.last_preview = result
        self.progress.setValue(1000)
        try:
            self.page.player.play(result.audio, result.sample_rate)
            self.status_label.setText(self.tr("Playing the mix on the first seconds of the phrase."))
        except PlaybackError as exc:
            self.status_label.setText(
                self.tr("The preview is ready but cannot be played: {exc}").format(exc=exc)
            )
        self.job_done.emit("result")

    # ------------------------------------------------------------------ save

    def save_mix(self) -> Job | None:
        """Adds the mix to My voices (a job), its recipe recorded."""
        from models.formats.voice_mix import MixError, normalised_weights
        from voicecraft_desktop.core.voice_making import make_mix

        name = self.name_edit.text().strip()
        try:
            normalised_weights(self.weights())
        except MixError as exc:
            self.status_label.setText(self.tr("Cannot save: {exc}").format(exc=exc))
            return None
        library, store, config, parts = (
            self.page.library,
            self.ctx.asset_store(),
            self.page.voice_config,
            self.ingredients(),
        )
        return self._start(
            self.tr("Saving “{name}”").format(name=name),
            call_task(make_mix, library, store, parts, name, config=config),
            self._on_saved,
        )

    def save_merge(self) -> Job | None:
        """Adds the model merge of the two chosen voices to My voices (a job)."""
        from voicecraft_desktop.core.voice_making import make_merge

        a, b, name = self.merge_a.currentData(), self.merge_b.currentData(), self.merge_name.text().strip()
        if a == b:
            self.status_label.setText(self.tr("Choose two different voices to merge."))
            return None
        rate = self.merge_slider.value() / 100.0
        return self._start(
            self.tr("Merging into “{name}”").format(name=name),
            call_task(make_merge, self.page.library, a, b, rate, name),
            self._on_saved,
        )

    def _on_saved(self, entry: Any) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(
            self.tr("“{name}” is in My voices: choose it on the Convert page.").format(name=entry.name)
        )
        self.ctx.events.voices_changed.emit()
        self.page.select_name(entry.name)
        self.job_done.emit("result")

    # ------------------------------------------------------------------ job plumbing (JobPageMixin)

    def _on_progress(self, p: Any) -> None:
        if hasattr(p, "fraction"):
            try:
                self.progress.setValue(int(1000 * float(p.fraction)))
            except (TypeError, ValueError):
                pass

    def _on_finished(self) -> None:
        super()._on_finished()
        if self.preview_pending:
            QTimer.singleShot(0, self, self._live_preview)

    def _update_buttons(self) -> None:
        busy = self.job is not None
        has_weight = bool(self.rows) and sum(self.weights()) > 0
        self.add_button.setEnabled(not busy)
        self.listen_button.setEnabled(not busy and has_weight and self.phrase is not None)
        self.save_button.setEnabled(not busy and has_weight and bool(self.name_edit.text().strip()))
        self.merge_button.setEnabled(
            not busy and self.merge_a.count() >= 2 and bool(self.merge_name.text().strip())
        )
        self.cancel_button.setEnabled(busy and not self.job.cancel_requested)

    def _show_merge_value(self) -> None:
        v = self.merge_slider.value()
        self.merge_value.setText(f"{v} % / {100 - v} %")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.live_timer.stop()
        self.preview_pending = False
        if self.job is not None:
            self.job.cancel()
        super().closeEvent(event)


def _kind(kind: str) -> str:
    words = {
        "base singer": QCoreApplication.translate("MixerDialog", "base singer"),
        "voice": QCoreApplication.translate("MixerDialog", "your voice"),
        "recording": QCoreApplication.translate("MixerDialog", "recording"),
    }
    return words.get(kind, kind)
