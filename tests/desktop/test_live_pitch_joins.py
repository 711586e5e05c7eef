"""Live page at 640 ms blocks: the pitch traces of what you sing and what you hear are unbroken
at the block joins (they used to be dashed: the pitch tracker dropped ~190 ms around every join
of a block longer than its window, and marked the first frame after it unvoiced)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.desktop.test_live_page import _page_with_tiny_voice

BLOCK_MS = 640


@pytest.mark.slow
def test_pitch_traces_are_unbroken_at_640_ms_block_joins(ctx, qtbot, open_page, devices, tmp_path,
                                                          tiny_extractors):
    page, fake = _page_with_tiny_voice(ctx, open_page, tmp_path / "made", tiny_extractors, "Joins")
    page.resize(1100, 760)
    page.block_combo.setCurrentIndex(page.block_combo.findData(BLOCK_MS))
    page.start_button.click()
    qtbot.waitUntil(lambda: page.session is not None and page.session.blocks >= 5, timeout=90000)
    qtbot.waitUntil(lambda: not page.session.monitor, timeout=5000)  # the page drew every block
    qtbot.wait(2 * 33)
    page.grab().save(str(tmp_path / "live_640ms.png"))  # looked at: pytest --basetemp=DIR
    traces = {name: (view.pitch.times_s(), view.pitch.midi_values())
              for name, view in (("input", page.in_view), ("output", page.out_view))}
    page.stop_button.click()
    assert fake.streams["input"].closed and fake.streams["output"].closed

    for name, (times, _midi) in traces.items():
        assert times[-1] - times[0] > 2.5, name
        gaps = times[1:][np.diff(times) > 0.011]
        assert not len(gaps), f"{name} pitch trace has gaps before {gaps} s (block joins every {BLOCK_MS} ms)"
    times, midi = traces["input"]
    settled = times >= 0.05
    assert np.isfinite(midi[settled]).all(), f"input unvoiced at {times[settled & ~np.isfinite(midi)]} s"
    assert np.abs(midi[settled] - 57.0).max() < 0.5  # the steady A3 the fake microphone sings
