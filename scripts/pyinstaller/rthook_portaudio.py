"""PyInstaller runtime hook: let sounddevice find the PortAudio library bundled with the app (Linux).

sounddevice looks PortAudio up with ``ctypes.util.find_library("portaudio")``. On Linux that asks
``ldconfig`` for a system-wide copy and never looks in the app's folder, so a machine without the
``libportaudio2`` package would get "PortAudio library not found" although the bundle carries one
(collected by pyinstaller-hooks-contrib's sounddevice hook). Runs before the app's own code.
"""

import ctypes.util
import glob
import os
import sys


def _install() -> None:
    system_find_library = ctypes.util.find_library
    bundle = getattr(sys, "_MEIPASS", None)

    def find_library(name):
        if bundle:
            for pattern in (f"lib{name}.so", f"lib{name}.so.*"):
                hits = sorted(glob.glob(os.path.join(glob.escape(bundle), pattern)))
                if hits:
                    return hits[0]
        return system_find_library(name)

    ctypes.util.find_library = find_library


if sys.platform.startswith("linux"):
    _install()
