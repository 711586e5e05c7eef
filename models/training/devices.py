"""Which device a run trains on, checked before anything is created (Qt-free).

:func:`resolve_train_device` turns the user's choice (``None``, ``"cpu"``, ``"cuda"``, ``"cuda:1"``,
``"mps"``) into a :class:`torch.device` that exists on this machine, or raises
:class:`DeviceUnavailable` with one clear line.
"""

from __future__ import annotations

import torch


class DeviceUnavailable(ValueError):
    """The requested device does not exist here; the message says which and what exists."""


def resolve_train_device(device: str | torch.device | None) -> torch.device:
    """The device to train on: ``device``, checked, or CUDA when available, else the CPU.

    Raises:
        DeviceUnavailable: an unknown name, CUDA/MPS not available, or a CUDA index out of range.
    """
    if device is None or device == "":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise DeviceUnavailable(f"unknown device {str(device)!r} (expected cpu, cuda or cuda:N)") from None
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceUnavailable(f"device {str(device)!r}: CUDA is not available on this machine")
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise DeviceUnavailable(f"device {str(device)!r}: this machine has {count} CUDA device(s)")
        return dev
    if dev.type == "mps":
        if not torch.backends.mps.is_available():
            raise DeviceUnavailable(f"device {str(device)!r}: Apple MPS is not available on this machine")
        return dev
    raise DeviceUnavailable(f"device {str(device)!r} is not supported for training (use cpu or cuda)")
