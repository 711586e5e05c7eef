"""The Train page's export: a run's best (else newest) checkpoint into the library as a voice.

:class:`RunExportMixin` asks for the name (proposing the voice this run exported before, else the
dataset's name made unique), asks before replacing a same-named voice from elsewhere (without
blocking), and runs :func:`voicecraft_desktop.core.runs.export_to_library` as a job.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QInputDialog, QMessageBox

from voicecraft_desktop.core.library import VoiceLibrary
from voicecraft_desktop.core.runs import export_target, export_to_library, voice_of_run
from voicecraft_desktop.ui.pages._common import call_task, show_error
from voicecraft_desktop.ui.worker import Job, JobRefused


class RunExportMixin:
    """Export for the Train page.

    The page provides ``ctx``, ``_run_dir`` (the chosen run's folder or None), ``dataset()``,
    ``export_button``, ``messages`` (a ``QPlainTextEdit``), an ``exported = Signal(str)`` and
    ``_voice_changed()``; the mixin keeps ``export_job``, ``confirm_box`` (the open "replace the
    voice of that name?" question) and ``error_box``.
    """

    export_job: Job | None = None
    confirm_box: QMessageBox | None = None
    error_box: QMessageBox | None = None

    def _ask_export(self) -> None:
        info = self.dataset()  # type: ignore[attr-defined]
        if info is None:
            return
        run_dir = self._run_dir  # type: ignore[attr-defined]
        ours = voice_of_run(run_dir) if run_dir is not None else None
        if ours is not None:  # trained further: keeping the name updates that voice
            default = ours.name
            label = f"Name in the library (keep “{ours.name}” to update it, or type a new name):"
        else:
            names = {e.name.casefold() for e in VoiceLibrary().entries()}
            default, label, n = info.name, "Name in the library:", 2
            while default.casefold() in names:
                default, n = f"{info.name} ({n})", n + 1
        name, ok = QInputDialog.getText(self, "Export voice", label, text=default)  # type: ignore[arg-type]
        if ok and name.strip():
            self.export(name.strip())

    def export(self, name: str, replace: bool = False) -> Job | None:
        """Exports the run's best (else newest) checkpoint as a library voice named ``name``.

        The voice this run exported before is updated in place (it stays until the new version is
        complete); a voice of that name from elsewhere is replaced only after the user confirms
        (``replace``); until then this returns None with :attr:`confirm_box` open.
        """
        run_dir = self._run_dir  # type: ignore[attr-defined]
        if run_dir is None:
            return None
        action, existing = export_target(run_dir, name)
        if action == "conflict" and not replace and existing is not None:
            self._confirm_replace(name, existing.name)
            return None
        from voicecraft_desktop import __version__

        try:
            job = self.ctx.runner.start(  # type: ignore[attr-defined]
                f"Export “{name}”",
                call_task(export_to_library, run_dir, name, app_version=__version__, replace=replace),
            )
        except JobRefused as exc:
            self.error_box = show_error(self, "Cannot export", str(exc))  # type: ignore[arg-type]
            return None
        self.export_job = job
        self.export_button.setEnabled(False)  # type: ignore[attr-defined]
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
            self,  # type: ignore[arg-type]
        )
        box.setObjectName("replaceVoiceDialog")
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.button(QMessageBox.StandardButton.Yes).clicked.connect(lambda: self.export(name, replace=True))
        box.open()
        self.confirm_box = box

    def _on_exported(self, outcome: Any) -> None:
        folder = outcome.entry.folder
        messages = self.messages  # type: ignore[attr-defined]
        if outcome.updated:
            messages.appendPlainText(f"updated “{outcome.entry.name}” in place ({folder})")
        else:
            messages.appendPlainText(f"exported to {folder}")
        self.ctx.events.voices_changed.emit()  # type: ignore[attr-defined]
        self.ctx.events.status.emit("Voice exported to the library")  # type: ignore[attr-defined]
        self.exported.emit(str(folder))  # type: ignore[attr-defined]

    def _on_export_finished(self) -> None:
        self.export_job = None
        self._voice_changed()  # type: ignore[attr-defined]
