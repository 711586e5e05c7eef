"""The Convert page's folded "Advanced" section: what the command line has beyond the key.

:class:`AdvancedSettingsMixin` builds the toggle (``advanced_button``) and ``advanced_box`` holding
``advanced_form`` (a ``QFormLayout`` other features add their rows to): the output sample rate
(32 kHz, or 44.1/48 kHz resampled with soxr), file format and bits (exports and folder batches),
unvoiced frames, noise scale, seed and the retrieval Index. The page provides ``voice_combo`` (the
Index follows the chosen voice). The words belong to the Convert page (translation context
``ConvertPage``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from voicecraft_desktop.ui.widgets.index_slider import IndexSlider

SAMPLE_RATES = {
    32000: QT_TRANSLATE_NOOP("ConvertPage", "32 kHz (the model's own)"),
    44100: QT_TRANSLATE_NOOP("ConvertPage", "44.1 kHz (resampled)"),
    48000: QT_TRANSLATE_NOOP("ConvertPage", "48 kHz (resampled)"),
}
FORMATS = {"wav": "WAV", "flac": "FLAC"}
BITS = {
    "16": QT_TRANSLATE_NOOP("ConvertPage", "16-bit"),
    "24": QT_TRANSLATE_NOOP("ConvertPage", "24-bit"),
    "float": QT_TRANSLATE_NOOP("ConvertPage", "32-bit float"),
}
UNVOICED = {
    "interpolate": QT_TRANSLATE_NOOP("ConvertPage", "Carried through (smooth; the reference)"),
    "zero": QT_TRANSLATE_NOOP("ConvertPage", "None (breaths and consonants unpitched)"),
}


class AdvancedSettingsMixin:
    """The Advanced section of the Convert page (see the module docstring)."""

    def _build_advanced(self) -> None:
        """The folded "Advanced" section: a toggle and ``advanced_box`` holding ``advanced_form``."""
        from models.convert.options import MAX_NOISE_SCALE, ConvertOptions

        defaults = ConvertOptions()
        self.advanced_button = QToolButton()
        self.advanced_button.setObjectName("advancedButton")
        self.advanced_button.setText(QCoreApplication.translate("ConvertPage", "Advanced"))
        self.advanced_button.setCheckable(True)
        self.advanced_button.setAutoRaise(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_box = QWidget()
        self.advanced_box.setObjectName("advancedBox")
        self.advanced_form = QFormLayout(self.advanced_box)
        self.advanced_form.setContentsMargins(18, 0, 0, 0)

        def combo(items: dict[Any, str], name: str) -> QComboBox:
            box = QComboBox()
            box.setObjectName(name)
            for data, label in items.items():
                box.addItem(QCoreApplication.translate("ConvertPage", label), data)
            return box

        self.rate_combo = combo(SAMPLE_RATES, "sampleRateCombo")
        self.rate_combo.setToolTip(
            QCoreApplication.translate(
                "ConvertPage", "44.1 or 48 kHz to match a DAW session; the model itself sings at 32 kHz."
            )
        )
        self.format_combo = combo(FORMATS, "formatCombo")
        self.bits_combo = combo(BITS, "bitsCombo")
        self.format_combo.setToolTip(
            QCoreApplication.translate("ConvertPage", "The format of the files a folder conversion writes.")
        )
        self.bits_combo.setToolTip(
            QCoreApplication.translate(
                "ConvertPage", "Samples of exported and folder-converted files (FLAC: 16 or 24-bit)."
            )
        )
        files = QHBoxLayout()
        files.addWidget(self.format_combo)
        files.addWidget(self.bits_combo)
        files.addStretch(1)
        self.unvoiced_combo = combo(UNVOICED, "unvoicedCombo")
        self.unvoiced_combo.setCurrentIndex(self.unvoiced_combo.findData(defaults.unvoiced))
        self.unvoiced_combo.setToolTip(
            QCoreApplication.translate(
                "ConvertPage", "The pitch given where the song has none (breaths, consonants)."
            )
        )
        self.noise_spin = QDoubleSpinBox()
        self.noise_spin.setObjectName("noiseSpin")
        self.noise_spin.setRange(0.0, MAX_NOISE_SCALE)
        self.noise_spin.setSingleStep(0.1)
        self.noise_spin.setDecimals(2)
        self.noise_spin.setValue(defaults.noise_scale)
        self.noise_spin.setToolTip(
            QCoreApplication.translate(
                "ConvertPage", "Randomness of the voice's sound: 1 is the reference, 0 the steadiest."
            )
        )
        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("seedSpin")
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setValue(defaults.seed)
        self.seed_spin.setToolTip(
            QCoreApplication.translate("ConvertPage", "The same seed and settings give the same audio again.")
        )
        for w in (self.rate_combo, self.format_combo, self.bits_combo, self.unvoiced_combo):
            w.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)  # no full-width combos
        for w in (self.noise_spin, self.seed_spin):
            w.setMinimumWidth(110)
            w.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.advanced_form.addRow(
            QCoreApplication.translate("ConvertPage", "Output sample rate:"), self.rate_combo
        )
        self.advanced_form.addRow(QCoreApplication.translate("ConvertPage", "Files:"), files)
        self.advanced_form.addRow(
            QCoreApplication.translate("ConvertPage", "Unvoiced frames:"), self.unvoiced_combo
        )
        self.advanced_form.addRow(QCoreApplication.translate("ConvertPage", "Noise scale:"), self.noise_spin)
        self.advanced_form.addRow(QCoreApplication.translate("ConvertPage", "Seed:"), self.seed_spin)
        self.index_slider = IndexSlider()  # feature retrieval (issue 15): 0 % unless the voice has an index
        self.index_slider.follow(self.voice_combo)
        self.advanced_form.addRow(QCoreApplication.translate("ConvertPage", "Index:"), self.index_slider)
        self.advanced_box.setVisible(False)
        self.advanced_button.toggled.connect(self._show_advanced)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)

    def _show_advanced(self, shown: bool) -> None:
        self.advanced_box.setVisible(shown)
        self.advanced_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _on_format_changed(self) -> None:
        flac = self.format_combo.currentData() == "flac"  # FLAC stores 16- or 24-bit samples only
        item = self.bits_combo.model().item(self.bits_combo.findData("float"))
        item.setEnabled(not flac)
        if flac and self.bits_combo.currentData() == "float":
            self.bits_combo.setCurrentIndex(self.bits_combo.findData("24"))

    def output_sample_rate(self) -> int:
        return int(self.rate_combo.currentData())

    def output_bits(self, fmt: str) -> str:
        """The Advanced bits for a file of ``fmt`` (float is WAV-only: FLAC gets 24-bit then)."""
        bits = str(self.bits_combo.currentData())
        return "24" if fmt == "flac" and bits == "float" else bits
