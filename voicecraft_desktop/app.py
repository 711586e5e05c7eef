"""Application entry point: QApplication set-up, logging, the uncaught-exception hook, main()."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from voicecraft_desktop import __version__
from voicecraft_desktop.core.logfile import ensure_log_file
from voicecraft_desktop.i18n import install_translators, resolve_language
from voicecraft_desktop.settings import Settings
from voicecraft_desktop.ui.main_window import MainWindow, install_error_dialog, window_icon

ORGANIZATION_NAME = "VoiceCraft"
APPLICATION_NAME = "VoiceCraft Desktop"

log = logging.getLogger(__name__)


def _parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="voicecraft-desktop", description="VoiceCraft Desktop")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="build the main window offscreen with every page, close it, check imports and bundled data "
        "files, convert a short clip with a tiny random-weight voice, print 'self-test ok' and exit",
    )
    # Anything argparse does not know (-style, -platform, ...) is left for Qt.
    return parser.parse_known_args(argv)


def _log_uncaught(exc_type, exc_value, exc_traceback) -> None:
    # Without this, an exception raised in a Qt slot is printed and then silently swallowed.
    log.critical("Uncaught exception", exc_info=(exc_type, exc_value, exc_traceback))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; ``argv`` defaults to ``sys.argv[1:]``. Returns the process exit code."""
    args, qt_args = _parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.self_test and QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationName(APPLICATION_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(window_icon())  # every window and dialog, and the task bar
    # Before any widget exists: the chosen language (Settings), else the system's.
    install_translators(app, resolve_language(Settings().get("ui/language")))

    log_path = ensure_log_file()
    previous_hook = sys.excepthook
    sys.excepthook = _log_uncaught
    try:
        window = MainWindow()
        install_error_dialog(window)
        window.show()
        if args.self_test:
            return _self_test(app, window)
        log.info("VoiceCraft Desktop %s started (log: %s)", __version__, log_path)
        return app.exec()
    finally:
        sys.excepthook = previous_hook


def _self_test(app: QApplication, window: MainWindow) -> int:
    # Headless smoke check (also run on the frozen build): every page was built and can be shown,
    # the settings store works, the window closes cleanly with no job left running.
    window.confirm_close = False
    problems = []
    for title in window.pages:
        window.show_page(title)
        app.processEvents()
        if window.current_page_title() != title:
            problems.append(f"page {title} could not be shown")
    window.ctx.settings.sync()
    if window.ctx.settings.stored_version() != window.ctx.settings.version:
        problems.append("settings were not migrated")
    window.close()  # returns at once; the window goes when its jobs (the engine loading) have stopped
    deadline = time.monotonic() + 60
    while window.isVisible() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    if window.isVisible():
        problems.append("the window did not close")
    if window.ctx.runner.is_busy():
        problems.append("jobs still running after close")
    # The engine without Qt: every module imports, bundled data files are found (inside the bundle
    # when frozen), and a tiny random-weight voice converts a short clip through the real code.
    from voicecraft_desktop.core.selftest import run_engine_checks

    problems += run_engine_checks(("models", "voicecraft_desktop"), lambda line: print(line, flush=True))
    if problems:
        print("self-test FAILED: " + "; ".join(problems), flush=True)
        return 1
    print(f"self-test ok ({len(window.pages)} pages: {', '.join(window.pages)})", flush=True)
    return 0
