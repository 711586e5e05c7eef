"""The streaming converter's committed input F0 at block joins (Live page, 640 ms blocks): a steady
sung tone stays voiced across every join, every 10 ms frame committed exactly once. This is what
the voice is synthesised from; an unvoiced frame at each join would be heard as a click or a
breath every block. (The dashed pitch trace the Live page used to draw was the page's own pitch
tracker, not this: see tests/core/test_live_pitch_blocks.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from models.convert.stream import StreamingConverter, StreamOptions, stream_wave
from tests.convert.conftest import make_voice
from tests.desktop.fake_audio import harmonic_tone

SECONDS = 3.2


def unvoiced_at_joins(blocks, block_frames: int, tone_frames: int) -> list[int]:
    """Checks the committed F0 is one contiguous run; returns the frames of the tone (after its
    first 50 ms) that were committed unvoiced."""
    f0 = np.concatenate([b.f0_in for b in blocks])
    assert len(f0) >= tone_frames, "every frame of the tone is committed"
    assert sum(len(b.f0_in) == block_frames for b in blocks[2:-2]) == len(blocks[2:-2]), "one block of frames per block"
    return [int(i) for i in np.flatnonzero(f0[5:tone_frames] <= 0) + 5]


@pytest.mark.parametrize("context_s", [1.0, 0.0])
def test_committed_f0_of_a_steady_tone_is_voiced_across_640_ms_joins(tmp_path, tiny_extractors, context_s):
    from models.convert.converter import VoiceConverter

    voice = make_voice(tmp_path / "v")
    stream = StreamingConverter(VoiceConverter(voice, tiny_extractors),
                                StreamOptions(block_s=0.64, context_s=context_s))
    wave = harmonic_tone(np.full(int(16000 * SECONDS), 220.0), 16000)
    blocks = stream_wave(stream, wave)
    tone_frames = int(SECONDS * 100) - 5  # the tone's last frames meet the silence after it
    assert unvoiced_at_joins(blocks, 64, tone_frames) == []
    f0 = np.concatenate([b.f0_in for b in blocks])[5:tone_frames]
    assert np.abs(12 * np.log2(f0 / 220.0)).max() < 0.5
    # control: the check sees a frame dropped to unvoiced at each join
    for b in blocks[1:]:
        if len(b.f0_in):
            b.f0_in[0] = 0.0
    assert len(unvoiced_at_joins(blocks, 64, tone_frames)) >= 3
