"""``voicecraft index INPUT... --voice NAME``: build a library voice's feature-retrieval index from
recordings of the voice (for imported voices, or voices whose dataset is gone; voices trained here get
it at export). The recordings' content features are computed with the voice's own encoders (located
or downloaded as for ``convert``) and indexed as the reference does; the index files are written into
the voice's folder, each atomically. Then ``voicecraft convert --retrieval-ratio R`` uses them.
Exit status: 0 written, 2 bad command line / voice / encoders / recordings, 130 interrupted (nothing
written).
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from voicecraft_desktop.commands._options import add_model_file_options
from voicecraft_desktop.commands._progress import ProgressLine

HELP = "build a voice's feature-retrieval index from recordings of it"

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``index``."""
    parser.add_argument(
        "inputs", nargs="+", type=Path, metavar="INPUT", help="recordings of the voice: files or folders"
    )
    parser.add_argument("--voice", required=True, help="voice name (or id, or voice folder)")
    add_model_file_options(parser)


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    """Builds the index; progress on stderr, the result on stdout."""
    from voicecraft_desktop.commands._options import check_device

    args.device = check_device(args.device)
    import torch

    from models.convert.files import expand_inputs
    from models.convert.options import ConvertCancelled, ConvertError
    from models.convert.retrieval_audio import index_from_audio
    from models.formats.assets import AssetError, AssetStore, parse_overrides
    from voicecraft_desktop.core import paths
    from voicecraft_desktop.core.convert_jobs import converter_for
    from voicecraft_desktop.core.library import LibraryError, VoiceLibrary

    missing = [p for p in args.inputs if not p.exists()]
    if missing:
        return _err(", ".join(f"{p}: not found" for p in missing))
    files = expand_inputs(args.inputs)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    try:
        voice = VoiceLibrary().load(args.voice, device)
        store = AssetStore(paths.models_cache_dir(), parse_overrides(args.asset), cli=True)
        converter = converter_for(voice, store, report=False, device=device, fetch=not args.offline)
    except (LibraryError, ConvertError, AssetError) as exc:
        return _err(str(exc))
    except (KeyError, ValueError) as exc:
        return _err(str(exc.args[0] if exc.args else exc))
    cancel = threading.Event()
    gen = index_from_audio(converter, files, cancel)
    line = ProgressLine("{desc} [{bar:30}] {percentage:5.1f}%")
    try:
        while True:
            try:
                done, total, name = next(gen)
            except StopIteration as stop:
                record = stop.value
                break
            line.show(done, total, f"{done}/{total} {Path(name).name[:30]:<30}")
    except (KeyboardInterrupt, ConvertCancelled):
        cancel.set()
        line.close()
        print("interrupted; no index was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ConvertError as exc:
        line.close()
        return _err(str(exc))
    line.close()
    print(
        f"voice {voice.manifest.name!r}: retrieval index of {len(files)} recordings written ({record.parent})"
    )
    return EXIT_OK
