"""The Library page: the voices (and the prepared datasets waiting to be trained), and what to do with them.

Reads :class:`voicecraft_desktop.core.library.VoiceLibrary` and
:func:`voicecraft_desktop.core.dataset_jobs.list_datasets`; every slow action (new voice from a
folder, import, export) runs through ``ctx.runner`` as a job, so the window never freezes.
Rename and delete are a manifest rewrite and a folder rename: instant, done in the GUI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
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
from voicecraft_desktop.core.runs import run_dir_for, run_status
from voicecraft_desktop.ui.context import AppContext
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
from voicecraft_desktop.ui.worker import Job

log = logging.getLogger(__name__)

COLUMNS = ("Name", "Created", "Data", "Steps trained", "Extractors", "Status")
PREVIEW_NAME = "preview.wav"
F0_SETTING = "library/f0_method"


class LibraryPage(JobPageMixin, QWidget):
    """Voices: list, preview, rename, delete, import, export, and "New voice from folder…".

    Signals:
        job_done(str): a job of this page ended: ``"result"``, ``"failed"`` or ``"cancelled"``.
    """

    job_done = Signal(str)
    CANCELLED_TEXT = "Cancelled; nothing was added."

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

        self.new_button = QPushButton("New voice from folder…")
        self.new_button.setObjectName("newVoiceButton")
        self.new_button.setToolTip("Prepare a folder of recordings as a training dataset")
        self.import_button = QToolButton()
        self.import_button.setText("Import")
        self.import_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.import_button)
        menu.addAction("VoiceCraft voice folder…", self._ask_import_folder)
        menu.addAction("VoiceCraft voice zip…", self._ask_import_zip)
        menu.addAction("so-vits-svc-5.0 model (.pth + singer .npy)…", self._ask_import_reference)
        self.import_button.setMenu(menu)
        self.export_button = QPushButton("Export zip…")
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete…")
        self.preview_button = QPushButton("Play preview")
        self.preview_button.setCheckable(True)

        self.table = read_only_table(COLUMNS, "voiceTable", stretch_column=len(COLUMNS) - 1)
        self.empty_label = QLabel(
            "No voices yet. Use “New voice from folder…” to prepare your recordings, or import a voice."
        )
        self.empty_label.setWordWrap(True)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel("")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setEnabled(False)

        self.report_title = QLabel("Preparation report")
        self.report_title.setStyleSheet("font-weight: bold")
        self.report = PreparationReport()

        buttons = QHBoxLayout()
        for w in (
            self.new_button,
            self.import_button,
            self.export_button,
            self.rename_button,
            self.delete_button,
            self.preview_button,
        ):
            buttons.addWidget(w)
        buttons.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.empty_label)
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
        self.table.itemSelectionChanged.connect(self._update_buttons)
        ctx.events.voices_changed.connect(self.refresh)
        self._play_timer = interval_timer(self, 100, self._poll_player)
        self.refresh()

    # ------------------------------------------------------------------ listing

    def refresh(self) -> None:
        """Re-reads the library and the datasets; keeps the selection where possible."""
        selected = self.selected()
        key = self._key(selected) if selected else None
        self.table.setRowCount(0)
        rows: list[VoiceEntry | DatasetInfo] = [*self.library.entries(), *list_datasets()]
        for item in rows:
            r = self.table.rowCount()
            self.table.insertRow(r)
            for c, text in enumerate(self._cells(item)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item)
                if isinstance(item, VoiceEntry) and not item.available:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                    cell.setToolTip(item.problem or "")
                self.table.setItem(r, c, cell)
            if key is not None and self._key(item) == key:
                self.table.selectRow(r)
        self.empty_label.setVisible(not rows)
        self._update_buttons()

    @staticmethod
    def _key(item: VoiceEntry | DatasetInfo) -> str:
        return str(item.folder)

    @staticmethod
    def _cells(item: VoiceEntry | DatasetInfo) -> list[str]:
        if isinstance(item, VoiceEntry):
            if not item.available:
                return [item.folder.name, "", "", "", "", f"unavailable: {item.problem}"]
            extractors = " + ".join(v for k in ("pitch", "ppg", "vec") if (v := item.extractors.get(k)))
            status = "imported (so-vits-svc-5.0)" if "import" in item.source else "trained voice"
            steps = "—" if item.steps is None else f"{item.steps:,}"
            if item.steps is not None and (item.trained_steps or 0) > item.steps:  # issue 12.4
                steps = f"{item.steps:,} (best) of {item.trained_steps:,}"
            return [
                item.name,
                item.created_at[:16].replace("T", " "),
                format_minutes(item.minutes_of_data),
                steps,
                extractors,
                status,
            ]
        run = run_status(run_dir_for(item.folder))
        if not item.has_features:
            status = f"dataset: {item.clips} clips, features missing (prepare it again)"
        elif run.step:
            status = f"dataset: {item.clips} clips, training run at step {run.step:,} (Train page)"
        else:
            status = f"dataset: {item.clips} clips, ready to train"
        return [
            item.name,
            item.created_at[:16].replace("T", " "),
            format_minutes(item.total_s / 60.0),
            f"{run.step:,}",
            extractor_summary(item.extractors),
            status,
        ]

    def selected(self) -> VoiceEntry | DatasetInfo | None:
        """The selected voice or dataset."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def select_name(self, name: str) -> bool:
        """Selects the first row with this display name; True when found."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == name:
                self.table.selectRow(r)
                return True
        return False

    def _update_buttons(self) -> None:
        item = self.selected()
        voice = isinstance(item, VoiceEntry) and item.available
        self.export_button.setEnabled(voice)
        self.rename_button.setEnabled(voice)
        self.delete_button.setEnabled(item is not None)
        has_preview = voice and (item.folder / PREVIEW_NAME).is_file()  # type: ignore[union-attr]
        self.preview_button.setEnabled(bool(has_preview) or self.player.playing)
        self.preview_button.setToolTip("" if has_preview else "This voice has no preview clip yet")
        busy = self.job is not None
        self.new_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy and not self.job.cancel_requested)

    # ------------------------------------------------------------------ jobs

    def _on_progress(self, p: Any) -> None:
        if isinstance(p, DatasetJobProgress):
            self.progress.setValue(int(1000 * p.fraction))
            what = "Slicing recordings" if p.stage == "slicing" else "Extracting features"
            self.status_label.setText(f"{what}: {p.done} of {p.total} — {p.item}")

    # ------------------------------------------------------------------ new voice from folder

    def _ask_new_voice(self) -> None:
        # Takes added on the Record page are collected in data_dir()/recordings/<voice>: start there.
        recordings = paths.data_dir() / "recordings"
        start = str(recordings) if recordings.is_dir() else ""
        folder = QFileDialog.getExistingDirectory(self, "Folder of recordings", start)
        if not folder:
            return
        name, ok = QInputDialog.getText(self, "New voice", "Name of the voice:", text=Path(folder).name)
        name = name.strip()
        if not ok or not name:
            return
        # One name, one dataset (the folder dataset_dir_for gives, as the command line uses).
        same = [d for d in list_datasets() if d.folder == dataset_dir_for(name)]
        if same and same[0].name.casefold() != name.casefold():
            QMessageBox.warning(
                self,
                "Name taken",
                f"The dataset of “{same[0].name}” is stored under the same folder name as “{name}”.\n\n"
                "Choose another name, or delete that dataset first.",
            )
            return
        if same:
            answer = QMessageBox.question(
                self,
                "Dataset exists",
                f"A dataset for “{same[0].name}” exists ({same[0].clips} clips).\n\n"
                "Replace it with this folder's recordings? It is kept as it is until the new one is "
                "complete, and if preparing fails.",
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
        options.setdefault("store", self.ctx.asset_store())
        options.setdefault("device", self.ctx.device)
        self.report.show_pending(f"Preparing {folder} as “{name}”…")

        def task(cancel):  # type: ignore[no-untyped-def]
            return prepare_voice_dataset(folder, name, cancel=cancel, **options)

        return self._start(f"New voice “{name}”", task, self._on_prepared, gpu=options["device"] != "cpu")

    def _on_prepared(self, result: DatasetJobResult) -> None:
        self.report.show_report(result.report)
        self.progress.setValue(1000)
        ready = result.features is not None
        self.status_label.setText(
            f"Dataset ready in {result.dataset_dir}. Train it on the Train page."
            if ready
            else "No usable clips: nothing was written (the reasons are in the report)."
            if not result.report.usable
            else f"Clips prepared in {result.dataset_dir} (no features)."
        )
        self.ctx.events.voices_changed.emit()
        self.ctx.events.status.emit(f"Prepared {len(result.report.clips)} clips for “{result.report.voice}”")
        self.job_done.emit("result")

    # ------------------------------------------------------------------ import / export

    def _ask_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "VoiceCraft voice folder")
        if folder:
            self.import_voice(Path(folder))

    def _ask_import_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "VoiceCraft voice zip", "", "Voice zip (*.zip)")
        if path:
            self.import_voice(Path(path))

    def _ask_import_reference(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "so-vits-svc-5.0 model", "", "PyTorch model (*.pth *.pt)")
        if not path:
            return
        npy, _ = QFileDialog.getOpenFileName(
            self, "Singer vector (.npy) for this model", str(Path(path).parent), "Singer vector (*.npy)"
        )
        if npy:
            self.import_voice(Path(path), speaker_npy=Path(npy))

    def import_voice(
        self, path: Path, speaker_npy: Path | None = None, name: str | None = None
    ) -> Job | None:
        """Imports a voice folder, zip, or so-vits-svc-5.0 ``.pth`` (+ ``speaker_npy``) in a job."""
        task = call_task(self.library.import_voice, path, name=name, speaker_npy=speaker_npy)
        return self._start(f"Import {path.name}", task, self._on_imported)

    def _on_imported(self, entry: VoiceEntry) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(f"Imported “{entry.name}”.")
        self.ctx.events.voices_changed.emit()
        self.select_name(entry.name)
        self.ctx.events.status.emit(f"Imported voice “{entry.name}”")
        self.job_done.emit("result")

    def _ask_export(self) -> None:
        item = self.selected()
        if not isinstance(item, VoiceEntry):
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export voice", f"{item.name}.zip", "Voice zip (*.zip)")
        if path:
            self.export_voice(item, Path(path))

    def export_voice(self, entry: VoiceEntry, dest: Path) -> Job | None:
        """Writes ``entry`` as a zip at ``dest`` in a job."""
        return self._start(
            f"Export “{entry.name}”", call_task(self.library.export_zip, entry, dest), self._on_exported
        )

    def _on_exported(self, path: Path) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(f"Exported to {path}")
        self.ctx.events.status.emit(f"Exported {path.name}")
        self.job_done.emit("result")

    # ------------------------------------------------------------------ rename / delete

    def _ask_rename(self) -> None:
        item = self.selected()
        if not isinstance(item, VoiceEntry):
            return
        name, ok = QInputDialog.getText(self, "Rename voice", "New name:", text=item.name)
        if ok:
            self.rename(item, name)

    def rename(self, entry: VoiceEntry, new_name: str) -> bool:
        """Renames a voice; shows the error (duplicate or empty name …) and returns False on failure."""
        try:
            renamed = self.library.rename(entry, new_name)
        except LibraryError as exc:
            self.error_box = show_error(self, "Cannot rename the voice", str(exc))
            return False
        self.ctx.events.voices_changed.emit()
        self.select_name(renamed.name)
        return True

    def _ask_delete(self) -> None:
        item = self.selected()
        if item is None:
            return
        what = "dataset" if isinstance(item, DatasetInfo) else "voice"
        label = item.name or item.folder.name
        answer = QMessageBox.question(
            self,
            f"Delete {what}",
            f"Delete the {what} “{label}”?\n\nIts folder {item.folder} will be erased. "
            "This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(item)

    def delete(self, item: VoiceEntry | DatasetInfo) -> bool:
        """Deletes a voice or dataset (after the confirmation); False and an error dialog on failure."""
        self.player.stop()
        try:
            if isinstance(item, DatasetInfo):
                delete_dataset(item.folder)
            else:
                self.library.delete(item)
        except (LibraryError, ValueError, OSError) as exc:
            self.error_box = show_error(self, "Cannot delete", str(exc))
            return False
        self.ctx.events.voices_changed.emit()
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
            self.error_box = show_error(self, "Cannot play the preview", str(exc))
            return False
        self.preview_button.setChecked(True)
        self.preview_button.setText("Stop preview")
        self._play_timer.start()
        return True

    def _poll_player(self) -> None:
        if not self.player.playing:
            self._play_timer.stop()
            self.preview_button.setChecked(False)
            self.preview_button.setText("Play preview")
            self._update_buttons()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.player.stop()
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Stops playback (the main window calls it on close, after the jobs have ended)."""
        self.player.stop()
        self._play_timer.stop()
