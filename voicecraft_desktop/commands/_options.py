"""Command-line options several sub-commands share. Qt-free, nothing heavy imported."""

from __future__ import annotations

import argparse


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


def check_device(device: str | None) -> str | None:
    """The ``--device`` value, checked against this machine before any work (or ``None``: the default).

    Every command that takes ``--device`` calls this first, so ``--device cuda`` without CUDA is one
    clear line instead of a traceback after a run folder was made.

    Returns:
        ``device`` normalised (``"CUDA"`` -> ``"cuda"``), or ``None`` when none was given.

    Raises:
        models.errors.UserError: an unknown device, CUDA or MPS not available, or a GPU index this
            machine does not have.
    """
    if device is None:
        return None
    import torch

    from models.errors import UserError

    text = device.strip().lower()
    try:
        dev = torch.device(text)
    except (RuntimeError, ValueError):
        raise UserError(f"unknown device {device!r} (use cpu, cuda, cuda:N or mps)") from None
    if dev.type == "cpu":
        return text
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            why = (f"PyTorch {torch.__version__} was built without CUDA" if torch.version.cuda is None
                   else "no NVIDIA GPU or driver was found")
            raise UserError(f"CUDA is not available on this machine ({why}); use --device cpu")
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise UserError(f"CUDA device {dev.index} does not exist (this machine has {count}: "
                            f"cuda:0 to cuda:{count - 1})")
        return text
    if dev.type == "mps":
        if not torch.backends.mps.is_available():
            raise UserError("Apple MPS is not available on this machine; use --device cpu")
        return text
    raise UserError(f"device {device!r} is not supported (use cpu, cuda, cuda:N or mps)")
