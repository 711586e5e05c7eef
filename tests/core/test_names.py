"""core.names.slug: the one voice-name -> folder-name rule (datasets, runs, recordings, zip exports)."""

from __future__ import annotations

import pytest

from voicecraft_desktop.core.names import slug


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ana Voz", "ana-voz"),
        ("  My Voice!  ", "my-voice"),
        ("Zoë", "zoë"),  # Unicode letters stay (the recorder's old rule dropped them)
        ("my_voice", "my_voice"),
        ("a--b", "a--b"),
        ("!!!", "voice"),
        ("", "voice"),
        ("Alice (belt)", "alice-belt"),
        ("../../etc", "etc"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_keep_case_is_the_same_rule_for_file_names_the_user_sees() -> None:
    assert slug("Ana Voz!", keep_case=True) == "Ana-Voz" and slug("Zoë", keep_case=True) == "Zoë"
    assert slug("!!!", keep_case=True) == "voice"


def test_every_folder_rule_is_the_same_function(tmp_home) -> None:  # noqa: ANN001 - fixture
    from voicecraft_desktop.core import paths
    from voicecraft_desktop.core.dataset_jobs import dataset_dir_for
    from voicecraft_desktop.core.recorder import voice_recordings_dir

    for name in ("Zoë Ünal", "my_voice", "Ana Voz"):
        assert dataset_dir_for(name) == paths.data_dir() / "datasets" / slug(name)
        assert voice_recordings_dir(name) == paths.data_dir() / "recordings" / slug(name)
