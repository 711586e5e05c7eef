"""core.dataset_jobs: prepare + features as one generator (what "New voice from folder…" runs)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.features.conftest import harmonic_tone, tiny_hubert_soft, tiny_whisper  # noqa: F401  (fixtures)
from voicecraft_desktop.core.dataset_jobs import (
    DatasetJobCancelled,
    extractor_summary,
    list_datasets,
    prepare_voice_dataset,
    slug,
)


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
    # a second dataset of the same name gets its own folder
    _, again = _drain(prepare_voice_dataset(src, "Ana Voz", features=False))
    assert again.dataset_dir.name == "ana-voz-2" and len(list_datasets()) == 2


def test_missing_weights_fail_before_any_work(tmp_home, tmp_path):
    src = _folder(tmp_path)
    from models.assets import AssetError

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
