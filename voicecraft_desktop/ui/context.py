"""What every page is given: the job runner, the settings, the app-wide events and the device.

One :class:`AppContext` is made by the main window (or by a test) and passed to each page's
constructor. Pages talk to each other only through :class:`AppEvents` (a take recorded on the Record
page appears on the Convert page through ``send_to_convert``), never by holding each other.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from voicecraft_desktop.core import paths
from voicecraft_desktop.settings import Settings
from voicecraft_desktop.ui.worker import JobRunner


class AppEvents(QObject):
    """App-wide notifications (all emitted and received in the GUI thread).

    Signals:
        voices_changed: the voice library changed (a voice was added, renamed, deleted, trained).
        take_recorded(path): a new take (WAV file) was saved by the Record page.
        add_to_dataset(path): the user asked to add this take to a voice's dataset.
        send_to_convert(path): the user asked to convert this audio file now.
        status(message): a transient message for the status bar.
        device_changed(device): the compute device setting changed ("cpu", "cuda:0", ...).
    """

    voices_changed = Signal()
    take_recorded = Signal(str)
    add_to_dataset = Signal(str)
    send_to_convert = Signal(str)
    status = Signal(str)
    device_changed = Signal(str)


class AppContext:
    """Shared state of one running app.

    Args:
        settings: typed QSettings wrapper (default: the app's QSettings, migrated).
        runner: the job runner (default: a new one).
        events: the app-wide signals (default: new).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        runner: JobRunner | None = None,
        events: AppEvents | None = None,
    ) -> None:
        if settings is None:
            settings = Settings()
            settings.migrate()
        self.settings = settings
        self.runner = runner if runner is not None else JobRunner()
        self.events = events if events is not None else AppEvents()

    @property
    def device(self) -> str:
        """The compute device jobs use: ``"cpu"`` or ``"cuda:N"``.

        The stored choice (:attr:`chosen_device`), except that a GPU torch does not offer (a
        settings file from another machine, a driver gone) gives ``"cpu"``. torch is not imported
        for this: before the engine has loaded, the choice is returned as stored.
        """
        chosen = self.chosen_device
        torch = sys.modules.get("torch")
        if chosen == "cpu" or torch is None:
            return chosen
        index = int(chosen.partition(":")[2] or 0)
        if not torch.cuda.is_available() or index >= torch.cuda.device_count():
            return "cpu"
        return chosen

    @property
    def chosen_device(self) -> str:
        """The device stored in the settings, available or not."""
        return self.settings.get("compute/device") or "cpu"

    @device.setter
    def device(self, value: str) -> None:
        if value != self.chosen_device:
            self.settings.set("compute/device", value)
            self.events.device_changed.emit(value)

    @property
    def threads(self) -> int:
        """torch intra-op threads for jobs; 0 leaves torch's default."""
        return self.settings.get("compute/threads")

    @threads.setter
    def threads(self, value: int) -> None:
        self.settings.set("compute/threads", int(value))
        self.apply_threads()

    def apply_threads(self) -> int:
        """Give torch the chosen thread count (process-wide), once torch is loaded; returns torch's count.

        torch is never imported for this (it loads with the engine, after the window shows); the
        main window calls this again when the engine has loaded. 0 keeps torch's own default.
        """
        torch = sys.modules.get("torch")
        if torch is None:
            return 0
        if self.threads > 0 and torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        return int(torch.get_num_threads())

    def assets_cache_dir(self) -> Path:
        """Where pretrained files go: the Settings choice, else ``paths.models_cache_dir()`` (as the CLI)."""
        chosen = self.settings.get("assets/cache_dir")
        return Path(chosen) if chosen else paths.models_cache_dir()

    def asset_overrides(self) -> dict[str, str]:
        """Asset name -> a file the user located by hand."""
        return self.settings.get("assets/overrides")

    def asset_store(self, registry=None):  # -> AssetStore (imported here, not at launch)
        """An :class:`models.formats.assets.AssetStore` over the chosen cache folder and located files.

        Args:
            registry: the assets known (default ``models.formats.assets.ASSETS``; tests pass their own).
        """
        from models.formats.assets import ASSETS, AssetStore

        known = ASSETS if registry is None else registry
        overrides = {k: v for k, v in self.asset_overrides().items() if k in known}
        return AssetStore(self.assets_cache_dir(), overrides, registry=known)

    def takes_dir(self, ensure: bool = False) -> Path:
        """Recorded takes (WAV): ``data_dir()/takes``."""
        folder = paths.data_dir() / "takes"
        if ensure:
            folder.mkdir(parents=True, exist_ok=True)
        return folder
