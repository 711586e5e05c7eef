"""One trainer per run folder: ``<run>/train.lock`` holds the owner's pid while it trains.

Two trainers in one run folder would write the same checkpoint names and delete each other's
temporaries, so :func:`models.training.train` holds a :class:`RunLock` for the whole run (the CLI
and the app's training child both go through it). The lock file is JSON:
``{"pid": N, "start_time": T, "host": H, "created_at": ISO}``.

Whether the owner is still alive:

- **POSIX**: the owner holds an exclusive ``flock`` on the file for as long as it runs. The kernel
  drops it when the process ends in any way (``kill -9`` included), so a lock file nobody holds is
  stale, whatever pid it names (a reused pid cannot fool it).
- **elsewhere** (or a file system without ``flock``): the file is created exclusively, and it is
  stale when its pid is gone, or when that pid now belongs to a process started at another time
  (``start_time``: from ``/proc`` on Linux, from the OS on Windows). A lock of another host, or an
  unreadable one, is never assumed stale.

A stale lock is taken over (the caller gets a note). Releasing deletes the file. Qt-free.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.errors import Message

LOCK_NAME = "train.lock"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class RunLockedError(RuntimeError):
    """Another live process trains this run folder; ``pid`` is its process id (None if unknown)."""

    def __init__(self, message: str, pid: int | None) -> None:
        super().__init__(message)
        self.pid = pid

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (str(self), self.pid))


def process_start_time(pid: int) -> float | None:
    """When process ``pid`` started (an opaque number comparable for the same pid), None if unknown."""
    if sys.platform.startswith("linux"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        # comm (field 2) may hold spaces and parentheses: split after its closing one
        fields = stat[stat.rfind(")") + 2 :].split()
        try:
            return float(fields[19])  # field 22: starttime, clock ticks after boot
        except (IndexError, ValueError):
            return None
    if sys.platform == "win32":  # pragma: no cover - not tested here
        return _windows_start_time(pid)
    return None


def pid_alive(pid: int, start_time: float | None = None) -> bool:
    """Whether ``pid`` runs and (when both are known) is the process that started at ``start_time``."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would kill the process there
        now = _windows_start_time(pid)
        return now is not None and (start_time is None or now == start_time)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, someone else's
    if start_time is not None:
        now = process_start_time(pid)
        if now is not None and now != start_time:
            return False  # the pid was reused by a later process
    return True


def _windows_start_time(pid: int) -> float | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return None
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value != 259:  # STILL_ACTIVE
            return None
        times = [wintypes.FILETIME() for _ in range(4)]
        if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return None
        return float((times[0].dwHighDateTime << 32) | times[0].dwLowDateTime)
    finally:
        kernel32.CloseHandle(handle)


def _owner_text(info: dict[str, Any] | None) -> str:
    return f"pid {info.get('pid')}" if info and isinstance(info.get("pid"), int) else "another process"


class RunLock:
    """The lock of one run folder (which must exist). Use as a context manager, or acquire/release.

    Args:
        run_dir: the run folder.
        use_flock: use ``flock`` where the platform has it (False forces the pid-only protocol).

    Attributes:
        note: after :meth:`acquire`, a line for the user when a stale lock was taken over, else None.
    """

    def __init__(self, run_dir: str | os.PathLike[str], *, use_flock: bool = True) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / LOCK_NAME
        self.use_flock = use_flock and fcntl is not None
        self.note: str | None = None
        self._fd: int | None = None
        self._token = uuid.uuid4().hex
        self._held = False

    # ------------------------------------------------------------------ public

    def acquire(self) -> RunLock:
        """Takes the lock.

        Raises:
            RunLockedError: a live process holds it ("already training (pid N)").
            OSError: the lock file cannot be written (a read-only run folder ...).
        """
        if self._held:
            return self
        if self.use_flock:
            try:
                self._acquire_flock()
            except OSError as exc:
                if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                    raise
                self.use_flock = False  # a file system without flock: fall back to pids
                self._acquire_pid()
        else:
            self._acquire_pid()
        self._held = True
        return self

    def release(self) -> None:
        """Deletes the lock file (if it is still ours) and drops the lock; safe to call twice."""
        if not self._held:
            return
        self._held = False
        try:
            if (self._read() or {}).get("token") == self._token:
                self.path.unlink(missing_ok=True)
        except OSError:
            pass
        finally:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._fd)  # closing drops the flock
                self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()

    # ------------------------------------------------------------------ internals

    def _info(self) -> bytes:
        pid = os.getpid()
        info = {
            "pid": pid,
            "start_time": process_start_time(pid),
            "host": socket.gethostname(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "token": self._token,
        }
        return json.dumps(info).encode("utf-8")

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "null")
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _refuse(self, info: dict[str, Any] | None) -> RunLockedError:
        pid = info.get("pid") if info and isinstance(info.get("pid"), int) else None
        who = f"pid {pid}" if pid is not None else "another process"
        return RunLockedError(
            f"{self.run_dir}: already training ({who}); wait for it to finish or stop it first", pid
        )

    def _stale_note(self, info: dict[str, Any] | None) -> str:
        owner = _owner_text(info)
        return Message(f"took over the lock of an ended training process ({owner})", "note_lock_taken",
                       owner=owner)

    def _acquire_flock(self) -> None:
        assert fcntl is not None
        for _ in range(20):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise self._refuse(self._read()) from None
            except BaseException:
                os.close(fd)
                raise
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # its owner released (deleted) it between our open and flock: retry
                os.close(fd)
                continue
            previous = self._read()
            if previous and isinstance(previous.get("pid"), int):
                self.note = self._stale_note(previous)
            try:
                os.ftruncate(fd, 0)
                os.write(fd, self._info())
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            return
        raise self._refuse(self._read())  # pragma: no cover - lost the race twenty times

    def _acquire_pid(self) -> None:
        for _ in range(20):
            tmp = self.path.with_name(f".{LOCK_NAME}.{self._token}.tmp")
            tmp.write_bytes(self._info())
            try:
                os.link(tmp, self.path)  # creates the lock complete, or fails if one exists
                return
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
            info = self._read()
            if info is None:
                continue  # released meanwhile
            pid, start = info.get("pid"), info.get("start_time")
            host = info.get("host")
            if not isinstance(pid, int) or (host and host != socket.gethostname()):
                raise self._refuse(info)  # unreadable, or another machine's: never assumed stale
            if pid_alive(pid, start if isinstance(start, (int, float)) else None):
                raise self._refuse(info)
            # Stale: move it aside (one taker wins the rename), check it is the one judged stale.
            aside = self.path.with_name(f".{LOCK_NAME}.{self._token}.stale")
            try:
                os.replace(self.path, aside)
            except FileNotFoundError:
                continue
            try:
                moved = json.loads(aside.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                moved = None
            if moved != info:  # a fresh lock taken meanwhile: put it back
                with contextlib.suppress(OSError):
                    os.link(aside, self.path)
            else:
                self.note = self._stale_note(info)
            aside.unlink(missing_ok=True)
        raise self._refuse(self._read())  # pragma: no cover
