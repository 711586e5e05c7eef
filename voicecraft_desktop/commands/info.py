"""``voicecraft info``: versions, compute device and the folders VoiceCraft uses."""

from __future__ import annotations

import argparse
import platform

HELP = "show versions, the compute device and where VoiceCraft keeps its files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``info`` takes no arguments."""


def describe_device() -> str:
    """Human-readable name of the device conversion and training would use by default."""
    import torch

    if torch.cuda.is_available():
        return f"CUDA: {torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
    if torch.backends.mps.is_available():
        return "Apple MPS"
    return f"CPU ({torch.get_num_threads()} threads)"


def run(args: argparse.Namespace) -> int:
    """Print one ``key: value`` line per fact."""
    import torch

    from voicecraft_desktop import __version__
    from voicecraft_desktop.core import paths

    rows = {
        "voicecraft": __version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "device": describe_device(),
        "data dir": paths.data_dir(),
        "voices dir": paths.voices_dir(),
        "runs dir": paths.runs_dir(),
        "cache dir": paths.cache_dir(),
        "models cache dir": paths.models_cache_dir(),
        "log dir": paths.log_dir(),
    }
    width = max(map(len, rows))
    for key, value in rows.items():
        print(f"{key + ':':<{width + 1}} {value}")
    return 0
