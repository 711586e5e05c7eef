"""Sub-commands of ``voicecraft`` (see ``voicecraft_desktop.cli.COMMANDS``). Qt-free.

Each module defines ``HELP: str``, ``add_arguments(parser)`` and ``run(args) -> int``, and imports
anything heavy inside ``run``.
"""
