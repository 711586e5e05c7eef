"""A voice's retrieval indexes built from its prepared dataset's cached features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("faiss")

from models.config import VoiceConfig  # noqa: E402
from models.features.retrieval import (  # noqa: E402
    INDEX_FILES,
    IndexSpec,
    RetrievalError,
    load_voice_indexes,
    retrieve,
)
from models.formats.artifact import VoiceManifest, save_voice  # noqa: E402
from models.nets.synthesizer import SynthesizerInfer  # noqa: E402
from models.training.dataset import load_clips  # noqa: E402
from models.training.retrieval_index import build_voice_retrieval  # noqa: E402


def test_index_holds_the_datasets_50hz_rows(tiny_dataset, tmp_path) -> None:
    dataset, cache = tiny_dataset
    config = VoiceConfig.tiny()
    torch.manual_seed(0)
    manifest = VoiceManifest(
        name="Indexed", config=config, speaker=np.ones(config.model.spk_dim, np.float32) / 16
    )
    folder = save_voice(tmp_path / "voice", manifest, SynthesizerInfer(config).state_dict())
    record = build_voice_retrieval(folder, dataset, cache)
    assert record.parent == folder and all((folder / f).is_file() for f in INDEX_FILES.values())
    clips, _ = load_clips(dataset, cache, config)
    specs = {
        "ppg": IndexSpec(config.model.ppg_dim, config.content.ppg_encoder, manifest.id),
        "vec": IndexSpec(config.model.vec_dim, config.content.vec_encoder, manifest.id),
    }
    indexes = load_voice_indexes(folder, specs)
    for role in ("ppg", "vec"):
        rows = np.concatenate([getattr(c.feats, role)[::2] for c in clips])
        index = indexes[role]
        assert index.ntotal == len(rows) == sum(-(-c.frames // 2) for c in clips)
        assert np.array_equal(index.reconstruct_n(0, index.ntotal), rows)  # clip order = label order
        # a stored row comes back as itself (distance 0: no NaN)
        assert np.array_equal(retrieve(rows[5:6], index, 1.0, 3), rows[5:6])
    with pytest.raises(RetrievalError, match="another voice"):
        load_voice_indexes(folder, {r: IndexSpec(s.dim, s.encoder, "other") for r, s in specs.items()})


def test_export_to_library_adds_the_index(tiny_dataset, tmp_home, tmp_path, monkeypatch) -> None:
    """The app's and the CLI's export: the voice enters the library with its indexes, recorded with
    its library id (kept when the run's voice is updated in place); a run whose dataset is gone still
    exports (no index, retrieval off)."""
    import json

    import models.training
    from models.training.trainer import RUN_FILE, RUN_FORMAT
    from voicecraft_desktop.core import runs

    dataset, cache = tiny_dataset
    config = VoiceConfig.tiny()
    torch.manual_seed(0)
    weights = SynthesizerInfer(config).state_dict()
    run = tmp_path / "run"
    run.mkdir()
    (run / RUN_FILE).write_text(json.dumps({"format": RUN_FORMAT, "dataset_dir": str(dataset)}))

    def export_voice(run_dir, dest, name, checkpoint=None, app_version=""):  # noqa: ANN001, ANN202 - the real signature
        manifest = VoiceManifest(
            name=name,
            config=config,
            speaker=np.full(256, 1 / 16, np.float32),
            training={"steps": 10, "run_dir": str(Path(run_dir).resolve())},
        )
        return save_voice(Path(dest), manifest, weights)

    monkeypatch.setattr(models.training, "export_voice", export_voice)
    monkeypatch.setattr(runs, "read_validation_audio", lambda r: [])
    first = runs.export_to_library(run, "Ana", feature_cache=cache).entry
    again = runs.export_to_library(run, "Ana", feature_cache=cache)
    assert again.updated and again.entry.id == first.id
    specs = {
        "ppg": IndexSpec(config.model.ppg_dim, config.content.ppg_encoder, first.id),
        "vec": IndexSpec(config.model.vec_dim, config.content.vec_encoder, first.id),
    }
    assert load_voice_indexes(again.entry.folder, specs)["vec"].ntotal > 0
    gone = tmp_path / "gone"
    gone.mkdir()
    (gone / RUN_FILE).write_text(
        json.dumps({"format": RUN_FORMAT, "dataset_dir": str(tmp_path / "no-dataset")})
    )
    staged = export_voice(gone, tmp_path / "staged", "B")
    assert not runs.add_retrieval_index(gone, staged, cache, None)
    assert sorted(p.name for p in staged.iterdir()) == ["generator.safetensors", "voice.json"]
