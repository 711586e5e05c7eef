"""The ``voicecraft`` command line: one sub-command per module in ``voicecraft_desktop.commands``.

Qt-free. Adding a sub-command means adding a module with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int`` to ``voicecraft_desktop/commands/`` and one line to ``COMMANDS`` below. Command
modules are imported when the parser is built, so they keep heavy imports (torch, models) inside
``run``.

Errors: :func:`main` is the one place a command's exception ends. An expected error the user can
fix (:class:`models.errors.UserError` and its family: library, asset, import, artifact, config,
training, conversion errors) prints one line ``error: <message>`` and exits 2. Anything else is a
bug: its traceback goes to the log file (:mod:`voicecraft_desktop.core.logfile`) and one line says
where; exit 1. Ctrl-C exits 130. PyTorch's advice to retry a refused load with
``weights_only=False`` is never printed.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from voicecraft_desktop import __version__

EXIT_USER_ERROR = 2  # as argparse's usage errors: the input or the machine, not the program
EXIT_BUG = 1
EXIT_INTERRUPTED = 130

log = logging.getLogger(__name__)

# Sub-command name -> module implementing it. Order here is the order in ``voicecraft --help``.
COMMANDS: dict[str, str] = {
    "info": "voicecraft_desktop.commands.info",
    "prepare": "voicecraft_desktop.commands.prepare",
    "convert": "voicecraft_desktop.commands.convert",
    "separate": "voicecraft_desktop.commands.separate",
    "index": "voicecraft_desktop.commands.index",
    "voices": "voicecraft_desktop.commands.voices",
    "train": "voicecraft_desktop.commands.train",
    "live": "voicecraft_desktop.commands.live",
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


def user_error_types() -> tuple[type[BaseException], ...]:
    """Every exception class whose message is meant for the user as it stands.

    :class:`models.errors.UserError` covers the models and core layers; the few error classes that
    predate it are listed by name (imported only when a command failed, so ``--help`` stays instant).
    """
    from models.errors import UserError

    types: list[type[BaseException]] = [UserError]
    for module_name, class_name in (
        ("models.training", "TrainingError"),
        ("models.convert.options", "ConvertError"),
        ("models.features.audio", "AudioLoadError"),
        ("voicecraft_desktop.core.library", "LibraryError"),
    ):
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module is not None else None
        if isinstance(cls, type) and issubclass(cls, BaseException):
            types.append(cls)
    return tuple(types)


def _one_line(text: str) -> str:
    """``text`` without PyTorch's ``weights_only`` advice; multi-line messages keep their lines."""
    from models.errors import scrub

    return scrub(text).rstrip() or "failed"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the chosen sub-command, return its exit code.

    Returns:
        the command's code; 2 for a user error (one ``error:`` line on stderr), 1 for an unexpected
        one (its traceback in the log file, one line naming the log on stderr), 130 on Ctrl-C.
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the top of the program: every error ends here, as one line
        return _report(exc, args.command)


def _report(exc: Exception, command: str) -> int:
    """Prints one line for ``exc`` and logs it (with its traceback when it is a bug)."""
    from voicecraft_desktop.core.logfile import log_exception

    if isinstance(exc, user_error_types()):
        message = _one_line(str(exc))
        log_exception(f"voicecraft {command}: {message}", exc, traceback=False)
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USER_ERROR
    where = log_exception(f"voicecraft {command} failed unexpectedly", exc, traceback=True)
    first = _one_line(str(exc)).splitlines()[0] if str(exc) else ""
    detail = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if len(detail) > 160:
        detail = detail[:159] + "…"
    place = f"details in {where}" if where else "the log file could not be written"
    print(f"error: unexpected error ({detail}); {place}", file=sys.stderr)
    return EXIT_BUG


if __name__ == "__main__":
    raise SystemExit(main())
