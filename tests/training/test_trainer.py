"""The training generator on the tiny preset (CPU): losses, cadence, TensorBoard, cancel, pause, OOM."""

from __future__ import annotations

import json
import math
import threading

import numpy as np
import pytest
import torch

from models.config import VoiceConfig
from models.formats.artifact import load_checkpoint
from models.training import TrainingError, train
from models.training.dataset import DatasetError, EpochSampler, load_clips
from models.training.engine import Engine, resolve_precision
from models.training.validation import StopMonitor

from .conftest import drain


@pytest.fixture(scope="module")
def tiny_run(tiny_dataset, tmp_path_factory):
    torch.set_num_threads(1)
    dataset, cache = tiny_dataset
    run_dir = tmp_path_factory.mktemp("run") / "run"
    items, result = drain(train(run_dir, dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu"))
    return run_dir, items, result


def test_thirty_steps_all_losses_finite(tiny_run):
    run_dir, items, result = tiny_run
    steps = [p for p in items if p.phase == "train"]
    assert [p.step for p in steps] == list(range(1, 31))
    assert items[0].phase == "starting" and items[-1].phase == "done"
    for p in steps:
        assert set(p.losses) >= {
            "g_total",
            "adv",
            "fm",
            "mel",
            "stft_sc",
            "stft_mag",
            "kl_f",
            "kl_r",
            "spk",
            "d_total",
        }
        assert all(math.isfinite(v) for v in p.losses.values()), p.losses
        assert p.lr > 0 and p.steps_per_s > 0 and p.eta_s is not None
    assert steps[-1].eta_s == 0
    # four training clips, batch 2: two steps per epoch, the lr decays once per epoch
    assert steps[-1].epoch == 15
    assert steps[-1].lr == pytest.approx(5e-5 * 0.999875**15, rel=1e-9)
    assert [p.validation.step for p in steps if p.validation] == [10, 20, 30]
    assert [p.step for p in steps if p.checkpoint] == [10, 20, 30]
    assert result.step == 30 and not result.cancelled


def test_checkpoints_keep_last_and_best(tiny_run):
    run_dir, items, result = tiny_run
    folder = run_dir / "checkpoints"
    kept = ["best.ckpt", "step_00000010.ckpt", "step_00000020.ckpt", "step_00000030.ckpt"]
    # each checkpoint with its info file (models/training/checkpoint_info), nothing else
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept + [name + ".json" for name in kept])
    best = load_checkpoint(folder / "best.ckpt")
    report = items[-1].validation
    assert best["step"] == report.best_step
    last = load_checkpoint(folder / "step_00000030.ckpt")
    assert last["step"] == 30 and last["epoch"] == 15 and last["position"] == 0
    assert {"optim_g", "optim_d", "sched_g", "sched_d", "scaler_g", "rng_forward", "rng_global"} <= set(last)
    run = json.loads((run_dir / "run.json").read_text())
    assert len(run["speaker_embedding"]) == 256 and run["f0_stats"]["voiced_frames"] > 100
    assert (
        150 < run["f0_stats"]["median_hz"] < 400 and run["clips"] == 5 and len(run["validation_clips"]) == 1
    )


def test_tensorboard_has_scalars_audio_images(tiny_run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run_dir, _, _ = tiny_run
    acc = EventAccumulator(str(run_dir / "tb"), size_guidance={"scalars": 0, "audio": 0, "images": 0})
    acc.Reload()
    tags = acc.Tags()
    for name in ("train/mel", "train/g_total", "train/d_total", "train/kl_f", "train/lr", "val/mel_l1"):
        assert name in tags["scalars"], name
    assert [e.step for e in acc.Scalars("train/mel")] == list(range(1, 31))
    assert [e.step for e in acc.Scalars("val/mel_l1")] == [10, 20, 30]
    generated = [t for t in tags["audio"] if t.endswith("/generated")]
    assert generated and any(t.endswith("/real") for t in tags["audio"])
    audio = acc.Audio(generated[0])
    assert [a.step for a in audio] == [10, 20, 30] and audio[0].sample_rate == 32000
    assert audio[0].encoded_audio_string[:4] == b"RIFF"
    assert any(t.startswith("mel/") for t in tags["images"]) and any(
        t.startswith("pitch/") for t in tags["images"]
    )


def test_validation_audio_kept_as_wav_equals_the_tensorboard_copy(tiny_run):
    """The app reads <run>/validation (no TensorBoard parsing); it holds the newest audio."""
    import io

    import soundfile as sf
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from voicecraft_desktop.core.runs import read_validation_audio

    run_dir, _, _ = tiny_run
    clips = read_validation_audio(run_dir)
    generated = [a for a in clips if a.kind == "generated"]
    assert generated and any(a.kind == "real" for a in clips)
    assert all(a.step == 30 and a.sample_rate == 32000 for a in generated)
    acc = EventAccumulator(str(run_dir / "tb"), size_guidance={"audio": 0})
    acc.Reload()
    newest = max(acc.Audio(f"audio/{generated[0].clip}/generated"), key=lambda e: e.step)
    tb_wave, _ = sf.read(io.BytesIO(newest.encoded_audio_string), dtype="float32")
    assert np.abs(tb_wave - generated[0].wave).max() <= 2.0 / 32768  # TensorBoard truncates to 16 bit
    assert not list((run_dir / "validation").glob(".*"))  # no temporary file left


def test_mel_loss_falls_on_an_overfit_batch(tiny_dataset):
    torch.set_num_threads(1)
    dataset, cache = tiny_dataset
    config = VoiceConfig.tiny()
    config = config.replace(train=config.train.replace(learning_rate=5e-3))
    clips, _ = load_clips(dataset, cache, config)
    batch, _, _ = EpochSampler(clips[:2], config).batch(0, 0, 2)
    torch.manual_seed(0)
    device = torch.device("cpu")
    engine = Engine(config, device, resolve_precision("auto", device)[0])
    mels = [engine.step([batch])["mel"] for _ in range(30)]
    assert all(math.isfinite(m) for m in mels)
    first, last = sum(mels[:5]) / 5, sum(mels[-5:]) / 5
    assert last < 0.95 * first, mels


def test_cancel_writes_checkpoint_and_resume_continues(tiny_dataset, tmp_path):
    dataset, cache = tiny_dataset
    cancel = threading.Event()
    gen = train(
        tmp_path / "run",
        dataset,
        VoiceConfig.tiny(),
        feature_cache=cache,
        cancel=cancel,
        device="cpu",
        max_steps=6,
    )
    seen = []
    for p in gen:
        seen.append(p)
        if p.phase == "train" and p.step == 3:
            cancel.set()
    assert seen[-1].phase == "cancelled" and seen[-1].step == 3
    assert (tmp_path / "run" / "checkpoints" / "step_00000003.ckpt").is_file()
    items, result = drain(
        train(tmp_path / "run", dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", max_steps=5)
    )
    assert "resuming from step_00000003.ckpt" in items[0].message
    assert [p.step for p in items if p.phase == "train"] == [4, 5] and result.step == 5


def test_pause_blocks_until_released(tiny_dataset, tmp_path):
    dataset, cache = tiny_dataset
    pause = threading.Event()
    gen = train(
        tmp_path / "run",
        dataset,
        VoiceConfig.tiny(),
        feature_cache=cache,
        pause=pause,
        device="cpu",
        max_steps=3,
    )
    assert next(gen).phase == "starting"
    assert next(gen).step == 1
    pause.set()
    assert next(gen).phase == "paused"
    timer = threading.Timer(0.3, pause.clear)
    timer.start()
    following = next(gen)  # blocks until the timer clears the pause
    assert following.phase == "train" and following.step == 2
    items, result = drain(gen)
    assert result.step == 3


def test_out_of_memory_halves_the_batch(tiny_dataset, tmp_path, monkeypatch):
    dataset, cache = tiny_dataset
    real_step = Engine.step
    calls = {"n": 0}

    def step(self, batches):
        calls["n"] += 1
        if calls["n"] == 2:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        return real_step(self, batches)

    monkeypatch.setattr(Engine, "step", step)
    items, result = drain(
        train(tmp_path / "run", dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", max_steps=3)
    )
    notes = [p for p in items if p.message and "out of GPU memory" in p.message]
    assert len(notes) == 1 and "batch 1 and 2-step accumulation" in notes[0].message
    trained = [p for p in items if p.phase == "train" and not p.message]
    assert [p.step for p in trained] == [1, 2, 3] and trained[-1].batch_size == 1
    assert result.step == 3


def test_out_of_memory_at_batch_one_is_a_clear_error(tiny_dataset, tmp_path, monkeypatch):
    dataset, cache = tiny_dataset

    def step(self, batches):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")

    monkeypatch.setattr(Engine, "step", step)
    config = VoiceConfig.tiny()
    config = config.replace(train=config.train.replace(batch_size=1))
    with pytest.raises(TrainingError, match="even at batch size 1"):
        drain(train(tmp_path / "run", dataset, config, feature_cache=cache, device="cpu"))


def test_bad_datasets_name_the_problem(tiny_dataset, tmp_path):
    dataset, cache = tiny_dataset
    with pytest.raises(TrainingError, match="nowhere/features.json: missing — prepare the dataset"):
        drain(
            train(
                tmp_path / "run", tmp_path / "nowhere", VoiceConfig.tiny(), feature_cache=cache, device="cpu"
            )
        )
    with pytest.raises(DatasetError, match="64-d but the model .sovits5. expects 1280-d"):
        load_clips(dataset, cache, VoiceConfig.sovits5())
    (tmp_path / "no-manifest").mkdir()
    (tmp_path / "no-manifest" / "features.json").write_text((dataset / "features.json").read_text())
    with pytest.raises(TrainingError, match="manifest"):
        drain(train(tmp_path / "run2", tmp_path / "no-manifest", VoiceConfig.tiny(), feature_cache=cache))
    with pytest.raises(TrainingError, match="not in the feature cache"):
        drain(
            train(
                tmp_path / "run3",
                dataset,
                VoiceConfig.tiny(),
                feature_cache=tmp_path / "empty-cache",
                device="cpu",
            )
        )


def test_stop_monitor_signals():
    monitor = StopMonitor(patience=3)
    reports = [monitor.update(i * 10, v) for i, v in enumerate([3.0, 2.5, 2.2, 2.21, 2.2, 2.205])]
    assert [r.is_best for r in reports] == [True, True, True, False, False, False]
    assert [r.signal for r in reports] == [None, None, None, None, None, "plateau"]
    monitor = StopMonitor(patience=2)
    reports = [monitor.update(i, v) for i, v in enumerate([3.0, 2.0, 2.1, 2.3])]
    assert reports[-1].signal == "overfitting" and reports[-1].best_step == 1
    restored = StopMonitor(2)
    restored.load_state_dict(monitor.state_dict())
    assert restored.history == monitor.history


def test_resume_on_a_changed_dataset_says_so(tiny_dataset, tmp_path):
    from .conftest import make_dataset

    dataset, cache = tiny_dataset
    config = VoiceConfig.tiny()
    drain(train(tmp_path / "run", dataset, config, feature_cache=cache, device="cpu", max_steps=1))
    other, other_cache = make_dataset(tmp_path / "other", config, [1.3, 1.6, 1.2], seed=5)
    gen = train(tmp_path / "run", other, config, feature_cache=other_cache, device="cpu", max_steps=2)
    items, result = drain(gen)
    assert "the dataset changed since this run started (5 -> 3 clips)" in items[0].message
    assert result.step == 2


def test_non_finite_steps_are_reported_then_declared_diverged(tiny_dataset, tmp_path, monkeypatch):
    dataset, cache = tiny_dataset

    def step(self, batches):
        return {"g_total": float("nan"), "mel": float("nan"), "d_total": 0.5}

    monkeypatch.setattr(Engine, "step", step)
    gen = train(tmp_path / "run", dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu",
                max_steps=100)
    seen = []
    with pytest.raises(TrainingError, match="diverged: 20 consecutive steps"):
        for p in gen:
            seen.append(p)
    skipped = [p for p in seen if p.message and "non-finite loss" in p.message]
    assert [p.step for p in skipped] == list(range(1, 20))


def test_bf16_autocast_run_on_cpu(tiny_dataset, tmp_path):
    """The mixed-precision code path (autocast around the networks, fp32 spectra and losses) runs
    here too: CPU autocast supports bf16."""
    dataset, cache = tiny_dataset
    config = VoiceConfig.tiny()
    config = config.replace(train=config.train.replace(precision="bf16"))
    gen = train(tmp_path / "run", dataset, config, feature_cache=cache, device="cpu", max_steps=3)
    items, result = drain(gen)
    steps = [p for p in items if p.phase == "train"]
    assert [p.precision for p in steps] == ["bf16"] * 3
    assert all(math.isfinite(v) for p in steps for v in p.losses.values())


def test_fp16_loss_scaling_recovers_from_overflow(tiny_dataset):
    """fp16 with GradScaler (the path for GPUs without bf16), exercised with CPU autocast: the first
    steps overflow at the initial scale of 65536 and are skipped; the scale backs off until steps apply."""
    from models.training.engine import Precision

    dataset, cache = tiny_dataset
    config = VoiceConfig.tiny()
    clips, _ = load_clips(dataset, cache, config)
    batch, _, _ = EpochSampler(clips[:2], config).batch(0, 0, 2)
    torch.manual_seed(0)
    engine = Engine(config, torch.device("cpu"), Precision("fp16", torch.float16, True))
    before = {k: v.clone() for k, v in engine.generator.state_dict().items()}
    norms = []
    for _ in range(12):
        norms.append(engine.step([batch])["grad_norm_g"])
        if math.isfinite(norms[-1]):
            break
    assert not math.isfinite(norms[0]) and math.isfinite(norms[-1]), norms
    assert engine.scaler_g.get_scale() < 65536.0
    changed = [k for k, v in engine.generator.state_dict().items() if not torch.equal(v, before[k])]
    assert changed  # the finite step was applied
    assert set(engine.state_dict()["scaler_g"]) >= {"scale", "_growth_tracker"}


def test_from_scratch_the_model_takes_the_feature_sizes(tmp_path):
    from .conftest import make_dataset

    tiny = VoiceConfig.tiny()
    other = tiny.replace(model=tiny.model.replace(ppg_dim=48, vec_dim=40))
    dataset, cache = make_dataset(tmp_path, other, [1.2, 1.4])
    gen = train(tmp_path / "run", dataset, tiny, feature_cache=cache, device="cpu", max_steps=1)
    items, result = drain(gen)
    assert "model inputs sized to the dataset's features: ppg 48-d, vec 40-d" in items[0].message
    config = load_checkpoint(result.last_checkpoint)["config"]
    assert (config.model.ppg_dim, config.model.vec_dim) == (48, 40)
