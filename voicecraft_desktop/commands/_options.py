"""Command-line options several sub-commands share. Qt-free, nothing heavy imported."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def add_model_file_options(parser: argparse.ArgumentParser) -> None:
    """``--asset NAME=PATH`` (repeatable), ``--offline`` and ``--device``: for commands that load
    the pretrained feature extractors."""
    parser.add_argument(
        "--asset",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="use this local file for a pretrained asset (repeatable)",
    )
    parser.add_argument("--offline", action="store_true", help="never download; fail if weights are missing")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda if available)")


def finite_float(low: float | None = None, high: float | None = None) -> Callable[[str], float]:
    """An argparse ``type`` that accepts a finite number within [low, high] (either end open when
    ``None``); NaN, infinities (``inf``, ``1e400``) and out-of-range values become argparse's
    one-line usage error instead of a traceback deep inside the work."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is outside {_span(low, high)}")
        return value

    parse.__name__ = "finite number"  # argparse names the type in its messages
    return parse


def int_in_range(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number within [low, high] (e.g. a 64-bit seed: 0, 2**64 - 1)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""), 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is outside {_span(low, high)}")
        return value

    parse.__name__ = "whole number"
    return parse


def _span(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g} to {high:g}" if isinstance(low + high, float) else f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def check_device(device: str | None) -> str | None:
    """The ``--device`` value, checked against this machine before any work (or ``None``: the default).

    Every command that takes ``--device`` calls this first, so ``--device cuda`` without CUDA is one
    clear line instead of a traceback after a run folder was made. The rule is
    :func:`models.devices.resolve_device` (the one the trainer and the converter apply); this adds
    the command line's hint ("use --device cpu") where the CPU would do.

    Returns:
        ``device`` normalised (``"CUDA"`` -> ``"cuda"``), or ``None`` when none was given.

    Raises:
        models.errors.UserError: an unknown device, CUDA or MPS not available, or a GPU index this
            machine does not have.
    """
    if device is None:
        return None
    from models.devices import DeviceUnavailable, resolve_device

    text = device.strip().lower()
    if not text:
        raise DeviceUnavailable(f"unknown device {device!r} (use cpu, cuda, cuda:N or mps)")
    try:
        resolve_device(device)
    except DeviceUnavailable as exc:
        if exc.fallback:
            raise DeviceUnavailable(f"{exc}; use --device cpu", fallback=True) from None
        raise
    return text
