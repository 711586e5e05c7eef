"""Fine-tuning from a base: a so-vits-svc-5.0 training checkpoint (built from a reference vector's
state dicts), our own checkpoint, and the refusal of an inference-only voice."""

from __future__ import annotations

import json
import math

import pytest
import torch

from models.config import VoiceConfig
from models.formats.artifact import load_checkpoint
from models.formats.reference_import import config_from_reference
from models.training import TrainingError, train

from .conftest import drain, make_dataset


@pytest.mark.parametrize("kind", ["training-checkpoint", "pretrain"])
def test_finetune_from_sovits5_file(reference_vectors, tmp_path, kind):
    torch.set_num_threads(1)
    vector = torch.load(sorted(reference_vectors.glob("*.pt"))[0], map_location="cpu", weights_only=True)
    ref_config = config_from_reference(json.loads(vector["config_json"]))
    base = tmp_path / "base.pth"
    if kind == "training-checkpoint":  # carries its config (hp_str) and optimiser entries
        torch.save(
            {
                "model_g": vector["model_g"],
                "model_d": vector["model_d"],
                "optim_g": {},
                "optim_d": {},
                "step": 1000,
                "epoch": 5,
                "hp_str": vector["config_json"],
            },
            base,
        )
        config = (
            VoiceConfig.tiny()
        )  # the recipe (small batch, short segment); the base brings the architecture
    else:  # like sovits5.0.pretrain.pth: weights only, so the chosen config must fit them
        torch.save({"model_g": vector["model_g"], "model_d": vector["model_d"]}, base)
        config = ref_config.replace(train=VoiceConfig.tiny().train)
    dataset, cache = make_dataset(tmp_path, ref_config, [1.1, 1.3, 1.2])
    items, result = drain(
        train(tmp_path / "run", dataset, config, feature_cache=cache, base=base, device="cpu", max_steps=1)
    )
    assert f"so-vits-svc-5.0 {kind} (step" in items[0].message
    first = next(p for p in items if p.phase == "train")
    assert first.step == 1 and all(math.isfinite(v) for v in first.losses.values()), first.losses
    ckpt = load_checkpoint(result.last_checkpoint)
    assert (
        ckpt["config"].model == ref_config.model and ckpt["config"].discriminator == ref_config.discriminator
    )
    # one step at lr 5e-5 stays next to the base's weights (a fresh init would be far away)
    for key in ("emb_g.weight", "enc_p.pre.weight", "dec.conv_pre.bias"):
        assert torch.allclose(ckpt["model_g"][key], vector["model_g"][key].float(), atol=1e-3), key
    assert not torch.equal(ckpt["model_g"]["enc_p.pre.weight"], vector["model_g"]["enc_p.pre.weight"].float())
    for key in ("MPD.discriminators.0.conv_post.bias",):
        assert torch.allclose(ckpt["model_d"][key], vector["model_d"][key].float(), atol=1e-3), key


def test_finetune_from_our_checkpoint_and_refuse_exported_voice(tiny_dataset, tmp_path):
    dataset, cache = tiny_dataset
    _, first = drain(
        train(tmp_path / "a", dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", max_steps=2)
    )
    items, result = drain(
        train(
            tmp_path / "b",
            dataset,
            VoiceConfig.tiny(),
            feature_cache=cache,
            device="cpu",
            base=first.last_checkpoint,
            max_steps=1,
        )
    )
    assert "VoiceCraft checkpoint (step 2)" in items[0].message
    assert result.step == 1 and all(math.isfinite(v) for v in items[-1].losses.values())

    base = load_checkpoint(first.last_checkpoint)
    voice_only = tmp_path / "exported.pth"
    keep = ("enc_p.", "flow.", "dec.")
    torch.save({"model_g": {k: v for k, v in base["model_g"].items() if k.startswith(keep)}}, voice_only)
    with pytest.raises(TrainingError, match="exported voice has only the inference generator"):
        drain(
            train(
                tmp_path / "c",
                dataset,
                VoiceConfig.tiny(),
                feature_cache=cache,
                device="cpu",
                base=voice_only,
                max_steps=1,
            )
        )
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a model")
    with pytest.raises(TrainingError, match="garbage.pth"):
        drain(
            train(
                tmp_path / "d",
                dataset,
                VoiceConfig.tiny(),
                feature_cache=cache,
                device="cpu",
                base=garbage,
                max_steps=1,
            )
        )


@pytest.fixture
def captured_train(monkeypatch):
    """``voicecraft train`` with a stand-in trainer that records its arguments and ends at once."""
    import models.training
    from models.training.trainer import TrainResult

    calls = []

    def fake_train(run_dir, dataset, config, **kwargs):  # noqa: ANN001, ANN202 - the real signature
        calls.append({"config": config, **kwargs})
        return TrainResult(run_dir, kwargs["max_steps"] or 0, False, None, None, None)
        yield  # a generator, as train is

    monkeypatch.setattr(models.training, "train", fake_train)
    return calls


def test_train_command_fine_tunes_from_the_pretrain_by_default(
    tiny_dataset, tmp_home, tmp_path, capsys, monkeypatch, captured_train
):
    """Issue 12.2: with the pretrain present, `voicecraft train` fine-tunes from it with a step count
    sized to fine-tuning and the dataset; `--from-scratch` is the explicit other choice."""
    from voicecraft_desktop import cli
    from voicecraft_desktop.commands import train as train_command
    from voicecraft_desktop.core.runs import default_steps

    dataset, cache = tiny_dataset
    pretrain = tmp_path / "sovits5.0.pretrain.pth"
    pretrain.write_bytes(b"stand-in")
    monkeypatch.setattr(train_command, "locate_pretrain", lambda: pretrain)
    common = ["train", "--voice", "V", "--dataset", str(dataset), "--feature-cache", str(cache),
              "--device", "cpu", "--no-export"]
    assert cli.main(common) == 0
    (call,) = captured_train
    assert call["base"] == pretrain and call["config"].preset == "sovits5"
    assert call["max_steps"] == default_steps(VoiceConfig.sovits5(), 5, fine_tune=True) == 2_000
    assert "fine-tuning from the so-vits-svc-5.0 pretrain" in capsys.readouterr().err
    assert cli.main([*common, "--from-scratch"]) == 0
    assert captured_train[-1]["base"] is None and captured_train[-1]["max_steps"] == 20_000
    assert cli.main([*common, "--steps", "7"]) == 0 and captured_train[-1]["max_steps"] == 7
    # the pretrain has the sovits5 shapes: the tiny preset trains from scratch, and says so
    assert cli.main([*common, "--preset", "tiny"]) == 0
    assert captured_train[-1]["base"] is None and "fits only sovits5" in capsys.readouterr().err
    assert cli.main([*common, "--from-scratch", "--base", str(pretrain)]) == 2
    # without the pretrain: from scratch, with a note saying how to get it
    monkeypatch.setattr(train_command, "locate_pretrain", lambda: None)
    assert cli.main(common) == 0 and captured_train[-1]["base"] is None
    assert "pretrain is not downloaded" in capsys.readouterr().err
