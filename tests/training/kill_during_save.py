"""Runs ``voicecraft`` with ``torch.save`` patched to die (SIGKILL) half-way through one checkpoint write.

Usage: ``python -m tests.training.kill_during_save FRAGMENT ARGS...``: the first ``torch.save``
whose target path contains FRAGMENT writes half of its bytes, flushes them to disk and kills the
process, exactly as a power cut or ``kill -9`` during the write would.
"""

from __future__ import annotations

import io
import os
import signal
import sys

import torch


def main() -> int:
    fragment, args = sys.argv[1], sys.argv[2:]
    real_save = torch.save

    def dying_save(obj, f, *a, **k):  # type: ignore[no-untyped-def]
        if isinstance(f, (str, os.PathLike)) and fragment in os.fspath(f):
            buffer = io.BytesIO()
            real_save(obj, buffer, *a, **k)
            data = buffer.getvalue()
            with open(f, "wb") as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                os.fsync(handle.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
        return real_save(obj, f, *a, **k)

    torch.save = dying_save
    from voicecraft_desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
