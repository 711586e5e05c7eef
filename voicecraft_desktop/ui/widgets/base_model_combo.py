"""The Train page's base-model choice: the located so-vits-svc-5.0 pretrain, from scratch, or a file.

:class:`BaseModelCombo` lists "From scratch", the pretrain (greyed out, with a pointer to
Settings, while it is not downloaded or not usable), a file chosen before, and "Other file…",
which asks for a checkpoint. Its data is the base model's path, or None for scratch. The pretrain
is the default whenever it is there (fine-tuning needs far fewer steps than training from scratch).
A run that exists shows its own base with :meth:`BaseModelCombo.show_fixed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox, QWidget

from voicecraft_desktop.core.runs import PRETRAIN_ASSET
from voicecraft_desktop.ui import file_dialogs

log = logging.getLogger(__name__)

BASE_SCRATCH = QT_TRANSLATE_NOOP("BaseModelCombo", "From scratch (no base model)")
BASE_PRETRAIN = "so-vits-svc-5.0 pretrain"
BASE_OTHER = QT_TRANSLATE_NOOP("BaseModelCombo", "Other file…")
CHECKPOINT_FILTER = QT_TRANSLATE_NOOP("BaseModelCombo", "Checkpoints (*.ckpt *.pth *.pt)")


class BaseModelCombo(QComboBox):
    """The base model to start a run from.

    Args:
        asset_store: returns the app's ``AssetStore`` (asked anew on each :meth:`refresh`, so a
            pretrain downloaded or located since is offered).
        settings: the app's settings, for the folder "Other file…" starts in.
    """

    def __init__(
        self, asset_store: Callable[[], Any], parent: QWidget | None = None, settings: Any = None
    ) -> None:
        super().__init__(parent)
        self._asset_store = asset_store
        self._settings = settings  # where "Other file…" starts (ui/file_dialogs)
        self._file: Path | None = None  # the "Other file…" chosen last
        self._pretrain: Path | None = None
        self.activated.connect(self._activated)

    def base_model(self) -> Path | None:
        """The chosen checkpoint, or None to train from scratch."""
        data = self.currentData()
        return data if isinstance(data, Path) else None

    def is_pretrain(self) -> bool:
        """The so-vits-svc-5.0 pretrain is chosen."""
        return self._pretrain is not None and self.base_model() == self._pretrain

    def has_pretrain(self) -> bool:
        """The pretrain was found at the last :meth:`refresh`."""
        return self._pretrain is not None

    def show_fixed(self, base: str | None) -> None:
        """Shows the base model of an existing run (None: from scratch), adding its file if it is not
        listed; the page disables the combo meanwhile."""
        if base is None:
            self.setCurrentIndex(0)
            return
        path = Path(base)
        index = self.findData(path)
        if index < 0:
            self.insertItem(self.count() - 1, path.name, path)
            index = self.count() - 2
        self.setCurrentIndex(index)

    def refresh(self) -> None:
        """Re-lists the choices; keeps the current one, else takes the pretrain when it is there."""
        previous = self.currentData()
        self.clear()
        self.addItem(self.tr(BASE_SCRATCH), None)
        try:
            pretrain = self._asset_store().locate(PRETRAIN_ASSET)
        except Exception as exc:  # noqa: BLE001 - a bad located file must not break the page
            log.warning("pretrain not usable: %s", exc)
            pretrain = None
        self._pretrain = pretrain
        if pretrain is not None:
            self.addItem(
                self.tr("{pretrain} (fine-tune: recommended)").format(pretrain=BASE_PRETRAIN), pretrain
            )
        else:
            self.addItem(
                self.tr("{pretrain} (not downloaded — see Settings)").format(pretrain=BASE_PRETRAIN), None
            )
            self.model().item(1).setEnabled(False)
        if self._file is not None:
            self.addItem(self._file.name, self._file)
        self.addItem(self.tr(BASE_OTHER), "other")
        index = self.findData(previous) if previous is not None else -1
        self.setCurrentIndex(index if index >= 0 else (1 if pretrain is not None else 0))

    def _activated(self, index: int) -> None:
        if self.itemData(index) != "other":
            return
        path = file_dialogs.open_file(self, self._settings, self.tr("Base model"), self.tr(CHECKPOINT_FILTER))
        if path:
            self._file = Path(path)
            self.refresh()
            self.setCurrentIndex(self.findData(self._file))
        else:
            self.setCurrentIndex(0)
