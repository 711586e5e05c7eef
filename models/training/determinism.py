"""The torch settings that exact training resume assumes, in one place for every way a run starts.

A resumed run is bit-identical to an uninterrupted one when both halves compute the same way:
the checkpoint restores the models, optimisers, schedules, scalers, RNGs, data position and
validation history (:mod:`.checkpoints`), and the process must run the same kernels with the
same number of intra-op threads (a CPU reduction's rounding depends on how it is split across
threads). :func:`configure_torch` sets both; ``voicecraft train`` (CLI) and the app's training
child process (:mod:`voicecraft_desktop.core.train_process`) call it.

What is exact: on the CPU, a run resumed with the same thread count (deterministic algorithms
are on by default there). On CUDA they are only used when asked for (``--deterministic``), and
the training step needs a kernel torch has no deterministic CUDA version of (the backward of
reflection padding in the spectra: torch then raises at the first step), so a CUDA run resumes
from the exact saved state but its continuation is not guaranteed bit-identical.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import torch

CUBLAS_WORKSPACE = ":4096:8"  # what cuBLAS needs to be deterministic (read when its handle is made)


def configure_torch(
    threads: int = 0, *, deterministic: bool | None = None, device: str | torch.device | None = None
) -> Callable[[], None]:
    """Applies the process-wide torch settings of a training run; returns a function that undoes them.

    A process that does more after training (the CLI exports, a test goes on) calls the returned
    function so the settings do not leak; the app's training child simply ends.

    Args:
        threads: torch intra-op threads (0 or less: leave torch's default).
        deterministic: True forces deterministic algorithms (an op without one then raises),
            False leaves torch as it is, None (default) turns them on when ``device`` is the CPU.
        device: where the run computes (None: CUDA when available, as the trainer chooses).
    """
    before = (
        torch.get_num_threads(),
        torch.are_deterministic_algorithms_enabled(),
        torch.backends.cudnn.benchmark,
    )

    def restore() -> None:
        torch.set_num_threads(before[0])
        torch.use_deterministic_algorithms(before[1])
        torch.backends.cudnn.benchmark = before[2]

    if threads and threads > 0:
        torch.set_num_threads(int(threads))
    if deterministic is None:
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        deterministic = torch.device(device).type == "cpu"
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", CUBLAS_WORKSPACE)
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True)
    return restore
