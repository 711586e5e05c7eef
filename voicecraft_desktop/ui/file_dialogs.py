"""File dialogs that start where a singer keeps audio: the folder used last, else Music, else home.

Never the working directory (which, for an app started from a menu, is ``/`` or the install
folder). Every file dialog of the app goes through :func:`open_file`, :func:`save_file` or
:func:`existing_dir`; the folder of each chosen path is remembered in the settings
(``dialogs/last_dir``), so the next dialog of any page starts there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

LAST_DIR_KEY = "dialogs/last_dir"


def default_dir() -> Path:
    """The user's Music folder when there is one, else the home folder."""
    music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
    if music and Path(music).is_dir():
        return Path(music)
    return Path.home()


def start_dir(settings: Any) -> Path:
    """Where the next dialog opens: the folder used last (while it exists), else :func:`default_dir`."""
    last = settings.value(LAST_DIR_KEY, "") if settings is not None else ""
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    return default_dir()


def remember(settings: Any, path: str | Path, is_dir: bool = False) -> None:
    """Records the folder of ``path`` (``path`` itself when ``is_dir``) for the next dialog."""
    if settings is not None and path:
        folder = Path(path) if is_dir else Path(path).parent
        settings.set_value(LAST_DIR_KEY, str(folder))


def open_file(parent: QWidget, settings: Any, title: str, filter_: str = "") -> Path | None:
    """An existing file the user picks, or ``None``."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start_dir(settings)), filter_)
    if not path:
        return None
    remember(settings, path)
    return Path(path)


def save_file(parent: QWidget, settings: Any, title: str, name: str = "", filter_: str = "") -> Path | None:
    """A file name to write (``name`` suggested in the start folder), or ``None``."""
    suggested = start_dir(settings) / name if name else start_dir(settings)
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filter_)
    if not path:
        return None
    remember(settings, path)
    return Path(path)


def existing_dir(parent: QWidget, settings: Any, title: str) -> Path | None:
    """A folder the user picks, or ``None``."""
    path = QFileDialog.getExistingDirectory(parent, title, str(start_dir(settings)))
    if not path:
        return None
    remember(settings, path, is_dir=True)
    return Path(path)
