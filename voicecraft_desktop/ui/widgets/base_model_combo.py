"""The Train page's base-model choice: from scratch, the located so-vits-svc-5.0 pretrain, or a file.

:class:`BaseModelCombo` lists "From scratch", the pretrain (greyed out, with a pointer to
Settings, while it is not downloaded or not usable), a file chosen before, and "Other file…",
which asks for a checkpoint. Its data is the base model's path, or None for scratch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

log = logging.getLogger(__name__)

BASE_SCRATCH = "From scratch (no base model)"
BASE_PRETRAIN = "so-vits-svc-5.0 pretrain"
BASE_OTHER = "Other file…"
PRETRAIN_ASSET = "sovits5-pretrain"
CHECKPOINT_FILTER = "Checkpoints (*.ckpt *.pth *.pt)"


class BaseModelCombo(QComboBox):
    """The base model to start a run from.

    Args:
        asset_store: returns the app's ``AssetStore`` (asked anew on each :meth:`refresh`, so a
            pretrain downloaded or located since is offered).
    """

    def __init__(self, asset_store: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._asset_store = asset_store
        self._file: Path | None = None  # the "Other file…" chosen last
        self.activated.connect(self._activated)

    def base_model(self) -> Path | None:
        """The chosen checkpoint, or None to train from scratch."""
        data = self.currentData()
        return data if isinstance(data, Path) else None

    def refresh(self) -> None:
        """Re-lists the choices; keeps the current one, else takes the pretrain when it is there."""
        previous = self.currentData()
        self.clear()
        self.addItem(BASE_SCRATCH, None)
        try:
            pretrain = self._asset_store().locate(PRETRAIN_ASSET)
        except Exception as exc:  # noqa: BLE001 - a bad located file must not break the page
            log.warning("pretrain not usable: %s", exc)
            pretrain = None
        if pretrain is not None:
            self.addItem(BASE_PRETRAIN, pretrain)
        else:
            self.addItem(f"{BASE_PRETRAIN} (not downloaded — see Settings)", None)
            self.model().item(1).setEnabled(False)
        if self._file is not None:
            self.addItem(self._file.name, self._file)
        self.addItem(BASE_OTHER, "other")
        index = self.findData(previous) if previous is not None else -1
        self.setCurrentIndex(index if index >= 0 else (1 if pretrain is not None else 0))

    def _activated(self, index: int) -> None:
        if self.itemData(index) != "other":
            return
        path, _ = QFileDialog.getOpenFileName(self, "Base model", "", CHECKPOINT_FILTER)
        if path:
            self._file = Path(path)
            self.refresh()
            self.setCurrentIndex(self.findData(self._file))
        else:
            self.setCurrentIndex(0)
