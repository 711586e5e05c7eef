"""Replaces pyinstaller-hooks-contrib's webrtcvad hook, which copies the metadata of the distribution
``webrtcvad`` and aborts the build when, as here, ``import webrtcvad`` comes from ``webrtcvad-wheels``
(the original is sdist-only; see requirements.txt). webrtcvad reads its version from that metadata."""

from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("webrtcvad-wheels")
