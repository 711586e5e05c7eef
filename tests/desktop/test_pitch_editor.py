"""The Convert page's pitch editor: mouse selection and drawing, shift/undo/redo with exact audio,
octave-jump proposals shown before applying, CSV import (bad files change nothing) and export,
zoom and scroll, playback from the cursor, the project file written next to an export."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from models.convert import f0_edit
from tests.desktop.test_convert_page import FakePlayer
from voicecraft_desktop.core.live_pitch import hz_to_midi


@pytest.fixture
def edited(page, ready, ctx, qtbot, song):
    ctx.events.voices_changed.emit()
    page.set_input(song)
    page.f0_combo.setCurrentText("dio")
    job = page.convert()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    editor = page.pitch_editor
    assert editor.edit_toggle.isEnabled() and not editor.select_tool.isVisible()
    editor.edit_toggle.click()
    assert editor.select_tool.isVisible() and editor.region.isVisible()
    page.resize(1300, 900)
    qtbot.wait(50)
    return page


def _wait(editor, qtbot):
    qtbot.waitUntil(lambda: not editor.busy(), timeout=60000)


def _edit_and_export(page, qtbot, wav):
    """A semitone up over 0.5-1 s, then an export to ``wav``: returns the project file beside it."""
    editor = page.pitch_editor
    editor.select(0.5, 1.0)
    editor.semi_up.click()
    _wait(editor, qtbot)
    job = page.export(wav, "wav")
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=30000):
        pass
    return wav.with_name(wav.stem + ".voicecraft.json")


def _point(editor, t, midi):
    plot = editor.plots.pitch_plot
    scene = plot.getViewBox().mapViewToScene(QPointF(t, midi))
    return plot.mapFromScene(scene)


def _drag(editor, points):
    view = editor.plots.pitch_plot.viewport()
    QTest.mousePress(
        view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _point(editor, *points[0])
    )
    for p in points[1:]:
        QTest.mouseMove(view, _point(editor, *p))
    QTest.mouseRelease(
        view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _point(editor, *points[-1])
    )


def test_select_shift_undo_redo_and_hear(edited, qtbot):
    page, editor = edited, edited.pitch_editor
    page.player = fake = FakePlayer()
    curve0, audio0 = editor.curve.copy(), page.take.result.audio.copy()
    mid = float(np.nanmedian(hz_to_midi(curve0)))
    _drag(editor, [(0.5, mid), (0.9, mid), (1.2, mid)])
    lo, hi = editor.selection()
    assert abs(lo - 50) <= 2 and abs(hi - 120) <= 2
    page.play_b.click()  # playing B: the edit is swapped in when it is heard
    editor.octave_up.click()
    _wait(editor, qtbot)
    assert np.allclose(
        editor.curve[lo:hi][curve0[lo:hi] > 0], 2 * curve0[lo:hi][curve0[lo:hi] > 0], rtol=0.01
    )
    assert np.array_equal(page.take.result.intended_f0, editor.curve)
    text = page.status_label.text()
    assert "edit to hear" in text and "re-synthesised" in text, text
    assert not np.array_equal(page.take.result.audio, audio0)
    assert fake.calls[-1][0] == "swap"
    assert "measured before" not in page.report_view.toPlainText()  # measured again (see below)
    # undo: the exact curve and audio come back; redo: the edit again
    editor.undo_button.click()
    _wait(editor, qtbot)
    assert np.array_equal(editor.curve, curve0) and np.array_equal(page.take.result.audio, audio0)
    editor.redo_button.click()
    _wait(editor, qtbot)
    assert not np.array_equal(page.take.result.audio, audio0)
    # the playback cursor: a click places it, "From cursor" plays B from there
    _drag(editor, [(1.5, mid), (1.5, mid)])
    assert editor.cursor.value() == pytest.approx(1.5, abs=0.02)
    fake.calls.clear()
    starts = []
    fake.play = lambda wave, rate, start_s=0.0: (
        fake.calls.append(("play", len(wave), rate)),
        starts.append(start_s),
    )
    editor.play_cursor.click()
    assert fake.calls and fake.calls[0][0] == "play" and fake.calls[0][1] == len(page.take.result.audio)
    assert starts == [pytest.approx(1.5, abs=0.02)]  # from the cursor, not from the start


def test_draw_with_snap_and_unvoiced(edited, qtbot):
    editor = edited.pitch_editor
    editor.draw_tool.click()
    editor.snap_check.setChecked(True)
    _drag(editor, [(0.3, 60.2), (0.5, 61.0), (0.7, 62.8)])
    _wait(editor, qtbot)
    drawn = hz_to_midi(editor.curve[32:68])
    # snapped to whole notes, up to the few cents the phase-neutral rule moves an edit
    assert np.allclose(drawn, np.round(drawn), atol=0.05) and 59.9 <= drawn.min() and drawn.max() <= 63.1
    editor.select_tool.click()
    editor.select(1.0, 1.2)
    editor.unvoiced_button.click()
    _wait(editor, qtbot)
    assert np.all(editor.curve[100:120] == 0)
    editor.voiced_button.click()
    _wait(editor, qtbot)
    assert np.all(editor.curve[100:120] > 0)
    assert editor.undo_stack.count() == 3


def test_octave_fixes_are_shown_before_applying(edited, qtbot):
    editor = edited.pitch_editor
    curve0 = editor.curve.copy()
    editor.select(0.8, 1.0)
    editor.octave_down.click()  # an octave error, as a tracker makes them
    _wait(editor, qtbot)
    editor.select(0.0, 0.0)
    assert not editor.apply_fixes.isVisible()
    fixes = editor.octave_button.click() or editor.proposals
    assert fixes and any(f.semitones == 12 for f in fixes)
    assert editor.apply_fixes.isVisible() and "proposed fix in green" in editor.info.text()
    assert np.isfinite(editor.proposal_curve.getData()[1]).any()
    before = editor.curve.copy()
    assert np.array_equal(before, editor.curve)  # nothing applied yet
    editor.apply_fixes.click()
    _wait(editor, qtbot)
    voiced = curve0 > 0
    assert np.median(np.abs(hz_to_midi(editor.curve[voiced]) - hz_to_midi(curve0[voiced]))) < 0.1
    assert not editor.apply_fixes.isVisible()


def test_csv_import_export_and_bad_files_change_nothing(edited, qtbot, tmp_path):
    page, editor = edited, edited.pitch_editor
    out = editor.export_csv(tmp_path / "take.csv")
    ref = editor.export_csv(tmp_path / "take.pit.csv")
    assert ref.read_text().startswith("0m 0s   0,")
    count = editor.undo_stack.count()
    curve0, audio0 = editor.curve.copy(), page.take.result.audio.copy()
    n = len(curve0)
    bad_files = {  # name -> (rows, what the status line says)
        "nan.csv": (
            "".join(f"{i * 0.01:.2f},{'nan' if i == 4 else 200}\n" for i in range(n)),
            "row 5 has no pitch",
        ),
        "negative.csv": (
            "".join(f"{i * 0.01:.2f},{-5 if i == 3 else 200}\n" for i in range(n)),
            "negative pitch",
        ),
        "rate.csv": ("".join(f"{i * 0.005:.3f},200\n" for i in range(n)), "5 ms apart"),
        "short.csv": ("".join(f"{i * 0.01:.2f},200\n" for i in range(30)), "another song"),
    }
    for name, (rows, words) in bad_files.items():
        (tmp_path / name).write_text("time_s,f0_hz\n" + rows)
        assert not editor.import_csv(tmp_path / name), name
        assert f"{name}: " in page.status_label.text() and words in page.status_label.text(), name
        assert words in editor.info.text(), name
    # nothing changed: the curve, the audio, the undo history
    assert np.array_equal(editor.curve, curve0) and editor.undo_stack.count() == count
    assert np.array_equal(page.take.result.audio, audio0) and not editor.busy()
    # a good file: the curve one octave up (the file is before the key shift, as exported)
    up = f0_edit.read_f0_csv(out, len(curve0)) * 2
    f0_edit.write_plain_csv(tmp_path / "up.csv", up)
    assert editor.import_csv(tmp_path / "up.csv")
    _wait(editor, qtbot)
    assert np.allclose(editor.curve, 2 * curve0, rtol=1e-6)


def test_zoom_scroll_and_project_file_on_export(edited, qtbot, tmp_path):
    page, editor = edited, edited.pitch_editor
    vb = editor.plots.pitch_plot.getViewBox()
    editor.fit()
    (a0, b0), _ = vb.viewRange()
    editor.zoom_in.click()
    (a1, b1), _ = vb.viewRange()
    assert b1 - a1 < 0.6 * (b0 - a0)
    editor.scroll.setValue(editor.scroll.maximum())
    (a2, b2), _ = vb.viewRange()
    assert a2 > a1 and b2 == pytest.approx(editor.duration_s(), abs=0.05)
    project = _edit_and_export(page, qtbot, tmp_path / "out.wav")
    doc = json.loads(project.read_text())
    assert doc["voice"] == "Alice" and doc["frames"] == len(editor.curve)
    from models.convert.resynth import load_project

    assert np.array_equal(load_project(project).f0_hz, editor.curve)
    # reopened later: converted again with the saved curve, the same audio
    audio, curve = page.take.result.audio.copy(), editor.curve.copy()
    job = editor.open_project(project)
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    assert page.take.result is not None and np.array_equal(editor.curve, curve)
    assert np.array_equal(page.take.result.audio, audio)
    assert editor.undo_stack.count() == 0
    # a project whose source changed is refused in one line
    sf.write(page.take.source, np.zeros(44100, np.float32), 44100)
    job = editor.open_project(project)
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=60000):
        pass
    assert "changed since" in page.status_label.text()


def test_reopen_shows_the_reopened_conversions_inputs(edited, qtbot, tmp_path, song):
    """After reopening, everything on the page belongs to the reopened conversion: the input
    shown, the voice, the key and the options (a later Convert repeats it), the status line."""
    from tests.desktop.voices import make_voice
    from voicecraft_desktop.core import paths

    page, editor = edited, edited.pitch_editor
    page.seed_spin.setValue(77)  # settings of the saved conversion: set before converting it again
    page.gate_check.setChecked(True)
    job = page.convert()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    saved = page.options()
    editor.edit_toggle.setChecked(True)
    project = _edit_and_export(page, qtbot, tmp_path / "out.wav")
    # the page moves on: another file, another voice, other settings
    make_voice(paths.voices_dir(), "Bob")
    page.ctx.events.voices_changed.emit()
    assert page.select_voice("Bob")
    other = tmp_path / "other.wav"
    sf.write(other, np.zeros(8000, np.float32), 16000)
    page.set_input(other)
    page.key_spin.setValue(5)
    page.seed_spin.setValue(3)
    page.gate_check.setChecked(False)
    page.noise_spin.setValue(0.25)
    page.unvoiced_combo.setCurrentIndex(page.unvoiced_combo.findData("zero"))
    page.f0_combo.setCurrentText("auto")
    page.cover_panel.set_kind("song")
    job = editor.open_project(project)
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    assert page.input_path() == song and page.voice_combo.currentText() == "Alice"
    assert not page.cover_panel.is_song()
    report = page.report_view.toPlainText()
    assert "measured before" not in report and "Updating" not in report  # the edited audio's report
    _same_report(page.take.result.report, _full_report(page.take))
    shown = page.options()
    for name in (
        "key",
        "auto_key",
        "f0_method",
        "unvoiced",
        "noise_scale",
        "seed",
        "silence_gate",
        "match_loudness",
    ):
        assert getattr(shown, name) == getattr(saved, name), name
    text = page.status_label.text()
    assert "out.voicecraft.json" in text and "song.wav" in text and "Alice" in text, text
    assert editor.edit_toggle.isChecked() and editor.curve is not None
    # the converted pitch drawn is the reopened (edited) audio's own, not the unedited audio's
    from voicecraft_desktop.core.convert_jobs import take_result

    t = page.take
    again = take_result(song, t.converter, t.result, t.source_audio, t.result.sample_rate, t.converter_key)
    with np.errstate(invalid="ignore"):
        cents = 100 * np.abs(hz_to_midi(t.output_f0) - hz_to_midi(again.output_f0))[55:95]
    assert np.nanmax(cents) < 1, np.nanmax(cents)  # the unedited audio's pitch: a semitone off here
    assert np.array_equal(editor.plots.result_pitch.getData()[1], hz_to_midi(t.output_f0), equal_nan=True)


def test_screenshot(edited, qtbot, tmp_path):
    editor = edited.pitch_editor
    editor.select(0.8, 1.0)
    editor.octave_down.click()  # a tracker's octave error, to be proposed for fixing
    _wait(editor, qtbot)
    editor.select(0.6, 1.2)
    assert editor.propose_octave_fixes()
    path = os.environ.get("PITCH_EDITOR_PNG") or str(tmp_path / "editor.png")
    assert edited.grab().save(path)


# -- every word the pitch editor shows goes through tr() ---------------------------------------------

_NOT_SHOWN_CALLS = {"setObjectName", "getattr", "endswith", "removesuffix", "with_suffix"}


def _untranslated(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal with a letter in it that is not inside a
    ``tr``/``translate``/``QT_TRANSLATE_NOOP`` call: not a docstring, an object name, a keyword
    argument (``connect="finite"``), a colour or a file suffix."""
    import ast
    import re

    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docs = {
        node.body[0].value
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or node in docs:
            continue
        text = node.value
        if not re.search(r"[A-Za-z]", text) or re.fullmatch(
            r"#[0-9a-fA-F]{6}|\.?(pit\.)?csv|\.pit\.csv", text
        ):
            continue
        parent, shown = parents.get(node), True
        if isinstance(parent, ast.keyword):
            continue
        while parent is not None:
            if isinstance(parent, ast.Call):
                func = parent.func
                name = getattr(func, "attr", None) or getattr(func, "id", "")
                if name in ("tr", "translate", "QT_TRANSLATE_NOOP") or (
                    name in _NOT_SHOWN_CALLS and parent is parents.get(node)
                ):
                    shown = False
                    break
            parent = parents.get(parent)
        if shown:
            found.append((node.lineno, text))
    return found


@pytest.mark.parametrize("module", ["pitch_editor", "pitch_project", "pitch_report"])
def test_every_word_of_the_pitch_editor_goes_through_tr(module):
    import importlib

    path = importlib.import_module(f"voicecraft_desktop.ui.widgets.{module}").__file__
    assert _untranslated(open(path, encoding="utf-8").read()) == []


def test_control_the_tr_check_catches_status_lines_and_edit_names():
    bare = (
        "def f(self, text):\n"
        "    self.status.emit(f'Pitch edit {text}: re-synthesised')\n"
        "    self.push_edit(new, lo, hi, 'draw')\n"
        "    self.undo_stack.createUndoAction(self, 'Undo')\n"
    )
    assert sorted({line for line, _ in _untranslated(bare)}) == [2, 3, 4]
    wrapped = (
        "def f(self, text):\n"
        "    self.status.emit(self.tr('Pitch edit {edit}: re-synthesised').format(edit=text))\n"
        "    self.push_edit(new, lo, hi, self.tr('draw'))\n"
        "    self.setObjectName('pitchEditor')\n"
        "    pen = mkPen('#16a34a', style='dash')\n"
    )
    assert _untranslated(wrapped) == []


# -- the quality report follows the edits; a reopen has the page's progress bar and Cancel -----------


def _full_report(take):
    """The whole quality report measured again, from scratch, on the take's current audio (the
    source read and resampled as the conversion reads it)."""
    from models.convert.report import quality_report
    from models.features.audio import load_audio, resample

    converter, result = take.converter, take.result
    options = result.features.options
    wave, rate = load_audio(take.source, max_seconds=options.max_input_s)
    need = len(result.source_f0) * converter.config.audio.feature_hop_length
    wave16 = resample(wave, rate, 16000)
    wave16 = np.pad(wave16, (0, max(0, need - len(wave16))))[:need]
    pitch = converter._pitch_extractor(options)
    speaker, manifest = converter.extractors.speaker, converter.voice.manifest
    return quality_report(result, wave16, 16000, pitch, speaker, manifest, options.report_max_s)


def _same_report(a, b):
    for name in ("f0_median_cents", "f0_mean_cents", "f0_within_50_cents", "similarity_to_voice",
                 "similarity_to_source"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        assert x is None or x == pytest.approx(y, rel=1e-5, abs=1e-6), name
    assert a.compared_frames == b.compared_frames
    assert a.voicing_agreement == pytest.approx(b.voicing_agreement)


def test_quality_report_follows_the_pitch_edits(edited, qtbot):
    """After an edit is heard the report says it is being updated, then shows the numbers of the
    edited audio (equal to measuring the whole report again); an undo brings the first numbers back."""
    from voicecraft_desktop.ui.error_text import quality_summary

    page, editor = edited, edited.pitch_editor
    first = page.take.result.report
    assert first is not None
    _same_report(first, _full_report(page.take))  # the reference measures what the conversion measured
    seen = []
    editor.audio_changed.connect(lambda: seen.append(page.report_view.toPlainText()))
    editor.select(0.5, 1.0)
    editor.octave_up.click()
    _wait(editor, qtbot)
    assert seen and "Updating the quality report" in seen[-1], seen  # shown while it is measured
    after = page.take.result.report
    full = _full_report(page.take)
    _same_report(after, full)
    text = page.report_view.toPlainText()
    assert quality_summary(full) in text and "Updating" not in text and "measured before" not in text
    # control: the numbers before the edit are not the edited audio's (the check can fail)
    with pytest.raises(AssertionError):
        _same_report(first, full)
    # the converted pitch drawn in the edited region is the edited audio's own, not a gap
    assert (page.take.output_f0[55:95] > 0).any()
    editor.undo_button.click()
    _wait(editor, qtbot)
    _same_report(page.take.result.report, first)


def test_reopen_has_the_progress_bar_and_a_cancel_that_stops_it(edited, qtbot, tmp_path, monkeypatch):
    """Reopening an edited conversion advances the page's progress bar; Cancel stops the work (the
    saved pitch is never re-synthesised) and leaves the editor as it was, with nothing written."""
    from models.convert import resynth

    page, editor = edited, edited.pitch_editor
    project = _edit_and_export(page, qtbot, tmp_path / "out.wav")
    editor.select(1.2, 1.5)
    editor.semi_down.click()  # the editor now differs from the saved project
    _wait(editor, qtbot)
    take, curve, audio = page.take, editor.curve.copy(), page.take.result.audio.copy()
    count = editor.undo_stack.count()

    def files_now():  # every file but the app's log
        return {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".log"}

    files = files_now()
    applied = []
    original = resynth.EditSession.set_curve
    monkeypatch.setattr(
        resynth.EditSession, "set_curve", lambda self, *a, **k: applied.append(1) or original(self, *a, **k)
    )
    values = []
    page.progress.valueChanged.connect(values.append)
    job = editor.open_project(project)
    assert job is page.job and page.cancel_button.isEnabled()
    job.progress.connect(lambda p: p.fraction > 0 and not job.cancel_requested and page.cancel_button.click())
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=120000):
        pass
    assert values and max(values) > 0 and not applied  # it moved, then really stopped
    assert page.take is take and np.array_equal(editor.curve, curve)
    assert np.array_equal(page.take.result.audio, audio) and editor.undo_stack.count() == count
    assert "Cancelled" in page.status_label.text() and page.convert_button.isEnabled()
    assert files_now() == files
    # reopened to the end: the bar advances to full, the project's pitch is applied
    values.clear()
    job = editor.open_project(project)
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    assert applied and values[-1] == 1000 and len(set(values)) > 3
    assert values[1:] == sorted(values[1:]), values  # after the reset to 0 it only goes forward
    assert not np.array_equal(editor.curve, curve) and editor.undo_stack.count() == 0


def test_an_edit_during_the_report_cancels_it_and_both_are_measured(edited, qtbot, monkeypatch, tmp_path):
    """A second edit made while the first one's report is being measured cancels that measurement;
    the report measured after the second covers both edits' audio (equal to a whole new report).
    A 6 s song in 1 s chunks, so the two edits re-synthesise different stretches of it."""
    import dataclasses

    from tests.features.conftest import harmonic_tone

    page, editor = edited, edited.pitch_editor
    longer = tmp_path / "longer.wav"
    sf.write(longer, harmonic_tone(np.linspace(196.0, 262.0, 44100 * 6), 6.0, 44100), 44100)
    page.set_input(longer)
    options = page.options
    monkeypatch.setattr(page, "options", lambda: dataclasses.replace(options(), chunk_s=1.0))
    job = page.convert()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    editor.edit_toggle.setChecked(True)
    rate, started, updates = page.take.result.sample_rate, [], []
    editor.audio_changed.connect(lambda: updates.append(editor.last_update))

    def second_edit():
        if not started:
            started.append(editor.report.job)
            editor.select(4.5, 4.8)
            editor.octave_down.click()

    editor.audio_changed.connect(second_edit)
    editor.select(0.3, 0.6)
    editor.octave_up.click()
    _wait(editor, qtbot)
    assert started[0] is not None and started[0].cancel_requested  # the first measurement was stopped
    first, second = updates
    assert first.hi <= 2.5 * rate <= second.lo  # two separate stretches were re-synthesised
    _same_report(page.take.result.report, _full_report(page.take))
    # both edited regions carry the edited audio's own pitch again
    assert (page.take.output_f0[30:60] > 0).any() and (page.take.output_f0[450:480] > 0).any()
