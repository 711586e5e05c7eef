"""The CUDA path (skipped without a GPU): mixed precision steps, checkpoint and exact resume on the device."""

from __future__ import annotations

import math

import pytest
import torch

from models.config import VoiceConfig
from models.training import train
from models.training.engine import resolve_precision

from .conftest import drain

pytestmark = pytest.mark.gpu


@pytest.mark.parametrize("precision", ["auto", "fp16", "fp32"])
def test_tiny_run_on_cuda(tiny_dataset, tmp_path, precision):
    dataset, cache = tiny_dataset
    config = VoiceConfig.tiny()
    config = config.replace(train=config.train.replace(precision=precision))
    chosen, _ = resolve_precision(precision, torch.device("cuda"))
    items, result = drain(
        train(tmp_path / "run", dataset, config, feature_cache=cache, device="cuda", max_steps=12)
    )
    steps = [p for p in items if p.phase == "train" and not p.message]
    assert steps[-1].precision == chosen.name and steps[-1].device.startswith("cuda")
    # fp16 may skip a step while its loss scale settles; the last steps must be finite
    assert all(math.isfinite(v) for p in steps[-3:] for v in p.losses.values())
    assert result.step == 12 and result.best_checkpoint is not None


def test_cuda_resume_continues_from_checkpoint(tiny_dataset, tmp_path):
    dataset, cache = tiny_dataset
    drain(
        train(tmp_path / "run", dataset, VoiceConfig.tiny(), feature_cache=cache, device="cuda", max_steps=10)
    )
    items, result = drain(
        train(tmp_path / "run", dataset, VoiceConfig.tiny(), feature_cache=cache, device="cuda", max_steps=12)
    )
    assert "resuming from step_00000010.ckpt" in items[0].message
    assert [p.step for p in items if p.phase == "train"] == [11, 12]
