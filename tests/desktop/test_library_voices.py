"""The Library page's voices without training (issue 15) through the app (pytest-qt): base singers
shown once the pretrain is present, previewed and added; an instant voice from a take that the Convert
page converts at once; the timbre mixer (live preview, save with its recipe, all-zero refused); a
retrieval index built from the app for the Convert page's Index slider; missing setup said plainly."""

from __future__ import annotations

import numpy as np
import pytest

from tests.voice_fixtures import sung_take
from voicecraft_desktop.ui.pages.library import LibraryPage

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    """Every test of this module on one torch thread."""


def _page(ctx, open_page, nt_env, overrides=None):
    ctx.settings.set("assets/overrides", {k: str(v) for k, v in (overrides or nt_env.overrides).items()})
    page = open_page(LibraryPage, ctx)
    page.voice_config = nt_env.config  # the stand-in pretrain's sizes
    page.refresh()
    return page


def _wait(qtbot, job, signal="result", timeout=240000):
    assert job is not None
    with qtbot.waitSignals([getattr(job, signal), job.finished], order="strict", timeout=timeout):
        pass


def test_base_singers_appear_with_the_pretrain_and_convert_at_once(ctx, open_page, nt_env, qtbot):
    without = {k: v for k, v in nt_env.overrides.items() if k != "sovits5-pretrain"}
    page = _page(ctx, open_page, nt_env, without)
    assert (
        page.singer_table.isHidden()
        and page.singer_note.isVisible()
        and "pretrain" in page.singer_note.text()
    )
    ctx.settings.set("assets/overrides", {k: str(v) for k, v in nt_env.overrides.items()})
    page.refresh()
    assert page.singer_table.rowCount() == 56 and not page.singer_note.isVisible()
    assert page.select_name("Base singer 02") and page.singer_add_button.isEnabled()
    _wait(qtbot, page.preview_singer(page.selected(), nt_env.files.take))
    assert page.last_preview is not None and np.isfinite(page.last_preview.audio).all()
    assert len(page.last_preview.audio) == pytest.approx(5.0 * 32000, abs=640)  # the phrase's first seconds
    _wait(qtbot, page.add_singer(page.selected()))
    entry = page.selected()
    assert entry.name == "Base singer 02" and entry.source == "base singer"
    row = [r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "Base singer 02"][0]
    assert page.table.item(row, 5).text() == "base singer 2 of the pretrain"
    assert page.table.item(row, 3).text() == "none (ready to use)"


def test_instant_voice_from_a_take_converts_on_the_convert_page(ctx, open_page, nt_env, qtbot, tmp_path):
    from voicecraft_desktop.ui.pages.convert import ConvertPage

    page = _page(ctx, open_page, nt_env)
    take = sung_take(tmp_path / "take 1.wav", seconds=4.0)
    _wait(qtbot, page.make_instant_voice([take], "Me now"))
    entry = page.selected()
    assert entry.name == "Me now" and entry.source == "instant"
    assert "instant voice" in page.table.item(page.table.currentRow(), 5).text()
    assert page.improve_button.isEnabled() and page.index_button.isEnabled()
    convert = open_page(ConvertPage, ctx)
    convert.refresh()
    assert convert.select_voice("Me now")
    convert.f0_combo.setCurrentText("dio")
    convert.set_input(take)
    job = convert.convert()
    _wait(qtbot, job)
    assert convert.take is not None and np.isfinite(convert.take.result.audio).all()
    assert not convert.index_slider.slider.isEnabled() and convert.index_slider.ratio() == 0.0
    # an index built from the app makes the Index slider usable for this voice
    _wait(qtbot, page.build_index(entry, [take]))
    convert.refresh()
    qtbot.waitUntil(lambda: convert.index_slider.slider.isEnabled(), timeout=5000)
    convert.index_slider.set_ratio(0.5)
    assert convert.options().retrieval_ratio == 0.5


def test_instant_voice_refusals_are_plain(ctx, open_page, nt_env, qtbot, tmp_path):
    page = _page(ctx, open_page, nt_env)
    short = sung_take(tmp_path / "short.wav", seconds=2.0)
    _wait(qtbot, page.make_instant_voice([short], "Short"), "failed")
    assert "short.wav is 2.0 s long" in page.error_box.text() and page.library.entries() == []
    page.error_box.close()
    no_encoder = {k: v for k, v in nt_env.overrides.items() if k != "sovits5-speaker-encoder"}
    page = _page(ctx, open_page, nt_env, no_encoder)
    _wait(qtbot, page.make_instant_voice([nt_env.files.take], "Me"), "failed")
    box = page.error_box
    assert box.findChild(type(box.defaultButton()), "openSetupButton") is not None  # offers the setup
    assert "--" not in box.text()  # no command-line flags in the app
    box.close()


def test_mixer_previews_live_and_saves_a_mix_with_its_recipe(ctx, open_page, nt_env, qtbot):
    page = _page(ctx, open_page, nt_env)
    mixer = page.open_mixer()
    qtbot.addWidget(mixer)
    mixer.phrase = nt_env.files.take
    for number in (1, 3):
        _wait(qtbot, mixer.add_singer(number))
    assert [r.ingredient.name for r in mixer.rows] == ["Base singer 01", "Base singer 03"]
    mixer.rows[0].slider.setValue(75)
    mixer.rows[1].slider.setValue(25)
    assert [r.value.text() for r in mixer.rows] == ["75 %", "25 %"]
    with qtbot.waitSignal(mixer.job_done, timeout=240000) as blocker:  # the live preview starts by itself
        mixer.rows[1].slider.sliderReleased.emit()
    assert blocker.args == ["result"] and mixer.last_preview is not None
    mixer.name_edit.setText("Blend")
    _wait(qtbot, mixer.save_mix())
    entry = page.library.resolve("Blend")
    assert entry.source == "timbre mix"
    assert [(i["name"], i["share"]) for i in entry.recipe["ingredients"]] == [
        ("Base singer 01", 0.75),
        ("Base singer 03", 0.25),
    ]
    for row in mixer.rows:
        row.slider.setValue(0)
    assert not mixer.save_button.isEnabled() and not mixer.listen_button.isEnabled()
    assert mixer.save_mix() is None and "all mix weights are zero" in mixer.status_label.text()
    mixer.close()


def test_improve_by_training_prepares_the_recordings_with_the_pretrains_encoder(
    ctx, open_page, nt_env, qtbot, tmp_path, tiny_whisper
):
    import json

    from voicecraft_desktop.core.dataset_jobs import list_datasets
    from voicecraft_desktop.core.demo_data import tiny_hubert32
    from voicecraft_desktop.core.voice_making import make_instant
    from voicecraft_desktop.ui.pages.library import F0_SETTING

    overrides = {**nt_env.overrides, "whisper-large-v2": tiny_whisper, "hubert-soft": tiny_hubert32(tmp_path)}
    page = _page(ctx, open_page, nt_env, overrides)
    ctx.settings.set_value(F0_SETTING, "dio")
    takes = [sung_take(tmp_path / f"take {i}.wav", seconds=4.0, seed=i) for i in range(2)]
    gen = make_instant(takes, "Quick me", page.library, ctx.asset_store(), config=nt_env.config)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            entry = stop.value
            break
    page.refresh()
    assert page.select_name("Quick me") and page.improve_button.isEnabled()
    _wait(qtbot, page.improve_by_training(page.selected()))
    (dataset,) = list_datasets()
    assert dataset.name == "Quick me" and dataset.has_features
    described = json.loads((dataset.folder / "features.json").read_text())
    assert described["speaker"]["name"] == "sovits5-lstm"  # the pretrain's space, ready to fine-tune it
    assert "ready to train" in page.dataset_table.item(0, 5).text()
    assert entry.recipe["recordings"] == [str(t) for t in takes]
