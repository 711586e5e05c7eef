"""The application log file: one rotating file in ``paths.log_dir()``, attached to the root logger.

Qt-free, so the CLI and the desktop app share it. :func:`ensure_log_file` is idempotent and follows
``VOICECRAFT_HOME``: when the log folder changes (tests point it at a fresh folder), the old
handler is replaced by one writing to the new place.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from voicecraft_desktop.core import paths

LOG_FILE_NAME = "voicecraft.log"
MAX_BYTES = 2 * 1024 * 1024  # a few thousand tracebacks; older ones rotate into .1 .. .3
BACKUP_COUNT = 3
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


class _VoiceCraftFileHandler(logging.handlers.RotatingFileHandler):
    """Marker subclass, so we find our own handler among whatever else is on the root logger."""


def log_file_path() -> Path:
    """Where the log file is (the folder may not exist yet)."""
    return paths.log_dir() / LOG_FILE_NAME


def ensure_log_file(level: int = logging.INFO) -> Path:
    """Attach the rotating log file handler to the root logger (once per log folder).

    Args:
        level: the handler's level; the root logger is lowered to it if it was higher.

    Returns:
        The log file's path.
    """
    target = paths.log_dir(ensure=True) / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _VoiceCraftFileHandler):
            if Path(handler.baseFilename) == target:
                return target
            root.removeHandler(handler)
            handler.close()
    handler = _VoiceCraftFileHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    if root.level > level:
        root.setLevel(level)
    return target
