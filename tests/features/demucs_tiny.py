"""A Demucs v4 separator for tests: demucs' own ``HTDemucs`` class with its own default configuration,
narrowed (8 channels, one transformer layer, 1-second segments) and random weights, saved and loaded
through the same safetensors path as the converted official checkpoints."""

from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

SOURCES = ["drums", "bass", "other", "vocals"]
TINY_KWARGS = {"channels": 8, "t_layers": 1, "bottom_channels": 0, "segment": Fraction(1)}


def tiny_htdemucs(seed: int = 0):
    import torch
    from demucs.htdemucs import HTDemucs

    torch.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return HTDemucs(SOURCES, **TINY_KWARGS).eval()


def tiny_demucs_file(folder: Path, seed: int = 0) -> Path:
    """``folder/tiny-htdemucs.safetensors``: the tiny model in the app's separation model format."""
    from models.features.separation import save_separation_model

    return save_separation_model(tiny_htdemucs(seed), Path(folder) / "tiny-htdemucs.safetensors", "tests")


def tiny_separator(path: Path, **kwargs):
    from models.features.separation import Separator, load_separation_model

    return Separator(load_separation_model(path), "cpu", **kwargs)
