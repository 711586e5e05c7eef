"""Quality of a voice trained from scratch on the shared synthetic singers (real Whisper-base PPG); prints JSON.

Usage (from the repository root; or ``python -m bench.bench_quality``)::

    python bench/bench_quality.py [--minutes 15] [--preset tiny] [--device cpu] [--threads 2]
                                  [--shared PATH] [--whisper base.pt] [--work DIR] [--out FILE]

What it does, inside a time box of ``--minutes`` (training gets what preparation leaves, minus a
reserve for conversion and scoring):

1. a dataset of the target singer (``s2_en_f2``, female, A3-D5: phrases p00-p07 of
   ``shared/data/synth``) prepared the way ``voicecraft prepare`` prepares one: pitch (harvest),
   PPG from real Whisper **base** (``shared/tools/whisper-base.sh`` builds ``base.pt`` offline; 512-d),
   units from a random-weight HuBERT of width 64 (no real HuBERT weights can be had offline: these
   carry timbre and some content, not phonetic units), resemblyzer speaker vectors;
2. training from scratch at ``--preset`` until the time box (the trainer's own cancel: a checkpoint);
3. export, then conversion of the other singer's phrases (``s5_it_m7``, male, p00-p02) into the
   trained voice with a whole-octave automatic key (the converter's ``auto_key="octaves"``);
4. scores: **F0 error in cents** of the output (harvest on the converted audio) against the
   *known* F0 of the source phrases (the ``.f0.npy`` given to the vocoder) shifted by the key, over
   frames voiced in both (median and mean of |error|, and the share within 50 cents); **speaker
   similarity** (resemblyzer cosine) of the output to the target singer's average vector and to
   the source singer's (``target_minus_source`` > 0: the output sounds more like the target).

The shared folder is found beside the repository (``<repo>/../shared``) or given with ``--shared``.
``scripts/gpu_check.sh`` runs the same leg on CUDA with ``--preset sovits5``.
"""

from __future__ import annotations

import argparse
import json
import platform
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
TARGET, SOURCE = "s2_en_f2", "s5_it_m7"
TRAIN_PHRASES, CONVERT_PHRASES = 8, 3
RESERVE_S = {"cpu": 120.0, "cuda": 45.0}  # conversion and scoring after training


def _shared(path: str | None) -> Path:
    shared = Path(path) if path else REPO.parent / "shared"
    if not (shared / "data" / "synth" / TARGET).is_dir():
        raise SystemExit(f"{shared}: no shared test data here (data/synth/{TARGET}); pass --shared PATH")
    return shared


def _whisper(shared: Path, given: str | None, work: Path) -> Path:
    if given:
        return Path(given)
    import subprocess
    import sys

    tool = shared / "tools" / "whisper-base.sh"
    done = subprocess.run(["bash", str(tool), str(work / "whisper-base"), sys.executable],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tool}: {(done.stderr.strip().splitlines() or ['failed'])[-1]}")
    return Path(done.stdout.strip().splitlines()[-1])


def _extractors(whisper: Path, work: Path, device: str) -> dict[str, Any]:
    from models.features.content.hubert_encoder import HubertUnits
    from models.features.content.whisper_encoder import WhisperPPG
    from models.features.pitch import create_pitch_extractor
    from models.features.speaker import SpeakerEncoder
    from models.formats.tiny_assets import write_tiny_hubert_folder

    folder = work / "hubert-random"
    if not (folder / "config.json").is_file():
        write_tiny_hubert_folder(folder, seed=2)
    return {
        "pitch": create_pitch_extractor("harvest"),
        "ppg": WhisperPPG.from_checkpoint(whisper, "whisper-base", device),
        "vec": HubertUnits.from_pretrained(folder, "hubert-transformers", None, device),
        "speaker": SpeakerEncoder(device),
    }


def _prepare(shared: Path, work: Path, ex: dict[str, Any]) -> tuple[Path, Path]:
    """The target singer's training phrases as a prepared dataset (manifest, clips, features, speaker)."""
    from models.config import AudioConfig
    from models.features.audio import load_audio, save_wav
    from models.features.clip import FeaturePipeline, extract_dataset
    from models.features.preprocess import Clip, DatasetReport, write_manifest

    dataset, cache = work / "dataset", work / "features"
    (dataset / "clips").mkdir(parents=True, exist_ok=True)
    report = DatasetReport(voice="bench-quality", source_dir=str(shared / "data" / "synth" / TARGET))
    for i in range(TRAIN_PHRASES):
        wave, _ = load_audio(shared / "data" / "synth" / TARGET / f"p{i:02d}.wav", 32000)
        name = f"clips/p{i:02d}.wav"
        save_wav(dataset / name, wave, 32000)
        report.clips.append(Clip(name, f"p{i:02d}.wav", 0.0, len(wave) / 32000, 32000, 1))
    write_manifest(dataset, report)
    pipeline = FeaturePipeline(pitch=ex["pitch"], ppg=ex["ppg"], vec=ex["vec"], speaker=ex["speaker"],
                               cache_dir=cache, audio=AudioConfig())
    gen = extract_dataset(pipeline, [dataset / c.file for c in report.clips])
    while True:
        try:
            next(gen)
        except StopIteration as done:
            speaker = done.value
            break
    (dataset / "features.json").write_text(json.dumps(pipeline.describe()), encoding="utf-8")
    if speaker is not None:
        np.save(dataset / "speaker.npy", np.asarray(speaker, np.float32), allow_pickle=False)
    return dataset, cache


def _singer_vector(shared: Path, singer: str, phrases: range, speaker: Any) -> np.ndarray:
    from models.features.audio import load_audio

    vectors = [speaker.embed(load_audio(shared / "data" / "synth" / singer / f"p{i:02d}.wav", 16000)[0])
               for i in phrases]
    return speaker.average(vectors)


def _cents(shared: Path, phrase: int, key: float, output: np.ndarray, pitch: Any) -> np.ndarray:
    """|cents| between the output's F0 and the source phrase's known F0 shifted by ``key``."""
    from models.features.audio import resample

    known = np.load(shared / "data" / "synth" / SOURCE / f"p{phrase:02d}.f0.npy").astype(np.float64)
    known = known[::2]  # 5 ms hop -> the 10 ms frames of the extractors
    got = pitch.extract(resample(output, 32000, 16000)).f0_hz.astype(np.float64)
    n = min(len(known), len(got))
    want, got = known[:n] * 2 ** (key / 12), got[:n]
    both = (want > 0) & (got > 0)
    return np.abs(1200 * np.log2(got[both] / want[both]))


def run(args: argparse.Namespace) -> dict[str, Any]:
    from models.config import VoiceConfig
    from models.convert.converter import VoiceConverter
    from models.convert.extractors import Extractors
    from models.convert.options import ConvertOptions, run_to_end
    from models.features.audio import load_audio, resample
    from models.formats.artifact import load_voice
    from models.training import export_voice, train
    from models.training.determinism import configure_torch

    started = time.monotonic()
    deadline = started + args.minutes * 60
    configure_torch(args.threads, device=args.device)
    shared = _shared(args.shared)
    work = Path(args.work) if args.work else Path.home() / ".cache" / "voicecraft-bench" / "quality"
    work.mkdir(parents=True, exist_ok=True)
    run_dir = work / f"run-{int(time.time())}"
    ex = _extractors(_whisper(shared, args.whisper, work), work, args.device)
    dataset, cache = _prepare(shared, work, ex)
    prepared_s = time.monotonic() - started

    config = VoiceConfig.from_preset(args.preset)
    config = config.replace(train=config.train.replace(
        max_steps=10_000_000, save_every=10_000_000, eval_every=10_000_000, val_clips=0,
        batch_size=args.batch or config.train.batch_size))
    cancel = threading.Event()
    gen = train(run_dir, dataset, config, feature_cache=cache, device=args.device, cancel=cancel)
    step, losses, first_mel = 0, {}, None
    for progress in gen:
        step, losses = progress.step, dict(progress.losses) or losses
        if first_mel is None and "mel" in progress.losses:
            first_mel = progress.losses["mel"]
        if time.monotonic() > deadline - RESERVE_S.get(torch.device(args.device).type, 120.0):
            cancel.set()
    train_s = time.monotonic() - started - prepared_s

    voice_dir = export_voice(run_dir, work / f"voice-{run_dir.name}", "bench-quality")
    voice = load_voice(voice_dir, args.device)
    converter = VoiceConverter(voice, Extractors(pitch=ex["pitch"], ppg=ex["ppg"], vec=ex["vec"]), args.device)
    target_vec = _singer_vector(shared, TARGET, range(TRAIN_PHRASES), ex["speaker"])
    source_vec = _singer_vector(shared, SOURCE, range(CONVERT_PHRASES), ex["speaker"])
    cents, sim_target, sim_source, keys = [], [], [], []
    for i in range(CONVERT_PHRASES):
        wave, rate = load_audio(shared / "data" / "synth" / SOURCE / f"p{i:02d}.wav")
        result = run_to_end(converter.convert(wave, rate, ConvertOptions(
            auto_key="octaves", f0_method="harvest", report=False, seed=i)))
        keys.append(result.key)
        cents.append(_cents(shared, i, result.key, result.audio, ex["pitch"]))
        out_vec = ex["speaker"].embed(resample(result.audio, 32000, 16000))
        sim_target.append(float(out_vec @ target_vec))
        sim_source.append(float(out_vec @ source_vec))
    errors = np.concatenate(cents) if cents else np.zeros(0)
    report = {
        "bench": "quality",
        "preset": args.preset,
        "device": args.device,
        "threads": args.threads,
        "time_box_min": args.minutes,
        "torch": torch.__version__,
        "machine": platform.machine(),
        "gpu": torch.cuda.get_device_name(0) if args.device.startswith("cuda") else None,
        "date": time.strftime("%Y-%m-%d"),
        "ppg": "whisper-base (real weights)",
        "vec": "random-weight HuBERT, width 64 (no real weights offline)",
        "target_singer": TARGET,
        "source_singer": SOURCE,
        "prepare_s": round(prepared_s, 1),
        "train_s": round(train_s, 1),
        "steps": step,
        "batch": config.train.batch_size,
        "mel_loss_first_last": [None if first_mel is None else round(first_mel, 4),
                                None if "mel" not in losses else round(losses["mel"], 4)],
        "keys": keys,
        "f0_cents": {
            "frames": int(errors.size),
            "median_abs": round(float(np.median(errors)), 1) if errors.size else None,
            "mean_abs": round(float(np.mean(errors)), 1) if errors.size else None,
            "within_50_cents": round(float(np.mean(errors < 50)), 3) if errors.size else None,
        },
        "speaker_similarity": {
            "to_target": round(float(np.mean(sim_target)), 4),
            "to_source": round(float(np.mean(sim_source)), 4),
            "target_minus_source": round(float(np.mean(sim_target) - np.mean(sim_source)), 4),
        },
        "total_s": round(time.monotonic() - started, 1),
    }
    return report


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0, help="time box of the whole leg (default 15)")
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--batch", type=int, default=None, help="batch size (default: the preset's)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--shared", default=None, help="the shared folder (default: beside the repository)")
    parser.add_argument("--whisper", default=None, help="whisper base.pt (default: built by whisper-base.sh)")
    parser.add_argument("--work", default=None, help="work folder (default: ~/.cache/voicecraft-bench/quality)")
    parser.add_argument("--out", default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    report = run(args)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
