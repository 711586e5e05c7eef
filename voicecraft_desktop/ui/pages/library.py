"""The Library page: three lists and what to do with them.

- **My voices** (``table``): the voices of :class:`voicecraft_desktop.core.library.VoiceLibrary`: trained,
  imported, or made without training (instant voices, timbre mixes, merges, base singers added);
- **Datasets** (``dataset_table``): prepared recordings waiting to be trained
  (:func:`voicecraft_desktop.core.dataset_jobs.list_datasets`);
- **Base singers** (``singer_table``): the so-vits-svc-5.0 pretrain's 56 singers, shown once the
  pretrain is present: previewed on a phrase, added to My voices in a moment, converting at once.

Every slow action (new voice from a folder, instant voice, import, export, a retrieval index, a
preview, "Improve by training") runs through ``ctx.runner`` as a job, so the window never freezes.
Rename and delete are a manifest rewrite and a folder rename: instant, done in the GUI thread.

This module builds the page, lists the three lists (one selection across them), keeps the buttons in
step with it and plays a voice's preview. The actions live next door: making voices (from a folder,
instant, improve by training, a retrieval index) in :mod:`.library_making`; the base singers in
:mod:`.library_singers`; import, export, rename and delete in :mod:`.library_files`; what each row
says in :mod:`.library_rows`; the timbre mixer and the model merge dialog in :mod:`.library_mixer`;
the preparation report in :mod:`.library_report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core.dataset_jobs import DatasetInfo, DatasetJobProgress, list_datasets
from voicecraft_desktop.core.library import VoiceEntry, VoiceLibrary
from voicecraft_desktop.core.playback import PlaybackError, Player
from voicecraft_desktop.core.runs import PREVIEW_NAME  # written at export
from voicecraft_desktop.core.voice_making import BaseSinger, PreviewCache
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.error_text import error_text
from voicecraft_desktop.ui.pages._common import (
    JobPageMixin,
    interval_timer,
    read_only_table,
    show_error,
    splitter,
)
from voicecraft_desktop.ui.pages.library_files import VoiceFilesMixin
from voicecraft_desktop.ui.pages.library_making import F0_SETTING as F0_SETTING  # where tests look for it
from voicecraft_desktop.ui.pages.library_making import VoiceMakingMixin
from voicecraft_desktop.ui.pages.library_report import PreparationReport
from voicecraft_desktop.ui.pages.library_rows import row_cells
from voicecraft_desktop.ui.pages.library_singers import BaseSingersMixin
from voicecraft_desktop.ui.worker import Job

COLUMNS = (
    QT_TRANSLATE_NOOP("LibraryPage", "Name"),
    QT_TRANSLATE_NOOP("LibraryPage", "Created"),
    QT_TRANSLATE_NOOP("LibraryPage", "Data"),
    QT_TRANSLATE_NOOP("LibraryPage", "Steps trained"),
    QT_TRANSLATE_NOOP("LibraryPage", "Extractors"),
    QT_TRANSLATE_NOOP("LibraryPage", "Status"),
)
SINGER_COLUMNS = (QT_TRANSLATE_NOOP("LibraryPage", "Singer"), QT_TRANSLATE_NOOP("LibraryPage", "Status"))
SPEAKER_CHOICES = {  # what a new dataset's speaker vectors are made for, in plain words
    "resemblyzer": QT_TRANSLATE_NOOP("LibraryPage", "Training a new voice (standard)"),
    "sovits5-lstm": QT_TRANSLATE_NOOP(
        "LibraryPage", "Fine-tuning the so-vits-svc-5.0 pretrain (its own voice vectors)"
    ),
}
SPEAKER_SETTING = "library/speaker_encoder"
NO_PRETRAIN_TEXT = QT_TRANSLATE_NOOP(
    "LibraryPage",
    "56 ready-made singers appear here once the so-vits-svc-5.0 "
    "pretrain is downloaded: open the setup to get it.",
)


class LibraryPage(VoiceMakingMixin, BaseSingersMixin, VoiceFilesMixin, JobPageMixin, QWidget):
    """Voices: list, preview, rename, delete, import, export, and "New voice from folder…".

    Signals:
        job_done(str): a job of this page ended: ``"result"``, ``"failed"`` or ``"cancelled"``.
    """

    job_done = Signal(str)
    CANCELLED_TEXT = QT_TRANSLATE_NOOP("LibraryPage", "Cancelled; nothing was added.")
    voice_config: Any = None
    """The architecture the pretrain is read with (None: the published pretrain's; tests set a stand-in's)."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, library: VoiceLibrary | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("libraryPage")
        self.ctx = ctx
        self.library = library or VoiceLibrary()
        self.player = Player()
        self.job: Job | None = None
        self.error_box: QMessageBox | None = None

        self.new_button = QPushButton(self.tr("New voice from folder…"))
        self.new_button.setObjectName("newVoiceButton")
        self.new_button.setToolTip(self.tr("Prepare a folder of recordings as a training dataset"))
        self.import_button = QToolButton()
        self.import_button.setText(self.tr("Import"))
        self.import_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.import_button)
        menu.addAction(self.tr("VoiceCraft voice folder…"), self._ask_import_folder)
        menu.addAction(self.tr("VoiceCraft voice zip…"), self._ask_import_zip)
        menu.addAction(self.tr("so-vits-svc-5.0 model (.pth + singer .npy)…"), self._ask_import_reference)
        self.import_button.setMenu(menu)
        self.export_button = QPushButton(self.tr("Export zip…"))
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.preview_button = QPushButton(self.tr("Play preview"))
        self.preview_button.setCheckable(True)
        self.instant_button = QPushButton(self.tr("Instant voice…"))
        self.instant_button.setObjectName("instantVoiceButton")
        self.instant_button.setToolTip(
            self.tr("A voice from 10 to 60 s of your singing, ready at once (no training)")
        )
        self.mix_button = QPushButton(self.tr("Mix voices…"))
        self.mix_button.setObjectName("mixVoicesButton")
        self.mix_button.setToolTip(
            self.tr("A new voice blended from base singers, your voices or a recording")
        )
        self.index_button = QPushButton(self.tr("Build index…"))
        self.index_button.setObjectName("buildIndexButton")
        self.index_button.setToolTip(
            self.tr("Let conversions lean on recordings of this voice (the Index slider)")
        )
        self.improve_button = QPushButton(self.tr("Improve by training"))
        self.improve_button.setObjectName("improveButton")
        self.improve_button.setToolTip(
            self.tr("Prepare this instant voice's recordings and train it from the pretrain")
        )
        self.speaker_combo = QComboBox()
        self.speaker_combo.setObjectName("speakerEncoderCombo")
        for key, label in SPEAKER_CHOICES.items():
            self.speaker_combo.addItem(self.tr(label), key)
        chosen = self.speaker_combo.findData(ctx.settings.value(SPEAKER_SETTING, "resemblyzer"))
        self.speaker_combo.setCurrentIndex(max(chosen, 0))
        self.speaker_combo.setToolTip(
            self.tr(
                "Choose “Fine-tuning the so-vits-svc-5.0 pretrain” to train from the pretrain or to mix the "
                "voice with base singers later; it needs the pretrain's speaker encoder file."
            )
        )

        columns = [self.tr(c) for c in COLUMNS]
        self.table = read_only_table(columns, "voiceTable", stretch_column=len(COLUMNS) - 1)
        self.dataset_table = read_only_table(columns, "datasetTable", stretch_column=len(COLUMNS) - 1)
        self.singer_table = read_only_table(
            [self.tr(c) for c in SINGER_COLUMNS], "singerTable", stretch_column=1
        )
        self.singer_note = QLabel(self.tr(NO_PRETRAIN_TEXT))
        self.singer_note.setWordWrap(True)
        self.singer_preview_button = QPushButton(self.tr("Preview singer"))
        self.singer_preview_button.setObjectName("singerPreviewButton")
        self.singer_add_button = QPushButton(self.tr("Add to my voices"))
        self.singer_add_button.setObjectName("singerAddButton")
        self.setup_button = QPushButton(self.tr("Open setup…"))
        self.singers: list[BaseSinger] = []
        self.pretrain_present = False
        self.previews = PreviewCache()
        self.last_preview: Any = None
        self.mixer: Any = None
        self.empty_label = QLabel(
            self.tr(
                "No voices yet. Use “New voice from folder…” to prepare your recordings, or import a voice."
            )
        )
        self.empty_label.setWordWrap(True)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel("")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setEnabled(False)

        self.report_title = QLabel(self.tr("Preparation report"))
        self.report_title.setStyleSheet("font-weight: bold")
        self.report = PreparationReport()

        buttons = QHBoxLayout()
        for w in (self.new_button, self.instant_button, self.mix_button, self.import_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(QLabel(self.tr("New datasets are for:")))
        buttons.addWidget(self.speaker_combo)
        actions = QHBoxLayout()
        for w in (
            self.export_button,
            self.rename_button,
            self.delete_button,
            self.preview_button,
            self.index_button,
            self.improve_button,
        ):
            actions.addWidget(w)
        actions.addStretch(1)
        voices = QWidget()
        voices_layout = QVBoxLayout(voices)
        voices_layout.setContentsMargins(0, 0, 0, 0)
        voices_layout.addLayout(buttons)
        voices_layout.addWidget(_title(self.tr("My voices")))
        voices_layout.addWidget(self.table, 1)
        voices_layout.addWidget(self.empty_label)
        voices_layout.addLayout(actions)
        datasets = QWidget()
        datasets_layout = QVBoxLayout(datasets)
        datasets_layout.setContentsMargins(0, 0, 0, 0)
        datasets_layout.addWidget(_title(self.tr("Datasets (prepared recordings, not trained yet)")))
        datasets_layout.addWidget(self.dataset_table, 1)
        singers = QWidget()
        singers_layout = QVBoxLayout(singers)
        singers_layout.setContentsMargins(0, 0, 0, 0)
        singers_layout.addWidget(_title(self.tr("Base singers (ready to use, no training)")))
        singers_layout.addWidget(self.singer_table, 1)
        note = QHBoxLayout()
        note.addWidget(self.singer_note, 1)
        note.addWidget(self.setup_button)
        singers_layout.addLayout(note)
        singer_buttons = QHBoxLayout()
        singer_buttons.addWidget(self.singer_preview_button)
        singer_buttons.addWidget(self.singer_add_button)
        singer_buttons.addStretch(1)
        singers_layout.addLayout(singer_buttons)
        lists = splitter(Qt.Orientation.Horizontal, [datasets, singers], [3, 2])
        top = splitter(Qt.Orientation.Vertical, [voices, lists], [3, 2])
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        bottom_layout.addWidget(self.report_title)
        bottom_layout.addLayout(row)
        bottom_layout.addWidget(self.status_label)
        bottom_layout.addWidget(self.report, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter(Qt.Orientation.Vertical, [top, bottom], [3, 2]))

        self.new_button.clicked.connect(self._ask_new_voice)
        self.export_button.clicked.connect(self._ask_export)
        self.rename_button.clicked.connect(self._ask_rename)
        self.delete_button.clicked.connect(self._ask_delete)
        self.preview_button.clicked.connect(self._toggle_preview)
        self.cancel_button.clicked.connect(self.cancel_job)
        for table in self._tables():
            table.itemSelectionChanged.connect(lambda t=table: self._selection_moved(t))
        self.instant_button.clicked.connect(self._ask_instant)
        self.mix_button.clicked.connect(self.open_mixer)
        self.index_button.clicked.connect(self._ask_index)
        self.improve_button.clicked.connect(self._ask_improve)
        self.singer_preview_button.clicked.connect(self._ask_singer_preview)
        self.singer_add_button.clicked.connect(self._ask_add_singer)
        self.setup_button.clicked.connect(self.open_setup)
        self.speaker_combo.currentIndexChanged.connect(
            lambda: ctx.settings.set_value(SPEAKER_SETTING, self.speaker_combo.currentData())
        )
        ctx.events.voices_changed.connect(self.refresh)
        self._play_timer = interval_timer(self, 100, self._poll_player)
        self.refresh()

    # ------------------------------------------------------------------ listing

    def refresh(self) -> None:
        """Re-reads the library, the datasets and the base singers; keeps the selection where possible."""
        selected = self.selected()
        key = self._key(selected) if selected else None
        voices: list[Any] = list(self.library.entries())
        datasets: list[Any] = list(list_datasets())
        self.singers = self._base_singers()
        lists = ((self.table, voices), (self.dataset_table, datasets), (self.singer_table, self.singers))
        for table, rows in lists:
            table.blockSignals(True)
            table.setRowCount(0)
            for item in rows:
                r = table.rowCount()
                table.insertRow(r)
                for c, text in enumerate(self._cells(item)):
                    cell = QTableWidgetItem(text)
                    cell.setData(Qt.ItemDataRole.UserRole, item)
                    if isinstance(item, VoiceEntry) and not item.available:
                        cell.setForeground(Qt.GlobalColor.darkRed)
                        cell.setToolTip(item.problem or "")
                    table.setItem(r, c, cell)
                if key is not None and self._key(item) == key:
                    table.selectRow(r)
            table.blockSignals(False)
        added = {e.recipe.get("singer") for e in voices if e.source == "base singer"}
        for r, singer in enumerate(self.singers):
            if singer.number in added:
                self.singer_table.item(r, 1).setText(self.tr("in My voices"))
        self.empty_label.setVisible(not voices and not datasets)
        self.singer_table.setVisible(self.pretrain_present)
        self.singer_note.setVisible(not self.pretrain_present)
        self.setup_button.setVisible(not self.pretrain_present)
        self._update_buttons()

    def _tables(self) -> tuple[QTableWidget, ...]:
        return (self.table, self.dataset_table, self.singer_table)

    def _selection_moved(self, table: QTableWidget) -> None:
        """One selection on the page: selecting in one list clears the others."""
        if table.selectionModel().hasSelection():
            for other in self._tables():
                if other is not table and other.selectionModel().hasSelection():
                    other.blockSignals(True)
                    other.clearSelection()
                    other.blockSignals(False)
        self._update_buttons()

    @staticmethod
    def _key(item: Any) -> str:
        return str(item.path if isinstance(item, BaseSinger) else item.folder) + type(item).__name__

    _cells = staticmethod(row_cells)  # a row's text (:mod:`.library_rows`)

    def selected(self) -> Any:
        """The selected voice, dataset or base singer (``VoiceEntry``, ``DatasetInfo``, ``BaseSinger``)."""
        for table in self._tables():
            rows = table.selectionModel().selectedRows()
            if rows:
                return table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return None

    def select_name(self, name: str) -> bool:
        """Selects the first row with this display name (voices, then datasets, then singers)."""
        for table in self._tables():
            for r in range(table.rowCount()):
                if table.item(r, 0).text() == name:
                    table.selectRow(r)
                    return True
        return False

    def _update_buttons(self) -> None:
        item = self.selected()
        voice = isinstance(item, VoiceEntry) and item.available
        self.export_button.setEnabled(voice)
        self.rename_button.setEnabled(voice)
        self.delete_button.setEnabled(isinstance(item, (VoiceEntry, DatasetInfo)))
        busy_now = self.job is not None
        self.index_button.setEnabled(voice and not busy_now)
        self.improve_button.setEnabled(
            voice and not busy_now and item.source == "instant" and bool(item.recipe.get("recordings"))
        )  # type: ignore[union-attr]
        singer = isinstance(item, BaseSinger)
        self.singer_preview_button.setEnabled(singer and not busy_now)
        self.singer_add_button.setEnabled(singer and not busy_now)
        self.instant_button.setEnabled(not busy_now)
        self.mix_button.setEnabled(not busy_now)
        has_preview = voice and (item.folder / PREVIEW_NAME).is_file()  # type: ignore[union-attr]
        self.preview_button.setEnabled(bool(has_preview) or self.player.playing)
        self.preview_button.setToolTip("" if has_preview else self.tr("This voice has no preview clip yet"))
        busy = self.job is not None
        self.new_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy and not self.job.cancel_requested)

    # ------------------------------------------------------------------ jobs

    def _on_progress(self, p: Any) -> None:
        if isinstance(p, DatasetJobProgress):
            self.progress.setValue(int(1000 * p.fraction))
            what = self.tr("Slicing recordings") if p.stage == "slicing" else self.tr("Extracting features")
            self.status_label.setText(
                self.tr("{what}: {done} of {total} — {item}").format(
                    what=what, done=p.done, total=p.total, item=p.item
                )
            )
        elif hasattr(p, "fraction") and hasattr(p, "item"):  # an instant voice's takes
            self.progress.setValue(int(1000 * p.fraction))
            self.status_label.setText(self.tr("Listening to your recording: {item}").format(item=p.item))
        elif isinstance(p, tuple) and len(p) == 3:  # a retrieval index: (done, total, file)
            done, total, name = p
            self.progress.setValue(int(1000 * done / max(total, 1)))
            self.status_label.setText(
                self.tr("Building the index: {done} of {total} — {name}").format(
                    done=done, total=total, name=Path(name).name
                )
            )
        elif hasattr(p, "fraction"):  # a preview's conversion
            self.progress.setValue(int(1000 * float(p.fraction)))

    def _on_finished(self) -> None:
        super()._on_finished()
        self.report.end_pending()  # a failed or cancelled job leaves no "Preparing …" behind

    # ------------------------------------------------------------------ new voice from folder

    # ------------------------------------------------------------------ shortcuts

    def shortcut_open(self) -> bool:
        """Ctrl+O: a new voice from a folder of recordings (as its button), unless a job runs."""
        if not self.new_button.isEnabled():
            return False
        self._ask_new_voice()
        return True

    def toggle_playback(self) -> bool:
        """Space: plays or stops the selected voice's preview (False when there is none)."""
        if not self.preview_button.isEnabled():
            return False
        self._toggle_preview()
        return True

    # ------------------------------------------------------------------ preview

    def _toggle_preview(self) -> None:
        if self.player.playing:
            self.player.stop()
            self._poll_player()
            return
        item = self.selected()
        if isinstance(item, VoiceEntry):
            self.play_preview(item)

    def play_preview(self, entry: VoiceEntry) -> bool:
        """Plays the voice's ``preview.wav``; shows why not when it cannot."""
        from models.features.audio import AudioLoadError, load_audio

        try:
            wave, rate = load_audio(entry.folder / PREVIEW_NAME)
            self.player.play(wave, rate)
        except (AudioLoadError, PlaybackError) as exc:
            self.preview_button.setChecked(False)
            self.error_box = show_error(self, self.tr("Cannot play the preview"), error_text(exc))
            return False
        self.preview_button.setChecked(True)
        self.preview_button.setText(self.tr("Stop preview"))
        self._play_timer.start()
        return True

    def _poll_player(self) -> None:
        if not self.player.playing:
            self._play_timer.stop()
            self.preview_button.setChecked(False)
            self.preview_button.setText(self.tr("Play preview"))
            self._update_buttons()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.player.stop()
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Stops playback (the main window calls it on close, after the jobs have ended)."""
        self.player.stop()
        self._play_timer.stop()


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold")
    return label
