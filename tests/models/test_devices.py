"""The one device rule (:func:`models.devices.resolve_device`): what exists here, in words without flags."""

from __future__ import annotations

import pytest
import torch

from models.devices import DeviceUnavailable, resolve_device
from models.errors import UserError


@pytest.mark.parametrize(
    ("device", "cuda_count", "expected", "fallback"),
    [
        ("gpu", 0, "unknown device 'gpu'", False),
        ("cuda:3", 1, "CUDA device 3 does not exist", False),
        ("cuda", 0, "CUDA is not available on this machine", True),
        ("tpu", 0, "unknown device 'tpu'", False),
    ],
)
def test_unavailable_devices_are_one_line_without_flags(
    monkeypatch: pytest.MonkeyPatch, device: str, cuda_count: int, expected: str, fallback: bool
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda_count > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda_count)
    with pytest.raises(DeviceUnavailable, match=expected) as info:
        resolve_device(device)
    assert isinstance(info.value, UserError) and info.value.fallback is fallback
    message = str(info.value)
    assert "--" not in message and "\n" not in message


@pytest.mark.parametrize(
    ("device", "cuda_count", "expected"),
    [(None, 0, "cpu"), ("", 1, "cuda"), (None, 1, "cuda"), (" CPU ", 0, "cpu"), ("CUDA:0", 1, "cuda:0"),
     (torch.device("cpu"), 1, "cpu")],
)
def test_available_devices_resolve(monkeypatch: pytest.MonkeyPatch, device, cuda_count: int, expected: str) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda_count > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda_count)
    assert resolve_device(device) == torch.device(expected)


def test_the_trainer_and_the_converter_apply_the_rule(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Training and conversion refuse a device this machine lacks before doing anything."""
    from models.config import VoiceConfig
    from models.convert.converter import VoiceConverter
    from models.convert.options import ConvertError
    from models.training import TrainingError, train

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(TrainingError, match="CUDA is not available"):
        next(train(tmp_path / "run", tmp_path / "ds", VoiceConfig.tiny(), feature_cache=tmp_path / "c", device="cuda"))
    assert not (tmp_path / "run").exists()
    with pytest.raises(ConvertError, match="CUDA is not available"):
        VoiceConverter(object(), object(), device="cuda")  # type: ignore[arg-type]
