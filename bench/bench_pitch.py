"""Pitch accuracy and CPU cost of every extractor on synthetic singing with exact F0; prints JSON.

Usage (from the repository root; or ``python -m bench.bench_pitch``):
    python bench/bench_pitch.py [--data ../shared/data/synth] [--methods crepe-tiny fcpe ...]
       [--limit-seconds 20] [--threads 2]

Scores over frames that are voiced in the ground truth (a 5 ms contour, taken every other
frame to match our 10 ms grid): raw pitch accuracy (estimate within 50 cents; a frame the
extractor calls unvoiced counts as a miss), octave errors (within 100 cents of ±1200),
voicing recall, and false-voicing rate on truly unvoiced frames. ``cpu_s_per_audio_s`` is
process CPU time (all threads) per second of audio, after one warm-up call that loads the
network. ``--limit-seconds`` caps the audio given to slow extractors (crepe-full on a CPU).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from models.features.audio import load_audio
from models.features.pitch import PITCH_EXTRACTORS, create_pitch_extractor

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "synth"
SLOW_ON_CPU = {"crepe-full": 12.0}  # seconds of audio crepe-full gets by default on a CPU


def score(f0: np.ndarray, truth_5ms: np.ndarray) -> dict[str, int]:
    truth = truth_5ms[::2][: len(f0)]
    est = f0[: len(truth)]
    voiced, est_voiced = truth > 0, est > 0
    cents = np.full(len(truth), np.inf)
    both = voiced & est_voiced
    cents[both] = 1200 * np.abs(np.log2(est[both] / truth[both]))
    return {"voiced": int(voiced.sum()), "hits": int(np.sum(voiced & (cents < 50))),
            "octave": int(np.sum(voiced & (np.abs(cents - 1200) < 100))), "recall": int(both.sum()),
            "unvoiced": int((~voiced).sum()), "false_voiced": int(np.sum(~voiced & est_voiced))}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--methods", nargs="+", default=sorted(PITCH_EXTRACTORS))
    parser.add_argument("--limit-seconds", type=float, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    files = sorted(args.data.glob("*/p*.wav"))
    if not files:
        raise SystemExit(f"no test audio under {args.data}")
    clips = [(f.relative_to(args.data).as_posix(), load_audio(f, 16000)[0], np.load(f.with_suffix(".f0.npy")))
             for f in files]
    results: dict[str, dict] = {}
    for method in args.methods:
        extractor = create_pitch_extractor(method, device=args.device)
        extractor.extract(clips[0][1][:16000])  # load the network outside the timing
        limit = args.limit_seconds
        if limit is None and args.device == "cpu":
            limit = SLOW_ON_CPU.get(method)
        totals = dict.fromkeys(["voiced", "hits", "octave", "recall", "unvoiced", "false_voiced"], 0)
        audio_s = cpu_s = 0.0
        used = []
        for name, wave, truth in clips:
            if limit is not None and audio_s >= limit:
                break
            start = time.process_time()
            track = extractor.extract(wave)
            cpu_s += time.process_time() - start
            audio_s += len(wave) / 16000
            used.append(name)
            for k, v in score(track.f0_hz, truth).items():
                totals[k] += v
        results[method] = {
            "raw_pitch_accuracy_50c": round(totals["hits"] / totals["voiced"], 4),
            "octave_error_rate": round(totals["octave"] / totals["voiced"], 4),
            "voicing_recall": round(totals["recall"] / totals["voiced"], 4),
            "false_voicing_rate": round(totals["false_voiced"] / max(1, totals["unvoiced"]), 4),
            "cpu_s_per_audio_s": round(cpu_s / audio_s, 4),
            "audio_s": round(audio_s, 2), "clips": len(used), "voiced_frames": totals["voiced"],
        }
    report = {"bench": "pitch", "data": str(args.data), "device": args.device, "threads": args.threads,
              "machine": platform.machine(), "torch": torch.__version__, "results": results}
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
