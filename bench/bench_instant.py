"""Instant voice: seconds from "record stopped" to a playable converted phrase; prints JSON.

Usage (from the repository root; or ``python -m bench.bench_instant``)::

    python bench/bench_instant.py [--take 10] [--phrase 10] [--device cpu|cuda|both] [--threads 2]

The path timed is the app's: the take (a WAV on disk, as the Record page leaves it) is checked and
embedded (:func:`voicecraft_desktop.core.voice_making.make_instant`: levels, pitch, the reference's
LSTM speaker encoder at full size, the pretrain's inference weights read, the voice written and
verified in the library), the voice is loaded and a converter made with the content encoders already
in memory (the Convert page keeps them), and a ``--phrase``-second phrase is converted: the audio is
then ready to play. Stages are reported separately; ``first`` reads the pretrain file from disk,
``again`` has it cached in the process (the app's case for a second instant voice).

The networks are the product's classes at their real sizes with random weights (a sovits5-size
pretrain in the published format, the speaker encoder, Whisper large-v2's encoder and HuBERT as in
``bench_convert``): their cost does not depend on the values. Target (issue 15): <= 10 s on a GPU
for a 10 s phrase.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch


def _bench_convert() -> Any:
    """``bench_convert`` (its song and its real-size random extractors), however this file was started."""
    try:
        from bench import bench_convert
    except ModuleNotFoundError:  # ``python bench/bench_instant.py``: bench/ itself is on sys.path
        import bench_convert  # type: ignore[no-redef]
    return bench_convert


def take(path: Path, seconds: float, rate: int = 44100) -> Path:
    """A sung take: the benchmark song of ``bench_convert``, written as 16-bit WAV."""
    import soundfile as sf

    song = _bench_convert().song
    sf.write(path, song(seconds, rate, seed=3), rate, subtype="PCM_16")
    return path


def setup(root: Path, device: str) -> dict[str, Any]:
    """Files and models that exist before the user records: pretrain, speaker encoder, content encoders."""
    import os

    build = _bench_convert().build
    from models.config import VoiceConfig
    from models.formats.assets import AssetStore
    from voicecraft_desktop.core.demo_pretrain import write_pretrain, write_speaker_encoder

    os.environ["VOICECRAFT_HOME"] = str(root / "home")
    pretrain = write_pretrain(root / "sovits5.0.pretrain.pth", VoiceConfig.sovits5())
    encoder = write_speaker_encoder(root / "best_model.pth.tar")
    store = AssetStore(root / "cache", {"sovits5-pretrain": pretrain, "sovits5-speaker-encoder": encoder})
    extractors = build(device, "dio").extractors  # loaded once, as the app keeps them
    return {"store": store, "extractors": extractors, "pretrain_mb": pretrain.stat().st_size / 2**20}


def once(
    env: dict[str, Any], root: Path, device: str, take_s: float, phrase_s: float, name: str
) -> dict[str, Any]:
    from models.config import VoiceConfig
    from models.convert.converter import VoiceConverter
    from models.convert.options import ConvertOptions, run_to_end
    from models.features.audio import load_audio
    from voicecraft_desktop.core.library import VoiceLibrary
    from voicecraft_desktop.core.voice_making import make_instant

    recorded = take(root / f"{name}.wav", take_s)
    phrase = take(root / f"{name}-phrase.wav", phrase_s)
    library = VoiceLibrary(root / "voices")
    sync = torch.cuda.synchronize if torch.device(device).type == "cuda" else (lambda: None)
    t0 = time.perf_counter()  # record stopped: the take is on disk
    entry = run_to_end(
        make_instant([recorded], name, library, env["store"], device=device, config=VoiceConfig.sovits5())
    )
    t1 = time.perf_counter()
    voice = library.load(entry, device)
    converter = VoiceConverter(voice, env["extractors"], device)
    t2 = time.perf_counter()
    wave, rate = load_audio(phrase)
    result = run_to_end(converter.convert(wave, rate, ConvertOptions(report=False, f0_method="dio")))
    sync()
    t3 = time.perf_counter()
    assert np.isfinite(result.audio).all() and abs(len(result.audio) - phrase_s * 32000) <= 320
    return {
        "total_s": round(t3 - t0, 3),
        "instant_voice_s": round(t1 - t0, 3),
        "load_voice_s": round(t2 - t1, 3),
        "convert_s": round(t3 - t2, 3),
        "convert_stages_s": {k: round(v, 3) for k, v in result.timings.items()},
    }


def leg(device: str, take_s: float, phrase_s: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        t = time.perf_counter()
        env = setup(root, device)
        setup_s = time.perf_counter() - t
        first = once(env, root, device, take_s, phrase_s, "first")
        again = once(env, root, device, take_s, phrase_s, "again")
    return {
        "device": device,
        "setup_s (not timed: models present before recording)": round(setup_s, 1),
        "pretrain_mb": round(env["pretrain_mb"], 1),
        "first": first,
        "again": again,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--take", type=float, default=10.0, help="seconds of the recorded take")
    parser.add_argument("--phrase", type=float, default=10.0, help="seconds of the phrase converted")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "both"])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    devices = ["cpu", "cuda"] if args.device == "both" else [args.device]
    legs = []
    for device in devices:
        if device == "cuda" and not torch.cuda.is_available():
            legs.append({"device": "cuda", "skipped": "no CUDA device"})
            continue
        legs.append(leg(device, args.take, args.phrase))
    out = {
        "bench": "instant",
        "take_s": args.take,
        "phrase_s": args.phrase,
        "threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "target_gpu_total_s": 10.0,
        "legs": legs,
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
