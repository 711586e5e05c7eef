"""Synthetic singing and tiny stand-in files, for benchmarks, demos and tests (nothing is downloaded).

- :func:`harmonic_tone`: a harmonic signal at a (possibly varying) pitch, (T,) float32, peak ~0.5;
- :func:`recordings_folder`: a folder of singing-like takes (harmonic notes with pauses), optionally
  with a text file and a silent file, as a user's recordings folder looks;
- :class:`BshallHubert` and :func:`tiny_hubert32`: bshall/hubert's HubertSoft layout (model.py, v0.1)
  at toy size, and a ``hubert-soft`` checkpoint in its published format whose units have 32 dims
  (the ``tiny`` preset's ``vec_dim``).

The tiny Whisper and transformers-HuBERT writers are :mod:`models.formats.tiny_assets`. Output is
deterministic. Qt-free; torch is needed for the HuBERT stand-in.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def harmonic_tone(f0_hz: float | np.ndarray, seconds: float, rate: int, harmonics: int = 8) -> np.ndarray:
    """A harmonic signal (harvest calls a pure sine unvoiced), peak about 0.5."""
    n = int(seconds * rate)
    f0 = np.broadcast_to(np.asarray(f0_hz, dtype=np.float64), (n,)) if np.ndim(f0_hz) == 0 else f0_hz
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = sum(np.sin(k * phase) / k for k in range(1, harmonics + 1))
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


class BshallHubert(nn.Module):
    """bshall/hubert's HubertSoft layout (model.py, v0.1), at a configurable size: the reference
    our key mapping must reproduce."""

    def __init__(self, hidden: int = 128, layers: int = 2, ffn: int = 256, conv: int = 32, proj: int = 24,
                 pos_kernel: int = 16, pos_groups: int = 4) -> None:
        super().__init__()
        fe = nn.Module()
        fe.conv0 = nn.Conv1d(1, conv, 10, 5, bias=False)
        fe.norm0 = nn.GroupNorm(conv, conv)
        for i, (k, s) in enumerate([(3, 2), (3, 2), (3, 2), (3, 2), (2, 2), (2, 2)], start=1):
            setattr(fe, f"conv{i}", nn.Conv1d(conv, conv, k, s, bias=False))
        self.feature_extractor = fe
        self.feature_projection = nn.Module()
        self.feature_projection.norm = nn.LayerNorm(conv)
        self.feature_projection.projection = nn.Linear(conv, hidden)
        self.positional_embedding = nn.Module()
        self.positional_embedding.conv = nn.utils.weight_norm(
            nn.Conv1d(hidden, hidden, pos_kernel, padding=pos_kernel // 2, groups=pos_groups),
            name="weight",
            dim=2,
        )
        self.norm = nn.LayerNorm(hidden)
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(hidden, max(1, hidden // 64), ffn, dropout=0.0, activation="gelu",
                                       batch_first=True) for _ in range(layers))
        self.proj = nn.Linear(hidden, proj)
        self.masked_spec_embed = nn.Parameter(torch.rand(hidden))
        self.label_embedding = nn.Embedding(100, proj)

    @torch.no_grad()
    def units(self, wav: torch.Tensor) -> torch.Tensor:
        """(1, 1, T) -> (1, T // 320, proj), as bshall's ``HubertSoft.units``."""
        x = F.pad(wav, (40, 40))
        fe = self.feature_extractor
        x = F.gelu(fe.norm0(fe.conv0(x)))
        for i in range(1, 7):
            x = F.gelu(getattr(fe, f"conv{i}")(x))
        x = self.feature_projection.projection(self.feature_projection.norm(x.transpose(1, 2)))
        pos = self.positional_embedding.conv(x.transpose(1, 2))
        x = x + F.gelu(pos[:, :, :-1]).transpose(1, 2)
        x = self.norm(x)
        for layer in self.encoder.layers:
            x = layer(x)
        return self.proj(x)


def recordings_folder(root: Path, notes: tuple[float, ...] = (196.0, 247.0), junk: bool = True) -> Path:
    """Singing-like recordings (harmonic notes with pauses), plus a text file and a silent file."""
    import soundfile as sf

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
    """A bshall hubert-soft checkpoint whose units have 32 dims (the tiny preset's ``vec_dim``):
    ``folder/hubert-soft-32.pt``, ``{'hubert': {'module.' + key: tensor}, 'step': 0}``."""
    torch.manual_seed(1)
    model = BshallHubert(proj=32).eval()
    for p in model.parameters():
        p.data.mul_(1.0 / math.sqrt(max(1, p.dim())))
    path = folder / "hubert-soft-32.pt"
    torch.save({"hubert": {f"module.{k}": v for k, v in model.state_dict().items()}, "step": 0}, path)
    return path
