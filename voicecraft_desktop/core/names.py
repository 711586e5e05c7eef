"""Folder names from voice names: the one rule every part of the app uses.

A voice's display name may be anything a user types; where it names a folder or file (its dataset
``datasets/<slug>``, its training run ``runs/<slug>``, its collected takes ``recordings/<slug>``, an
exported ``<slug>.zip``) it goes through :func:`slug`, so the CLI, the app and the library agree.
"""

from __future__ import annotations

import re

_NOT_WORD = re.compile(r"[^\w-]+", flags=re.UNICODE)


def slug(name: str, keep_case: bool = False) -> str:
    """A folder-safe name: runs of anything but (Unicode) word characters and dashes become one dash,
    outer dashes are dropped, letters are lower case; ``"voice"`` when nothing is left.

    ``slug("Ana Voz!") == "ana-voz"``, ``slug("Zoë") == "zoë"``, ``slug("!!!") == "voice"``.

    Args:
        keep_case: keep the letters' case (``"Ana-Voz"``): for a file the user names and sees (an
            exported zip); folders that stand for a voice are lower case, so ``Ana`` and ``ana``
            (the same voice to the library) share one.
    """
    text = _NOT_WORD.sub("-", name.strip()).strip("-")
    return (text if keep_case else text.lower()) or "voice"
