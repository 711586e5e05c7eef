"""Atomic file writes: the one implementation of "temporary sibling, fsync, rename" for every file
the app writes (voices, checkpoints, manifests, caches, indexes, exports), so a crash, a full disk
or a cancel never leaves a half-written file under its final name.

:func:`atomic_path` is the rule; :func:`atomic_write_bytes` and :func:`atomic_write_text` are its
two common uses. Temporaries are named ``.NAME.<8 random chars><suffix>`` beside the target, so
cleaners can recognise ours by pattern (the converter's ``.part`` files, checkpoints' ``.tmp``).

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Flushes a folder's entries (a rename's durability); a no-op where folders cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open directories; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = ".tmp") -> Iterator[Path]:
    """Yields a new, empty temporary sibling of ``path`` to write; on a normal exit it is flushed to
    disk and renamed over ``path`` (then the folder is flushed); on any exception it is removed and
    ``path`` is untouched.

    The temporary gets the user's normal file mode (:func:`mkstemp`), so the final file does too.

    Raises:
        OSError: the folder cannot be written, or the flush or rename failed (disk full, ...).
    """
    path = Path(path)
    fd, tmp = mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Writes ``data`` to ``path`` atomically (:func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Writes UTF-8 ``text`` to ``path`` atomically (:func:`atomic_path`)."""
    atomic_write_bytes(path, text.encode("utf-8"))
