"""The worker layer: signal order, throttling, errors (dialog-free here: signal + log file), cancel,
the single GPU slot, shutdown, and no thread left running (conftest checks every test)."""

from __future__ import annotations

import threading
import time

import pytest

from voicecraft_desktop.core.logfile import log_file_path
from voicecraft_desktop.ui.worker import JobRefused, JobRunner, TaskWorker


def _record(job) -> list:
    seen: list = []
    job.progress.connect(lambda v: seen.append(("progress", v)))
    job.result.connect(lambda v: seen.append(("result", v)))
    job.failed.connect(lambda m, tb: seen.append(("failed", m)))
    job.cancelled.connect(lambda: seen.append(("cancelled",)))
    job.finished.connect(lambda: seen.append(("finished",)))
    return seen


def counting(n: int, sleep_s: float = 0.0, result="done"):
    def task(cancel: threading.Event):
        for i in range(n):
            if sleep_s:
                time.sleep(sleep_s)
            yield i
        return result

    return task


def test_worker_run_in_calling_thread_emits_progress_result_finished() -> None:
    worker = TaskWorker(counting(3, sleep_s=0.12, result=42))
    seen = _record(worker)
    worker.run()
    assert seen == [("progress", 0), ("progress", 1), ("progress", 2), ("result", 42), ("finished",)]


def test_job_signal_order_result(ctx, qtbot) -> None:
    runner: JobRunner = ctx.runner
    with qtbot.waitSignal(runner.job_started, timeout=1000) as started:
        job = runner.start("count", counting(3, result={"ok": 1}))
    assert started.args == ["count"]
    seen = _record(job)
    with qtbot.waitSignals([job.result, job.finished, runner.job_finished], order="strict", timeout=5000):
        pass
    assert seen[-2:] == [("result", {"ok": 1}), ("finished",)]
    progress = [v for kind, *v in seen if kind == "progress"]
    assert progress[0] == [0] and progress[-1] == [2], "first and last progress are always delivered"
    assert not job.is_running()
    assert runner.jobs() == []


def test_progress_is_throttled_to_about_10_hz_and_last_is_delivered(ctx, qtbot) -> None:
    job = ctx.runner.start("flood", counting(200_000, result=None))
    seen = _record(job)
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    values = [v for kind, *v in seen if kind == "progress"]
    assert values[-1] == [199_999]
    assert len(values) < 100, f"{len(values)} progress signals for a fast task: not throttled"


def test_slow_progress_is_not_dropped(ctx, qtbot) -> None:
    job = ctx.runner.start("slow", counting(4, sleep_s=0.12))
    seen = _record(job)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert [v for kind, *v in seen if kind == "progress"] == [[0], [1], [2], [3]]


def test_failure_emits_failed_then_finished_and_is_logged(ctx, qtbot) -> None:
    def boom(cancel):
        yield "working"
        raise ValueError("the boom the user must see")

    job = ctx.runner.start("exploding job", boom)
    seen = _record(job)
    tracebacks: list[str] = []
    job.failed.connect(lambda m, tb: tracebacks.append(tb))
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=5000):
        pass
    assert ("failed", "the boom the user must see") in seen
    assert not any(kind in ("result", "cancelled") for kind, *_ in seen)
    assert "ValueError" in tracebacks[0] and "boom" in tracebacks[0]
    log_text = log_file_path().read_text(encoding="utf-8")
    assert "exploding job" in log_text and "ValueError: the boom the user must see" in log_text


def test_cancel_after_first_progress_stops_and_closes_the_generator(ctx, qtbot) -> None:
    closed = threading.Event()

    def endless(cancel):  # ignores its event: the worker must stop it at the next yield
        try:
            i = 0
            while True:
                time.sleep(0.01)
                yield i
                i += 1
        finally:
            closed.set()

    job = ctx.runner.start("endless", endless)
    seen = _record(job)
    with qtbot.waitSignal(job.progress, timeout=5000):
        pass
    job.cancel()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=5000):
        pass
    assert closed.is_set(), "the generator's finally block did not run"
    assert not any(kind in ("result", "failed") for kind, *_ in seen)


def test_engine_cancel_exception_counts_as_cancelled_not_failed(ctx, qtbot) -> None:
    from models.formats.assets import DownloadCancelled

    started = threading.Event()

    def engine(cancel):
        started.set()
        cancel.wait(10)
        if cancel.is_set():
            raise DownloadCancelled("x", "download of x cancelled")
        yield 1

    job = ctx.runner.start("download", engine)
    seen = _record(job)
    assert started.wait(5)
    job.cancel()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=5000):
        pass
    assert not any(kind == "failed" for kind, *_ in seen)


def _blocking(release: threading.Event):
    def task(cancel):
        while not (release.is_set() or cancel.is_set()):
            time.sleep(0.005)
            yield None
        return "released"

    return task


def test_one_gpu_job_at_a_time(ctx, qtbot) -> None:
    release = threading.Event()
    first = ctx.runner.start("Training", _blocking(release), gpu=True)
    with pytest.raises(JobRefused, match="while 'Training' is running"):
        ctx.runner.start("Conversion", counting(1), gpu=True)
    cpu_job = ctx.runner.start("Recording analysis", counting(1))  # CPU jobs still run alongside
    with qtbot.waitSignal(cpu_job.finished, timeout=5000):
        pass
    assert ctx.runner.gpu_job() is first
    release.set()
    with qtbot.waitSignal(first.finished, timeout=5000):
        pass
    assert ctx.runner.gpu_job() is None
    second = ctx.runner.start("Conversion", counting(1, result="converted"), gpu=True)
    with qtbot.waitSignal(second.result, timeout=5000) as blocker:
        pass
    assert blocker.args == ["converted"]
    qtbot.waitUntil(lambda: not ctx.runner.is_busy(), timeout=5000)


def test_shutdown_cancels_and_waits_for_every_job(ctx, qtbot) -> None:
    never = threading.Event()
    jobs = [ctx.runner.start(f"job {i}", _blocking(never), gpu=(i == 0)) for i in range(3)]
    seen = [_record(job) for job in jobs]
    with qtbot.waitSignal(jobs[2].progress, timeout=5000):
        pass
    t0 = time.monotonic()
    assert ctx.runner.shutdown(timeout_s=10)
    assert time.monotonic() - t0 < 5
    for record in seen:
        assert record[-2:] == [("cancelled",), ("finished",)]
    assert not ctx.runner.is_busy()
    with pytest.raises(JobRefused, match="closing"):
        ctx.runner.start("late", counting(1))
