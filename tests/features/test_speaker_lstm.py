"""The so-vits-svc-5.0 LSTM speaker encoder against the reference's own outputs (issue 15, part 1).

The vectors (``shared/reference/extra/speaker-retrieval-seed0.pt``) hold the reference's weights
(int8 grid x power-of-two scale), three clips and every intermediate; the tolerances are the
reference README's: 1e-4 absolute for float32 values, exact for integers. Controls show each check
can fail: a gate-order swap in the LSTM, a front end without pre-emphasis, a renormalised mean.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from models.features.speaker_lstm import (
    FrontEnd,
    LSTMSpeakerNet,
    Sovits5SpeakerEncoder,
    load_speaker_net,
    reference_mel,
    singer_average,
)
from models.formats.safeload import LoadError

TOL = 1e-4
CLIPS = ("a", "b", "c")


@pytest.fixture(scope="module")
def vectors() -> dict:
    """The reference vectors file (skipped like the other reference checks where it is absent)."""
    from tests.conftest import reference_vectors_dir, reference_vectors_required

    path = reference_vectors_dir().parent / "extra" / "speaker-retrieval-seed0.pt"
    if not path.is_file():
        if reference_vectors_required():
            pytest.fail(f"{path} not found")
        pytest.skip(f"{path} not found")
    return torch.load(path, map_location="cpu", weights_only=True)


@pytest.fixture(scope="module")
def state(vectors: dict) -> dict[str, torch.Tensor]:
    """The reference's fp32 weights: exactly int8 * scale."""
    return {k: q.float() * vectors["spk_state_scale"][k] for k, q in vectors["spk_state_int8"].items()}


@pytest.fixture(scope="module")
def checkpoint(state: dict[str, torch.Tensor], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``best_model.pth.tar`` in the reference's layout: a dict with the state under ``"model"``."""
    path = tmp_path_factory.mktemp("speaker") / "best_model.pth.tar"
    torch.save({"model": state, "optimizer": {"state": {}, "param_groups": [{"lr": 1e-4}]}, "step": 25000,
                "epoch": 3, "date": "May 01, 2023", "model_loss": 0.5}, path)
    return path


@pytest.fixture(scope="module")
def net(checkpoint: Path) -> LSTMSpeakerNet:
    return load_speaker_net(checkpoint)


def _err(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def _windows(net: LSTMSpeakerNet, mel: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One pass of ``compute_embedding``: each layer's output at the last step (3, 10, 256) (seen by hooks),
    the window vectors (10, 256) and the clip vector (256,)."""
    last: list[torch.Tensor] = []
    hooks = [layer.register_forward_hook(lambda _m, _i, out: last.append(out[:, -1])) for layer in net.layers]
    try:
        emb, win = net.compute_embedding(mel, return_windows=True)
    finally:
        for hook in hooks:
            hook.remove()
    return torch.stack(last), win, emb


def test_front_end_matches_reference_step_by_step(vectors: dict) -> None:
    for c in CLIPS:
        trace = reference_mel(vectors[f"spk_{c}_wav"].numpy())
        trim = (vectors[f"spk_{c}_trim_start"], vectors[f"spk_{c}_trim_end"])
        assert (trace.trim_start, trace.trim_end) == trim
        assert trace.mel.shape == tuple(vectors[f"spk_{c}_mel"].shape) and trace.mel.dtype == np.float32
        assert _err(trace.mel, vectors[f"spk_{c}_mel"]) <= TOL, c  # measured 0 (float64 front end)
    trace = reference_mel(vectors["spk_a_wav"].numpy())
    for mine, key in [(trace.loaded, "wav_loaded"), (trace.preemph, "preemph"), (trace.stft_mag, "stft_mag"),
                      (trace.mel_amp, "mel_amp"), (trace.mel_db, "mel_db")]:
        assert mine.shape == tuple(vectors[f"spk_a_{key}"].shape), key
        assert _err(mine, vectors[f"spk_a_{key}"]) <= TOL, key


def test_front_end_steps_equal_librosa() -> None:
    """The numpy/scipy front end (no librosa at run time) equals librosa's trim, slaney filterbank and
    STFT on signals beyond the three clips: quiet lead-ins at several levels, all-silent, very short."""
    import librosa

    from models.features.speaker_lstm import mel_basis, stft_magnitude, trim_silence

    np.testing.assert_array_equal(mel_basis(), librosa.filters.mel(sr=16000, n_fft=1024, n_mels=80, fmin=0.0,
                                                                    fmax=8000.0))
    rng = np.random.default_rng(5)
    for level in (0.0, 1e-5, 1e-4, 3e-4, 1e-3, 1e-2):
        for n in (700, 5000, 23456):
            x = (rng.standard_normal(n) * level).astype(np.float32)
            x[n // 3: n // 3 + n // 4] += np.sin(np.arange(n // 4) * 0.07).astype(np.float32) * 0.5
            _, (a, b) = librosa.effects.trim(x[160:-160], top_db=60, frame_length=1024, hop_length=256)
            assert trim_silence(x) == (160 + a, 160 + b), (level, n)
    silent = np.zeros(4000, np.float32)
    _, (a, b) = librosa.effects.trim(silent[160:-160], top_db=60, frame_length=1024, hop_length=256)
    assert trim_silence(silent) == (160 + a, 160 + b)
    y = rng.standard_normal(9999)
    ref = np.abs(librosa.stft(y=y, n_fft=1024, hop_length=256, win_length=1024, window="hann", center=True,
                              pad_mode="reflect"))
    assert stft_magnitude(y).shape == ref.shape and _err(stft_magnitude(y), ref) <= 1e-9


def test_front_end_control_without_preemphasis_fails(vectors: dict) -> None:
    """The mel check can fail: the same front end without pre-emphasis is far off."""
    trace = reference_mel(vectors["spk_a_wav"].numpy(), FrontEnd(preemphasis=0.0))
    assert _err(trace.mel, vectors["spk_a_mel"]) > 100 * TOL


@pytest.mark.slow
def test_encoder_matches_reference_per_window_and_per_clip(vectors: dict, net: LSTMSpeakerNet) -> None:
    for c in CLIPS:
        mel = vectors[f"spk_{c}_mel"]
        starts, nf = net.window_starts(int(mel.shape[1]))
        np.testing.assert_array_equal(starts, vectors[f"spk_{c}_window_starts"].numpy())
        np.testing.assert_array_equal(starts + nf, vectors[f"spk_{c}_window_ends"].numpy())
        last, win, emb = _windows(net, mel)
        assert _err(last, vectors[f"spk_{c}_layer_out_last"]) <= TOL, c
        assert _err(win, vectors[f"spk_{c}_window_emb"]) <= TOL, c
        assert _err(emb, vectors[f"spk_{c}_embedding"]) <= TOL, c
    # clip b's windows differ, so its mean has norm < 1
    assert len(set(vectors["spk_b_window_starts"].tolist())) == 10
    assert float(vectors["spk_b_embedding"].norm()) < 0.999


def test_encoder_control_gate_order_swap_fails(vectors: dict, state: dict[str, torch.Tensor]) -> None:
    """The encoder check can fail: the same weights with the LSTM's f and g gates swapped."""
    def swap(t: torch.Tensor) -> torch.Tensor:
        i, f, g, o = t.chunk(4, dim=0)
        return torch.cat([i, g, f, o])

    swapped = LSTMSpeakerNet()
    swapped.load_state_dict({k: swap(v) if ".lstm." in k else v for k, v in state.items()}, strict=True)
    _, _, emb = _windows(swapped.eval(), vectors["spk_a_mel"])
    assert _err(emb, vectors["spk_a_embedding"]) > 100 * TOL


@pytest.mark.slow
def test_embed_from_audio_and_singer_average(vectors: dict, checkpoint: Path) -> None:
    """The whole chain from the 16 kHz clip (what dataset preparation runs), and the singer vector."""
    encoder = Sovits5SpeakerEncoder(checkpoint)
    clips = [encoder.embed(vectors[f"spk_{c}_wav"].numpy()) for c in CLIPS]
    for c, emb in zip(CLIPS, clips):
        assert emb.shape == (256,) and emb.dtype == np.float32
        assert _err(emb, vectors[f"spk_{c}_embedding"]) <= TOL, c
    ave = encoder.average(clips, weights=[3.2, 5.0, 3.2])  # the reference weighs clips equally
    assert _err(ave, vectors["spk_ave_embedding"]) <= TOL
    reference = [vectors[f"spk_{c}_embedding"].numpy() for c in CLIPS]
    assert _err(singer_average(reference), vectors["spk_ave_embedding"]) <= 1e-7
    renormalised = ave / np.linalg.norm(ave)  # control: renormalised like resemblyzer's average
    assert _err(renormalised, vectors["spk_ave_embedding"]) > TOL
    with pytest.raises(ValueError, match="silent"):
        encoder.embed(np.zeros(16000, np.float32))  # the reference divides by zero: NaN


def test_bad_clips_are_refused_not_nan(random_checkpoint: Path) -> None:
    encoder = Sovits5SpeakerEncoder(random_checkpoint)
    tone = np.sin(np.arange(16000) * 0.1).astype(np.float32) * 0.3
    for bad, match in [(np.zeros(16000, np.float32), "silent"), (tone[:800], "silent or empty"),
                       (np.where(np.arange(16000) == 5, np.nan, tone).astype(np.float32), "NaN"),
                       (np.stack([tone, tone]), "not mono")]:
        with pytest.raises(ValueError, match=match):
            encoder.embed(bad)
    short = encoder.embed(tone[:1700])  # 0.1 s: one frame after trimming, all windows the same
    assert short.shape == (256,) and np.all(np.isfinite(short))


def test_strict_load_in_the_reference_layout(state: dict[str, torch.Tensor], tmp_path: Path) -> None:
    """``{"model": state_dict, ...}`` and a bare state dict load; a missing key or another size is refused."""
    assert sum(v.numel() for v in state.values()) == 9_504_768
    bare = tmp_path / "bare.pt"
    torch.save(state, bare)
    assert torch.equal(load_speaker_net(bare).layers[2].linear.weight, state["layers.2.linear.weight"])
    missing = tmp_path / "missing.pth.tar"
    torch.save({"model": {k: v for k, v in state.items() if k != "layers.1.lstm.bias_hh_l0"}}, missing)
    with pytest.raises(LoadError, match=r"missing 1 key\(s\), e.g. layers.1.lstm.bias_hh_l0") as info:
        load_speaker_net(missing)
    assert str(missing) in str(info.value)
    other = tmp_path / "other.pth.tar"
    torch.save({"model": LSTMSpeakerNet(lstm_dim=64).state_dict()}, other)
    with pytest.raises(LoadError, match="shape mismatch"):
        load_speaker_net(other)
    nothing = tmp_path / "nothing.pth.tar"
    torch.save({"step": 3}, nothing)
    with pytest.raises(LoadError, match="no 'model' state dict"):
        load_speaker_net(nothing)


class _RunsCode:
    """Unpickling this would run a shell command."""

    def __reduce__(self):
        return (os.system, ("touch pwned_marker",))


@pytest.mark.parametrize("kind", ["random", "exploit", "empty"])
def test_hostile_weights_file_is_refused_in_one_line(kind: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{kind}.pth.tar"
    if kind == "random":
        path.write_bytes(np.random.default_rng(1).integers(0, 256, 65536, dtype=np.uint8).tobytes())
    elif kind == "exploit":
        torch.save({"model": {}, "x": _RunsCode()}, path)
    else:
        path.write_bytes(b"")
    encoder = Sovits5SpeakerEncoder(path)
    with pytest.raises(LoadError) as info:
        encoder.embed(np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.1)
    message = str(info.value)
    assert message.startswith(f"{path} is not a valid so-vits-svc-5.0 speaker encoder file ("), message
    assert "weights_only" not in message and "\n" not in message
    assert not (tmp_path / "pwned_marker").exists()


def test_registry_and_asset(tmp_path: Path, checkpoint: Path) -> None:
    from models.features.speaker import (
        DEFAULT_SPEAKER_ENCODER,
        SPEAKER_ENCODERS,
        SpeakerEncoder,
        create_speaker_encoder,
    )
    from models.formats.assets import ASSETS, AssetMissing, AssetStore

    assert DEFAULT_SPEAKER_ENCODER == "resemblyzer"  # existing voices keep theirs
    assert isinstance(create_speaker_encoder(), SpeakerEncoder)
    chosen = create_speaker_encoder("sovits5-lstm", checkpoint)
    assert isinstance(chosen, Sovits5SpeakerEncoder)
    assert chosen.describe() != create_speaker_encoder().describe()  # the feature cache keeps them apart
    with pytest.raises(ValueError, match="sovits5-speaker-encoder"):
        create_speaker_encoder("sovits5-lstm")
    with pytest.raises(KeyError, match="known: resemblyzer, sovits5-lstm"):
        create_speaker_encoder("ecapa")
    asset = ASSETS[SPEAKER_ENCODERS["sovits5-lstm"]]
    assert asset.filename == "best_model.pth.tar" and asset.url is None
    store = AssetStore(tmp_path / "cache", cli=True)  # the command line's wording (the app's: "Locate file…")
    with pytest.raises(AssetMissing) as info:
        store.require(asset.name)
    assert "drive.google.com" in str(info.value) and "--asset sovits5-speaker-encoder=PATH" in str(info.value)
    located = AssetStore(tmp_path / "cache", overrides={asset.name: checkpoint})  # the user locates it
    assert located.require(asset.name) == checkpoint


# ---------------------------------------------------------------- a dataset chooses its speaker encoder


@pytest.fixture(scope="module")
def random_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``best_model.pth.tar`` of random weights in the reference's layout (no vectors file needed)."""
    torch.manual_seed(3)
    path = tmp_path_factory.mktemp("speaker-random") / "best_model.pth.tar"
    torch.save({"model": LSTMSpeakerNet().state_dict(), "step": 0}, path)
    return path


@pytest.mark.slow
def test_dataset_prepared_with_the_sovits5_encoder(tmp_home: Path, tmp_path: Path,
                                                   random_checkpoint: Path) -> None:
    """``speaker="sovits5-lstm"``: clips embedded by the reference encoder, the voice's vector their plain
    mean (not duration-weighted, not renormalised), recorded in features.json."""
    import json

    import soundfile as sf

    from models.features.audio import load_audio, resample
    from models.formats.assets import AssetStore
    from voicecraft_desktop.core.dataset_jobs import prepare_voice_dataset

    from .conftest import harmonic_tone

    src = tmp_path / "takes"
    src.mkdir()
    sf.write(src / "take.wav", np.concatenate([harmonic_tone(220.0, 2.5, 32000), np.zeros(16000, np.float32),
                                               harmonic_tone(330.0, 3.5, 32000)]), 32000)
    store = AssetStore(tmp_path / "cache", overrides={"sovits5-speaker-encoder": random_checkpoint})
    gen = prepare_voice_dataset(src, "Lstm Voice", out=tmp_path / "ds", f0="dio", content=[], store=store,
                                speaker="sovits5-lstm")
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            result = stop.value
            break
    out = result.dataset_dir
    described = json.loads((out / "features.json").read_text(encoding="utf-8"))
    assert described["speaker"]["name"] == "sovits5-lstm"
    encoder = Sovits5SpeakerEncoder(random_checkpoint)
    clips = [encoder.embed(resample(load_audio(out / c.file, 32000)[0], 32000, 16000))
             for c in result.report.clips]
    assert len(clips) >= 1
    np.testing.assert_allclose(np.load(out / "speaker.npy"), singer_average(clips), atol=1e-6)


def test_dataset_with_the_sovits5_encoder_needs_its_weights_first(tmp_home: Path, tmp_path: Path) -> None:
    from models.formats.assets import AssetMissing, AssetStore
    from voicecraft_desktop.core.dataset_jobs import prepare_voice_dataset

    src = tmp_path / "takes"
    src.mkdir()
    gen = prepare_voice_dataset(src, "v", out=tmp_path / "ds", content=[],
                                store=AssetStore(tmp_path / "cache"), speaker="sovits5-lstm")
    with pytest.raises(AssetMissing, match="drive.google.com"):
        next(gen)
    assert not (tmp_path / "ds").exists()
    with pytest.raises(ValueError, match="unknown speaker encoder ecapa; known: resemblyzer, sovits5-lstm"):
        next(prepare_voice_dataset(src, "v", out=tmp_path / "ds", content=[], speaker="ecapa"))


def test_prepare_cli_speaker_encoder_option(tmp_path: Path) -> None:
    """``voicecraft prepare --speaker-encoder``: an unknown name and a missing located-only asset are one
    line each, exit 2, before any work (no "downloading" of a file that has no URL)."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    src = tmp_path / "takes"
    src.mkdir()
    env = {"VOICECRAFT_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "voicecraft_desktop.cli", "prepare", str(src),
                               "--voice", "v", "--content", "none", "--out", str(tmp_path / "o"), *args],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    bad = cli("--speaker-encoder", "ecapa")
    assert bad.returncode == 2 and "unknown --speaker-encoder 'ecapa'" in bad.stderr, bad.stderr
    missing = cli("--speaker-encoder", "sovits5-lstm")
    assert missing.returncode == 2, missing.stderr
    assert "drive.google.com" in missing.stderr and "--asset sovits5-speaker-encoder=PATH" in missing.stderr
    assert "downloading" not in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "o").exists()
