"""Random-weight stand-ins, in the real published formats, for what voices without training need: the
so-vits-svc-5.0 pretrain, its LSTM speaker encoder and its singer vectors. For tests and bench/ only.

- :func:`write_pretrain`: ``{"model_g", "model_d"}`` like ``sovits5.0.pretrain.pth`` (training generator
  with the posterior encoder, and the discriminator), no config inside: read with the config given
  (default :func:`models.formats.tiny_assets.tiny_voice_config`, the tiny preset fed by the tiny encoders);
- :func:`write_speaker_encoder`: ``best_model.pth.tar`` with the reference's keys under ``"model"``
  (full size: the loader checks the reference's shapes);
- :func:`write_singers`: ``singer00NN.npy`` vectors placed in a singers ``AssetStore``'s cache.

Deterministic for a seed. Nothing here downloads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch


def write_pretrain(path: str | os.PathLike[str], config: Any = None, seed: int = 0) -> Path:
    """Writes a pretrain stand-in for ``config`` (default: the tiny voice config); returns ``path``."""
    from models.formats.tiny_assets import tiny_voice_config
    from models.nets.discriminators import Discriminator
    from models.nets.synthesizer import SynthesizerTrain

    config = config or tiny_voice_config()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        g = SynthesizerTrain(config)
        d = Discriminator(config.discriminator)
    path = Path(path)
    torch.save({"model_g": g.state_dict(), "model_d": d.state_dict()}, path)
    return path


def write_speaker_encoder(path: str | os.PathLike[str], seed: int = 0) -> Path:
    """Writes a random ``best_model.pth.tar`` in the reference's layout; returns ``path``."""
    from models.features.speaker_lstm import LSTMSpeakerNet

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = LSTMSpeakerNet()
    path = Path(path)
    torch.save({"model": net.state_dict(), "step": 0}, path)
    return path


def singer_vectors(count: int = 3, dim: int = 256, seed: int = 0) -> list[np.ndarray]:
    """``count`` random vectors shaped like the reference's singers (norm below 1: a mean of unit vectors)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        v = rng.standard_normal(dim)
        out.append((0.8 * v / np.linalg.norm(v)).astype(np.float32))
    return out


def write_singers(store: Any, count: int = 3, seed: int = 0) -> list[Path]:
    """Puts ``count`` singer vectors where ``store`` (the singers' ``AssetStore``) keeps them."""
    paths = []
    for n, vector in enumerate(singer_vectors(count, seed=seed), start=1):
        path = store.cache_path(f"sovits5-singer{n:04d}")
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vector, allow_pickle=False)
        paths.append(path)
    return paths
