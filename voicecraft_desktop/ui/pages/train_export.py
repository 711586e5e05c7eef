"""The Train page's export: a run's best or latest checkpoint into the library as a voice.

:class:`RunExportMixin` opens :class:`ExportDialog` (without blocking): the name (proposing the voice
this run exported before, else the dataset's name made unique) and which checkpoint — the best one
(lowest validation error, the ★ on the plot; the default) or the latest, each with its step. It
asks before replacing a same-named voice from elsewhere (without blocking), and runs
:func:`voicecraft_desktop.core.runs.export_to_library` as a job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core.library import VoiceLibrary
from voicecraft_desktop.core.runs import export_choices, export_target, export_to_library, voice_of_run
from voicecraft_desktop.ui.pages._common import call_task, failure_text, keeping_error, show_error
from voicecraft_desktop.ui.worker import Job, JobRefused

CHOICE_WORDS = {
    "best": QT_TRANSLATE_NOOP(
        "ExportDialog",
        "The best so far — step {step:,}: the lowest difference from the real voice on held-out "
        "recordings (the ★ on the plot). Recommended.",
    ),
    "latest": QT_TRANSLATE_NOOP(
        "ExportDialog", "The latest — step {step:,}: the newest checkpoint, trained longest."
    ),
}


class ExportDialog(QDialog):
    """The name of the exported voice, and which checkpoint (best or latest, with their steps)."""

    def __init__(
        self, parent: QWidget, label: str, default: str, choices: list[tuple[str, int, Path]]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export voice"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(label))
        self.name_edit = QLineEdit(default)
        layout.addWidget(self.name_edit)
        self.choice_buttons: list[QRadioButton] = []
        self.group = QButtonGroup(self)
        if choices:
            layout.addWidget(QLabel(self.tr("Which version of the voice:")))
        for i, (kind, step, _path) in enumerate(choices):
            words = self.tr(CHOICE_WORDS[kind]) if kind in CHOICE_WORDS else self.tr("{kind} — step {step:,}")
            button = QRadioButton(words.format(kind=kind, step=step))
            button.setChecked(i == 0)
            self.group.addButton(button, i)
            self.choice_buttons.append(button)
            layout.addWidget(button)
        self.choices = choices
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok | cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)

    def checkpoint(self) -> Path | None:
        """The chosen checkpoint (None: the run's default, best else newest)."""
        i = self.group.checkedId()
        return self.choices[i][2] if 0 <= i < len(self.choices) else None


class RunExportMixin:
    """Export for the Train page.

    The page provides ``ctx``, ``_run_dir`` (the chosen run's folder or None), ``_run_status()`` (its
    status, read without opening checkpoints), ``dataset()``,
    ``export_button``, ``messages`` (a ``QPlainTextEdit``), an ``exported = Signal(str)`` and
    ``_voice_changed()``; the mixin keeps ``export_job``, ``confirm_box`` (the open "replace the
    voice of that name?" question) and ``error_box``.
    """

    export_job: Job | None = None
    confirm_box: QMessageBox | None = None
    error_box: QMessageBox | None = None
    export_dialog: ExportDialog | None = None

    def _ask_export(self) -> None:
        info = self.dataset()  # type: ignore[attr-defined]
        if info is None:
            return
        run_dir = self._run_dir  # type: ignore[attr-defined]
        status = self._run_status() if run_dir is not None else None  # type: ignore[attr-defined]
        if status is not None and status.pending:
            return  # an older run's checkpoints are being read (Export is disabled until they are)
        ours = voice_of_run(run_dir) if run_dir is not None else None
        if ours is not None:  # trained further: keeping the name updates that voice
            default = ours.name
            label = QCoreApplication.translate(
                "RunExportMixin", "Name in the library (keep “{name}” to update it, or type a new name):"
            ).format(name=ours.name)
        else:
            names = {e.name.casefold() for e in VoiceLibrary().entries()}
            default, label, n = (
                info.name,
                QCoreApplication.translate("RunExportMixin", "Name in the library:"),
                2,
            )
            while default.casefold() in names:
                default, n = f"{info.name} ({n})", n + 1
        choices = export_choices(run_dir, status) if run_dir is not None else []
        dialog = ExportDialog(self, label, default, choices)  # type: ignore[arg-type]

        def accepted() -> None:
            name = dialog.name_edit.text().strip()
            if name:
                self.export(name, checkpoint=dialog.checkpoint())

        dialog.accepted.connect(accepted)
        dialog.open()
        self.export_dialog = dialog

    def export(self, name: str, replace: bool = False, checkpoint: Path | None = None) -> Job | None:
        """Exports the run's ``checkpoint`` (default: best, else newest) as a library voice ``name``.

        The voice this run exported before is updated in place (it stays until the new version is
        complete); a voice of that name from elsewhere is replaced only after the user confirms
        (``replace``); until then this returns None with :attr:`confirm_box` open.
        """
        run_dir = self._run_dir  # type: ignore[attr-defined]
        if run_dir is None:
            return None
        action, existing = export_target(run_dir, name)
        if action == "conflict" and not replace and existing is not None:
            self._confirm_replace(name, existing.name, checkpoint)
            return None
        from voicecraft_desktop import __version__

        raised: list[BaseException] = []  # what the export raised (its code: the dialog's language)
        try:
            job = self.ctx.runner.start(  # type: ignore[attr-defined]
                QCoreApplication.translate("RunExportMixin", "Export “{name}”").format(name=name),
                keeping_error(
                    call_task(
                        export_to_library,
                        run_dir,
                        name,
                        app_version=__version__,
                        replace=replace,
                        checkpoint=checkpoint,
                    ),
                    raised.append,
                ),
            )
        except JobRefused as exc:
            self.error_box = show_error(
                self, QCoreApplication.translate("RunExportMixin", "Cannot export"), str(exc)
            )  # type: ignore[arg-type]
            return None
        self.export_job = job
        self.export_button.setEnabled(False)  # type: ignore[attr-defined]
        job.result.connect(self._on_exported)
        job.failed.connect(
            lambda message, tb: setattr(
                self,
                "error_box",
                show_error(
                    self,
                    QCoreApplication.translate("RunExportMixin", "Export failed"),
                    *failure_text(raised[-1] if raised else None, message, tb),
                ),
            )
        )
        job.finished.connect(self._on_export_finished)
        return job

    def _confirm_replace(self, name: str, existing: str, checkpoint: Path | None = None) -> None:
        """Asks (without blocking) whether to replace the same-named voice that is not from this run."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("RunExportMixin", "Replace voice?"),
            QCoreApplication.translate(
                "RunExportMixin",
                "A voice named “{name}” is already in the library and was not trained in this run. "
                "Replace it with this run's voice? It is kept until the new one is complete.",
            ).format(name=existing),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,  # type: ignore[arg-type]
        )
        box.setObjectName("replaceVoiceDialog")
        box.button(QMessageBox.StandardButton.Yes).setText(
            QCoreApplication.translate("RunExportMixin", "Replace")
        )
        box.button(QMessageBox.StandardButton.Yes).clicked.connect(
            lambda: self.export(name, replace=True, checkpoint=checkpoint)
        )
        box.open()
        self.confirm_box = box

    def _on_exported(self, outcome: Any) -> None:
        folder = outcome.entry.folder
        messages = self.messages  # type: ignore[attr-defined]
        steps = outcome.entry.steps
        which = (
            QCoreApplication.translate("RunExportMixin", " (step {step:,})").format(step=steps)
            if steps is not None
            else ""
        )
        if outcome.updated:
            messages.appendPlainText(
                QCoreApplication.translate(
                    "RunExportMixin", "updated “{name}” in place{which} ({folder})"
                ).format(name=outcome.entry.name, which=which, folder=folder)
            )
        else:
            messages.appendPlainText(
                QCoreApplication.translate("RunExportMixin", "exported “{name}”{which} to {folder}").format(
                    name=outcome.entry.name, which=which, folder=folder
                )
            )
        self.ctx.events.voices_changed.emit()  # type: ignore[attr-defined]
        self.ctx.events.status.emit(
            QCoreApplication.translate("RunExportMixin", "Voice exported to the library")
        )  # type: ignore[attr-defined]
        self.exported.emit(str(folder))  # type: ignore[attr-defined]

    def _on_export_finished(self) -> None:
        self.export_job = None
        self._voice_changed()  # type: ignore[attr-defined]
