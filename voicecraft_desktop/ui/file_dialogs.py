"""File dialogs that start where a singer keeps audio: the folder used last, else Music, else home.

Never the working directory (which, for an app started from a menu, is ``/`` or the install
folder). Every file dialog of the app goes through :func:`open_file`, :func:`open_files`, :func:`save_file`
or :func:`existing_dir` (tests/desktop/test_file_dialogs.py checks that no other module calls
``QFileDialog.get*``); a caller with a better place to start (the takes of the Record page, the folder
of a model just chosen) passes it as ``start``; the folder of each chosen path is remembered in the settings
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


def start_dir(settings: Any, start: str | Path | None = None) -> Path:
    """Where the next dialog opens: ``start`` when it is a folder, else the folder used last (while it
    exists), else :func:`default_dir`."""
    if start and Path(start).is_dir():
        return Path(start)
    last = settings.value(LAST_DIR_KEY, "") if settings is not None else ""
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    return default_dir()


def remember(settings: Any, path: str | Path, is_dir: bool = False) -> None:
    """Records the folder of ``path`` (``path`` itself when ``is_dir``) for the next dialog."""
    if settings is not None and path:
        folder = Path(path) if is_dir else Path(path).parent
        settings.set_value(LAST_DIR_KEY, str(folder))


def open_file(
    parent: QWidget, settings: Any, title: str, filter_: str = "", start: str | Path | None = None
) -> Path | None:
    """An existing file the user picks, or ``None``."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start_dir(settings, start)), filter_)
    if not path:
        return None
    remember(settings, path)
    return Path(path)


def open_files(
    parent: QWidget, settings: Any, title: str, filter_: str = "", start: str | Path | None = None
) -> list[Path]:
    """The existing files the user picks (empty when cancelled)."""
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(start_dir(settings, start)), filter_)
    if paths:
        remember(settings, paths[0])
    return [Path(p) for p in paths]


def save_file(
    parent: QWidget,
    settings: Any,
    title: str,
    name: str = "",
    filter_: str = "",
    start: str | Path | None = None,
) -> Path | None:
    """A file name to write (``name`` suggested in the start folder), or ``None``."""
    return save_file_as(parent, settings, title, name, filter_, start)[0]


def save_file_as(
    parent: QWidget,
    settings: Any,
    title: str,
    name: str = "",
    filter_: str = "",
    start: str | Path | None = None,
) -> tuple[Path | None, str]:
    """:func:`save_file` and the filter the user chose (some formats differ only by it)."""
    folder = start_dir(settings, start)
    path, chosen = QFileDialog.getSaveFileName(parent, title, str(folder / name if name else folder), filter_)
    if not path:
        return None, chosen
    remember(settings, path)
    return Path(path), chosen


def existing_dir(parent: QWidget, settings: Any, title: str, start: str | Path | None = None) -> Path | None:
    """A folder the user picks, or ``None``."""
    path = QFileDialog.getExistingDirectory(parent, title, str(start_dir(settings, start)))
    if not path:
        return None
    remember(settings, path, is_dir=True)
    return Path(path)
