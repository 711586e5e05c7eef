"""Vocal separation cost (models/features/separation.py): speed, peak memory against length, and SDR.

Usage (from the repository root; or ``python -m bench.bench_separate``)::

    python bench/bench_separate.py [--speed-seconds 60] [--rss-minutes 1 10] [--threads 2]
                                   [--device cpu|cuda|both] [--rss-model full|tiny] [--out FILE.json]

What is measured (JSON on stdout, and in ``--out``):

- ``speed``: per device, wall seconds of :meth:`Separator.separate` per minute of audio
  (``s_per_min``) on ``--speed-seconds`` of a synthetic stereo 44.1 kHz song, CPU with ``--threads``
  threads, CUDA when present (after one warm-up window).
- ``peak_memory``: per device and song length (``--rss-minutes``), a fresh subprocess writes the
  song to a WAV file, builds the separator, resets the kernel's peak-RSS mark (Linux
  ``/proc/self/clear_refs``), separates file to files (the streaming path the app and the CLI use)
  and reports the peak RSS during it (``peak_mb``, model included) and, on CUDA, the peak allocated
  VRAM. ``ratio`` = longest / shortest (target: <= 1.3 for 10 min vs 1 min).
- ``sdr``: when the real htdemucs weights are located in the app's asset store, the SDR of the
  vocal stem on a mixture the bench builds (the shared real singing recordings plus an
  instrumental it renders: bass, chords, drums), else ``"not measured"`` with the reason.

Without the real weights, the speed leg runs demucs' HTDemucs at the published htdemucs shape
(channels 48, depth 4, 5 cross-transformer layers, 512 bottom channels, dconv in both branches,
7.8 s segments: 42 M parameters, the size of the 84 MB half-precision checkpoint) with random
weights: the cost of the network does not depend on its values. ``--rss-model tiny`` measures
memory with the tests' narrow model instead (the bound is a property of the streaming, not of the
model; it keeps a 10-minute run affordable on a small CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "real"
RATE = 44100
SOURCES = ["drums", "bass", "other", "vocals"]
HTDEMUCS_SHAPE = {
    "dconv_mode": 3,
    "depth": 4,
    "t_layers": 5,
    "bottom_channels": 512,
    "segment": Fraction(39, 5),
}
TINY_SHAPE = {"channels": 8, "t_layers": 1, "bottom_channels": 0, "segment": Fraction(1)}


def instrumental(seconds: float, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """(T, 2) a rendered backing: a bass line, three-note chords and a kick/hat pattern at 120 bpm."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    beat = 0.5
    roots = np.array([110.0, 87.31, 130.81, 98.0])  # A2 F2 C3 G2, one per bar
    bar = (t // (4 * beat)).astype(int) % 4
    root = roots[bar]
    bass = 0.25 * np.sin(2 * np.pi * root * t) * (1 - 0.5 * ((t % beat) / beat))
    chord = sum(np.sin(2 * np.pi * root * 2 * r * t + p) for r, p in ((1, 0), (1.26, 1), (1.5, 2)))
    chord = 0.06 * chord * (0.6 + 0.4 * np.sin(2 * np.pi * 0.25 * t))
    kick_env = np.exp(-((t % beat) * 30))
    kick = 0.5 * np.sin(2 * np.pi * 55 * (t % beat) * (1 + 2 * kick_env)) * kick_env
    hat = 0.05 * rng.standard_normal(n) * np.exp(-(((t + beat / 2) % beat) * 80))
    left = bass + chord + kick + 0.7 * hat
    right = bass + 0.8 * chord + kick + 1.3 * hat
    return np.stack([left, right], axis=1).astype(np.float32)


def synthetic_song(seconds: float, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """(T, 2): bench_convert's sung phrases (harmonic notes) over :func:`instrumental`."""
    from bench.bench_convert import song

    voice = 0.75 * song(seconds, rate, seed)
    return (instrumental(seconds, rate, seed)[: len(voice)] + voice[:, None]).astype(np.float32)


def random_model(shape: dict[str, Any]) -> Any:
    import torch
    from demucs.htdemucs import HTDemucs

    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return HTDemucs(SOURCES, **shape).eval()


def real_model_file() -> Path | None:
    """The converted real htdemucs weights when the app's asset store has the checkpoint, else None."""
    from models.features.separation import separation_model_file
    from models.formats.assets import AssetError, AssetStore
    from voicecraft_desktop.core import paths

    try:
        store = AssetStore(paths.models_cache_dir())
        if store.locate("demucs-htdemucs") is None:
            return None
        return separation_model_file(store, "htdemucs", fetch=False)
    except (AssetError, OSError):
        return None


def separator(kind: str, device: str) -> Any:
    from models.features.separation import Separator, load_separation_model

    if kind == "real":
        return Separator(load_separation_model(real_model_file()), device)
    return Separator(random_model(HTDEMUCS_SHAPE if kind == "full" else TINY_SHAPE), device)


def drive(gen: Any) -> Any:
    from models.convert.options import run_to_end

    return run_to_end(gen)


def speed(kind: str, device: str, seconds: float) -> dict[str, Any]:
    import torch

    sep = separator(kind, device)
    drive(sep.separate(synthetic_song(min(seconds, 10.0), seed=1), RATE))  # warm-up
    data = synthetic_song(seconds)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    drive(sep.separate(data, RATE))
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    wall = time.perf_counter() - start
    return {
        "device": device,
        "model": kind,
        "audio_s": seconds,
        "wall_s": round(wall, 2),
        "s_per_min": round(wall / (seconds / 60.0), 2),
    }


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory_child(kind: str, device: str, minutes: float, threads: int) -> dict[str, Any]:
    """Runs in a fresh process: writes the song, separates it file to files, reports peaks."""
    import soundfile
    import torch

    torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory() as tmp:
        song = Path(tmp) / "song.wav"
        with soundfile.SoundFile(song, "w", RATE, 2, "PCM_16") as handle:
            for i in range(int(minutes * 6)):  # 10-second blocks: the writer itself stays small
                handle.write(synthetic_song(10.0, seed=i))
        sep = separator(kind, device)
        baseline = _rss_mb()
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM: the peak from here on
        if device.startswith("cuda"):
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        info = drive(sep.separate_file(song, Path(tmp) / "vocal.wav", Path(tmp) / "backing.wav"))
        wall = time.perf_counter() - start
        out = {
            "device": device,
            "model": kind,
            "minutes": minutes,
            "frames": info.frames,
            "baseline_mb": round(baseline, 1),
            "peak_mb": round(_hwm_mb(), 1),
            "wall_s": round(wall, 1),
        }
        if device.startswith("cuda"):
            out["peak_vram_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
        return out


def peak_memory(kind: str, device: str, minutes: list[float], threads: int) -> dict[str, Any]:
    runs = []
    for m in minutes:
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_separate", "--child", kind, device, str(m), str(threads)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        if done.returncode != 0:
            runs.append(
                {"minutes": m, "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
            )
            continue
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    ok = [r for r in runs if "peak_mb" in r]
    result: dict[str, Any] = {"device": device, "model": kind, "runs": runs}
    if len(ok) >= 2:
        result["ratio"] = round(ok[-1]["peak_mb"] / ok[0]["peak_mb"], 3)
        result["within_1.3"] = result["ratio"] <= 1.3
        if "peak_vram_mb" in ok[0]:
            result["vram_ratio"] = round(ok[-1]["peak_vram_mb"] / ok[0]["peak_vram_mb"], 3)
    return result


def sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-distortion ratio in dB (the plain definition: 10 log10 |s|^2 / |s - s_hat|^2)."""
    noise = float(np.sum((reference - estimate) ** 2))
    return float(10 * np.log10(float(np.sum(reference**2)) / max(noise, 1e-12)))


def sdr_leg(device: str) -> dict[str, Any]:
    if real_model_file() is None:
        return {
            "sdr": "not measured",
            "why": "the real htdemucs weights are not in the app's asset store "
            "(no network here to download them)",
        }
    import soundfile

    from models.features.audio import resample

    sep = separator("real", device)
    out = {}
    for name in ("vocadito_10.wav", "fluidr3_choir_aahs.wav"):
        voice, rate = soundfile.read(SHARED / name, dtype="float32", always_2d=True)
        voice = resample(voice.mean(axis=1), rate, RATE)
        voice = 0.5 * voice / max(1e-6, float(np.abs(voice).max()))
        backing = instrumental(len(voice) / RATE)[: len(voice)]
        mixture = backing + voice[:, None]
        vocal, _ = drive(sep.separate(mixture, RATE))
        out[name] = {
            "vocal_sdr_db": round(sdr(voice, vocal.mean(axis=1)), 2),
            "mixture_as_estimate_sdr_db": round(sdr(voice, mixture.mean(axis=1)), 2),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed-seconds", type=float, default=60.0)
    parser.add_argument("--rss-minutes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", choices=("cpu", "cuda", "both"), default="both")
    parser.add_argument("--rss-model", choices=("full", "tiny"), default="full")
    parser.add_argument("--skip", nargs="*", default=[], choices=("speed", "memory", "sdr"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    import torch

    if args.child:
        kind, device, minutes, threads = args.child
        print(json.dumps(memory_child(kind, device, float(minutes), int(threads))))
        return 0
    torch.set_num_threads(args.threads)
    devices = ["cpu", "cuda"] if args.device == "both" else [args.device]
    devices = [d for d in devices if d == "cpu" or torch.cuda.is_available()]
    kind = "real" if real_model_file() is not None else "full"
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "threads": args.threads,
            "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        },
        "model": "htdemucs (real weights)" if kind == "real" else "htdemucs shape, random weights",
    }
    if "cuda" not in devices:
        report["cuda"] = "not measured: no CUDA device here"
    if "speed" not in args.skip:
        report["speed"] = [speed(kind, d, args.speed_seconds) for d in devices]
    if "memory" not in args.skip:
        rss_kind = kind if args.rss_model == "full" else "tiny"
        report["peak_memory"] = [peak_memory(rss_kind, d, args.rss_minutes, args.threads) for d in devices]
    if "sdr" not in args.skip:
        report["sdr"] = sdr_leg(devices[-1])
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
