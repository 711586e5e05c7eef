"""Export -> load -> convert end to end on CPU, and the ``voicecraft train`` command."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from models.config import VoiceConfig
from models.convert.converter import VoiceConverter
from models.convert.extractors import Extractors
from models.convert.options import ConvertOptions, run_to_end
from models.features.pitch import create_pitch_extractor
from models.formats.artifact import load_checkpoint, load_voice
from models.training import TrainingError, export_voice, train
from voicecraft_desktop import cli

from .conftest import ProjectionEncoder, drain, sung_phrase


@pytest.fixture(scope="module")
def short_run(tiny_dataset, tmp_path_factory):
    dataset, cache = tiny_dataset
    run_dir = tmp_path_factory.mktemp("export") / "run"
    drain(train(run_dir, dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", max_steps=10))
    return run_dir


def test_export_load_convert(short_run, tiny_dataset, tmp_path):
    dataset, _ = tiny_dataset
    folder = export_voice(short_run, tmp_path / "voice", "Exported", app_version="test")
    voice = load_voice(folder)
    manifest = voice.manifest
    assert manifest.name == "Exported" and manifest.config.preset == "tiny"
    assert (
        manifest.config.content.ppg_encoder == "test-ppg"
        and manifest.config.content.vec_encoder == "test-vec"
    )
    np.testing.assert_allclose(manifest.speaker, np.load(dataset / "speaker.npy"), rtol=1e-6)
    assert manifest.f0_stats is not None and 150 < manifest.f0_stats.median_hz < 400
    assert manifest.pitch_extractor == "dio" and manifest.training["steps"] == 10
    assert manifest.training["checkpoint"] == "best.ckpt" and manifest.training["validation_mel_l1"] > 0
    best = load_checkpoint(short_run / "checkpoints" / "best.ckpt")
    for key, value in voice.generator.state_dict().items():
        assert torch.equal(value, best["model_g"][key]), key

    config = voice.config
    extractors = Extractors(
        pitch=create_pitch_extractor("dio"),
        ppg=ProjectionEncoder("test-ppg", config.model.ppg_dim, 1),
        vec=ProjectionEncoder("test-vec", config.model.vec_dim, 2),
    )
    converter = VoiceConverter(voice, extractors, device="cpu")
    source = sung_phrase(220.0, 1.5, rate=44100)
    result = run_to_end(converter.convert(source, 44100, ConvertOptions(report=False, seed=1)))
    assert result.sample_rate == 32000 and result.audio.shape == (48000,)
    assert np.all(np.isfinite(result.audio)) and np.abs(result.audio).max() > 1e-4


def test_export_refuses_bad_runs(short_run, tmp_path):
    export_voice(short_run, tmp_path / "v", "A")
    with pytest.raises(TrainingError, match="already exists"):
        export_voice(short_run, tmp_path / "v", "A")
    with pytest.raises(TrainingError, match="not a training run folder"):
        export_voice(tmp_path / "nothing", tmp_path / "w", "B")


def test_train_command_adds_voice_to_library(tiny_dataset, tmp_home, capsys):
    from voicecraft_desktop.core.library import VoiceLibrary

    dataset, cache = tiny_dataset
    args = ["train", "--voice", "CLI Voice", "--preset", "tiny", "--steps", "2", "--dataset", str(dataset),
            "--feature-cache", str(cache), "--device", "cpu"]
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "step 2/2" in err and "voice: CLI Voice" in out
    run = json.loads((tmp_home / "data" / "runs" / "cli-voice" / "run.json").read_text())
    assert run["clips"] == 5
    entries = VoiceLibrary().entries()
    assert [e.name for e in entries] == ["CLI Voice"] and entries[0].steps == 2
    # running again resumes the run (already at its end) and updates the voice it exported (issue 20.4)
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code == 0 and "updated" in out and "resuming from step_00000002.ckpt" in err
    assert [(e.id, e.folder) for e in VoiceLibrary().entries()] == [(entries[0].id, entries[0].folder)]


def test_train_command_usage_errors(tmp_home, tmp_path, capsys):
    assert cli.main(["train", "--voice", "nobody", "--preset", "tiny"]) == 2
    assert "no prepared dataset" in capsys.readouterr().err
    assert cli.main(["train", "--voice", "x", "--preset", "huge", "--dataset", str(tmp_path)]) == 2
    assert "unknown preset" in capsys.readouterr().err
    assert (
        cli.main(["train", "--voice", "x", "--dataset", str(tmp_path), "--base", str(tmp_path / "no.pth")])
        == 2
    )
    assert "not found" in capsys.readouterr().err


def _best_behind_latest(run_dir, tmp_path):
    """A copy of ``run_dir`` whose best checkpoint is step 10 and whose newest one is step 60."""
    import shutil

    from models.formats.artifact import save_checkpoint

    run = tmp_path / "run60"
    shutil.copytree(run_dir, run)
    data = load_checkpoint(run / "checkpoints" / "step_00000010.ckpt")
    data["step"] = 60
    data["monitor"] = {"steps": [10, 60], "values": [1.0, 1.5]}
    save_checkpoint(run / "checkpoints" / "step_00000060.ckpt", data)
    return run


def test_export_offers_best_and_latest_and_records_both_steps(short_run, tmp_path):
    """Issue 12.4: export offers best and latest with their steps; the voice records both, so the
    library can say "best at step 10 of 60" instead of "Steps trained 10" after 60 steps."""
    from voicecraft_desktop.core.runs import export_choices, run_status

    run = _best_behind_latest(short_run, tmp_path)
    choices = export_choices(run)
    assert [(kind, step) for kind, step, _ in choices] == [("best", 10), ("latest", 60)]
    status = run_status(run)
    assert (status.step, status.best_step, status.preset, status.target) == (60, 10, "tiny", 10)
    best = load_voice(export_voice(run, tmp_path / "best", "B")).manifest.training
    assert (best["steps"], best["trained_steps"], best["checkpoint_kind"]) == (10, 60, "best")
    latest_dir = export_voice(run, tmp_path / "latest", "L", checkpoint=choices[1][2])
    latest = load_voice(latest_dir).manifest.training
    assert (latest["steps"], latest["trained_steps"], latest["checkpoint_kind"]) == (60, 60, "latest")
    assert latest["validation_mel_l1"] == 1.5  # the exported step's own value, not the run's lowest
    # one choice when the best is the newest checkpoint
    assert [(k, s) for k, s, _ in export_choices(short_run)] == [("best", 10)]
