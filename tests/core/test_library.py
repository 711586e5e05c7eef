"""VoiceLibrary: scan, resolve, rename, delete, import (folder, zip, so-vits-svc-5.0 .pth + .npy),
export; atomic writes and clear errors; corrupt manifests listed as unavailable."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from models.config import VoiceConfig
from models.formats.artifact import MANIFEST_NAME, WEIGHTS_NAME, VoiceManifest, load_voice, save_voice
from models.nets.synthesizer import SynthesizerInfer
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


# --------------------------------------------------------------------------- hostile zips (issue 20 item 12)

BIG_MEMBER_BYTES = 16 << 20  # stands in for the 1.5 GiB member: deflates to ~16 KB, fast to write


def _zip_with(path: Path, manifest: str | bytes, big: bool = True, weights: bytes | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("v/voice.json", manifest)
        if big:
            with z.open("v/generator.safetensors", "w", force_zip64=True) as member:
                block = b"\0" * (1 << 20)
                for _ in range(BIG_MEMBER_BYTES >> 20):
                    member.write(block)
        elif weights is not None:
            z.writestr("v/generator.safetensors", weights)
    return path


def _spy_extraction(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every zip member opened for reading (the only way a member's bytes get out)."""
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if mode == "r":
            opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real_open(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ('{"junk": true}', "not a VoiceCraft voice"),
        ("{not json at all", "not a VoiceCraft voice"),
        ('["a", "list"]', "not a VoiceCraft voice"),
        ('{"format": "voicecraft-voice", "format_version": null}', "not a VoiceCraft voice"),
        ('{"format": "voicecraft-voice", "format_version": "2"}', "not a VoiceCraft voice"),
        (b"\xff\xfe\x00binary", "not a VoiceCraft voice"),
    ],
)
def test_zip_with_junk_manifest_is_refused_before_anything_is_extracted(
    lib: VoiceLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifest, expected: str
) -> None:
    """Issue 20 item 12: voice.json is read and checked first; the large member is never extracted,
    and the message says what the file is not (no 'update VoiceCraft' for junk)."""
    archive = _zip_with(tmp_path / "junk.zip", manifest)
    opened = _spy_extraction(monkeypatch)
    with pytest.raises(LibraryError) as info:
        lib.import_voice(archive)
    message = str(info.value)
    assert message.startswith(f"{archive} is not a VoiceCraft voice ("), message
    assert expected in message and "update VoiceCraft" not in message and "\n" not in message
    assert opened == ["v/voice.json"], opened  # the large member was never read
    assert _visible(lib.root) == []


def test_zip_with_too_new_voice_says_update(lib: VoiceLibrary, source_voice: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads((source_voice / MANIFEST_NAME).read_text())
    data["format_version"] = 99
    archive = _zip_with(tmp_path / "newer.zip", json.dumps(data))
    opened = _spy_extraction(monkeypatch)
    with pytest.raises(LibraryError, match=r"newer.zip.*version 99.*update VoiceCraft"):
        lib.import_voice(archive)
    assert opened == ["v/voice.json"]


def test_zip_with_valid_manifest_but_bad_config_is_refused_before_extracting(
    lib: VoiceLibrary, source_voice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A well-formed manifest whose config asks for 40000 channels: refused from voice.json alone."""
    data = json.loads((source_voice / MANIFEST_NAME).read_text())
    data["config"]["model"]["hidden_channels"] = 40000
    archive = _zip_with(tmp_path / "huge.zip", json.dumps(data))
    opened = _spy_extraction(monkeypatch)
    with pytest.raises(LibraryError, match=r"huge.zip is not a VoiceCraft voice \(.*hidden_channels"):
        lib.import_voice(archive)
    assert opened == ["v/voice.json"]


def test_zip_with_traversal_links_and_extra_members_imports_only_the_voice(
    lib: VoiceLibrary, source_voice: Path, tmp_path: Path
) -> None:
    """Path traversal, absolute paths, a symlink entry and hidden files are never written anywhere."""
    archive = tmp_path / "tricky.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in source_voice.iterdir():
            z.writestr(f"v/{f.name}", f.read_bytes())
        z.writestr("v/../../escape.txt", "x")
        z.writestr("/abs/escape2.txt", "x")
        link = zipfile.ZipInfo("v/link.txt")
        link.external_attr = (0o120777 << 16)  # a symlink entry pointing outside
        z.writestr(link, "/etc/passwd")
        z.writestr("v/.hidden", "x")
    entry = lib.import_voice(archive, name="Tricky")
    names = sorted(p.name for p in entry.folder.iterdir())
    assert "link.txt" not in names and ".hidden" not in names and "escape.txt" not in names
    assert not (tmp_path.parent / "escape.txt").exists() and not Path("/abs/escape2.txt").exists()
    assert all(not p.is_symlink() for p in entry.folder.iterdir())


def test_truncated_zip_and_oversized_manifest_are_refused(lib: VoiceLibrary, source_voice: Path,
                                                          tmp_path: Path) -> None:
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as z:
        for f in source_voice.iterdir():
            z.writestr(f"v/{f.name}", f.read_bytes())
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(LibraryError, match="cut.zip"):
        lib.import_voice(cut)
    huge_manifest = _zip_with(tmp_path / "bigjson.zip", b" " * (20 << 20) + b"{}", big=False)
    with pytest.raises(LibraryError, match=r"bigjson.zip is not a VoiceCraft voice \(voice.json is too large"):
        lib.import_voice(huge_manifest)
    assert _visible(lib.root) == []


def test_read_only_library_is_one_clear_error(lib: VoiceLibrary, source_voice: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A library folder we may not write to (simulated: these tests may run as root, who may write
    anywhere) is one LibraryError naming the folder, and nothing is left behind."""
    import tempfile

    def denied(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", str(lib.root))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    with pytest.raises(LibraryError, match=r"cannot write to the voice library .*Permission denied"):
        lib.import_voice(source_voice)


def test_replace_voice_keeps_id_folder_and_name_and_the_old_version_on_failure(
    lib: VoiceLibrary, source_voice: Path, tmp_path: Path
) -> None:
    """Issue 20.4: a voice trained further is swapped in place; a bad new version changes nothing."""
    entry = lib.import_voice(source_voice)
    newer = _voice_folder(tmp_path / "newer", "whatever", seed=5)
    updated = lib.replace_voice(entry, newer)
    assert (updated.id, updated.folder, updated.name) == (entry.id, entry.folder, entry.name)
    assert load_voice(updated.folder).manifest.weights_sha256 == load_voice(newer).manifest.weights_sha256
    assert _visible(lib.root) == [entry.folder.name], "no staging or previous version left behind"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / MANIFEST_NAME).write_text((newer / MANIFEST_NAME).read_text())
    (broken / WEIGHTS_NAME).write_bytes(b"half a file")
    before = (updated.folder / WEIGHTS_NAME).read_bytes()
    with pytest.raises(LibraryError):
        lib.replace_voice(entry, broken)
    assert (updated.folder / WEIGHTS_NAME).read_bytes() == before and load_voice(updated.folder)
    assert _visible(lib.root) == [entry.folder.name]
    other = lib.import_voice(_voice_folder(tmp_path / "bob", "Bob", 1))
    with pytest.raises(LibraryError, match="already exists"):
        lib.replace_voice(entry, newer, name="bob")
    assert lib.resolve("Alice").id == entry.id and lib.resolve("Bob").id == other.id


def test_swap_folders_without_rename_exchange_puts_the_old_version_back_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicecraft_desktop.core import library_io

    monkeypatch.setattr(library_io, "rename_exchange", lambda a, b: False)
    old, new = tmp_path / "voice", tmp_path / ".new"
    old.mkdir()
    (old / "f").write_text("old")
    new.mkdir()
    (new / "f").write_text("new")
    library_io.swap_folders(new, old)
    assert (old / "f").read_text() == "new" and (new / "f").read_text() == "old"
    real_replace = library_io.os.replace
    calls = []

    def failing(a, b):  # the second rename (new -> target) fails: the target must come back
        calls.append(a)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(a, b)

    monkeypatch.setattr(library_io.os, "replace", failing)
    with pytest.raises(OSError):
        library_io.swap_folders(new, old)
    assert (old / "f").read_text() == "new"


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [('{"junk": true}', "is not a VoiceCraft voice ("), ("{nope", "is not a VoiceCraft voice ("),
     ("huge-config", "hidden_channels"), ("newer", "update VoiceCraft")],
)
def test_folder_with_bad_manifest_is_refused_before_its_weights_are_copied(
    lib: VoiceLibrary, source_voice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifest: str,
    expected: str,
) -> None:
    """The folder sibling of item 12: voice.json is checked before the (large) weights are copied."""
    import shutil as shutil_module

    folder = tmp_path / "voice"
    folder.mkdir()
    (folder / WEIGHTS_NAME).write_bytes((source_voice / WEIGHTS_NAME).read_bytes())
    data = json.loads((source_voice / MANIFEST_NAME).read_text())
    if manifest == "huge-config":
        data["config"]["model"]["hidden_channels"] = 40000
        manifest = json.dumps(data)
    elif manifest == "newer":
        data["format_version"] = 7
        manifest = json.dumps(data)
    (folder / MANIFEST_NAME).write_text(manifest)
    copied: list[str] = []
    real_copy2 = shutil_module.copy2
    monkeypatch.setattr(shutil_module, "copy2", lambda a, b, **k: copied.append(Path(a).name) or real_copy2(a, b))
    with pytest.raises(LibraryError, match=re.escape(expected)):
        lib.import_voice(folder)
    assert copied == [] and _visible(lib.root) == []
