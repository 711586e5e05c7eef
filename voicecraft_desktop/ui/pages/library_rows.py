"""What each row of the Library page's lists says: a voice, a dataset or a base singer, in plain words.

Pure text (no widgets): :func:`row_cells` gives a row's cells, :func:`untrained_status` the Status of a
voice made without training. The words belong to the Library page (translation context ``LibraryPage``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from voicecraft_desktop.core.dataset_jobs import extractor_summary
from voicecraft_desktop.core.library import VoiceEntry
from voicecraft_desktop.core.runs import run_dir_for, run_status
from voicecraft_desktop.core.voice_making import BaseSinger
from voicecraft_desktop.ui.pages._common import format_minutes


def row_cells(item: Any) -> list[str]:
    """The cells of ``item``'s row: a voice (:data:`voicecraft_desktop.ui.pages.library.COLUMNS`), a
    dataset (the same columns; its run's step read from its files only) or a base singer (name, status)."""
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
            status = untrained_status(item)
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


def untrained_status(item: VoiceEntry) -> str:
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
