"""Folder names from voice names: the one rule every part of the app uses.

A voice's display name may be anything a user types; where it names a folder or file (its dataset
``datasets/<slug>``, its training run ``runs/<slug>``, its collected takes ``recordings/<slug>``, an
exported ``<slug>.zip``) it goes through :func:`slug`, so the CLI, the app and the library agree.
"""

from __future__ import annotations

import re

_NOT_WORD = re.compile(r"[^\w-]+", flags=re.UNICODE)


def slug(name: str) -> str:
    """A folder-safe name: runs of anything but (Unicode) word characters and dashes become one dash,
    outer dashes are dropped, letters are lower case; ``"voice"`` when nothing is left.

    ``slug("Ana Voz!") == "ana-voz"``, ``slug("Zoë") == "zoë"``, ``slug("!!!") == "voice"``.
    """
    text = _NOT_WORD.sub("-", name.strip()).strip("-").lower()
    return text or "voice"
