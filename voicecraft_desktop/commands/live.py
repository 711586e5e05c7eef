"""``voicecraft live --voice V [--input DEV] [--output DEV]``: sing into the microphone, hear the voice.

Runs :class:`voicecraft_desktop.core.live.LiveSession` until Ctrl+C (or ``--seconds``), printing
one status line a second on stderr: latency (algorithmic, processing median/worst over 10 s),
late blocks and dropouts. ``--list-devices`` shows the audio devices and exits.
"""

from __future__ import annotations

import argparse
import sys
import time

from voicecraft_desktop.commands._options import add_model_file_options, finite_float

HELP = "convert the microphone live into a voice and play it on an output device"
EXIT_USAGE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--voice", help="voice name (or id, or voice folder)")
    parser.add_argument("--input", default=None, help="input device (index or name; default: the system's)")
    parser.add_argument("--output", default=None, help="output device (index or name; default: the system's)")
    parser.add_argument("--block", type=finite_float(0.02, 2.0), default=0.32, help="block length in seconds")
    parser.add_argument("--context", type=finite_float(0.0, 10.0), default=1.0, help="extra past context (s)")
    parser.add_argument("--crossfade", type=finite_float(0.0, 0.2), default=0.04, help="crossfade (s)")
    parser.add_argument("--key", type=finite_float(-48, 48), default=0.0, help="transpose by N semitones")
    parser.add_argument("--wet", type=finite_float(0.0, 1.0), default=1.0, help="monitor mix: 0 dry .. 1 converted")
    parser.add_argument("--f0", default="fcpe", help="pitch extractor: fcpe, crepe-tiny, dio, harvest")
    parser.add_argument("--seconds", type=finite_float(0.0), default=0.0, help="stop after this long (0: Ctrl+C)")
    parser.add_argument("--list-devices", action="store_true", help="list the audio devices and exit")
    add_model_file_options(parser)


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _device(text: str | None) -> int | str | None:
    return int(text) if text is not None and text.strip().isdigit() else text


def run(args: argparse.Namespace) -> int:
    from voicecraft_desktop.commands._options import check_device
    from voicecraft_desktop.core.live import LiveError, LiveSession, list_output_devices
    from voicecraft_desktop.core.recorder import audio_unavailable_reason, list_input_devices

    if args.list_devices:
        ins, outs = list_input_devices(), list_output_devices()
        if not ins and not outs:
            return _err(audio_unavailable_reason() or "no audio device was found")
        for d in ins:
            print(f"input  {d.index:3d}  {d.name} ({d.hostapi}, {d.default_sample_rate:g} Hz)")
        for d in outs:
            print(f"output {d.index:3d}  {d.name} ({d.hostapi}, {d.default_sample_rate:g} Hz)")
        return 0
    if not args.voice:
        return _err("--voice is required (or use --list-devices)")
    args.device = check_device(args.device)
    import torch

    from models.convert.options import ConvertError, OptionError
    from models.convert.stream import StreamOptions
    from models.formats.assets import AssetError, AssetStore, parse_overrides
    from voicecraft_desktop.core import paths
    from voicecraft_desktop.core.library import LibraryError
    from voicecraft_desktop.core.live import build_engine

    try:
        options = StreamOptions(block_s=args.block, context_s=args.context, crossfade_s=args.crossfade, key=args.key)
    except OptionError as exc:
        return _err(f"--{exc.option.removesuffix('_s')}: {exc}")
    if not list_input_devices():
        return _err(f"cannot listen: {audio_unavailable_reason()}")
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        store = AssetStore(paths.models_cache_dir(), parse_overrides(args.asset), cli=True)
        engine = build_engine(args.voice, store, options, device=device, f0_method=args.f0, fetch=not args.offline)
    except (LibraryError, ConvertError, AssetError) as exc:
        return _err(str(exc))
    except (KeyError, ValueError) as exc:
        return _err(str(exc.args[0] if exc.args else exc))
    session = LiveSession(engine, _device(args.input), _device(args.output), wet=args.wet)
    try:
        session.start()
    except LiveError as exc:
        return _err(str(exc))
    start = time.monotonic()
    try:
        while session.running and (not args.seconds or time.monotonic() - start < args.seconds):
            time.sleep(1.0)
            print(status_line(session.stats()), file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
    stats = session.stats()
    if stats.error:
        return _err(stats.error)
    print(status_line(stats))
    return 0


def status_line(st) -> str:
    """One line: latency (engine, output buffer, devices), processing time against the block, late
    and dropped blocks, dropouts."""
    verdict = "keeps up" if st.keeps_up else "TOO SLOW for live use on this device"
    return (
        f"latency {st.algorithmic_s * 1000:.0f} ms + {st.block_s * 1000:.0f} ms output buffer"
        f" + {st.device_s * 1000:.0f} ms devices; processing median {st.processing_median_s * 1000:.0f} ms"
        f" / worst {st.processing_worst_s * 1000:.0f} ms of a {st.block_s * 1000:.0f} ms block ({verdict});"
        f" blocks {st.blocks}, late {st.late}, dropped {st.skipped}, dropouts {st.dropouts}"
    )
