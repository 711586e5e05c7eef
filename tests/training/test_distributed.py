"""Training in several processes (torch.distributed, gloo on the CPU): launch, equivalence, elastic restart.

The equivalence check: 2 processes × batch 2 for 10 steps compute what 1 process × batch 4 does
(same data order, same global batch): every step's losses and the final weights agree within 1e-5.
"Deterministic settings": one thread, deterministic algorithms, every random draw of the forward
pass off (``random_draws=False``: noise, sampling, segments, dropout; the processes would otherwise
draw other numbers than one process does), and AdamW's eps raised to 1e-3. With the recipe's eps of
1e-9 Adam turns float32 rounding of a gradient that is mathematically zero or nearly cancels (the
attention key biases, some decoder weights) into a full ±lr step, so bit-level differences of
summation order would show as 1e-4 weight differences; with eps 1e-3 the update is smooth in the
gradient, and a wrong gradient still moves weights by about lr (the controls show it).

Controls (tests/training/ddp_control_worker.py): the same 2-process run without
DistributedDataParallel (unsynchronised gradients) and with another data order; the check catches both.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from models.config import VoiceConfig
from models.formats.artifact import load_checkpoint
from models.training import train
from models.training.dataset import EpochSampler, load_clips, split_clips
from models.training.distributed import Launch, torchrun_command, worker_env
from models.training.trainer import worker_spec

from .conftest import REPO_ROOT, cli, drain, make_dataset

TOL = 1e-5
STEPS = 10
TIMEOUT_S = 600


def _config(batch: int) -> VoiceConfig:
    cfg = VoiceConfig.tiny()
    return cfg.replace(train=cfg.train.replace(batch_size=batch, eps=1e-3, eval_every=5, save_every=5))


@pytest.fixture(scope="module")
def eight_clips(tmp_path_factory):
    """Nine clips: eight train (two global batches of 4 per epoch: the order matters), one held out."""
    return make_dataset(
        tmp_path_factory.mktemp("ddp-ds"), VoiceConfig.tiny(), [1.2, 1.5, 2.0, 1.4, 1.8, 1.3, 1.7, 1.6, 1.9]
    )


@pytest.fixture
def torch_settings():
    before = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    yield
    torch.use_deterministic_algorithms(before)


# ------------------------------------------------------------------------------------- fast checks


def test_torchrun_command_one_machine():
    argv = torchrun_command(Launch(2), "/tmp/spec.json", python="py")
    assert argv == [
        "py", "-m", "torch.distributed.run", "--nproc-per-node=2", "--max-restarts=3", "--standalone",
        "-m", "models.training.distributed", "/tmp/spec.json",
    ]


def test_torchrun_command_several_machines():
    argv = torchrun_command(Launch(4, nnodes=2, node_rank=1, master_addr="10.0.0.5", master_port=1234,
                                   max_restarts=0), "s.json", python="py")
    assert "--standalone" not in argv
    for option in ("--nproc-per-node=4", "--max-restarts=0", "--nnodes=2", "--node-rank=1",
                   "--master-addr=10.0.0.5", "--master-port=1234"):
        assert option in argv
    assert argv[-3:] == ["-m", "models.training.distributed", "s.json"]
    assert Launch(4, nnodes=2).world_size == 8 and not Launch(1).distributed


@pytest.mark.parametrize("kwargs", [{"processes": 0}, {"processes": 2, "nnodes": 2, "node_rank": 2},
                                    {"processes": 2, "max_restarts": -1}])
def test_launch_rejects_impossible_layouts(kwargs):
    with pytest.raises(ValueError):
        Launch(**kwargs)


def _cli_launch(monkeypatch, tiny_dataset, tmp_path, extra):  # type: ignore[no-untyped-def]
    """Runs ``voicecraft train ... EXTRA`` in this process with the trainer replaced; returns
    (exit code, the trainer's keyword arguments or None)."""
    import models.training
    from voicecraft_desktop import cli as cli_module

    seen = {}

    def fake_train(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        raise models.training.TrainingError("stop here")
        yield  # a generator, like the trainer

    monkeypatch.setattr(models.training, "train", fake_train)
    dataset, cache = tiny_dataset
    code = cli_module.main(["train", "--voice", "v", "--preset", "tiny", "--dataset", str(dataset),
                            "--feature-cache", str(cache), "--run-dir", str(tmp_path / "run"),
                            "--no-export", *extra])
    return code, (seen or None)


def test_cli_procs_and_nodes_reach_the_trainer(monkeypatch, tiny_dataset, tmp_path):
    code, seen = _cli_launch(monkeypatch, tiny_dataset, tmp_path,
                             ["--procs", "2", "--nnodes", "2", "--node-rank", "1", "--master-addr", "10.1.2.3",
                              "--master-port", "2222", "--max-restarts", "5"])
    assert code == 1 and seen is not None  # the fake trainer's error
    assert seen["launch"] == Launch(2, 2, 1, "10.1.2.3", 2222, 5)
    assert seen["device"] == "cpu"
    code, seen = _cli_launch(monkeypatch, tiny_dataset, tmp_path, [])
    assert seen is not None and seen["launch"] is None  # one process: the plain trainer


def test_cli_gpus_without_enough_gpus_is_one_line(monkeypatch, tiny_dataset, tmp_path, capsys):
    code, seen = _cli_launch(monkeypatch, tiny_dataset, tmp_path, ["--gpus", "2", "--device", "cpu"])
    assert code == 2 and seen is None
    assert "--gpus trains on CUDA GPUs" in capsys.readouterr().err
    if not torch.cuda.is_available():
        code, seen = _cli_launch(monkeypatch, tiny_dataset, tmp_path, ["--gpus", "2"])
        assert code == 2 and seen is None


def test_cli_rejects_a_node_rank_outside_the_nodes(monkeypatch, tiny_dataset, tmp_path, capsys):
    code, seen = _cli_launch(monkeypatch, tiny_dataset, tmp_path, ["--procs", "2", "--node-rank", "1"])
    assert code == 2 and seen is None
    assert capsys.readouterr().err.count("\n") == 1


def test_shards_are_the_global_batch_padded_alike(eight_clips):
    dataset, cache = eight_clips
    cfg = _config(2)
    clips, _ = load_clips(dataset, cache, cfg)
    sampler = EpochSampler(split_clips(clips, cfg.train.val_clips)[0], cfg)
    whole, e1, p1 = sampler.batch(0, 0, 4)
    parts = [sampler.batch(0, 0, 4, shard=(r, 2)) for r in range(2)]
    assert all((e, p) == (e1, p1) for _, e, p in parts)  # the position is global
    assert sorted(whole.names) == sorted(parts[0][0].names + parts[1][0].names)
    assert parts[0][0].names == whole.names[0::2] and parts[1][0].names == whole.names[1::2]
    assert {b.ppg.shape[-1] for b, _, _ in parts} == {whole.ppg.shape[-1]}
    # an uneven tail: every process gets as many samples (DistributedSampler repeats the first)
    tail = [sampler.batch(0, 5, 4, shard=(r, 2))[0] for r in range(2)]
    assert [b.size for b in tail] == [2, 2]


# ----------------------------------------------------------------------------------- gloo runs


def _one_process(run_dir: Path, dataset: Path, cache: Path, steps: int = STEPS) -> list:
    items, _ = drain(train(run_dir, dataset, _config(4), feature_cache=cache, device="cpu", max_steps=steps,
                           random_draws=False))
    return [p for p in items if p.phase == "train"]


def _two_processes(run_dir: Path, dataset: Path, cache: Path, steps: int = STEPS) -> list:
    items, result = drain(train(run_dir, dataset, _config(2), feature_cache=cache, device="cpu",
                                max_steps=steps, launch=Launch(2, max_restarts=0), random_draws=False))
    assert result.step == steps
    return [p for p in items if p.phase == "train"]


def _control(mode: str, run_dir: Path, dataset: Path, cache: Path, tmp: Path) -> None:
    spec = worker_spec(run_dir, dataset, _config(2), torch.device("cpu"), cache, None, STEPS, False)
    spec_path = tmp / f"{mode}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    argv = torchrun_command(Launch(2, max_restarts=0), spec_path)[:-3]
    argv += [str(REPO_ROOT / "tests" / "training" / "ddp_control_worker.py"), mode, str(spec_path)]
    done = subprocess.run(argv, env=worker_env(), capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-3000:]


def _differences(a: Path, b: Path, losses_a: list | None = None, losses_b: list | None = None) -> list[str]:
    """What differs by more than TOL: per-step losses (relative above 1) and the final weights."""
    found = []
    if losses_a is not None and losses_b is not None:
        assert len(losses_a) == len(losses_b)
        for pa, pb in zip(losses_a, losses_b, strict=True):
            for key, va in pa.losses.items():
                # the gradient norms are diagnostics, not losses: float32 summation order shows in
                # them at ~1e-5 relative (they are checked at 1e-4)
                tol = 10 * TOL if key.startswith("grad_norm") else TOL
                if abs(va - pb.losses[key]) > tol * max(1.0, abs(va)):
                    found.append(f"step {pa.step} {key}: {va} vs {pb.losses[key]}")
    ca, cb = load_checkpoint(a), load_checkpoint(b)
    for part in ("model_g", "model_d"):
        assert ca[part].keys() == cb[part].keys()
        for name, tensor in ca[part].items():
            gap = float((tensor.float() - cb[part][name].float()).abs().max())
            if gap > TOL:
                found.append(f"{part}.{name}: {gap:.2e}")
    return found


@pytest.fixture(scope="module")
def runs(eight_clips, tmp_path_factory):
    """10 steps of 1 process × batch 4 and of 2 processes × batch 2 (random draws off)."""
    dataset, cache = eight_clips
    root = tmp_path_factory.mktemp("ddp-runs")
    before = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    try:
        one = _one_process(root / "one", dataset, cache)
        two = _two_processes(root / "two", dataset, cache)
    finally:
        torch.use_deterministic_algorithms(before)
    return root, one, two


@pytest.mark.slow
def test_two_processes_of_batch_2_equal_one_process_of_batch_4(runs, eight_clips, tmp_path, torch_settings):
    root, one, two = runs
    last = f"checkpoints/step_{STEPS:08d}.ckpt"
    assert [p.step for p in two] == list(range(1, STEPS + 1))
    assert [p.batch_size for p in one] == [4] * STEPS and [p.batch_size for p in two] == [2] * STEPS
    assert [p.epoch for p in one] == [p.epoch for p in two]
    diff = _differences(root / "one" / last, root / "two" / last, one, two)
    assert not diff, diff[:10]
    state = load_checkpoint(root / "two" / last)
    assert state["world_size"] == 2 and state["batch_size"] == 2
    assert not [k for k in state["model_g"] if k.startswith("module.")]  # the single-process format

    # Controls: the same check catches unsynchronised gradients and another data order.
    dataset, cache = eight_clips
    for mode in ("unsync", "order"):
        _control(mode, tmp_path / mode, dataset, cache, tmp_path)
        diff = _differences(root / "one" / last, tmp_path / mode / last)
        assert len(diff) > 10, (mode, diff)


@pytest.mark.slow
def test_only_rank_0_writes(runs):
    root, _, _ = runs
    run = root / "two"
    assert len(list((run / "tb").rglob("events.out.tfevents.*"))) == 1  # one writer (the file names its pid)
    assert not (run / "train.lock").exists()
    kept = ["best.ckpt", "step_00000005.ckpt", "step_00000010.ckpt"]  # each with its info file
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == sorted(kept + [n + ".json" for n in kept])
    assert (run / "run.json").is_file()
    assert list(run.rglob("*.wav"))  # validation audio, written once per evaluation


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["2->1", "1->2"])
def test_resume_with_another_number_of_processes(runs, eight_clips, tmp_path, direction, torch_settings):
    root, _, _ = runs
    dataset, cache = eight_clips
    source = root / ("two" if direction == "2->1" else "one")
    run = tmp_path / "run"
    shutil.copytree(source, run)
    before = load_checkpoint(run / "checkpoints" / f"step_{STEPS:08d}.ckpt")
    if direction == "2->1":
        items, result = drain(train(run, dataset, _config(4), feature_cache=cache, device="cpu",
                                    max_steps=STEPS + 2, random_draws=False))
    else:
        items, result = drain(train(run, dataset, _config(2), feature_cache=cache, device="cpu",
                                    max_steps=STEPS + 2, launch=Launch(2, max_restarts=0), random_draws=False))
    start = items[0].message or ""
    assert f"resuming from step_{STEPS:08d}.ckpt" in start
    old, new = ("2", "1") if direction == "2->1" else ("1", "2")
    assert f"trained in {old} process(es) and continues in {new}" in start
    assert result.step == STEPS + 2
    after = load_checkpoint(run / "checkpoints" / f"step_{STEPS + 2:08d}.ckpt")
    assert after["model_g"].keys() == before["model_g"].keys()
    # the data position advanced by two global batches (per-process batch × processes each)
    served = 2 * before["batch_size"] * int(new)
    n = 8
    assert (after["epoch"] * n + after["position"]) - (before["epoch"] * n + before["position"]) == served
    assert after.get("world_size", 1) == int(new)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _local_rank(pid: int) -> str | None:
    try:
        env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    if b"models.training.distributed" not in cmd:
        return None
    for item in env:
        if item.startswith(b"LOCAL_RANK="):
            return item.split(b"=", 1)[1].decode()
    return None


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the workers in /proc")
def test_kill_9_of_a_worker_restarts_the_group_from_the_last_checkpoint(eight_clips, tmp_path):
    dataset, cache = eight_clips
    run = tmp_path / "run"
    steps, every = 30, 10  # the tiny preset saves every 10 steps
    proc = cli(["train", "--voice", "ddp", "--preset", "tiny", "--dataset", str(dataset), "--feature-cache",
                str(cache), "--run-dir", str(run), "--steps", str(steps), "--procs", "2", "--max-restarts", "2",
                "--threads", "1", "--no-export"])
    seen: list[int] = []  # the newest step checkpoint, each time it changed
    killed = False
    deadline = time.monotonic() + TIMEOUT_S
    while proc.poll() is None:
        assert time.monotonic() < deadline, "the run did not finish"
        names = sorted(p.name for p in (run / "checkpoints").glob("step_*.ckpt")) if (run / "checkpoints").is_dir() else []
        if names:
            newest = int(names[-1][5:13])
            if not seen or seen[-1] != newest:
                seen.append(newest)
        if not killed and seen and seen[-1] >= every:
            ranks = {_local_rank(pid): pid for pid in _descendants(proc.pid)}
            if "1" in ranks:
                os.kill(ranks["1"], signal.SIGKILL)
                killed = True
                killed_after = seen[-1]
        time.sleep(0.05)
    out, err = proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    assert killed
    assert f"resuming from step_{killed_after:08d}.ckpt" in err or "resuming from step_" in err, err[-3000:]
    resumed = [int(line.split("(step ")[1].split(")")[0]) for line in err.splitlines() if "resuming from step_" in line]
    assert resumed and resumed[-1] >= killed_after  # restarted from the last checkpoint written
    assert seen == sorted(seen) and seen[-1] == steps  # the checkpoint sequence never went backwards
    assert (run / "checkpoints" / f"step_{steps:08d}.ckpt").is_file()
