"""Where a training run starts: resumed from its own newest checkpoint, fine-tuned from a base model
(our checkpoint, a so-vits-svc-5.0 training checkpoint or the published pretrain), or from scratch
with the model's inputs sized to the dataset's content features.

:func:`starting_point` decides (the trainer calls it once, before building anything);
:func:`load_base` reads a base model. Refusals are :class:`StartError`, one line naming the file
and the problem (the trainer reports them as its ``TrainingError``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from models.config import VoiceConfig
from models.errors import Message, UserError, as_message, joined
from models.formats.artifact import CHECKPOINT_FORMAT, ArtifactError, load_checkpoint
from models.formats.reference_import import ImportError_, import_reference_file
from models.formats.safeload import LoadError, safe_torch_load
from models.training.checkpoints import Checkpoints
from models.training.dataset import DatasetError, feature_dims


class StartError(ValueError, UserError):
    """A run that cannot start from what it was given: a base model that cannot be read or used, or a
    dataset whose features cannot be read."""


def load_base(
    path: str | Path, config: VoiceConfig
) -> tuple[VoiceConfig, dict[str, torch.Tensor], dict[str, torch.Tensor] | None, str]:
    """Reads a base model to fine-tune from.

    Accepts our training checkpoint (``*.ckpt``), a so-vits-svc-5.0 training checkpoint or the
    published pretrain (``model_g`` training generator + ``model_d``). The base's architecture
    (audio, model, discriminator) replaces ``config``'s; the training recipe stays.

    Returns:
        (config, generator state, discriminator state or None, a note for the user).
    """
    path = Path(path)
    try:
        raw = safe_torch_load(path)
    except LoadError as exc:
        raise StartError(as_message(exc)) from None
    try:
        if isinstance(raw, dict) and raw.get("format") == CHECKPOINT_FORMAT:
            del raw
            data = load_checkpoint(path)
            base_cfg: VoiceConfig = data["config"]
            g_state, d_state = data["model_g"], data["model_d"]
            kind = Message(f"VoiceCraft checkpoint (step {int(data['step'])})", "base_voicecraft",
                           step=int(data["step"]))
        else:
            model_g = raw.get("model_g") if isinstance(raw, dict) else None
            if (
                isinstance(model_g, dict)
                and model_g
                and not any(str(k).startswith(("enc_q.", "module.enc_q.")) for k in model_g)
            ):
                raise StartError(Message(
                    f"{path}: an exported voice has only the inference generator (no posterior "
                    f"encoder, no discriminator); fine-tune from a training checkpoint or the "
                    f"pretrain instead", "start_exported_voice", path=str(path),
                ))
            # A file without its own config (the published pretrain) must fit the chosen preset.
            has_config = isinstance(raw, dict) and isinstance(raw.get("hp_str"), str)
            del raw, model_g
            imported = import_reference_file(path, config=None if has_config else config)
            base_cfg = imported.config
            g_state = imported.generator.state_dict()
            d_state = imported.discriminator.state_dict() if imported.discriminator is not None else None
            kind = Message(f"so-vits-svc-5.0 {imported.kind} (step {imported.step})", "base_sovits",
                           kind=imported.kind, step=imported.step)
    except (ArtifactError, ImportError_) as exc:
        raise StartError(as_message(exc)) from None
    same = (
        base_cfg.audio == config.audio
        and base_cfg.model == config.model
        and base_cfg.discriminator == config.discriminator
    )
    merged = config.replace(
        audio=base_cfg.audio,
        model=base_cfg.model,
        discriminator=base_cfg.discriminator,
        preset=config.preset if same else base_cfg.preset,
    )
    note = joined([
        Message(f"fine-tuning from {path.name}: {kind}", "note_fine_tune", file=path.name, kind=kind),
        None if d_state is not None else Message("it has no discriminator, which starts from scratch",
                                                 "note_no_discriminator"),
    ])
    return merged, g_state, d_state, note  # type: ignore[return-value]


@dataclass
class Start:
    """Where a run starts: its config, and the checkpoint or base weights it starts from."""

    config: VoiceConfig
    notes: list[str]
    resume: dict[str, Any] | None = None
    resume_path: Path | None = None
    g_base: dict[str, torch.Tensor] | None = None
    d_base: dict[str, torch.Tensor] | None = None


def starting_point(
    ckpts: Checkpoints, dataset_dir: str | Path, config: VoiceConfig, base: str | Path | None
) -> Start:
    """Resume (the run's newest loadable checkpoint wins), fine-tune from ``base``, or start fresh."""
    notes: list[str] = []
    stale = ckpts.clean()
    if stale:
        notes.append(Message(f"removed {len(stale)} unfinished checkpoint write(s) of an interrupted run",
                             "note_partial_removed", count=len(stale)))
    resume, resume_path, skipped = ckpts.latest()
    notes += skipped
    if resume is not None:
        name, step = resume_path.name, int(resume["step"])  # type: ignore[union-attr]
        notes.append(Message(f"resuming from {name} (step {step})", "note_resuming", file=name, step=step))
        if base is not None:
            notes.append(Message("the run folder already has checkpoints: the base model is not used again",
                                 "note_base_unused"))
        return Start(resume["config"], notes, resume=resume, resume_path=resume_path)
    if base is not None:
        config, g_base, d_base, note = load_base(base, config)
        return Start(config, [*notes, note], g_base=g_base, d_base=d_base)
    # From scratch the model's inputs take the size of the dataset's content features, so any
    # registered encoder pair can be trained on (a base or a resumed run fixes them instead).
    try:
        dims = feature_dims(dataset_dir)
    except DatasetError as exc:
        raise StartError(as_message(exc)) from None
    if dims != (config.model.ppg_dim, config.model.vec_dim):
        notes.append(Message(
            f"model inputs sized to the dataset's features: ppg {dims[0]}-d, vec {dims[1]}-d "
            f"(preset {config.preset}: {config.model.ppg_dim}-d, {config.model.vec_dim}-d)",
            "note_inputs_sized", ppg=dims[0], vec=dims[1], preset=config.preset,
            preset_ppg=config.model.ppg_dim, preset_vec=config.model.vec_dim,
        ))
        config = config.replace(model=config.model.replace(ppg_dim=dims[0], vec_dim=dims[1]))
    return Start(config, notes)
