"""Voices without training (issue 15, items 2-4): base singers, timbre mixes, model merges and instant
voices made on a tiny pretrain stand-in, added to the library, reloaded and converted; bad inputs refused
in one clear line."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.convert.options import ConvertOptions
from models.features.instant import TakeError
from models.formats.artifact import load_voice
from models.formats.voice_mix import (
    KIND_BASE_SINGER,
    KIND_INSTANT,
    KIND_MIX,
    Ingredient,
    MixError,
    merge_state,
    mix_vectors,
)
from tests.voice_fixtures import sung_take
from voicecraft_desktop.core import paths
from voicecraft_desktop.core.convert_jobs import build_converter
from voicecraft_desktop.core.demo_pretrain import singer_vectors
from voicecraft_desktop.core.library import LibraryError
from voicecraft_desktop.core.voice_making import (
    PRETRAIN,
    VoiceMakingError,
    make_base_singer,
    make_instant,
    make_merge,
    make_mix,
    singer_ingredient,
    voice_ingredient,
)


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    """Every test of this module on one torch thread."""


def drain(gen):
    items = []
    while True:
        try:
            items.append(next(gen))
        except StopIteration as stop:
            return items, stop.value


def convert(env, entry, wave, rate=32000, seen=None):
    """The converted audio; ``seen`` (a list) collects the speaker vectors the decoder was fed (a random
    tiny decoder's output hardly depends on its inputs, so the vector is what tells voices apart)."""
    converter = build_converter(entry, env.store, f0_method="dio", report=False, library=env.library)
    hook = None
    if seen is not None:
        hook = converter.generator.dec.adapter.register_forward_pre_hook(
            lambda _m, args: seen.append(args[1].detach().clone())
        )
    try:
        _, result = drain(converter.convert(wave, rate, ConvertOptions(f0_method="dio", report=False)))
    finally:
        if hook is not None:
            hook.remove()
    return result.audio


@pytest.fixture(scope="module")
def phrase():
    from voicecraft_desktop.core.demo_data import harmonic_tone

    return harmonic_tone(220.0, 1.0, 32000)


@pytest.mark.slow
def test_base_singer_voice_converts_without_training(nt_env, phrase):
    entry = make_base_singer(nt_env.library, nt_env.store, nt_env.singers, 2, config=nt_env.config)
    assert entry.name == "Base singer 02" and entry.source == KIND_BASE_SINGER and entry.untrained
    assert entry.steps == 0 and entry.recipe["singer"] == 2
    voice = load_voice(entry.folder)
    np.testing.assert_array_equal(voice.manifest.speaker, singer_vectors(3)[1])  # the singer's .npy exactly
    _, pretrain = PRETRAIN.get(nt_env.files.pretrain, nt_env.config)
    for key, value in voice.generator.state_dict().items():  # the pretrain's generator, untouched
        assert torch.equal(value, pretrain[key]), key
    audio = convert(nt_env, entry, phrase)
    assert len(audio) == len(phrase) and np.isfinite(audio).all() and np.abs(audio).max() > 0
    assert not paths.runs_dir().exists() or not any(paths.runs_dir().iterdir())  # no training run


@pytest.mark.slow
def test_mix_at_weights_zero_and_one_is_each_voice(nt_env, phrase):
    lib, store = nt_env.library, nt_env.store
    one = make_base_singer(lib, store, nt_env.singers, 1, config=nt_env.config)
    two = make_base_singer(lib, store, nt_env.singers, 2, config=nt_env.config)
    mixes = {}
    for weights in ((1.0, 0.0), (0.0, 1.0), (0.5, 0.5)):
        parts = [
            voice_ingredient(lib, one.name, weights[0]),
            singer_ingredient(nt_env.singers, 2, weights[1]),
        ]
        mixes[weights] = make_mix(lib, store, parts, f"Mix {weights}", config=nt_env.config)
    fed = {k: [] for k in (*mixes, "one", "two")}
    out = {k: convert(nt_env, e, phrase, seen=fed[k]) for k, e in mixes.items()}
    out_one, out_two = (
        convert(nt_env, one, phrase, seen=fed["one"]),
        convert(nt_env, two, phrase, seen=fed["two"]),
    )
    np.testing.assert_array_equal(out[(1.0, 0.0)], out_one)
    np.testing.assert_array_equal(out[(0.0, 1.0)], out_two)
    assert all(fed.values())
    assert all(torch.equal(x, y) for x, y in zip(fed[(1.0, 0.0)], fed["one"], strict=True))
    assert all(torch.equal(x, y) for x, y in zip(fed[(0.0, 1.0)], fed["two"], strict=True))
    # control: the half mix feeds neither voice's vector, and the two voices' vectors differ
    assert not torch.equal(fed["one"][0], fed["two"][0])
    assert not torch.equal(fed[(0.5, 0.5)][0], fed["one"][0]) and not torch.equal(
        fed[(0.5, 0.5)][0], fed["two"][0]
    )
    half = load_voice(mixes[(0.5, 0.5)].folder).manifest.speaker
    np.testing.assert_allclose(half, (singer_vectors(3)[0] + singer_vectors(3)[1]) / 2, atol=1e-7)


def test_mixed_voice_reloads_with_its_recipe(nt_env):
    lib = nt_env.library
    parts = [singer_ingredient(nt_env.singers, 1, 3.0), singer_ingredient(nt_env.singers, 3, 1.0)]
    entry = make_mix(lib, nt_env.store, parts, "Bright blend", config=nt_env.config)
    again = lib.resolve("Bright blend")  # a fresh scan of voice.json
    assert again.source == KIND_MIX and again.recipe == entry.recipe
    ingredients = again.recipe["ingredients"]
    assert [(i["name"], i["share"]) for i in ingredients] == [
        ("Base singer 01", 0.75),
        ("Base singer 03", 0.25),
    ]
    assert again.recipe["generator"] == nt_env.files.pretrain.name
    voice = lib.load(again)
    np.testing.assert_allclose(
        voice.manifest.speaker, 0.75 * singer_vectors(3)[0] + 0.25 * singer_vectors(3)[2], atol=1e-7
    )


@pytest.mark.slow
def test_model_merge_at_zero_and_one_is_each_voice(nt_env):
    from models.formats.artifact import VoiceManifest
    from models.nets.synthesizer import SynthesizerInfer

    lib = nt_env.library
    entries = []
    for seed, name in ((1, "Ann"), (2, "Bea")):
        torch.manual_seed(seed)
        manifest = VoiceManifest(
            name=name,
            config=nt_env.config,
            speaker=singer_vectors(3, seed=seed)[0],
            content_encoders={"speaker": {"name": "sovits5-lstm"}},
        )
        entries.append(lib.add_voice(manifest, SynthesizerInfer(nt_env.config).state_dict()))
    ann, bea = (load_voice(e.folder) for e in entries)
    for rate, expected in ((1.0, ann), (0.0, bea)):
        merged = load_voice(make_merge(lib, "Ann", "Bea", rate, f"Merge {rate}").folder)
        for key, value in merged.generator.state_dict().items():
            assert torch.equal(value, expected.generator.state_dict()[key]), key
        np.testing.assert_array_equal(merged.manifest.speaker, expected.manifest.speaker)
        assert merged.manifest.source == "model merge"
        assert [m["name"] for m in merged.manifest.training["recipe"]["merge"]] == ["Ann", "Bea"]
    half = merge_state(
        ann.generator.state_dict(), bea.generator.state_dict(), 0.25
    )  # the reference's formula
    key = "dec.conv_pre.bias"
    torch.testing.assert_close(
        half[key], 0.25 * ann.generator.state_dict()[key] + 0.75 * bea.generator.state_dict()[key]
    )
    assert not torch.equal(half[key], ann.generator.state_dict()[key])  # control
    with pytest.raises(MixError, match="between 0 and 1"):
        make_merge(lib, "Ann", "Bea", 1.5, "Too much")


@pytest.mark.slow
def test_merge_refuses_other_architecture(nt_env):
    from models.config import VoiceConfig
    from models.formats.artifact import VoiceManifest
    from models.nets.synthesizer import SynthesizerInfer

    lib = nt_env.library
    for name, config in (("Tiny64", nt_env.config), ("Tiny32", VoiceConfig.tiny())):
        manifest = VoiceManifest(name=name, config=config, speaker=singer_vectors(1)[0])
        lib.add_voice(manifest, SynthesizerInfer(config).state_dict())
    with pytest.raises(MixError, match="'Tiny64' and 'Tiny32' cannot be merged"):
        make_merge(lib, "Tiny64", "Tiny32", 0.5, "Nope")


@pytest.mark.slow
def test_instant_voice_from_a_take(nt_env, tmp_path):
    take = sung_take(tmp_path / "me.wav", seconds=4.0)
    items, entry = drain(
        make_instant([take], "Me, instantly", nt_env.library, nt_env.store, config=nt_env.config)
    )
    assert items and items[-1].fraction == 1.0
    assert entry.source == KIND_INSTANT and entry.recipe["recordings"] == [str(take)]
    voice = nt_env.library.load(entry)
    assert voice.manifest.f0_stats is not None and 180 < voice.manifest.f0_stats.median_hz < 300
    assert (
        np.isfinite(voice.manifest.speaker).all()
        and 0.1 < np.linalg.norm(voice.manifest.speaker) <= 1.0 + 1e-5
    )
    import soundfile as sf

    wave, rate = sf.read(take, dtype="float32")
    audio = convert(nt_env, entry, wave, rate)
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0


def _bad_takes(tmp_path):
    import soundfile as sf

    rng = np.random.default_rng(0)
    short = sung_take(tmp_path / "short.wav", seconds=2.0)
    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(32000 * 5, np.float32), 32000, subtype="PCM_16")
    noise = tmp_path / "noise.wav"
    sf.write(noise, (0.2 * rng.standard_normal(32000 * 5)).astype(np.float32), 32000, subtype="PCM_16")
    clipped = sung_take(tmp_path / "clipped.wav", seconds=5.0, gain=4.0)
    return {
        "short": (short, r"short\.wav is 2\.0 s long; an instant voice needs at least 3 s"),
        "silent": (silent, r"silent\.wav is silent: no voice in it"),
        "noise": (noise, r"noise\.wav: no singing or speaking voice found"),
        "clipped": (clipped, r"clipped\.wav is clipped \(.* at full scale\): record again a little quieter"),
    }


@pytest.mark.slow
def test_bad_takes_are_refused_clearly(nt_env, tmp_path):
    for kind, (path, message) in _bad_takes(tmp_path).items():
        with pytest.raises(TakeError, match=message):
            drain(make_instant([path], f"Bad {kind}", nt_env.library, nt_env.store, config=nt_env.config))
    # control: a good take of the same length passes
    _, entry = drain(
        make_instant(
            [sung_take(tmp_path / "ok.wav", seconds=5.0)],
            "Good",
            nt_env.library,
            nt_env.store,
            config=nt_env.config,
        )
    )
    assert entry.name == "Good"
    assert [e.name for e in nt_env.library.entries()] == ["Good"]  # nothing left by the refusals


def test_bad_mixes_and_missing_setup_are_refused_clearly(nt_env, tmp_path):
    from models.formats.assets import AssetStore

    parts = [singer_ingredient(nt_env.singers, 1, 0.0), singer_ingredient(nt_env.singers, 2, 0.0)]
    with pytest.raises(MixError, match="all mix weights are zero"):
        make_mix(nt_env.library, nt_env.store, parts, "Zero", config=nt_env.config)
    with pytest.raises(MixError, match="0 or more"):
        mix_vectors([np.zeros(256, np.float32)], [-1.0])
    assert mix_vectors([np.ones(256, np.float32)], [2.0]).tolist() == [1.0] * 256  # control
    # a voice in resemblyzer's space cannot be mixed on the pretrain
    from models.formats.artifact import VoiceManifest
    from models.nets.synthesizer import SynthesizerInfer

    nt_env.library.add_voice(
        VoiceManifest(name="Trained", config=nt_env.config, speaker=singer_vectors(1)[0]),
        SynthesizerInfer(nt_env.config).state_dict(),
    )
    with pytest.raises(VoiceMakingError, match="'Trained' was made with the resemblyzer speaker encoder"):
        voice_ingredient(nt_env.library, "Trained", 1.0)
    bare = AssetStore(tmp_path / "empty", {"sovits5-pretrain": nt_env.files.pretrain})
    with pytest.raises(VoiceMakingError, match=r"speaker encoder \(best_model\.pth\.tar\) is not set up"):
        drain(make_instant([nt_env.files.take], "No encoder", nt_env.library, bare, config=nt_env.config))
    with pytest.raises(VoiceMakingError, match="pretrain is not downloaded"):
        make_mix(
            nt_env.library,
            AssetStore(tmp_path / "empty"),
            [Ingredient("x", "x", singer_vectors(1)[0], 1.0)],
            "No pretrain",
            config=nt_env.config,
        )
    with pytest.raises(LibraryError, match="already exists"):
        drain(
            make_instant([nt_env.files.take], "Trained", nt_env.library, nt_env.store, config=nt_env.config)
        )
