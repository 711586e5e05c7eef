"""Fixtures for conversion tests: a tiny voice and tiny random-weight extractors in the real classes.

The content encoders are the product's own classes (``WhisperPPG`` loaded through
``whisper.load_model`` from a checkpoint in the published format, ``HubertUnits`` around a small
transformers ``HubertModel`` with hubert-soft's projection), sized to the ``tiny`` preset
(PPG 64-d, units 32-d). Pitch is pyworld's dio (fast, deterministic, real).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from models.config import ContentConfig, VoiceConfig
from models.formats.artifact import F0Stats, VoiceManifest, load_voice, save_voice
from models.nets.synthesizer import SynthesizerInfer
from tests.features.conftest import harmonic_tone
from voicecraft_desktop.core.library import VoiceLibrary

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def sung_phrases(seconds: float, rate: int, seed: int = 0) -> np.ndarray:
    """Notes of 0.3-1.2 s between 150 and 400 Hz with short gaps of near silence, vibrato included."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    f0 = np.zeros(n)
    i = 0
    while i < n:
        length = int(rng.uniform(0.3, 1.2) * rate)
        gap = int(rng.uniform(0.05, 0.3) * rate)
        base = rng.uniform(150, 400)
        t = np.arange(min(length, n - i)) / rate
        f0[i : i + len(t)] = base * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * t))
        i += length + gap
    voiced = f0 > 0
    phase = 2 * np.pi * np.cumsum(np.where(voiced, f0, 0)) / rate
    x = sum(np.sin(k * phase) / k for k in range(1, 9)) * voiced
    x = x + 1e-3 * rng.standard_normal(n)
    return (0.4 * x / np.max(np.abs(x))).astype(np.float32)


@pytest.fixture(scope="session")
def tiny_whisper_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(
        n_mels=80,
        n_audio_ctx=1500,
        n_audio_state=64,
        n_audio_head=4,
        n_audio_layer=4,
        n_vocab=128,
        n_text_ctx=8,
        n_text_state=64,
        n_text_head=4,
        n_text_layer=1,
    )
    path = tmp_path_factory.mktemp("whisper") / "tiny-random.pt"
    torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()}, path)
    return path


@pytest.fixture(scope="session")
def tiny_hubert_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A transformers HubertModel folder (``save_pretrained``) of width 64: the hubert-transformers asset."""
    from transformers import HubertConfig, HubertModel

    torch.manual_seed(2)
    config = HubertConfig(
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
        conv_dim=(32,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=4,
    )
    folder = tmp_path_factory.mktemp("hubert-hf") / "tiny-hubert"
    HubertModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_extractors(tiny_whisper_path: Path, tiny_hubert_folder: Path):
    from models.convert.extractors import Extractors
    from models.features.content import load_encoder
    from models.features.pitch import create_pitch_extractor

    torch.set_num_threads(1)
    return Extractors(
        pitch=create_pitch_extractor("dio"),
        ppg=load_encoder("whisper-large-v2", tiny_whisper_path),
        vec=load_encoder("hubert-transformers", tiny_hubert_folder),
    )


def tiny_config() -> VoiceConfig:
    """The tiny preset with the encoders the fixtures provide (PPG 64-d whisper, 64-d HuBERT)."""
    base = VoiceConfig.tiny()
    return base.replace(
        content=ContentConfig(ppg_encoder="whisper-large-v2", vec_encoder="hubert-transformers"),
        model=base.model.replace(vec_dim=64),
    )


def make_voice(folder: Path, name: str = "Tiny", seed: int = 0, f0_median: float = 220.0):
    """A tiny-preset voice with random weights saved in the real artifact format, and loaded back."""
    torch.manual_seed(seed)
    config = tiny_config()
    generator = SynthesizerInfer(config)
    speaker = np.random.default_rng(seed).standard_normal(256).astype(np.float32)
    stats = F0Stats.from_f0(f0_median * 2 ** (np.random.default_rng(1).standard_normal(1000) * 0.2))
    manifest = VoiceManifest(
        name=name,
        config=config,
        speaker=speaker / np.linalg.norm(speaker),
        pitch_extractor="dio",
        f0_stats=stats,
        training={"steps": 30, "dataset_seconds": 90.0},
    )
    save_voice(folder, manifest, generator.state_dict())
    return load_voice(folder)


@pytest.fixture(scope="session")
def tiny_voice(tmp_path_factory: pytest.TempPathFactory):
    return make_voice(tmp_path_factory.mktemp("voices") / "tiny")


@pytest.fixture(scope="session")
def helpers():
    """The signal and voice builders above, for tests (conftest modules are not importable)."""
    import types

    return types.SimpleNamespace(
        harmonic_tone=harmonic_tone, sung_phrases=sung_phrases, make_voice=make_voice, tiny_config=tiny_config
    )


@pytest.fixture
def library_voice(tmp_home: Path, tmp_path: Path, helpers) -> str:
    helpers.make_voice(tmp_path / "made", name="Tiny Voice")
    VoiceLibrary().import_voice(tmp_path / "made")
    return "Tiny Voice"


@pytest.fixture
def assets(tiny_whisper_path: Path, tiny_hubert_folder: Path) -> list[str]:
    return [
        "--asset",
        f"whisper-large-v2={tiny_whisper_path}",
        "--asset",
        f"hubert-transformers={tiny_hubert_folder}",
        "--offline",
        "--f0",
        "dio",
        "--device",
        "cpu",
    ]
