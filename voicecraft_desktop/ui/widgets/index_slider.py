"""The Convert page's "Index" slider: how far the sung words' sound is pulled toward the voice's own
recordings (feature retrieval, ``ConvertOptions.retrieval_ratio`` 0-1).

:class:`IndexSlider` follows the page's voice list (:meth:`IndexSlider.follow`): for a voice without a
retrieval index it is greyed out at 0 and says where to build one (the Library); otherwise it offers
0-100 % (0 leaves the features untouched, as before). :meth:`IndexSlider.ratio` is what the options get.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QWidget

HELP = QT_TRANSLATE_NOOP(
    "IndexSlider",
    "Pulls the sound of the words toward the voice's own recordings: more of the voice's accent "
    "and timbre, a little less clarity. 0 % leaves the conversion as it is.",
)
NO_INDEX = QT_TRANSLATE_NOOP(
    "IndexSlider", "This voice has no index yet: build one on the Library page (Build index…)."
)


class IndexSlider(QWidget):
    """A 0-100 % slider with its value; ``ratio()`` is 0 when the voice has no index."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indexSlider")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("indexRatio")
        self.slider.setRange(0, 100)
        self.slider.setSingleStep(5)
        self.slider.setPageStep(25)
        self.slider.setMinimumWidth(160)
        self.slider.setMaximumWidth(320)
        self.value_label = QLabel()
        self.value_label.setMinimumWidth(90)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.value_label)
        layout.addStretch(1)
        self.has_index = False
        self.slider.valueChanged.connect(self._show_value)
        self.set_voice_folder(None)

    def follow(self, combo: QComboBox) -> None:
        """Tracks ``combo``'s current voice (item data: a library ``VoiceEntry``)."""

        def changed() -> None:
            entry: Any = combo.currentData()
            self.set_voice_folder(getattr(entry, "folder", None))

        combo.currentIndexChanged.connect(changed)
        model = combo.model()  # a refill with the combo's signals blocked still changes its model
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(lambda *_: QTimer.singleShot(0, self, changed))
        changed()

    def set_voice_folder(self, folder: Path | None) -> None:
        """Enables the slider when the voice in ``folder`` has a retrieval index."""
        from models.features.retrieval import has_indexes

        self.has_index = bool(folder is not None and has_indexes(Path(folder)))
        self.slider.setEnabled(self.has_index)
        tip = self.tr(HELP if self.has_index else NO_INDEX)
        self.slider.setToolTip(tip)
        self.value_label.setToolTip(tip)
        self._show_value()

    def ratio(self) -> float:
        """The retrieval ratio the options get (0 for a voice without an index)."""
        return self.slider.value() / 100.0 if self.has_index else 0.0

    def set_ratio(self, ratio: float) -> None:
        self.slider.setValue(int(round(100 * ratio)))

    def _show_value(self) -> None:
        self.value_label.setText(
            f"{self.slider.value()} %"
            if self.has_index
            else self.tr("this voice has no index yet (Library: Build index…)")
        )
