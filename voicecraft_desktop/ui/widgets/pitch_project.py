"""The pitch editor's project file: written next to an export, reopened later with its pitch edits.

- :func:`save_project`: ``<output stem>.voicecraft.json`` beside an exported conversion (source
  path and SHA-256, voice, options, key, the edited curve; :mod:`models.convert.resynth`).
- :func:`open_project`: "Open edited conversion…": the project's source converted again with its
  voice and options and the saved curve applied (:func:`voicecraft_desktop.core.pitch_projects.
  reopen_take`) in a job started by the Convert page's own starter (``editor.start_job``, the
  page's ``JobPageMixin._start``: its progress bar, its Cancel, failures in its status line and an
  error box); the editor emits ``take_reopened`` when it is done. A cancelled or failed reopen
  changes nothing: the editor keeps the conversion, curve and undo history it had.

Words shown here are in the pitch editor's translation context ("PitchEditor").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.error_text import error_text


def save_project(editor: Any, output: str | Path) -> Path | None:
    """Writes the project file next to ``output`` (source, voice, options, edited curve)."""
    from models.convert.resynth import ConvertProject, project_path, sha256_of
    from models.convert.resynth import save_project as write

    if editor.session is None or editor.take is None or editor.curve is None:
        return None
    source = Path(editor.take.source)
    project = ConvertProject(
        source=source,
        source_sha256=sha256_of(source),
        voice=str(editor.take.voice),
        options=editor.session.state.options,
        key=float(editor.take.result.key),
        f0_hz=editor.curve,
        output=str(output),
    )
    return write(project_path(output), project)


def ask_open_project(editor: Any) -> None:
    from models.convert.resynth import PROJECT_SUFFIX

    path = file_dialogs.open_file(
        editor,
        editor._settings(),
        QCoreApplication.translate("PitchEditor", "Open an edited conversion"),
        QCoreApplication.translate("PitchEditor", "Edited conversion (*{suffix})").format(
            suffix=PROJECT_SUFFIX
        ),
    )
    if path:
        open_project(editor, path)


def open_project(editor: Any, path: str | Path) -> Any:
    """Starts reopening the project file ``path`` (see the module's docstring); returns the job, or
    ``None`` when it could not start (the reason is in ``editor.status``, or in the page's error box)."""
    from models.convert.resynth import ProjectError, load_project
    from voicecraft_desktop.core.library import VoiceLibrary
    from voicecraft_desktop.core.pitch_projects import ReopenWords, reopen_take

    name = Path(path).name
    try:
        project = load_project(path)
    except ProjectError as exc:
        editor.status.emit(
            QCoreApplication.translate("PitchEditor", "Cannot open: {reason}").format(reason=error_text(exc))
        )
        return None
    library = VoiceLibrary()
    entry = next((e for e in library.entries() if e.available and e.name == project.voice), None)
    if entry is None:
        editor.status.emit(
            QCoreApplication.translate(
                "PitchEditor", "Cannot open {file}: the voice “{voice}” is not in the library"
            ).format(file=name, voice=project.voice)
        )
        return None
    if editor.ctx is None or editor.start_job is None:
        return None
    store, device = editor.ctx.asset_store(), editor.ctx.device
    # the worker's refusals, in the user's language (made here, in the GUI thread)
    words = ReopenWords(
        missing=QCoreApplication.translate(
            "PitchEditor", "{path}: the conversion's source audio is missing"
        ).format(path=project.source),
        changed=QCoreApplication.translate(
            "PitchEditor", "{path}: the source audio changed since the conversion was saved"
        ).format(path=project.source),
        other_song=QCoreApplication.translate(
            "PitchEditor", "{path}: its pitch curve is not this song's length"
        ).format(path=path),
    )

    def task(cancel: Any) -> Any:
        return reopen_take(
            project, entry, store=store, device=device, library=library, words=words, cancel=cancel
        )

    job_name = QCoreApplication.translate("PitchEditor", "Reopen {file}").format(file=name)
    job = editor.start_job(job_name, task, lambda take: editor.take_reopened.emit(take, str(path)), gpu=True)
    if job is not None:
        editor.status.emit(
            QCoreApplication.translate("PitchEditor", "Reopening {file}: converting {source} again…").format(
                file=name, source=project.source.name
            )
        )
    return job
