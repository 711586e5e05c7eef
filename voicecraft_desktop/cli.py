"""The ``voicecraft`` command line: one sub-command per module in ``voicecraft_desktop.commands``.

Qt-free. Adding a sub-command means adding a module with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int`` to ``voicecraft_desktop/commands/`` and one line to ``COMMANDS`` below. Command
modules are imported when the parser is built, so they keep heavy imports (torch, models) inside
``run``.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from voicecraft_desktop import __version__

# Sub-command name -> module implementing it. Order here is the order in ``voicecraft --help``.
COMMANDS: dict[str, str] = {
    "info": "voicecraft_desktop.commands.info",
    "prepare": "voicecraft_desktop.commands.prepare",
    "convert": "voicecraft_desktop.commands.convert",
    "voices": "voicecraft_desktop.commands.voices",
    "train": "voicecraft_desktop.commands.train",
}


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with one sub-parser per entry of ``COMMANDS``."""
    parser = argparse.ArgumentParser(
        prog="voicecraft", description="VoiceCraft Desktop: singing voice conversion from the command line."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        command_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command_parser)
        command_parser.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the chosen sub-command, return its exit code."""
    args = build_parser().parse_args(argv)
    return int(args._run(args))


if __name__ == "__main__":
    raise SystemExit(main())
