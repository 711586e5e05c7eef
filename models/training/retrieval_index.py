"""A voice's retrieval indexes from the dataset it was trained on (:mod:`models.features.retrieval`).

As the reference's ``svc_train_retrieval.py``: every clip's content features at the encoders' own
20 ms frames (un-repeated), concatenated in clip order, one index per role (PPG and units). The
features come from the feature cache the dataset was prepared into (no encoder runs here); the
aligned 100 Hz rows are the 50 Hz rows repeated ``content_repeat`` times, so every
``content_repeat``-th row is taken back.
"""

from __future__ import annotations

from pathlib import Path

from models.features.retrieval import IndexSpec, write_voice_indexes
from models.formats.artifact import read_manifest
from models.training.dataset import load_clips


def _encoder_name(manifest, role: str) -> str:  # noqa: ANN001
    """The encoder the converter will check the index against: the manifest's record when it names
    a known encoder, else the config's (the rule of ``models.convert.extractors.voice_encoder_names``)."""
    from models.features.content import ENCODERS

    cfg = manifest.config.content
    recorded = (manifest.content_encoders.get(role) or {}).get("name")
    if isinstance(recorded, str) and recorded in ENCODERS:
        return recorded
    return str(cfg.ppg_encoder if role == "ppg" else cfg.vec_encoder)


def build_voice_retrieval(
    voice_dir: str | Path, dataset_dir: str | Path, feature_cache: str | Path, voice_id: str | None = None
) -> Path:
    """Builds and writes the retrieval indexes of the voice at ``voice_dir`` from its dataset.

    Args:
        voice_dir: the voice folder (its ``voice.json`` gives the config, encoders and id).
        dataset_dir: the prepared dataset the voice was trained on.
        feature_cache: the feature cache the dataset was prepared into.
        voice_id: the id the voice will have where it is used (default: its manifest's); a voice
            staged to replace a library voice takes that voice's id.

    Returns:
        The path of the written record (``retrieval.json`` in the voice folder).

    Raises:
        models.training.dataset.DatasetError: the dataset or its cached features are unusable or of
            other widths than the voice's.
        models.features.retrieval.RetrievalError: no rows to index.
    """
    manifest = read_manifest(voice_dir)
    config = manifest.config
    clips, _ = load_clips(dataset_dir, feature_cache, config)
    repeat = max(1, int(config.audio.content_repeat))
    features = {role: [getattr(c.feats, role)[::repeat] for c in clips] for role in ("ppg", "vec")}
    model = config.model
    dims = {"ppg": int(model.ppg_dim), "vec": int(model.vec_dim)}
    specs = {
        role: IndexSpec(dims[role], _encoder_name(manifest, role), str(voice_id or manifest.id))
        for role in dims
    }
    return write_voice_indexes(voice_dir, features, specs)
