"""Shared fixtures for voices without training (core, CLI and desktop tests): a tiny pretrain stand-in,
a random reference speaker encoder, three singer vectors, tiny content encoders, all in the real formats,
and sung takes (vibrato notes with pauses) written as WAV."""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


def sung_take(
    path: Path, seconds: float = 5.0, f0: float = 220.0, rate: int = 32000, seed: int = 0, gain: float = 1.0
) -> Path:
    """A singing-like take: vibrato notes of 1.2 s with short pauses, a little noise; peak 0.5 * gain."""
    from voicecraft_desktop.core.demo_data import harmonic_tone

    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    curve = f0 * 2 ** ((np.floor(t / 1.2) % 3) * 2 / 12) * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * t))
    wave = harmonic_tone(curve, seconds, rate)[:n]
    wave[(t % 1.2) > 1.0] = 0.0  # pauses
    wave = gain * wave + 0.003 * rng.standard_normal(n).astype(np.float32)
    sf.write(path, np.clip(wave, -1, 1), rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="session")
def nt_files(tmp_path_factory: pytest.TempPathFactory) -> types.SimpleNamespace:
    """The stand-in files (written once per session)."""
    from models.formats.tiny_assets import tiny_voice_config, write_tiny_hubert_folder, write_tiny_whisper
    from voicecraft_desktop.core.demo_pretrain import write_pretrain, write_speaker_encoder

    root = tmp_path_factory.mktemp("no-training")
    return types.SimpleNamespace(
        config=tiny_voice_config(),
        pretrain=write_pretrain(root / "sovits5.0.pretrain.pth"),
        encoder=write_speaker_encoder(root / "best_model.pth.tar"),
        whisper=write_tiny_whisper(root / "whisper-tiny.pt"),
        hubert=write_tiny_hubert_folder(root / "hubert"),
        take=sung_take(root / "take.wav", seconds=5.0),
    )


@pytest.fixture
def nt_env(nt_files: types.SimpleNamespace, tmp_home: Path) -> types.SimpleNamespace:
    """A fresh library and asset stores in which the pretrain, the encoders and 3 singers are present."""
    from models.formats.assets import AssetStore
    from voicecraft_desktop.core import paths
    from voicecraft_desktop.core.demo_pretrain import write_singers
    from voicecraft_desktop.core.library import VoiceLibrary
    from voicecraft_desktop.core.voice_making import singer_store

    overrides = {
        "sovits5-pretrain": nt_files.pretrain,
        "sovits5-speaker-encoder": nt_files.encoder,
        "whisper-large-v2": nt_files.whisper,
        "hubert-transformers": nt_files.hubert,
    }
    cache = paths.models_cache_dir()
    store = AssetStore(cache, overrides)
    singers = singer_store(cache)
    write_singers(singers, 3)
    return types.SimpleNamespace(
        files=nt_files,
        config=nt_files.config,
        store=store,
        singers=singers,
        library=VoiceLibrary(),
        overrides=overrides,
        cache=cache,
    )


@pytest.fixture
def one_thread():
    """Torch on one thread for the test (two cores are shared), restored afterwards."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
