"""Hostile conditions for ``voicecraft train`` (issue 20): a full disk during a checkpoint write, an
unwritable run folder, a missing dataset, a punctuation-only name, no CUDA. Each ends in one clear
line, never a traceback, and leaves the complete checkpoints in place."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from voicecraft_desktop import cli

from .conftest import REPO_ROOT


def _args(tiny_dataset, name="Hostile", *extra):
    dataset, cache = tiny_dataset
    return ["train", "--voice", name, "--preset", "tiny", "--dataset", str(dataset), "--feature-cache",
            str(cache), "--device", "cpu", "--no-export", *extra]


def test_disk_full_during_a_checkpoint_write_is_one_line_and_keeps_the_last_checkpoint(
    tiny_dataset, tmp_home
):
    """RLIMIT_FSIZE makes every write past the limit fail with EFBIG (Python ignores SIGXFSZ), as a
    full disk would fail it: the first checkpoint fits, a later one does not."""
    run_dir = tmp_home / "data" / "runs" / "hostile"
    assert cli.main([*_args(tiny_dataset), "--steps", "1"]) == 0
    size = (run_dir / "checkpoints" / "step_00000001.ckpt").stat().st_size

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size // 2, size // 2))

    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-m", "voicecraft_desktop.cli", *_args(tiny_dataset), "--steps", "2"],
        cwd=REPO_ROOT, env=env, preexec_fn=limit, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and "kept" in last, done.stderr
    assert "disk full" in last or "too large" in last, done.stderr
    names = sorted(p.name for p in (run_dir / "checkpoints").iterdir())
    kept = ["best.ckpt", "step_00000001.ckpt"]  # each with its info file
    assert names == sorted(kept + [n + ".json" for n in kept]), "no half-written file, the old one intact"
    assert not (run_dir / "train.lock").exists()
    assert cli.main([*_args(tiny_dataset), "--steps", "2"]) == 0, "the next run resumes"


def test_unwritable_run_folder_missing_dataset_and_punctuation_name(tiny_dataset, tmp_home, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = cli.main([*_args(tiny_dataset), "--steps", "1", "--run-dir", str(blocker / "run")])
    err = capsys.readouterr().err
    assert code in (1, 2) and "cannot write the run folder" in err and "Traceback" not in err, err
    dataset, cache = tiny_dataset
    code = cli.main(["train", "--voice", "!!!", "--preset", "tiny", "--steps", "1", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 2 and "no prepared dataset" in err, err
    assert not (tmp_home / "data" / "runs").exists()


def test_cuda_without_cuda_is_one_line_and_creates_nothing(tiny_dataset, tmp_home, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    args = [a if a != "cpu" else "cuda" for a in _args(tiny_dataset)]
    code = cli.main([*args, "--steps", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "CUDA is not available" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_home / "data" / "runs").exists()


def test_a_name_that_only_shares_the_folder_never_trains_another_voices_data(tiny_dataset, tmp_home, capsys):
    """'!!!' and '' fall back to the folder name 'voice'; the dataset there is the voice 'test''s."""
    import shutil

    dataset, cache = tiny_dataset
    shutil.copytree(dataset, tmp_home / "data" / "datasets" / "voice")
    shutil.copytree(dataset, tmp_home / "data" / "datasets" / "test")
    base = ["train", "--preset", "tiny", "--steps", "1", "--device", "cpu", "--feature-cache", str(cache)]
    assert cli.main([*base, "--voice", "!!!"]) == 2
    err = capsys.readouterr().err
    assert "holds the dataset of the voice 'test', not '!!!'" in err, err
    assert cli.main([*base, "--voice", "  "]) == 2
    assert "cannot be empty" in capsys.readouterr().err
    assert not (tmp_home / "data" / "runs").exists()
