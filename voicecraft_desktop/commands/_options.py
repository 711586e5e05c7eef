"""Command-line options several sub-commands share. Qt-free, nothing heavy imported."""

from __future__ import annotations

import argparse


def add_model_file_options(parser: argparse.ArgumentParser) -> None:
    """``--asset NAME=PATH`` (repeatable), ``--offline`` and ``--device``: for commands that load
    the pretrained feature extractors."""
    parser.add_argument(
        "--asset",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="use this local file for a pretrained asset (repeatable)",
    )
    parser.add_argument("--offline", action="store_true", help="never download; fail if weights are missing")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda if available)")
