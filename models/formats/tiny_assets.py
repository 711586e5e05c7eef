"""Tiny random-weight stand-ins for the pretrained files, written in the real published formats.

The real content encoders (Whisper large-v2, HuBERT) are gigabytes and cannot ship with the app
or the tests; these writers produce files of the same *format* at toy size, so everything that
reads them (``whisper.load_model``, ``HubertModel.from_pretrained``, :func:`models.formats.artifact.load_voice`)
runs for real:

- :func:`write_tiny_whisper`: an openai-whisper checkpoint ``{'dims', 'model_state_dict'}`` with a
  4-block, 64-wide encoder (the ``whisper-large-v2`` asset format; 3 blocks kept → 64-d PPG);
- :func:`write_tiny_hubert_folder`: a transformers ``HubertModel`` folder (``save_pretrained``) of
  width 64 (the ``hubert-transformers`` asset format);
- :func:`tiny_voice_config` and :func:`write_tiny_voice`: a voice artifact of the ``tiny`` preset
  whose inputs match those two encoders.

Used by the app's ``--self-test`` (:mod:`voicecraft_desktop.core.selftest`, also on the frozen
bundle) and by the tests. Output is deterministic for a given seed. Nothing here downloads.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from models.config import ContentConfig, VoiceConfig

TINY_WIDTH = 64  # channels of both tiny encoders: the PPG and unit size of the tiny voice
TINY_PPG_ENCODER = "whisper-large-v2"
TINY_VEC_ENCODER = "hubert-transformers"


def write_tiny_whisper(path: str | os.PathLike[str], seed: int = 0) -> Path:
    """Writes a whisper checkpoint with 4 encoder blocks of width 64 (``whisper.load_model`` reads it).

    Args:
        path: the ``.pt`` file to write (its folder must exist).
        seed: torch seed of the random weights.

    Returns:
        ``path``.
    """
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(
        n_mels=80,
        n_audio_ctx=1500,
        n_audio_state=TINY_WIDTH,
        n_audio_head=4,
        n_audio_layer=4,
        n_vocab=128,
        n_text_ctx=8,
        n_text_state=TINY_WIDTH,
        n_text_head=4,
        n_text_layer=1,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Whisper(dims)
    path = Path(path)
    torch.save({"dims": dims.__dict__, "model_state_dict": model.state_dict()}, path)
    return path


def write_tiny_hubert_folder(folder: str | os.PathLike[str], seed: int = 2) -> Path:
    """Writes a transformers ``HubertModel`` folder of width 64 (``save_pretrained``).

    Args:
        folder: the model folder to create.
        seed: torch seed of the random weights.

    Returns:
        ``folder``.
    """
    from transformers import HubertConfig, HubertModel

    config = HubertConfig(
        hidden_size=TINY_WIDTH,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=2 * TINY_WIDTH,
        conv_dim=(32,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=4,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = HubertModel(config)
    folder = Path(folder)
    model.save_pretrained(folder)
    return folder


def tiny_voice_config() -> VoiceConfig:
    """The ``tiny`` preset fed by the two tiny encoders above (64-d PPG, 64-d units)."""
    base = VoiceConfig.tiny()
    return base.replace(
        content=ContentConfig(ppg_encoder=TINY_PPG_ENCODER, vec_encoder=TINY_VEC_ENCODER),
        model=base.model.replace(vec_dim=TINY_WIDTH),
    )


def write_tiny_voice(
    folder: str | os.PathLike[str],
    name: str = "Tiny",
    seed: int = 0,
    f0_median_hz: float = 220.0,
    pitch_extractor: str = "dio",
) -> Path:
    """Writes a voice artifact of :func:`tiny_voice_config` with random generator weights.

    Args:
        folder: the voice folder to create (must not exist).
        name: the voice's display name.
        seed: seed of the generator weights and the speaker vector.
        f0_median_hz: median of the recorded F0 statistics (for automatic key).
        pitch_extractor: the extractor the voice claims it was trained with.

    Returns:
        The folder, as :func:`models.formats.artifact.save_voice` wrote it.
    """
    from models.formats.artifact import F0Stats, VoiceManifest, save_voice
    from models.nets.synthesizer import SynthesizerInfer

    config = tiny_voice_config()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = SynthesizerInfer(config)
    speaker = np.random.default_rng(seed).standard_normal(config.model.spk_dim).astype(np.float32)
    f0 = f0_median_hz * 2 ** (np.random.default_rng(seed + 1).standard_normal(1000) * 0.2)
    manifest = VoiceManifest(
        name=name,
        config=config,
        speaker=speaker / np.linalg.norm(speaker),
        pitch_extractor=pitch_extractor,
        f0_stats=F0Stats.from_f0(f0),
        training={"steps": 0, "dataset_seconds": 0.0, "note": "random weights (self-test)"},
    )
    return save_voice(folder, manifest, generator.state_dict())
