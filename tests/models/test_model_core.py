"""Model core on the tiny preset (CPU, seconds) plus sizes at the sovits5 preset."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from models.config import ConfigError, ModelConfig, VoiceConfig
from models.features.spectral import linear_spectrogram, mel_spectrogram
from models.formats.artifact import (
    ArtifactError,
    F0Stats,
    VoiceManifest,
    load_checkpoint,
    load_voice,
    read_manifest,
    save_checkpoint,
    save_voice,
)
from models.formats.reference_import import ImportError_, import_reference_file
from models.formats.safeload import LoadError, safe_torch_load
from models.nets.discriminators import Discriminator
from models.nets.losses import (
    discriminator_loss,
    feature_matching_loss,
    generator_adversarial_loss,
    kl_loss,
    mel_loss,
    multi_resolution_stft_loss,
    speaker_loss,
)
from models.nets.synthesizer import SynthesizerInfer, SynthesizerTrain, slice_segments


def count(module: torch.nn.Module, trainable: bool) -> int:
    if trainable:
        return sum(p.numel() for p in module.parameters() if p.requires_grad)
    return sum(v.numel() for v in module.state_dict().values())


def test_sovits5_sizes_equal_reference() -> None:
    config = VoiceConfig.sovits5()
    g_train, g_infer, disc = SynthesizerTrain(config), SynthesizerInfer(config), Discriminator(config.discriminator)
    assert count(g_train, True) == 29_508_084
    assert count(g_infer, True) == 20_003_444
    assert count(disc, True) == 23_460_708
    assert count(g_train, False) == 29_510_280
    assert count(g_infer, False) == 20_005_640
    assert count(disc, False) == 23_460_708


def test_config_round_trip_and_unknown_keys() -> None:
    for config in (VoiceConfig.tiny(), VoiceConfig.sovits5()):
        assert VoiceConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    data = VoiceConfig.tiny().to_dict()
    data["model"]["hiden_channels"] = 3
    with pytest.raises(ConfigError, match="hiden_channels"):
        VoiceConfig.from_dict(data)
    with pytest.raises(ConfigError):
        VoiceConfig.from_dict({"model": {"inter_channels": "wide"}})
    with pytest.raises(ValueError):
        ModelConfig(inter_channels=15)


def tiny_batch(config: VoiceConfig, frames: int = 60, batch: int = 2, seed: int = 0) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    m, a = config.model, config.audio
    wav = 0.3 * torch.sin(torch.linspace(0, 2000, frames * a.hop_length)).repeat(batch, 1)
    wav = wav + 0.01 * torch.randn(wav.shape, generator=gen)
    f0 = torch.full((batch, frames), 220.0)
    f0[:, :5] = 0.0
    spk = torch.nn.functional.normalize(torch.randn(batch, m.spk_dim, generator=gen), dim=-1)
    return {
        "ppg": torch.randn(batch, m.ppg_dim, frames, generator=gen),
        "vec": torch.randn(batch, m.vec_dim, frames, generator=gen),
        "f0": f0,
        "spec": linear_spectrogram(wav, a),
        "wav": wav,
        "spk": spk,
        "lengths": torch.tensor([frames, frames - 10])[:batch],
    }


def test_tiny_forwards_shapes() -> None:
    config = VoiceConfig.tiny()
    b = tiny_batch(config)
    g = SynthesizerTrain(config)
    out = g(b["ppg"], b["vec"], b["f0"], b["spec"], b["spk"], b["lengths"])
    seg = config.train.segment_samples
    assert out.audio.shape == (2, 1, seg)
    assert out.z_f.shape == out.z_q.shape == (2, config.model.inter_channels, 60)
    assert out.spk_pred.shape == (2, config.model.spk_dim)
    assert out.mask[1, 0, 50:].sum() == 0
    infer = SynthesizerInfer(config)
    infer.load_state_dict(g.inference_state_dict())
    infer.eval()  # dropout off: deterministic means reproducible
    audio = infer(b["ppg"], b["vec"], b["f0"], b["spk"], deterministic=True)
    assert audio.shape == (2, 1, 60 * config.audio.hop_length)
    assert torch.isfinite(audio).all() and audio.abs().max() <= 1.0
    again = infer(b["ppg"], b["vec"], b["f0"], b["spk"], deterministic=True)
    assert torch.equal(audio, again)
    d = Discriminator(config.discriminator)
    outputs = d(out.audio)
    assert len(outputs) == len(config.discriminator.mrd_resolutions) + len(config.discriminator.mpd_periods) + 1


def test_slice_segments_pads_short_sequences() -> None:
    x = torch.arange(10.0).view(1, 1, 10).repeat(2, 1, 1)
    cut = slice_segments(x, torch.tensor([2, 8]), 4)
    assert cut[0, 0].tolist() == [2, 3, 4, 5]
    assert cut[1, 0].tolist() == [8, 9, 0, 0]


def test_one_optimiser_step_changes_every_trainable_parameter() -> None:
    torch.manual_seed(0)
    config = VoiceConfig.tiny()
    b = tiny_batch(config)
    g, d = SynthesizerTrain(config), Discriminator(config.discriminator)
    # The reference initialises the coupling outputs to zero; give them a start so every
    # parameter receives a gradient in a single step (zero weights kill the WaveNet's gradient).
    for flow in g.flow.flows[::2]:
        torch.nn.init.normal_(flow.post.weight, std=0.01)
    t = config.train
    opt_g = torch.optim.AdamW(g.parameters(), lr=1e-3, betas=t.betas, eps=t.eps)
    opt_d = torch.optim.AdamW(d.parameters(), lr=1e-3, betas=t.betas, eps=t.eps)
    before_g = {k: v.detach().clone() for k, v in g.named_parameters()}
    before_d = {k: v.detach().clone() for k, v in d.named_parameters()}

    out = g(b["ppg"], b["vec"], b["f0"], b["spec"], b["spk"], b["lengths"])
    real = slice_segments(b["wav"].unsqueeze(1), out.ids_slice * config.audio.hop_length, t.segment_samples)
    fake = out.audio
    d_fake, d_real = d(fake), d(real)
    sc, mag = multi_resolution_stft_loss(fake.squeeze(1), real.squeeze(1), config.discriminator.mrd_resolutions)
    loss_g = (generator_adversarial_loss(d_fake) + feature_matching_loss(d_fake, d_real)
              + t.c_mel * mel_loss(mel_spectrogram(fake.squeeze(1), config.audio),
                                   mel_spectrogram(real.squeeze(1), config.audio))
              + t.c_stft * (sc + mag)
              + t.c_kl * kl_loss(out.z_f, out.logs_q, out.m_p, out.logs_p, out.logdet_f, out.mask)
              + t.c_kl * t.c_kl_reverse * kl_loss(out.z_r, out.logs_p, out.m_q, out.logs_q, out.logdet_r, out.mask)
              + t.c_spk * speaker_loss(b["spk"], out.spk_pred))
    assert torch.isfinite(loss_g)
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    loss_d = discriminator_loss(d(fake.detach()), d(real))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    unchanged = [k for k, v in g.named_parameters() if torch.equal(v, before_g[k])]
    unchanged += [k for k, v in d.named_parameters() if torch.equal(v, before_d[k])]
    assert not unchanged, f"parameters not updated: {unchanged[:10]}"


def test_gradient_reversal_flips_speaker_gradient() -> None:
    config = VoiceConfig.tiny()
    g = SynthesizerTrain(config)
    hidden = torch.randn(1, config.model.hidden_channels, 20, requires_grad=True)
    spk = torch.nn.functional.normalize(torch.randn(1, config.model.spk_dim), dim=-1)
    speaker_loss(spk, g.speaker_classifier(hidden)).backward()
    grad_reversed = hidden.grad.clone()
    hidden.grad = None
    plain = g.speaker_classifier.classifier[1:]
    speaker_loss(spk, plain(hidden).mean(-1)).backward()
    assert torch.allclose(grad_reversed, -hidden.grad)


# ------------------------------------------------------------------------- formats


def make_voice(tmp_path: Path, name: str = "Anna ünïcode voice") -> tuple[Path, SynthesizerInfer, VoiceManifest]:
    config = VoiceConfig.tiny()
    torch.manual_seed(1)
    g = SynthesizerTrain(config)
    spk = np.random.default_rng(0).standard_normal(config.model.spk_dim).astype(np.float32)
    manifest = VoiceManifest(name=name, config=config, speaker=spk / np.linalg.norm(spk),
                             f0_stats=F0Stats.from_f0(np.array([0, 200, 220, 240, 0])),
                             content_encoders={"ppg": {"name": "whisper-tiny-test", "sha256": "0" * 64}})
    folder = save_voice(tmp_path / "voice one", manifest, g.inference_state_dict())
    infer = SynthesizerInfer(config)
    infer.load_state_dict(g.inference_state_dict())
    return folder, infer, manifest


def test_voice_round_trip_is_exact(tmp_path: Path) -> None:
    folder, infer, manifest = make_voice(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["generator.safetensors", "voice.json"]
    voice = load_voice(folder)
    assert voice.manifest.name == manifest.name
    assert voice.config == manifest.config
    assert np.array_equal(voice.manifest.speaker, manifest.speaker)
    assert voice.manifest.f0_stats == manifest.f0_stats
    for key, value in infer.state_dict().items():
        assert torch.equal(voice.generator.state_dict()[key], value), key
    b = tiny_batch(voice.config, batch=1)
    spk = voice.speaker_tensor()
    assert torch.equal(voice.generator(b["ppg"], b["vec"], b["f0"], spk, deterministic=True),
                       infer.eval()(b["ppg"], b["vec"], b["f0"], spk, deterministic=True))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_voice_refuses_bad_files(tmp_path: Path) -> None:
    folder, _, _ = make_voice(tmp_path)
    weights = folder / "generator.safetensors"
    original = weights.read_bytes()
    weights.write_bytes(original[: len(original) // 2])  # truncated
    with pytest.raises(ArtifactError, match="checksum|unreadable"):
        load_voice(folder)
    weights.write_bytes(original[:-8] + b"\x00" * 8)  # corrupted
    with pytest.raises(ArtifactError, match="checksum"):
        load_voice(folder)
    weights.write_bytes(original)
    manifest_path = folder / "voice.json"
    data = json.loads(manifest_path.read_text())
    data["format_version"] = 99
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(ArtifactError, match="version 99"):
        read_manifest(folder)
    manifest_path.write_text("{not json")
    with pytest.raises(ArtifactError, match="voice.json"):
        load_voice(folder)
    with pytest.raises(ArtifactError, match="not a voice folder"):
        load_voice(tmp_path / "nowhere")


def test_voice_of_another_shape_is_refused(tmp_path: Path) -> None:
    folder, _, manifest = make_voice(tmp_path)
    data = json.loads((folder / "voice.json").read_text())
    data["config"]["model"]["hidden_channels"] = 32
    (folder / "voice.json").write_text(json.dumps(data))
    with pytest.raises(ArtifactError, match="shape mismatch.*enc_p"):
        load_voice(folder)
    # save_voice checks weights against the config before writing anything
    bigger = manifest.config.replace(model=manifest.config.model.replace(hidden_channels=32))
    bad = VoiceManifest(name="x", config=bigger, speaker=manifest.speaker)
    with pytest.raises(LoadError, match="does not fit"):
        save_voice(tmp_path / "bad", bad, SynthesizerInfer(manifest.config).state_dict())
    assert not (tmp_path / "bad").exists()


def test_checkpoint_round_trip_and_refusals(tmp_path: Path) -> None:
    config = VoiceConfig.tiny()
    g, d = SynthesizerTrain(config), Discriminator(config.discriminator)
    path = save_checkpoint(tmp_path / "step_10.ckpt", {"config": config, "model_g": g.state_dict(),
                                                       "model_d": d.state_dict(), "step": 10,
                                                       "rng_torch": torch.get_rng_state()})
    data = load_checkpoint(path)
    assert data["config"] == config and data["step"] == 10
    assert all(torch.equal(data["model_g"][k], v) for k, v in g.state_dict().items())
    raw = path.read_bytes()
    (tmp_path / "cut.ckpt").write_bytes(raw[: len(raw) // 3])
    with pytest.raises(ArtifactError, match="cut.ckpt"):
        load_checkpoint(tmp_path / "cut.ckpt")
    (tmp_path / "empty.ckpt").write_bytes(b"")
    with pytest.raises(ArtifactError, match="empty.ckpt"):
        load_checkpoint(tmp_path / "empty.ckpt")


class _Exploit:
    def __reduce__(self):
        return (os.system, ("touch pwned_marker",))


def test_pickle_that_would_run_code_is_refused_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    evil = tmp_path / "evil.pth"
    torch.save({"model_g": {"w": torch.zeros(1)}, "payload": _Exploit()}, evil)
    with pytest.raises(LoadError, match="refused"):
        safe_torch_load(evil)
    with pytest.raises(ImportError_, match="refused"):
        import_reference_file(evil)
    with pytest.raises(ArtifactError, match="refused"):
        load_checkpoint(evil)
    assert not (tmp_path / "pwned_marker").exists()
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(LoadError):
        safe_torch_load(plain)
    assert not (tmp_path / "pwned_marker").exists()


def test_import_reference_formats(tmp_path: Path) -> None:
    """Training checkpoint (hp_str), pretrain, exported voice + npy, new-style weight norm."""
    import yaml

    config = VoiceConfig.tiny()
    g, d = SynthesizerTrain(config), Discriminator(config.discriminator)
    m = config.model
    hp = {"vits": {"ppg_dim": m.ppg_dim, "vec_dim": m.vec_dim, "spk_dim": m.spk_dim, "gin_channels": m.gin_channels,
                   "inter_channels": m.inter_channels, "hidden_channels": m.hidden_channels,
                   "filter_channels": m.filter_channels}}
    ckpt = tmp_path / "sovits5.0_0100.pt"
    torch.save({"model_g": {k: v.half() for k, v in g.state_dict().items()}, "model_d": d.state_dict(),
                "optim_g": {}, "optim_d": {}, "step": 100, "epoch": 3, "hp_str": yaml.safe_dump(hp)}, ckpt)
    # hp_str describes only the vits section; the tiny preset's other differences must be given
    imported = import_reference_file(ckpt, config=config)
    assert imported.kind == "training-checkpoint" and imported.step == 100
    with pytest.raises(ImportError_, match="does not fit"):
        import_reference_file(ckpt)  # hp_str + reference defaults: the decoder shapes differ

    # exported voice: inference generator only, new-style weight-norm keys, plus a speaker .npy
    new_style = {}
    for k, v in g.inference_state_dict().items():
        if k.endswith(".weight_g"):
            k = k[: -len(".weight_g")] + ".parametrizations.weight.original0"
        elif k.endswith(".weight_v"):
            k = k[: -len(".weight_v")] + ".parametrizations.weight.original1"
        new_style[k] = v
    export = tmp_path / "export.pth"
    torch.save({"model_g": new_style}, export)
    npy = tmp_path / "singer0001.spk.npy"
    np.save(npy, np.ones(m.spk_dim, dtype=np.float32))
    voice = import_reference_file(export, speaker_npy=npy, config=config)
    assert voice.kind == "voice" and isinstance(voice.generator, SynthesizerInfer)
    assert voice.speaker is not None and voice.speaker.shape == (m.spk_dim,)
    bad_npy = tmp_path / "bad.npy"
    np.save(bad_npy, np.ones(3, dtype=np.float32))
    with pytest.raises(ImportError_, match="bad.npy"):
        import_reference_file(export, speaker_npy=bad_npy, config=config)
    with pytest.raises(ImportError_, match="no 'model_g'"):
        torch.save({"weights": {}}, tmp_path / "other.pth")
        import_reference_file(tmp_path / "other.pth")


def test_reference_voice_becomes_a_library_voice(tmp_path: Path) -> None:
    from models.formats.artifact import voice_from_reference

    config = VoiceConfig.tiny()
    g = SynthesizerTrain(config)
    export = tmp_path / "export.pth"
    torch.save({"model_g": g.inference_state_dict()}, export)
    npy = tmp_path / "singer.npy"
    np.save(npy, np.full(config.model.spk_dim, 0.0625, dtype=np.float32))
    imported = import_reference_file(export, speaker_npy=npy, config=config)
    manifest, weights = voice_from_reference(imported, "Imported singer")
    folder = save_voice(tmp_path / "imported", manifest, weights)
    voice = load_voice(folder)
    assert voice.manifest.source == "so-vits-svc-5.0 import"
    assert np.allclose(voice.manifest.speaker, 0.0625)
    imported_no_spk = import_reference_file(export, config=config)
    with pytest.raises(ArtifactError, match="npy"):
        voice_from_reference(imported_no_spk, "x")


# --------------------------------------------------------------------------- hostile imports (issue 20)


def _reference_hp(config: VoiceConfig) -> dict:
    """The so-vits-svc-5.0 ``hp_str`` sections that describe ``config`` (the reference's key names)."""
    m, a = config.model, config.audio
    return {
        "data": {"sampling_rate": a.sample_rate, "hop_length": a.hop_length, "filter_length": a.n_fft,
                 "win_length": a.win_length, "segment_size": config.train.segment_samples},
        "vits": {"ppg_dim": m.ppg_dim, "vec_dim": m.vec_dim, "spk_dim": m.spk_dim, "gin_channels": m.gin_channels,
                 "inter_channels": m.inter_channels, "hidden_channels": m.hidden_channels,
                 "filter_channels": m.filter_channels},
        "gen": {"upsample_input": m.inter_channels, "upsample_rates": list(m.upsample_rates),
                "upsample_kernel_sizes": list(m.upsample_kernel_sizes),
                "upsample_initial_channel": m.upsample_initial_channel,
                "resblock_kernel_sizes": list(m.resblock_kernel_sizes),
                "resblock_dilation_sizes": [list(d) for d in m.resblock_dilation_sizes]},
    }


def _reference_checkpoint(path: Path, config: VoiceConfig, hp: dict) -> Path:
    """A so-vits-svc-5.0 training checkpoint in the real format: model_g, optim_g, step, hp_str (YAML)."""
    import yaml

    torch.manual_seed(0)
    g = SynthesizerTrain(config)
    torch.save({"model_g": g.state_dict(), "optim_g": {}, "step": 7, "hp_str": yaml.safe_dump(hp)}, path)
    return path


def _tiny_model_config() -> VoiceConfig:
    """The tiny preset at the reference's decoder layout (so an hp_str can describe all of it)."""
    return VoiceConfig.tiny()


def test_hp_str_describing_the_file_imports(tmp_path: Path) -> None:
    """Control for the hostile hp_str tests below: the honest hp_str of the same file imports."""
    config = _tiny_model_config()
    hp = _reference_hp(config)
    path = _reference_checkpoint(tmp_path / "ok.pth", config, hp)
    # the tiny preset's flow/posterior depths are not in the reference's hp_str: they come from base
    imported = import_reference_file(path, base=config)
    assert imported.kind == "training-checkpoint" and imported.step == 7
    assert imported.config.model == config.model


@pytest.mark.parametrize(
    ("section", "key", "value", "named"),
    [
        ("vits", "hidden_channels", "abc", "vits.hidden_channels"),
        ("gen", "upsample_rates", 5, "gen.upsample_rates"),
        ("vits", "hidden_channels", -16, "vits.hidden_channels"),
        ("vits", "inter_channels", 0, "vits.inter_channels"),
        ("gen", "resblock_dilation_sizes", [[1, "x", 5]], "gen.resblock_dilation_sizes"),
        ("vits", "filter_channels", 2.5, "vits.filter_channels"),
        ("vits", "hidden_channels", True, "vits.hidden_channels"),
    ],
)
def test_hp_str_with_wrong_types_is_one_clear_error_naming_the_key(
    tmp_path: Path, section: str, key: str, value, named: str
) -> None:
    """Issue 20 item 6: a so-vits-svc-5.0 file whose hp_str has wrong types is an ImportError_ naming the
    file and the key (it was a TypeError traceback)."""
    hp = _reference_hp(VoiceConfig.sovits5())
    hp[section][key] = value
    path = _reference_checkpoint(tmp_path / "bad_hp.pth", _tiny_model_config(), hp)
    with pytest.raises(ImportError_) as info:
        import_reference_file(path)
    message = str(info.value)
    assert "bad_hp.pth" in message and named in message and "\n" not in message


def test_hp_str_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list_hp.pth"
    torch.save({"model_g": SynthesizerTrain(VoiceConfig.tiny()).state_dict(), "hp_str": "- 1\n- 2\n"}, path)
    with pytest.raises(ImportError_, match="list_hp.pth.*hp_str"):
        import_reference_file(path)


def test_hp_str_with_huge_sizes_is_refused_before_building(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20 item 7: hidden_channels 40000 must be refused by its bound, with no model built at all."""
    import models.formats.reference_import as ri

    built: list[str] = []
    monkeypatch.setattr(ri, "SynthesizerTrain", lambda *a, **k: built.append("train") or pytest.fail("built"))
    monkeypatch.setattr(ri, "SynthesizerInfer", lambda *a, **k: built.append("infer") or pytest.fail("built"))
    hp = _reference_hp(VoiceConfig.sovits5())
    hp["vits"]["hidden_channels"] = 40000
    hp["vits"]["filter_channels"] = 40000
    path = _reference_checkpoint(tmp_path / "huge.pth", _tiny_model_config(), hp)
    with pytest.raises(ImportError_, match=r"huge.pth.*vits.hidden_channels.*40000"):
        import_reference_file(path)
    assert built == []


def test_hp_str_sizes_are_checked_against_the_weights_before_allocating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20 item 7: a plausible but wrong size (within bounds) is caught from the state dict's shapes
    before any real model is allocated: every model built before the refusal must be on the meta device."""
    import models.formats.reference_import as ri

    devices: list[str] = []

    def spy(cls):
        def build(*args, **kwargs):
            devices.append(str(torch.empty(0).device))  # the default device at construction time
            return cls(*args, **kwargs)

        return build

    monkeypatch.setattr(ri, "SynthesizerTrain", spy(SynthesizerTrain))
    monkeypatch.setattr(ri, "SynthesizerInfer", spy(SynthesizerInfer))
    config = _tiny_model_config()
    hp = _reference_hp(config)
    hp["vits"]["hidden_channels"] = 2048  # the file's weights were made with 16
    hp["vits"]["filter_channels"] = 4096
    path = _reference_checkpoint(tmp_path / "wrong.pth", config, hp)
    with pytest.raises(ImportError_, match=r"wrong.pth.*does not fit"):
        ri.import_reference_file(path, config=None, base=config)
    assert devices and set(devices) == {"meta"}, devices


@pytest.mark.parametrize("kind", ["random", "exploit", "truncated", "empty"])
def test_unreadable_or_malicious_files_are_not_valid_without_torch_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Issue 20 item 6: refused as 'FILE is not a valid <model> file (...)', never repeating PyTorch's
    advice to retry with weights_only=False."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{kind}.pth"
    if kind == "random":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    elif kind == "exploit":
        torch.save({"model_g": {"w": torch.zeros(1)}, "payload": _Exploit()}, path)
    elif kind == "truncated":
        good = tmp_path / "good.pth"
        torch.save({"model_g": SynthesizerTrain(VoiceConfig.tiny()).state_dict()}, good)
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        path.write_bytes(b"")
    for load, error in ((import_reference_file, ImportError_), (load_checkpoint, ArtifactError)):
        with pytest.raises(error) as info:
            load(path)
        message = str(info.value)
        assert message.startswith(f"{path} is not a valid "), message
        assert "weights_only" not in message and "\n" not in message
    assert not (tmp_path / "pwned_marker").exists()


def test_inference_view_shares_the_training_generators_modules() -> None:
    """``SynthesizerInfer.sharing`` (validation's inference path) uses the training generator's own
    prior encoder, flow and decoder: same parameter objects, the inference state-dict layout."""
    config = VoiceConfig.tiny()
    g = SynthesizerTrain(config)
    view = SynthesizerInfer.sharing(g)
    assert view.enc_p is g.enc_p and view.flow is g.flow and view.dec is g.dec
    assert list(view.state_dict()) == list(SynthesizerInfer(config).state_dict())
    own = {id(p) for p in g.parameters()}
    assert all(id(p) in own for p in view.parameters())
