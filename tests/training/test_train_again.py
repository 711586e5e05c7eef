"""Training a voice further updates its library voice (issue 20.4): same id, same folder, the new
steps; the previous version stays until the new one is complete; a same-named voice from elsewhere
is never overwritten without being asked."""

from __future__ import annotations

import pytest

from models.formats.artifact import load_voice, read_manifest
from voicecraft_desktop import cli
from voicecraft_desktop.core.library import VoiceLibrary


def _args(tiny_dataset, name="Again", *extra):
    dataset, cache = tiny_dataset
    return ["train", "--voice", name, "--preset", "tiny", "--dataset", str(dataset), "--feature-cache",
            str(cache), "--device", "cpu", *extra]


def test_training_more_updates_the_exported_voice_in_place(tiny_dataset, tmp_home, capsys):
    assert cli.main([*_args(tiny_dataset), "--steps", "2"]) == 0
    (before,) = VoiceLibrary().entries()
    assert before.steps == 2
    code = cli.main([*_args(tiny_dataset), "--steps", "3"])
    out, err = capsys.readouterr()
    assert code == 0, err
    (after,) = VoiceLibrary().entries()
    assert (after.id, after.folder, after.name) == (before.id, before.folder, before.name)
    assert "updated" in out and "updated_at" in read_manifest(after.folder).training
    assert load_voice(after.folder).manifest.id == before.id  # complete and loadable
    assert not [p for p in VoiceLibrary().root.iterdir() if p.name.startswith(".")], "no leftovers"
    # renamed in the library since: training on updates it under its new name
    VoiceLibrary().rename(after, "Again (belt)")
    assert cli.main([*_args(tiny_dataset), "--steps", "4"]) == 0
    (renamed,) = VoiceLibrary().entries()
    assert (renamed.id, renamed.name) == (before.id, "Again (belt)")


def test_a_same_named_voice_from_elsewhere_is_refused_before_training(tiny_dataset, tmp_home, capsys):
    assert cli.main([*_args(tiny_dataset, "Other"), "--steps", "2"]) == 0
    (other,) = VoiceLibrary().entries()
    VoiceLibrary().rename(other, "Taken")
    capsys.readouterr()
    code = cli.main([*_args(tiny_dataset, "Taken"), "--steps", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "already in the library" in err and "--replace" in err and "--export-name" in err
    assert not (tmp_home / "data" / "runs" / "taken").exists(), "refused before creating the run"
    # asked for explicitly, the other voice is replaced in place (its id kept)
    code = cli.main([*_args(tiny_dataset, "Taken"), "--steps", "2", "--replace"])
    out, err = capsys.readouterr()
    assert code == 0, err
    (entry,) = VoiceLibrary().entries()
    assert entry.id == other.id and entry.name == "Taken" and "updated" in out


@pytest.mark.parametrize("steps", ["0", "-5", "1e3", "nan", "99999999999999999999999"])
def test_bad_steps_are_one_line_and_create_nothing(tiny_dataset, tmp_home, capsys, steps):
    try:
        code = cli.main([*_args(tiny_dataset, "Bad"), "--steps", steps])
    except SystemExit as exit_:  # argparse: usage line + one error line
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2 and "--steps" in err.strip().splitlines()[-1] and "Traceback" not in err, err
    assert not (tmp_home / "data" / "runs").exists()
