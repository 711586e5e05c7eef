"""End-to-end deterministic conversion equals the reference's ``infer_audio_deterministic``.

Each reference vector's generator is imported as a user would import a so-vits-svc-5.0 voice
(``import_reference_file`` + ``voice_from_reference`` + the artifact round trip), and the
converter's own synthesis path (:meth:`VoiceConverter.synthesize`, unchunked, noise off) is fed
the vector's PPG, units and F0 at the model's frame rate.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from models.convert.converter import VoiceConverter
from models.convert.extractors import Extractors
from models.convert.options import ConvertOptions, run_to_end
from models.formats.artifact import load_voice, save_voice, voice_from_reference
from models.formats.reference_import import config_from_reference, import_reference_file

TOLERANCE = 1e-4


class _Stub:
    """Stands in for an extractor whose output the vector supplies (only name/dim are checked)."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim


def _vectors(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pt"))


def _converted(path: Path, tmp_path: Path, chunk_s: float) -> tuple[np.ndarray, np.ndarray]:
    data = torch.load(path, map_location="cpu", weights_only=True)
    config = config_from_reference(json.loads(data["config_json"]))
    inp, exp = data["inputs"], data["expected"]
    tmp_path.mkdir(parents=True, exist_ok=True)
    npy = tmp_path / "singer.npy"
    np.save(npy, inp["spk"][0].numpy().astype(np.float32), allow_pickle=False)
    imported = import_reference_file(path, speaker_npy=npy, config=config)
    manifest, weights = voice_from_reference(imported, "reference")
    voice = load_voice(save_voice(tmp_path / "voice", manifest, weights))
    from models.features.pitch import create_pitch_extractor

    extractors = Extractors(
        pitch=create_pitch_extractor("dio"),
        ppg=_Stub(config.content.ppg_encoder, config.model.ppg_dim),
        vec=_Stub(config.content.vec_encoder, config.model.vec_dim),
    )
    converter = VoiceConverter(voice, extractors)
    ppg, vec = inp["ppg"][0].numpy(), inp["vec"][0].numpy()
    f0 = inp["f0_hz"][0].numpy()
    options = ConvertOptions(deterministic=True, chunk_s=chunk_s, report=False)
    audio = run_to_end(converter.synthesize(ppg, vec, f0, options, repeat=1))
    return np.asarray(audio), exp["infer_audio_deterministic"].reshape(-1).double().numpy()


def test_deterministic_conversion_matches_reference(reference_vectors: Path, tmp_path: Path) -> None:
    files = _vectors(reference_vectors)
    assert files, f"no *.pt vectors in {reference_vectors}"
    for path in files:
        ours, want = _converted(path, tmp_path / path.stem, chunk_s=0)
        assert ours.shape == want.shape
        err = float(np.max(np.abs(ours - want)))
        assert err <= TOLERANCE, f"{path.name}: max abs error {err:.3e} > {TOLERANCE}"


def test_conversion_path_adds_nothing_to_the_bare_model(reference_vectors: Path, tmp_path: Path) -> None:
    """The converter (artifact round trip, speaker .npy, synthesis path) equals the bare model to 1e-6.

    So a difference from the reference could only come from the model itself, which
    tests/models/test_reference_vectors.py pins down stage by stage.
    """
    for path in _vectors(reference_vectors):
        data = torch.load(path, map_location="cpu", weights_only=True)
        config = config_from_reference(json.loads(data["config_json"]))
        imported = import_reference_file(path, config=config)
        gen = imported.generator.eval()
        inp = data["inputs"]
        with torch.no_grad():
            prior = gen.enc_p(
                inp["ppg"].transpose(1, 2), inp["vec"].transpose(1, 2), inp["f0_hz"], inp["lengths"]
            )
            z, _ = gen.flow(prior.mean * prior.mask, prior.mask, inp["spk"], reverse=True)
            bare = gen.dec.synthesize(
                z * prior.mask, inp["spk"], gen.dec.source(inp["f0_hz"], deterministic=True)
            )
        ours, want = _converted(path, tmp_path / path.stem, chunk_s=0)
        assert np.max(np.abs(ours - bare.reshape(-1).numpy())) <= 1e-6
