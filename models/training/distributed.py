"""Training on several processes (GPUs, or CPU processes) with ``torch.distributed``: launch, worker, relay.

``train(..., launch=Launch(processes=N))`` (:mod:`.trainer`) runs the very same trainer in N
processes started by PyTorch's elastic launcher ``torchrun`` (``python -m torch.distributed.run``),
one per GPU (backend ``nccl``) or N CPU processes (backend ``gloo``), and relays rank 0's progress
back as the usual :class:`~.trainer.TrainProgress` stream, so the CLI and the app drive a
distributed run exactly like a single-process one.

How a run is split (the reference's rule, ``so-vits-svc-5.0`` ``vits_extend/train.py``: one
process per GPU under DistributedDataParallel, ``train.batch_size`` samples *per GPU*, the learning
rate unchanged): with N processes the global batch is N × ``batch_size`` and the learning rate stays
``learning_rate``. The epoch's sample order is the single-process one (seeded by (seed, epoch),
what ``DistributedSampler.set_epoch`` does for a shuffled sampler); each global batch of N × b
samples is sharded with :class:`torch.utils.data.DistributedSampler` (rank r takes every N-th), so
the data order does not depend on the number of processes and a run can move between 1 and N
processes. The generator and the discriminator are wrapped in
:class:`~torch.nn.parallel.DistributedDataParallel` (gradients averaged across processes); the
losses that are not per-sample means (the KL terms' ``Σ/Σmask``, spectral convergence's norm ratio)
are computed over the whole global batch (:mod:`.engine`), so N processes × batch b compute the
same step as one process × batch N·b (checked in ``tests/training/test_distributed.py``).

Only rank 0 holds the run lock and writes checkpoints, ``run.json``, TensorBoard and validation
audio. Checkpoints keep the single-process format (the unwrapped modules' states). Elastic:
torchrun restarts the whole group (``max_restarts`` times) when a worker dies; every worker then
resumes from the last checkpoint, so the run never goes back more than one save interval.

Each worker is ``python -m models.training.distributed SPEC.json`` (:func:`main`); rank 0 prints
one ``@voicecraft`` JSON line per progress on its stdout, which :func:`launch_and_relay` parses.
Not available in a frozen app bundle (torchrun needs a Python interpreter).
"""

from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from models.errors import Message, as_message, joined

PROGRESS_TAG = "@voicecraft-progress "
RESULT_TAG = "@voicecraft-result "
ERROR_TAG = "@voicecraft-error "
MESSAGE_KEY = "@message"  # a Message in the JSON lines: {"@message": text, "code": ..., "params": {...}}
DEFAULT_PORT = 29500
DEFAULT_RESTARTS = 3
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the ``models`` package


@dataclass(frozen=True)
class Launch:
    """How many processes train one run, on how many machines (torchrun's options).

    Attributes:
        processes: processes on this machine (one per GPU; on the CPU, CPU processes).
        nnodes, node_rank, master_addr, master_port: several machines (each runs the same command
            with its own ``node_rank``; ``master_addr`` is node 0's address). One machine with no
            ``master_addr``: torchrun's ``--standalone`` (a free local port).
        max_restarts: how often torchrun restarts the group after a worker died.
    """

    processes: int
    nnodes: int = 1
    node_rank: int = 0
    master_addr: str | None = None
    master_port: int = DEFAULT_PORT
    max_restarts: int = DEFAULT_RESTARTS

    def __post_init__(self) -> None:
        if self.processes < 1 or self.nnodes < 1 or not 0 <= self.node_rank < self.nnodes:
            raise ValueError(
                f"processes and nodes must be at least 1 and the node rank below the number of nodes "
                f"(processes {self.processes}, nodes {self.nnodes}, node rank {self.node_rank})"
            )
        if self.max_restarts < 0:
            raise ValueError(f"max_restarts must be 0 or more, not {self.max_restarts}")

    @property
    def world_size(self) -> int:
        return self.processes * self.nnodes

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def backend_for(device: torch.device) -> str:
    """``nccl`` on CUDA, ``gloo`` elsewhere."""
    return "nccl" if device.type == "cuda" else "gloo"


def torchrun_command(launch: Launch, spec_path: str | Path, python: str | None = None) -> list[str]:
    """The command line that starts the workers of one node (``python -m torch.distributed.run ...``)."""
    argv = [
        python or sys.executable,
        "-m",
        "torch.distributed.run",
        f"--nproc-per-node={launch.processes}",
        f"--max-restarts={launch.max_restarts}",
    ]
    if launch.nnodes == 1 and launch.master_addr is None:
        argv.append("--standalone")
    else:
        argv += [
            f"--nnodes={launch.nnodes}",
            f"--node-rank={launch.node_rank}",
            f"--master-addr={launch.master_addr or '127.0.0.1'}",
            f"--master-port={launch.master_port}",
        ]
    argv += ["-m", "models.training.distributed", str(spec_path)]
    return argv


# ---------------------------------------------------------------------------------------- worker side


@dataclass(frozen=True)
class DistContext:
    """The process's place in the group (from torchrun's environment), after the group is joined."""

    rank: int
    world_size: int
    local_rank: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def any(self, flag: bool) -> bool:
        """True on every rank when ``flag`` is True on any (a collective: every rank calls it)."""
        t = torch.tensor([1.0 if flag else 0.0], device=self.device)
        torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
        return bool(t.item() > 0)

    def mean(self, values: Mapping[str, float]) -> dict[str, float]:
        """The mean of each value over the ranks (same keys in the same order on every rank)."""
        keys = list(values)
        t = torch.tensor([float(values[k]) for k in keys], dtype=torch.float64, device=self.device)
        torch.distributed.all_reduce(t)
        t /= self.world_size
        return dict(zip(keys, (float(v) for v in t.tolist()), strict=True))

    def same(self, value: int) -> bool:
        """Whether every rank holds the same integer (a collective)."""
        t = torch.tensor([float(value), -float(value)], dtype=torch.float64, device=self.device)
        torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
        return t[0].item() == value and -t[1].item() == value


def join_group(device_type: str) -> DistContext:
    """Joins the process group torchrun set up (``env://``); CUDA: device ``cuda:LOCAL_RANK``."""
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if device_type == "cuda":
        if local >= torch.cuda.device_count():
            raise RuntimeError(
                f"process {local} of this machine has no GPU: {torch.cuda.device_count()} visible"
            )
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
    else:
        device = torch.device(device_type)
    if not torch.distributed.is_initialized():
        # torchrun's store outlives a restart: the previous attempt's connection keys would still be
        # there (the new processes then dial the dead ones' ports), so each attempt gets its own prefix.
        store, rank, world = next(torch.distributed.rendezvous("env://"))
        attempt = os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")
        store = torch.distributed.PrefixStore(f"voicecraft/attempt-{attempt}", store)
        torch.distributed.init_process_group(backend_for(device), store=store, rank=rank, world_size=world)
    return DistContext(rank, world, local, device)


def _to_json(value: Any) -> Any:
    if isinstance(value, Message):  # with its code, so the app can say it in the user's language
        return {MESSAGE_KEY: str(value), "code": value.code, "params": _to_json(value.params)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    if isinstance(value, float) and value != value:
        return None  # NaN: JSON has none; losses read back as NaN
    return value


def _from_json(value: Any) -> Any:
    """``value`` read back from :func:`_to_json`'s form: its messages as :class:`Message` again."""
    if isinstance(value, dict):
        if MESSAGE_KEY in value:
            code, params = str(value["code"]), _from_json(value.get("params") or {})
            return Message(str(value[MESSAGE_KEY]), code, **params)
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _progress_from(data: dict[str, Any]) -> Any:
    from models.training.trainer import TrainProgress
    from models.training.validation import ValidationReport

    data = _from_json(data)
    data["losses"] = {k: float("nan") if v is None else v for k, v in data["losses"].items()}
    if data.get("validation"):
        data["validation"] = ValidationReport(**data["validation"])
    if data.get("checkpoint"):
        data["checkpoint"] = Path(data["checkpoint"])
    return TrainProgress(**data)


def _result_from(data: dict[str, Any]) -> Any:
    from models.training.trainer import TrainResult
    from models.training.validation import ValidationReport

    data = _from_json(data)
    for key in ("run_dir", "last_checkpoint", "best_checkpoint"):
        data[key] = Path(data[key]) if data.get(key) else None
    if data.get("validation"):
        data["validation"] = ValidationReport(**data["validation"])
    return TrainResult(**data)


def main(argv: Sequence[str] | None = None) -> int:
    """One worker (run by torchrun): trains with the spec file's arguments; rank 0 reports on stdout."""
    from models.config import VoiceConfig
    from models.training.determinism import configure_torch
    from models.training.trainer import TrainingError, train

    args = list(sys.argv[1:] if argv is None else argv)
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    configure_torch(int(spec.get("threads") or 0), deterministic=spec.get("deterministic"),
                    device=spec["device"])
    ctx = join_group(spec["device"])
    cancel = threading.Event()

    def stop(signum, frame):  # type: ignore[no-untyped-def]
        cancel.set()  # every rank stops after the same step (the trainer agrees on it collectively)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID`: every thread's stack on stderr (a hang)

    def say(tag: str, payload: Any) -> None:
        if ctx.is_main:
            print(tag + json.dumps(_to_json(payload)), flush=True)

    config = VoiceConfig.from_dict(spec["config"])
    gen = train(
        spec["run_dir"],
        spec["dataset_dir"],
        config,
        feature_cache=spec["feature_cache"],
        base=spec.get("base"),
        cancel=cancel,
        max_steps=spec.get("max_steps"),
        random_draws=bool(spec.get("random_draws", True)),
        dist=ctx,
    )
    try:
        while True:
            try:
                progress = next(gen)
            except StopIteration as done:
                say(RESULT_TAG, done.value)
                break
            say(PROGRESS_TAG, progress)
    except TrainingError as exc:
        say(ERROR_TAG, as_message(exc))
        return 1
    finally:
        gen.close()
        with contextlib.suppress(Exception):
            torch.distributed.destroy_process_group()
    return 0


# -------------------------------------------------------------------------------------- launcher side


def worker_env() -> dict[str, str]:
    """The workers' environment: this one, with the ``models`` package importable."""
    env = dict(os.environ)
    paths = [str(_PACKAGE_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def launch_and_relay(
    launch: Launch,
    spec: dict[str, Any],
    cancel: threading.Event,
    pause: threading.Event,
) -> Iterator[Any]:
    """Starts torchrun for ``spec`` (the worker's arguments) and yields rank 0's progress; returns
    its :class:`~.trainer.TrainResult`. ``cancel`` stops every worker after its current step (with a
    checkpoint); pausing is not available with several processes (a note says so once).

    Raises:
        TrainingError: a worker's error (rank 0's message), or the group failed after its restarts.
    """
    from models.training.trainer import TrainingError

    with tempfile.TemporaryDirectory(prefix="voicecraft-ddp-") as tmp:
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        proc = subprocess.Popen(
            torchrun_command(launch, spec_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=worker_env(),
        )
        lines: queue.Queue[tuple[str, str | None]] = queue.Queue()
        tail: list[str] = []

        def pump(stream: Any, name: str) -> None:
            for line in stream:
                lines.put((name, line))
            lines.put((name, None))

        readers = [threading.Thread(target=pump, args=(s, n), daemon=True)
                   for s, n in ((proc.stdout, "out"), (proc.stderr, "err"))]
        for reader in readers:
            reader.start()
        result, error, open_streams, stopping, pause_noted = None, None, 2, False, False
        try:
            while open_streams:
                if cancel.is_set() and not stopping:
                    stopping = True
                    proc.send_signal(signal.SIGTERM)  # torchrun passes it on: workers stop after a step
                try:
                    name, line = lines.get(timeout=0.1)
                except queue.Empty:
                    continue
                if line is None:
                    open_streams -= 1
                    continue
                if name == "err" or not line.startswith("@voicecraft-"):
                    tail = [*tail[-40:], line.rstrip("\n")]
                    continue
                if line.startswith(PROGRESS_TAG):
                    progress = _progress_from(json.loads(line[len(PROGRESS_TAG):]))
                    if pause.is_set() and not pause_noted:
                        pause_noted = True
                        progress = dataclasses.replace(progress, message=_with_pause_note(progress.message))
                    yield progress
                elif line.startswith(RESULT_TAG):
                    result = _result_from(json.loads(line[len(RESULT_TAG):]))
                elif line.startswith(ERROR_TAG):
                    error = _from_json(json.loads(line[len(ERROR_TAG):]))
                    proc.send_signal(signal.SIGTERM)  # the same error would come back on every restart
            code = proc.wait()
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for reader in readers:
                reader.join(5)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        if error is not None:
            raise TrainingError(error)
        if result is None and code == 0 and launch.node_rank != 0:  # node 0's rank 0 reports, not this node
            from models.training.trainer import TrainResult

            return TrainResult(Path(spec["run_dir"]), 0, False, None, None, None)
        if result is None:
            detail = next((ln for ln in reversed(tail) if "Error" in ln), tail[-1] if tail else "")
            raise TrainingError(Message(f"the training processes ended with exit status {code}: {detail}",
                                        "train_processes_failed", status=code, detail=detail))
        return result


def _with_pause_note(message: str | None) -> str | None:
    """A step's message with the note that several processes cannot pause."""
    note = Message("pausing is not available with several processes: stop the run instead (it resumes from "
                   "its checkpoint)", "train_pause_multi")
    return joined([message, note])


if __name__ == "__main__":
    sys.exit(main())
