"""The quality report measures what it claims: pitch error in cents, voicing agreement, similarity."""

from __future__ import annotations

import numpy as np
import pytest

from models.convert.converter import VoiceConverter
from models.convert.options import ConvertOptions, ConvertResult, run_to_end
from models.convert.report import f0_error_cents, quality_report
from models.features.audio import resample
from models.features.pitch import create_pitch_extractor


def test_f0_error_cents_counts_only_frames_voiced_in_both() -> None:
    cents, both = f0_error_cents(np.array([100.0, 200.0, 0.0, 400.0]), np.array([200.0, 200.0, 300.0, 0.0]))
    np.testing.assert_allclose(cents, [1200.0, 0.0])
    assert both.tolist() == [True, True, False, False]


def _fake_result(wave16: np.ndarray, intended: np.ndarray, source: np.ndarray) -> ConvertResult:
    return ConvertResult(
        audio=resample(wave16, 16000, 32000),
        sample_rate=32000,
        source_f0=source,
        target_f0=intended,
        intended_f0=intended,
        key=0.0,
    )


def test_report_of_a_perfect_and_an_octave_off_output(tiny_voice, helpers) -> None:
    """Output = source: ~0 cents, full voicing agreement, similarity to source ~1; intended one
    octave up: ~1200 cents."""
    from models.features.speaker import SpeakerEncoder

    pitch = create_pitch_extractor("dio")
    wave16 = helpers.sung_phrases(4.0, 16000, seed=2)
    f0 = pitch.extract(wave16).f0_hz
    speaker = SpeakerEncoder()
    perfect = quality_report(_fake_result(wave16, f0, f0), wave16, 16000, pitch, speaker, tiny_voice.manifest)
    assert perfect.f0_median_cents is not None and perfect.f0_median_cents < 20
    assert perfect.f0_within_50_cents > 0.9 and perfect.voicing_agreement > 0.9
    assert perfect.similarity_to_source == pytest.approx(1.0, abs=1e-3)
    assert perfect.similarity_to_voice is not None and -1 <= perfect.similarity_to_voice <= 1
    octave = quality_report(_fake_result(wave16, 2 * f0, f0), wave16, 16000, pitch, None, tiny_voice.manifest)
    assert octave.f0_median_cents == pytest.approx(1200, abs=30) and octave.f0_within_50_cents < 0.1
    assert octave.similarity_to_source is None and "no speaker encoder" in octave.summary()


def test_conversion_attaches_a_report(tiny_voice, tiny_extractors, helpers) -> None:
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    result = run_to_end(
        conv.convert(helpers.sung_phrases(2.0, 16000), 16000, ConvertOptions(deterministic=True))
    )
    report = result.report
    assert report is not None and 0.0 <= report.voicing_agreement <= 1.0
    assert set(report.to_dict()) >= {
        "f0_median_cents",
        "voicing_agreement",
        "similarity_to_voice",
        "similarity_to_source",
    }
    assert "pitch error" in report.summary()
