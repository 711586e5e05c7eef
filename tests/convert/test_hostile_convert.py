"""Issue 20, conversion items: nothing lost, nothing silently wrong.

- 20.3 every numeric option is finite and in range (options dataclass, CLI, app); no non-finite or
  DC buffer is ever written (the converter checks its result; ``write_audio`` is the last guard).
- 20.6 ``--chunk nan`` and a seed beyond 64 bits are one error line, not a traceback.
- 20.9 two inputs with the same file name from different folders both get converted, under
  distinct names, and the batch says so.
- 20.10 ``.NAME.wav.XXXXXXXX.part`` files left by killed conversions are removed at the next run in
  that folder (only ours, only stale ones).
- 20.11 outputs get the user's normal file mode (umask), not mkstemp's 0600.
Plus hostile cases: output folder that is a file, read-only, disk full (RLIMIT_FSIZE), input = output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

import models.convert.files as convert_io
from models.convert.converter import VoiceConverter
from models.convert.files import check_writable, convert_files, write_audio
from models.convert.options import ConvertError, ConvertOptions, run_to_end
from voicecraft_desktop.cli import main
from voicecraft_desktop.core.library import VoiceLibrary

FAST = ConvertOptions(deterministic=True, report=False)
NAN, INF = float("nan"), float("inf")


@pytest.fixture
def assets(assets: list[str]) -> list[str]:
    """The convert CLI's tiny-asset options (conftest), without the quality report."""
    return [*assets, "--no-report"]


@pytest.fixture
def song(tmp_path: Path, helpers) -> Path:
    path = tmp_path / "song.wav"
    soundfile.write(str(path), helpers.sung_phrases(0.5, 16000), 16000)
    return path


# ------------------------------------------------------------------ 20.3 options are finite, in range


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("key", NAN),
        ("key", INF),
        ("key", -INF),
        ("key", 49.0),
        ("noise_scale", NAN),
        ("noise_scale", INF),
        ("noise_scale", -0.5),
        ("noise_scale", 1e9),
        ("chunk_s", NAN),
        ("chunk_s", INF),
        ("chunk_s", -1.0),
        ("chunk_s", 0.5),
        ("chunk_s", 1e12),
        ("context_s", NAN),
        ("context_s", INF),
        ("crossfade_s", NAN),
        ("gate_threshold", NAN),
        ("gate_threshold", -0.1),
        ("gate_threshold", 1.5),
        ("report_max_s", NAN),
        ("report_max_s", 0.0),
        ("max_input_s", NAN),
        ("max_input_s", INF),
        ("max_input_s", -1.0),
        ("seed", -1),
        ("seed", 2**64),
        ("seed", 10**30),
        ("seed", 1.5),
        ("seed", True),
        ("key", "3"),
    ],
)
def test_options_refuse_non_finite_and_out_of_range(field: str, value: object) -> None:
    with pytest.raises(ValueError) as info:
        ConvertOptions(**{field: value})
    message = str(info.value)
    assert "\n" not in message and "--" not in message  # one line, no command-line flags (the app shows it)


def test_options_accept_the_edges() -> None:
    ConvertOptions(key=-48, noise_scale=0.0, chunk_s=0.0, seed=0)
    ConvertOptions(key=48.0, noise_scale=10.0, chunk_s=1.0, seed=2**64 - 1, gate_threshold=1.0)


def test_a_seed_near_the_64_bit_limit_converts(tiny_voice, tiny_extractors, helpers) -> None:
    """The prior's per-chunk seed is derived from ``seed``; it must not overflow the generator."""
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    opts = ConvertOptions(seed=2**64 - 1, report=False, chunk_s=1.0)
    result = run_to_end(conv.convert(helpers.sung_phrases(2.5, 16000), 16000, opts))
    assert np.all(np.isfinite(result.audio)) and np.std(result.audio) > 0


def test_converter_refuses_a_non_finite_result(tiny_voice, tiny_extractors, helpers) -> None:
    """The first check: options that slip past validation (here forced) never yield NaN audio."""
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    opts = ConvertOptions(report=False)
    object.__setattr__(opts, "noise_scale", NAN)  # as if validation had a hole
    with pytest.raises(ConvertError, match="not finite"):
        run_to_end(conv.convert(helpers.sung_phrases(0.5, 16000), 16000, opts, name="song.wav"))


@pytest.mark.parametrize(
    ("audio", "message"),
    [
        (np.full(32000, np.nan, np.float32), "not finite"),
        (np.r_[np.zeros(100), [np.inf], np.zeros(100)].astype(np.float32), "not finite"),
        (np.full(32000, -1.0, np.float32), "constant"),
        (np.full(32000, 0.3, np.float32), "constant"),
        (np.zeros(0, np.float32), "no audio"),
        (np.zeros((100, 2), np.float32), "mono"),
    ],
)
@pytest.mark.parametrize("bits", ["16", "float"])
def test_write_audio_is_the_last_guard(tmp_path: Path, audio: np.ndarray, message: str, bits: str) -> None:
    with pytest.raises(ConvertError, match=message) as info:
        write_audio(tmp_path / "out.wav", audio, 32000, "wav", bits)
    assert "out.wav" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_write_audio_accepts_silence(tmp_path: Path) -> None:
    """Digital silence is a legitimate result (a gated silent input), not degenerate."""
    write_audio(tmp_path / "quiet.wav", np.zeros(3200, np.float32), 32000)
    assert soundfile.info(str(tmp_path / "quiet.wav")).frames == 3200


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--noise-scale", "nan"),
        ("--noise-scale", "inf"),
        ("--noise-scale", "-1"),
        ("--key", "nan"),
        ("--key", "-inf"),
        ("--key", "1e400"),
        ("--chunk", "nan"),
        ("--chunk", "inf"),
        ("--chunk", "-3"),
        ("--seed", str(2**70)),
        ("--seed", "-5"),
        ("--seed", "1.5"),
    ],
)
def test_cli_bad_numbers_are_one_line_and_write_nothing(
    tmp_home, song, tmp_path, capsys, flag, value
) -> None:
    """Checked before the voice is even looked up (a regression would say "no voice named" instead)."""
    _assert_one_line_refusal(["--voice", "Nobody", flag, value], flag, song, tmp_path, capsys)


def test_cli_noise_scale_nan_with_a_real_voice(library_voice, assets, song, tmp_path, capsys) -> None:
    """The reported case: it wrote a file of full-scale DC and said it had converted."""
    args = ["--voice", library_voice, "--noise-scale", "nan", *assets]
    _assert_one_line_refusal(args, "--noise-scale", song, tmp_path, capsys)


def _assert_one_line_refusal(args: list[str], flag: str, song: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "o"
    try:
        code = main(["convert", str(song), "--out", str(out), *args])
    except SystemExit as exc:  # argparse's own usage error
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and flag in errors[0], err
    assert not out.exists() or list(out.iterdir()) == []


# ------------------------------------------------------------------ 20.9 same names from two folders


def test_same_file_name_from_two_folders_both_convert(tiny_voice, tiny_extractors, tmp_path, helpers) -> None:
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    soundfile.write(str(a / "song.wav"), helpers.sung_phrases(0.5, 16000, seed=1), 16000)
    soundfile.write(str(b / "song.wav"), helpers.sung_phrases(0.5, 16000, seed=2), 16000)
    soundfile.write(str(b / "song.flac"), helpers.sung_phrases(0.5, 16000, seed=3), 16000)
    out = tmp_path / "out"
    items = run_to_end(convert_files(conv, [a / "song.wav", b], out, FAST))
    assert [i.error for i in items] == [None, None, None]
    outputs = [i.output for i in items]
    assert len(set(outputs)) == 3 and all(p.is_file() for p in outputs)
    assert outputs[0].name == "song (Tiny).wav"  # the first keeps the plain name
    for item in items[1:]:  # the others say why their name differs
        assert item.note and "song (Tiny).wav" in item.note and str(item.source) in item.note
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in outputs)


def test_same_file_given_twice_is_converted_once(tiny_voice, tiny_extractors, tmp_path, song) -> None:
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    items = run_to_end(convert_files(conv, [song, song.parent / "." / song.name], tmp_path / "out", FAST))
    assert items[0].error is None and items[0].output.is_file()
    assert "given twice" in items[1].error and items[1].output is None
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["song (Tiny).wav"]


def test_cli_says_when_a_name_was_changed(library_voice, assets, tmp_path, helpers, capsys) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for folder in (a, b):
        soundfile.write(str(folder / "take.wav"), helpers.sung_phrases(0.5, 16000), 16000)
    code = main(["convert", str(a), str(b), "--voice", library_voice, "--out", str(tmp_path / "o"), *assets])
    out = capsys.readouterr().out
    assert code == 0 and "2 converted, 0 failed" in out
    assert "note:" in out and "take (Tiny Voice).wav" in out
    assert len(list((tmp_path / "o").iterdir())) == 2


# ------------------------------------------------------------------ 20.10 stale .part files


def _age(path: Path, seconds: float) -> Path:
    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


def test_stale_part_files_are_cleaned_at_the_next_run(tiny_voice, tiny_extractors, tmp_path, song) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".song (Tiny).wav.k3j_x9qa.part", out / ".other (Tiny).flac.abcdefgh.part"]
    fresh = out / ".fresh (Tiny).wav.abcdefgh.part"  # may belong to a conversion running now
    foreign = [
        out / ".notes.txt.abcdefgh.part",  # not an audio output of ours
        out / ".song.wav.part",  # not our pattern (no random part)
        out / "visible.wav.abcdefgh.part",  # not hidden
        out / "keep.wav",
    ]
    for p in [*stale, fresh, *foreign]:
        p.write_bytes(b"RIFF")
    for p in [*stale, *foreign]:
        _age(p, convert_io.STALE_PART_S + 60)
    keep = [fresh, *foreign]
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    items = run_to_end(convert_files(conv, [song], out, FAST))
    assert items[0].error is None
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in keep)


def test_clean_stale_parts_returns_what_it_removed(tmp_path: Path) -> None:
    old = tmp_path / ".a.wav.12345678.part"
    old.write_bytes(b"x")
    _age(old, convert_io.STALE_PART_S + 1)
    assert convert_io.clean_stale_parts(tmp_path) == [old] and not old.exists()
    assert convert_io.clean_stale_parts(tmp_path / "missing") == []


def test_a_killed_write_leaves_a_part_that_the_next_run_removes(tmp_path: Path) -> None:
    """A real kill -9 in the middle of ``write_audio`` (the writer is stopped inside soundfile)."""
    code = (
        "import os, sys, numpy as np, soundfile\n"
        "from models.convert.files import write_audio\n"
        "def die(*a, **k):\n"
        "    open(a[0], 'wb').write(b'RIFF')\n"
        "    os.kill(os.getpid(), 9)\n"
        "soundfile.write = die\n"
        "write_audio(sys.argv[1], np.ones(320, np.float32) * 0.1 * np.sin(np.arange(320)), 32000)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.wav")], timeout=120)
    assert proc.returncode == -9
    left = list(tmp_path.iterdir())
    assert len(left) == 1 and left[0].name.startswith(".x.wav.") and left[0].name.endswith(".part")
    assert convert_io.clean_stale_parts(tmp_path) == []  # fresh: maybe still being written
    _age(left[0], convert_io.STALE_PART_S + 1)
    assert convert_io.clean_stale_parts(tmp_path) == left and list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ 20.11 file modes follow the umask


@pytest.fixture
def umask():
    """Sets the process umask for the test and restores it."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_converted_files_get_the_umask_mode(tmp_path: Path, umask, mask: int, mode: int) -> None:
    umask(mask)
    path = write_audio(tmp_path / "out.wav", 0.1 * np.sin(np.arange(3200, dtype=np.float32)), 32000)
    assert (path.stat().st_mode & 0o777) == mode


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_batch_outputs_and_voice_exports_get_the_umask_mode(
    tiny_voice, tiny_extractors, tmp_path, song, umask, tmp_home, helpers
) -> None:
    from models.formats.artifact import atomic_torch_save, atomic_write_bytes

    umask(0o022)
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    items = run_to_end(convert_files(conv, [song], tmp_path / "out", FAST, "flac", "24"))
    assert (items[0].output.stat().st_mode & 0o777) == 0o644
    helpers.make_voice(tmp_path / "made", name="Zip Me")
    library = VoiceLibrary()
    library.import_voice(tmp_path / "made")
    archive = library.export_zip("Zip Me", tmp_path / "voice.zip")
    assert (archive.stat().st_mode & 0o777) == 0o644
    atomic_write_bytes(tmp_path / "a.json", b"{}")
    atomic_torch_save({"x": 1}, tmp_path / "a.pt")
    assert {(tmp_path / n).stat().st_mode & 0o777 for n in ("a.json", "a.pt")} == {0o644}


# ------------------------------------------------------------------ hostile folders and disks


def test_output_folder_that_is_a_file(tmp_path: Path, song, tiny_voice, tiny_extractors) -> None:
    blocker = tmp_path / "out.wav"
    blocker.write_bytes(b"mine")
    with pytest.raises(ConvertError, match="not writable"):
        run_to_end(convert_files(VoiceConverter(tiny_voice, tiny_extractors), [song], blocker, FAST))
    assert blocker.read_bytes() == b"mine"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ConvertError, match="not writable"):
            check_writable(folder)
        with pytest.raises(ConvertError, match="cannot write"):
            write_audio(folder / "x.wav", np.zeros(100, np.float32), 32000)
    finally:
        folder.chmod(0o755)


def test_input_folder_is_the_output_folder(tiny_voice, tiny_extractors, tmp_path, helpers) -> None:
    """Outputs written into the input folder are not picked up as inputs by the same run."""
    folder = tmp_path / "songs"
    folder.mkdir()
    soundfile.write(str(folder / "a.wav"), helpers.sung_phrases(0.5, 16000), 16000)
    items = run_to_end(convert_files(VoiceConverter(tiny_voice, tiny_extractors), [folder], folder, FAST))
    assert [i.source.name for i in items] == ["a.wav"] and items[0].error is None
    assert sorted(p.name for p in folder.iterdir()) == ["a (Tiny).wav", "a.wav"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="RLIMIT_FSIZE is POSIX")
def test_disk_full_while_writing_leaves_nothing(tmp_path: Path) -> None:
    """The file-size limit stands in for a full disk: one clear error, no file, no temporary."""
    code = (
        "import resource, signal, sys, numpy as np\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))\n"
        "from models.convert.options import ConvertError\n"
        "from models.convert.files import write_audio\n"
        "try:\n"
        "    write_audio(sys.argv[1], 0.5 * np.sin(np.arange(320_000, dtype=np.float32) / 5), 32000)\n"
        "except ConvertError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(3)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "big.wav")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 3, proc.stderr
    assert "big.wav" in proc.stdout and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
