"""The pitch editor's engine: region re-synthesis, undo, octave-jump proposals, F0 files, projects.

Region re-synthesis (:class:`models.convert.resynth.EditSession`) re-runs only the chunks that
overlap an edit; the check is that its audio equals a full synthesis of the edited curve within
``ATOL`` everywhere (so in particular away from the region's edges), and that at the splice points
the sample-to-sample step is no larger than the signal's own largest step. Two controls break the
splice and must fail the same check: an edit that is not phase-neutral (later chunks keep the old
harmonic phase), and a splice that drops the unchanged neighbours' crossfade samples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import models.convert.converter as converter_module
from models.convert import f0_edit
from models.convert.converter import VoiceConverter
from models.convert.f0_edit import F0FileError
from models.convert.options import ConvertOptions, run_to_end
from models.convert.resynth import EditSession, ProjectError

SR, HOP = 32000, 320
ATOL = 1e-5
SYNTH = Path(__file__).resolve().parents[3] / "shared" / "data" / "synth"


@pytest.fixture(scope="module")
def session_parts(tiny_voice, tiny_extractors, helpers):
    """A 9 s song converted in 2 s chunks, features kept."""
    converter = VoiceConverter(tiny_voice, tiny_extractors)
    wave = helpers.sung_phrases(9.0, 44100, seed=3)
    options = ConvertOptions(chunk_s=2.0, report=False, seed=7)
    result = run_to_end(converter.convert(wave, 44100, options, keep_features=True))
    return converter, wave, options, result


def _fresh(session_parts) -> EditSession:
    """A session on a copy of the conversion (tests edit it)."""
    import copy

    converter, _, _, result = session_parts
    return EditSession(converter, copy.deepcopy(result))


def _full(session: EditSession) -> np.ndarray:
    s = session.state
    gen = session.converter.synthesize(s.ppg, s.vec, s.fed_f0, s.options, repeat=s.repeat)
    return run_to_end(gen)[: s.out_len]


def _splice_errors(edited: np.ndarray, full: np.ndarray, lo: int, hi: int) -> tuple[float, float, float]:
    """(max |edited - full|, largest step at the splice points, the signal's own largest step)."""
    own = float(np.max(np.abs(np.diff(full))))
    steps = [abs(float(edited[i] - edited[i - 1])) for i in (lo, hi) if 0 < i < len(edited)]
    return float(np.max(np.abs(edited - full))), max(steps, default=0.0), own


def _edit(session: EditSession, neutral: bool = True) -> tuple[np.ndarray, int, int]:
    lo, hi = 300, 500  # 3 s to 5 s
    new = f0_edit.shift(session.curve, lo, hi, 3.0)
    if neutral:
        new = session.neutral(new, lo, hi)
    update = session.set_curve(new)
    assert update.chunks < len(session.converter.chunk_plan(len(new), session.state.options))
    return new, update.lo, update.hi


def test_region_resynthesis_equals_full_synthesis(session_parts) -> None:
    session = _fresh(session_parts)
    before = session.result.audio.copy()
    new, lo, hi = _edit(session)
    assert np.array_equal(session.curve, new)
    err, step, own = _splice_errors(session.result.audio, _full(session), lo, hi)
    assert err <= ATOL, err
    assert step <= own
    # outside the re-run chunks nothing moved at all
    assert np.array_equal(session.result.audio[:lo], before[:lo])
    assert np.array_equal(session.result.audio[hi:], before[hi:])
    # the phase-neutral correction moved the edit by a few cents at most
    voiced = new[300:500] > 0
    cents = 1200 * np.log2(new[300:500][voiced] / f0_edit.shift(before_curve(session_parts), 300, 500, 3)[300:500][voiced])
    assert np.max(np.abs(cents)) < 5


def before_curve(session_parts) -> np.ndarray:
    return session_parts[3].intended_f0


def test_control_edit_without_phase_carry_is_caught(session_parts) -> None:
    session = _fresh(session_parts)
    _, lo, hi = _edit(session, neutral=False)
    err, _, _ = _splice_errors(session.result.audio, _full(session), lo, hi)
    assert err > 100 * ATOL, err  # later chunks kept the old phase: the check fails


def test_control_splice_without_neighbour_fades_is_caught(session_parts, monkeypatch) -> None:
    session = _fresh(session_parts)
    session.state.edges = {i: (np.zeros_like(a), np.zeros_like(b)) for i, (a, b) in session.state.edges.items()}
    _, lo, hi = _edit(session)
    err, step, own = _splice_errors(session.result.audio, _full(session), lo, hi)
    assert err > 100 * ATOL or step > own


def test_undo_restores_exact_curve_and_audio(session_parts) -> None:
    session = _fresh(session_parts)
    curve0, audio0 = session.curve.copy(), session.result.audio.copy()
    _edit(session)
    assert not np.array_equal(session.result.audio, audio0)
    session.set_curve(curve0)
    assert np.array_equal(session.curve, curve0)
    assert np.array_equal(session.result.audio, audio0)


def test_gate_and_loudness_are_kept_in_region_resynthesis(tiny_voice, tiny_extractors, helpers) -> None:
    converter = VoiceConverter(tiny_voice, tiny_extractors)
    wave = helpers.sung_phrases(5.0, 32000, seed=5)
    options = ConvertOptions(chunk_s=2.0, report=False, silence_gate=True, match_loudness=True)
    result = run_to_end(converter.convert(wave, 32000, options, keep_features=True))
    session = EditSession(converter, result)
    audio0, curve0 = result.audio.copy(), session.curve.copy()
    new = session.neutral(f0_edit.shift(curve0, 100, 200, -2), 100, 200)
    session.set_curve(new)
    session.set_curve(curve0)
    np.testing.assert_allclose(session.result.audio, audio0, atol=1e-6)


# ----------------------------------------------------------------------------- edit operations


def test_operations() -> None:
    f = np.full(200, 220.0, np.float32)
    f[50:60] = 0
    t = np.arange(200) * 0.01
    vib = (220 * 2 ** (0.5 / 12 * np.sin(2 * np.pi * 6 * t))).astype(np.float32)
    assert np.allclose(f0_edit.shift(f, 0, 100, 12)[:50], 440)
    assert np.all(f0_edit.shift(f, 0, 100, 12)[50:60] == 0)
    assert np.all(f0_edit.set_voiced(f, 40, 70, False)[40:70] == 0)
    assert np.allclose(f0_edit.set_voiced(f, 50, 60, True)[50:60], 220, rtol=1e-5)
    flat = f0_edit.scale_vibrato(vib, 0, 200, 0.0)
    assert np.ptp(f0_edit.to_midi(flat[40:160])) < 0.15 < np.ptp(f0_edit.to_midi(vib[40:160]))
    double = f0_edit.scale_vibrato(vib, 0, 200, 2.0)
    assert np.ptp(f0_edit.to_midi(double[40:160])) > 1.8 * np.ptp(f0_edit.to_midi(vib[40:160])) * 0.9
    drawn, lo, hi = f0_edit.draw(f, [0.5, 1.0], [261.0, 330.0], snap=True)
    assert (lo, hi) == (50, 101)
    midi = f0_edit.to_midi(drawn[lo:hi])
    assert np.allclose(midi, np.round(midi), atol=1e-4) and midi[0] == pytest.approx(60, abs=1e-4)
    noisy = f * (1 + 0.02 * np.random.default_rng(0).standard_normal(200)).astype(np.float32)
    noisy[50:60] = 0
    assert np.std(f0_edit.smooth(noisy, 0, 200)[70:190]) < 0.5 * np.std(noisy[70:190])
    assert np.all(f0_edit.smooth(noisy, 0, 200)[50:60] == 0)


def _singer_curves() -> list[np.ndarray]:
    curves = []
    for path in sorted(SYNTH.glob("*/p*.f0.npy")):
        f = np.load(path).astype(np.float32)
        curves.append(f[::2].copy())  # 5 ms -> the model's 10 ms frames
    return curves


def _inject_octave_errors(f: np.ndarray, rng: np.random.Generator, count: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``count`` separate runs of 5-40 frames moved an octave up or down; and per frame the
    semitones that fix it (0 where clean)."""
    bad, truth = f.copy(), np.zeros(len(f), int)
    voiced = np.flatnonzero(f > 0)
    while np.count_nonzero(np.diff(np.concatenate([[0], truth != 0, [0]])) > 0) < count:
        start, length = int(rng.choice(voiced)), int(rng.integers(5, 40))
        if np.any(truth[max(0, start - 5) : start + length + 5]):
            continue  # keep errors apart, so each frame's truth is one octave
        seg = slice(start, min(len(f), start + length))
        up = bool(rng.integers(0, 2))
        v = bad[seg] > 0
        bad[seg][v] *= 2.0 if up else 0.5
        truth[seg][v] = -12 if up else 12
    return bad, truth


def test_octave_fixes_find_injected_errors_and_leave_clean_frames() -> None:
    curves = _singer_curves()
    assert len(curves) == 20, "the shared synthetic singers are missing"
    rng = np.random.default_rng(0)
    hit = injected = flagged = clean = 0
    for f in curves:
        bad, truth = _inject_octave_errors(f, rng)
        fixes = f0_edit.find_octave_jumps(bad)
        proposed = np.zeros(len(f), int)
        for fx in fixes:
            proposed[fx.lo : fx.hi] = fx.semitones
        err = truth != 0
        hit += int(np.sum(proposed[err] == truth[err]))
        injected += int(err.sum())
        ok = (f > 0) & ~err
        flagged += int(np.sum(proposed[ok] != 0))
        clean += int(ok.sum())
        fixed = f0_edit.apply_octave_fixes(bad, fixes)
        assert np.median(np.abs(f0_edit.to_midi(fixed[err]) - f0_edit.to_midi(f[err]))) < 0.01
    assert hit / injected >= 0.95, (hit, injected)
    assert flagged / clean < 0.01, (flagged, clean)
    # control: a finder that never corrects (switching made too costly) fails the recall check
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(f0_edit, "OCTAVE_SWITCH_COST", 10.0)
        assert not f0_edit.find_octave_jumps(bad)


# ----------------------------------------------------------------------------- F0 files


def test_csv_round_trips(tmp_path) -> None:
    f = np.abs(200 + 50 * np.random.default_rng(1).standard_normal(6123)).astype(np.float32)
    f[100:200] = 0
    plain = f0_edit.write_plain_csv(tmp_path / "curve.csv", f)
    assert np.array_equal(f0_edit.read_f0_csv(plain, len(f)), f)
    ref = f0_edit.write_reference_csv(tmp_path / "svc_tmp.pit.csv", f)
    lines = ref.read_text().splitlines()
    assert lines[0] == f"0m 0s   0,{int(round(f[0]))}"
    assert lines[6100].startswith("1m 1s   0,")  # 61.000 s
    back = f0_edit.read_f0_csv(ref, len(f))
    assert np.max(np.abs(back - f)) <= 0.5


@pytest.mark.parametrize(
    "text, words",
    [
        ("time_s,f0_hz\n" + "".join(f"{i * 0.005:.3f},200\n" for i in range(100)), "5 ms apart"),
        ("time_s,f0_hz\n" + "".join(f"{i * 0.01:.2f},{'nan' if i == 7 else 200}\n" for i in range(100)), "row 8 has no pitch"),
        ("time_s,f0_hz\n" + "".join(f"{i * 0.01:.2f},{-5 if i == 3 else 200}\n" for i in range(100)), "negative pitch"),
        ("time_s,f0_hz\n" + "".join(f"{i * 0.01:.2f},200\n" for i in range(300)), "another song"),
        ("time_s,f0_hz\n", "no rows"),
        ("0.00;200\n", "not 'time,Hz'"),
    ],
)
def test_bad_csv_is_refused_with_one_clear_line(tmp_path, text, words) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(F0FileError) as err:
        f0_edit.read_f0_csv(path, frames=100)
    message = str(err.value)
    assert "bad.csv" in message and words in message and "\n" not in message


def test_f0_override_conversion_uses_the_file(session_parts, tmp_path) -> None:
    converter, wave, options, result = session_parts
    curve = f0_edit.shift(result.source_f0, 0, len(result.source_f0), 12)
    path = f0_edit.write_plain_csv(tmp_path / "c.csv", curve)
    f0 = f0_edit.read_f0_csv(path, len(result.source_f0))
    out = run_to_end(converter.convert(wave, 44100, options, source_f0=f0))
    assert np.array_equal(out.source_f0, curve)
    with pytest.raises(converter_module.ConvertError, match="must have"):
        run_to_end(converter.convert(wave, 44100, options, source_f0=f0[:-5]))


# ----------------------------------------------------------------------------- project files


def test_project_reopens_to_identical_audio(tiny_voice, tiny_extractors, helpers, tmp_path) -> None:
    import soundfile

    from models.convert.resynth import (
        ConvertProject,
        load_project,
        project_path,
        reopen_project,
        save_project,
        sha256_of,
    )

    source = tmp_path / "song.wav"
    soundfile.write(source, helpers.sung_phrases(5.0, 32000, seed=9), 32000)
    converter = VoiceConverter(tiny_voice, tiny_extractors)
    options = ConvertOptions(chunk_s=2.0, report=False)
    wave, rate = soundfile.read(source, dtype="float32")
    result = run_to_end(converter.convert(wave, rate, options, keep_features=True))
    session = EditSession(converter, result)
    new = session.neutral(f0_edit.shift(session.curve, 150, 250, 5), 150, 250)
    session.set_curve(new)
    path = project_path(tmp_path / "song (Tiny).wav")
    assert path.name == "song (Tiny).voicecraft.json"
    save_project(path, ConvertProject(source, sha256_of(source), "Tiny", options, result.key, session.curve))
    project = load_project(path)
    reopened = run_to_end(reopen_project(project, converter))
    assert np.array_equal(reopened.curve, session.curve)
    assert np.array_equal(reopened.result.audio, session.result.audio)
    # a changed source or a damaged file is one clear line
    soundfile.write(source, helpers.sung_phrases(5.0, 32000, seed=10), 32000)
    with pytest.raises(ProjectError, match="changed since"):
        run_to_end(reopen_project(project, converter))
    path.write_text(path.read_text().replace('"f0_sha256": "', '"f0_sha256": "0'))
    with pytest.raises(ProjectError, match="damaged"):
        load_project(path)


def test_cli_f0_file(library_voice, assets, tmp_path, helpers, capsys) -> None:
    import soundfile

    from voicecraft_desktop.cli import main

    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.harmonic_tone(200.0, 1.0, 16000), 16000)
    good = f0_edit.write_reference_csv(tmp_path / "svc_tmp.pit.csv", np.full(100, 150.0, np.float32))
    base = ["convert", str(song), "--voice", library_voice, "--out", str(tmp_path / "o"), "--no-report", *assets]
    assert main([*base, "--f0-file", str(good)]) == 0
    assert "1 converted" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,f0_hz\n" + "".join(f"{i * 0.01:.2f},200\n" for i in range(500)))
    assert main([*base, "--f0-file", str(bad), "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert "--f0-file: bad.csv: 500 rows" in err and "another song" in err
