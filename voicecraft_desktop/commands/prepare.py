"""``voicecraft prepare FOLDER --voice NAME``: recordings -> sliced clips + cached features + report.

Stages: (1) check that every content encoder's weights are available (download them unless
``--offline``; a missing file stops here with the URL, the destination and the ``--asset``
override, before any work); (2) slice and normalise the recordings into the dataset folder;
(3) extract F0, content features and speaker embeddings into the feature cache, with a
progress bar; (4) print the report. Exit status: 0 when usable clips remain, 1 when none do
(nothing is written then) or the dataset cannot be written, 2 for a bad command line, missing
assets or an output folder that is not ours to replace, 130 when interrupted.

The dataset goes to the voice's one folder (``datasets/<slug>``, the one ``voicecraft train
--voice`` reads); preparing a voice again replaces it once the new one is complete. ``--out DIR``
must be new, empty, or (with ``--overwrite``) a dataset: a file or a folder with anything else in
it is never replaced.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voicecraft_desktop.commands._options import add_model_file_options
from voicecraft_desktop.commands._progress import ProgressLine

HELP = "prepare a folder of recordings as a training dataset (clips, features, report)"

EXIT_OK, EXIT_NO_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``prepare``."""
    parser.add_argument("folder", type=Path, help="folder of recordings (searched recursively)")
    parser.add_argument("--voice", required=True, help="name of the voice this dataset is for")
    parser.add_argument(
        "--f0", default="auto", help="pitch extractor: auto, crepe-full, crepe-tiny, fcpe, harvest, dio"
    )
    parser.add_argument(
        "--content",
        default="whisper-large-v2,hubert-soft",
        help="comma-separated content encoders (PPG and/or units), e.g. whisper-large-v2,hubert-soft",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="dataset folder: new or empty (default: the voice's folder in the app's data folder)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the dataset already in --out (never a folder that is not a dataset)",
    )
    parser.add_argument(
        "--speaker-encoder",
        default="resemblyzer",
        help="speaker embedding: resemblyzer (default) or sovits5-lstm (so-vits-svc-5.0's own encoder, "
        "the space its pretrain uses; its weights are the asset sovits5-speaker-encoder)",
    )
    add_model_file_options(parser)
    parser.add_argument("--no-features", action="store_true", help="only slice the recordings")


BAR = "{desc} [{bar:30}] {n}/{total}"  # "features  [#########.....................] 3/10"


def _drain(gen, on_progress):  # type: ignore[no-untyped-def]
    while True:
        try:
            on_progress(next(gen))
        except StopIteration as stop:
            return stop.value


def run(args: argparse.Namespace) -> int:
    """Runs the stages; prints the report to stdout, progress to stderr."""
    from voicecraft_desktop.commands._options import check_device

    args.device = check_device(args.device)  # before any work: --device cuda without CUDA is one line
    from models.features.content import ENCODERS
    from models.features.pitch import PITCH_EXTRACTORS
    from models.formats.assets import AssetError, AssetStore, parse_overrides
    from voicecraft_desktop.core import paths

    content = [c.strip() for c in args.content.split(",") if c.strip() and c.strip().lower() != "none"]
    unknown = [c for c in content if c not in ENCODERS]
    if unknown:
        print(
            f"error: unknown content encoder(s) {', '.join(unknown)}; known: {', '.join(ENCODERS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    roles = [ENCODERS[c].role for c in content]
    if len(set(roles)) != len(roles):
        print("error: --content takes at most one PPG encoder and one unit encoder", file=sys.stderr)
        return EXIT_USAGE
    from models.features.speaker import SPEAKER_ENCODERS

    if args.speaker_encoder not in SPEAKER_ENCODERS:
        print(
            f"error: unknown --speaker-encoder {args.speaker_encoder!r}; "
            f"choose one of {', '.join(SPEAKER_ENCODERS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.f0 != "auto" and args.f0 not in PITCH_EXTRACTORS:
        print(
            f"error: unknown --f0 {args.f0!r}; choose auto or one of {', '.join(PITCH_EXTRACTORS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        store = AssetStore(paths.models_cache_dir(), parse_overrides(args.asset), cli=True)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return EXIT_USAGE

    if not args.no_features:  # download what is missing now, before any work; offline: fail now
        try:
            assets = [ENCODERS[name].asset for name in content] + [SPEAKER_ENCODERS[args.speaker_encoder]]
            # a located-only asset (no URL) is never "downloading"; the missing ones are named at once
            local = [a for a in filter(None, assets) if args.offline or store.asset(a).url is None]
            store.require_all(local)
            for asset in filter(None, assets):
                if asset not in local:
                    _fetch(store, asset)
        except AssetError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE

    import torch

    from voicecraft_desktop.core.dataset_jobs import (
        DatasetJobCancelled,
        DatasetTargetError,
        dataset_dir_for,
        prepare_voice_dataset,
    )

    out = args.out or dataset_dir_for(args.voice)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    job = prepare_voice_dataset(
        args.folder,
        args.voice,
        out=args.out,
        overwrite=args.overwrite,
        f0=args.f0,
        content=content,
        store=store,
        device=str(device),
        features=not args.no_features,
        speaker=args.speaker_encoder,
    )
    line = ProgressLine(BAR)
    try:
        result = _drain(job, lambda p: line.show(p.done, p.total, f"{p.stage:<9}"))
    except (DatasetJobCancelled, KeyboardInterrupt):
        line.close()
        print(
            "interrupted; the previous dataset is untouched and finished clips stay cached", file=sys.stderr
        )
        return EXIT_INTERRUPTED
    except DatasetTargetError as exc:
        line.close()
        hint = " (pass --overwrite to replace it)" if str(exc).endswith("already holds a dataset") else ""
        print(f"error: {exc}{hint}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # disk full, read-only data folder, ...: the previous dataset is untouched
        line.close()
        where = f": {exc.filename}" if exc.filename else ""
        print(
            f"error: cannot write the dataset: {exc.strerror or exc}{where}; "
            "no dataset was changed",
            file=sys.stderr,
        )
        return EXIT_NO_DATA
    line.close()
    report = result.report
    print(report.summary())
    if not report.usable:
        print(
            "error: no usable clips; nothing was written (fix or replace the files listed above)",
            file=sys.stderr,
        )
        return EXIT_NO_DATA
    print(f"dataset: {out}")
    return EXIT_OK


def _fetch(store, asset: str) -> Path:  # type: ignore[no-untyped-def]
    path = store.locate(asset)
    if path is not None:
        return path
    print(f"downloading {asset} into {store.cache_path(asset)}", file=sys.stderr)
    line = ProgressLine(BAR)
    try:
        percent = lambda p: line.show(int(100 * (p.fraction or 0)), 100, f"{asset:<9}")  # noqa: E731
        return Path(_drain(store.download(asset), percent))
    finally:
        line.close()
