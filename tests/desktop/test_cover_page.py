"""Convert page, "Song with backing track": separate and preview, convert, A/B/C playback, mix levels,
export of the mix and its stems, folder batch of songs (demucs' HTDemucs with random weights)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf

from tests.desktop.test_convert_page import FakePlayer
from tests.desktop.voices import make_voice, tiny_hubert32
from tests.features.conftest import harmonic_tone
from tests.features.demucs_tiny import tiny_demucs_file
from voicecraft_desktop.core import paths
from voicecraft_desktop.ui.pages.convert import ConvertPage


@pytest.fixture
def song(tmp_path):
    path = tmp_path / "band song.wav"
    f0 = np.linspace(196.0, 262.0, 44100 * 2)
    voice = harmonic_tone(f0, 2.0, 44100)
    t = np.arange(len(voice)) / 44100
    band = 0.1 * np.sin(2 * np.pi * 110 * t)
    sf.write(path, np.stack([voice + band, voice - band], axis=1).astype(np.float32), 44100)
    return path


@pytest.fixture
def ready(ctx, tmp_path, tiny_whisper):
    make_voice(paths.voices_dir(), "Alice")
    ctx.settings.set(
        "assets/overrides",
        {
            "whisper-large-v2": str(tiny_whisper),
            "hubert-soft": str(tiny_hubert32(tmp_path)),
            "demucs-htdemucs": str(tiny_demucs_file(tmp_path / "demucs")),
        },
    )
    ctx.events.voices_changed.emit()
    return ctx


@pytest.fixture
def page(ctx, open_page):
    return open_page(ConvertPage, ctx)


def finish(qtbot, job, timeout=180000):
    assert job is not None
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=timeout):
        pass


def test_song_kind_separates_converts_plays_abc_and_exports(page, ready, qtbot, song, tmp_path):
    panel = page.cover_panel
    assert not panel.song_box.isVisibleTo(page)
    panel.set_kind("song")
    assert panel.song_box.isVisibleTo(page) and not panel.play_vocal.isEnabled()
    page.set_input(song)
    page.f0_combo.setCurrentText("dio")
    page.player = fake = FakePlayer()

    finish(qtbot, panel.separate())
    assert panel.stems is not None and panel.stems.vocal.shape == (88200, 2)
    assert "listen to the vocal and the backing" in page.status_label.text()
    assert panel.play("vocal") and fake.calls[-1] == ("play", 88200, 44100)
    panel.stop()

    separated = panel.stems
    finish(qtbot, page.convert())  # the page's Convert hands a song to the panel
    take = panel.take
    assert take is not None and take.stems is separated  # the separation above was used
    assert take.result.vocal.shape == (88200,) and take.result.backing.shape == (88200, 2)
    assert (
        "Compare A/B/C" in page.status_label.text()
        and "song with backing track" in page.report_view.toPlainText()
    )
    for which in ("A", "B", "C"):
        assert panel.play(which)
    assert [c[0] for c in fake.calls[-3:]] == ["play", "swap", "swap"]
    loud = np.abs(panel.mix()).max()
    panel.backing_slider.setValue(-60)  # backing silent: the mix C plays is the vocal alone
    assert panel.backing_value.text() == "silent" and fake.calls[-1][0] == "swap"
    assert np.allclose(panel.mix()[:, 0], take.result.vocal, atol=1e-6) and np.abs(panel.mix()).max() != loud
    panel.stop()

    (tmp_path / "out").mkdir()
    finish(qtbot, panel.export(tmp_path / "out" / "cover", "flac", "24"))
    names = sorted(os.listdir(tmp_path / "out"))
    assert names == ["cover backing.flac", "cover vocal.flac", "cover.flac"]
    assert sf.info(tmp_path / "out" / "cover.flac").samplerate == 44100
    assert "Exported cover.flac" in page.status_label.text()

    page.set_input(tmp_path / "another.wav")  # another input: the song's results are gone
    assert panel.take is None and panel.stems is None and not panel.play_c.isEnabled()
    page.set_input(song)  # the same song again: its separation comes from the cache
    finish(qtbot, page.convert())
    assert panel.take.stems.cached and np.array_equal(panel.take.stems.vocal, separated.vocal)


def test_folder_batch_of_songs_writes_mix_and_stems(page, ready, qtbot, song, tmp_path):
    folder = tmp_path / "songs"
    folder.mkdir()
    song.rename(folder / song.name)
    (folder / "notes.txt").write_text("not audio")
    page.cover_panel.set_kind("song")
    page.f0_combo.setCurrentText("dio")
    finish(qtbot, page.convert_batch(folder, tmp_path / "out", "wav"))
    report = page.report_view.toPlainText()
    assert "1 converted, 1 failed" in report and "notes.txt" in report
    assert sorted(os.listdir(tmp_path / "out")) == [
        "band song (Alice) backing.wav",
        "band song (Alice) vocal.wav",
        "band song (Alice).wav",
    ]


def test_separation_model_missing_says_what_to_do(page, ctx, qtbot, song, tmp_path, tiny_whisper):
    make_voice(paths.voices_dir(), "Alice")
    ctx.events.voices_changed.emit()
    page.cover_panel.set_kind("song")
    page.set_input(song)
    job = page.cover_panel.separate()
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=60000):
        pass
    text = page.status_label.text()
    assert "Separate band song.wav failed" in text and "--" not in text
    page.error_box.close()


def test_cancel_separation_writes_nothing(page, ready, qtbot, song):
    page.cover_panel.set_kind("song")
    page.set_input(song)
    job = page.cover_panel.separate()
    page.cancel_job()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=120000):
        pass
    assert page.status_label.text() == page.CANCELLED_TEXT and page.cover_panel.stems is None
    cache = paths.cache_dir() / "separation"
    assert not cache.exists() or list(cache.iterdir()) == []
