"""core.dataset_jobs: prepare + features as one generator (what "New voice from folder…" runs)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.features.conftest import harmonic_tone
from voicecraft_desktop.core.dataset_jobs import (
    DatasetJobCancelled,
    DatasetTargetError,
    dataset_dir_for,
    datasets_dir,
    extractor_summary,
    list_datasets,
    prepare_voice_dataset,
)
from voicecraft_desktop.core.names import slug


def _folder(root: Path) -> Path:
    src = root / "takes"
    src.mkdir()
    for i, f in enumerate([196.0, 247.0]):
        x = np.concatenate(
            [harmonic_tone(f, 3.0, 44100), np.zeros(22050, np.float32), harmonic_tone(f * 1.5, 3.0, 44100)]
        )
        sf.write(src / f"take {i}.wav", x, 44100)
    (src / "lyrics.txt").write_text("la la", encoding="utf-8")
    return src


def _drain(gen):
    items = []
    while True:
        try:
            items.append(next(gen))
        except StopIteration as stop:
            return items, stop.value


def test_prepare_voice_dataset_slices_extracts_and_lists(tmp_home, tmp_path, tiny_whisper, tiny_hubert_soft):
    src = _folder(tmp_path)
    overrides = {"whisper-large-v2": tiny_whisper, "hubert-soft": tiny_hubert_soft[0]}
    progress, result = _drain(prepare_voice_dataset(src, "Ana Voz", f0="dio", asset_overrides=overrides))
    assert [p.stage for p in progress][:3] == ["slicing"] * 3
    assert progress[-1].stage == "features" and progress[-1].fraction == pytest.approx(1.0)
    assert all(a.fraction <= b.fraction for a, b in zip(progress, progress[1:]))
    assert (
        result.dataset_dir.parent.name == "datasets"
        and result.dataset_dir.name == slug("Ana Voz") == "ana-voz"
    )
    assert len(result.report.clips) >= 2
    assert any(r.source == "lyrics.txt" for r in result.report.rejected)
    assert np.load(result.dataset_dir / "speaker.npy").shape == (256,)
    assert extractor_summary(result.features) == "dio + whisper-large-v2 + hubert-soft"
    (info,) = list_datasets()
    assert info.name == "Ana Voz" and info.has_features and info.clips == len(result.report.clips)
    # preparing the same name again replaces that dataset: one name, one folder (issue 20.2)
    _, again = _drain(prepare_voice_dataset(src, "Ana Voz", features=False))
    assert again.dataset_dir == result.dataset_dir == dataset_dir_for("Ana Voz")
    (info,) = list_datasets()
    assert not info.has_features  # the new dataset, not a mix of the two


def test_missing_weights_fail_before_any_work(tmp_home, tmp_path):
    src = _folder(tmp_path)
    from models.formats.assets import AssetError

    with pytest.raises(AssetError, match="not available"):
        next(prepare_voice_dataset(src, "v"))
    assert not (tmp_home / "data" / "datasets").exists()


def test_cancel_stops_and_leaves_no_dataset(tmp_home, tmp_path):
    src = _folder(tmp_path)
    cancel = threading.Event()
    gen = prepare_voice_dataset(src, "v", features=False, cancel=cancel)
    next(gen)
    cancel.set()
    with pytest.raises(DatasetJobCancelled):
        _drain(gen)
    assert list_datasets() == []


# ---------------------------------------------------------------- issue 20.2: one name -> one dataset


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
        for p in sorted(folder.rglob("*"))
    }


def _other_folder(root: Path) -> Path:
    src = root / "new takes"
    src.mkdir()
    sf.write(src / "new.wav", harmonic_tone(330.0, 4.0, 32000), 32000)
    return src


def test_reprepare_replaces_the_dataset_that_train_reads(tmp_home, tmp_path):
    _drain(prepare_voice_dataset(_folder(tmp_path), "Ana", features=False))
    _, result = _drain(prepare_voice_dataset(_other_folder(tmp_path), "Ana", features=False))
    assert result.dataset_dir == dataset_dir_for("Ana") == datasets_dir() / "ana"
    (info,) = list_datasets()
    assert info.folder == dataset_dir_for("Ana") and info.clips == len(result.report.clips) == 1
    assert [c.source for c in result.report.clips] == ["new.wav"]
    assert sorted(p.name for p in datasets_dir().iterdir()) == ["ana"]  # no -2, no staging left


def test_failed_prepare_leaves_nothing_and_keeps_the_old_dataset(tmp_home, tmp_path):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_text("x", encoding="utf-8")
    _, result = _drain(prepare_voice_dataset(junk, "Ana", features=False))
    assert not result.report.usable and list_datasets() == []
    assert not datasets_dir().exists() or not list(datasets_dir().iterdir())
    _drain(prepare_voice_dataset(_folder(tmp_path), "Ana", features=False))
    before = _tree(dataset_dir_for("Ana"))
    _drain(prepare_voice_dataset(junk, "Ana", features=False))
    assert _tree(dataset_dir_for("Ana")) == before
    assert sorted(p.name for p in datasets_dir().iterdir()) == ["ana"]


def test_failure_during_features_keeps_the_old_dataset(tmp_home, tmp_path, tiny_whisper, tiny_hubert_soft):
    """The new clips only replace the old dataset once their features exist too."""
    _drain(prepare_voice_dataset(_folder(tmp_path), "Ana", features=False))
    before = _tree(dataset_dir_for("Ana"))
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a checkpoint")
    overrides = {"whisper-large-v2": broken, "hubert-soft": tiny_hubert_soft[0]}
    with pytest.raises(Exception):  # noqa: B017  (the encoder's own load error)
        _drain(prepare_voice_dataset(_other_folder(tmp_path), "Ana", f0="dio", asset_overrides=overrides))
    assert _tree(dataset_dir_for("Ana")) == before
    assert sorted(p.name for p in datasets_dir().iterdir()) == ["ana"]


def test_cancel_during_features_keeps_the_old_dataset(tmp_home, tmp_path, tiny_whisper, tiny_hubert_soft):
    _drain(prepare_voice_dataset(_folder(tmp_path), "Ana", features=False))
    before = _tree(dataset_dir_for("Ana"))
    overrides = {"whisper-large-v2": tiny_whisper, "hubert-soft": tiny_hubert_soft[0]}
    cancel = threading.Event()
    (tmp_path / "x").mkdir()
    gen = prepare_voice_dataset(
        _folder(tmp_path / "x"), "Ana", f0="dio", asset_overrides=overrides, cancel=cancel
    )
    while next(gen).stage != "features":
        pass
    cancel.set()
    with pytest.raises(DatasetJobCancelled):
        _drain(gen)
    assert _tree(dataset_dir_for("Ana")) == before
    assert sorted(p.name for p in datasets_dir().iterdir()) == ["ana"]


def test_another_voice_with_the_same_folder_name_is_refused(tmp_home, tmp_path):
    _drain(prepare_voice_dataset(_folder(tmp_path), "Ana Voz", features=False))
    before = _tree(dataset_dir_for("Ana Voz"))
    assert dataset_dir_for("ana voz!") == dataset_dir_for("Ana Voz")
    with pytest.raises(DatasetTargetError, match="Ana Voz"):
        _drain(prepare_voice_dataset(_other_folder(tmp_path), "ana voz!", features=False))
    assert _tree(dataset_dir_for("Ana Voz")) == before
    # the same name in another case is the same voice: replaced
    (tmp_path / "y").mkdir()
    _, result = _drain(prepare_voice_dataset(_other_folder(tmp_path / "y"), "ANA VOZ", features=False))
    assert result.dataset_dir == dataset_dir_for("Ana Voz") and list_datasets()[0].name == "ANA VOZ"


def test_out_folder_that_is_not_a_dataset_is_refused(tmp_home, tmp_path):
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "lyrics.txt").write_text("la", encoding="utf-8")
    before = _tree(out)
    with pytest.raises(DatasetTargetError, match="not a VoiceCraft dataset"):
        _drain(prepare_voice_dataset(_folder(tmp_path), "v", out=out, features=False, overwrite=True))
    assert _tree(out) == before


def test_stale_staging_of_a_killed_prepare_is_cleaned(tmp_home, tmp_path):
    """A prepare killed with -9 leaves its hidden staging folder; the next prepare of that voice clears it."""
    datasets_dir().mkdir(parents=True)
    dead = datasets_dir() / ".ana.partial-999999999-deadbeef"
    (dead / "clips").mkdir(parents=True)
    mine = datasets_dir() / ".notes"
    mine.mkdir()
    _drain(prepare_voice_dataset(_folder(tmp_path), "Ana", features=False))
    assert sorted(p.name for p in datasets_dir().iterdir()) == [".notes", "ana"]


def test_new_voice_from_its_own_dataset_folder_is_refused(tmp_home, tmp_path):
    """The app's "New voice from folder" pointed at the voice's own clips: refused, nothing erased."""
    _drain(prepare_voice_dataset(_folder(tmp_path), "Ana", features=False))
    before = _tree(dataset_dir_for("Ana"))
    with pytest.raises(DatasetTargetError, match="would erase the recordings"):
        _drain(prepare_voice_dataset(dataset_dir_for("Ana") / "clips", "Ana", features=False))
    assert _tree(dataset_dir_for("Ana")) == before
