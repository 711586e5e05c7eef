"""Export of a training run to a voice artifact (:mod:`models.formats.artifact` format).

Takes the run's best checkpoint (lowest validation mel L1), else its newest one (or the one asked
for: the app offers best and latest), keeps the
inference generator only (``enc_p``, ``flow``, ``dec``: no posterior encoder, speaker
classifier, discriminator or optimiser state), and writes it with the full config, the
voice's speaker embedding, its F0 statistics (for automatic key matching) and the feature
extractors the dataset was prepared with, from ``run.json``. The manifest's ``training`` records
both the exported checkpoint's step (``steps``) and how far the run had trained (``trained_steps``),
so the library can show "best at step 10 of 60".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.errors import Message, as_message
from models.formats.artifact import ArtifactError, F0Stats, VoiceManifest, load_checkpoint, save_voice
from models.nets.synthesizer import SynthesizerTrain
from models.training.checkpoints import BEST_NAME, Checkpoints
from models.training.trainer import TrainingError, read_run_file


def export_voice(
    run_dir: str | Path,
    voice_dir: str | Path,
    name: str,
    *,
    checkpoint: str | Path | None = None,
    app_version: str = "",
    overwrite: bool = False,
) -> Path:
    """Writes the voice trained in ``run_dir`` to the folder ``voice_dir``.

    Args:
        run_dir: a run folder written by :func:`models.training.train`.
        voice_dir: the voice folder to create (its parent must exist).
        name: the voice's display name.
        checkpoint: a specific checkpoint of the run (default: best, else newest).
        app_version: recorded in the manifest.
        overwrite: replace an existing voice folder.

    Returns:
        The voice folder.

    Raises:
        TrainingError: no checkpoint, unreadable run files, or the voice folder exists.
    """
    run_dir = Path(run_dir)
    run = read_run_file(run_dir)
    path = Path(checkpoint) if checkpoint is not None else Checkpoints(run_dir, 1).newest_for_export()
    if path is None:
        raise TrainingError(Message(
            f"{run_dir}: the run has no checkpoint yet; train at least until the first one",
            "export_no_checkpoint", path=str(run_dir)))
    try:
        data = load_checkpoint(path)
    except ArtifactError as exc:
        raise TrainingError(as_message(exc)) from None
    config = data["config"]
    generator = SynthesizerTrain(config)
    generator.load_state_dict(data["model_g"])
    features = run.get("features") or {}
    encoders = {role: dict(features[role]) for role in ("ppg", "vec", "speaker") if features.get(role)}
    f0 = run.get("f0_stats")
    monitor = data.get("monitor") or {}
    evaluated = dict(zip(monitor.get("steps") or [], monitor.get("values") or []))
    step = int(data["step"])
    newest = Checkpoints(run_dir, 1).steps()
    trained = max(step, newest[-1][0] if newest else 0)  # the run may be ahead of its best checkpoint
    manifest = VoiceManifest(
        name=name,
        config=config,
        speaker=np.asarray(run["speaker_embedding"], dtype=np.float32),
        app_version=app_version,
        content_encoders=encoders,
        pitch_extractor=str((features.get("f0") or {}).get("name", "")),
        f0_stats=F0Stats.from_dict(f0) if f0 else None,
        training={
            "steps": step,  # the exported checkpoint's step
            "trained_steps": trained,  # how far the run had trained when it was exported
            "checkpoint": path.name,
            "checkpoint_kind": "best" if path.name == BEST_NAME else "latest" if step == trained else "step",
            "seed": config.train.seed,
            "dataset_seconds": run.get("dataset_seconds"),
            "clips": run.get("clips"),
            "base": run.get("base"),
            "run_dir": str(run_dir.resolve()),  # the library updates this voice when the run trains on
            "final_losses": dict(data.get("losses") or {}),
            "validation_mel_l1": float(evaluated[step]) if step in evaluated else None,
        },
    )
    try:
        return save_voice(voice_dir, manifest, generator.inference_state_dict(), overwrite=overwrite)
    except ArtifactError as exc:
        raise TrainingError(as_message(exc)) from None
