"""Errors from the Qt-free layers in the user's language.

The engine (``models/``, ``voicecraft_desktop/core/``) stays free of Qt: an error a singer commonly
meets carries a ``code`` and ``params`` beside its English message (``models.errors.UserError``;
``AudioLoadError`` and the converter's too-short error set the same attributes). :func:`error_text`
turns a known code into a translated sentence; anything else keeps its English message, so nothing is
ever lost. Missing model files (``AssetError.missing``) have their own text,
``ui/pages/_common.missing_models_text``.

Codes covered: ``name_taken``, ``audio_unreadable``, ``audio_empty``, ``audio_too_long``,
``audio_too_short``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication


def error_text(error: BaseException | None, fallback: str = "") -> str:
    """The translated sentence for ``error``'s code, else ``fallback`` (else ``str(error)``). In English
    the engine's own message is kept (it names the full path)."""
    from voicecraft_desktop.i18n import SOURCE_LANGUAGE, current_language

    code = getattr(error, "code", None) if current_language() != SOURCE_LANGUAGE else None
    params = dict(getattr(error, "params", None) or {})
    file = Path(str(params.get("path", ""))).name
    try:
        if code == "name_taken":
            return QCoreApplication.translate(
                "ErrorText", "A voice named “{name}” already exists: choose another name.").format(**params)
        if code == "audio_unreadable":
            return QCoreApplication.translate(
                "ErrorText", "“{file}” cannot be opened as audio: choose a WAV, FLAC, MP3 or OGG file."
            ).format(file=file)
        if code == "audio_empty":
            return QCoreApplication.translate("ErrorText", "“{file}” contains no sound.").format(file=file)
        if code == "audio_too_long":
            return QCoreApplication.translate(
                "ErrorText",
                "“{file}” is {seconds:.0f} s long; the limit is {limit:.0f} s. Use a shorter file.",
            ).format(file=file, seconds=float(params["seconds"]), limit=float(params["limit"]))
        if code == "audio_too_short":
            return QCoreApplication.translate(
                "ErrorText",
                "“{file}” is only {seconds:.2f} s long: it needs at least {minimum:g} s of audio.",
            ).format(file=file, seconds=float(params["seconds"]), minimum=float(params["minimum"]))
    except (KeyError, TypeError, ValueError):  # a code without the parameters it needs: the English text
        pass
    return fallback or (str(error) if error is not None else "")
