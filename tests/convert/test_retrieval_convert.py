"""Feature retrieval in conversion: the options, the converter feeding retrieved features to the
model, the voice's index checks, and the CLI flags (tiny preset, tiny encoders)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

pytest.importorskip("faiss")

from models.convert.converter import VoiceConverter, encode_windows  # noqa: E402
from models.convert.extractors import voice_encoder_names  # noqa: E402
from models.convert.options import (  # noqa: E402
    ConvertCancelled,
    ConvertError,
    ConvertOptions,
    OptionError,
    run_to_end,
)
from models.features.retrieval import IndexSpec, write_voice_indexes  # noqa: E402
from voicecraft_desktop.cli import main  # noqa: E402

FAST = dict(deterministic=True, report=False, chunk_s=0.0)


def _features(extractors, wave16: np.ndarray) -> dict[str, np.ndarray]:
    """(M, d) content features per role, as the converter computes them."""
    out = {}
    for role in ("ppg", "vec"):
        enc = getattr(extractors, role)
        out[role] = run_to_end(encode_windows(enc, wave16, enc.plan(len(wave16))))
    return out


def _specs(voice, voice_id: str | None = None) -> dict[str, IndexSpec]:
    names, model = voice_encoder_names(voice), voice.config.model
    vid = voice.manifest.id if voice_id is None else voice_id
    return {
        "ppg": IndexSpec(model.ppg_dim, names["ppg"], vid),
        "vec": IndexSpec(model.vec_dim, names["vec"], vid),
    }


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, tiny_extractors, helpers):
    """A tiny voice with indexes of 3 s of 'training' singing; returns (voice, index rows per role)."""
    voice = helpers.make_voice(tmp_path_factory.mktemp("retr") / "v", name="Indexed")
    train = _features(tiny_extractors, helpers.sung_phrases(3.0, 16000, seed=5).astype(np.float32))
    # The random tiny Whisper's rows depend mostly on the frame's position, so another song's rows can
    # equal these exactly; noise keeps every stored row away from any query (retrieval must move them).
    rng = np.random.default_rng(0)
    train = {r: (f + 0.05 * rng.standard_normal(f.shape)).astype(np.float32) for r, f in train.items()}
    write_voice_indexes(voice.folder, train, _specs(voice))
    return voice, train


def test_options_are_checked() -> None:
    assert ConvertOptions().retrieval_ratio == 0.0 and ConvertOptions().retrieval_k == 3
    for bad in (-0.01, 1.01, float("nan"), "0.5"):
        with pytest.raises(OptionError) as exc:
            ConvertOptions(retrieval_ratio=bad)
        assert exc.value.option == "retrieval_ratio"
    for bad in (0, 65, 2.5, True):
        with pytest.raises(OptionError) as exc:
            ConvertOptions(retrieval_k=bad)
        assert exc.value.option == "retrieval_k"
    opts = ConvertOptions(retrieval_ratio=0.25, retrieval_k=5)
    assert ConvertOptions.from_dict(opts.to_dict()) == opts


def _fed_features(converter: VoiceConverter, wave: np.ndarray, options: ConvertOptions, monkeypatch):
    """(ppg, vec) the converter hands to synthesis."""
    seen = {}
    original = VoiceConverter.synthesize.__get__(converter)  # not an earlier spy

    def spy(ppg, vec, *args, **kwargs):
        seen["ppg"], seen["vec"] = ppg.copy(), vec.copy()
        return original(ppg, vec, *args, **kwargs)

    monkeypatch.setattr(converter, "synthesize", spy)
    result = run_to_end(converter.convert(wave, 16000, options))
    assert np.isfinite(result.audio).all()
    return seen, result


def test_converter_feeds_retrieved_features(indexed, tiny_extractors, helpers, monkeypatch) -> None:
    voice, train = indexed
    converter = VoiceConverter(voice, tiny_extractors)
    wave = helpers.sung_phrases(1.0, 16000, seed=9).astype(np.float32)
    plain, _ = _fed_features(converter, wave, ConvertOptions(**FAST), monkeypatch)
    near, result = _fed_features(
        converter, wave, ConvertOptions(**FAST, retrieval_ratio=1.0, retrieval_k=1), monkeypatch
    )
    assert "retrieval" in result.timings
    for role in ("ppg", "vec"):
        rows = train[role]
        # ratio 1, k 1: every fed row is the nearest stored row of the plain feature row
        d2 = ((plain[role][:, None, :] - rows[None, :, :]) ** 2).sum(axis=-1)
        assert np.array_equal(near[role], rows[d2.argmin(axis=1)])
        assert not np.array_equal(near[role], plain[role])  # control: retrieval changed the features
    off, _ = _fed_features(converter, wave, ConvertOptions(**FAST, retrieval_ratio=0.0), monkeypatch)
    assert all(np.array_equal(off[r], plain[r]) for r in ("ppg", "vec"))


def test_missing_or_foreign_index_is_refused(tiny_extractors, helpers, tmp_path) -> None:
    voice = helpers.make_voice(tmp_path / "v", name="Plain")
    wave = helpers.sung_phrases(0.5, 16000).astype(np.float32)
    options = ConvertOptions(**FAST, retrieval_ratio=0.5)
    with pytest.raises(ConvertError, match="voice 'Plain' has no retrieval index"):
        run_to_end(VoiceConverter(voice, tiny_extractors).convert(wave, 16000, options))
    rng = np.random.default_rng(0)
    model = voice.config.model
    feats = {"ppg": rng.standard_normal((80, model.ppg_dim)), "vec": rng.standard_normal((80, model.vec_dim))}
    write_voice_indexes(voice.folder, feats, _specs(voice, voice_id="someone-else"))
    with pytest.raises(ConvertError, match="built from another voice's features"):
        VoiceConverter(voice, tiny_extractors).retrieval_indexes()
    wrong = {**_specs(voice), "vec": IndexSpec(8, _specs(voice)["vec"].encoder, voice.manifest.id)}
    write_voice_indexes(voice.folder, {**feats, "vec": rng.standard_normal((80, 8))}, wrong)
    with pytest.raises(
        ConvertError, match=f"built from 8-d features, but these features are {model.vec_dim}-d"
    ):
        VoiceConverter(voice, tiny_extractors).retrieval_indexes()


def test_cli_flags(library_voice, assets, tmp_path: Path, helpers, capsys) -> None:
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.sung_phrases(0.5, 16000), 16000)
    base = ["convert", str(song), "--voice", library_voice, "--out", str(tmp_path / "o"), *assets]
    for flag, value in (("--retrieval-ratio", "1.5"), ("--retrieval-ratio", "nan"), ("--retrieval-k", "0")):
        with pytest.raises(SystemExit) as exc:  # argparse's one-line usage error
            main([*base, flag, value])
        assert exc.value.code == 2 and f"argument {flag}:" in capsys.readouterr().err
    assert main([*base, "--retrieval-ratio", "0.5"]) == 2  # the library voice has no index
    assert "has no retrieval index" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_indexes_travel_with_the_voice_into_the_library(indexed, tiny_extractors, tmp_home, tmp_path) -> None:
    """The library copies a voice's top-level files: an imported voice keeps its indexes and its id,
    so they load for conversion; a zip export and re-import under another name keeps them too."""
    from voicecraft_desktop.core.library import VoiceLibrary

    voice, _ = indexed
    lib = VoiceLibrary()
    entry = lib.import_voice(voice.folder, name="In the library")
    loaded = lib.load(entry)
    assert loaded.manifest.id == voice.manifest.id
    assert set(VoiceConverter(loaded, tiny_extractors).retrieval_indexes()) == {"ppg", "vec"}
    zipped = lib.export_zip(entry, tmp_path)
    lib.delete(entry)
    again = lib.load(lib.import_voice(zipped, name="Back"))
    assert set(VoiceConverter(again, tiny_extractors).retrieval_indexes()) == {"ppg", "vec"}


def test_index_from_recordings(tiny_extractors, helpers, tmp_path) -> None:
    """On demand (imported voices): the recordings' features with the voice's encoders, indexed in
    file order; a cancel or an unreadable file writes nothing."""
    import threading

    from models.convert.retrieval_audio import index_from_audio

    voice = helpers.make_voice(tmp_path / "v", name="Imported")
    converter = VoiceConverter(voice, tiny_extractors)
    songs = []
    for i, seconds in enumerate((1.0, 0.6)):
        songs.append(tmp_path / f"take{i}.wav")
        soundfile.write(str(songs[-1]), helpers.sung_phrases(seconds, 22050, seed=i), 22050)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ConvertCancelled):
        run_to_end(index_from_audio(converter, songs, cancel))
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio")
    with pytest.raises(ConvertError, match="bad.wav"):
        run_to_end(index_from_audio(converter, [songs[0], bad]))
    assert sorted(p.name for p in voice.folder.iterdir()) == ["generator.safetensors", "voice.json"]
    record = run_to_end(index_from_audio(converter, songs))
    assert record.parent == voice.folder
    indexes = VoiceConverter(voice, tiny_extractors).retrieval_indexes()
    assert indexes["vec"].ntotal == 50 + 30 and indexes["ppg"].ntotal == 80  # 20 ms rows of 1.0 s + 0.6 s


def test_cli_index_then_convert(library_voice, assets, tmp_path: Path, helpers, capsys) -> None:
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.sung_phrases(1.0, 16000), 16000)
    index_assets = [a for a in assets if a not in ("--f0", "dio")]
    assert main(["index", str(song), "--voice", library_voice, *index_assets]) == 0
    assert "retrieval index of 1 recordings written" in capsys.readouterr().out
    out = tmp_path / "o"
    code = main(
        [
            "convert",
            str(song),
            "--voice",
            library_voice,
            "--out",
            str(out),
            "--retrieval-ratio",
            "0.5",
            *assets,
        ]
    )
    assert code == 0 and "1 converted, 0 failed" in capsys.readouterr().out
    assert main(["index", str(tmp_path / "missing.wav"), "--voice", library_voice, *index_assets]) == 2
    assert "missing.wav: not found" in capsys.readouterr().err
