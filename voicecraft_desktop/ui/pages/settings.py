"""Settings page: pretrained model files (download with progress and cancel, or "Locate file…"),
the download cache folder, the compute device (GPU memory shown when CUDA is present) and threads.

The asset registry and downloads are :mod:`models.formats.assets` (``AssetStore.download`` is a generator,
run here as a job). Detecting compute devices imports torch, so it runs as a job the first time the
page is shown, never at start-up.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.pages._common import read_only_table, show_error
from voicecraft_desktop.ui.worker import Job, JobRefused

log = logging.getLogger(__name__)

COLUMNS = ("Model file", "Status", "Size", "Licence")


def _fmt_bytes(n: int | None) -> str:
    if n is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def asset_status(store: Any, name: str) -> tuple[str, Path | None]:
    """("located" | "cached" | "unverified" | "missing", path) without hashing anything."""
    asset = store.asset(name)
    if name in store.overrides:
        path = store.overrides[name]
        return ("located" if path.exists() else "missing"), path
    path = store.cache_path(name)
    if asset.folder:
        return ("cached" if (path / "config.json").is_file() else "missing"), path
    if not path.is_file():
        return "missing", path
    return ("cached" if store.recorded_sha256(name) else "unverified"), path


def detect_devices(cancel: Any = None):
    """Job task: the compute devices torch sees, as (id, label) pairs; CPU first."""
    import torch

    devices = [("cpu", f"CPU ({os.cpu_count() or 1} cores)")]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            try:
                free, total = torch.cuda.mem_get_info(i)
                memory = f"{total / 2**30:.1f} GB, {free / 2**30:.1f} GB free"
            except RuntimeError:
                memory = f"{props.total_memory / 2**30:.1f} GB"
            devices.append((f"cuda:{i}", f"GPU {i}: {props.name} ({memory})"))
    return devices
    yield  # a generator task


class SettingsPage(QWidget):
    """Model files, cache folder, device and threads.

    Signals:
        job_done(str): a download ended: ``"result"``, ``"failed"`` or ``"cancelled"``.
    """

    job_done = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, registry: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self.ctx = ctx
        self.registry = registry  # the assets listed (default: models.formats.assets.ASSETS)
        self.download_job: Job | None = None
        self.device_job: Job | None = None
        self.error_box: QMessageBox | None = None
        self._devices_detected = False

        # -- models --------------------------------------------------------------------------
        self.table = read_only_table(COLUMNS, "assetTable", stretch_column=1)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("assetDescription")
        self.download_button = QPushButton("Download")
        self.download_button.setObjectName("downloadButton")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelDownloadButton")
        self.locate_button = QPushButton("Locate file…")
        self.locate_button.setObjectName("locateButton")
        self.forget_button = QPushButton("Use the cache again")
        self.forget_button.setToolTip("Forget the located file; use the downloaded copy")
        self.progress = QProgressBar()
        self.progress.setObjectName("downloadProgress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress_label = QLabel("")

        # -- cache, device, threads ------------------------------------------------------------
        self.cache_edit = QLineEdit()
        self.cache_edit.setReadOnly(True)
        self.cache_edit.setObjectName("cacheFolder")
        self.cache_button = QPushButton("Change…")
        self.cache_default_button = QPushButton("Default")
        self.cache_open_button = QPushButton("Open")
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_label = QLabel("")
        self.device_label.setWordWrap(True)
        self.threads_spin = QSpinBox()
        self.threads_spin.setObjectName("threadsSpin")
        self.threads_spin.setRange(0, max(1, os.cpu_count() or 1) * 2)
        self.threads_spin.setSpecialValueText("automatic")

        self._build_layout()

        self.table.currentCellChanged.connect(lambda *_: self._update_selection())
        self.download_button.clicked.connect(lambda: self.start_download(self.selected_asset() or ""))
        self.cancel_button.clicked.connect(self.cancel_download)
        self.locate_button.clicked.connect(self._ask_locate)
        self.forget_button.clicked.connect(lambda: self.set_override(self.selected_asset() or "", None))
        self.cache_button.clicked.connect(self._ask_cache_folder)
        self.cache_default_button.clicked.connect(lambda: self.set_cache_folder(None))
        self.cache_open_button.clicked.connect(self.open_cache_folder)
        self.device_combo.currentIndexChanged.connect(self._on_device_chosen)
        self.threads_spin.valueChanged.connect(self._on_threads_changed)

        self.threads_spin.setValue(self.ctx.settings.get("compute/threads"))
        current = self.ctx.chosen_device
        self._set_device_items([(current, current.upper() if current != "cpu" else "CPU")])
        self.refresh()

    def _build_layout(self) -> None:
        models = QGroupBox("Model files")
        models_layout = QVBoxLayout(models)
        intro = QLabel(
            "Base models are downloaded once into the cache folder and checked by their SHA-256. "
            "If you already have a file, point the app at it with “Locate file…”."
        )
        intro.setWordWrap(True)
        models_layout.addWidget(intro)
        models_layout.addWidget(self.table, 1)
        models_layout.addWidget(self.description)
        row = QHBoxLayout()
        for w in (self.download_button, self.cancel_button, self.locate_button, self.forget_button):
            row.addWidget(w)
        row.addWidget(self.progress, 1)
        models_layout.addLayout(row)
        models_layout.addWidget(self.progress_label)

        general = QGroupBox("Cache and compute")
        form = QFormLayout(general)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self.cache_edit, 1)
        for w in (self.cache_button, self.cache_default_button, self.cache_open_button):
            cache_row.addWidget(w)
        form.addRow("Download folder", cache_row)
        device_row = QVBoxLayout()
        device_row.addWidget(self.device_combo)
        device_row.addWidget(self.device_label)
        form.addRow("Compute device", device_row)
        form.addRow("CPU threads", self.threads_spin)

        layout = QVBoxLayout(self)
        layout.addWidget(models, 1)
        layout.addWidget(general)

    # -- assets ----------------------------------------------------------------------------------

    def store(self) -> Any:
        return self.ctx.asset_store(self.registry)

    def refresh(self) -> None:
        """Re-read every asset's state and the cache folder."""
        store = self.store()
        selected = self.selected_asset()
        self.table.setRowCount(0)
        labels = {
            "located": "✔ located: {path}",
            "cached": "✔ downloaded",
            "unverified": "in the cache, not yet verified",
            "missing": "✖ missing",
        }
        for row, name in enumerate(store.registry):
            asset = store.asset(name)
            state, path = asset_status(store, name)
            self.table.insertRow(row)
            item = QTableWidgetItem(name)
            item.setToolTip(asset.description)
            status = QTableWidgetItem(labels[state].format(path=path))
            status.setToolTip(str(path) if path else "")
            status.setData(256, state)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, status)
            self.table.setItem(row, 2, QTableWidgetItem(_fmt_bytes(asset.size)))
            self.table.setItem(row, 3, QTableWidgetItem(asset.licence))
            if name == selected:
                self.table.selectRow(row)
        if self.table.currentRow() < 0 and self.table.rowCount():
            self.table.selectRow(0)
        chosen = self.ctx.settings.get("assets/cache_dir")
        self.cache_edit.setText(str(self.ctx.assets_cache_dir()) + ("" if chosen else "  (default)"))
        self._update_selection()

    def selected_asset(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def asset_state(self, name: str) -> str:
        return asset_status(self.store(), name)[0]

    def _update_selection(self) -> None:
        name = self.selected_asset()
        busy = self.download_job is not None
        if name is None:
            self.description.setText("")
            for w in (self.download_button, self.locate_button, self.forget_button):
                w.setEnabled(False)
        else:
            store = self.store()
            asset = store.asset(name)
            state, path = asset_status(store, name)
            where = f"Location: {path}" if path else ""
            self.description.setText(f"<b>{name}</b>: {asset.description}.<br>{where}")
            self.download_button.setEnabled(not busy and asset.url is not None and state == "missing")
            self.download_button.setToolTip("" if asset.url else "This one cannot be downloaded: locate it")
            self.locate_button.setEnabled(not busy)
            self.forget_button.setEnabled(not busy and name in store.overrides)
        self.cancel_button.setEnabled(busy)

    def start_download(self, name: str) -> Job | None:
        """Download ``name`` into the cache folder in a job (progress, cancel)."""
        if not name:
            return None
        store = self.store()
        try:
            job = self.ctx.runner.start(f"Download {name}", lambda cancel: store.download(name, cancel))
        except JobRefused as error:
            self._show_error("Cannot download", str(error))
            return None
        self.download_job = job
        self.progress.setValue(0)
        self.progress_label.setText(f"Downloading {name}…")
        job.progress.connect(self._on_download_progress)
        job.result.connect(lambda path: self._on_download_done(name, path))
        job.failed.connect(lambda msg, details: self._show_error(f"Download of {name} failed", msg, details))
        job.cancelled.connect(
            lambda: self.progress_label.setText(f"Download of {name} cancelled; it resumes next time.")
        )
        job.result.connect(lambda _v: self.job_done.emit("result"))
        job.failed.connect(lambda *_: self.job_done.emit("failed"))
        job.cancelled.connect(lambda: self.job_done.emit("cancelled"))
        job.finished.connect(self._on_download_finished)
        self._update_selection()
        return job

    def _on_download_progress(self, p: Any) -> None:
        fraction = p.fraction
        if fraction is None:
            self.progress.setRange(0, 0)  # busy indicator: size unknown
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        total = f" of {_fmt_bytes(p.total_bytes)}" if p.total_bytes else ""
        self.progress_label.setText(f"Downloading {p.name}: {_fmt_bytes(p.done_bytes)}{total}")

    def _on_download_done(self, name: str, path: Any) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        self.progress_label.setText(f"{name} downloaded and verified: {path}")

    def _on_download_finished(self) -> None:
        self.download_job = None
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1000)
        self.refresh()

    def cancel_download(self) -> None:
        if self.download_job is not None:
            self.download_job.cancel()

    def set_override(self, name: str, path: Path | None) -> None:
        """Use ``path`` for asset ``name`` (None: forget it and use the cache)."""
        if not name:
            return
        overrides = self.ctx.asset_overrides()
        if path is None:
            overrides.pop(name, None)
        else:
            overrides[name] = str(path)
        self.ctx.settings.set("assets/overrides", overrides)
        self.refresh()

    def _ask_locate(self) -> None:
        name = self.selected_asset()
        if name is None:
            return
        asset = self.store().asset(name)
        if asset.folder:
            path = QFileDialog.getExistingDirectory(self, f"Folder of {name} (with config.json)")
        else:
            pattern = f"{asset.filename} (*{Path(asset.filename).suffix});;All files (*)"
            path, _ = QFileDialog.getOpenFileName(self, f"Locate {asset.filename}", str(Path.home()), pattern)
        if path:
            self.set_override(name, Path(path))

    def open_cache_folder(self) -> None:
        folder = self.ctx.assets_cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def set_cache_folder(self, folder: Path | None) -> None:
        self.ctx.settings.set("assets/cache_dir", str(folder) if folder else "")
        self.refresh()

    def _ask_cache_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Download folder for model files", str(self.ctx.assets_cache_dir())
        )
        if folder:
            self.set_cache_folder(Path(folder))

    # -- devices ---------------------------------------------------------------------------------

    def detect_devices(self) -> Job | None:
        """Ask torch which devices exist (in a job: importing torch takes a moment)."""
        if self.device_job is not None:
            return self.device_job
        try:
            job = self.ctx.runner.start("Detecting compute devices", detect_devices)
        except JobRefused:
            return None
        self.device_job = job
        self.device_label.setText("Detecting devices…")
        job.result.connect(self._on_devices)
        job.failed.connect(lambda msg, _d: self.device_label.setText(f"Could not list devices: {msg}"))
        job.finished.connect(self._on_device_job_finished)
        return job

    def _on_device_job_finished(self) -> None:
        self.device_job = None

    def _on_devices(self, devices: list[tuple[str, str]]) -> None:
        self._devices_detected = True
        current = self.ctx.chosen_device
        if current not in [d for d, _ in devices]:
            devices = devices + [(current, f"{current} (not available now: the CPU is used)")]
        self._set_device_items(devices)
        gpus = len([d for d, _ in devices if d.startswith("cuda") and "not available" not in _])
        self.device_label.setText(
            f"{gpus} CUDA GPU(s) found."
            if gpus
            else "No CUDA GPU found: training and conversion run on the CPU."
        )

    def _set_device_items(self, devices: list[tuple[str, str]]) -> None:
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        for device, label in devices:
            self.device_combo.addItem(label, device)
        index = self.device_combo.findData(self.ctx.chosen_device)
        self.device_combo.setCurrentIndex(max(0, index))
        self.device_combo.blockSignals(False)

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

    def _show_error(self, title: str, message: str, details: str = "") -> None:
        self.error_box = show_error(self, title, message, details)

    def shutdown(self) -> None:
        self.cancel_download()
