"""Which device a job runs on, checked before anything is created (Qt-free): the one rule for training,
conversion and dataset preparation, in the app and on the command line.

:func:`resolve_device` turns the user's choice (``None``, ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``,
any case, surrounding spaces ignored) into a :class:`torch.device` that exists on this machine, or raises
:class:`DeviceUnavailable` with one clear line that names no command-line flag (the app shows it too;
the CLI adds its own hint, see ``voicecraft_desktop.commands._options.check_device``).
"""

from __future__ import annotations

import torch

from models.errors import UserError


class DeviceUnavailable(ValueError, UserError):
    """The requested device does not exist here; the message says which and what exists.

    Attributes:
        fallback: True when the CPU would do instead (the device kind exists but not on this
            machine); False for a name that is not a device at all.
    """

    def __init__(self, message: str, fallback: bool = False) -> None:
        super().__init__(message)
        self.fallback = fallback


def resolve_device(device: str | torch.device | None) -> torch.device:
    """The device to run on: ``device``, checked, or CUDA when available, else the CPU.

    Args:
        device: ``None`` or ``""`` (the default), a name such as ``"cpu"``, ``"CUDA"``, ``"cuda:1"``,
            ``"mps"``, or a :class:`torch.device`.

    Returns:
        The device (a name is normalised: ``"CUDA"`` -> ``cuda``).

    Raises:
        DeviceUnavailable: an unknown name, CUDA or MPS not available, or a GPU index this machine
            does not have.
    """
    if device is None or (isinstance(device, str) and not device.strip()):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    text = device.strip().lower() if isinstance(device, str) else device
    try:
        dev = torch.device(text)
    except (RuntimeError, TypeError, ValueError):
        raise DeviceUnavailable(f"unknown device {str(device)!r} (use cpu, cuda, cuda:N or mps)") from None
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            why = (f"PyTorch {torch.__version__} was built without CUDA" if torch.version.cuda is None
                   else "no NVIDIA GPU or driver was found")
            raise DeviceUnavailable(f"CUDA is not available on this machine ({why})", fallback=True)
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise DeviceUnavailable(f"CUDA device {dev.index} does not exist (this machine has {count}: "
                                    f"cuda:0 to cuda:{count - 1})")
        return dev
    if dev.type == "mps":
        if not torch.backends.mps.is_available():
            raise DeviceUnavailable("Apple MPS is not available on this machine", fallback=True)
        return dev
    raise DeviceUnavailable(f"device {str(device)!r} is not supported (use cpu, cuda, cuda:N or mps)")
