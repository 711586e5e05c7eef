"""A voice's retrieval indexes built from its prepared dataset's cached features."""

from __future__ import annotations

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
