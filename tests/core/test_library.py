"""VoiceLibrary: scan, resolve, rename, delete, import (folder, zip, so-vits-svc-5.0 .pth + .npy),
export; atomic writes and clear errors; corrupt manifests listed as unavailable."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from models.artifact import MANIFEST_NAME, WEIGHTS_NAME, VoiceManifest, load_voice, save_voice
from models.config import VoiceConfig
from models.synthesizer import SynthesizerInfer
from voicecraft_desktop.core.library import LibraryError, VoiceLibrary


def _voice_folder(folder: Path, name: str = "Alice", seed: int = 0) -> Path:
    torch.manual_seed(seed)
    config = VoiceConfig.tiny()
    manifest = VoiceManifest(
        name=name,
        config=config,
        speaker=np.full(256, 1 / 16, np.float32),
        pitch_extractor="fcpe",
        training={"steps": 1200, "dataset_seconds": 450.0},
    )
    return save_voice(folder, manifest, SynthesizerInfer(config).state_dict())


@pytest.fixture(scope="module")
def source_voice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _voice_folder(tmp_path_factory.mktemp("src") / "alice")


@pytest.fixture
def lib(tmp_home: Path) -> VoiceLibrary:
    return VoiceLibrary()


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_empty_library_touches_nothing(lib: VoiceLibrary, tmp_home: Path) -> None:
    assert lib.entries() == []
    assert not tmp_home.exists()


def test_import_lists_metadata_and_resolves(lib: VoiceLibrary, source_voice: Path) -> None:
    entry = lib.import_voice(source_voice)
    assert entry.folder.parent == lib.root and len(entry.folder.name) == 32  # uuid, never user text
    assert (entry.name, entry.steps, entry.minutes_of_data, entry.preset) == ("Alice", 1200, 7.5, "tiny")
    assert entry.extractors == {"ppg": "whisper-large-v2", "vec": "hubert-soft", "pitch": "fcpe"}
    assert [e.name for e in lib.entries()] == ["Alice"]
    for key in ("alice", "ALICE", entry.id, entry.folder.name, str(entry.folder)):
        assert lib.resolve(key).folder == entry.folder
    assert lib.load("Alice").manifest.name == "Alice"
    with pytest.raises(LibraryError, match="no voice named 'Bob'.*'Alice'"):
        lib.resolve("Bob")
    with pytest.raises(LibraryError, match="already in the library"):
        lib.import_voice(source_voice, name="Alice 2")
    assert json.loads(json.dumps(entry.to_dict()))["name"] == "Alice"


def test_rename_and_name_clashes(lib: VoiceLibrary, tmp_path: Path) -> None:
    lib.import_voice(_voice_folder(tmp_path / "a", "Alice", 0))
    lib.import_voice(_voice_folder(tmp_path / "b", "Bob", 1))
    with pytest.raises(LibraryError, match="already exists"):
        lib.rename("Bob", "alice")
    with pytest.raises(LibraryError, match="empty"):
        lib.rename("Bob", "  ")
    renamed = lib.rename("Bob", "Bobby ♫")
    assert renamed.name == "Bobby ♫" and lib.resolve("bobby ♫").id == renamed.id
    load_voice(renamed.folder)  # the manifest rewrite kept the weights' checksum valid
    assert not [p for p in renamed.folder.iterdir() if p.name.startswith(".")]
    with pytest.raises(LibraryError, match="already exists"):
        lib.import_voice(_voice_folder(tmp_path / "c", "Alice", 2))
    assert len(lib.entries()) == 2


def test_delete_is_complete(lib: VoiceLibrary, source_voice: Path) -> None:
    entry = lib.import_voice(source_voice)
    lib.delete("Alice")
    assert lib.entries() == [] and _visible(lib.root) == []
    with pytest.raises(LibraryError):
        lib.delete("Alice")
    assert entry.folder.exists() is False


def test_export_zip_and_import_it_back(lib: VoiceLibrary, source_voice: Path, tmp_path: Path) -> None:
    entry = lib.import_voice(source_voice)
    dest = lib.export_zip("Alice", tmp_path)
    assert dest.name == "Alice.zip" and _visible(tmp_path).count("Alice.zip") == 1
    with zipfile.ZipFile(dest) as z:
        assert sorted(z.namelist()) == sorted(f"{entry.id}/{n}" for n in (MANIFEST_NAME, WEIGHTS_NAME))
    lib.delete("Alice")
    back = lib.import_voice(dest, name="Alice again")
    assert back.id == entry.id and back.name == "Alice again"
    load_voice(back.folder)


def test_bad_imports_leave_nothing(lib: VoiceLibrary, source_voice: Path, tmp_path: Path) -> None:
    lib.import_voice(source_voice)
    before = _visible(lib.root)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / MANIFEST_NAME).write_text((source_voice / MANIFEST_NAME).read_text())
    with pytest.raises(LibraryError, match=f"{WEIGHTS_NAME} is missing"):
        lib.import_voice(broken)
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    for f in source_voice.iterdir():
        (tampered / f.name).write_bytes(f.read_bytes())
    data = bytearray((tampered / WEIGHTS_NAME).read_bytes())
    data[-1] ^= 0xFF
    (tampered / WEIGHTS_NAME).write_bytes(bytes(data))
    with pytest.raises(LibraryError, match="checksum"):
        lib.import_voice(tampered, name="T")
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"nope")
    with pytest.raises(LibraryError, match="not a readable zip"):
        lib.import_voice(not_zip)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("v/voice.json", (source_voice / MANIFEST_NAME).read_text())
        z.writestr("v/../../escape.txt", "x")
    with pytest.raises(LibraryError, match="no generator.safetensors"):
        lib.import_voice(evil)
    text = tmp_path / "x.txt"
    text.write_text("x")
    with pytest.raises(LibraryError, match="not a voice"):
        lib.import_voice(text)
    assert not (tmp_path.parent / "escape.txt").exists()
    assert _visible(lib.root) == before


def test_corrupt_and_too_new_manifests_are_listed_unavailable(lib: VoiceLibrary, source_voice: Path) -> None:
    good = lib.import_voice(source_voice)
    bad = lib.root / ("0" * 32)
    bad.mkdir()
    (bad / MANIFEST_NAME).write_text("{not json")
    newer = lib.root / ("1" * 32)
    newer.mkdir()
    manifest = json.loads((good.folder / MANIFEST_NAME).read_text())
    manifest["format_version"] = 99
    (newer / MANIFEST_NAME).write_text(json.dumps(manifest))
    entries = lib.entries()
    assert [e.available for e in entries] == [True, False, False]
    assert any("unreadable manifest" in e.problem for e in entries[1:])
    assert any("update VoiceCraft" in e.problem for e in entries[1:])
    with pytest.raises(LibraryError, match="update VoiceCraft"):
        lib.resolve("1" * 32)
    lib.delete("0" * 32)  # broken voices can still be removed
    assert len(lib.entries()) == 2


def test_missing_weights_in_the_library_give_a_clear_error(lib: VoiceLibrary, source_voice: Path) -> None:
    entry = lib.import_voice(source_voice)
    (entry.folder / WEIGHTS_NAME).unlink()
    with pytest.raises(LibraryError, match="missing weights file"):
        lib.load("Alice")


def test_import_so_vits_svc_voice_with_singer_npy(lib: VoiceLibrary, tmp_path: Path) -> None:
    config = VoiceConfig.sovits5()  # an exported reference voice: {'model_g': inference generator}
    torch.manual_seed(0)
    pth = tmp_path / "singer_voice.pth"
    torch.save({"model_g": SynthesizerInfer(config).state_dict()}, pth)
    npy = tmp_path / "singer0001.npy"
    np.save(npy, np.full(256, 1 / 16, np.float32))
    with pytest.raises(LibraryError, match="singer .npy"):
        lib.import_voice(pth)
    bad_npy = tmp_path / "bad.npy"
    np.save(bad_npy, np.zeros(10, np.float32))
    with pytest.raises(LibraryError, match="expected 256 finite floats"):
        lib.import_voice(pth, speaker_npy=bad_npy)
    assert _visible(lib.root) == []
    entry = lib.import_voice(pth, speaker_npy=npy)
    assert (
        entry.name == "singer_voice"
        and entry.source == "so-vits-svc-5.0 import"
        and entry.preset == "sovits5"
    )
    assert lib.load("singer_voice").manifest.speaker.shape == (256,)
