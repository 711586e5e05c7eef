"""Launch VoiceCraft Desktop from a source checkout: ``python main.py`` (also PyInstaller's entry)."""

from voicecraft_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
