"""The conversion speed chosen in Settings (issue 18): kept in the settings and used by the Convert page."""

from __future__ import annotations

from voicecraft_desktop.ui.pages.convert import ConvertPage
from voicecraft_desktop.ui.pages.settings import SettingsPage


def test_speed_choice_persists_and_reaches_the_convert_page(ctx, qtbot, open_page, tmp_path) -> None:
    page = SettingsPage(ctx, registry={})
    qtbot.addWidget(page)
    assert page.speed_combo.currentData() == "exact"  # the reference's arithmetic unless chosen
    assert open_page(ConvertPage, ctx).options().speed == "exact"
    page.speed_combo.setCurrentIndex(page.speed_combo.findData("fast"))
    assert ctx.settings.get("compute/speed") == "fast"
    again = SettingsPage(ctx, registry={})  # a new window shows the stored choice
    qtbot.addWidget(again)
    assert again.speed_combo.currentData() == "fast"
    assert open_page(ConvertPage, ctx).options().speed == "fast"
    page.resize(900, 700)
    page.show()
    page.grab().save(str(tmp_path / "settings.png"))
