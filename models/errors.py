"""Errors a user can act on, and safe wording for files PyTorch refuses to open.

:class:`UserError` is the base of every error whose message is meant for a person as it stands:
one line naming the file or the option and the problem. The command line prints such errors as
``error: <message>`` (no traceback); the app shows the message in its error dialog. The library,
artifact, import, asset and config errors all derive from it, so a caller can catch the whole
family without knowing each layer's class.

:func:`torch_load_problem` turns an exception of ``torch.load(weights_only=True)`` into a short
reason. PyTorch's own message for a refused pickle advises retrying with ``weights_only=False``,
which would run the file's code: that advice must never reach a user, so it is never quoted.

Qt-free and import-light (no torch at import time).
"""

from __future__ import annotations

import pickle
import re
import zipfile
from collections.abc import Iterable

_GLOBAL = re.compile(r"GLOBAL ([A-Za-z_][\w.]*)")


class UserError(Exception):
    """An expected error the user can fix; ``str(error)`` is one clear line for them.

    ``code`` and ``params`` (optional, keyword-only, or set as attributes by a subclass that also
    derives from a built-in error and so takes no keywords) say the same thing in a structured form, so the
    app can show it in the user's language (``voicecraft_desktop/ui/error_text.py``, one translation per
    code; ``tests/desktop/test_i18n.py`` finds every code the engine emits); the English message stays
    the fallback and what the command line prints. An error class that takes no keywords is raised
    with a :class:`Message` instead (``LibraryError(Message(text, "code", **params))``).
    """

    code: str | None = None
    params: dict = {}  # noqa: RUF012 - read only; set per error as an instance attribute

    def __init__(self, *args: object, code: str | None = None, params: dict | None = None) -> None:
        super().__init__(*args)
        if code is not None:
            self.code = code
            self.params = dict(params or {})


class Message(str):
    """A sentence for the user from the Qt-free layers that the app can show in the user's language.

    It *is* its English text (a ``str``: the command line prints it, JSON stores it as a plain string),
    and carries the same thing in structured form, as :class:`UserError` does: ``code`` names the
    sentence and ``params`` its values. ``ui/error_text.py`` turns a known code into translated text
    and falls back to the English text for anything else (a plain string read back from a manifest, a
    code without a translation).
    """

    code: str
    params: dict

    def __new__(cls, text: str, code: str, **params: object) -> Message:
        message = super().__new__(cls, text)
        message.code, message.params = code, params
        return message

    def __reduce__(self) -> tuple:  # pickles (worker processes) with its code and values
        return (_message, (str(self), self.code, self.params))


def _message(text: str, code: str, params: dict) -> Message:
    return Message(text, code, **params)


def joined(messages: Iterable[str | None]) -> str | None:
    """The messages (empty ones left out) as one ``"; "``-separated line, ``None`` when there are none.
    Nested :class:`Message` s (code ``two_messages``), so each part keeps its own code."""
    parts = [m for m in messages if m]
    if not parts:
        return None
    line = parts[0]
    for part in parts[1:]:
        line = Message(f"{line}; {part}", "two_messages", first=line, second=part)
    return line


def as_message(error: BaseException) -> str:
    """``str(error)``, as a :class:`Message` when the error carries a code (its own ``code``/``params``,
    or the ``Message`` it was raised with), so the code survives where an error is kept as text."""
    if len(error.args) == 1 and isinstance(error.args[0], Message):
        return error.args[0]
    code = getattr(error, "code", None)
    return Message(str(error), code, **(getattr(error, "params", None) or {})) if code else str(error)


def torch_load_problem(exc: BaseException) -> str:
    """A short reason (a few words, no PyTorch advice) why ``torch.load`` could not read a file.

    Args:
        exc: what ``torch.load(..., weights_only=True)`` raised.

    Returns:
        e.g. ``"it holds program code (posix.system), refused without running it"`` or
        ``"truncated or corrupt"``.
    """
    text = str(exc)
    if isinstance(exc, pickle.UnpicklingError):
        found = _GLOBAL.search(text)
        if found or "Unsupported global" in text or "blocked" in text:
            what = f" ({found.group(1)})" if found else ""
            return f"it holds program code{what}, refused without running it"
        return "not a PyTorch weights file, refused"
    if isinstance(exc, EOFError):
        return "the file ends too early: truncated"
    if isinstance(exc, zipfile.BadZipFile) or "zip archive" in text or "central directory" in text:
        return "truncated or corrupt"
    if isinstance(exc, IsADirectoryError):
        return "a folder, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError):
        return exc.strerror or "cannot be read"
    return "unreadable, corrupt or truncated"


def scrub(text: str) -> str:
    """``text`` with PyTorch's ``weights_only=False`` advice cut off (for messages we did not write).

    Everything from the advice's first sentence on is dropped; text without it is returned unchanged.
    """
    for marker in ("Weights only load failed", "weights_only"):
        cut = text.find(marker)
        if cut >= 0:
            text = text[:cut].rstrip(" :.-—\n\t") or "refused to load the file"
    return text
