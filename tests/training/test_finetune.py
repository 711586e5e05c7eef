"""Fine-tuning from a base: a so-vits-svc-5.0 training checkpoint (built from a reference vector's
state dicts), our own checkpoint, and the refusal of an inference-only voice."""

from __future__ import annotations

import json
import math

import pytest
import torch

from models.formats.artifact import load_checkpoint
from models.config import VoiceConfig
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
