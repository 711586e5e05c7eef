"""Settings page: the model files (the setup view: what each task needs, download what is needed,
"Locate file…"), the download cache folder, the compute device (GPU memory shown when CUDA is
present) and threads, and the language (English or Simplified Chinese; applied at the next start).

The model files section is :class:`voicecraft_desktop.ui.pages.setup.SetupView` (the same view the
first start and a missing-model error open as a dialog). Detecting compute devices imports torch, so it
runs as a job the first time the page is shown, never at start-up.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.i18n import LANGUAGES, current_language, resolve_language
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.pages.setup import SetupView
from voicecraft_desktop.ui.worker import Job, JobRefused

log = logging.getLogger(__name__)


def detect_devices(cancel: Any = None):
    """Job task: the compute devices torch sees, as (id, label) pairs; CPU first."""
    import torch

    devices = [
        (
            "cpu",
            QCoreApplication.translate("SettingsPage", "CPU ({cores} cores)").format(
                cores=os.cpu_count() or 1
            ),
        )
    ]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            try:
                free, total = torch.cuda.mem_get_info(i)
                memory = QCoreApplication.translate(
                    "SettingsPage", "{total:.1f} GB, {free:.1f} GB free"
                ).format(total=total / 2**30, free=free / 2**30)
            except RuntimeError:
                memory = f"{props.total_memory / 2**30:.1f} GB"
            devices.append((f"cuda:{i}", f"GPU {i}: {props.name} ({memory})"))
    return devices
    yield  # a generator task


class SettingsPage(QWidget):
    """Model files, cache folder, device and threads.

    Signals:
        job_done(str): a download or a file check ended: ``"result"``, ``"failed"`` or ``"cancelled"``.
    """

    job_done = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, registry: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self.ctx = ctx
        self.registry = registry  # the assets listed (default: models.formats.assets.ASSETS)
        self.device_job: Job | None = None
        self._devices_detected = False

        # -- models: the setup view ------------------------------------------------------------------
        self.setup = SetupView(ctx, self, registry)
        self.setup.job_done.connect(self.job_done)

        # -- cache, device, threads ------------------------------------------------------------
        self.cache_edit = QLineEdit()
        self.cache_edit.setReadOnly(True)
        self.cache_edit.setObjectName("cacheFolder")
        self.cache_button = QPushButton(self.tr("Change…"))
        self.cache_default_button = QPushButton(self.tr("Default"))
        self.cache_open_button = QPushButton(self.tr("Open"))
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_label = QLabel("")
        self.device_label.setWordWrap(True)
        self.threads_spin = QSpinBox()
        self.threads_spin.setObjectName("threadsSpin")
        self.threads_spin.setRange(0, max(1, os.cpu_count() or 1) * 2)
        self.threads_spin.setSpecialValueText(self.tr("automatic"))
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("speedCombo")
        self.speed_combo.addItem(self.tr("Exact (as the original model)"), "exact")
        self.speed_combo.addItem(self.tr("Fast (quicker without a GPU, nearly the same sound)"), "fast")
        self.speed_combo.setCurrentIndex(
            max(0, self.speed_combo.findData(self.ctx.settings.get("compute/speed")))
        )
        self.speed_combo.setToolTip(
            self.tr(
                "Fast runs the same voice with lighter arithmetic; the result sounds the same to the ear "
                "but is not identical sample for sample. Choose Exact to match results made before."
            )
        )
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem(
            self.tr("System language ({language})").format(language=LANGUAGES[resolve_language("")]), ""
        )
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(self.ctx.settings.get("ui/language")))
        )
        self.language_note = QLabel()
        self.language_note.setObjectName("languageNote")
        self.language_note.setWordWrap(True)

        self._build_layout()

        self.cache_button.clicked.connect(self._ask_cache_folder)
        self.cache_default_button.clicked.connect(lambda: self.set_cache_folder(None))
        self.cache_open_button.clicked.connect(self.open_cache_folder)
        self.device_combo.currentIndexChanged.connect(self._on_device_chosen)
        self.threads_spin.valueChanged.connect(self._on_threads_changed)
        self.speed_combo.currentIndexChanged.connect(
            lambda i: self.ctx.settings.set("compute/speed", str(self.speed_combo.itemData(i)))
        )
        self.language_combo.currentIndexChanged.connect(self._on_language_chosen)

        self.threads_spin.setValue(self.ctx.settings.get("compute/threads"))
        self._show_language_note()
        current = self.ctx.chosen_device
        self._set_device_items([(current, current.upper() if current != "cpu" else "CPU")])
        self.refresh()

    def _build_layout(self) -> None:
        models = QGroupBox(self.tr("Model files"))
        models_layout = QVBoxLayout(models)
        models_layout.setContentsMargins(4, 4, 4, 4)
        models_layout.addWidget(self.setup)

        general = QGroupBox(self.tr("Cache and compute"))
        form = QFormLayout(general)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self.cache_edit, 1)
        for w in (self.cache_button, self.cache_default_button, self.cache_open_button):
            cache_row.addWidget(w)
        form.addRow(self.tr("Download folder"), cache_row)
        device_row = QVBoxLayout()
        device_row.addWidget(self.device_combo)
        device_row.addWidget(self.device_label)
        form.addRow(self.tr("Compute device"), device_row)
        form.addRow(self.tr("CPU threads"), self.threads_spin)
        form.addRow(self.tr("Conversion speed"), self.speed_combo)
        language_row = QVBoxLayout()
        language_row.addWidget(self.language_combo)
        language_row.addWidget(self.language_note)
        form.addRow(self.tr("Language"), language_row)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        layout = QVBoxLayout(self)
        layout.addWidget(models, 1)
        layout.addWidget(general)

    # -- models and cache ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read every asset's state and the cache folder."""
        chosen = self.ctx.settings.get("assets/cache_dir")
        self.cache_edit.setText(str(self.ctx.assets_cache_dir()) + ("" if chosen else self.tr("  (default)")))
        self.setup.refresh()

    def open_cache_folder(self) -> None:
        folder = self.ctx.assets_cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def set_cache_folder(self, folder: Path | None) -> None:
        self.ctx.settings.set("assets/cache_dir", str(folder) if folder else "")
        self.refresh()

    def _ask_cache_folder(self) -> None:
        folder = file_dialogs.existing_dir(
            self, self.ctx.settings, self.tr("Download folder for model files"), self.ctx.assets_cache_dir()
        )
        if folder:
            self.set_cache_folder(Path(folder))

    # -- devices ---------------------------------------------------------------------------------

    def detect_devices(self) -> Job | None:
        """Ask torch which devices exist (in a job: importing torch takes a moment)."""
        if self.device_job is not None:
            return self.device_job
        try:
            job = self.ctx.runner.start(self.tr("Detecting compute devices"), detect_devices)
        except JobRefused:
            return None
        self.device_job = job
        self.device_label.setText(self.tr("Detecting devices…"))
        job.result.connect(self._on_devices)
        job.failed.connect(
            lambda msg, _d: self.device_label.setText(
                self.tr("Could not list devices: {msg}").format(msg=msg)
            )
        )
        job.finished.connect(self._on_device_job_finished)
        return job

    def _on_device_job_finished(self) -> None:
        self.device_job = None

    def _on_devices(self, devices: list[tuple[str, str]]) -> None:
        self._devices_detected = True
        current = self.ctx.chosen_device
        known = [d for d, _ in devices]
        if current not in known:
            devices = devices + [
                (current, self.tr("{device} (not available now: the CPU is used)").format(device=current))
            ]
        self._set_device_items(devices)
        gpus = len([d for d in known if d.startswith("cuda")])
        self.device_label.setText(
            self.tr("%n CUDA GPU(s) found.", "", gpus)
            if gpus
            else self.tr("No CUDA GPU found: training and conversion run on the CPU.")
        )

    def _set_device_items(self, devices: list[tuple[str, str]]) -> None:
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        for device, label in devices:
            self.device_combo.addItem(label, device)
        index = self.device_combo.findData(self.ctx.chosen_device)
        self.device_combo.setCurrentIndex(max(0, index))
        self.device_combo.blockSignals(False)

    def _on_language_chosen(self, index: int) -> None:
        code = str(self.language_combo.itemData(index) or "")
        self.ctx.settings.set("ui/language", code)
        self._show_language_note()

    def _show_language_note(self) -> None:
        """Says when a new choice takes effect (the window is built in one language, at start)."""
        wanted = resolve_language(str(self.language_combo.currentData() or ""))
        self.language_note.setText(
            ""
            if wanted == current_language()
            else self.tr("The language changes the next time you start VoiceCraft.")
        )
        self.language_note.setVisible(bool(self.language_note.text()))

    def _on_threads_changed(self, value: int) -> None:
        self.ctx.threads = int(value)

    def _on_device_chosen(self, index: int) -> None:
        device = self.device_combo.itemData(index)
        if device:
            self.ctx.device = str(device)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._devices_detected:
            self.detect_devices()
        self.refresh()

    def shutdown(self) -> None:
        self.setup.shutdown()
