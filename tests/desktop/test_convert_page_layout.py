"""Convert page layout (seen in screenshots): the A/B plots keep a readable height when Advanced opens
(the page scrolls instead), their legends sit outside the curve area (never over a curve, never cut
off), and both plots put the same time at the same x so the playheads line up."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtWidgets import QGraphicsTextItem

from voicecraft_desktop.ui.pages.convert import ConvertPage
from voicecraft_desktop.ui.widgets.comparison_plots import (
    PITCH_MIN_HEIGHT,
    WAVE_MIN_HEIGHT,
    ComparisonPlots,
)

PAGE_AT_MIN_WINDOW = (985, 600)  # the page's room in the smallest main window (1135 x 705)


def fake_take(seconds: float = 3.0, rate: int = 32000) -> SimpleNamespace:
    """What ``ComparisonPlots.show_take`` draws: a loud source, a result, pitch curves filling the
    whole time range and the whole pitch range (so any legend inside the plot area covers a curve)."""
    n = int(seconds * rate)
    wave = (0.9 * np.sin(np.arange(n) / 9.0)).astype(np.float32)
    frames = int(seconds * 100)
    f0 = 220.0 * 2 ** (np.sin(np.linspace(0, 12 * np.pi, frames)) * 5 / 12)  # A3 ± 5 semitones
    result = SimpleNamespace(sample_rate=rate, audio=0.5 * wave, intended_f0=f0)
    return SimpleNamespace(result=result, source_audio=wave, output_f0=f0 * 1.01)


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
