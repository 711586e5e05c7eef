"""``voicecraft convert INPUT... --voice NAME --out DIR``: songs into a library voice, with a report.

Inputs are files or folders (their files; anything that is not audio is reported and skipped).
Before any work: the voice is resolved and loaded strictly from the library, the output folder is
proven writable, and the content encoders the voice was trained with are located (downloaded
unless ``--offline``) and checked against the voice. Numeric options are checked first (finite,
in range: argparse refuses NaN and infinities, ``ConvertOptions`` the ranges), each as one error
line. Each output is written atomically as ``<input stem> (<voice>).<ext>`` (numbered, with a
note, when two inputs would get the same name); the quality report of each conversion is printed.
Exit status:
0 all converted, 1 some inputs failed, 2 bad command line / voice / encoders / output folder,
130 interrupted (no partial file is left).
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from voicecraft_desktop.commands._options import add_model_file_options, finite_float, int_in_range
from voicecraft_desktop.commands._progress import ProgressLine
from voicecraft_desktop.commands.separate import MODEL_CHOICES

HELP = "convert songs or recordings into a voice from the library"

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# ConvertOptions field -> the flag that sets it (its range errors name the flag; the ranges
# themselves live in ConvertOptions, one rule for the CLI and the app)
OPTION_FLAGS = {
    "key": "--key",
    "noise_scale": "--noise-scale",
    "seed": "--seed",
    "chunk_s": "--chunk",
    "retrieval_ratio": "--retrieval-ratio",
    "retrieval_k": "--retrieval-k",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``convert``."""
    parser.add_argument(
        "inputs", nargs="+", type=Path, metavar="INPUT", help="audio files or folders of them"
    )
    parser.add_argument("--voice", required=True, help="voice name (or id, or voice folder)")
    parser.add_argument("--out", required=True, type=Path, help="output folder (created if needed)")
    key = parser.add_mutually_exclusive_group()
    key.add_argument("--key", type=finite_float(), default=0.0, help="transpose by N semitones (e.g. -12, 3)")
    key.add_argument(
        "--auto-key",
        nargs="?",
        const="octaves",  # models.convert.key.DEFAULT_AUTO_KEY, the app's default too
        choices=("octaves", "semitones"),
        metavar="octaves|semitones",
        help="move the song into the voice's range: by whole octaves (the default: it stays in its key, "
        "so a backing track still fits) or to the nearest semitone (usually out of key with a backing track)",
    )
    parser.add_argument("--octaves-only", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument(
        "--f0", default="auto", help="pitch extractor: auto, crepe-full, crepe-tiny, fcpe, harvest, dio"
    )
    parser.add_argument(
        "--unvoiced",
        choices=("interpolate", "zero"),
        default="interpolate",
        help="pitch fed in unvoiced frames: interpolated (the reference) or none",
    )
    parser.add_argument(
        "--f0-file",
        type=Path,
        metavar="CURVE.csv",
        help="use this pitch curve instead of extracting one (one input only): the reference's "
        ".pit.csv or 'time_s,f0_hz' rows every 10 ms, before the key shift",
    )
    parser.add_argument("--gate", action="store_true", help="mute non-singing gaps (silero-vad)")
    parser.add_argument(
        "--match-loudness", action="store_true", help="match the output's loudness to the input"
    )
    parser.add_argument("--format", choices=("wav", "flac"), default="wav")
    parser.add_argument("--bits", choices=("16", "24", "float"), default="16", help="sample format")
    parser.add_argument(
        "--sample-rate",
        type=int,
        default=32000,
        help="sample rate of the files: 32000 (the model's own), or 44100 or 48000 (resampled with soxr)",
    )
    parser.add_argument(
        "--noise-scale", type=finite_float(), default=1.0, help="prior sampling noise (reference 1.0)"
    )
    parser.add_argument("--seed", type=int_in_range(), default=1234, help="0 to 2^64-1")
    parser.add_argument(
        "--chunk", type=finite_float(), default=10.0, help="synthesis chunk in seconds (0: whole input)"
    )
    parser.add_argument(
        "--retrieval-ratio",
        type=finite_float(0.0, 1.0),
        default=0.0,
        help="pull the content features toward the voice's index: 0 (off) to 1 (needs an index)",
    )
    parser.add_argument(
        "--retrieval-k", type=int_in_range(1, 64), default=3, help="nearest index rows per frame (1 to 64)"
    )
    cover = parser.add_argument_group("songs with a backing track")
    cover.add_argument(
        "--backing",
        choices=("drop", "keep"),
        default="drop",
        help="keep: separate the vocal, convert it and mix it back over the backing (writes the mix and "
        "both stems, at the song's sample rate); drop: convert the input as a dry vocal",
    )
    cover.add_argument(
        "--separation-model", choices=MODEL_CHOICES, default=MODEL_CHOICES[0], help="with --backing keep"
    )
    cover.add_argument(
        "--shift-backing",
        action="store_true",
        help="with --backing keep: shift the backing by the key too (whole octaves leave it as it is)",
    )
    cover.add_argument("--vocal-gain", type=finite_float(-60.0, 12.0), default=0.0, help="mix level, dB")
    cover.add_argument("--backing-gain", type=finite_float(-60.0, 12.0), default=0.0, help="mix level, dB")
    parser.add_argument(
        "--speed",
        choices=("exact", "fast"),
        default="exact",
        help="exact: the reference's arithmetic; fast: quicker on a CPU, measured close to exact "
        "(docs/FAST_PATH.md)",
    )
    parser.add_argument("--no-report", action="store_true", help="skip the quality report")
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    add_model_file_options(parser)


BAR = "{desc} [{bar:30}] {percentage:5.1f}%"  # "1/3 song.wav  [#########...] 30.0%", a line a file


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    """Converts every input; progress on stderr, outputs and reports on stdout."""
    from voicecraft_desktop.commands._options import check_device

    args.device = check_device(args.device)  # before any work: --device cuda without CUDA is one line
    import torch

    from models.convert.files import check_sample_rate, check_writable
    from models.convert.options import ConvertCancelled, ConvertError, ConvertOptions, OptionError
    from models.formats.assets import AssetError, AssetStore, parse_overrides
    from voicecraft_desktop.core import paths
    from voicecraft_desktop.core.convert_jobs import converter_for
    from voicecraft_desktop.core.library import LibraryError, VoiceLibrary

    if args.octaves_only and not args.auto_key:
        return _err("--octaves-only goes with --auto-key")
    if args.octaves_only and args.auto_key == "semitones":
        return _err("--octaves-only contradicts --auto-key semitones")
    if args.format == "flac" and args.bits == "float":
        return _err("FLAC stores 16- or 24-bit samples; use --bits 16 or 24, or --format wav")
    try:
        options = ConvertOptions(
            key=args.key,
            auto_key=args.auto_key or "off",
            f0_method=args.f0,
            unvoiced=args.unvoiced,
            noise_scale=args.noise_scale,
            seed=args.seed,
            chunk_s=args.chunk,
            silence_gate=args.gate,
            match_loudness=args.match_loudness,
            report=not args.no_report,
            retrieval_ratio=args.retrieval_ratio,
            retrieval_k=args.retrieval_k,
            speed=args.speed,
        )
    except OptionError as exc:
        flag = OPTION_FLAGS.get(exc.option)
        return _err(f"{flag}: {exc}" if flag else str(exc))
    except ValueError as exc:
        return _err(str(exc))
    try:
        check_sample_rate(args.sample_rate)
    except ConvertError as exc:
        return _err(f"--sample-rate: {exc}")
    cover = None
    if args.backing == "keep":
        from models.convert.cover import CoverOptions

        cover = CoverOptions(args.vocal_gain, args.backing_gain, args.shift_backing, args.separation_model)
        if args.sample_rate != 32000:
            return _err("--sample-rate does not apply with --backing keep: a cover is written at its song's rate")
    elif args.shift_backing or args.vocal_gain or args.backing_gain:
        return _err("--shift-backing, --vocal-gain and --backing-gain go with --backing keep")
    missing = [p for p in args.inputs if not p.exists()]
    if missing:
        return _err(", ".join(f"{p}: not found" for p in missing))
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    try:
        voice = VoiceLibrary().load(args.voice, device)
        check_writable(args.out)
        store = AssetStore(paths.models_cache_dir(), parse_overrides(args.asset), cli=True)
        converter = converter_for(
            voice,
            store,
            f0_method=options.f0_method,
            report=options.report,
            device=device,
            fetch=not args.offline,
        )
        if options.retrieval_ratio > 0:
            converter.retrieval_indexes()  # a missing or mismatched index: one line before any work
        if args.f0_file is not None:  # a bad curve: one line before any work
            from models.convert.f0_edit import F0FileError, with_f0_file

            try:
                converter = with_f0_file(converter, args.f0_file, args.inputs)
            except F0FileError as exc:
                return _err(f"--f0-file: {exc}")
    except (LibraryError, ConvertError, AssetError) as exc:
        return _err(str(exc))
    except (KeyError, ValueError) as exc:
        return _err(str(exc.args[0] if exc.args else exc))

    from models.convert.files import convert_files

    cancel = threading.Event()
    gen = convert_files(
        converter, args.inputs, args.out, options, args.format, args.bits, cancel, args.overwrite,
        sample_rate=args.sample_rate,
    )
    if cover is not None:  # songs with a backing track: the mix and its stems, at each song's rate
        from models.convert.cover import convert_songs
        from voicecraft_desktop.commands.separate import separation_setup

        try:
            separator, cache = separation_setup(args, cover.separation_model)
        except (AssetError, ValueError) as exc:
            return _err(str(exc))
        gen = convert_songs(
            converter, separator, cache, args.inputs, args.out, options, cover, args.format, args.bits,
            cancel, args.overwrite,
        )
    line = ProgressLine(BAR)
    try:
        while True:
            try:
                p = next(gen)
            except StopIteration as stop:
                items = stop.value
                break
            label = f"{p.index + 1}/{p.total} {Path(p.file).name[:30]:<30}"
            line.show(min(max(p.fraction, 0.0), 1.0), 1.0, label)
    except (KeyboardInterrupt, ConvertCancelled):
        cancel.set()
        line.close()
        print("interrupted; the file in progress was not written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ConvertError as exc:
        line.close()
        return _err(str(exc))
    line.close()
    failed = 0
    for item in items:
        if item.error:
            failed += 1
            print(f"FAILED {item.source}: {item.error}")
            continue
        result = item.result
        if cover is not None:  # a cover: its vocal's conversion is reported as any input's, then its stems
            cover_result, result = result, result.conversion
        print(
            f"{item.source} -> {item.output}  (key {result.key:+g}, "
            f"{len(result.audio) / result.sample_rate:.1f} s, {item.seconds:.1f} s to convert)"
        )
        if cover is not None:
            from models.convert.cover import stem_paths

            stems = stem_paths(item.output)
            print(f"  stems: {stems['vocal'].name}, {stems['backing'].name}")
            if cover_result.backing_semitones:
                print(f"  backing shifted by {cover_result.backing_semitones:+g} semitones")
            for note in cover_result.notes:
                print(f"  note: {note}")
        if item.note:
            print(f"  note: {item.note}")
        for note in result.notes:
            print(f"  note: {note}")
        if result.report is not None:
            print(result.report.summary())
    if not items:
        print("no input files found")
        return EXIT_SOME_FAILED
    print(f"{len(items) - failed} converted, {failed} failed")
    return EXIT_SOME_FAILED if failed else EXIT_OK
