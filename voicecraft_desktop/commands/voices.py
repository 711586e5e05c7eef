"""``voicecraft voices [list|import|export|rename|delete|singers|singer|mix|merge|instant]``: the voice
library from the command line.

Thin over :class:`voicecraft_desktop.core.library.VoiceLibrary` (every write atomic there) and, for
voices made without training on the so-vits-svc-5.0 pretrain, :mod:`voicecraft_desktop.core.voice_making`:

- ``singers``: the pretrain's 56 base singers (and which are downloaded);
- ``singer N [--name NAME]``: base singer N as a voice of the library;
- ``mix NAME --singer N W --voice NAME W --recording FILE W``: a timbre mix (weights are shares);
- ``merge A B --ratio R --name NAME``: the reference's model merge (R of A's generator, 1 - R of B's);
- ``instant FILE... --name NAME``: an instant voice from 10-60 s of the user's singing.

Exit status: 0 done, 2 a bad command line or a library error (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "list, import, export, rename or delete voices in the library"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Sub-actions of ``voices`` (default: list)."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    ls = sub.add_parser("list", help="list the voices (default)")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    imp = sub.add_parser("import", help="add a voice folder, a .zip of one, or a so-vits-svc-5.0 .pth")
    imp.add_argument("path", type=Path)
    imp.add_argument("--name", default=None, help="display name (default: the voice's own / the file name)")
    imp.add_argument("--speaker", type=Path, default=None, help="singer .npy for a so-vits-svc-5.0 .pth")
    exp = sub.add_parser("export", help="write a voice as a .zip")
    exp.add_argument("voice")
    exp.add_argument("dest", type=Path, help="zip file or folder")
    ren = sub.add_parser("rename", help="change a voice's display name")
    ren.add_argument("voice")
    ren.add_argument("new_name")
    rm = sub.add_parser("delete", help="remove a voice from the library")
    rm.add_argument("voice")
    from voicecraft_desktop.commands._options import add_model_file_options, finite_float, int_in_range

    sg = sub.add_parser("singers", help="list the pretrain's 56 base singers")
    sg.add_argument("--json", action="store_true", help="machine-readable output")
    one = sub.add_parser("singer", help="add a base singer of the pretrain as a voice (no training)")
    one.add_argument("number", type=int_in_range(1, 56), help="1 to 56")
    one.add_argument("--name", default=None, help="display name (default: Base singer NN)")
    add_model_file_options(one)
    mix = sub.add_parser("mix", help="a new voice from a weighted mix of voices (no training)")
    mix.add_argument("name", help="display name of the new voice")
    mix.add_argument("--singer", nargs=2, action="append", default=[], metavar=("N", "WEIGHT"),
                     help="a base singer (1-56) and its weight (repeatable)")
    mix.add_argument("--voice", dest="voice_parts", nargs=2, action="append", default=[],
                     metavar=("VOICE", "WEIGHT"), help="a library voice and its weight (repeatable)")
    mix.add_argument("--recording", nargs=2, action="append", default=[], metavar=("FILE", "WEIGHT"),
                     help="a recording of a voice and its weight (repeatable)")
    add_model_file_options(mix)
    mg = sub.add_parser("merge", help="the reference's model merge of two voices with the same model sizes")
    mg.add_argument("voice_a")
    mg.add_argument("voice_b")
    mg.add_argument(
        "--ratio", type=finite_float(0.0, 1.0), required=True, help="share of the first voice, 0-1"
    )
    mg.add_argument("--name", required=True, help="display name of the new voice")
    inst = sub.add_parser("instant", help="an instant voice from 10-60 s of your singing (no training)")
    inst.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="recordings of your voice")
    inst.add_argument("--name", required=True, help="display name of the new voice")
    add_model_file_options(inst)


def run(args: argparse.Namespace) -> int:
    """Runs one library action."""
    from voicecraft_desktop.core.library import LibraryError, VoiceLibrary

    lib = VoiceLibrary()
    action = args.action or "list"
    try:
        if action == "list":
            entries = lib.entries()
            if getattr(args, "json", False):
                print(json.dumps([e.to_dict() for e in entries], indent=1))
                return 0
            if not entries:
                print(f"no voices in {lib.root}")
            for e in entries:
                if not e.available:
                    print(f"[unavailable] {e.folder.name}: {e.problem}")
                    continue
                minutes = "?" if e.minutes_of_data is None else f"{e.minutes_of_data:.1f}"
                steps = "?" if e.steps is None else str(e.steps)
                ex = e.extractors
                print(
                    f"{e.name}  ({e.preset}, {minutes} min of data, {steps} steps, "
                    f"{ex.get('ppg')}+{ex.get('vec')}, f0 {ex.get('pitch') or '?'}, created {e.created_at}, "
                    f"id {e.id})"
                )
        elif action == "import":
            entry = lib.import_voice(args.path, args.name, args.speaker)
            print(f"imported {entry.name!r} ({entry.id}) into {entry.folder}")
        elif action == "export":
            print(f"exported to {lib.export_zip(args.voice, args.dest)}")
        elif action == "rename":
            print(f"renamed to {lib.rename(args.voice, args.new_name).name!r}")
        elif action == "delete":
            lib.delete(args.voice)
            print(f"deleted {args.voice!r}")
        elif action in ("singers", "singer", "mix", "merge", "instant"):
            return _untrained(action, args, lib)
    except LibraryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _store(args: argparse.Namespace):  # -> AssetStore
    from models.formats.assets import AssetStore, parse_overrides
    from voicecraft_desktop.core import paths

    return AssetStore(paths.models_cache_dir(), parse_overrides(getattr(args, "asset", [])))


def _fetch(store, name: str, offline: bool) -> None:  # type: ignore[no-untyped-def]
    """Downloads a missing asset with a progress line (unless ``--offline``)."""
    from voicecraft_desktop.commands._progress import ProgressLine

    if offline or store.locate(name) is not None:
        return
    line = ProgressLine("{desc} [{bar:30}] {percentage:5.1f}%")
    gen = store.download(name)
    try:
        while True:
            try:
                p = next(gen)
            except StopIteration:
                break
            if p.total_bytes:
                line.show(p.done_bytes, p.total_bytes, f"downloading {name}")
    finally:
        line.close()


def _untrained(action: str, args: argparse.Namespace, lib) -> int:  # type: ignore[no-untyped-def]
    """The actions that make voices without training (errors are UserErrors: one line, exit 2)."""
    from voicecraft_desktop.core import voice_making as vm

    if action == "singers":
        from voicecraft_desktop.core import paths

        singers = vm.base_singers(vm.singer_store(paths.models_cache_dir()))
        if getattr(args, "json", False):
            print(json.dumps([{"number": s.number, "name": s.name, "asset": s.asset,
                               "downloaded": s.path is not None} for s in singers], indent=1))
        else:
            for s in singers:
                print(f"{s.number:2d}  {s.name}  ({'downloaded' if s.path else 'fetched when first used'})")
        return 0
    if action == "merge":
        entry = vm.make_merge(lib, args.voice_a, args.voice_b, args.ratio, args.name)
        print(f"merged {args.voice_a!r} ({args.ratio:g}) and {args.voice_b!r} ({1 - args.ratio:g}) "
              f"into {entry.name!r} ({entry.id})")
        return 0
    from voicecraft_desktop.commands._options import check_device
    from voicecraft_desktop.core import paths

    device = check_device(args.device) or "cpu"
    store = _store(args)
    _fetch(store, vm.PRETRAIN_ASSET, args.offline)
    singers = vm.singer_store(paths.models_cache_dir())
    config = vm.pretrain_config()
    if action == "singer":
        entry = vm.make_base_singer(lib, store, singers, args.number, args.name, config=config)
        print(f"added {entry.name!r} ({entry.id}): base singer {args.number} on the pretrain, "
              "ready to convert")
        return 0
    if action == "instant":
        missing = [p for p in args.inputs if not p.is_file()]
        if missing:
            print(f"error: {', '.join(f'{p}: not found' for p in missing)}", file=sys.stderr)
            return 2
        entry = _drain(vm.make_instant(args.inputs, args.name, lib, store, device=device, config=config))
        print(f"added {entry.name!r} ({entry.id}): an instant voice from {len(args.inputs)} recording(s), "
              f"ready to convert")
        return 0
    from voicecraft_desktop.commands._options import finite_float, int_in_range

    parts = []
    weight = finite_float(0.0, None)
    spk_dim = config.model.spk_dim
    for number, w in args.singer:
        n = _parse(int_in_range(1, 56), number, "--singer")
        parts.append(vm.singer_ingredient(singers, n, _parse(weight, w, "--singer"), spk_dim))
    for name, w in args.voice_parts:
        parts.append(vm.voice_ingredient(lib, name, _parse(weight, w, "--voice")))
    for path, w in args.recording:
        share = _parse(weight, w, "--recording")
        parts.append(_drain(vm.recording_ingredient([Path(path)], share, store, device)))
    if not parts:
        print("error: give at least one --singer, --voice or --recording", file=sys.stderr)
        return 2
    entry = vm.make_mix(lib, store, parts, args.name, config=config)
    shares = ", ".join(f"{i['name']} {i['share']:.0%}" for i in entry.recipe["ingredients"])
    print(f"added {entry.name!r} ({entry.id}): a mix of {shares}, ready to convert")
    return 0


def _parse(kind, text: str, option: str):  # type: ignore[no-untyped-def]
    """``kind(text)``, an argparse type, with its error as a usage message naming the option."""
    try:
        return kind(text)
    except argparse.ArgumentTypeError as exc:
        from voicecraft_desktop.core.voice_making import VoiceMakingError

        raise VoiceMakingError(f"{option}: {exc}") from None


def _drain(gen):  # type: ignore[no-untyped-def]
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value
