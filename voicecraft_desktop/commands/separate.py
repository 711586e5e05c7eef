"""``voicecraft separate SONG... --out DIR``: split songs into their vocal and their backing track.

Each song gives ``<stem> vocal.<ext>`` and ``<stem> backing.<ext>`` at the song's sample rate and
channels (vocal + backing is the song). The separator is Demucs v4 (``--model htdemucs``, the
default, or ``htdemucs_ft``), its weights located in the app's asset store (downloaded unless
``--offline``; ``--asset demucs-htdemucs=PATH`` uses a local copy). Separations are cached by the
song file's hash, so separating the same song again (or converting it with ``--backing keep``)
skips the work. Both stems of a song are written together or not at all.
Exit status: 0 all separated, 1 some songs failed, 2 bad command line / model / output folder,
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from voicecraft_desktop.commands._options import add_model_file_options
from voicecraft_desktop.commands._progress import ProgressLine

HELP = "split songs into their vocal and their backing track"

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
BAR = "{desc} [{bar:30}] {percentage:5.1f}%"
# models.features.separation.SEPARATION_MODELS, default first (not imported to build the parser; a test
# keeps them equal)
MODEL_CHOICES = ("htdemucs", "htdemucs_ft")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``separate``."""
    parser.add_argument("songs", nargs="+", type=Path, metavar="SONG", help="audio files or folders of them")
    parser.add_argument("--out", required=True, type=Path, help="output folder (created if needed)")
    parser.add_argument(
        "--model",
        choices=MODEL_CHOICES,
        default=MODEL_CHOICES[0],
        help="separation model: htdemucs (default) or htdemucs_ft (cleaner vocals)",
    )
    parser.add_argument("--format", choices=("wav", "flac"), default="wav")
    parser.add_argument("--bits", choices=("16", "24", "float"), default="24", help="sample format")
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    add_model_file_options(parser)


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def separation_setup(args: argparse.Namespace, model_name: str):
    """(separator, cache) for a command: the model from the asset store, the app's cache folder."""
    from models.features.separation import SeparationCache, Separator
    from models.formats.assets import AssetStore, parse_overrides
    from voicecraft_desktop.core import paths

    store = AssetStore(paths.models_cache_dir(), parse_overrides(args.asset))
    separator = Separator.from_store(store, model_name, device=args.device, fetch=not args.offline)
    return separator, SeparationCache(paths.cache_dir() / "separation")


def run(args: argparse.Namespace) -> int:
    """Separates every song; progress on stderr, one line per song on stdout."""
    from voicecraft_desktop.commands._options import check_device

    args.device = check_device(args.device)
    from models.convert.cover import STEM_SUFFIXES
    from models.convert.files import FLAC_SUBTYPES, SUBTYPES, check_writable, expand_inputs, write_audio
    from models.convert.options import ConvertError, run_to_end
    from models.features.audio import AudioLoadError
    from models.features.separation import SeparationCancelled, SeparationError, load_stems
    from models.formats.assets import AssetError

    if args.format == "flac" and SUBTYPES[args.bits] not in FLAC_SUBTYPES:
        return _err("FLAC stores 16- or 24-bit samples; use --bits 16 or 24, or --format wav")
    missing = [p for p in args.songs if not p.exists()]
    if missing:
        return _err(", ".join(f"{p}: not found" for p in missing))
    try:
        out = check_writable(args.out)
        separator, cache = separation_setup(args, args.model)
    except (ConvertError, AssetError, SeparationError) as exc:
        return _err(str(exc))
    except (KeyError, ValueError) as exc:
        return _err(str(exc.args[0] if exc.args else exc))
    files = expand_inputs(args.songs)
    cancel = threading.Event()
    line = ProgressLine(BAR)
    failed = 0
    for i, song in enumerate(files):
        targets = {role: out / f"{song.stem}{suffix}.{args.format}" for role, suffix in STEM_SUFFIXES.items()}
        if not args.overwrite and any(p.exists() for p in targets.values()):
            failed += 1
            print(
                f"FAILED {song}: {next(p for p in targets.values() if p.exists())} already exists "
                f"(use --overwrite to replace it)"
            )
            continue
        label = f"{i + 1}/{len(files)} {song.name[:30]:<30}"
        gen = cache.separate(separator, song, cancel)
        try:
            stems = run_to_end(gen, lambda step, label=label: line.show(step.fraction, 1.0, label))
            line.close()
            vocal, backing, rate = load_stems(stems.vocal, stems.backing)
            written = []
            for role, data in (("vocal", vocal), ("backing", backing)):
                written.append(_write_stem(targets[role], data, rate, args.format, args.bits, write_audio))
        except (KeyboardInterrupt, SeparationCancelled):
            cancel.set()
            line.close()
            print("interrupted; the song in progress was not written", file=sys.stderr)
            return EXIT_INTERRUPTED
        except (AudioLoadError, SeparationError, ConvertError) as exc:
            line.close()
            failed += 1
            print(f"FAILED {song}: {exc}")
            continue
        cached = " (cached)" if stems.hit else ""
        print(f"{song} -> {written[0]}, {written[1]}  ({stems.info.seconds:.1f} s{cached})")
    if not files:
        print("no input files found")
        return EXIT_SOME_FAILED
    print(f"{len(files) - failed} separated, {failed} failed")
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _write_stem(path: Path, data, rate: int, fmt: str, bits: str, write_audio) -> Path:
    """One stem, atomically: mono through the app's writer; stereo written to a temporary sibling
    and renamed (the writer takes mono only)."""
    import os

    import soundfile

    from models.atomic import atomic_path
    from models.convert.files import FORMATS, SUBTYPES

    if data.shape[1] == 1:
        return write_audio(path, data[:, 0], rate, fmt, bits)
    subtype = SUBTYPES[bits]
    clipped = data if subtype == "FLOAT" else data.clip(-1.0, 1.0)
    with atomic_path(path, suffix=".part") as tmp:
        soundfile.write(os.fspath(tmp), clipped, rate, subtype=subtype, format=FORMATS[fmt])
    return path
