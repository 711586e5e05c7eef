"""Launch VoiceCraft Desktop from a source checkout: ``python main.py`` (also PyInstaller's entry)."""

import multiprocessing

from voicecraft_desktop.app import main

if __name__ == "__main__":
    # Training runs in a spawned child process; in a frozen build the bundle's executable is that
    # child, and freeze_support() is what turns it into one (a no-op everywhere else).
    multiprocessing.freeze_support()
    raise SystemExit(main())
