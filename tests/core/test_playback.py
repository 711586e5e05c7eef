"""core.playback.Player: the callback copies the buffer, A/B swap keeps the position, no device is a clear error."""

from __future__ import annotations

import numpy as np
import pytest
import sounddevice

from voicecraft_desktop.core.playback import PlaybackError, Player


class FakeStream:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.started = self.closed = False

    def start(self):
        self.started = True

    def abort(self):
        pass

    def close(self):
        self.closed = True

    def pull(self, frames):
        out = np.full((frames, 1), 9.0, np.float32)
        try:
            self.kwargs["callback"](out, frames, None, None)
        except sounddevice.CallbackStop:
            self.kwargs["finished_callback"]()
        return out[:, 0]


def _player():
    streams = []

    def factory(**kw):
        streams.append(FakeStream(**kw))
        return streams[-1]

    return Player(stream_factory=factory), streams


def test_plays_the_buffer_then_stops():
    player, streams = _player()
    wave = np.linspace(-1, 1, 250, dtype=np.float32)
    player.play(wave, 1000)
    assert streams[0].started and streams[0].kwargs["samplerate"] == 1000 and player.playing
    got = np.concatenate([streams[0].pull(100) for _ in range(3)])
    np.testing.assert_array_equal(got[:250], wave)
    assert np.all(got[250:] == 0.0)  # silence after the end, not stale data
    assert not player.playing and player.position_s == pytest.approx(0.25)


def test_swap_keeps_position_for_ab():
    player, streams = _player()
    a, b = np.zeros(1000, np.float32), np.ones(1000, np.float32) * 0.5
    player.play(a, 1000)
    streams[0].pull(300)
    player.swap(b, 1000)
    assert len(streams) == 1  # same stream, new buffer
    np.testing.assert_array_equal(streams[0].pull(10), b[300:310])
    assert player.position_s == pytest.approx(0.31)
    player.stop()
    assert streams[0].closed and not player.playing


def test_start_offset_and_clipping():
    player, streams = _player()
    player.play(np.full(100, 3.0, np.float32), 100, start_s=0.5)
    out = streams[0].pull(60)
    assert np.all(out[:50] == 1.0) and np.all(out[50:] == 0.0)


def test_no_device_is_a_playback_error():
    def broken(**kw):
        raise sounddevice.PortAudioError("Error querying device -1")

    with pytest.raises(PlaybackError, match="output device"):
        Player(stream_factory=broken).play(np.zeros(10, np.float32), 16000)
