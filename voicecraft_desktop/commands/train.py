"""``voicecraft train --voice NAME``: train a voice from its prepared dataset, then add it to the library.

Drives :func:`models.training.train` (the same generator the app's Train page runs) with a
one-line progress bar on stderr. The dataset defaults to the one ``voicecraft prepare --voice
NAME`` wrote, the run folder to ``runs/<name>`` in the app's data folder; running the command
again on the same run folder resumes it (``--steps`` may extend it). A new run fine-tunes from the
so-vits-svc-5.0 pretrain when it is downloaded (``--from-scratch`` starts from random weights
instead) and stops, unless ``--steps`` says otherwise, at
:func:`voicecraft_desktop.core.runs.default_steps` (passes over the dataset, bounded).
Ctrl-C stops cleanly after
the current step with a checkpoint (a second Ctrl-C aborts at once). At the end the best
checkpoint is exported into the voice library (``--no-export`` skips that).

Exit status: 0 done, 1 training failed, 2 bad command line or input, 130 interrupted.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from voicecraft_desktop.commands._options import int_in_range
from voicecraft_desktop.commands._progress import ProgressLine

HELP = "train a voice from a prepared dataset (resumable; exports to the voice library)"

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_STEPS = 10_000_000  # the app's limit too


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``train``."""
    parser.add_argument(
        "--voice", required=True, help="name of the voice (its dataset is prepared under this name)"
    )
    parser.add_argument(
        "--dataset",
        type=Path,
        default=None,
        help="prepared dataset folder (default: the one 'voicecraft prepare --voice NAME' wrote)",
    )
    parser.add_argument(
        "--base",
        type=Path,
        default=None,
        help="fine-tune from this model: a VoiceCraft .ckpt, a so-vits-svc-5.0 checkpoint or "
        "sovits5.0.pretrain.pth (default: the so-vits-svc-5.0 pretrain when it is downloaded)",
    )
    parser.add_argument(
        "--from-scratch",
        action="store_true",
        help="train from random weights, not from the pretrain (needs far more steps: a GPU for days)",
    )
    parser.add_argument(
        "--steps",
        type=int_in_range(1, MAX_STEPS),
        default=None,
        help="stop after this many steps (default for a new run: 100 passes over the dataset when "
        "fine-tuning, 2,000-10,000 steps; 1,000 passes from scratch, 20,000-100,000; a resumed run keeps "
        "its own)",
    )
    parser.add_argument(
        "--preset",
        default="sovits5",
        help="model size: sovits5 (default; the full so-vits-svc-5.0 model, a voice to keep; needs a GPU) "
        "or tiny (a toy-size trial of the whole path in minutes on any computer; rough sound)",
    )
    parser.add_argument(
        "--batch-size", type=int_in_range(1, 4096), default=None, help="batch size (default: the preset's)"
    )
    parser.add_argument(
        "--run-dir", type=Path, default=None, help="run folder (default: runs/<voice> in the data folder)"
    )
    parser.add_argument("--feature-cache", type=Path, default=None, help="feature cache (default: the app's)")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda if available)")
    parser.add_argument("--threads", type=int_in_range(1, 4096), default=None, help="CPU threads for torch")
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="use deterministic algorithms only (reproducible, possibly slower)",
    )
    several = parser.add_mutually_exclusive_group()
    several.add_argument(
        "--gpus",
        type=int_in_range(1, 1024),
        default=None,
        help="train on N GPUs of this machine (one process each, torch.distributed; the batch size is per "
        "GPU, the learning rate unchanged)",
    )
    several.add_argument(
        "--procs",
        type=int_in_range(1, 1024),
        default=None,
        help="train in N CPU processes (torch.distributed with gloo; for checks and CPU-only machines)",
    )
    parser.add_argument("--nnodes", type=int_in_range(1, 4096), default=1,
                        help="machines in a multi-machine run (each runs this command; default 1)")
    parser.add_argument("--node-rank", type=int_in_range(0, 4095), default=0,
                        help="this machine's number in a multi-machine run (0 is the master)")
    parser.add_argument("--master-addr", default=None, help="address of machine 0 in a multi-machine run")
    parser.add_argument("--master-port", type=int_in_range(1, 65535), default=29500,
                        help="port of machine 0 in a multi-machine run (default 29500)")
    parser.add_argument("--max-restarts", type=int_in_range(0, 1000), default=3,
                        help="with several processes: restarts of the group after a process died "
                        "(each resumes from the last checkpoint; default 3)")
    parser.add_argument("--no-export", action="store_true", help="do not add the result to the voice library")
    parser.add_argument(
        "--export-name", default=None, help="display name of the voice in the library (default: --voice)"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace a library voice of that name that was not trained in this run (kept until the new "
        "one is complete); a voice exported from this run before is always updated",
    )


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


BAR = "step {n}/{total} [{bar:24}] {detail}"


def _detail(p) -> str:  # type: ignore[no-untyped-def]
    """The text after the bar: "ep 3 mel 0.412 G 31.20 D 2.614 lr 2.00e-04 1.85 it/s ETA 12:04"."""
    loss = p.losses
    parts = [
        f"ep {p.epoch}",
        f"mel {loss.get('mel', float('nan')):.3f}",
        f"G {loss.get('g_total', float('nan')):.2f}",
        f"D {loss.get('d_total', float('nan')):.3f}",
        f"lr {p.lr:.2e}",
        f"{p.steps_per_s:.2f} it/s",
        f"ETA {_duration(p.eta_s)}",
    ]
    return " ".join(parts)


def run(args: argparse.Namespace) -> int:
    """Trains; progress to stderr, the result (run folder, voice) to stdout."""
    from voicecraft_desktop.commands._options import check_device

    args.device = check_device(args.device)  # before any work: --device cuda without CUDA is one line
    from models.config import ConfigError, VoiceConfig
    from voicecraft_desktop.core import paths

    try:
        config = VoiceConfig.from_preset(args.preset)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.steps is not None and args.steps < 1 or args.batch_size is not None and args.batch_size < 1:
        print("error: --steps and --batch-size must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.batch_size is not None:
        config = config.replace(train=config.train.replace(batch_size=args.batch_size))
    if not args.voice.strip():
        print("error: --voice: a voice name cannot be empty", file=sys.stderr)
        return EXIT_USAGE
    from voicecraft_desktop.core.dataset_jobs import dataset_dir_for  # the one name -> dataset rule
    from voicecraft_desktop.core.names import slug

    dataset = args.dataset or dataset_dir_for(args.voice)
    run_dir = args.run_dir or paths.runs_dir() / slug(args.voice)
    cache = args.feature_cache or paths.cache_dir() / "features"
    if not dataset.is_dir():
        print(
            f"error: no prepared dataset at {dataset}; run 'voicecraft prepare FOLDER --voice "
            f"{args.voice!r}' first or pass --dataset",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.base is not None and not args.base.is_file():
        print(f"error: base model {args.base} not found", file=sys.stderr)
        return EXIT_USAGE
    if args.base is not None and args.from_scratch:
        print("error: --base and --from-scratch exclude each other", file=sys.stderr)
        return EXIT_USAGE
    if args.dataset is None:  # names sharing a folder name ('!!!' and 'Voice'): never train another's data
        from models.features.preprocess import read_manifest as read_dataset_manifest

        try:
            owner = str(read_dataset_manifest(dataset).get("voice", "")).strip()
        except ValueError:
            owner = ""
        if owner and owner.casefold() != args.voice.strip().casefold():
            print(
                f"error: {dataset} holds the dataset of the voice {owner!r}, not {args.voice!r}; "
                f"train it as --voice {owner!r}, or pass --dataset",
                file=sys.stderr,
            )
            return EXIT_USAGE
    # Everything below is checked before anything is created (a run folder, a lock, a voice).
    from models.devices import DeviceUnavailable, resolve_device
    from models.training.distributed import Launch

    if args.gpus is not None:
        if args.device is not None and not args.device.lower().startswith("cuda"):
            print(f"error: --gpus trains on CUDA GPUs, not on {args.device}; use --procs for CPU processes",
                  file=sys.stderr)
            return EXIT_USAGE
        args.device = "cuda"
    elif args.procs is not None:
        args.device = "cpu"
    try:
        launch = Launch(args.gpus or args.procs or 1, args.nnodes, args.node_rank, args.master_addr,
                        args.master_port, args.max_restarts)
    except ValueError as exc:
        print(f"error: --nnodes/--node-rank: {exc}", file=sys.stderr)
        return EXIT_USAGE

    try:
        resolve_device(args.device)
    except DeviceUnavailable as exc:
        print(f"error: --device: {exc}", file=sys.stderr)
        return EXIT_USAGE
    export_name = (args.export_name if args.export_name is not None else args.voice).strip()
    if not args.no_export:
        if not export_name or any(ch in export_name for ch in "\n\r\t\0"):
            print(f"error: {export_name!r} cannot be a voice name; choose one with --export-name",
                  file=sys.stderr)
            return EXIT_USAGE
        from voicecraft_desktop.core.runs import export_target

        action, existing = export_target(run_dir, export_name)
        if action == "conflict" and not args.replace:
            print(
                f"error: a voice named {existing.name!r} is already in the library and was not trained in "
                f"{run_dir}; choose another name with --export-name NAME, or pass --replace to replace it "
                f"(it is kept until the new one is complete)",
                file=sys.stderr,
            )
            return EXIT_USAGE

    from voicecraft_desktop.core.runs import run_status

    if not run_status(run_dir).fixed:  # a new run: the base and step defaults (a resumed run keeps its own)
        base, note = _default_base(args, config)
        if note:
            print(note, file=sys.stderr)
        if args.steps is None:
            args.steps = _default_steps(config, dataset, fine_tune=base is not None)
        args.base = base

    from models.training import TrainingError, train
    from models.training.determinism import configure_torch

    restore_torch = configure_torch(
        args.threads or 0, deterministic=True if args.deterministic else None, device=args.device
    )
    cancel = threading.Event()

    def on_sigint(signum, frame):  # type: ignore[no-untyped-def]
        cancel.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C aborts at once
        print("\nstopping after this step (Ctrl-C again to abort) ...", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    gen = train(
        run_dir,
        dataset,
        config,
        feature_cache=cache,
        base=args.base,
        cancel=cancel,
        device=args.device,
        max_steps=args.steps,
        launch=launch if launch.distributed else None,
    )
    line = ProgressLine(BAR)
    try:
        while True:
            try:
                p = next(gen)
            except StopIteration as stop:
                result = stop.value
                break
            if p.message:
                line.close()
                print(p.message, file=sys.stderr, flush=True)
            if p.phase == "starting":
                print(f"run: {run_dir} ({p.device}, {p.precision}, batch {p.batch_size})", file=sys.stderr)
            if p.phase == "train":
                line.show(p.step, p.total_steps, detail=_detail(p))
            if p.validation is not None:
                v = p.validation
                line.close()
                print(
                    f"validation at step {v.step}: mel L1 {v.mel_l1:.4f} (best {v.best_mel_l1:.4f} at step "
                    f"{v.best_step}) — {v.verdict}: {v.advice}",
                    file=sys.stderr,
                    flush=True,
                )
    except TrainingError as exc:
        line.close()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        line.close()
        print("aborted; the last checkpoint is kept and the next run resumes from it", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        line.close()
        signal.signal(signal.SIGINT, previous)
        restore_torch()  # export and whatever the process does next run with its own settings
    print(f"run: {run_dir}")
    print(f"checkpoint: {result.last_checkpoint}")
    print(f"logs: tensorboard --logdir {run_dir / 'tb'}")
    if result.cancelled:
        print(f"stopped at step {result.step}; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.no_export:
        return EXIT_OK
    return _export(
        run_dir, export_name, replace=args.replace, follow_run=args.export_name is None, feature_cache=cache
    )


def locate_pretrain() -> Path | None:
    """The downloaded (or located) so-vits-svc-5.0 pretrain in the app's model folder, else None."""
    from models.formats.assets import AssetStore
    from voicecraft_desktop.core import paths
    from voicecraft_desktop.core.runs import PRETRAIN_ASSET

    try:
        return AssetStore(paths.models_cache_dir(), {}, cli=True).locate(PRETRAIN_ASSET)
    except Exception:  # noqa: BLE001 - an unusable file is "not there" here; the app's setup says why
        return None


def _default_base(args: argparse.Namespace, config) -> tuple[Path | None, str | None]:  # type: ignore[no-untyped-def]
    """The base model of a new run and a note saying so: --base, else the pretrain (the sovits5 preset's
    shapes) unless --from-scratch or another preset."""
    if args.base is not None or args.from_scratch:
        return args.base, None
    if config.preset != "sovits5":
        return None, f"preset {config.preset}: training from scratch (the pretrain fits only sovits5)"
    pretrain = locate_pretrain()
    if pretrain is None:
        return None, (
            "the so-vits-svc-5.0 pretrain is not downloaded: training from scratch, which needs far more "
            "steps (download it in the app's Settings, or pass --base FILE)"
        )
    return pretrain, f"fine-tuning from the so-vits-svc-5.0 pretrain ({pretrain}); --from-scratch to not"


def _default_steps(config, dataset: Path, *, fine_tune: bool) -> int:  # type: ignore[no-untyped-def]
    """:func:`voicecraft_desktop.core.runs.default_steps` for the dataset's clips (said on stderr)."""
    from models.features.preprocess import read_manifest as read_dataset_manifest
    from voicecraft_desktop.core.runs import default_steps

    try:
        clips = len(read_dataset_manifest(dataset).get("clips", []))  # type: ignore[arg-type]
    except ValueError:
        clips = 0
    steps = default_steps(config, clips, fine_tune=fine_tune)
    how = "fine-tuning" if fine_tune else "from scratch"
    print(f"steps: {steps:,} ({how}, {clips} clips; --steps N to change)", file=sys.stderr)
    return steps


def _export(
    run_dir: Path, name: str, *, replace: bool, follow_run: bool = False, feature_cache: Path | None = None
) -> int:
    """Exports the run into the library: a new voice, or the voice of this run updated in place."""
    from models.training import TrainingError
    from voicecraft_desktop import __version__
    from voicecraft_desktop.core.library import LibraryError
    from voicecraft_desktop.core.runs import export_to_library

    try:
        outcome = export_to_library(
            run_dir,
            name,
            app_version=__version__,
            replace=replace,
            follow_run=follow_run,
            feature_cache=feature_cache,
        )
    except (TrainingError, LibraryError) as exc:
        print(f"error: export failed: {exc}; the run is kept at {run_dir}", file=sys.stderr)
        return EXIT_FAILED
    entry = outcome.entry
    if outcome.updated:
        before = "?" if outcome.previous_steps is None else outcome.previous_steps
        print(f"voice: {entry.name} ({entry.folder}) updated: step {before} -> {entry.steps}")
    else:
        print(f"voice: {entry.name} ({entry.folder})")
    return EXIT_OK
