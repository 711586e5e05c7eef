"""The Library page: three lists and what to do with them.

- **My voices** (``table``): the voices of :class:`voicecraft_desktop.core.library.VoiceLibrary`: trained,
  imported, or made without training (instant voices, timbre mixes, merges, base singers added);
- **Datasets** (``dataset_table``): prepared recordings waiting to be trained
  (:func:`voicecraft_desktop.core.dataset_jobs.list_datasets`);
- **Base singers** (``singer_table``): the so-vits-svc-5.0 pretrain's 56 singers, shown once the
  pretrain is present: previewed on a phrase, added to My voices in a moment, converting at once.

Every slow action (new voice from a folder, instant voice, import, export, a retrieval index, a
preview, "Improve by training") runs through ``ctx.runner`` as a job, so the window never freezes.
Rename and delete are a manifest rewrite and a folder rename: instant, done in the GUI thread. The
timbre mixer and the model merge are a dialog (:mod:`voicecraft_desktop.ui.pages.library_mixer`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
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

from voicecraft_desktop.core import paths
from voicecraft_desktop.core.dataset_jobs import (
    DatasetInfo,
    DatasetJobProgress,
    DatasetJobResult,
    dataset_dir_for,
    delete_dataset,
    extractor_summary,
    list_datasets,
    prepare_voice_dataset,
)
from voicecraft_desktop.core.library import LibraryError, VoiceEntry, VoiceLibrary
from voicecraft_desktop.core.playback import PlaybackError, Player
from voicecraft_desktop.core.runs import retire_run, run_dir_for, run_status
from voicecraft_desktop.core.voice_making import BaseSinger, PreviewCache
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.error_text import error_text
from voicecraft_desktop.ui.pages._common import (
    JobPageMixin,
    call_task,
    format_minutes,
    interval_timer,
    read_only_table,
    show_error,
    splitter,
)
from voicecraft_desktop.ui.pages.library_report import PreparationReport
from voicecraft_desktop.ui.pages.train_runs import ask_delete_dataset
from voicecraft_desktop.ui.worker import Job

log = logging.getLogger(__name__)

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
PREVIEW_NAME = "preview.wav"
F0_SETTING = "library/f0_method"


class LibraryPage(JobPageMixin, QWidget):
    """Voices: list, preview, rename, delete, import, export, and "New voice from folder…".

    Signals:
        job_done(str): a job of this page ended: ``"result"``, ``"failed"`` or ``"cancelled"``.
    """

    job_done = Signal(str)
    CANCELLED_TEXT = QT_TRANSLATE_NOOP("LibraryPage", "Cancelled; nothing was added.")

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

    def _base_singers(self) -> list[BaseSinger]:
        """The pretrain's singers when the pretrain is there (never downloads; a broken located file
        only hides them)."""
        from voicecraft_desktop.core.voice_making import PRETRAIN_ASSET, base_singers, singer_store

        try:
            self.pretrain_present = self.ctx.asset_store().locate(PRETRAIN_ASSET) is not None
        except Exception as exc:  # noqa: BLE001 - a bad located file must not break the page
            log.warning("pretrain not usable: %s", exc)
            self.pretrain_present = False
        return base_singers(singer_store(self.ctx.assets_cache_dir())) if self.pretrain_present else []

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

    @staticmethod
    def _cells(item: Any) -> list[str]:
        if isinstance(item, BaseSinger):
            return [
                item.name,
                QCoreApplication.translate("LibraryPage", "ready")
                if item.path
                else QCoreApplication.translate(
                    "LibraryPage", "ready (a small file is downloaded when first used)"
                ),
            ]
        if isinstance(item, VoiceEntry):
            if not item.available:
                return [
                    item.folder.name,
                    "",
                    "",
                    "",
                    "",
                    QCoreApplication.translate("LibraryPage", "unavailable: {problem}").format(
                        problem=item.problem
                    ),
                ]
            extractors = " + ".join(v for k in ("pitch", "ppg", "vec") if (v := item.extractors.get(k)))
            status = (
                QCoreApplication.translate("LibraryPage", "imported (so-vits-svc-5.0)")
                if "import" in item.source
                else QCoreApplication.translate("LibraryPage", "trained voice")
            )
            if item.untrained:
                status = _untrained_status(item)
            steps = "—" if item.steps is None else f"{item.steps:,}"
            if item.steps is not None and (item.trained_steps or 0) > item.steps:  # issue 12.4
                steps = QCoreApplication.translate("LibraryPage", "{steps} (best) of {trained}").format(
                    steps=f"{item.steps:,}", trained=f"{item.trained_steps:,}"
                )
            if item.untrained:
                steps = QCoreApplication.translate("LibraryPage", "none (ready to use)")
            return [
                item.name,
                item.created_at[:16].replace("T", " "),
                format_minutes(item.minutes_of_data),
                steps,
                extractors,
                status,
            ]
        run = run_status(run_dir_for(item.folder), load=False)
        if not item.has_features:
            status = QCoreApplication.translate(
                "LibraryPage", "dataset: %n clips, features missing (prepare it again)", "", item.clips
            )
        elif run.step:
            status = QCoreApplication.translate(
                "LibraryPage", "dataset: %n clips, training run at step {step} (Train page)", "", item.clips
            ).format(step=f"{run.step:,}")
        else:
            status = QCoreApplication.translate(
                "LibraryPage", "dataset: %n clips, ready to train", "", item.clips
            )
        return [
            item.name,
            item.created_at[:16].replace("T", " "),
            format_minutes(item.total_s / 60.0),
            f"{run.step:,}",
            extractor_summary(item.extractors),
            status,
        ]

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

    def _ask_new_voice(self) -> None:
        # Takes added on the Record page are collected in data_dir()/recordings/<voice>: start there.
        recordings = paths.data_dir() / "recordings"
        folder = file_dialogs.existing_dir(
            self, self.ctx.settings, self.tr("Folder of recordings"), recordings
        )
        if not folder:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("New voice"), self.tr("Name of the voice:"), text=Path(folder).name
        )
        name = name.strip()
        if not ok or not name:
            return
        # One name, one dataset (the folder dataset_dir_for gives, as the command line uses).
        same = [d for d in list_datasets() if d.folder == dataset_dir_for(name)]
        if same and same[0].name.casefold() != name.casefold():
            QMessageBox.warning(
                self,
                self.tr("Name taken"),
                self.tr(
                    "The dataset of “{name}” is stored under the same folder name as “{name1}”.\n\nChoose "
                    "another name, or delete that dataset first."
                ).format(name=same[0].name, name1=name),
            )
            return
        if same:
            answer = QMessageBox.question(
                self,
                self.tr("Dataset exists"),
                self.tr(
                    "A dataset for “{name}” exists ({clips} clips).\n\nReplace it with this folder's "
                    "recordings? It is kept as it is until the new one is complete, and if preparing fails."
                ).format(name=same[0].name, clips=same[0].clips),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.new_voice_from_folder(Path(folder), name)

    def new_voice_from_folder(self, folder: Path, name: str, **options: Any) -> Job | None:
        """Starts dataset preparation + feature extraction of ``folder`` for a voice called ``name``.

        ``options`` go to :func:`prepare_voice_dataset` (``f0``, ``content``, ``features``, ``out``).
        """
        options.setdefault("f0", self.ctx.settings.value(F0_SETTING, "auto") or "auto")
        options.setdefault("speaker", self.speaker_combo.currentData())
        options.setdefault("store", self.ctx.asset_store())
        options.setdefault("device", self.ctx.device)
        self.report.show_pending(self.tr("Preparing {folder} as “{name}”…").format(folder=folder, name=name))

        def task(cancel):  # type: ignore[no-untyped-def]
            return prepare_voice_dataset(folder, name, cancel=cancel, **options)

        return self._start(
            self.tr("New voice “{name}”").format(name=name),
            task,
            self._on_prepared,
            gpu=options["device"] != "cpu",
        )

    def _on_prepared(self, result: DatasetJobResult) -> None:
        self.report.show_report(result.report)
        self.progress.setValue(1000)
        ready = result.features is not None
        self.status_label.setText(
            self.tr("Dataset ready in {dataset_dir}. Train it on the Train page.").format(
                dataset_dir=result.dataset_dir
            )
            if ready
            else self.tr("No usable clips: nothing was written (the reasons are in the report).")
            if not result.report.usable
            else self.tr("Clips prepared in {dataset_dir} (no features).").format(
                dataset_dir=result.dataset_dir
            )
        )
        self.ctx.events.voices_changed.emit()
        self.ctx.events.status.emit(
            self.tr("Prepared %n clips for “{name}”", "", len(result.report.clips)).format(
                name=result.report.voice
            )
        )
        self.job_done.emit("result")

    # ------------------------------------------------------------------ import / export

    def _ask_import_folder(self) -> None:
        folder = file_dialogs.existing_dir(self, self.ctx.settings, self.tr("VoiceCraft voice folder"))
        if folder:
            self.import_voice(Path(folder))

    def _ask_import_zip(self) -> None:
        path = file_dialogs.open_file(
            self, self.ctx.settings, self.tr("VoiceCraft voice zip"), self.tr("Voice zip (*.zip)")
        )
        if path:
            self.import_voice(Path(path))

    def _ask_import_reference(self) -> None:
        path = file_dialogs.open_file(
            self, self.ctx.settings, self.tr("so-vits-svc-5.0 model"), self.tr("PyTorch model (*.pth *.pt)")
        )
        if not path:
            return
        npy = file_dialogs.open_file(
            self,
            self.ctx.settings,
            self.tr("Singer vector (.npy) for this model"),
            self.tr("Singer vector (*.npy)"),
            start=path.parent,
        )
        if npy:
            self.import_voice(Path(path), speaker_npy=Path(npy))

    def import_voice(
        self, path: Path, speaker_npy: Path | None = None, name: str | None = None
    ) -> Job | None:
        """Imports a voice folder, zip, or so-vits-svc-5.0 ``.pth`` (+ ``speaker_npy``) in a job."""
        task = call_task(self.library.import_voice, path, name=name, speaker_npy=speaker_npy)
        return self._start(self.tr("Import {file}").format(file=path.name), task, self._on_imported)

    def _on_imported(self, entry: VoiceEntry) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(self.tr("Imported “{name}”.").format(name=entry.name))
        self.ctx.events.voices_changed.emit()
        self.select_name(entry.name)
        self.ctx.events.status.emit(self.tr("Imported voice “{name}”").format(name=entry.name))
        self.job_done.emit("result")

    def _ask_export(self) -> None:
        item = self.selected()
        if not isinstance(item, VoiceEntry):
            return
        path = file_dialogs.save_file(
            self, self.ctx.settings, self.tr("Export voice"), f"{item.name}.zip", self.tr("Voice zip (*.zip)")
        )
        if path:
            self.export_voice(item, Path(path))

    def export_voice(self, entry: VoiceEntry, dest: Path) -> Job | None:
        """Writes ``entry`` as a zip at ``dest`` in a job."""
        return self._start(
            self.tr("Export “{name}”").format(name=entry.name),
            call_task(self.library.export_zip, entry, dest),
            self._on_exported,
        )

    def _on_exported(self, path: Path) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(self.tr("Exported to {path}").format(path=path))
        self.ctx.events.status.emit(self.tr("Exported {file}").format(file=path.name))
        self.job_done.emit("result")

    # ------------------------------------------------------------------ rename / delete

    def _ask_rename(self) -> None:
        item = self.selected()
        if not isinstance(item, VoiceEntry):
            return
        name, ok = QInputDialog.getText(self, self.tr("Rename voice"), self.tr("New name:"), text=item.name)
        if ok:
            self.rename(item, name)

    def rename(self, entry: VoiceEntry, new_name: str) -> bool:
        """Renames a voice; shows the error (duplicate or empty name …) and returns False on failure."""
        try:
            renamed = self.library.rename(entry, new_name)
        except LibraryError as exc:
            self.error_box = show_error(self, self.tr("Cannot rename the voice"), error_text(exc))
            return False
        self.ctx.events.voices_changed.emit()
        self.select_name(renamed.name)
        return True

    def _ask_delete(self) -> None:
        item = self.selected()
        if item is None:
            return
        what = self.tr("dataset") if isinstance(item, DatasetInfo) else self.tr("voice")
        label = item.name or item.folder.name
        run = run_status(run_dir_for(item.folder), load=False) if isinstance(item, DatasetInfo) else None
        if run is not None and run.exists:  # issue 12.3: its run is archived or deleted with it, as asked
            self.run_box = ask_delete_dataset(self, label, run, lambda keep: self.delete(item, keep_run=keep))
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete {what}").format(what=what),
            self.tr(
                "Delete the {what} “{label}”?\n\nIts folder {folder} will be erased. This cannot be undone."
            ).format(what=what, label=label, folder=item.folder),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(item)

    def delete(self, item: VoiceEntry | DatasetInfo, keep_run: bool = True) -> bool:
        """Deletes a voice or dataset (after the confirmation); False and an error dialog on failure.
        A dataset's training run is archived (``keep_run``) or deleted first, so that a new dataset of
        the same name starts a new run."""
        self.player.stop()
        try:
            if isinstance(item, DatasetInfo):
                retire_run(run_dir_for(item.folder), keep=keep_run)
                delete_dataset(item.folder)
            else:
                self.library.delete(item)
        except (LibraryError, ValueError, OSError) as exc:
            self.error_box = show_error(self, self.tr("Cannot delete"), error_text(exc))
            return False
        self.ctx.events.voices_changed.emit()
        return True

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

    # ------------------------------------------------------------------ voices without training

    voice_config: Any = None
    """The architecture the pretrain is read with (None: the published pretrain's; tests set a stand-in's)."""

    def _made(self, what: str) -> Any:
        """A result handler for a job that added a voice: select it and say it is ready."""

        def done(entry: VoiceEntry) -> None:
            self.progress.setValue(1000)
            self.ctx.events.voices_changed.emit()
            self.select_name(entry.name)
            self.status_label.setText(
                self.tr("“{name}” is ready ({what}): choose it on the Convert page.").format(
                    name=entry.name, what=what
                )
            )
            self.ctx.events.status.emit(self.tr("Added voice “{name}”").format(name=entry.name))
            self.job_done.emit("result")

        return done

    def latest_take(self) -> Path | None:
        """The newest recorded take (the Record page saves them), or None."""
        folder = self.ctx.takes_dir()
        takes = sorted(folder.glob("*.wav"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
        return takes[-1] if takes else None

    def _ask_instant(self) -> None:
        start = self.ctx.takes_dir()
        files = file_dialogs.open_files(
            self,
            self.ctx.settings,
            self.tr("Recordings of your singing (10 to 60 s in all)"),
            self.tr("Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)"),
            start=start,
        )
        if not files:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Instant voice"), self.tr("Name of the voice:"), text=Path(files[0]).stem
        )
        if ok and name.strip():
            self.make_instant_voice([Path(f) for f in files], name.strip())

    def make_instant_voice(self, files: list[Path], name: str) -> Job | None:
        """An instant voice from ``files`` (a job): checked, embedded, added to My voices."""
        from voicecraft_desktop.core.voice_making import make_instant

        store, device = self.ctx.asset_store(), self.ctx.device
        library, config = self.library, self.voice_config

        def task(cancel):  # type: ignore[no-untyped-def]
            return make_instant(files, name, library, store, device=device, config=config, cancel=cancel)

        self.report.show_pending(
            self.tr("Making “{name}” from {files}…").format(name=name, files=", ".join(f.name for f in files))
        )
        return self._start(
            self.tr("Instant voice “{name}”").format(name=name), task, self._made(self.tr("an instant voice"))
        )

    def open_mixer(self) -> Any:
        """Opens the timbre mixer and model merge dialog (non-modal)."""
        from voicecraft_desktop.ui.pages.library_mixer import MixerDialog

        self.mixer = MixerDialog(self)
        self.mixer.show()
        return self.mixer

    # ------------------------------------------------------------------ retrieval index

    def _ask_index(self) -> None:
        item = self.selected()
        if not isinstance(item, VoiceEntry):
            return
        files = file_dialogs.open_files(
            self,
            self.ctx.settings,
            self.tr("Recordings of “{name}” singing").format(name=item.name),
            self.tr("Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)"),
        )
        if files:
            self.build_index(item, [Path(f) for f in files])

    def build_index(self, entry: VoiceEntry, files: list[Path]) -> Job | None:
        """Builds ``entry``'s retrieval index from recordings of it (a job), for the Index slider."""
        from models.convert.retrieval_audio import index_from_audio
        from voicecraft_desktop.core.convert_jobs import converter_for

        store, device, library = self.ctx.asset_store(), self.ctx.device, self.library

        def task(cancel):  # type: ignore[no-untyped-def]
            voice = library.load(entry, device)
            converter = converter_for(voice, store, report=False, device=device)
            return (yield from index_from_audio(converter, files, cancel))

        def done(_record: Any) -> None:
            self.progress.setValue(1000)
            self.status_label.setText(
                self.tr(
                    "Index built for “{name}” from %n recording(s): the Convert page's Index slider can use "
                    "it now.",
                    "",
                    len(files),
                ).format(name=entry.name)
            )
            self.ctx.events.voices_changed.emit()
            self.job_done.emit("result")

        return self._start(
            self.tr("Index for “{name}”").format(name=entry.name), task, done, gpu=device != "cpu"
        )

    # ------------------------------------------------------------------ improve an instant voice

    def _ask_improve(self) -> None:
        item = self.selected()
        if isinstance(item, VoiceEntry):
            self.improve_by_training(item)

    def improve_by_training(self, entry: VoiceEntry) -> Job | None:
        """Prepares a dataset from an instant voice's recordings (the pretrain's speaker vectors), then
        opens the Train page on it (its base model is the pretrain)."""
        import shutil

        from voicecraft_desktop.core.names import slug

        files = [Path(f) for f in entry.recipe.get("recordings", [])]
        gone = [f for f in files if not f.is_file()]
        if not files or gone:
            self.error_box = show_error(
                self,
                self.tr("Cannot improve the voice"),
                self.tr(
                    "The recordings “{name}” was made from are gone ({files}). Use “New voice from folder…” "
                    "with recordings of the voice instead."
                ).format(name=entry.name, files=", ".join(f.name for f in gone)),
            )
            return None
        folder = paths.data_dir() / "recordings" / slug(entry.name)
        folder.mkdir(parents=True, exist_ok=True)
        for f in files:
            if not (folder / f.name).exists():
                shutil.copy2(f, folder / f.name)
        options = {
            "f0": self.ctx.settings.value(F0_SETTING, "auto") or "auto",
            "store": self.ctx.asset_store(),
            "device": self.ctx.device,
            "speaker": "sovits5-lstm",
        }
        self.report.show_pending(
            self.tr("Preparing the recordings of “{name}” for training…").format(name=entry.name)
        )

        def task(cancel):  # type: ignore[no-untyped-def]
            return prepare_voice_dataset(folder, entry.name, cancel=cancel, **options)

        def done(result: DatasetJobResult) -> None:
            self._on_prepared(result)
            if result.features is not None:
                self.open_train(entry.name)

        return self._start(
            self.tr("Improve “{name}”").format(name=entry.name), task, done, gpu=options["device"] != "cpu"
        )

    def open_train(self, dataset: str) -> bool:
        """Shows the Train page with ``dataset`` chosen (its base model defaults to the pretrain)."""
        window = self.window()
        if not hasattr(window, "show_page") or not window.show_page("Train"):
            return False
        train = window.built_pages().get("Train")
        if train is not None:
            train.refresh()
            train.select_dataset(dataset)
        self.ctx.events.status.emit(
            self.tr("“{name}” is ready to train from the pretrain").format(name=dataset)
        )
        return True

    # ------------------------------------------------------------------ base singers

    def _ask_singer_preview(self) -> None:
        item = self.selected()
        if not isinstance(item, BaseSinger):
            return
        phrase = self.latest_take()
        if phrase is None:
            path = file_dialogs.open_file(
                self,
                self.ctx.settings,
                self.tr("A phrase to hear the singer on (a few seconds of singing)"),
                self.tr("Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)"),
            )
            if not path:
                return
            phrase = Path(path)
        self.preview_singer(item, phrase)

    def preview_singer(self, singer: BaseSinger, phrase: Path) -> Job | None:
        """Converts the first seconds of ``phrase`` with ``singer`` (nothing saved) and plays it."""
        from voicecraft_desktop.core.voice_making import singer_store

        singers = singer_store(self.ctx.assets_cache_dir())
        return self.preview_vector(
            lambda cancel: singers_vector(singers, singer.number, cancel), phrase, singer.name
        )

    def preview_vector(self, vector_of: Any, phrase: Path, label: str) -> Job | None:
        """A preview job: ``phrase`` converted on the pretrain with the vector ``vector_of(cancel)`` gives,
        then played (:func:`voicecraft_desktop.core.voice_making.preview`; its converter is kept)."""
        from voicecraft_desktop.core.voice_making import preview

        store, device = self.ctx.asset_store(), self.ctx.device
        config, cache = self.voice_config, self.previews

        def task(cancel):  # type: ignore[no-untyped-def]
            return preview(store, vector_of, phrase, device=device, config=config, cache=cache, cancel=cancel)

        def done(result: Any) -> None:
            self.progress.setValue(1000)
            self.last_preview = result
            try:
                self.player.play(result.audio, result.sample_rate)
            except PlaybackError as exc:
                self.status_label.setText(
                    self.tr("{label} on “{name}” is ready, but cannot be played: {exc}").format(
                        label=label, name=phrase.name, exc=exc
                    )
                )
            else:
                self.status_label.setText(
                    self.tr("Playing {label} on the first seconds of “{name}”.").format(
                        label=label, name=phrase.name
                    )
                )
            self.job_done.emit("result")

        return self._start(
            self.tr("Preview of {singer}").format(singer=label), task, done, gpu=device != "cpu"
        )

    def _ask_add_singer(self) -> None:
        item = self.selected()
        if isinstance(item, BaseSinger):
            self.add_singer(item)

    def add_singer(self, singer: BaseSinger) -> Job | None:
        """Adds base singer ``singer`` to My voices (a job: its vector may be downloaded first)."""
        from voicecraft_desktop.core.voice_making import make_base_singer, singer_store

        store, singers, library, config = (
            self.ctx.asset_store(),
            singer_store(self.ctx.assets_cache_dir()),
            self.library,
            self.voice_config,
        )

        def task(cancel):  # type: ignore[no-untyped-def]
            if False:  # pragma: no cover - a generator
                yield None
            return make_base_singer(library, store, singers, singer.number, config=config, cancel=cancel)

        return self._start(
            self.tr("Add {singer}").format(singer=singer.name),
            task,
            self._made(self.tr("a base singer of the pretrain")),
        )


def singers_vector(singers: Any, number: int, cancel: Any) -> Any:
    """Base singer ``number``'s vector (downloaded on first use), for previews."""
    from voicecraft_desktop.core.voice_making import singer_vector

    return singer_vector(singers, number, 256, cancel)


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold")
    return label


def _untrained_status(item: VoiceEntry) -> str:
    """The Status cell of a voice made without training: what it is, in plain words."""
    recipe = item.recipe
    if item.source == "instant":
        return QCoreApplication.translate(
            "LibraryPage", "instant voice (not trained yet; “Improve by training” makes it closer)"
        )
    if item.source == "timbre mix":
        ingredients = recipe.get("ingredients", [])
        parts = ", ".join(f"{i.get('name')} {float(i.get('share', 0)):.0%}" for i in ingredients)
        return QCoreApplication.translate("LibraryPage", "timbre mix: {parts}").format(parts=parts)
    if item.source == "model merge":
        parts = " + ".join(f"{m.get('name')} {float(m.get('rate', 0)):.0%}" for m in recipe.get("merge", []))
        return QCoreApplication.translate("LibraryPage", "merged: {parts}").format(parts=parts)
    return QCoreApplication.translate("LibraryPage", "base singer {number} of the pretrain").format(
        number=recipe.get("singer", "")
    )
