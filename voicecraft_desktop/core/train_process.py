"""Training in a child process, seen from the app as an ordinary generator task.

:func:`train_in_process` has the signature and the progress of :func:`models.training.train`
(it yields the same :class:`~models.training.TrainProgress` values and returns the same
:class:`~models.training.TrainResult`), but the trainer runs in a ``spawn``-ed child process:

- **the GUI keeps its interpreter to itself**: a trainer thread in the app's process runs a great
  deal of Python between torch kernels, and every bit of it holds the GIL the GUI thread needs to
  paint. In a child it competes for CPU only, which the OS scheduler shares fairly with a thread
  that sleeps most of the time (``bench/bench_ui.py`` measures the difference);
- **a crash stays in the child**: an out-of-memory kill, a CUDA driver fault or a segfault in a
  native library ends the run with a message, not the app (the last checkpoint is untouched,
  checkpoint writes being atomic).

Control flows as in the thread version: the caller's ``cancel`` and ``pause`` events are
mirrored into process-shared events every ``POLL_S``; progress comes back over a pipe. Closing
the generator (the app shutting down) sets the child's cancel event and waits for the trainer to
write its final checkpoint (up to ``shutdown_timeout_s``) before the child is terminated.

Qt-free, like the rest of ``core``. In a frozen build, ``main.py`` calls
``multiprocessing.freeze_support()`` so the bundle's executable can act as the child.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
import weakref
from collections.abc import Generator
from pathlib import Path
from typing import Any

from models.errors import Message

POLL_S = 0.05
SHUTDOWN_TIMEOUT_S = 120.0

# Message tags on the pipe (child -> parent).
_PROGRESS, _RESULT, _ERROR = "progress", "result", "error"
_CHILDREN: weakref.WeakSet = weakref.WeakSet()  # training children started and not yet joined


def end_training_processes() -> int:
    """Terminates every training child still running; returns how many.

    For an app quitting after its grace period: the child was asked to stop (its cancel event)
    and did not finish its step in time. Checkpoint writes are atomic, so the last complete
    checkpoint stays; the generator driving the child then raises :class:`TrainProcessError`
    (a cancellation for the job, its cancel event being set).
    """
    ended = 0
    for process in list(_CHILDREN):
        if process.is_alive():
            process.terminate()
            ended += 1
    return ended


class RemoteTraceback(Exception):
    """Carries the child's formatted traceback as the ``__cause__`` of the error re-raised here."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0]) if self.args else ""


class TrainProcessError(RuntimeError):
    """The training process failed or died; the message says how (the trainer's own message if any)."""


def train_in_process(
    run_dir: str | Path,
    dataset_dir: str | Path,
    config: Any,
    *,
    feature_cache: str | Path,
    base: str | Path | None = None,
    cancel: Any = None,
    pause: Any = None,
    device: str | None = None,
    max_steps: int | None = None,
    threads: int = 0,
    shutdown_timeout_s: float = SHUTDOWN_TIMEOUT_S,
    launch: Any = None,
) -> Generator[Any, None, Any]:
    """Runs :func:`models.training.train` in a child process; yields its progress, returns its result.

    Args:
        run_dir, dataset_dir, config, feature_cache, base, device, max_steps: as for
            :func:`models.training.train` (they are pickled to the child).
        cancel: anything with ``is_set()``; when set, the run stops after its current step.
        pause: anything with ``is_set()``; while set, the run waits between steps.
        threads: torch intra-op threads in the child (0: torch's default).
        launch: a :class:`models.training.distributed.Launch` to train in several processes (the
            child starts them with torchrun), or None.
        shutdown_timeout_s: how long closing this generator waits for the final checkpoint.

    Raises:
        models.training.TrainingError: what the trainer raised (same message).
        TrainProcessError: any other failure in the child, or the child died (exit code given).
    """
    ctx = multiprocessing.get_context("spawn")
    child_cancel, child_pause = ctx.Event(), ctx.Event()
    receiver, sender = ctx.Pipe(duplex=False)
    kwargs = dict(run_dir=str(run_dir), dataset_dir=str(dataset_dir), config=config,
                  feature_cache=str(feature_cache), base=None if base is None else str(base),
                  device=device, max_steps=max_steps)
    if launch is not None:
        kwargs["launch"] = launch
    process = ctx.Process(target=_child_main, args=(sender, child_cancel, child_pause, kwargs, threads),
                          name="voicecraft-train", daemon=True)
    process.start()
    _CHILDREN.add(process)
    sender.close()  # the child holds the only writer: EOF on the pipe means it has gone

    def mirror() -> None:
        if cancel is not None and cancel.is_set():
            child_cancel.set()
        if pause is not None:
            (child_pause.set if pause.is_set() else child_pause.clear)()

    def receive(timeout: float) -> tuple | None:
        """The next message, None when none arrived in ``timeout``; raises when the child is gone."""
        if not receiver.poll(timeout):
            return None
        try:
            return receiver.recv()
        except EOFError:
            process.join(5)
            raise TrainProcessError(Message(
                f"the training process ended unexpectedly (exit code {process.exitcode}); "
                "the last checkpoint is kept, press Start to resume", "train_process_died",
                exit_code=process.exitcode)) from None

    def outcome(message: tuple) -> Any:
        tag, payload = message[0], message[1:]
        if tag == _RESULT:
            return payload[0]
        error, text, trace = payload
        if isinstance(error, BaseException):
            raise error from RemoteTraceback(trace)
        raise TrainProcessError(text) from RemoteTraceback(trace)

    finished = False
    try:
        while True:
            mirror()
            message = receive(POLL_S)
            if message is None:
                continue
            if message[0] == _PROGRESS:
                yield message[1]
                continue
            finished = True
            return outcome(message)
    except GeneratorExit:
        # The app is closing (or the job was cancelled): stop cleanly, keep the final checkpoint.
        child_cancel.set()
        deadline = time.monotonic() + shutdown_timeout_s
        while time.monotonic() < deadline and process.is_alive():
            try:
                message = receive(POLL_S)
            except TrainProcessError:
                break
            if message is not None and message[0] != _PROGRESS:
                break
        finished = True
        raise
    finally:
        if not finished:
            child_cancel.set()
        process.join(shutdown_timeout_s if finished else 5)
        if process.is_alive():
            process.terminate()
            process.join(5)
        receiver.close()


def _child_main(sender, cancel, pause, kwargs: dict, threads: int) -> None:  # type: ignore[no-untyped-def]
    """Entry point of the child process: runs the trainer and reports over ``sender``."""
    try:
        from models.training import train
        from models.training.determinism import configure_torch

        # The same settings as `voicecraft train` (exact resume on the CPU: see the module).
        configure_torch(threads, device=kwargs.get("device"))

        gen = train(cancel=cancel, pause=pause, **kwargs)
        while True:
            try:
                item = next(gen)
            except StopIteration as done:
                sender.send((_RESULT, done.value))
                return
            sender.send((_PROGRESS, item))
    except BaseException as error:  # noqa: BLE001 - everything is reported to the parent
        trace = "".join(traceback.format_exception(error))
        try:
            sender.send((_ERROR, _picklable(error), str(error) or type(error).__name__, trace))
        except Exception:  # noqa: BLE001 - the pipe is gone: the parent sees EOF and says so
            pass
    finally:
        sender.close()


def _picklable(error: BaseException) -> BaseException | None:
    """The exception itself when it survives pickling (so TrainingError stays TrainingError), else None."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001
        return None
    return error
