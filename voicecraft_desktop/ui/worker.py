"""Run Qt-free generator tasks in QThreads: :class:`TaskWorker`, :class:`Job`, :class:`JobRunner`.

A *task* is a generator from ``models`` or ``voicecraft_desktop.core``: it yields progress values,
checks a :class:`threading.Event` between steps, and returns its result (superqt
``GeneratorWorker`` semantics without Qt in the engine). A page hands :meth:`JobRunner.start` a
factory ``task(cancel_event) -> generator`` and connects to the returned :class:`Job`::

    job = ctx.runner.start("Prepare dataset", lambda cancel: prepare_dataset(src, out, cancel=cancel))
    job.progress.connect(self._on_progress)   # throttled to ~10 Hz, the last one always arrives
    job.result.connect(self._on_done)         # the generator's return value
    job.failed.connect(self._on_failed)       # (message, traceback); also written to the log file
    job.finished.connect(self._on_finished)   # always last, after result / failed / cancelled

Signal order of one job: ``progress*`` then exactly one of ``result``, ``failed`` or ``cancelled``,
then ``finished``. Connections made right after ``start()`` returns never miss anything: the
worker's signals reach the :class:`Job` (a GUI-thread object) through queued connections, which
are delivered only when the GUI event loop runs again.

Cancellation: :meth:`Job.cancel` sets the event directly (thread-safe; a queued slot would never
run while the worker is busy). The worker stops at the generator's next ``yield`` (closing it, so
its ``finally`` blocks run), and an exception raised after the event was set (the engines raise
``PrepareCancelled``, ``DownloadCancelled``, ...) counts as a cancellation, not a failure.

The runner keeps a reference to every thread until it has finished, runs one ``gpu=True`` job at a
time (a second one raises :class:`JobRefused` with a message for the user), and
:meth:`JobRunner.shutdown` cancels everything and waits (superqt ``await_workers``).
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, Qt, QThread, Signal, Slot

from voicecraft_desktop.core.logfile import ensure_log_file

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1  # ~10 Hz: as fast as anyone reads a progress bar, slow enough to never flood

TaskFactory = Callable[[threading.Event], Generator[Any, Any, Any]]


class JobRefused(RuntimeError):
    """A job could not start (another GPU job is running, or the runner is shutting down)."""


class JobSignals(QObject):
    """The signals of one job, in this order: ``progress*`` (a task's yielded values), then exactly
    one of ``result`` (its return value), ``failed`` (message, traceback) or ``cancelled``, then
    ``finished``. The worker emits them in its thread; the :class:`Job` re-emits them in the GUI's."""

    progress = Signal(object)
    result = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    finished = Signal()


class TaskWorker(JobSignals):
    """Runs one generator task in whatever thread it lives in; never touches widgets.

    Args:
        task: factory called (in the worker thread) with the cancel event; returns the generator.
        cancel_event: the event :meth:`cancel` sets; a new one when omitted.
        progress_interval_s: minimum time between two ``progress`` signals.
    """

    def __init__(
        self,
        task: TaskFactory,
        cancel_event: threading.Event | None = None,
        progress_interval_s: float = PROGRESS_INTERVAL_S,
    ) -> None:
        super().__init__()
        self._task = task
        self._cancel = cancel_event if cancel_event is not None else threading.Event()
        self._interval_s = progress_interval_s

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def cancel(self) -> None:
        """Ask the task to stop; safe from any thread."""
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        """Iterate the task to its end and emit the terminal signals. Call it from the worker thread."""
        try:
            self._run()
        finally:
            self.finished.emit()

    def _run(self) -> None:
        if self._cancel.is_set():
            self.cancelled.emit()
            return
        pending: Any = None
        has_pending = False
        last_emit = float("-inf")
        try:
            generator = self._task(self._cancel)
            while True:
                if self._cancel.is_set():
                    generator.close()
                    raise _Stopped
                try:
                    value = next(generator)
                except StopIteration as stop:
                    outcome = stop.value
                    break
                now = time.monotonic()
                if now - last_emit >= self._interval_s:
                    self.progress.emit(value)
                    last_emit = now
                    has_pending = False
                else:
                    pending, has_pending = value, True
        except _Stopped:
            self._flush(pending, has_pending)
            self.cancelled.emit()
            return
        except BaseException as error:  # noqa: BLE001 - everything is reported, nothing escapes the thread
            self._flush(pending, has_pending)
            if self._cancel.is_set():
                log.info("task stopped after cancel: %s", error)
                self.cancelled.emit()
            else:
                message = str(error) or type(error).__name__
                self.failed.emit(message, "".join(traceback.format_exception(error)))
            return
        self._flush(pending, has_pending)
        if self._cancel.is_set():
            self.cancelled.emit()
        else:
            self.result.emit(outcome)

    def _flush(self, pending: Any, has_pending: bool) -> None:
        if has_pending:
            self.progress.emit(pending)


class _Stopped(Exception):
    pass


class Job(JobSignals):
    """A running task, as the pages see it: the worker's signals relayed in the GUI thread.

    Attributes:
        name: what the status bar shows.
        gpu: whether it holds the runner's single GPU slot.
    """

    def __init__(
        self, name: str, gpu: bool, cancel_event: threading.Event, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.gpu = gpu
        self._cancel = cancel_event
        self._done = False
        self.finished.connect(self._mark_done)

    def cancel(self) -> None:
        """Ask the job to stop; ``cancelled`` then ``finished`` follow once the task has stopped."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        """True until ``finished`` has been delivered."""
        return not self._done

    @Slot()
    def _mark_done(self) -> None:
        self._done = True


class JobRunner(QObject):
    """Owns the worker threads of the app. One instance lives in the :class:`AppContext`."""

    job_started = Signal(str)
    job_finished = Signal(str)  # after the job's own ``finished``, once its thread has ended

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []  # started and not yet finished (as seen by the GUI thread)
        self._threads: dict[QThread, tuple[TaskWorker, Job]] = {}  # referenced until QThread.finished
        self._gpu_job: Job | None = None
        self._closing = False

    def jobs(self) -> list[Job]:
        """The jobs that have not finished yet, oldest first."""
        return list(self._jobs)

    def gpu_job(self) -> Job | None:
        """The job holding the GPU slot, if any."""
        return self._gpu_job

    def is_busy(self) -> bool:
        return bool(self._jobs)

    def start(self, name: str, task: TaskFactory, *, gpu: bool = False) -> Job:
        """Start ``task(cancel_event)`` in a new QThread.

        Args:
            name: shown in the status bar and in log messages.
            task: factory of the generator; it runs in the worker thread.
            gpu: the job uses the compute device (training, conversion); only one at a time.

        Raises:
            JobRefused: another GPU job is running, or the runner is shutting down.
        """
        if self._closing:
            raise JobRefused(
                QCoreApplication.translate(
                    "JobRunner", "Cannot start '{name}': the application is closing."
                ).format(name=name)
            )
        if gpu and self._gpu_job is not None:
            raise JobRefused(
                QCoreApplication.translate(
                    "JobRunner",
                    "Cannot start '{name}' while '{running}' is running: only one job uses the compute "
                    "device at a time. Wait for it to finish or stop it first.",
                ).format(name=name, running=self._gpu_job.name)
            )
        ensure_log_file()
        worker = TaskWorker(task)
        job = Job(name, gpu, worker.cancel_event)
        thread = QThread()
        thread.setObjectName(f"job: {name}")
        worker.moveToThread(thread)
        # Relays: worker (worker thread) -> job (GUI thread) are queued by Qt's automatic type.
        worker.progress.connect(job.progress)
        worker.result.connect(job.result)
        worker.failed.connect(job.failed)
        worker.cancelled.connect(job.cancelled)
        worker.finished.connect(job.finished)
        # quit() is thread-safe; a direct connection stops the thread's loop as soon as run() returns.
        # (The QThread object lives in the GUI thread, so an automatic connection would be queued and
        # shutdown()'s wait in the GUI thread would deadlock.)
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.started.connect(worker.run)
        thread.finished.connect(self._on_thread_finished)
        job.failed.connect(lambda message, tb, n=name: self._log_failure(n, message, tb))
        job.finished.connect(lambda j=job: self._on_job_finished(j))
        self._jobs.append(job)
        self._threads[thread] = (worker, job)  # a worker without a reference is collected
        if gpu:
            self._gpu_job = job
        log.info("job started: %s%s", name, " (gpu)" if gpu else "")
        thread.start()
        self.job_started.emit(name)
        return job

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel()

    def begin_shutdown(self) -> None:
        """Refuse new jobs and ask every running one to stop; returns at once (the window waits for
        :meth:`has_threads` to turn false while it keeps painting)."""
        self._closing = True
        self.cancel_all()

    @property
    def closing(self) -> bool:
        """True once :meth:`begin_shutdown` or :meth:`shutdown` was called: the app is quitting."""
        return self._closing

    def has_threads(self) -> bool:
        """True while some job's thread has not ended yet."""
        return bool(self._threads)

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Refuse new jobs, cancel all, wait for every thread to end (blocking: tests, the self-test).

        Args:
            timeout_s: total time to wait for all threads.

        Returns:
            True when every thread ended in time (False: a task ignored its cancel event for longer).
        """
        self._closing = True
        self.cancel_all()
        deadline = time.monotonic() + timeout_s
        all_done = True
        for thread in list(self._threads):
            remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
            if not thread.wait(QDeadlineTimer(remaining_ms)):
                log.error("job thread %s did not stop within %.1f s", thread.objectName(), timeout_s)
                all_done = False
        # Deliver the queued cancelled/finished signals so the pages and the status bar settle.
        if QCoreApplication.instance() is not None:
            QCoreApplication.sendPostedEvents()
            QCoreApplication.processEvents()
        return all_done

    def _log_failure(self, name: str, message: str, tb: str) -> None:
        log.error("job '%s' failed: %s\n%s", name, message, tb)

    def _on_job_finished(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        if self._gpu_job is job:
            self._gpu_job = None
        log.info("job finished: %s", job.name)

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        entry = self._threads.pop(thread, None)  # type: ignore[arg-type]
        if entry is None:
            return
        # QThread.finished is emitted from the thread just before it really ends: join it before the
        # last reference goes (destroying a QThread that still runs crashes the process).
        thread.wait()
        # The worker and the QThread are Python-owned and go with their last reference (no event loop
        # runs in the ended thread, so deleting the worker from here is safe). The Job has no parent:
        # it lives while a page holds it, so late calls on it stay valid.
        # Queued after the worker's finished relay: every Job.finished slot has run by now.
        self.job_finished.emit(entry[1].name)
