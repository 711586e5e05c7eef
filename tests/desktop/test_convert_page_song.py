"""Convert page with a song and its backing track: the cover panel's buttons and the page's shortcuts
act on the song's result, and nothing on the page acts on an earlier vocal conversion any more."""

from __future__ import annotations

from pathlib import Path

from tests.desktop.test_convert_page import FakePlayer
from tests.desktop.test_convert_page_layout import fake_take
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.pages.convert import ConvertPage


def test_a_song_has_one_row_of_listen_and_export_buttons(ctx, open_page):
    """For a song with backing, the cover panel's A/B/C and "Export mix and stems…" are the ones;
    the vocal-only A/B and Export WAV/FLAC (which act on a vocal conversion) are not shown."""
    page = open_page(ConvertPage, ctx)
    vocal_only = (page.play_a, page.play_b, page.stop_play, page.export_wav, page.export_flac)
    assert all(b.isVisible() for b in vocal_only)
    page.cover_panel.set_kind("song")
    assert not any(b.isVisible() for b in vocal_only)
    assert page.cover_panel.play_c.isVisible() and page.cover_panel.export_button.isVisible()
    page.cover_panel.set_kind("vocal")
    assert all(b.isVisible() for b in vocal_only)


def test_a_songs_result_replaces_an_earlier_vocal_conversion(ctx, open_page):
    """After a vocal conversion, a song's result (its vocal drawn in the plots) leaves nothing on the
    page acting on the earlier conversion: no A/B, no export, no pitch editing of its curve."""
    page = open_page(ConvertPage, ctx)
    earlier, song_vocal = fake_take(), fake_take()
    song_vocal.source = Path("band.wav")
    page.take = earlier  # as after a vocal conversion
    page.plots.show_take(earlier)
    page._update_buttons()
    assert page.play_b.isEnabled() and page.export_wav.isEnabled()
    page.plots.show_take(song_vocal)  # what the cover panel draws for a converted song
    assert page.take is None and page.pitch_editor.take is None
    assert not page.play_b.isEnabled() and not page.export_wav.isEnabled()
    assert "band.wav" in page.result_box.title()


def test_space_plays_and_stops_the_songs_mix(ctx, open_page, monkeypatch):
    page = open_page(ConvertPage, ctx)
    page.player = FakePlayer()
    page.cover_panel.set_kind("song")
    assert not page.toggle_playback()  # nothing converted yet: nothing to play
    played = []
    monkeypatch.setattr(
        page.cover_panel, "audio", lambda which: played.append(which) or (fake_take().source_audio, 32000)
    )
    assert page.toggle_playback() and played == ["C"] and page.player.playing  # the converted mix
    assert page.toggle_playback() and not page.player.playing  # Space again stops it
    page.cover_panel.set_kind("vocal")  # control: a vocal plays the page's B (none converted here)
    assert not page.toggle_playback() and played == ["C"]


def test_ctrl_e_exports_the_songs_mix_and_stems(ctx, open_page, monkeypatch):
    page = open_page(ConvertPage, ctx)
    titles = []
    monkeypatch.setattr(
        file_dialogs, "save_file", lambda parent, settings, title, *a, **k: titles.append(title)
    )
    page.cover_panel.set_kind("song")
    page.shortcut_export()
    assert titles == []  # nothing converted yet
    page.cover_panel.take = fake_take()  # a converted song (what its export names the file after)
    page.cover_panel.update_buttons()
    page.shortcut_export()
    assert titles == ["Export the mix and its stems"]
