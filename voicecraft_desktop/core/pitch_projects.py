"""Reopening an edited conversion from its project file (the pitch editor's "Open edited conversion…").

:func:`reopen_take` converts the project's source again (after checking its SHA-256) with the
saved voice and options, applies the saved pitch curve (only the chunks it changes are
re-synthesised), measures the converted audio's own pitch and the quality report of the edited
audio: a :class:`~voicecraft_desktop.core.convert_jobs.TakeResult` like a fresh conversion, with
the same audio as when the project was saved. It writes nothing, so a cancel (between the
conversion's windows and chunks, and between these steps) leaves nothing behind.

Qt-free; the refusals' words are handed in (the app makes them in the user's language).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

CONVERT_SHARE = 0.8  # of the progress bar: the conversion; the rest: the edits, the pitch, the report


@dataclass(frozen=True)
class ReopenWords:
    """The refusals of a reopen, in the user's language: the source is missing, it changed since
    the project was saved, or the saved curve is not this song's length."""

    missing: str
    changed: str
    other_song: str


def reopen_take(
    project: Any,
    entry: Any,
    *,
    store: Any,
    device: str,
    library: Any,
    words: ReopenWords,
    cancel: threading.Event | None = None,
) -> Generator[Any, None, Any]:
    """Converts ``project`` (a :class:`models.convert.resynth.ConvertProject`) again into ``entry``'s
    voice and applies its pitch curve.

    Yields:
        ``ConvertProgress``-like values (``stage``, ``fraction``, ``message``) for the whole reopen.

    Returns:
        the :class:`~voicecraft_desktop.core.convert_jobs.TakeResult` of the edited conversion.

    Raises:
        ProjectError: the source is missing or changed, or the curve is another song's.
        ConvertCancelled: ``cancel`` was set.
    """
    from models.convert.edit_report import ReportState, edited_report, snapshot_of
    from models.convert.options import ConvertCancelled, ConvertProgress, run_to_end
    from models.convert.resynth import EditSession, ProjectError, source_state
    from voicecraft_desktop.core.convert_jobs import OutputPitchProgress, convert_take, take_result

    def check_cancel() -> None:
        if cancel is not None and cancel.is_set():
            raise ConvertCancelled(f"{project.source.name}: reopening cancelled")

    state = source_state(project)
    if state == "missing":
        raise ProjectError(words.missing)
    if state == "changed":
        raise ProjectError(words.changed)
    start = time.monotonic()
    conversion = convert_take(
        project.source, entry, project.options, store=store, device=device, cancel=cancel, library=library
    )
    while True:  # the conversion's own progress, on the first part of the bar
        try:
            p = next(conversion)
        except StopIteration as stop:
            take = stop.value
            break
        yield dataclasses.replace(p, fraction=CONVERT_SHARE * min(max(p.fraction, 0.0), 1.0))
    if len(take.result.intended_f0) != len(project.f0_hz):
        raise ProjectError(words.other_song)
    check_cancel()
    yield ConvertProgress("synthesis", 0, 1, 0.85, time.monotonic() - start, "the saved pitch edits")
    EditSession(take.converter, take.result).set_curve(project.f0_hz, cancel)
    check_cancel()
    yield OutputPitchProgress(fraction=0.92)
    # the converted audio's own pitch, measured again: the audio now sings the saved curve
    r = take.result
    take = take_result(take.source, take.converter, r, take.source_audio, r.sample_rate, take.converter_key)
    if r.report is not None:  # the report of the edited audio (its pitch was just measured)
        check_cancel()
        yield ConvertProgress("report", 0, 1, 0.96, time.monotonic() - start, "quality report")
        state = ReportState(take.output_f0.copy())
        r.report, _ = run_to_end(edited_report(take.converter, snapshot_of(r), state, (0, 0)))
    return take
