"""Training engine: a personal voice from a prepared dataset (Qt-free, path-injected).

Public API (what the CLI ``voicecraft train`` and the app's Train page call)::

    from models.training import TrainProgress, TrainResult, TrainingError, train, export_voice

    cancel, pause = threading.Event(), threading.Event()
    gen = train(run_dir, dataset_dir, VoiceConfig.sovits5(), feature_cache=paths.cache_dir() / "features",
                base=None,            # or our *.ckpt, a so-vits-svc-5.0 checkpoint, sovits5.0.pretrain.pth
                cancel=cancel, pause=pause, device=None, max_steps=None)
    for progress in gen:              # one TrainProgress per optimiser step (and per event)
        ...                           # .step, .total_steps, .epoch, .losses, .lr, .steps_per_s, .eta_s,
                                      # .phase, .message, .validation, .checkpoint
    # the generator's return value (StopIteration.value) is a TrainResult
    export_voice(run_dir, voices_dir / slug, name="My voice")   # -> voice folder (models.formats.artifact format)

- ``train`` is a plain generator. It checks ``cancel`` between steps (then writes a checkpoint
  and finishes with ``phase == "cancelled"``) and blocks while ``pause`` is set (after one
  ``phase == "paused"`` progress; cancel still works while paused). Run it in a worker thread;
  progress objects are immutable and safe to hand to another thread.
- ``run_dir`` holds everything of one run: ``run.json`` (dataset, speaker, F0 statistics),
  ``checkpoints/step_*.ckpt`` (last ``keep_last``) + ``best.ckpt``, ``tb/`` (TensorBoard).
  Calling ``train`` again on a run folder that has a checkpoint resumes it exactly (model,
  optimisers, schedulers, scaler, step, RNG, data order); ``max_steps`` may extend the run.
- A *step* is one generator update (``accum_steps`` batches; the discriminator steps on
  every batch, with its learning rate divided by ``accum_steps``, as the reference does).
- Errors that the user can fix raise :class:`TrainingError` with a message naming the file
  and the problem (bad dataset, missing features, a base of another shape ...).

Modules: ``dataset`` (cached features, crops, bucketing, reproducible order), ``engine``
(models, optimisers, mixed precision, one step), ``checkpoints`` (atomic, keep last K +
best, resume), ``validation`` (held-out mel L1, stop signal), ``tb`` (TensorBoard),
``start`` (resume, fine-tune base or scratch), ``runlock`` (one trainer per run folder),
``determinism``, ``trainer`` (the generator), ``export`` (voice artifact). The device rule is
:mod:`models.devices`.
"""

from models.training.export import export_voice
from models.training.trainer import TrainingError, TrainProgress, TrainResult, train
from models.training.validation import ValidationReport

__all__ = ["TrainProgress", "TrainResult", "TrainingError", "ValidationReport", "export_voice", "train"]
