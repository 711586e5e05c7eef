"""``voicecraft voices [list|import|export|rename|delete]``: the voice library from the command line.

Thin over :class:`voicecraft_desktop.core.library.VoiceLibrary` (every write atomic there).
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
    except LibraryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
