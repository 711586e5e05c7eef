"""Where VoiceCraft keeps user data, caches and logs.

Every location comes from platformdirs (per-user, per-OS), never from the working directory. Setting
the environment variable ``VOICECRAFT_HOME`` to a folder ``H`` puts all of them under ``H`` instead,
for tests and portable installs:

- ``data_dir()``: platformdirs' user data dir (Linux ``~/.local/share/VoiceCraft``), or ``H/data``;
  ``voices_dir()`` and ``runs_dir()`` lie inside it.
- ``cache_dir()``: the user cache dir (Linux ``~/.cache/VoiceCraft``), or ``H/cache``;
  ``models_cache_dir()`` lies inside it.
- ``log_dir()``: the user log dir (Linux ``~/.local/state/VoiceCraft/log``), or ``H/logs``.

The environment is read on every call, and folders are created only when a caller asks with
``ensure=True``: importing this module touches nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_NAME = "VoiceCraft"
HOME_ENV = "VOICECRAFT_HOME"


def home_override() -> Path | None:
    """The folder named by ``VOICECRAFT_HOME``, or None when it is unset or empty."""
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None


def _root(sub: str, platform_dir: Callable[..., str], ensure: bool) -> Path:
    # One of the three roots: <VOICECRAFT_HOME>/<sub>, or the platformdirs folder for APP_NAME.
    home = home_override()
    return _resolve(home / sub if home else Path(platform_dir(APP_NAME, appauthor=False)), ensure)


def _resolve(path: Path, ensure: bool) -> Path:
    if ensure:
        path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir(ensure: bool = False) -> Path:
    """Root of the user's VoiceCraft data (voices and training runs).

    Args:
        ensure: create the folder (and its parents) if it does not exist.
    """
    return _root("data", platformdirs.user_data_dir, ensure)


def voices_dir(ensure: bool = False) -> Path:
    """The voice library: one sub-folder per trained voice."""
    return _resolve(data_dir() / "voices", ensure)


def runs_dir(ensure: bool = False) -> Path:
    """Training runs: checkpoints and logs, one sub-folder per run (never inside the library)."""
    return _resolve(data_dir() / "runs", ensure)


def cache_dir(ensure: bool = False) -> Path:
    """Root of re-creatable data (downloaded base models, feature caches)."""
    return _root("cache", platformdirs.user_cache_dir, ensure)


def models_cache_dir(ensure: bool = False) -> Path:
    """Downloaded pretrained weights (content encoders, base generators), verified by sha256."""
    return _resolve(cache_dir() / "models", ensure)


def log_dir(ensure: bool = False) -> Path:
    """Application log files."""
    return _root("logs", platformdirs.user_log_dir, ensure)
