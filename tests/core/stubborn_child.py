"""A training child that reports one step, then ignores its cancel event (a full-size step that
takes minutes): what quitting the app has to end. Importable by name, so ``spawn`` finds it."""

from __future__ import annotations

import time


def stubborn_child(sender, cancel, pause, kwargs, threads) -> None:  # type: ignore[no-untyped-def]
    sender.send(("progress", "step 1"))
    while True:
        time.sleep(0.05)
