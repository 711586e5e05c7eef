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


def log_exception(message: str, exc: BaseException, *, traceback: bool = True) -> Path | None:
    """Writes ``message`` (and ``exc``'s traceback when ``traceback``) to the log file.

    For the command line's last-resort handler: it must never raise itself. A log folder that cannot
    be written (read-only data folder, disk full) gives ``None`` instead of the path.

    Returns:
        The log file's path, or ``None`` when it could not be written.
    """
    try:
        path = ensure_log_file()
        logger = logging.getLogger("voicecraft")
        if traceback:
            logger.error(message, exc_info=(type(exc), exc, exc.__traceback__))
        else:
            logger.warning("%s", message)
        for handler in logging.getLogger().handlers:
            if isinstance(handler, _VoiceCraftFileHandler):
                handler.flush()
        return path
    except Exception:  # noqa: BLE001 - logging must not turn one error into two
        return None
