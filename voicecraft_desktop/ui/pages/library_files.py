"""The Library page's housekeeping: import a voice (a VoiceCraft folder or zip, or a so-vits-svc-5.0
model), export one as a zip, rename, delete.

Import and export are jobs of the page (:class:`voicecraft_desktop.core.library.VoiceLibrary` does the
work); rename and delete are a manifest rewrite and a folder rename, instant, in the GUI thread.
Deleting a dataset that has a training run asks what becomes of the run (:mod:`.train_runs`). The
words belong to the Library page (translation context ``LibraryPage``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox

from voicecraft_desktop.core.dataset_jobs import DatasetInfo, delete_dataset
from voicecraft_desktop.core.library import LibraryError, VoiceEntry
from voicecraft_desktop.core.runs import retire_run, run_dir_for, run_status
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.error_text import error_text
from voicecraft_desktop.ui.pages._common import call_task, show_error
from voicecraft_desktop.ui.pages.train_runs import ask_delete_dataset
from voicecraft_desktop.ui.worker import Job


class VoiceFilesMixin:
    """Import, export, rename and delete, for the Library page.

    The page provides ``ctx``, ``library``, ``player``, ``progress``, ``status_label``, ``job_done``,
    ``_start()``, ``selected()`` and ``select_name()``; the mixin keeps ``error_box`` and ``run_box``
    (the open "what becomes of its training run?" question).
    """

    # ------------------------------------------------------------------ import / export

    def _ask_import_folder(self) -> None:
        folder = file_dialogs.existing_dir(
            self, self.ctx.settings, QCoreApplication.translate("LibraryPage", "VoiceCraft voice folder")
        )
        if folder:
            self.import_voice(Path(folder))

    def _ask_import_zip(self) -> None:
        path = file_dialogs.open_file(
            self,
            self.ctx.settings,
            QCoreApplication.translate("LibraryPage", "VoiceCraft voice zip"),
            QCoreApplication.translate("LibraryPage", "Voice zip (*.zip)"),
        )
        if path:
            self.import_voice(Path(path))

    def _ask_import_reference(self) -> None:
        path = file_dialogs.open_file(
            self,
            self.ctx.settings,
            QCoreApplication.translate("LibraryPage", "so-vits-svc-5.0 model"),
            QCoreApplication.translate("LibraryPage", "PyTorch model (*.pth *.pt)"),
        )
        if not path:
            return
        npy = file_dialogs.open_file(
            self,
            self.ctx.settings,
            QCoreApplication.translate("LibraryPage", "Singer vector (.npy) for this model"),
            QCoreApplication.translate("LibraryPage", "Singer vector (*.npy)"),
            start=path.parent,
        )
        if npy:
            self.import_voice(Path(path), speaker_npy=Path(npy))

    def import_voice(
        self, path: Path, speaker_npy: Path | None = None, name: str | None = None
    ) -> Job | None:
        """Imports a voice folder, zip, or so-vits-svc-5.0 ``.pth`` (+ ``speaker_npy``) in a job."""
        task = call_task(self.library.import_voice, path, name=name, speaker_npy=speaker_npy)
        return self._start(
            QCoreApplication.translate("LibraryPage", "Import {file}").format(file=path.name),
            task,
            self._on_imported,
        )

    def _on_imported(self, entry: VoiceEntry) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(
            QCoreApplication.translate("LibraryPage", "Imported “{name}”.").format(name=entry.name)
        )
        self.ctx.events.voices_changed.emit()
        self.select_name(entry.name)
        self.ctx.events.status.emit(
            QCoreApplication.translate("LibraryPage", "Imported voice “{name}”").format(name=entry.name)
        )
        self.job_done.emit("result")

    def _ask_export(self) -> None:
        item = self.selected()
        if not isinstance(item, VoiceEntry):
            return
        path = file_dialogs.save_file(
            self,
            self.ctx.settings,
            QCoreApplication.translate("LibraryPage", "Export voice"),
            f"{item.name}.zip",
            QCoreApplication.translate("LibraryPage", "Voice zip (*.zip)"),
        )
        if path:
            self.export_voice(item, Path(path))

    def export_voice(self, entry: VoiceEntry, dest: Path) -> Job | None:
        """Writes ``entry`` as a zip at ``dest`` in a job."""
        return self._start(
            QCoreApplication.translate("LibraryPage", "Export “{name}”").format(name=entry.name),
            call_task(self.library.export_zip, entry, dest),
            self._on_exported,
        )

    def _on_exported(self, path: Path) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(
            QCoreApplication.translate("LibraryPage", "Exported to {path}").format(path=path)
        )
        self.ctx.events.status.emit(
            QCoreApplication.translate("LibraryPage", "Exported {file}").format(file=path.name)
        )
        self.job_done.emit("result")

    # ------------------------------------------------------------------ rename / delete

    def _ask_rename(self) -> None:
        item = self.selected()
        if not isinstance(item, VoiceEntry):
            return
        name, ok = QInputDialog.getText(
            self,
            QCoreApplication.translate("LibraryPage", "Rename voice"),
            QCoreApplication.translate("LibraryPage", "New name:"),
            text=item.name,
        )
        if ok:
            self.rename(item, name)

    def rename(self, entry: VoiceEntry, new_name: str) -> bool:
        """Renames a voice; shows the error (duplicate or empty name …) and returns False on failure."""
        try:
            renamed = self.library.rename(entry, new_name)
        except LibraryError as exc:
            self.error_box = show_error(
                self, QCoreApplication.translate("LibraryPage", "Cannot rename the voice"), error_text(exc)
            )
            return False
        self.ctx.events.voices_changed.emit()
        self.select_name(renamed.name)
        return True

    def _ask_delete(self) -> None:
        item = self.selected()
        if item is None:
            return
        what = (
            QCoreApplication.translate("LibraryPage", "dataset")
            if isinstance(item, DatasetInfo)
            else QCoreApplication.translate("LibraryPage", "voice")
        )
        label = item.name or item.folder.name
        run = run_status(run_dir_for(item.folder), load=False) if isinstance(item, DatasetInfo) else None
        if run is not None and run.exists:  # issue 12.3: its run is archived or deleted with it, as asked
            self.run_box = ask_delete_dataset(self, label, run, lambda keep: self.delete(item, keep_run=keep))
            return
        answer = QMessageBox.question(
            self,
            QCoreApplication.translate("LibraryPage", "Delete {what}").format(what=what),
            QCoreApplication.translate(
                "LibraryPage",
                "Delete the {what} “{label}”?\n\nIts folder {folder} will be erased. This cannot be undone.",
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
            self.error_box = show_error(
                self, QCoreApplication.translate("LibraryPage", "Cannot delete"), error_text(exc)
            )
            return False
        self.ctx.events.voices_changed.emit()
        return True
