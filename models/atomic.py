"""Temporary siblings for atomic writes, created with the user's normal file mode.

:func:`mkstemp` is a drop-in for :func:`tempfile.mkstemp` (same arguments, same ``(fd, path)``
result, same ``PREFIX`` + 8 random characters + ``SUFFIX`` name) except for the mode: the standard
library creates its temporaries 0600 whatever the umask, and since every atomic write renames
the temporary into place, each export inherited that mode (a converted song or a zipped voice
that no one else on the machine can read). Here the file is created ``0666 & ~umask`` by the
kernel itself (``os.open``'s mode), so exports get what any other program would give them
(0644 under umask 022) without reading or changing the process-wide umask (not thread-safe).
"""

from __future__ import annotations

import os
import secrets

RANDOM_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile's alphabet: names look the same
RANDOM_LEN = 8
_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOINHERIT", 0)
)


def mkstemp(
    suffix: str = "",
    prefix: str = "tmp",
    dir: str | os.PathLike[str] | None = None,  # noqa: A002
) -> tuple[int, str]:
    """Creates a new, empty file ``dir/prefix<8 random chars>suffix`` exclusively.

    Args:
        suffix, prefix: as for :func:`tempfile.mkstemp`.
        dir: the folder (default: the current one; callers pass the destination's folder).

    Returns:
        (an open read-write descriptor, the absolute path). The caller closes and removes it.

    Raises:
        OSError: the folder cannot be written (``FileExistsError`` only after 100 collisions).
    """
    folder = os.path.abspath(os.fspath(dir) if dir is not None else os.curdir)
    for _ in range(100):
        name = "".join(secrets.choice(RANDOM_CHARS) for _ in range(RANDOM_LEN))
        path = os.path.join(folder, f"{prefix}{name}{suffix}")
        try:
            return os.open(path, _FLAGS, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")
