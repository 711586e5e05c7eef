"""Convert page layout (seen in screenshots): the A/B plots keep a readable height when Advanced opens
(the page scrolls instead), their legends sit outside the curve area (never over a curve, never cut
off), and both plots put the same time at the same x so the playheads line up."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsTextItem

from voicecraft_desktop.ui.pages.convert import ConvertPage
from voicecraft_desktop.ui.widgets.comparison_plots import (
    PITCH_MIN_HEIGHT,
    WAVE_MIN_HEIGHT,
    ComparisonPlots,
)

PAGE_AT_MIN_WINDOW = (985, 664)  # the page's room in the smallest main window (1135 x 705)


def fake_take(seconds: float = 3.0, rate: int = 32000) -> SimpleNamespace:
    """What ``ComparisonPlots.show_take`` draws: a loud source, a result, pitch curves filling the
    whole time range and the whole pitch range (so any legend inside the plot area covers a curve)."""
    n = int(seconds * rate)
    wave = (0.9 * np.sin(np.arange(n) / 9.0)).astype(np.float32)
    frames = int(seconds * 100)
    f0 = 220.0 * 2 ** (np.sin(np.linspace(0, 12 * np.pi, frames)) * 3 / 12)  # A3 ± 3 semitones
    result = SimpleNamespace(sample_rate=rate, audio=0.5 * wave, intended_f0=f0, key=2.0)
    return SimpleNamespace(
        result=result, source_audio=wave, output_f0=f0 * 1.01, source=Path("my song.wav"), voice="Alice"
    )


def _viewport_rect(plot, scene_rect) -> QRect:
    return plot.mapFromScene(scene_rect).boundingRect()


def legend_rects(plot, curve) -> list[QRect]:
    """The visible texts of ``plot`` that name ``curve`` and show its colour, in the plot's pixels."""
    name, colour = curve.name(), curve.opts["pen"].color().name()
    rects = []
    for item in plot.scene().items():
        if not isinstance(item, QGraphicsTextItem) or not item.isVisible() or name not in item.toPlainText():
            continue
        html = item.toHtml().lower()
        sample = next((i for i in plot.scene().items() if getattr(i, "item", None) is curve), None)
        if colour in html or sample is not None:  # a coloured text, or a pyqtgraph legend sample
            rects.append(_viewport_rect(plot, item.sceneBoundingRect()))
    return rects


def _check_legends(plots: ComparisonPlots) -> None:
    for plot, curves in (
        (plots.wave_plot, (plots.source_wave, plots.result_wave)),
        (plots.pitch_plot, (plots.source_pitch, plots.result_pitch)),
    ):
        curve_area = _viewport_rect(plot, plot.getViewBox().sceneBoundingRect())
        inside = plot.viewport().rect()
        for curve in curves:
            rects = legend_rects(plot, curve)
            assert rects, f"{plot.objectName()}: nothing names {curve.name()!r} in its colour"
            for rect in rects:
                assert inside.contains(rect), f"{curve.name()!r} cut off: {rect} outside {inside}"
                assert not rect.intersects(curve_area), f"{curve.name()!r} over the curves: {rect}"


@pytest.mark.parametrize("size", [(760, 500), (620, 320)])
def test_legends_are_outside_the_curve_area_and_never_cut_off(qtbot, size):
    plots = ComparisonPlots()
    qtbot.addWidget(plots)
    plots.resize(*size)
    plots.show()
    plots.show_take(fake_take())
    qtbot.wait(50)
    _check_legends(plots)


def drawn_note_names(plot) -> list[str]:
    """The note names the pitch plot's axis draws now; none overlaps another."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = plot.getAxis("left").generateDrawSpecs(painter)
    finally:
        painter.end()
    rects = [rect for rect, _flags, _text in texts]
    overlapping = [(a, b) for i, a in enumerate(rects) for b in rects[i + 1 :] if a.intersects(b)]
    assert not overlapping, [text for _rect, _flags, text in texts]
    return [text for _rect, _flags, text in texts]


@pytest.mark.parametrize("height", [320, 1000])
def test_a_short_pitch_plot_still_names_several_notes(qtbot, height):
    plots = ComparisonPlots()
    qtbot.addWidget(plots)
    plots.resize(620, height)
    plots.show()
    plots.show_take(fake_take())  # E3..D4 in view (F#3..C4 sung)
    qtbot.wait(50)
    names = drawn_note_names(plots.pitch_plot)
    (y0, y1) = plots.pitch_plot.getViewBox().viewRange()[1]
    if height == 1000:  # room for every semitone: each is named (as before)
        assert len(names) == len(set(names)) == int(np.floor(y1)) - int(np.ceil(y0)) + 1, names
    else:  # 190 px: C, E, G, then D and A named, none over another (only C4 was, before)
        assert plots.pitch_plot.height() == PITCH_MIN_HEIGHT
        assert len(names) == len(set(names)) >= 4 and "C4" in names, names
        # control: names a semitone apart in one level (B3 under C4, E3 under F3) are caught overlapping
        axis = plots.pitch_plot.getAxis("left")
        axis.tickValues = lambda lo, hi, size: [(1, [m for m in range(int(lo), int(hi) + 1) if m % 12 != 1])]
        axis.picture = None
        with pytest.raises(AssertionError):
            drawn_note_names(plots.pitch_plot)


def test_both_plots_put_the_same_time_at_the_same_x(qtbot):
    plots = ComparisonPlots()
    qtbot.addWidget(plots)
    plots.resize(700, 500)
    plots.show()
    plots.show_take(fake_take())
    qtbot.wait(50)
    lefts = []
    for plot in (plots.wave_plot, plots.pitch_plot):
        vb = plot.getViewBox()
        x0 = plot.mapToGlobal(QPoint(0, 0)).x()
        area = _viewport_rect(plot, vb.sceneBoundingRect())
        one_s = plot.mapFromScene(vb.mapViewToScene(QPointF(1.0, 0.0))).x()
        lefts.append((x0 + area.left(), x0 + area.right(), x0 + one_s))
    (a0, a1, a_one), (b0, b1, b_one) = lefts
    assert abs(a0 - b0) <= 1 and abs(a1 - b1) <= 1 and abs(a_one - b_one) <= 1, lefts


def test_plots_keep_their_height_when_advanced_opens_and_the_page_scrolls(ctx, open_page, qtbot):
    page = open_page(ConvertPage, ctx)
    page.resize(*PAGE_AT_MIN_WINDOW)
    page.plots.show_take(fake_take())
    for advanced in (False, True):
        page.advanced_button.setChecked(advanced)
        qtbot.wait(50)
        assert page.advanced_box.isVisible() == advanced
        assert page.plots.wave_plot.height() >= WAVE_MIN_HEIGHT
        assert page.plots.pitch_plot.height() >= PITCH_MIN_HEIGHT
        # the page does not grow out of its window: it scrolls to the plots instead
        assert page.height() == PAGE_AT_MIN_WINDOW[1]
        assert page.minimumSizeHint().height() <= PAGE_AT_MIN_WINDOW[1]
        _check_legends(page.plots)
    bar = page.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0  # Advanced open at this size: the plots are below, a scroll away
    bar.setValue(bar.maximum())  # scrolled to the end: both plots whole on screen
    qtbot.wait(50)
    viewport = page.scroll_area.viewport()
    for plot in (page.plots.wave_plot, page.plots.pitch_plot):
        assert viewport.rect().contains(QRect(plot.mapTo(viewport, QPoint(0, 0)), plot.size()))


def test_the_result_says_which_conversion_it_shows(ctx, open_page, tmp_path):
    """The plots keep showing a conversion while the input changes (or a new one fails): their box
    names the file, voice and key they show, not the input now on the page."""
    page = open_page(ConvertPage, ctx)
    assert "nothing converted yet" in page.result_box.title()
    page.plots.show_take(fake_take())  # what a conversion (or a song's vocal) draws
    title = page.result_box.title()
    assert "my song.wav" in title and "Alice" in title and "+2" in title
    page.set_input(tmp_path / "another.wav")
    assert page.result_box.title() == title


def test_editing_the_pitch_fits_the_smallest_window(ctx, open_page, qtbot):
    """The pitch editor's tools (shown with "Edit pitch") fit the page's width in the smallest main
    window: nothing is pushed off to the right behind a sideways scroll bar."""
    page = open_page(ConvertPage, ctx)
    page.resize(*PAGE_AT_MIN_WINDOW)
    page.plots.show_take(fake_take())
    editor = page.pitch_editor
    editor.session, editor.curve = object(), np.zeros(300)  # stand-ins: only the tools' layout matters
    editor.set_editing(True)
    qtbot.wait(50)
    assert page.pitch_editor.tool_area.isVisible() and page.pitch_editor.info.text()
    assert page.scroll_area.horizontalScrollBar().maximum() == 0
    viewport = page.scroll_area.viewport()
    for button in (page.export_flac, page.pitch_editor.export_button, page.pitch_editor.vibrato_button):
        assert viewport.rect().contains(QRect(button.mapTo(viewport, QPoint(0, 0)), button.size()))


def test_the_smallest_window_shows_the_whole_page_until_advanced_opens(ctx, qtbot):
    """In the main window at its smallest, the page fits without scrolling; with Advanced open it
    scrolls (and the plots keep their height, as above)."""
    from voicecraft_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    window.confirm_close = False
    qtbot.addWidget(window)
    window.show()
    window.resize(1135, 705)  # the smallest the main window gets (its minimum size hint)
    window.show_page("Convert")
    page = window.page("Convert")
    qtbot.wait(50)
    bar = page.scroll_area.verticalScrollBar()
    assert bar.maximum() == 0, (page.size(), page.scroll_area.widget().minimumSizeHint())
    page.advanced_button.setChecked(True)
    qtbot.wait(50)
    assert bar.maximum() > 0
    window.close()


def test_latest_take_says_where_takes_come_from_until_there_is_one(ctx, open_page, tmp_path):
    page = open_page(ConvertPage, ctx)
    assert not page.take_button.isEnabled() and "Record page" in page.take_button.toolTip()
    ctx.events.take_recorded.emit(str(tmp_path / "take1.wav"))
    assert page.take_button.isEnabled() and page.take_button.toolTip() == str(tmp_path / "take1.wav")
