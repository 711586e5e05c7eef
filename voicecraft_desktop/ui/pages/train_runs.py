"""What a training run is, in words, and the one question about an old run: keep it archived, or delete it.

Used by the Train page ("Start over…") and the Library page (deleting a dataset that has a run), so
both ask the same way. :func:`run_fate_box` opens a non-blocking question; the answer calls back with
``keep`` (True: move the run to the archive, False: delete it) and the caller runs
:func:`voicecraft_desktop.core.runs.retire_run`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from voicecraft_desktop.core.runs import RunStatus

PRESET_WORDS = {
    "sovits5": QT_TRANSLATE_NOOP("TrainRuns", "full-size model"),
    "tiny": QT_TRANSLATE_NOOP("TrainRuns", "small trial model"),
}


def describe_run(status: RunStatus) -> str:
    """"step 1,200, full-size model, fine-tuned from sovits5.0.pretrain.pth" (what fixes the run)."""
    parts = [QCoreApplication.translate("TrainRuns", "step {step:,}").format(step=status.step)]
    if status.preset:
        parts.append(
            QCoreApplication.translate("TrainRuns", PRESET_WORDS[status.preset])
            if status.preset in PRESET_WORDS
            else QCoreApplication.translate("TrainRuns", "{preset} model").format(preset=status.preset)
        )
    parts.append(
        QCoreApplication.translate("TrainRuns", "fine-tuned from {file}").format(file=Path(status.base).name)
        if status.base
        else QCoreApplication.translate("TrainRuns", "trained from scratch")
    )
    return QCoreApplication.translate("TrainRuns", ", ").join(parts)


def run_fate_box(
    parent: QWidget, title: str, text: str, on_choice: Callable[[bool], None], *, delete_label: str
) -> QMessageBox:
    """Opens (without blocking) "keep the old run archived, or delete it?"; ``on_choice(keep)`` on an
    answer, nothing on Cancel. Returns the box (``archive_button`` and ``delete_button`` attributes)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("runFateDialog")
    box.setInformativeText(
        QCoreApplication.translate(
            "TrainRuns",
            "Archived runs are moved out of the way (to the “.archive” folder next to the runs) and can be "
            "restored by hand; deleted runs are gone.",
        )
    )
    archive = box.addButton(
        QCoreApplication.translate("TrainRuns", "Keep the old run (archive)"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    delete = box.addButton(delete_label, QMessageBox.ButtonRole.DestructiveRole)
    archive.clicked.connect(lambda: on_choice(True))
    delete.clicked.connect(lambda: on_choice(False))
    box.setDefaultButton(archive)
    box.archive_button, box.delete_button = archive, delete  # type: ignore[attr-defined]
    box.open()
    return box


def ask_delete_dataset(
    parent: QWidget, name: str, status: RunStatus, on_choice: Callable[[bool], None]
) -> QMessageBox:
    """The Library's question for a dataset that has a training run: delete the dataset, and keep the
    run archived or delete it too (a new dataset of the same name must not resume the old run)."""
    return run_fate_box(
        parent,
        QCoreApplication.translate("TrainRuns", "Delete dataset"),
        QCoreApplication.translate(
            "TrainRuns",
            "Delete the dataset “{name}”? Its recordings and features will be erased. It also has a "
            "training run ({run}), which a new dataset of the same name must not continue: "
            "keep that run in the archive, or delete it too?",
        ).format(name=name, run=describe_run(status)),
        on_choice,
        delete_label=QCoreApplication.translate("TrainRuns", "Delete the run too"),
    )
