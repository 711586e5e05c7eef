"""Pitch editor: edit-to-hear time for a 2 s region of a 3-minute song; prints JSON.

Usage (from the repository root; or ``python -m bench.bench_edit``)::

    python bench/bench_edit.py [--presets tiny sovits5] [--device cpu|cuda|both] [--seconds 180]
                               [--region 2] [--edits 3] [--threads 2] [--chunk 10] [--out FILE]

What is measured: a conversion's kept state (content features at 50 Hz, the fed F0, the raw
synthesis and each chunk's crossfade samples; random-weight generator at the preset: the
networks' cost does not depend on the values; random content features of the right widths; a
sung F0 curve). With ``--state full`` it is made by one real chunked synthesis of the whole song
(:meth:`models.convert.converter.VoiceConverter.synthesize`); with ``--state partial`` (the
default: a whole 3-minute song at sovits5 takes many minutes on a CPU) only the chunks around the
edited regions are synthesised, the rest of the raw audio left silent: the edit itself runs the
same code on the same sizes either way. Then, for ``--edits`` regions spread over the song, the time from the
edit to audio ready to play: the region shifted by +2 semitones
(:func:`models.convert.f0_edit.shift`), made phase-neutral, re-synthesised
(:meth:`models.convert.resynth.EditSession.render`: only the chunks that overlap it) and applied
(:meth:`~models.convert.resynth.EditSession.apply`). ``edit_to_hear_s`` is the median; the
GUI adds only redrawing the waveform envelope (milliseconds). ``edit_cpu_s_per_thread`` (the
process's CPU seconds per edit over ``--threads``) estimates the time on an idle machine when the
cores are shared. Target: <= 1 s with the tiny preset
on the CPU. Each preset also checks that the edited audio equals a full synthesis of the edited
curve (``max_abs_diff_vs_full``; skipped with ``--no-check``).

With ``--report PITCH``, after each edit the quality report is measured again the way the pitch
editor does it (:func:`models.convert.edit_report.edited_report`: the output's pitch only around
the changed samples, the source's speaker embedding kept) and, interleaved, the whole report
(:func:`models.convert.report.quality_report`), with that pitch extractor and resemblyzer; the
first output stands in for the source. ``report_s`` / ``report_full_s`` are medians, ``report_ratio``
the median of the per-edit ratios (each pair ran back to back, so load changes mostly cancel), and
the two reports are checked to agree.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch


def sung_f0(frames: int, seed: int = 0) -> np.ndarray:
    """Notes of 0.3-1.2 s between 150 and 400 Hz with vibrato and short unvoiced gaps (Hz per 10 ms)."""
    rng = np.random.default_rng(seed)
    f0 = np.zeros(frames, np.float32)
    i = 0
    while i < frames:
        length, gap = int(rng.uniform(30, 120)), int(rng.uniform(5, 30))
        t = np.arange(min(length, frames - i)) * 0.01
        f0[i : i + len(t)] = rng.uniform(150, 400) * 2 ** (0.3 / 12 * np.sin(2 * np.pi * 5.5 * t))
        i += length + gap
    return f0


def build(preset: str, device: str) -> Any:
    """A converter around a random-weight generator at ``preset`` (no extractors are needed to
    re-synthesise)."""
    from models.config import VoiceConfig
    from models.convert.converter import VoiceConverter
    from models.formats.artifact import F0Stats, Voice, VoiceManifest
    from models.nets.synthesizer import SynthesizerInfer

    torch.manual_seed(0)
    config = VoiceConfig.tiny() if preset == "tiny" else VoiceConfig.sovits5()
    manifest = VoiceManifest(
        name="bench",
        config=config,
        speaker=np.full(config.model.spk_dim, 1 / np.sqrt(config.model.spk_dim), np.float32),
        f0_stats=F0Stats.from_f0(np.full(10, 220.0)),
    )
    voice = Voice(manifest, None, SynthesizerInfer(config).eval())  # type: ignore[arg-type]
    converter = VoiceConverter.__new__(VoiceConverter)  # the extractor check needs real extractors
    converter.voice, converter.extractors, converter.notes, converter._indexes = voice, None, [], None
    converter.device = torch.device(device)
    converter.config = config
    converter.generator = voice.generator.to(converter.device).eval()
    return converter


def run_preset(preset: str, device: str, args: argparse.Namespace) -> dict[str, Any]:
    from models.convert import f0_edit
    from models.convert.options import ConvertOptions, run_to_end
    from models.convert.resynth import EditableResult, EditSession, SynthesisState

    converter = build(preset, device)
    cfg = converter.config
    a = cfg.audio
    frames = int(args.seconds * a.sample_rate / a.hop_length)
    rows = -(-frames // a.content_repeat)
    rng = np.random.default_rng(1)
    ppg = rng.standard_normal((rows, cfg.model.ppg_dim)).astype(np.float32)
    vec = rng.standard_normal((rows, cfg.model.vec_dim)).astype(np.float32)
    intended = sung_f0(frames)
    options = ConvertOptions(chunk_s=args.chunk, report=False)
    fed = f0_edit.fed_curve(intended, options.unvoiced)
    region = int(args.region / f0_edit.FRAME_S)
    starts = (np.linspace(0.1, 0.85, args.edits) * frames).astype(int)
    edges: dict[int, Any] = {}
    t0 = time.perf_counter()
    plan = converter.chunk_plan(frames, options)
    if args.state == "full":
        raw = run_to_end(converter.synthesize(ppg, vec, fed, options, repeat=a.content_repeat, edges=edges))
    else:
        from models.convert.converter import _edges

        raw = np.zeros(frames * a.hop_length, np.float32)
        f0_64 = fed.astype(np.float64)
        needed = set()
        for start in starts:
            hit = [i for i, c in enumerate(plan) if c.start < start + region + 30 and c.stop > start - 30]
            needed.update(range(max(0, hit[0] - 1), min(len(plan), hit[-1] + 2)))
        for i in sorted(needed):
            with torch.inference_mode():
                part = converter._chunk_part(plan, i, ppg, vec, f0_64, options, a.content_repeat)
            raw[plan[i].keep_start * a.hop_length : plan[i].keep_stop * a.hop_length] += part
            edges[i] = _edges(plan, i, part, a.hop_length)
    build_s = time.perf_counter() - t0
    out_len = frames * a.hop_length
    state = SynthesisState(ppg, vec, a.content_repeat, options, fed, raw, edges, out_len, None, 1.0,
                           a.hop_length, a.sample_rate)
    result = EditableResult(raw[:out_len].copy(), a.sample_rate, intended, fed, intended, 0.0, features=state)
    session = EditSession(converter, result)
    reporting = report_setup(converter, result, args.report) if args.report else None
    report_t: list[tuple[float, float]] = []
    times, cpu, chunks = [], [], []
    for start in starts:
        t0, c0 = time.perf_counter(), time.process_time()
        new = f0_edit.shift(session.curve, start, start + region, 2.0)
        new = session.neutral(new, start, start + region)
        update = session.render(new)
        session.apply(update)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        chunks.append(update.chunks)
        print(f"{preset}/{device}: edit at {start / 100:.0f} s: {times[-1]:.3f} s, {update.chunks} chunk(s)",
              file=sys.stderr)
        if reporting is not None:
            report_t.append(time_reports(converter, session.result, reporting, (update.lo, update.hi)))
            again_s, full_s = report_t[-1]
            print(f"  report again {again_s:.3f} s, whole report {full_s:.3f} s", file=sys.stderr)
    out: dict[str, Any] = {
        "preset": preset,
        "device": device,
        "song_s": args.seconds,
        "region_s": args.region,
        "chunk_s": args.chunk,
        "state": args.state,
        "state_synthesis_s": round(build_s, 3),
        "edit_to_hear_s": round(statistics.median(times), 3),
        "edit_to_hear_all_s": [round(t, 3) for t in times],
        # CPU seconds of this process per edit / threads: the wall time on an otherwise idle machine
        # (the measured wall time also holds whatever other processes took of the cores)
        "edit_cpu_s_per_thread": round(statistics.median(cpu) / args.threads, 3),
        "chunks_rerun": chunks,
        "total_chunks": len(converter.chunk_plan(frames, options)),
    }
    if report_t:
        out["report_pitch"] = args.report
        out["report_s"] = round(statistics.median(t for t, _ in report_t), 3)
        out["report_full_s"] = round(statistics.median(f for _, f in report_t), 3)
        out["report_ratio"] = round(statistics.median(t / f for t, f in report_t), 3)
    if args.state == "full" and not args.no_check:
        full = run_to_end(converter.synthesize(ppg, vec, state.fed_f0, options, repeat=a.content_repeat))
        out["max_abs_diff_vs_full"] = float(np.max(np.abs(full[:out_len] - session.result.audio)))
    return out


def report_setup(converter: Any, result: Any, pitch_method: str) -> dict[str, Any]:
    """Extractors for the report (``pitch_method`` and resemblyzer), the first output as the source,
    and the report state measured once on it (what the editor has after a conversion)."""
    from models.convert.edit_report import ReportState, edited_report, snapshot_of
    from models.convert.extractors import Extractors
    from models.convert.options import run_to_end
    from models.features.audio import resample
    from models.features.pitch import create_pitch_extractor
    from models.features.speaker import SpeakerEncoder

    pitch = create_pitch_extractor(pitch_method, converter.config.pitch, converter.device)
    speaker = SpeakerEncoder(converter.device)
    converter.extractors = Extractors(pitch=pitch, ppg=None, vec=None, speaker=speaker)
    result.features.options = replace(result.features.options, f0_method=pitch_method)
    result.features.source_16k = resample(result.audio, result.sample_rate, 16000)
    measured = np.zeros(0, np.float32)  # measured whole by the first call
    _, state = run_to_end(edited_report(converter, snapshot_of(result), ReportState(measured), (0, 0)))
    return {"state": state}


def time_reports(
    converter: Any, result: Any, reporting: dict[str, Any], changed: tuple[int, int]
) -> tuple[float, float]:
    """(seconds of the report measured again after one edit, seconds of the whole report); checks
    that both give the same numbers."""
    from models.convert.edit_report import edited_report, snapshot_of
    from models.convert.options import run_to_end
    from models.convert.report import quality_report

    t0 = time.perf_counter()
    again, reporting["state"] = run_to_end(
        edited_report(converter, snapshot_of(result), reporting["state"], changed)
    )
    t1 = time.perf_counter()
    options = result.features.options
    full = quality_report(
        result, result.features.source_16k, 16000, converter._pitch_extractor(options),
        converter.extractors.speaker, converter.voice.manifest, options.report_max_s,
    )
    t2 = time.perf_counter()
    assert again.compared_frames == full.compared_frames, (again, full)
    assert abs((again.f0_median_cents or 0) - (full.f0_median_cents or 0)) < 1e-3, (again, full)
    assert abs((again.similarity_to_source or 0) - (full.similarity_to_source or 0)) < 1e-4, (again, full)
    return t1 - t0, t2 - t1


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="*", default=["tiny", "sovits5"], choices=["tiny", "sovits5"])
    parser.add_argument("--device", choices=["cpu", "cuda", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--region", type=float, default=2.0)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--chunk", type=float, default=10.0)
    parser.add_argument("--state", choices=["full", "partial"], default="partial")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--report", default=None, metavar="PITCH",
                        help="also time the quality report measured again after each edit (e.g. dio)")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    devices = ["cpu", "cuda"] if args.device == "both" else [args.device]
    if "cuda" in devices and not torch.cuda.is_available():
        devices.remove("cuda")
    report: dict[str, Any] = {
        "bench": "edit_to_hear",
        "machine": platform.processor() or platform.machine(),
        "threads": args.threads,
        "load_average_1min": round(__import__("os").getloadavg()[0], 2),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "results": [run_preset(p, d, args) for d in devices for p in args.presets],
    }
    text = json.dumps(report, indent=1)
    print(text)
    if args.out is not None:
        from models.atomic import atomic_write_text

        atomic_write_text(args.out, text + "\n")
    return report


if __name__ == "__main__":
    main()
