"""End-to-end conversion cost at the sovits5 preset with real-size random-weight extractors; prints JSON.

Usage (from the repository root; or ``python -m bench.bench_convert``)::

    python bench/bench_convert.py [--lengths 10 30 180] [--rss-lengths 60 600] [--threads 2]
                                  [--device cpu|cuda|both] [--f0 fcpe] [--chunk 15]
                                  [--speed exact fast] [--report]

``--speed exact fast`` converts every length both ways in turn in one process (interleaved, so a
changing machine load hits both alike) and reports ``fast_over_exact`` (whole RTF ratio per length);
``--report`` adds the quality-report stage. On CUDA the fast path is the GPU leg (Whisper fp16 as
on the exact path, the shortened Whisper window, the folded and fused generator).

What is measured:

- ``rtf``: wall seconds / audio seconds of :meth:`models.convert.converter.VoiceConverter.convert` (pitch,
  content features, chunked synthesis; no quality report), per input length, with the per-stage
  split (``features`` = pitch + content, ``synthesis``). ``per_second_ratio`` compares the
  longest length with the shortest (target: <= 1.1, i.e. cost per second flat with length).
- ``peak_rss``: for each ``--rss-lengths``, a fresh subprocess builds the same models, resets the
  kernel's peak-RSS mark (Linux ``/proc/self/clear_refs``; building the models has a higher
  transient peak that would otherwise hide the conversion's), converts once and reports the peak
  RSS during the conversion (``peak_mb``, models included), the RSS before it (``baseline_mb``)
  and the construction peak. ``ratio`` = longest / shortest ``peak_mb`` (target: <= 1.3 for 10 min
  vs 1 min).

The extractors are the product's classes at their real sizes with random weights (Whisper
large-v2's encoder, 24 of 32 blocks, inside ``WhisperPPG``; a HuBERT-base ``HubertUnits`` with
hubert-soft's 256-d projection; FCPE with its shipped weights), and the generator is a random
``SynthesizerInfer`` at the sovits5 preset: the cost of the networks does not depend on the
values. Input: synthetic sung phrases at 44.1 kHz (resampling is part of the measured path).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch


def song(seconds: float, rate: int = 44100, seed: int = 0) -> np.ndarray:
    """Notes of 0.3-1.2 s between 150 and 400 Hz separated by short gaps, 8 harmonics."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    f0 = np.zeros(n)
    i = 0
    while i < n:
        length, gap = int(rng.uniform(0.3, 1.2) * rate), int(rng.uniform(0.05, 0.3) * rate)
        f0[i : i + length] = rng.uniform(150, 400)
        i += length + gap
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = sum(np.sin(k * phase) / k for k in range(1, 9)) * (f0 > 0)
    return (0.4 * x / max(1e-9, np.max(np.abs(x)))).astype(np.float32)


def build(device: str, f0: str) -> Any:
    """A converter with real-size random-weight extractors and a random sovits5 generator."""
    from transformers import HubertConfig, HubertModel
    from whisper.model import AudioEncoder

    from models.config import VoiceConfig
    from models.convert.converter import VoiceConverter
    from models.convert.extractors import Extractors
    from models.features.content.hubert_encoder import HubertUnits
    from models.features.content.whisper_encoder import DROP_FRACTION, WhisperPPG
    from models.features.pitch import create_pitch_extractor
    from models.formats.artifact import F0Stats, Voice, VoiceManifest
    from models.nets.synthesizer import SynthesizerInfer

    torch.manual_seed(0)
    encoder = AudioEncoder(n_mels=80, n_ctx=1500, n_state=1280, n_head=20, n_layer=32)  # large-v2 dims
    encoder.blocks = encoder.blocks[: len(encoder.blocks) - len(encoder.blocks) // DROP_FRACTION]
    encoder = encoder.eval().to(device)
    if torch.device(device).type == "cuda":
        encoder = encoder.half()
    ppg = WhisperPPG(encoder, 80, "whisper-large-v2", device)
    vec = HubertUnits(
        HubertModel(HubertConfig()).eval(), "hubert-soft", torch.nn.Linear(768, 256), None, device
    )
    config = VoiceConfig.sovits5()
    generator = SynthesizerInfer(config).eval()
    manifest = VoiceManifest(
        name="bench",
        config=config,
        speaker=np.full(256, 1 / 16, np.float32),
        f0_stats=F0Stats.from_f0(np.full(10, 220.0)),
    )
    voice = Voice(manifest, None, generator)  # type: ignore[arg-type]
    extractors = Extractors(pitch=create_pitch_extractor(f0, config.pitch, device), ppg=ppg, vec=vec)
    return VoiceConverter(voice, extractors, device)


STAGES = ("pitch", "content", "synthesis", "post", "report")


def convert_once(
    converter: Any, seconds: float, chunk: float, speed: str = "exact", report: bool = False
) -> dict[str, Any]:
    """One conversion; ``rtf`` excludes the quality report (as before issue 18), ``whole_rtf``
    includes it when ``report``; ``stages_rtf`` splits it per stage."""
    from models.convert.options import ConvertOptions, run_to_end

    wave = song(seconds)
    if converter.device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    options = ConvertOptions(report=report, chunk_s=chunk, speed=speed)
    result = run_to_end(converter.convert(wave, 44100, options))
    if converter.device.type == "cuda":
        torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    assert abs(len(result.audio) - round(seconds * 32000)) <= 320
    t = result.timings
    report_s = t.get("report", 0.0)
    return {
        "seconds": seconds,
        "speed": speed,
        "wall_s": round(wall, 2),
        "rtf": round((wall - report_s) / seconds, 4),
        "whole_rtf": round(wall / seconds, 4),
        "features_rtf": round((t["pitch"] + t["content"]) / seconds, 4),
        "synthesis_rtf": round(t["synthesis"] / seconds, 4),
        "stages_rtf": {s: round(t[s] / seconds, 4) for s in STAGES if s in t},
        "notes": [n for n in result.notes if "fast path" in n],
    }


def rtf_section(device: str, lengths: list[float], args: argparse.Namespace) -> dict[str, Any]:
    """Each length converted at every ``--speed`` in turn (interleaved: exact, fast, exact, fast...,
    so a changing machine load hits both alike); ratios fast / exact per length."""
    converter = build(device, args.f0)
    for speed in args.speed:  # warm-up (lazy loads, allocator, kernels; the fast path's copies)
        convert_once(converter, min(lengths), args.chunk, speed, args.report)
    runs = [
        convert_once(converter, s, args.chunk, speed, args.report) for s in lengths for speed in args.speed
    ]
    section: dict[str, Any] = {"device": device, "runs": runs}
    for speed in args.speed:
        mine = [r for r in runs if r["speed"] == speed]
        first, last = mine[0], mine[-1]
        section[f"per_second_ratio_{speed}"] = round(last["rtf"] / first["rtf"], 3)
        synthesis_ratio = last["synthesis_rtf"] / first["synthesis_rtf"]
        section[f"synthesis_per_second_ratio_{speed}"] = round(synthesis_ratio, 3)
    if {"exact", "fast"} <= set(args.speed):
        section["fast_over_exact"] = {
            str(s): round(
                next(r["whole_rtf"] for r in runs if r["seconds"] == s and r["speed"] == "fast")
                / next(r["whole_rtf"] for r in runs if r["seconds"] == s and r["speed"] == "exact"),
                3,
            )
            for s in lengths
        }
    return section


def _maxrss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def _status_mb(field: str) -> float | None:
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Linux: writing 5 to clear_refs resets the peak RSS (VmHWM), so the conversion's own peak is
    not hidden by the higher transient peak of building the models."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def rss_child(seconds: float, args: argparse.Namespace) -> None:
    """Runs in a fresh process: build, reset the peak, convert once, print RSS figures as JSON."""
    import gc

    torch.set_num_threads(args.threads)
    converter = build("cpu", args.f0)
    gc.collect()
    build_peak = _maxrss_mb()
    reset = _reset_peak()
    baseline = _status_mb("VmRSS") if reset else build_peak
    run = convert_once(converter, seconds, args.chunk, args.speed[0], args.report)
    peak = _status_mb("VmHWM") if reset else _maxrss_mb()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "speed": args.speed[0],
                "build_peak_mb": round(build_peak, 1),
                "baseline_mb": round(baseline or 0.0, 1),
                "peak_mb": round(peak or 0.0, 1),
                "peak_is_conversion_only": reset,
                "wall_s": run["wall_s"],
            }
        )
    )


def rss_section(lengths: list[float], args: argparse.Namespace) -> dict[str, Any]:
    rows = []
    for seconds, speed in [(s, sp) for s in lengths for sp in args.speed]:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),  # this script, however it was started (file or -m)
            "--rss-child",
            str(seconds),
            "--threads",
            str(args.threads),
            "--f0",
            args.f0,
            "--chunk",
            str(args.chunk),
            "--speed",
            speed,
            *(["--report"] if args.report else []),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            rows.append({"seconds": seconds, "speed": speed, "error": out.stderr.strip().splitlines()[-1:]})
            continue
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    ok = [r for r in rows if "peak_mb" in r and r["speed"] == args.speed[0]]
    ratio = round(ok[-1]["peak_mb"] / ok[0]["peak_mb"], 3) if len(ok) >= 2 else None
    return {"peak_rss": rows, "ratio": ratio}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=float, nargs="*", default=[10.0, 30.0, 180.0])
    parser.add_argument("--rss-lengths", type=float, nargs="*", default=[60.0, 600.0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--device",
        choices=("cpu", "cuda", "both"),
        default="both",
        help="both = CPU, and CUDA when available",
    )
    parser.add_argument("--f0", default="fcpe")
    parser.add_argument("--chunk", type=float, default=10.0)
    parser.add_argument(
        "--speed", nargs="+", choices=("exact", "fast"), default=["exact"], help="conversion paths to compare"
    )
    parser.add_argument("--report", action="store_true", help="include the quality report stage")
    parser.add_argument("--rss-child", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child is not None:
        rss_child(args.rss_child, args)
        return {}
    torch.set_num_threads(args.threads)
    result: dict[str, Any] = {
        "benchmark": "convert",
        "preset": "sovits5",
        "threads": args.threads,
        "f0": args.f0,
        "chunk_s": args.chunk,
        "torch": torch.__version__,
        "machine": platform.processor() or platform.machine(),
        "lengths_s": args.lengths,
        "rss_lengths_s": args.rss_lengths,
        "speeds": args.speed,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "targets": {
            "per_second_ratio_max": 1.1,
            "rss_ratio_max": 1.3,
            "fast_whole_rtf_max": {"10": 0.8, "30": 0.6},
        },
    }
    if args.lengths:
        if args.device in ("cpu", "both"):
            result["cpu"] = rtf_section("cpu", args.lengths, args)
        if args.device == "cuda" or (args.device == "both" and torch.cuda.is_available()):
            result["cuda"] = rtf_section("cuda", args.lengths, args)
        elif args.device == "both":
            result["cuda"] = "not available on this machine"
    if args.rss_lengths:
        result["rss_cpu"] = rss_section(args.rss_lengths, args)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
