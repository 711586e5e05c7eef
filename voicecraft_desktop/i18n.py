"""The app's languages: which one to show, and loading its Qt translations.

English is the source language (every string in ``ui/`` is English inside ``tr()`` /
``QCoreApplication.translate``). Other languages are Qt Linguist files ``resources/i18n/voicecraft_<code>.ts``
compiled to ``.qm`` beside them (``pyside6-lrelease``; ``scripts/bootstrap.sh`` and the bundle build
recompile them, and ``tests/desktop/test_i18n.py`` checks the committed ``.qm`` is up to date, so a
source checkout runs in Chinese with no build step). The setting ``ui/language`` picks one; ``""``
follows the system locale. A change applies at the next start (the Settings page says so).

The command line stays English: nothing here is imported by ``cli``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
#: code -> the language's name in that language (what the Settings choice shows).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}


def translations_dir() -> Path:
    """``resources/i18n`` of the checkout, or inside the PyInstaller bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources" / "i18n"
    return Path(__file__).resolve().parent.parent / "resources" / "i18n"


def system_language(locale: QLocale | None = None) -> str:
    """The supported language closest to ``locale`` (default: the system's): any Chinese locale reads
    Simplified Chinese, everything else English."""
    locale = locale if locale is not None else QLocale.system()
    if locale.language() == QLocale.Language.Chinese:
        return "zh_CN"
    return SOURCE_LANGUAGE


def resolve_language(setting: str, locale: QLocale | None = None) -> str:
    """The language to show for the stored ``ui/language`` value (``""`` or unknown: the system's)."""
    return setting if setting in LANGUAGES else system_language(locale)


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Loads ``language``'s translations into ``app``: the app's own and Qt's (standard buttons such as
    Cancel/Close, file dialogs). Returns the installed translators (kept on ``app`` so they live as
    long as it does); none for English or when a file is missing (the app then stays English)."""
    installed: list[QTranslator] = []
    if language == SOURCE_LANGUAGE:
        return installed
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in ((f"voicecraft_{language}", str(translations_dir())), (f"qtbase_{language}", qt_dir)):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("no translation %s in %s; that part stays English", name, folder)
    app.setProperty("voicecraft_language", language)
    return installed


def current_language() -> str:
    """The language installed by :func:`install_translators` (English when none was)."""
    app = QCoreApplication.instance()
    value = app.property("voicecraft_language") if app is not None else None
    return str(value) if value else SOURCE_LANGUAGE
