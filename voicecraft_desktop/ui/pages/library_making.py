"""Making voices on the Library page: a dataset from a folder of recordings, an instant voice, the
timbre mixer, a retrieval index, and "Improve by training".

Each is a job of the page (``_start``, from :class:`voicecraft_desktop.ui.pages._common.JobPageMixin`):
:func:`voicecraft_desktop.core.dataset_jobs.prepare_voice_dataset` for a folder (the dataset then waits
on the Train page), :func:`voicecraft_desktop.core.voice_making.make_instant` for an instant voice,
:func:`models.convert.retrieval_audio.index_from_audio` for an index. The mixer is a dialog
(:mod:`.library_mixer`). The words belong to the Library page (translation context ``LibraryPage``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox

from voicecraft_desktop.core import paths
from voicecraft_desktop.core.dataset_jobs import (
    DatasetJobResult,
    dataset_dir_for,
    list_datasets,
    prepare_voice_dataset,
)
from voicecraft_desktop.core.library import VoiceEntry
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.pages._common import show_error
from voicecraft_desktop.ui.worker import Job

F0_SETTING = "library/f0_method"


class VoiceMakingMixin:
    """New voices for the Library page, each made by a job.

    The page provides ``ctx``, ``library``, ``voice_config``, ``speaker_combo``, ``report`` (a
    :class:`.library_report.PreparationReport`), ``progress``, ``status_label``, ``job_done``,
    ``_start()``, ``selected()`` and ``select_name()``; the mixin keeps ``mixer`` (the open mixer
    dialog) and ``error_box``.
    """

    # ------------------------------------------------------------------ new voice from folder

    def _ask_new_voice(self) -> None:
        # Takes added on the Record page are collected in data_dir()/recordings/<voice>: start there.
        recordings = paths.data_dir() / "recordings"
        folder = file_dialogs.existing_dir(
            self,
            self.ctx.settings,
            QCoreApplication.translate("LibraryPage", "Folder of recordings"),
            recordings,
        )
        if not folder:
            return
        name, ok = QInputDialog.getText(
            self,
            QCoreApplication.translate("LibraryPage", "New voice"),
            QCoreApplication.translate("LibraryPage", "Name of the voice:"),
            text=Path(folder).name,
        )
        name = name.strip()
        if not ok or not name:
            return
        # One name, one dataset (the folder dataset_dir_for gives, as the command line uses).
        same = [d for d in list_datasets() if d.folder == dataset_dir_for(name)]
        if same and same[0].name.casefold() != name.casefold():
            QMessageBox.warning(
                self,
                QCoreApplication.translate("LibraryPage", "Name taken"),
                QCoreApplication.translate(
                    "LibraryPage",
                    "The dataset of “{name}” is stored under the same folder name as “{name1}”.\n\nChoose "
                    "another name, or delete that dataset first.",
                ).format(name=same[0].name, name1=name),
            )
            return
        if same:
            answer = QMessageBox.question(
                self,
                QCoreApplication.translate("LibraryPage", "Dataset exists"),
                QCoreApplication.translate(
                    "LibraryPage",
                    "A dataset for “{name}” exists ({clips} clips).\n\nReplace it with this folder's "
                    "recordings? It is kept as it is until the new one is complete, and if preparing fails.",
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
        self.report.show_pending(
            QCoreApplication.translate("LibraryPage", "Preparing {folder} as “{name}”…").format(
                folder=folder, name=name
            )
        )

        def task(cancel):  # type: ignore[no-untyped-def]
            return prepare_voice_dataset(folder, name, cancel=cancel, **options)

        return self._start(
            QCoreApplication.translate("LibraryPage", "New voice “{name}”").format(name=name),
            task,
            self._on_prepared,
            gpu=options["device"] != "cpu",
        )

    def _on_prepared(self, result: DatasetJobResult) -> None:
        self.report.show_report(result.report)
        self.progress.setValue(1000)
        ready = result.features is not None
        self.status_label.setText(
            QCoreApplication.translate(
                "LibraryPage", "Dataset ready in {dataset_dir}. Train it on the Train page."
            ).format(dataset_dir=result.dataset_dir)
            if ready
            else QCoreApplication.translate(
                "LibraryPage", "No usable clips: nothing was written (the reasons are in the report)."
            )
            if not result.report.usable
            else QCoreApplication.translate(
                "LibraryPage", "Clips prepared in {dataset_dir} (no features)."
            ).format(dataset_dir=result.dataset_dir)
        )
        self.ctx.events.voices_changed.emit()
        self.ctx.events.status.emit(
            QCoreApplication.translate(
                "LibraryPage", "Prepared %n clips for “{name}”", "", len(result.report.clips)
            ).format(name=result.report.voice)
        )
        self.job_done.emit("result")

    # ------------------------------------------------------------------ voices without training

    def _made(self, what: str) -> Any:
        """A result handler for a job that added a voice: select it and say it is ready."""

        def done(entry: VoiceEntry) -> None:
            self.progress.setValue(1000)
            self.ctx.events.voices_changed.emit()
            self.select_name(entry.name)
            self.status_label.setText(
                QCoreApplication.translate(
                    "LibraryPage", "“{name}” is ready ({what}): choose it on the Convert page."
                ).format(name=entry.name, what=what)
            )
            self.ctx.events.status.emit(
                QCoreApplication.translate("LibraryPage", "Added voice “{name}”").format(name=entry.name)
            )
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
            QCoreApplication.translate("LibraryPage", "Recordings of your singing (10 to 60 s in all)"),
            QCoreApplication.translate("LibraryPage", "Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)"),
            start=start,
        )
        if not files:
            return
        name, ok = QInputDialog.getText(
            self,
            QCoreApplication.translate("LibraryPage", "Instant voice"),
            QCoreApplication.translate("LibraryPage", "Name of the voice:"),
            text=Path(files[0]).stem,
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
            QCoreApplication.translate("LibraryPage", "Making “{name}” from {files}…").format(
                name=name, files=", ".join(f.name for f in files)
            )
        )
        return self._start(
            QCoreApplication.translate("LibraryPage", "Instant voice “{name}”").format(name=name),
            task,
            self._made(QCoreApplication.translate("LibraryPage", "an instant voice")),
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
            QCoreApplication.translate("LibraryPage", "Recordings of “{name}” singing").format(
                name=item.name
            ),
            QCoreApplication.translate("LibraryPage", "Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)"),
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
                QCoreApplication.translate(
                    "LibraryPage",
                    "Index built for “{name}” from %n recording(s): the Convert page's Index slider can use "
                    "it now.",
                    "",
                    len(files),
                ).format(name=entry.name)
            )
            self.ctx.events.voices_changed.emit()
            self.job_done.emit("result")

        return self._start(
            QCoreApplication.translate("LibraryPage", "Index for “{name}”").format(name=entry.name),
            task,
            done,
            gpu=device != "cpu",
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
                QCoreApplication.translate("LibraryPage", "Cannot improve the voice"),
                QCoreApplication.translate(
                    "LibraryPage",
                    "The recordings “{name}” was made from are gone ({files}). Use “New voice from folder…” "
                    "with recordings of the voice instead.",
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
            QCoreApplication.translate(
                "LibraryPage", "Preparing the recordings of “{name}” for training…"
            ).format(name=entry.name)
        )

        def task(cancel):  # type: ignore[no-untyped-def]
            return prepare_voice_dataset(folder, entry.name, cancel=cancel, **options)

        def done(result: DatasetJobResult) -> None:
            self._on_prepared(result)
            if result.features is not None:
                self.open_train(entry.name)

        return self._start(
            QCoreApplication.translate("LibraryPage", "Improve “{name}”").format(name=entry.name),
            task,
            done,
            gpu=options["device"] != "cpu",
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
            QCoreApplication.translate("LibraryPage", "“{name}” is ready to train from the pretrain").format(
                name=dataset
            )
        )
        return True
