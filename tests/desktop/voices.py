"""Test helpers for the desktop pages: tiny voices; folders of recordings and a tiny 32-d HuBERT come from
:mod:`voicecraft_desktop.core.demo_data` (shared with the benchmarks)."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from voicecraft_desktop.core.demo_data import harmonic_tone, recordings_folder, tiny_hubert32  # noqa: F401


def make_voice(
    library_root: Path, name: str, *, steps: int = 120, seconds: float = 754.0, preview: bool = True
) -> Path:
    """A tiny-preset voice artifact with random weights, as training would export it."""
    from models.config import VoiceConfig
    from models.formats.artifact import VoiceManifest, save_voice
    from models.nets.synthesizer import SynthesizerInfer

    torch.manual_seed(0)
    config = VoiceConfig.tiny()
    rng = np.random.default_rng(0)
    manifest = VoiceManifest(
        name=name,
        config=config,
        speaker=(rng.standard_normal(256) / 16).astype(np.float32),
        pitch_extractor="dio",
        training={"steps": steps, "dataset_seconds": seconds},
    )
    library_root.mkdir(parents=True, exist_ok=True)
    folder = save_voice(library_root / uuid.uuid4().hex, manifest, SynthesizerInfer(config).state_dict())
    if preview:
        sf.write(folder / "preview.wav", harmonic_tone(220.0, 1.0, 32000), 32000)
    return folder
