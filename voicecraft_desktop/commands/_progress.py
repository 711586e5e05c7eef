"""The command line's progress line: one tqdm bar on stderr, shared by ``prepare``, ``convert`` and ``train``.

The jobs report absolute positions (``done`` of ``total``, a fraction, a step), not increments, and
each command has its own layout, so :class:`ProgressLine` takes a tqdm ``bar_format`` template and is
shown at a position::

    line = ProgressLine("{desc} [{bar:30}] {n}/{total}")
    line.show(3, 10, label="slicing  ")       # "slicing   [#########.....................] 3/10"
    line.show(1, 4, label="features ")        # a new label or total ends that line and starts another
    line.close()

Templates may use tqdm's fields (``{desc}`` is the label, ``{bar:N}``, ``{n}``, ``{total}``,
``{percentage}``) and ``{detail}``: free text that changes without starting a new line (the
trainer's losses). The bar is drawn with ``#`` and ``.``; redraws are throttled to 10 per second,
except the last position of a line, which is always shown.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from tqdm import tqdm

REFRESH_S = 0.1


class _Bar(tqdm):  # type: ignore[misc]
    """tqdm with one more template field, ``{detail}``."""

    detail = ""

    @property
    def format_dict(self) -> dict[str, Any]:
        values = super().format_dict
        values["detail"] = self.detail
        return values


class ProgressLine:
    """A progress line on stderr (see the module docstring).

    Args:
        template: a tqdm ``bar_format`` (plus ``{detail}``).
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self._bar: _Bar | None = None
        self._key: tuple[str, float] | None = None
        self._shown_at = 0.0

    def show(self, n: float, total: float, label: str = "", detail: str = "") -> None:
        """Shows position ``n`` of ``total``; a new ``label`` or ``total`` starts a new line."""
        if self._bar is not None and self._key != (label, total):
            self.close()
        if self._bar is None:
            self._bar = _Bar(
                total=total, desc=label, bar_format=self.template, ascii=".#", file=sys.stderr, leave=True
            )
            self._key = (label, total)
        bar = self._bar
        bar.n, bar.detail = n, detail
        now = time.monotonic()
        if n >= total or now - self._shown_at >= REFRESH_S:
            bar.refresh()
            self._shown_at = now

    def close(self) -> None:
        """Ends the line (its last position drawn, then a newline); a no-op when none is shown."""
        if self._bar is not None:
            self._bar.close()
            self._bar, self._key = None, None
