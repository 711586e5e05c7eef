"""The fast conversion path (issue 18) against the exact one: bounded differences, each bound with a
control (a deliberately degraded fast path the check catches), and the fallback to exact.

- content features: per-frame cosine >= 0.99 between the fast (shortened) and the exact Whisper
  window, with REAL Whisper base weights (built offline by ../shared/tools/whisper-base.sh);
- output: F0 of the fast output within 5 cents (median) of the exact output's F0, log-mel distance
  reported, resemblyzer similarity of fast vs exact output >= 0.95;
- a fast piece that cannot load (no int8 quantisation) runs exactly, with a note.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from models.convert.converter import VoiceConverter
from models.convert.fast import TrimmedWhisper, fast_parts
from models.convert.options import ConvertOptions, run_to_end
from models.features.audio import resample

SHARED = Path(__file__).resolve().parents[3] / "shared"
COSINE_MIN = 0.99
SOUNDING_RMS = 0.01  # frames above -40 dBFS RMS carry sound
F0_CENTS_MAX = 5.0
SIMILARITY_MIN = 0.95


@pytest.fixture(scope="session")
def whisper_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real openai-whisper base weights (cached for the session); skipped only if the tool fails."""
    script = SHARED / "tools" / "whisper-base.sh"
    if not script.is_file():
        pytest.skip(f"{script} is missing: no real Whisper weights to test with")
    out = tmp_path_factory.mktemp("whisper-base")
    done = subprocess.run(
        ["bash", str(script), str(out), sys.executable],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    path = (
        Path(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 and done.stdout.strip() else None
    )
    if path is None or not path.is_file():
        pytest.skip(f"whisper-base.sh failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return path


def frame_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return np.sum(a * b, axis=1)


def inputs_16k(helpers) -> dict[str, np.ndarray]:
    """Real speech (CMU ARCTIC, 3 s) and 5 s of synthetic sung phrases, at 16 kHz."""
    import soundfile as sf

    speech, rate = sf.read(SHARED / "data" / "real" / "cmu_arctic_a0009.wav", dtype="float32")
    speech = speech.mean(axis=1) if speech.ndim > 1 else speech
    return {
        "speech": resample(speech, rate, 16000).astype(np.float32),
        "sung": helpers.sung_phrases(5.0, 16000, seed=3),
    }


@pytest.mark.slow
def test_fast_whisper_features_match_exact_per_frame(whisper_base: Path, helpers) -> None:
    from models.features.content import load_encoder

    torch.set_num_threads(2)
    exact = load_encoder("whisper-base", whisper_base)
    fast = TrimmedWhisper(exact)
    control = TrimmedWhisper(exact, tail_frames=0)  # degraded: no padding at all after the audio
    for name, wave in inputs_16k(helpers).items():
        ref = exact.encode(wave)
        sounding = frame_rms(wave, len(ref)) > SOUNDING_RMS
        cos = frame_cosines(ref, fast.encode(wave))
        print(
            f"{name}: per-frame cosine mean {cos.mean():.4f}, min {cos.min():.4f} (sounding frames: "
            f"min {cos[sounding].min():.4f}, {sounding.mean():.0%} of frames), frames >= {COSINE_MIN}: "
            f"{np.mean(cos >= COSINE_MIN):.2%}"
        )
        assert within_bound(cos, sounding), (
            f"{name}: mean {cos.mean():.4f}, sounding min {cos[sounding].min():.4f}"
        )
        bad = frame_cosines(ref, control.encode(wave))
        assert not within_bound(bad, sounding), f"{name}: the control passed (mean {bad.mean():.4f})"


def frame_rms(wave: np.ndarray, frames: int, hop: int = 320) -> np.ndarray:
    x = wave[: frames * hop].reshape(frames, hop).astype(np.float64)
    return np.sqrt(np.mean(x**2, axis=1))


def within_bound(cos: np.ndarray, sounding: np.ndarray) -> bool:
    """The content bound: per-frame cosine >= 0.99 on every frame that carries sound, and >= 0.99 on
    average over all frames (near-silent frames, whose features are small and noisy, may dip)."""
    return bool(cos[sounding].min() >= COSINE_MIN and cos.mean() >= COSINE_MIN)


def test_fast_whisper_keeps_the_exact_window_for_long_inputs(tiny_extractors, helpers) -> None:
    """From 10 s of audio on, there is no padding to cut: the fast encoder is the exact one."""
    fast = TrimmedWhisper(tiny_extractors.ppg)
    wave = torch.from_numpy(helpers.sung_phrases(10.0, 16000))
    with torch.inference_mode():
        assert torch.equal(fast.encode_window(wave), tiny_extractors.ppg.encode_window(wave))


def log_mel_distance(a: np.ndarray, b: np.ndarray, rate: int = 32000) -> float:
    """Mean absolute difference of natural-log mel magnitudes (80 bands, 1024/256)."""
    import librosa

    n = min(len(a), len(b))
    mels = [
        np.log(np.maximum(librosa.feature.melspectrogram(y=x[:n], sr=rate, n_fft=1024, hop_length=256), 1e-5))
        for x in (a, b)
    ]
    return float(np.mean(np.abs(mels[0] - mels[1])))


def fidelity(exact_audio: np.ndarray, fast_audio: np.ndarray, rate: int, pitch, speaker) -> dict[str, float]:
    """F0 difference (cents, median over frames voiced in both), log-mel distance, resemblyzer similarity."""
    from models.convert.report import f0_error_cents

    e16, f16 = (resample(x, rate, 16000).astype(np.float32) for x in (exact_audio, fast_audio))
    f0_e, f0_f = pitch.extract(e16).f0_hz, pitch.extract(f16).f0_hz
    cents, _ = f0_error_cents(np.asarray(f0_e), np.asarray(f0_f))
    emb = [speaker.embed(x) for x in (e16, f16)]
    return {
        "f0_median_cents": float(np.median(cents)) if cents.size else float("inf"),
        "log_mel_distance": log_mel_distance(exact_audio, fast_audio, rate),
        "similarity": float(np.dot(emb[0], emb[1]) / (np.linalg.norm(emb[0]) * np.linalg.norm(emb[1]))),
    }


@pytest.fixture(scope="module")
def exact_and_fast(tiny_voice, tiny_extractors, helpers):
    """One tiny voice's conversion of a sung phrase, exact and fast (deterministic, no report)."""
    converter = VoiceConverter(tiny_voice, tiny_extractors)
    wave = helpers.sung_phrases(4.0, 44100, seed=5)
    out = {}
    for speed in ("exact", "fast"):
        options = ConvertOptions(deterministic=True, report=False, speed=speed)
        out[speed] = run_to_end(converter.convert(wave, 44100, options))
    return converter, out


@pytest.mark.slow
def test_fast_output_within_bounds_of_exact(exact_and_fast, record_property) -> None:
    from models.features.speaker import SpeakerEncoder

    converter, out = exact_and_fast
    rate = out["exact"].sample_rate
    pitch, speaker = converter.extractors.pitch, SpeakerEncoder()
    got = fidelity(out["exact"].audio, out["fast"].audio, rate, pitch, speaker)
    for key, value in got.items():
        record_property(key, value)
    print("fast vs exact:", got)
    assert got["f0_median_cents"] <= F0_CENTS_MAX, got
    assert got["similarity"] >= SIMILARITY_MIN, got
    assert np.isfinite(got["log_mel_distance"])

    # controls: a fast path that is off by a third of a semitone, or whose output is another sound
    sharp = resample(out["fast"].audio, int(rate * 2 ** (33 / 1200)), rate)  # pitch up 33 cents
    off = fidelity(out["exact"].audio, sharp, rate, pitch, speaker)
    assert off["f0_median_cents"] > F0_CENTS_MAX, off
    other = np.random.default_rng(0).standard_normal(len(out["fast"].audio)).astype(np.float32) * 0.1
    noisy = fidelity(out["exact"].audio, other, rate, pitch, speaker)
    assert noisy["similarity"] < SIMILARITY_MIN, noisy
    assert noisy["log_mel_distance"] > got["log_mel_distance"], (noisy, got)


def test_fast_path_uses_its_pieces_and_exact_is_untouched(
    exact_and_fast, tiny_voice, tiny_extractors, helpers
):
    converter, out = exact_and_fast
    parts = fast_parts(converter)
    assert isinstance(parts.ppg, TrimmedWhisper) and parts.vec is not tiny_extractors.vec
    assert any("quantized" in type(m).__module__ for m in parts.vec.model.modules())
    assert parts.generator is not converter.generator and not parts.notes
    assert not any("fast path" in n for n in out["fast"].notes)
    assert not np.array_equal(out["exact"].audio, out["fast"].audio)  # the fast path did run
    # the exact path is the default and gives what a converter that never saw the fast path gives
    fresh = VoiceConverter(tiny_voice, tiny_extractors)
    wave = helpers.sung_phrases(4.0, 44100, seed=5)
    again = run_to_end(fresh.convert(wave, 44100, ConvertOptions(deterministic=True, report=False)))
    np.testing.assert_array_equal(again.audio, out["exact"].audio)


def test_folded_generator_gives_the_same_audio(exact_and_fast):
    """Weight norm folded once is the same arithmetic: synthesis of the same features agrees."""
    converter, out = exact_and_fast
    generator = fast_parts(converter).generator
    wn = [m for m in generator.modules() if hasattr(m, "weight_v")]
    assert wn and all("normalized_weight" in vars(m) for m in wn)
    for m in wn[:3]:
        torch.testing.assert_close(m.normalized_weight(), type(m).normalized_weight(m))


def test_fused_activation_gives_the_same_values_as_the_exact_one() -> None:
    """The fast generator's anti-aliased SnakeBeta (filters expanded once, α and 1/β precomputed, one
    fused multiply-add) computes what :class:`SnakeAlias` computes, to float rounding."""
    from models.convert.fast import FusedSnakeAlias
    from models.nets.nn.alias import SnakeAlias

    torch.manual_seed(0)
    exact = SnakeAlias(24)
    with torch.no_grad():
        exact.act.alpha.normal_(0, 0.5)
        exact.act.beta.normal_(0, 0.5)
    x = torch.randn(2, 24, 333)
    fused = FusedSnakeAlias(exact)
    with torch.inference_mode():
        want = exact(x)
        got = fused(x)
        print("max difference", float((got - want).abs().max()), "of", float(want.abs().max()))
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
        # control: the same module with 1/β left out is caught
        fused.inv_beta = torch.ones_like(fused.inv_beta)
        assert not torch.allclose(fused(x), want, rtol=1e-5, atol=1e-5)


def test_fast_generator_fuses_every_activation_and_leaves_the_exact_one(exact_and_fast) -> None:
    from models.convert.fast import FusedSnakeAlias
    from models.nets.nn.alias import SnakeAlias

    converter, _ = exact_and_fast
    fast = fast_parts(converter).generator
    assert not any(isinstance(m, SnakeAlias) for m in fast.modules())
    exact_count = sum(isinstance(m, SnakeAlias) for m in converter.generator.modules())
    assert exact_count and sum(isinstance(m, FusedSnakeAlias) for m in fast.modules()) == exact_count


def assert_fast_conversion_ran_exact_unit_encoder(tiny_voice, tiny_extractors, helpers, reason: str) -> None:
    """A fast conversion whose int8 unit encoder cannot be built: it runs the exact one, with one note."""
    converter = VoiceConverter(tiny_voice, tiny_extractors)
    wave = helpers.sung_phrases(2.0, 44100, seed=1)
    result = run_to_end(
        converter.convert(wave, 44100, ConvertOptions(deterministic=True, report=False, speed="fast"))
    )
    notes = [n for n in result.notes if n.startswith("fast path:")]
    assert len(notes) == 1 and "exact way" in notes[0] and reason in notes[0], result.notes
    assert fast_parts(converter).vec is tiny_extractors.vec
    assert np.all(np.isfinite(result.audio))


def test_fast_path_falls_back_to_exact_when_int8_cannot_load(
    tiny_voice, tiny_extractors, helpers, monkeypatch
):
    monkeypatch.setitem(sys.modules, "torch.ao.quantization", None)  # import fails as if absent
    assert_fast_conversion_ran_exact_unit_encoder(tiny_voice, tiny_extractors, helpers, "quantisation")


def test_fast_path_falls_back_to_exact_when_int8_fails_while_quantising(
    tiny_voice, tiny_extractors, helpers, monkeypatch
):
    """torch has deprecated torch.ao.quantization and its quantised tensors (pytorch issue 184982): a
    release where the module still imports but quantising fails must also leave the exact encoder."""
    import torch.ao.quantization

    def removed(*args, **kwargs):
        raise RuntimeError("quantized tensor creation functions were removed")

    monkeypatch.setattr(torch.ao.quantization, "quantize_dynamic", removed)
    assert_fast_conversion_ran_exact_unit_encoder(tiny_voice, tiny_extractors, helpers, "were removed")


def test_speed_option_is_checked() -> None:
    assert ConvertOptions(speed="fast").to_dict()["speed"] == "fast"
    with pytest.raises(ValueError, match="speed"):
        ConvertOptions(speed="turbo")


def test_cli_speed_fast_converts_with_the_fast_path(
    library_voice, assets, tmp_path, helpers, monkeypatch
) -> None:
    import soundfile

    from voicecraft_desktop.cli import main

    seen = []
    real = VoiceConverter.convert

    def spy(self, wave, rate, options=None, *args, **kwargs):
        seen.append(options.speed)
        return real(self, wave, rate, options, *args, **kwargs)

    monkeypatch.setattr(VoiceConverter, "convert", spy)
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.harmonic_tone(220.0, 1.0, 16000), 16000)
    out = tmp_path / "o"
    code = main(
        ["convert", str(song), "--voice", library_voice, "--out", str(out), "--speed", "fast", *assets]
    )
    assert code == 0 and seen == ["fast"] and any(out.iterdir())
