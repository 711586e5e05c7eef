"""Train page: "Use all N GPUs" appears only when more than one CUDA device is visible, and starts the
run in N processes (the trainer is replaced here: no GPU on the test machine)."""

from __future__ import annotations

import shutil

import pytest
import torch

from models.config import VoiceConfig
from models.training import TrainResult
from models.training.distributed import Launch
from tests.training.conftest import make_dataset
from voicecraft_desktop.core.dataset_jobs import datasets_dir
from voicecraft_desktop.ui.pages import train as train_page
from voicecraft_desktop.ui.pages.train import TrainPage


@pytest.fixture
def dataset(tmp_path, one_thread):  # one torch thread, as in the training tests (2 shared cores)
    folder, cache = make_dataset(tmp_path / "made", VoiceConfig.tiny(), [1.2, 1.5, 2.0])
    datasets_dir().mkdir(parents=True, exist_ok=True)
    target = datasets_dir() / "gpu-voice"
    shutil.move(folder, target)
    return target, cache


def _gpus(monkeypatch, n: int) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: n > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: n)


def _start(page, qtbot, cache, monkeypatch):  # type: ignore[no-untyped-def]
    """Starts the page's run with the trainer replaced; returns the keyword arguments it got."""
    seen = {}

    def fake_train_in_process(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        return TrainResult(args[0], 0, True, None, None, None)  # stopped at once
        yield  # a generator, like the real one

    monkeypatch.setattr(train_page, "train_in_process", fake_train_in_process)
    page.feature_cache = cache
    page.preset_combo.setCurrentText("tiny")
    job = page.start()
    assert job is not None
    qtbot.waitUntil(lambda: page.job is None, timeout=30000)
    return seen


@pytest.mark.parametrize("gpus", [2, 1])
def test_use_all_gpus_only_with_several(gpus, ctx, open_page, qtbot, dataset, monkeypatch, tmp_path):
    _gpus(monkeypatch, gpus)
    ctx.device = "cuda:0"
    page = open_page(TrainPage, ctx)
    page.refresh()
    box = page.all_gpus_check
    assert box.isVisible() == (gpus > 1)
    if gpus > 1:
        assert box.text() == "Use all 2 GPUs" and box.isEnabled()
        page.grab().save(str(tmp_path / "train-page-gpus.png"))
        box.setChecked(True)
    seen = _start(page, qtbot, dataset[1], monkeypatch)
    if gpus > 1:
        assert seen["launch"] == Launch(2) and seen["device"] == "cuda"
    else:
        assert seen["launch"] is None and seen["device"] == "cuda:0"


def test_unchecked_trains_on_one_gpu(ctx, open_page, qtbot, dataset, monkeypatch):
    _gpus(monkeypatch, 4)
    ctx.device = "cuda:1"
    page = open_page(TrainPage, ctx)
    page.refresh()
    assert page.all_gpus_check.text() == "Use all 4 GPUs" and not page.all_gpus_check.isChecked()
    seen = _start(page, qtbot, dataset[1], monkeypatch)
    assert seen["launch"] is None and seen["device"] == "cuda:1"


def test_on_the_cpu_no_gpu_choice(ctx, open_page, dataset, monkeypatch):
    _gpus(monkeypatch, 2)
    ctx.device = "cpu"
    page = open_page(TrainPage, ctx)
    page.refresh()
    assert not page.all_gpus_check.isVisible()
