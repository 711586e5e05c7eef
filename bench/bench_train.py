"""Training speed and peak memory of one step of the reference recipe; prints JSON.

Usage (from the repository root; or ``python -m bench.bench_train``):
    python bench/bench_train.py [--preset sovits5] [--batch 1 4] [--steps 2] [--threads 2]
                                [--device cpu cuda] [--clip-s 4.0] [--gpus N]

Each (device, batch) is measured in a fresh subprocess, so peak memory belongs to that
configuration alone: CPU peak = the process's maximum resident set (ru_maxrss); GPU peak =
``torch.cuda.max_memory_allocated``. A step here is one generator update on one batch
(``accum_steps`` 1): the full :meth:`models.training.engine.Engine.step` — generator forward,
every loss, discriminator step, generator step — on random features of ``clip-s`` seconds per
item (the reference's 4 s crops) with a 0.25 s decoder segment. Precision is the trainer's
``auto`` choice (fp32 on CPU, bf16 or fp16 on CUDA). The first ``--warmup`` steps are not timed.

``--gpus N`` (N > 1) adds the distributed leg for each device: the same step in N processes under
torchrun (DistributedDataParallel, gloo on the CPU, nccl on CUDA; ``batch`` per process, as the
trainer does), timed on rank 0. ``scaling_efficiency`` = (N × batch / step time with N processes)
/ (N × batch / step time of one process) = one process's step time / N processes' step time
(1.0: perfect). On the CPU the N processes share the machine's cores (``--threads`` each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch


def _one(
    preset: str, batch: int, steps: int, warmup: int, threads: int, device_name: str, clip_s: float,
    distributed: bool = False,
) -> dict:
    from models.config import VoiceConfig
    from models.features.spectral import linear_spectrogram
    from models.training.dataset import Batch
    from models.training.engine import Engine, resolve_precision

    torch.set_num_threads(threads)
    device = torch.device(device_name)
    dist = None
    if distributed:
        from models.training.distributed import join_group

        dist = join_group(device.type)
        device = dist.device
    config = VoiceConfig.from_preset(preset)
    config = config.replace(train=config.train.replace(batch_size=batch, accum_steps=1))
    precision, _ = resolve_precision("auto", device)
    torch.manual_seed(0)
    engine = Engine(config, device, precision, dist=dist)
    a, m = config.audio, config.model
    frames = int(clip_s / a.frame_s)
    gen = torch.Generator().manual_seed(0)
    t = torch.arange(frames * a.hop_length) / a.sample_rate
    wave = (0.3 * torch.sin(2 * torch.pi * 220.0 * t)).expand(batch, -1).contiguous()
    wave = wave + 0.01 * torch.randn(wave.shape, generator=gen)
    data = Batch(
        ppg=torch.randn(batch, m.ppg_dim, frames, generator=gen),
        vec=torch.randn(batch, m.vec_dim, frames, generator=gen),
        f0=torch.full((batch, frames), 220.0),
        spec=linear_spectrogram(wave, a),
        wave=wave.unsqueeze(1),
        spk=torch.nn.functional.normalize(torch.randn(batch, m.spk_dim, generator=gen)),
        lengths=torch.full((batch,), frames, dtype=torch.long),
    )
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    for i in range(warmup + steps):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        losses = engine.step([data])
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    result = {
        "device": device_name,
        "batch": batch,
        "precision": precision.name,
        "s_per_step": round(statistics.median(times), 3),
        "steps_timed": steps,
        "items_per_s": round(batch / statistics.median(times), 3),
        "loss_finite": all(v == v and abs(v) != float("inf") for v in losses.values()),
    }
    if device.type == "cuda":
        result["peak_gpu_mib"] = round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
        result["gpu"] = torch.cuda.get_device_name(device)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if dist is not None:
        result["processes"] = dist.world_size
        result["items_per_s"] = round(batch * dist.world_size / statistics.median(times), 3)
        torch.distributed.destroy_process_group()
    return result


def _distributed(cmd: list[str], processes: int, single: dict) -> dict:
    """The configuration of ``cmd`` in ``processes`` processes under torchrun, with its scaling
    efficiency against ``single`` (the same configuration in one process)."""
    from models.training.distributed import worker_env

    device = cmd[cmd.index("--device") + 1]
    if device.startswith("cuda") and torch.cuda.device_count() < processes:
        return {"device": device, "processes": processes,
                "error": f"not measured: {torch.cuda.device_count()} GPU(s) visible"}
    argv = [cmd[0], "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={processes}",
            "--max-restarts=0", *cmd[1:], "--ddp"]
    done = subprocess.run(argv, capture_output=True, text=True, env=worker_env())
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"device": device, "processes": processes, "error": tail[0]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if "s_per_step" in single and result["s_per_step"]:
        result["scaling_efficiency"] = round(single["s_per_step"] / result["s_per_step"], 3)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="sovits5")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", nargs="+", default=None, help="default: cpu, plus cuda when available")
    parser.add_argument("--clip-s", type=float, default=4.0)
    parser.add_argument("--gpus", type=int, default=1,
                        help="also time the step in N processes (torch.distributed; CPU: N processes)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # internal: one configuration
    parser.add_argument("--ddp", action="store_true", help=argparse.SUPPRESS)  # internal: a torchrun worker
    args = parser.parse_args(argv)
    if args.one:
        result = _one(
            args.preset, args.batch[0], args.steps, args.warmup, args.threads, args.device[0], args.clip_s,
            distributed=args.ddp,
        )
        if not args.ddp or int(os.environ.get("RANK", "0")) == 0:
            print(json.dumps(result))
        return result
    devices = args.device or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    report: dict = {
        "bench": "train_step",
        "preset": args.preset,
        "clip_s": args.clip_s,
        "threads": args.threads,
        "torch": torch.__version__,
        "machine": platform.machine(),
        "runs": [],
    }
    if "cuda" not in devices:
        report["gpu"] = "not measured: no CUDA device" if not torch.cuda.is_available() else "not requested"
    for device in devices:
        for batch in args.batch:
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),  # this script, however it was started (file or -m)
                "--one",
                "--preset",
                args.preset,
                "--batch",
                str(batch),
                "--steps",
                str(args.steps),
                "--warmup",
                str(args.warmup),
                "--threads",
                str(args.threads),
                "--device",
                device,
                "--clip-s",
                str(args.clip_s),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
                report["runs"].append({"device": device, "batch": batch, "error": tail[0]})
            else:
                report["runs"].append(json.loads(done.stdout.strip().splitlines()[-1]))
            if args.gpus > 1:
                report["runs"].append(_distributed(cmd, args.gpus, report["runs"][-1]))
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
