"""CPU real-time factor of the inference generator at the sovits5 preset; prints JSON.

Usage (from the repository root; or ``python -m bench.bench_generator``):
    python bench/bench_generator.py [--seconds 10 30] [--runs 3] [--threads 2]

RTF = wall seconds / audio seconds (below 1 is faster than real time). Random weights and
inputs: the cost of the network does not depend on the values. Content encoders and the
pitch tracker are not included (bench_convert measures the whole path).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

import torch

from models.config import VoiceConfig
from models.nets.discriminators import Discriminator
from models.nets.synthesizer import SynthesizerInfer, SynthesizerTrain


def _count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[10.0, 30.0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preset", default="sovits5")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    config = VoiceConfig.from_preset(args.preset)
    model = SynthesizerInfer(config).eval()
    m, a = config.model, config.audio
    result: dict = {
        "bench": "generator",
        "preset": args.preset,
        "device": "cpu",
        "threads": args.threads,
        "torch": torch.__version__,
        "machine": platform.machine(),
        "params": {
            "train_generator": _count(SynthesizerTrain(config)),
            "inference_generator": _count(model),
            "discriminator": _count(Discriminator(config.discriminator)),
        },
        "rtf": {},
    }
    gen = torch.Generator().manual_seed(0)
    for seconds in args.seconds:
        frames = int(seconds / a.frame_s)
        ppg = torch.randn(1, m.ppg_dim, frames, generator=gen)
        vec = torch.randn(1, m.vec_dim, frames, generator=gen)
        f0 = torch.full((1, frames), 220.0)
        spk = torch.nn.functional.normalize(torch.randn(1, m.spk_dim, generator=gen), dim=-1)
        times = []
        with torch.inference_mode():
            model(ppg[..., :50], vec[..., :50], f0[:, :50], spk)  # warm-up
            for _ in range(args.runs):
                start = time.perf_counter()
                model(ppg, vec, f0, spk, noise_scale=1.0)
                times.append(time.perf_counter() - start)
        result["rtf"][f"{seconds:g}s"] = {
            "median_s": round(statistics.median(times), 3),
            "rtf": round(statistics.median(times) / seconds, 4),
            "runs": args.runs,
        }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
