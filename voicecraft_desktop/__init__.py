"""VoiceCraft Desktop: a desktop app for singing voice conversion (whisper-vits-svc family).

Layers: ``voicecraft_desktop.core`` and ``voicecraft_desktop.commands`` are Qt-free; only ``app``,
``ui``, ``workers`` and ``settings`` import Qt (see docs/ARCHITECTURE.md).
"""

__version__ = "0.1.0"
