"""Fixtures for training tests: a small prepared dataset with its features in a feature cache.

The dataset is built the way ``voicecraft prepare`` builds one (manifest, clips, features.json,
speaker.npy, cache filled by :func:`models.features.clip.extract_dataset`), with fast stand-ins for
the heavy extractors: DIO for pitch and two deterministic random-projection content encoders
of the sizes the config asks for (real Whisper/HuBERT weights cannot be downloaded here).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from models.config import VoiceConfig
from models.features.audio import save_wav
from models.features.clip import FeaturePipeline, extract_dataset
from models.features.content.base import ContentEncoder
from models.features.pitch import create_pitch_extractor
from models.features.preprocess import Clip, DatasetReport, write_manifest

REPO_ROOT = Path(__file__).resolve().parents[2]


class ProjectionEncoder(ContentEncoder):
    """(T,) 16 kHz -> (T // 320, dim): tanh of a fixed random projection of each 20 ms frame."""

    def __init__(self, name: str, dim: int, seed: int) -> None:
        super().__init__("cpu")
        self.name, self.dim = name, dim
        g = torch.Generator().manual_seed(seed)
        self.proj = torch.randn(self.hop_length, dim, generator=g) * (8.0 / math.sqrt(self.hop_length))

    def encode_window(self, wave: torch.Tensor) -> torch.Tensor:
        n = len(wave) // self.hop_length
        return torch.tanh(wave[: n * self.hop_length].view(n, self.hop_length) @ self.proj)


def sung_phrase(f0_start: float, seconds: float, rate: int = 32000, harmonics: int = 10) -> np.ndarray:
    """A gliding harmonic tone with vibrato and an amplitude envelope, peak 0.6."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    f0 = f0_start * 2 ** ((t / seconds) * 4 / 12) * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = sum(np.sin(k * phase) * (0.7**k) for k in range(1, harmonics + 1))
    env = np.minimum(1.0, np.minimum(t, seconds - t) / 0.05)
    x = x * env
    return (0.6 * x / np.max(np.abs(x))).astype(np.float32)


def make_dataset(root: Path, config: VoiceConfig, durations: list[float], seed: int = 0) -> tuple[Path, Path]:
    """Writes a prepared dataset under ``root``; returns (dataset folder, feature cache)."""
    rng = np.random.default_rng(seed)
    dataset = root / "dataset"
    (dataset / "clips").mkdir(parents=True)
    cache = root / "features"
    report = DatasetReport(voice="test", source_dir=str(root / "recordings"))
    for i, seconds in enumerate(durations):
        name = f"clips/clip_{i:03d}.wav"
        save_wav(dataset / name, sung_phrase(float(rng.uniform(150, 300)), seconds), 32000)
        report.clips.append(Clip(name, f"take{i}.wav", 0.0, seconds, 32000, 1))
    write_manifest(dataset, report)
    pipeline = FeaturePipeline(
        pitch=create_pitch_extractor("dio"),
        ppg=ProjectionEncoder("test-ppg", config.model.ppg_dim, 1),
        vec=ProjectionEncoder("test-vec", config.model.vec_dim, 2),
        speaker=None,
        cache_dir=cache,
        audio=config.audio,
    )
    for _ in extract_dataset(pipeline, [dataset / c.file for c in report.clips]):
        pass
    (dataset / "features.json").write_text(json.dumps(pipeline.describe()), encoding="utf-8")
    spk = rng.standard_normal(config.model.spk_dim).astype(np.float32)
    np.save(dataset / "speaker.npy", spk / np.linalg.norm(spk), allow_pickle=False)
    return dataset, cache


@pytest.fixture(autouse=True, scope="package")
def _one_thread():
    """Training tests run on one CPU thread: deterministic, and fair on a shared machine."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Five clips (1.2-2.0 s) for the tiny preset: four train, one held out."""
    return make_dataset(tmp_path_factory.mktemp("tiny-ds"), VoiceConfig.tiny(), [1.2, 1.5, 2.0, 1.4, 1.8])


def drain(gen):  # type: ignore[no-untyped-def]
    """Runs a generator to its end; returns (items, return value)."""
    items = []
    while True:
        try:
            items.append(next(gen))
        except StopIteration as stop:
            return items, stop.value


def python(args: list[str]) -> subprocess.Popen:
    """Starts ``python ARGS`` from the repository root (one thread), capturing its output."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def cli(args: list[str]) -> subprocess.Popen:
    """Starts ``python -m voicecraft_desktop.cli ARGS`` in a subprocess."""
    return python(["-m", "voicecraft_desktop.cli", *args])


def differences(a: Any, b: Any, path: str = "") -> Iterator[str]:
    """Paths where two checkpoint states differ (tensors: dtype, shape and every bit; floats: ==)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        same = (
            isinstance(a, torch.Tensor)
            and isinstance(b, torch.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and torch.equal(a, b)
        )
        if not same:
            yield path
    elif isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            yield f"{path} keys {sorted(map(str, a.keys() ^ b.keys()))}"
        for key in a.keys() & b.keys():
            yield from differences(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b) or type(a) is not type(b):
            yield f"{path} length/type"
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from differences(x, y, f"{path}[{i}]")
    elif type(a) is not type(b) or a != b:
        yield path
