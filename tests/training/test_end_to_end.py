"""Recordings -> ``voicecraft prepare`` -> ``voicecraft train`` -> library -> conversion, on CPU.

Real code all the way: the tiny Whisper and HuBERT files are in the published formats and go through
the same loaders, feature cache and commands as the real ones; only their size is toy.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import soundfile as sf

from models.convert.converter import VoiceConverter
from models.convert.extractors import Extractors
from models.convert.options import ConvertOptions, run_to_end
from models.features.content import load_encoder
from models.features.pitch import create_pitch_extractor
from models.formats.tiny_assets import write_tiny_hubert_folder, write_tiny_whisper
from voicecraft_desktop import cli
from voicecraft_desktop.core.library import VoiceLibrary

from .conftest import sung_phrase

pytestmark = pytest.mark.slow


def test_prepare_train_convert(tmp_home, tmp_path, capsys):
    whisper = write_tiny_whisper(tmp_path / "tiny-whisper.pt")
    hubert = write_tiny_hubert_folder(tmp_path / "tiny-hubert")
    takes = tmp_path / "takes"
    takes.mkdir()
    for i, f0 in enumerate([180.0, 220.0, 260.0, 200.0, 240.0]):
        sf.write(takes / f"take {i}.wav", sung_phrase(f0, 2.5, rate=44100), 44100)
    assets = ["--asset", f"whisper-large-v2={whisper}", "--asset", f"hubert-transformers={hubert}"]
    code = cli.main(["prepare", str(takes), "--voice", "End To End", "--f0", "dio", "--offline",
                     "--content", "whisper-large-v2,hubert-transformers", *assets])
    assert code == 0, capsys.readouterr().err
    code = cli.main(["train", "--voice", "End To End", "--preset", "tiny", "--steps", "3", "--device", "cpu"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "model inputs sized to the dataset's features" in err and "voice: End To End" in out

    voice = VoiceLibrary().load("End To End")
    assert voice.manifest.training["steps"] == 3 and voice.manifest.f0_stats is not None
    assert voice.config.content.vec_encoder == "hubert-transformers"
    extractors = Extractors(pitch=create_pitch_extractor("dio"),
                            ppg=load_encoder("whisper-large-v2", whisper, "cpu"),
                            vec=load_encoder("hubert-transformers", hubert, "cpu"))
    converter = VoiceConverter(voice, extractors, device="cpu")
    result = run_to_end(converter.convert(sung_phrase(200.0, 2.0, rate=22050), 22050,
                                          ConvertOptions(report=False)))
    assert result.audio.shape == (64000,) and np.all(np.isfinite(result.audio))
    assert math.isfinite(float(np.abs(result.audio).max())) and np.abs(result.audio).max() > 1e-4
