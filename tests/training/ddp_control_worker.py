"""A distributed training worker with one deliberate fault, for the controls of test_distributed.py.

Usage (under torchrun): ``ddp_control_worker.py MODE SPEC.json`` with MODE

- ``unsync``: no DistributedDataParallel (each process steps on its own gradients);
- ``order``: the epoch's sample order reversed (a different data order than one process's).

Everything else is :func:`models.training.distributed.main`.
"""

from __future__ import annotations

import sys

import torch.nn.parallel

from models.training import distributed
from models.training.dataset import EpochSampler


def _no_ddp(module, **kwargs):  # type: ignore[no-untyped-def]
    return module


def main() -> int:
    mode, spec = sys.argv[1], sys.argv[2]
    if mode == "unsync":
        torch.nn.parallel.DistributedDataParallel = _no_ddp  # type: ignore[assignment,misc]
    elif mode == "order":
        original = EpochSampler.epoch_order
        EpochSampler.epoch_order = lambda self, epoch: list(reversed(original(self, epoch)))  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return distributed.main([spec])


if __name__ == "__main__":
    sys.exit(main())
