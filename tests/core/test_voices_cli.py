"""``voicecraft voices singers|singer|mix|merge|instant`` (issue 15): voices without training from the
command line, on the tiny pretrain stand-in; bad inputs are one line and exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.voice_fixtures import sung_take
from voicecraft_desktop import cli
from voicecraft_desktop.core import voice_making
from voicecraft_desktop.core.demo_pretrain import singer_vectors


@pytest.fixture
def run(nt_env, monkeypatch, capsys, one_thread):
    monkeypatch.setattr(voice_making, "pretrain_config", lambda: nt_env.config)  # the stand-in's sizes
    assets = [x for name, path in nt_env.overrides.items() for x in ("--asset", f"{name}={path}")]

    def call(*argv: str, assets_too: bool = True) -> tuple[int, str, str]:
        extra = [*assets, "--offline", "--device", "cpu"] if assets_too else []
        code = cli.main(["voices", *argv, *extra])
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.mark.slow
def test_singers_singer_mix_and_merge(run, nt_env):
    code, out, _ = run("singers", "--json", assets_too=False)
    listed = json.loads(out)
    assert (
        code == 0 and len(listed) == 56 and [s["downloaded"] for s in listed[:4]] == [True, True, True, False]
    )
    assert run("singer", "3")[0] == 0
    code, out, _ = run("mix", "Blend", "--singer", "1", "1", "--voice", "Base singer 03", "0")
    assert code == 0 and "a mix of Base singer 01 100%, Base singer 03 0%" in out, out
    blend = nt_env.library.load("Blend")
    np.testing.assert_array_equal(blend.manifest.speaker, singer_vectors(3)[0])
    code, out, _ = run(
        "merge", "Blend", "Base singer 03", "--ratio", "0", "--name", "Merged", assets_too=False
    )
    assert code == 0 and "into 'Merged'" in out
    np.testing.assert_array_equal(nt_env.library.load("Merged").manifest.speaker, singer_vectors(3)[2])


@pytest.mark.slow
def test_instant_voice_and_bad_inputs(run, nt_env, tmp_path):
    code, out, _ = run("instant", str(nt_env.files.take), "--name", "Me")
    assert code == 0 and "an instant voice from 1 recording(s)" in out
    assert nt_env.library.resolve("Me").source == "instant"
    short = sung_take(tmp_path / "short.wav", seconds=1.5)
    code, _, err = run("instant", str(short), "--name", "Short")
    assert code == 2 and err.strip().endswith(
        "short.wav is 1.5 s long; an instant voice needs at least 3 s of singing (10 to 60 s is best)"
    ), err
    code, _, err = run("mix", "Zero", "--singer", "1", "0", "--singer", "2", "0")
    assert code == 2 and "all mix weights are zero" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("mix", "Negative", "--singer", "1", "-1")
    assert code == 2 and "--singer: -1 is outside at least 0" in err
    code, _, err = run("mix", "Nothing")
    assert code == 2 and "give at least one --singer" in err
    with pytest.raises(SystemExit) as exit_:
        run("singer", "57")
    assert exit_.value.code == 2
    assert [e.name for e in nt_env.library.entries()] == ["Me"]  # nothing else was added
