"""The checkpoints' info files: written after each checkpoint, trusted only while they match it, so a
crash between the two (or a file replaced by hand) never shows another checkpoint's step or preset."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from models.config import VoiceConfig
from models.formats.artifact import save_checkpoint
from models.training import checkpoint_info as ci
from models.training.checkpoint_info import CheckpointInfo, info_path, read_checkpoint_info, read_info
from models.training.checkpoints import Checkpoints
from voicecraft_desktop.core import runs


def state(step: int, preset: str = "tiny", target: int = 40) -> dict:
    config = VoiceConfig.from_preset(preset)
    return {
        "config": config.replace(train=config.train.replace(max_steps=target)),
        "model_g": {},
        "model_d": {},
        "step": step,
    }


@pytest.fixture
def no_load(monkeypatch: pytest.MonkeyPatch) -> list:
    """``torch.load`` recorded (and the app's info cache emptied): what was opened."""
    opened: list = []
    real = torch.load

    def recording(f, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(Path(f).name)
        return real(f, *args, **kwargs)

    monkeypatch.setattr(torch, "load", recording)
    monkeypatch.setattr(runs, "_INFO_CACHE", {})
    return opened


def test_the_trainer_writes_an_info_file_beside_each_checkpoint_and_prunes_them_together(tmp_path, no_load):
    ckpts = Checkpoints(tmp_path, keep_last=2)
    for step in (2, 4, 6):
        ckpts.save(state(step), step, best=step == 4)
    names = sorted(p.name for p in ckpts.folder.iterdir())
    assert names == [
        "best.ckpt",
        "best.ckpt.json",
        "step_00000004.ckpt",
        "step_00000004.ckpt.json",
        "step_00000006.ckpt",
        "step_00000006.ckpt.json",
    ]
    assert [s for s, _ in ckpts.steps()] == [4, 6]  # the info files are not checkpoints
    for path, step in ((ckpts.best_path, 4), (ckpts.step_path(6), 6)):
        assert read_info(path) == read_checkpoint_info(path) == CheckpointInfo(step, "tiny", 40)
    no_load.clear()
    status = runs.run_status(tmp_path, load=False)
    assert no_load == [], "nothing is opened"
    assert status == runs.run_status(tmp_path) and not status.pending
    assert (status.step, status.best_step, status.preset, status.target) == (6, 4, "tiny", 40)
    assert (
        runs.export_choices(tmp_path, status)
        == runs.export_choices(tmp_path)
        == [("best", 4, ckpts.best_path), ("latest", 6, ckpts.step_path(6))]
    )


def test_a_crash_between_the_checkpoint_and_its_info_file_never_shows_the_old_info(tmp_path, no_load):
    ckpts = Checkpoints(tmp_path, keep_last=2)
    ckpts.save(state(4), 4, best=True)
    stale = info_path(ckpts.best_path).read_text()
    size, mtime = ckpts.best_path.stat().st_size, ckpts.best_path.stat().st_mtime_ns
    # the new best.ckpt is renamed into place; the process dies before its info file is written
    save_checkpoint(ckpts.best_path, state(8, target=90))
    os.utime(ckpts.best_path, ns=(mtime, mtime))  # even on a coarse clock, with the same size:
    assert ckpts.best_path.stat().st_size == size and info_path(ckpts.best_path).read_text() == stale
    assert read_info(ckpts.best_path) is None  # the inode tells the files apart
    status = runs.run_status(tmp_path, load=False)
    assert status.pending and status.best_step == 0 and no_load == []  # unknown, never "step 4"
    assert runs.run_status(tmp_path).best_step == 8 and no_load == ["best.ckpt"]  # read once (a worker)
    no_load.clear()
    assert runs.run_status(tmp_path, load=False).best_step == 8 and no_load == []  # then known


def test_control_without_the_stamp_the_stale_info_would_be_shown(tmp_path, monkeypatch):
    # The check above can fail: with a stamp that ignores the file's identity, the old info is trusted.
    monkeypatch.setattr(ci, "_stamp", lambda st: {})
    monkeypatch.setattr(runs, "_INFO_CACHE", {})
    ckpts = Checkpoints(tmp_path, keep_last=2)
    ckpts.save(state(4), 4, best=True)
    save_checkpoint(ckpts.best_path, state(8))
    assert read_info(ckpts.best_path) == CheckpointInfo(4, "tiny", 40)
    assert runs.run_status(tmp_path, load=False).best_step == 4


def test_an_info_file_that_does_not_fit_is_ignored(tmp_path, no_load):
    ckpts = Checkpoints(tmp_path, keep_last=2)
    path = ckpts.save(state(3), 3)
    good = json.loads(info_path(path).read_text())
    for bad in (
        "not json",
        json.dumps([1]),
        json.dumps({**good, "format": "other"}),
        json.dumps({**good, "step": "x"}),
        json.dumps({k: v for k, v in good.items() if k != "target"}),
    ):
        info_path(path).write_text(bad)
        assert read_info(path) is None
    info_path(path).unlink()
    assert read_info(path) is None and read_checkpoint_info(path) == CheckpointInfo(3, "tiny", 40)


def test_a_failed_info_write_leaves_a_complete_checkpoint(tmp_path, monkeypatch, no_load):
    def full_disk(path, text):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ci, "atomic_write_text", full_disk)
    ckpts = Checkpoints(tmp_path, keep_last=2)
    path = ckpts.save(state(5), 5)
    assert path.is_file() and not info_path(path).exists()
    assert runs.run_status(tmp_path, load=False).pending
    assert runs.run_status(tmp_path).step == 5 and runs.run_status(tmp_path).preset == "tiny"


def test_an_unreadable_checkpoint_is_known_as_unreadable_after_one_read(tmp_path, no_load):
    """A run whose checkpoint cannot be read must not stay "pending" (the page would read it forever)."""
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    (folder / "step_00000007.ckpt").write_bytes(b"not a checkpoint")
    assert runs.run_status(tmp_path, load=False).pending
    status = runs.run_status(tmp_path)
    assert (status.step, status.preset, status.pending) == (7, "", False)
    assert not runs.run_status(tmp_path, load=False).pending


def test_clean_removes_an_info_files_temporary(tmp_path):
    ckpts = Checkpoints(tmp_path, keep_last=1)
    ckpts.save(state(1), 1)
    stale = ckpts.folder / ".step_00000001.ckpt.json.abcd1234.tmp"  # atomic_path's name for it
    stale.write_text("{")
    assert ckpts.clean() == [stale] and (ckpts.folder / "step_00000001.ckpt.json").is_file()
