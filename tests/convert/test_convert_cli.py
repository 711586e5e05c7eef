"""``voicecraft convert`` and ``voicecraft voices`` end to end (in-process, tiny voice, local assets)."""

from __future__ import annotations

import pytest
import soundfile
import torch

from voicecraft_desktop.cli import main


def test_convert_folder_prints_reports_and_skips_bad_files(
    library_voice, assets, tmp_path, helpers, capsys
) -> None:
    songs = tmp_path / "songs"
    songs.mkdir()
    soundfile.write(str(songs / "één.wav"), helpers.sung_phrases(1.5, 22050), 22050)
    (songs / "readme.txt").write_text("not audio")
    out = tmp_path / "out"
    code = main(
        [
            "convert",
            str(songs),
            "--voice",
            "tiny voice",
            "--out",
            str(out),
            "--key",
            "-2",
            "--format",
            "flac",
            "--bits",
            "24",
            *assets,
        ]
    )
    captured = capsys.readouterr()
    assert code == 1, captured.err  # one input failed
    assert "FAILED" in captured.out and "readme.txt" in captured.out
    assert "pitch error" in captured.out and "speaker similarity" in captured.out
    assert "key -2" in captured.out and "1 converted, 1 failed" in captured.out
    assert [p.name for p in out.iterdir()] == ["één (Tiny Voice).flac"]
    assert "%" in captured.err  # progress bar


def test_convert_auto_key_and_clean_exit(library_voice, assets, tmp_path, helpers, capsys) -> None:
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.harmonic_tone(110.0, 1.0, 16000), 16000)
    code = main(
        [
            "convert",
            str(song),
            "--voice",
            library_voice,
            "--out",
            str(tmp_path / "o"),
            "--auto-key",
            "--no-report",
            "--gate",
            "--match-loudness",
            *assets,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "key +12" in out and "1 converted, 0 failed" in out  # 110 Hz -> 220 Hz voice, octave


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--voice", "Nobody"], "no voice named 'Nobody'"),
        (["--voice", "Tiny Voice", "--octaves-only"], "--octaves-only goes with --auto-key"),
        (["--voice", "Tiny Voice", "--format", "flac", "--bits", "float"], "FLAC"),
    ],
)
def test_convert_usage_errors(library_voice, assets, tmp_path, helpers, capsys, args, message) -> None:
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.sung_phrases(0.5, 16000), 16000)
    code = main(["convert", str(song), "--out", str(tmp_path / "o"), *args, *assets])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_unwritable_output_folder(library_voice, assets, tmp_path, helpers, capsys) -> None:
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.sung_phrases(0.5, 16000), 16000)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["convert", str(song), "--voice", library_voice, "--out", str(blocker / "o"), *assets]) == 2
    assert "not writable" in capsys.readouterr().err


def test_voice_trained_with_another_extractor_set(library_voice, assets, tmp_path, helpers, capsys) -> None:
    """The installed whisper checkpoint is another size than the voice's: refused before any work."""
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(
        n_mels=80,
        n_audio_ctx=1500,
        n_audio_state=32,
        n_audio_head=2,
        n_audio_layer=4,
        n_vocab=128,
        n_text_ctx=8,
        n_text_state=32,
        n_text_head=2,
        n_text_layer=1,
    )
    other = tmp_path / "other-whisper.pt"
    torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()}, other)
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.sung_phrases(0.5, 16000), 16000)
    args = [a if not a.startswith("whisper-large-v2=") else f"whisper-large-v2={other}" for a in assets]
    code = main(["convert", str(song), "--voice", library_voice, "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err
    assert code == 2 and "expects 64-d ppg features" in err and "32-d" in err
    assert list((tmp_path / "o").iterdir()) == []


def test_missing_encoder_weights_name_the_asset(library_voice, tmp_path, helpers, capsys) -> None:
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.sung_phrases(0.5, 16000), 16000)
    code = main(["convert", str(song), "--voice", library_voice, "--out", str(tmp_path / "o"), "--offline"])
    err = capsys.readouterr().err
    assert code == 2 and "whisper-large-v2" in err and "--asset" in err


def test_voices_command(library_voice, tmp_path, capsys) -> None:
    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    assert "Tiny Voice" in out and "1.5 min of data" in out and "30 steps" in out
    assert main(["voices", "rename", "Tiny Voice", "Renamed"]) == 0
    assert main(["voices", "export", "Renamed", str(tmp_path)]) == 0
    assert (tmp_path / "Renamed.zip").is_file()
    assert main(["voices", "delete", "Renamed"]) == 0
    assert main(["voices", "import", str(tmp_path / "Renamed.zip"), "--name", "Back"]) == 0
    assert main(["voices", "list", "--json"]) == 0
    assert '"name": "Back"' in capsys.readouterr().out
    assert main(["voices", "delete", "Nobody"]) == 2
    assert "no voice named" in capsys.readouterr().err
