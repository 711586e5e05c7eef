"""The Library page's report area says what is true now: no "Preparing …" once that job has ended."""

from __future__ import annotations

import pytest

from tests.desktop.voices import recordings_folder
from voicecraft_desktop.ui.pages.library import LibraryPage
from voicecraft_desktop.ui.pages.library_report import PLACEHOLDER


@pytest.fixture
def page(ctx, open_page):
    return open_page(LibraryPage, ctx)


def test_a_failed_preparation_no_longer_says_preparing(page, qtbot, tmp_path):
    src = recordings_folder(tmp_path, junk=False)
    job = page.new_voice_from_folder(src, "Nina")  # fails: no content encoder weights in the test data dir
    assert "Preparing" in page.report.summary.text()  # control: said while it runs
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=30000):
        pass
    page.error_box.close()
    summary = page.report.summary.text()
    assert "Preparing" not in summary and "Nina" not in summary
    assert summary == page.report.tr(PLACEHOLDER)  # nothing prepared before: the empty report's words
    assert "failed" in page.status_label.text()


def test_a_cancelled_preparation_shows_the_report_shown_before(page, qtbot, tmp_path):
    src = recordings_folder(tmp_path, notes=(196.0, 220.0, 247.0, 262.0, 294.0, 330.0))
    first = page.new_voice_from_folder(src, "Ana", features=False)  # slicing only: no weights needed
    with qtbot.waitSignals([first.result, first.finished], order="strict", timeout=60000):
        pass
    before = page.report.summary.text()
    assert "clips" in before and page.report.tree.topLevelItemCount() == 2
    job = page.new_voice_from_folder(src, "Nina", features=False)
    assert "Nina" in page.report.summary.text()  # control: said while it runs
    page.cancel_button.click()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=30000):
        pass
    assert page.report.summary.text() == before  # Ana's report again, not "Preparing … as “Nina”…"
    assert page.report.tree.topLevelItemCount() == 2
