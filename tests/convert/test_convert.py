"""VoiceConverter on the tiny preset: lengths, key, auto-key, unvoiced modes, chunk joins, cancel,
gate, loudness, extractor checks, bad input."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from models.convert.chunks import Chunk, chunk_source, plan_chunks
from models.convert.converter import VoiceConverter, encode_windows
from models.convert.extractors import Extractors
from models.convert.options import ConvertCancelled, ConvertError, ConvertOptions, run_to_end

FAST = dict(deterministic=True, report=False)


@pytest.fixture(scope="module")
def converter(tiny_voice, tiny_extractors) -> VoiceConverter:
    return VoiceConverter(tiny_voice, tiny_extractors)


def test_options_round_trip_and_unknown_keys_raise() -> None:
    opts = ConvertOptions(key=-3, auto_key="octaves", unvoiced="zero", silence_gate=True)
    assert ConvertOptions.from_dict(opts.to_dict()) == opts
    with pytest.raises(ValueError, match="unknown key"):
        ConvertOptions.from_dict({"kee": 2})
    with pytest.raises(ValueError):
        ConvertOptions(unvoiced="maybe")
    with pytest.raises(ValueError):
        ConvertOptions(chunk_s=10, context_s=0.01, crossfade_s=0.1)


@pytest.mark.parametrize(("frames", "chunk"), [(10, 100), (1000, 300), (1001, 300), (4321, 500)])
def test_chunks_tile_the_input(frames: int, chunk: int) -> None:
    chunks = plan_chunks(frames, chunk, 50, 10)
    assert chunks[0].keep_start == 0 and chunks[-1].keep_stop == frames
    for a, b in zip(chunks[:-1], chunks[1:]):
        assert a.keep_stop - b.keep_start == 10  # overlap = crossfade, centred on the join
    for c in chunks:
        assert c.start <= c.keep_start < c.keep_stop <= c.stop
        assert c.keep_start - c.start >= min(c.keep_start, 45) and c.stop - c.keep_stop >= min(
            frames - c.keep_stop, 45
        )
    assert plan_chunks(500, 0, 50, 10) == [Chunk(0, 500, 0, 500)]


def test_chunk_sources_continue_the_whole_song_source(tiny_voice) -> None:
    """Pieces of the excitation, each primed with the cycles before it, equal the whole-song source."""
    dec = tiny_voice.generator.dec
    rng = np.random.default_rng(0)
    f0 = torch.from_numpy(np.where(rng.random(700) < 0.8, rng.uniform(80, 900, 700), 0.0).astype(np.float32))[
        None
    ]
    whole = dec.source(f0, deterministic=True)
    hop, sr = 320, 32000
    cycles = np.concatenate([[0.0], np.cumsum(f0[0].double().numpy() * hop / sr)])
    pieces = [
        chunk_source(
            dec.m_source, f0[:, a:b], torch.tensor(cycles[a], dtype=torch.float64), hop, sr, True, None
        )
        for a, b in [(0, 123), (123, 400), (400, 700)]
    ]
    np.testing.assert_allclose(torch.cat(pieces, dim=-1).numpy(), whole.numpy(), atol=2e-4)
    # without the priming sample the second piece starts at the wrong phase
    naive = dec.source(f0[:, 123:400], deterministic=True)
    assert (naive - whole[..., 123 * hop : 400 * hop]).abs().max() > 1e-2


def test_windowed_encoding_is_the_encoders_own(tiny_extractors) -> None:
    enc = tiny_extractors.ppg
    wave = np.random.default_rng(1).standard_normal(16000 * 34).astype(np.float32) * 0.1
    plan = enc.plan(len(wave))
    assert len(plan) > 1
    out = run_to_end(encode_windows(enc, wave, plan))
    np.testing.assert_array_equal(out, enc.encode(wave))


@pytest.mark.parametrize(("rate", "seconds"), [(44100, 2.3), (48000, 1.0001), (22050, 1.7), (8000, 1.234)])
def test_output_length_equals_input_length(converter, helpers, rate: int, seconds: float) -> None:
    wave = helpers.sung_phrases(seconds, rate)
    result = run_to_end(converter.convert(wave, rate, ConvertOptions(**FAST)))
    assert result.sample_rate == 32000
    assert abs(len(result.audio) / 32000 - len(wave) / rate) <= 320 / 32000
    assert result.audio.dtype == np.float32 and np.all(np.isfinite(result.audio))


def test_stereo_input_is_mixed_down(converter, helpers) -> None:
    mono = helpers.sung_phrases(1.0, 16000)
    stereo = np.stack([mono, mono], axis=1)
    a = run_to_end(converter.convert(mono, 16000, ConvertOptions(**FAST))).audio
    b = run_to_end(converter.convert(stereo, 16000, ConvertOptions(**FAST))).audio
    np.testing.assert_allclose(a, b, atol=1e-6)


def _fed_f0(converter, wave, rate, options) -> tuple[np.ndarray, object]:
    """The F0 the decoder's harmonic source actually receives (frame rate), recorded by a hook."""
    seen: list[torch.Tensor] = []
    handle = converter.generator.dec.m_source.register_forward_pre_hook(
        lambda mod, args, kwargs=None: seen.append(args[0][0, 1::320].clone())
    )
    try:
        result = run_to_end(converter.convert(wave, rate, options))
    finally:
        handle.remove()
    return torch.cat(seen).numpy(), result


def test_key_plus_12_doubles_the_f0_fed_to_the_decoder(converter, helpers) -> None:
    wave = helpers.sung_phrases(2.0, 16000)
    f0_0, r0 = _fed_f0(converter, wave, 16000, ConvertOptions(**FAST))
    f0_12, r12 = _fed_f0(converter, wave, 16000, ConvertOptions(key=12, **FAST))
    assert r12.key == 12 and (f0_0 > 0).mean() > 0.9
    np.testing.assert_allclose(f0_12, 2 * f0_0, rtol=1e-5)
    np.testing.assert_allclose(r12.target_f0, 2 * r0.target_f0, rtol=1e-5)


@pytest.mark.parametrize("source_hz", [110.0, 180.0, 500.0])
def test_auto_key_lands_the_median_within_a_semitone_of_the_voice(
    converter, helpers, source_hz: float
) -> None:
    wave = helpers.harmonic_tone(source_hz * 2 ** (0.05 * np.sin(np.linspace(0, 20, 16000 * 2))), 2.0, 16000)
    result = run_to_end(converter.convert(wave, 16000, ConvertOptions(auto_key="semitones", **FAST)))
    voice_median = converter.voice.manifest.f0_stats.median_hz
    intended = result.intended_f0[result.intended_f0 > 0]
    assert abs(12 * np.log2(np.median(intended) / voice_median)) <= 1.0
    assert result.key == round(result.key)
    octave = run_to_end(converter.convert(wave, 16000, ConvertOptions(auto_key="octaves", **FAST)))
    assert (
        octave.key % 12 == 0
        and abs(12 * np.log2(np.median(octave.intended_f0[octave.intended_f0 > 0]) / voice_median)) <= 6.0
    )


def test_unvoiced_modes(converter, helpers) -> None:
    wave = helpers.sung_phrases(3.0, 16000, seed=3)
    interp = run_to_end(converter.convert(wave, 16000, ConvertOptions(**FAST)))
    zero = run_to_end(converter.convert(wave, 16000, ConvertOptions(unvoiced="zero", **FAST)))
    unvoiced = interp.source_f0 == 0
    assert unvoiced.any() and (~unvoiced).any()
    assert np.all(interp.target_f0 > 0)  # the reference: every frame gets a pitch
    assert np.all(zero.target_f0[unvoiced] == 0) and np.all(zero.target_f0[~unvoiced] > 0)
    assert not np.allclose(interp.audio, zero.audio)


def test_auto_key_needs_f0_stats(tiny_extractors, helpers, tmp_path) -> None:
    voice = helpers.make_voice(tmp_path / "v")
    voice.manifest.f0_stats = None
    conv = VoiceConverter(voice, tiny_extractors)
    with pytest.raises(ConvertError, match="no F0 statistics"):
        run_to_end(
            conv.convert(helpers.sung_phrases(1.0, 16000), 16000, ConvertOptions(auto_key="semitones"))
        )


def test_random_mode_is_seeded(converter, helpers) -> None:
    wave = helpers.sung_phrases(1.5, 16000)
    a = run_to_end(converter.convert(wave, 16000, ConvertOptions(report=False, seed=5, chunk_s=1.0)))
    b = run_to_end(converter.convert(wave, 16000, ConvertOptions(report=False, seed=5, chunk_s=1.0)))
    c = run_to_end(converter.convert(wave, 16000, ConvertOptions(report=False, seed=6, chunk_s=1.0)))
    np.testing.assert_array_equal(a.audio, b.audio)
    assert not np.allclose(a.audio, c.audio)


def test_cancel_stops_between_chunks(converter, helpers) -> None:
    wave = helpers.sung_phrases(4.0, 16000)
    cancel = threading.Event()
    gen = converter.convert(wave, 16000, ConvertOptions(chunk_s=1.0, **FAST), cancel)
    stages = []
    with pytest.raises(ConvertCancelled):
        for p in gen:
            stages.append(p.stage)
            if p.stage == "synthesis" and p.done == 1:
                cancel.set()
    assert stages.count("synthesis") == 1  # chunk 1 reported, then it stops before chunk 2
    fractions = []
    run_to_end(
        converter.convert(wave, 16000, ConvertOptions(chunk_s=1.0, **FAST)),
        lambda p: fractions.append(p.fraction),
    )
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)


def test_silence_gate_mutes_noise_in_gaps(converter, helpers) -> None:
    rate = 16000
    sung = helpers.harmonic_tone(220.0, 1.5, rate)
    noise = (0.01 * np.random.default_rng(0).standard_normal(int(1.5 * rate))).astype(np.float32)
    wave = np.concatenate([sung, noise, sung])
    gap = slice(int(1.8 * 32000), int(2.7 * 32000))
    plain = run_to_end(converter.convert(wave, rate, ConvertOptions(**FAST))).audio
    gated = run_to_end(converter.convert(wave, rate, ConvertOptions(silence_gate=True, **FAST))).audio
    assert np.sqrt(np.mean(plain[gap] ** 2)) > 1e-3
    assert np.max(np.abs(gated[gap])) < 1e-6
    assert np.sqrt(np.mean(gated[:32000] ** 2)) > 0.5 * np.sqrt(np.mean(plain[:32000] ** 2))


def test_loudness_match(converter, helpers) -> None:
    wave = 0.05 * helpers.sung_phrases(2.0, 16000) / 0.4
    result = run_to_end(converter.convert(wave, 16000, ConvertOptions(match_loudness=True, **FAST)))
    from models.features.audio import resample

    def active(x):
        frames = x[: len(x) // 320 * 320].reshape(-1, 320)
        rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
        return np.sqrt(np.mean(rms[rms > 10 ** (-50 / 20)] ** 2))

    assert active(result.audio) == pytest.approx(active(resample(wave, 16000, 32000)), rel=0.05)


class _Named:
    def __init__(self, base, name=None, dim=None):
        self._base, self.name, self.dim = base, name or base.name, dim or base.dim

    def __getattr__(self, item):
        return getattr(self._base, item)


def test_extractor_set_must_match_the_voice(tiny_voice, tiny_extractors) -> None:
    ex = tiny_extractors
    with pytest.raises(ConvertError, match="trained with vec encoder 'hubert-transformers'.*'hubert-soft'"):
        VoiceConverter(tiny_voice, Extractors(ex.pitch, ex.ppg, _Named(ex.vec, name="hubert-soft")))
    with pytest.raises(ConvertError, match="expects 64-d ppg"):
        VoiceConverter(tiny_voice, Extractors(ex.pitch, _Named(ex.ppg, dim=1280), ex.vec))
    tiny_voice.manifest.content_encoders["ppg"] = {"name": "whisper-large-v2", "sha256": "a" * 64}
    try:
        with pytest.raises(ConvertError, match="sha256"):
            VoiceConverter(tiny_voice, Extractors(ex.pitch, ex.ppg, ex.vec, weights_sha256={"ppg": "b" * 64}))
        VoiceConverter(tiny_voice, Extractors(ex.pitch, ex.ppg, ex.vec, weights_sha256={"ppg": "a" * 64}))
    finally:
        tiny_voice.manifest.content_encoders.pop("ppg")


@pytest.mark.parametrize(
    ("wave", "rate", "match"),
    [
        (np.zeros(0, np.float32), 16000, "no audio"),
        (np.full(16000, np.nan, np.float32), 16000, "NaN"),
        (np.zeros(100, np.float32), 16000, "too short"),
        (np.zeros(16000, np.float32), 5, "sample rate"),
        (np.zeros((2, 16000), np.float32), 16000, "samples, channels"),
        (np.zeros(16000, np.int16), 16000, "float"),
    ],
)
def test_bad_waveforms_raise_clear_errors(converter, wave, rate, match) -> None:
    with pytest.raises(ConvertError, match=match):
        run_to_end(converter.convert(wave, rate, ConvertOptions(**FAST), name="song.wav"))


def test_too_long_input_is_refused_before_work(converter) -> None:
    with pytest.raises(ConvertError, match="longer than the limit"):
        run_to_end(converter.convert(np.zeros(16000 * 61, np.float32), 16000, ConvertOptions(max_input_s=60)))


def test_windowed_pitch_equals_whole_input_pitch(helpers) -> None:
    from models.convert.converter import extract_pitch
    from models.features.pitch import create_pitch_extractor

    pitch = create_pitch_extractor("dio")
    wave = helpers.sung_phrases(50.0, 16000, seed=4)
    whole = pitch.extract(wave).f0_hz
    stitched = np.zeros_like(whole)
    pieces = list(extract_pitch(pitch, wave, window_s=12.0, context_s=2.0))
    assert len(pieces) == 4
    for _, _, first, f0 in pieces:
        stitched[first : first + len(f0)] = f0
    assert np.mean((whole > 0) == (stitched > 0)) > 0.999
    both = (whole > 0) & (stitched > 0)
    assert np.max(np.abs(1200 * np.log2(whole[both] / stitched[both]))) < 1.0
