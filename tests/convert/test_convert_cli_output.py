"""``voicecraft convert``: automatic key by whole octaves unless semitones are asked for (the
app's default too), and ``--sample-rate`` (the same resampling as the app's exports)."""

from __future__ import annotations

import soundfile

from voicecraft_desktop.cli import main


def _convert(song, library_voice, tmp_path, assets, *extra):
    return main(
        ["convert", str(song), "--voice", library_voice, "--out", str(tmp_path / "o"), "--no-report",
         *extra, *assets]
    )


def test_auto_key_moves_by_whole_octaves_unless_semitones_are_asked(
    library_voice, assets, tmp_path, helpers, capsys
) -> None:
    song = tmp_path / "s.wav"
    # 175 Hz against a 220 Hz voice: +4 semitones would be nearest; whole octaves give 0 (in key)
    soundfile.write(str(song), helpers.harmonic_tone(175.0, 1.0, 16000), 16000)
    assert _convert(song, library_voice, tmp_path, assets, "--auto-key") == 0
    assert "key +0" in capsys.readouterr().out
    code = _convert(song, library_voice, tmp_path, assets, "--auto-key", "semitones", "--overwrite")
    assert code == 0 and "key +4" in capsys.readouterr().out


def test_sample_rate_option(library_voice, assets, tmp_path, helpers, capsys) -> None:
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.sung_phrases(0.5, 16000), 16000)
    assert _convert(song, library_voice, tmp_path, assets, "--sample-rate", "44100") == 0
    (out,) = (tmp_path / "o").iterdir()
    assert soundfile.info(str(out)).samplerate == 44100
    assert _convert(song, library_voice, tmp_path, assets, "--sample-rate", "22050") == 2
    assert "22050" in capsys.readouterr().err
