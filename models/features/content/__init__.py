"""Content encoders by name (``ENCODERS``) and their construction from asset files.

Each :class:`EncoderSpec` names the pretrained asset it needs (see :mod:`models.formats.assets`), its
role in the model ("ppg" feeds the prior's PPG input, "vec" its unit input) and its output
dimension, so a voice's config can be checked before any weights are loaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import torch

from models.features.content.base import ContentEncoder, Window
from models.formats.assets import asset_load_errors

__all__ = ["ENCODERS", "ContentEncoder", "EncoderSpec", "Window", "load_encoder"]


@dataclass(frozen=True)
class EncoderSpec:
    """A content encoder the product knows.

    Attributes:
        name: registry name (what configs and voices record).
        role: ``"ppg"`` or ``"vec"``.
        dim: output features per frame.
        asset: name in ``models.formats.assets.ASSETS`` of the weights it loads.
        load: ``(path, device) -> ContentEncoder``.
    """

    name: str
    role: str
    dim: int
    asset: str
    load: Callable[[str | os.PathLike[str], torch.device | str], ContentEncoder]


def _whisper(name: str) -> Callable[[str | os.PathLike[str], torch.device | str], ContentEncoder]:
    def load(path: str | os.PathLike[str], device: torch.device | str) -> ContentEncoder:
        from models.features.content.whisper_encoder import WhisperPPG

        return WhisperPPG.from_checkpoint(path, name, device)

    return load


def _hubert_soft(path: str | os.PathLike[str], device: torch.device | str) -> ContentEncoder:
    from models.features.content.hubert_encoder import HubertUnits

    return HubertUnits.from_soft_checkpoint(path, "hubert-soft", device)


def _hubert_folder(path: str | os.PathLike[str], device: torch.device | str) -> ContentEncoder:
    from models.features.content.hubert_encoder import HubertUnits

    return HubertUnits.from_pretrained(path, "hubert-transformers", None, device)


_WHISPER_DIMS = {"large-v2": 1280, "large-v3": 1280, "medium": 1024, "small": 768, "base": 512, "tiny": 384}

ENCODERS: dict[str, EncoderSpec] = {
    **{f"whisper-{size}": EncoderSpec(f"whisper-{size}", "ppg", dim, f"whisper-{size}", _whisper(f"whisper-{size}"))
       for size, dim in _WHISPER_DIMS.items()},
    "hubert-soft": EncoderSpec("hubert-soft", "vec", 256, "hubert-soft", _hubert_soft),
    "hubert-transformers": EncoderSpec("hubert-transformers", "vec", 768, "hubert-transformers", _hubert_folder),
}
"""Content encoders by name; ``whisper-large-v2`` (ppg) + ``hubert-soft`` (vec) is the reference."""


def load_encoder(name: str, path: str | os.PathLike[str], device: torch.device | str = "cpu") -> ContentEncoder:
    """Builds the named encoder from its weights file (or folder).

    Raises:
        KeyError: unknown name (the message lists the known ones).
    """
    try:
        spec = ENCODERS[name]
    except KeyError:
        raise KeyError(f"unknown content encoder {name!r}; choose one of {', '.join(ENCODERS)}") from None
    with asset_load_errors(spec.asset, path):  # a bad file: one clear AssetInvalid line
        return spec.load(path, device)
