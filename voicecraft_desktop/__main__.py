"""``python -m voicecraft_desktop``: start the desktop app."""

from voicecraft_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
