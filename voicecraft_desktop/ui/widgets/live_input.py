"""The Record page's live views: the last seconds of the input as a waveform, and its pitch with the
note being sung.

:class:`LiveInputView` draws blocks of captured samples as they arrive; the pitch comes from a
``core.live_pitch.LivePitchTracker`` the page owns (None when pitch is unavailable: the waveform
still runs). Nothing here captures audio.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from voicecraft_desktop.core.live_pitch import hz_to_midi, note_name
from voicecraft_desktop.ui.widgets.audio_views import ScrollingPitch, ScrollingWaveform

NOTE_FRAMES = 5  # the note shown is the median of the last voiced pitch frames


def note_text(midi: float) -> str:
    """``"A3"`` on the note, ``"A3 +12 ct"`` off it (cents to the nearest note)."""
    cents = int(round((midi - round(midi)) * 100))
    return f"{note_name(midi)} {cents:+d} ct" if cents else note_name(midi)


class LiveInputView(QWidget):
    """``waveform`` above a "Pitch" header with ``note_label`` and the scrolling ``pitch`` curve."""

    def __init__(self, sample_rate: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.waveform = ScrollingWaveform(sample_rate)
        self.pitch = ScrollingPitch()
        self.note_label = QLabel("")
        self.note_label.setObjectName("noteLabel")
        self.note_label.setStyleSheet("font: bold 16px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.waveform, 2)
        pitch_header = QHBoxLayout()
        pitch_header.addWidget(QLabel(self.tr("Pitch")))
        pitch_header.addStretch(1)
        pitch_header.addWidget(self.note_label)
        layout.addLayout(pitch_header)
        layout.addWidget(self.pitch, 3)

    def restart(self, sample_rate: int) -> None:
        """Empties both views for a stream at ``sample_rate``."""
        self.waveform.set_sample_rate(sample_rate)
        self.pitch.clear_signal()

    def append(self, block: np.ndarray, tracker: Any) -> None:
        """Draws a block of mono samples; with a pitch ``tracker``, its pitch and the note sung."""
        self.waveform.append(block)
        if tracker is None:
            return
        times, f0 = tracker.feed(block)
        self.pitch.append(times, f0, now_s=tracker.seconds_fed)
        voiced = f0[f0 > 0]
        if len(voiced):
            self.note_label.setText(note_text(float(hz_to_midi(float(np.median(voiced[-NOTE_FRAMES:]))))))
