"""The torch settings that exact training resume assumes, in one place for every way a run starts.

A resumed run is bit-identical to an uninterrupted one when both halves compute the same way:
the checkpoint restores the models, optimisers, schedules, scalers, RNGs, data position and
validation history (:mod:`.checkpoints`), and the process must run the same kernels with the
same number of intra-op threads (a CPU reduction's rounding depends on how it is split across
threads). :func:`configure_torch` sets both; ``voicecraft train`` (CLI) and the app's training
child process (:mod:`voicecraft_desktop.core.train_process`) call it.

What is exact: on the CPU, a run resumed with the same thread count (deterministic algorithms
on, which is the default there and costs nothing measurable). On CUDA, deterministic algorithms
are only used when asked for (``--deterministic``): some kernels the training step needs (e.g.
the backward of reflection padding) have no deterministic CUDA implementation, so a CUDA run
resumes from the exact saved state but its continuation is not guaranteed bit-identical.
"""

from __future__ import annotations

import os

import torch

CUBLAS_WORKSPACE = ":4096:8"  # what cuBLAS needs to be deterministic (read when its handle is made)


def configure_torch(
    threads: int = 0, *, deterministic: bool | None = None, device: str | torch.device | None = None
) -> bool:
    """Applies the process-wide torch settings of a training run; returns whether they are deterministic.

    Args:
        threads: torch intra-op threads (0 or less: leave torch's default).
        deterministic: True forces deterministic algorithms (an op without one then raises),
            False leaves torch as it is, None (default) turns them on when ``device`` is the CPU.
        device: where the run computes (None: CUDA when available, as the trainer chooses).
    """
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
    return bool(deterministic)
