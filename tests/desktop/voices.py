"""Test helpers for the desktop pages: tiny voices, folders of recordings, a tiny 32-d HuBERT."""

from __future__ import annotations

import math
import uuid
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from tests.features.conftest import BshallHubert, harmonic_tone


def make_voice(
    library_root: Path, name: str, *, steps: int = 120, seconds: float = 754.0, preview: bool = True
) -> Path:
    """A tiny-preset voice artifact with random weights, as training would export it."""
    from models.formats.artifact import VoiceManifest, save_voice
    from models.config import VoiceConfig
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


def recordings_folder(root: Path, notes: tuple[float, ...] = (196.0, 247.0), junk: bool = True) -> Path:
    """Singing-like recordings (harmonic notes with pauses), plus a text file and a silent file."""
    src = root / "takes"
    src.mkdir(parents=True)
    for i, f in enumerate(notes):
        x = np.concatenate(
            [harmonic_tone(f, 3.0, 44100), np.zeros(22050, np.float32), harmonic_tone(f * 1.5, 3.0, 44100)]
        )
        sf.write(src / f"take {i}.wav", x, 44100)
    if junk:
        (src / "lyrics.txt").write_text("la la la", encoding="utf-8")
        sf.write(src / "quiet.wav", np.zeros(44100, np.float32), 44100)
    return src


def tiny_hubert32(folder: Path) -> Path:
    """A bshall hubert-soft checkpoint whose units have 32 dims (the tiny preset's ``vec_dim``)."""
    torch.manual_seed(1)
    model = BshallHubert(proj=32).eval()
    for p in model.parameters():
        p.data.mul_(1.0 / math.sqrt(max(1, p.dim())))
    path = folder / "hubert-soft-32.pt"
    torch.save({"hubert": {f"module.{k}": v for k, v in model.state_dict().items()}, "step": 0}, path)
    return path
