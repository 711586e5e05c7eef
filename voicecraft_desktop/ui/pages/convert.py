"""The Convert page: a song or a take into a voice, compared A/B, exported; or a whole folder.

Input comes from a file, a drop onto the page, the latest take (``take_recorded``), or the Record
page's "send to Convert" (``send_to_convert``). Conversion is
:func:`voicecraft_desktop.core.convert_jobs.convert_take` run as a GPU job; the converter it
builds is kept and handed to the next job for the same voice and options. The result view shows
both waveforms and both pitch curves (the source's, shifted by the key the conversion used, and
the converted audio's own) on a note-name axis, with a playhead; A/B playback switches between
the source and the result at the same position (the views are
:class:`voicecraft_desktop.ui.widgets.comparison_plots.ComparisonPlots`). Exports (WAV/FLAC) and
folder batches are jobs too.

The automatic key offers whole octaves first (the song stays in its key, so a backing track still
fits; ``voicecraft convert --auto-key`` does the same), each mode explained in one line under it.
The folded "Advanced" section (:attr:`ConvertPage.advanced_form`, a ``QFormLayout`` other features
add their rows to; built by :mod:`.convert_advanced`) holds what the command line has: the output
sample rate (32 kHz, or 44.1/48 kHz resampled with soxr), file format and bits (exports and folder
batches), unvoiced frames, noise scale and seed. The status line describes what is on screen:
when no job runs and the input or the voice changes, it is derived again from them
(:meth:`ConvertPage.idle_text`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core.convert_jobs import TakeResult, convert_folder, convert_take
from voicecraft_desktop.core.library import VoiceLibrary
from voicecraft_desktop.core.playback import PlaybackError, Player
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.error_text import (
    engine_text,
    error_text,
    progress_text,
    quality_summary,
    timings_text,
)
from voicecraft_desktop.ui.pages._common import (
    JobPageMixin,
    call_task,
    fill_voice_combo,
    format_duration,
    interval_timer,
    show_error,
    splitter,
)
from voicecraft_desktop.ui.pages.convert_advanced import AdvancedSettingsMixin
from voicecraft_desktop.ui.widgets.comparison_plots import ComparisonPlots
from voicecraft_desktop.ui.widgets.cover_panel import CoverPanel
from voicecraft_desktop.ui.widgets.pitch_editor import PitchEditor
from voicecraft_desktop.ui.worker import Job

log = logging.getLogger(__name__)

AUTO_KEY = {  # label -> ConvertOptions.auto_key; whole octaves first (models.convert.key.DEFAULT_AUTO_KEY)
    QT_TRANSLATE_NOOP("ConvertPage", "Off (use the key shift)"): "off",
    QT_TRANSLATE_NOOP("ConvertPage", "Automatic, whole octaves"): "octaves",
    QT_TRANSLATE_NOOP("ConvertPage", "Automatic, nearest semitone"): "semitones",
}
KEY_HELP = {  # ConvertOptions.auto_key -> what it does (the one copy of these words)
    "off": QT_TRANSLATE_NOOP(
        "ConvertPage", "Shifts by the semitones set here (12 = one octave up, -12 one down)."
    ),
    "octaves": QT_TRANSLATE_NOOP(
        "ConvertPage",
        "Moves the song by whole octaves into the voice's range: it stays in its key, "
        "so a backing track still fits.",
    ),
    "semitones": QT_TRANSLATE_NOOP(
        "ConvertPage",
        "Moves the song to the nearest semitone of the voice's range: the closest fit "
        "for a voice alone, but usually out of key with a backing track.",
    ),
}
AUTO_F0 = "auto"  # a pitch method name, as ConvertOptions.f0_method takes it
AUDIO_FILTER = QT_TRANSLATE_NOOP(
    "ConvertPage", "Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus);;All files (*)"
)


class ConvertPage(AdvancedSettingsMixin, JobPageMixin, QWidget):
    """Single-file conversion with A/B comparison, export, and folder batches.

    Signals:
        job_done(str): ``"result"``, ``"failed"`` or ``"cancelled"`` for any job of this page.
    """

    job_done = Signal(str)
    CANCELLED_TEXT = QT_TRANSLATE_NOOP("ConvertPage", "Cancelled; nothing was written.")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convertPage")
        self.setAcceptDrops(True)
        self.ctx = ctx
        self.library = VoiceLibrary()
        self.player = Player()
        self.job: Job | None = None
        self.take: TakeResult | None = None
        self.batch_items: list[Any] | None = None
        self.latest_take: Path | None = None
        self.error_box: QMessageBox | None = None
        self._converter: Any = None
        self._converter_key: Any = None
        self._playing: str | None = None

        # --- input and settings
        self.input_edit = QLineEdit()
        self.input_edit.setObjectName("inputEdit")
        self.input_edit.setPlaceholderText(
            self.tr("Drop an audio file here, open one, or use the latest take")
        )
        self.open_button = QPushButton(self.tr("Open file…"))
        self.take_button = QPushButton(self.tr("Latest take"))
        self.take_button.setEnabled(False)
        self.take_button.setToolTip(
            self.tr("Record a take on the Record page; the latest one can then be converted here.")
        )
        row = QHBoxLayout()
        row.addWidget(self.input_edit, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.take_button)
        self.voice_combo = QComboBox()
        self.voice_combo.setObjectName("voiceCombo")
        self.voice_combo.setMinimumContentsLength(20)
        self.key_spin = QDoubleSpinBox()
        self.key_spin.setRange(-24, 24)
        self.key_spin.setSingleStep(1)
        self.key_spin.setDecimals(0)
        self.key_spin.setSuffix(self.tr(" semitones"))
        self.auto_key = QComboBox()
        self.auto_key.setObjectName("autoKeyCombo")
        for label, mode in AUTO_KEY.items():
            self.auto_key.addItem(self.tr(label), mode)
        self.key_help = QLabel()
        self.key_help.setObjectName("keyHelp")
        self.key_help.setWordWrap(True)
        self.key_help.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.key_help.setStyleSheet("color: palette(placeholder-text);")
        self.f0_combo = QComboBox()
        from models.features.pitch import PITCH_EXTRACTORS

        self.f0_combo.addItems([AUTO_F0, *PITCH_EXTRACTORS])  # the method names themselves (ids)
        self.gate_check = QCheckBox(self.tr("Mute non-singing gaps"))
        self.loudness_check = QCheckBox(self.tr("Match the input's loudness"))
        form = QFormLayout()
        form.addRow(self.tr("Input:"), row)
        self.cover_panel = CoverPanel(self)  # "Song with backing track": separate, convert, mix back
        form.addRow(self.tr("Input kind:"), self.cover_panel)
        form.addRow(self.tr("Voice:"), self.voice_combo)
        keys = QHBoxLayout()
        keys.addWidget(self.key_spin)
        keys.addWidget(self.auto_key)
        keys.addStretch(1)
        key_rows = QVBoxLayout()  # the mode's one-line explanation right under its choice
        key_rows.setSpacing(2)
        key_rows.addLayout(keys)
        key_rows.addWidget(self.key_help)
        form.addRow(self.tr("Key shift:"), key_rows)
        form.addRow(self.tr("Pitch method:"), self.f0_combo)
        extra = QHBoxLayout()
        extra.addWidget(self.gate_check)
        extra.addWidget(self.loudness_check)
        extra.addStretch(1)
        form.addRow("", extra)
        self._build_advanced()
        form.addRow(self.advanced_button)
        form.addRow(self.advanced_box)

        self.convert_button = QPushButton(self.tr("Convert"))
        self.convert_button.setObjectName("convertButton")
        self.batch_button = QPushButton(self.tr("Convert a folder…"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.play_a = QPushButton(self.tr("▶ A: source"))
        self.play_b = QPushButton(self.tr("▶ B: converted"))
        for b in (self.play_a, self.play_b):  # the one playing shows pressed (bold text would move the row)
            b.setCheckable(True)
        self.stop_play = QPushButton(self.tr("■ Stop"))
        self.export_wav = QPushButton(self.tr("Export WAV…"))
        self.export_flac = QPushButton(self.tr("Export FLAC…"))
        actions = QHBoxLayout()
        for b in (self.convert_button, self.batch_button, self.cancel_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.play_a, self.play_b, self.stop_play, self.export_wav, self.export_flac):
            actions.addWidget(b)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel(self.tr("Choose an input and a voice, then Convert."))
        self.status_label.setWordWrap(True)

        # --- result views
        self.plots = ComparisonPlots()
        self.pitch_editor = PitchEditor(self.plots, ctx.runner, ctx=ctx)  # edits the pitch plot's curve
        self.report_view = QPlainTextEdit()
        self.report_view.setObjectName("qualityReport")
        self.report_view.setReadOnly(True)
        self.report_view.setPlaceholderText(self.tr("The quality report of a conversion appears here."))
        report_box = QGroupBox(self.tr("Quality report"))
        QVBoxLayout(report_box).addWidget(self.report_view)
        report_box.setMinimumWidth(340)
        self.result_box = QGroupBox(self.tr("Result: nothing converted yet"))  # names what the plots show
        self.result_box.setObjectName("resultBox")
        result_layout = QVBoxLayout(self.result_box)
        result_layout.setContentsMargins(4, 4, 4, 4)  # the plots' own white margins suffice
        result_layout.addWidget(self.plots)
        self.plots.take_shown.connect(self._on_take_shown)
        body = splitter(Qt.Orientation.Horizontal, [self.result_box, report_box], [3, 1], [760, 360])
        body.setChildrenCollapsible(False)
        content = QWidget()  # the whole page scrolls once the window is too short for it all:
        layout = QVBoxLayout(content)  # opening Advanced never squeezes the plots below their minimum
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("convertScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        page_layout = QVBoxLayout(self)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.scroll_area)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.pitch_editor)
        layout.addWidget(body, 1)
        self.pitch_editor.status.connect(self.status_label.setText)
        self.pitch_editor.audio_changed.connect(lambda: self._playing == "B" and self.play("B"))
        self.pitch_editor.report_changed.connect(self._show_report_note)
        self.pitch_editor.start_job = self._start  # a reopen: this page's progress bar and Cancel
        self.pitch_editor.play_requested.connect(lambda start: self.play("B", start))
        self.pitch_editor.take_reopened.connect(self.show_reopened)

        self.open_button.clicked.connect(self._ask_input)
        self.take_button.clicked.connect(lambda: self.latest_take and self.set_input(self.latest_take))
        self.convert_button.clicked.connect(self.convert)
        self.batch_button.clicked.connect(self._ask_batch)
        self.cancel_button.clicked.connect(self.cancel_job)
        self.play_a.clicked.connect(lambda: self.play("A"))
        self.play_b.clicked.connect(lambda: self.play("B"))
        self.stop_play.clicked.connect(self.stop_playback)
        self.export_wav.clicked.connect(lambda: self._ask_export("wav"))
        self.export_flac.clicked.connect(lambda: self._ask_export("flac"))
        self.auto_key.currentIndexChanged.connect(self._on_auto_key_changed)
        self.cover_panel.kind_combo.currentIndexChanged.connect(self._update_buttons)
        self._on_auto_key_changed()
        self.input_edit.textChanged.connect(self._update_buttons)
        self.voice_combo.currentIndexChanged.connect(self._update_buttons)
        ctx.events.voices_changed.connect(self.refresh)
        ctx.events.take_recorded.connect(self._on_take_recorded)
        ctx.events.send_to_convert.connect(self.set_input)
        self._timer = interval_timer(self, 50, self._poll_player)
        self.refresh()

    # ------------------------------------------------------------------ inputs

    def refresh(self) -> None:
        """Re-lists the library's voices; keeps the current one; forgets a converter whose voice is gone."""
        if self._converter_key is not None and not Path(self._converter_key.voice_folder).is_dir():
            self._converter = self._converter_key = None
        fill_voice_combo(self.voice_combo, self.library)
        self._update_buttons()

    def set_input(self, path: str | os.PathLike[str]) -> None:
        """Uses this file as the input (from a dialog, a drop, a take or the Record page)."""
        self.input_edit.setText(os.fspath(path))

    def input_path(self) -> Path | None:
        text = self.input_edit.text().strip()
        return Path(text) if text else None

    def select_voice(self, name: str) -> bool:
        index = self.voice_combo.findText(name)
        if index >= 0:
            self.voice_combo.setCurrentIndex(index)
        return index >= 0

    def auto_key_mode(self) -> str:
        return str(self.auto_key.currentData())

    def set_auto_key_mode(self, mode: str) -> None:
        """Chooses the automatic key mode: "off", "octaves" or "semitones"."""
        self.auto_key.setCurrentIndex(self.auto_key.findData(mode))

    def _on_auto_key_changed(self) -> None:
        mode = self.auto_key_mode()
        self.key_spin.setEnabled(mode == "off")
        self.key_help.setText(self.tr(KEY_HELP[mode]))

    def options(self) -> Any:
        """The :class:`models.convert.options.ConvertOptions` the controls describe."""
        from models.convert.options import ConvertOptions

        return ConvertOptions(
            key=self.key_spin.value(),
            auto_key=self.auto_key_mode(),
            f0_method=self.f0_combo.currentText(),
            unvoiced=str(self.unvoiced_combo.currentData()),
            noise_scale=self.noise_spin.value(),
            seed=self.seed_spin.value(),
            silence_gate=self.gate_check.isChecked(),
            match_loudness=self.loudness_check.isChecked(),
            retrieval_ratio=self.index_slider.ratio(),
            speed=self.ctx.settings.get("compute/speed"),
        )

    def _checked_options(self) -> Any:
        """:meth:`options`, or ``None`` after saying on the page (status line and a dialog) which
        setting is out of range: the same rule as the command line (``ConvertOptions``)."""
        try:
            return self.options()
        except ValueError as exc:
            message = error_text(exc, str(exc))
            self.status_label.setText(self.tr("Cannot convert: {message}").format(message=message))
            self.error_box = show_error(
                self, self.tr("Invalid conversion settings"), message[:1].upper() + message[1:]
            )
            return None

    def _on_take_recorded(self, path: str) -> None:
        self.latest_take = Path(path)
        self.take_button.setEnabled(True)
        self.take_button.setToolTip(path)

    def _ask_input(self) -> None:
        path = file_dialogs.open_file(
            self, self.ctx.settings, self.tr("Audio to convert"), self.tr(AUDIO_FILTER)
        )
        if path is not None:
            self.set_input(path)

    def dragEnterEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not files:
            return
        event.acceptProposedAction()
        if files[0].is_dir():
            out = file_dialogs.existing_dir(
                self, self.ctx.settings, self.tr("Where to put the converted files")
            )
            if out is not None:
                self.convert_batch(files[0], out)
        else:
            self.set_input(files[0])

    def _update_buttons(self) -> None:
        busy = self.job is not None
        has_voice = self.voice_combo.currentData() is not None
        self.convert_button.setEnabled(not busy and has_voice and self.input_path() is not None)
        self.batch_button.setEnabled(not busy and has_voice)
        self.cancel_button.setEnabled(busy)
        has_result = self.take is not None
        for b in (self.play_a, self.play_b, self.export_wav, self.export_flac):
            b.setEnabled(has_result)
        self.stop_play.setEnabled(self._playing is not None)
        if getattr(self, "cover_panel", None) is not None:
            self.cover_panel.update_buttons()
            song = self.cover_panel.is_song()  # a song is heard and exported with the panel's own buttons
            for b in (self.play_a, self.play_b, self.stop_play, self.export_wav, self.export_flac):
                b.setVisible(not song)
        state = (self.input_edit.text().strip(), self.voice_combo.currentText())
        if busy:  # the job's messages belong to what it was started with
            self._status_state = state
        elif state != getattr(self, "_status_state", None):
            self._status_state = state
            self.status_label.setText(self.idle_text())

    def idle_text(self) -> str:
        """The status line when no job runs, from what is on screen (input and voice)."""
        if self.voice_combo.currentData() is None:
            return self.tr("No voice in the library yet: train one, or import one on the Library page.")
        path = self.input_path()
        if path is None:
            return self.tr("Choose a song or a take: Open file…, drop one on this page, or Latest take.")
        return self.tr("Ready to convert {file} into “{voice}”: press Convert.").format(
            file=path.name, voice=self.voice_combo.currentText()
        )

    # ------------------------------------------------------------------ jobs

    def convert(self) -> Job | None:
        """Converts the input file into the chosen voice."""
        path, entry = self.input_path(), self.voice_combo.currentData()
        if path is None or entry is None or self.job is not None:
            return None
        options = self._checked_options()
        if options is None:
            return None
        if self.cover_panel.is_song():  # a song with its backing track: separated, converted, mixed back
            return self.cover_panel.convert(options)
        store, device = self.ctx.asset_store(), self.ctx.device
        converter, key, library = self._converter, self._converter_key, self.library

        def task(cancel):  # type: ignore[no-untyped-def]
            return convert_take(
                path,
                entry,
                options,
                store=store,
                device=device,
                converter=converter,
                key=key,
                cancel=cancel,
                library=library,
            )

        self.stop_playback()
        name = self.tr("Convert {file} → {voice}").format(file=path.name, voice=entry.name)
        return self._start(name, task, self._on_converted, gpu=True)

    def convert_batch(self, folder: Path, out_dir: Path, fmt: str | None = None) -> Job | None:
        """Converts every audio file in ``folder`` into ``out_dir``, as ``fmt`` (default: the
        Advanced format) with the Advanced bits and sample rate."""
        fmt = fmt or str(self.format_combo.currentData())
        subtype, rate = self.output_bits(fmt), self.output_sample_rate()
        entry = self.voice_combo.currentData()
        if entry is None or self.job is not None:
            return None
        options = self._checked_options()
        if options is None:
            return None
        if self.cover_panel.is_song():  # songs with their backing tracks: a mix and two stems each
            return self.cover_panel.convert_batch(folder, out_dir, options, fmt, subtype)
        store, device, library = (
            self.ctx.asset_store(),
            self.ctx.device,
            self.library,
        )

        def task(cancel):  # type: ignore[no-untyped-def]
            return convert_folder(
                folder,
                out_dir,
                entry,
                options,
                store=store,
                fmt=fmt,
                subtype=subtype,
                sample_rate=rate,
                device=device,
                cancel=cancel,
                library=library,
            )

        return self._start(
            self.tr("Convert folder {folder} → {voice}").format(folder=folder.name, voice=entry.name),
            task,
            self._on_batch_done,
            gpu=True,
        )

    def _ask_batch(self) -> None:
        folder = file_dialogs.existing_dir(self, self.ctx.settings, self.tr("Folder of songs to convert"))
        if folder is None:
            return
        out = file_dialogs.existing_dir(self, self.ctx.settings, self.tr("Where to put the converted files"))
        if out is not None:
            self.convert_batch(folder, out)

    def _on_progress(self, p: Any) -> None:
        self.progress.setValue(int(1000 * min(max(getattr(p, "fraction", 0.0), 0.0), 1.0)))
        if hasattr(p, "index"):  # BatchProgress
            what = progress_text(p.step) if p.step is not None else self.tr("starting")
            self.status_label.setText(
                self.tr("File {number} of {total}: {name} — {what}").format(
                    number=p.index + 1, total=p.total, name=Path(p.file).name, what=what
                )
            )
        else:
            self.status_label.setText(
                self.tr("Converting: {what}").format(what=progress_text(p))
            )

    def _on_converted(self, take: TakeResult) -> None:
        self.take = take
        self._converter, self._converter_key = take.converter, take.converter_key
        r = take.result
        self.progress.setValue(1000)
        seconds = len(r.audio) / r.sample_rate
        total = sum(r.timings.values())
        self.status_label.setText(
            self.tr(
                "Converted {name} into “{voice}”: {length}, key {key:+g}, {total:.1f} s to convert. Compare "
                "A/B, then export."
            ).format(
                name=take.source.name,
                voice=take.voice,
                length=format_duration(seconds),
                key=r.key,
                total=total,
            )
        )
        self.show_result(take)
        self.job_done.emit("result")

    def show_reopened(self, take: TakeResult, project_file: str) -> None:
        """A conversion reopened from its project file (the pitch editor's "Open edited
        conversion…"): the input, voice, key and options on the page become the reopened
        conversion's (Convert would repeat it), then it is shown like a new conversion."""
        options = take.result.features.options
        self.cover_panel.set_kind("vocal")
        self.set_input(take.source)
        self.select_voice(take.voice)
        self.set_auto_key_mode(options.auto_key)
        self.key_spin.setValue(options.key)
        self.f0_combo.setCurrentText(options.f0_method)
        self.unvoiced_combo.setCurrentIndex(self.unvoiced_combo.findData(options.unvoiced))
        self.noise_spin.setValue(options.noise_scale)
        self.seed_spin.setValue(options.seed)
        self.gate_check.setChecked(options.silence_gate)
        self.loudness_check.setChecked(options.match_loudness)
        self.index_slider.set_ratio(options.retrieval_ratio)
        self._on_converted(take)
        r = take.result
        self.status_label.setText(
            self.tr(
                "Reopened {project}: {name} in “{voice}”, {length}, key {key:+g}, with its pitch edits. "
                "Edit the pitch, compare A/B, then export."
            ).format(
                project=Path(project_file).name,
                name=take.source.name,
                voice=take.voice,
                length=format_duration(len(r.audio) / r.sample_rate),
                key=r.key,
            )
        )

    def _show_report_note(self, note: str) -> None:
        """The pitch editor measures the quality report of the edited audio again: the report of the
        take on screen (not a batch's) is shown again, with ``note`` ("updating…") under it."""
        take = self.take
        if take is None or take is not self.pitch_editor.take:
            return
        lines = self._report_lines(take)
        if not self.report_view.toPlainText().startswith(lines[0]):
            return  # the report view shows something else now (a folder batch)
        self.report_view.setPlainText("\n".join(lines + ([note] if note else [])))

    def _on_take_shown(self, take: Any) -> None:
        """The plots show ``take``: the result box names it (it stays on screen while the input or
        voice changes, or while a newer conversion fails). A take the page did not convert itself
        (a song's vocal, from the cover panel) replaces an earlier vocal conversion: A/B, export and
        pitch editing no longer act on that one."""
        self.result_box.setTitle(
            self.tr("Result: {file} in “{voice}”, key {key:+g}").format(
                file=take.source.name, voice=take.voice, key=take.result.key
            )
        )
        if self.take is not None and take is not self.take:
            self.stop_playback()
            self.take = None
            self.pitch_editor.set_take(None)
            self._update_buttons()

    def _on_batch_done(self, items: list[Any]) -> None:
        self.batch_items = items
        self.progress.setValue(1000)
        ok = [i for i in items if not i.error]
        lines = [
            self.tr("Folder batch: {ok} converted, {failed} failed.").format(
                ok=len(ok), failed=len(items) - len(ok)
            )
        ]
        for item in items:
            lines.append(
                f"✗ {item.source.name}: {engine_text(item.error)}"
                if item.error
                else f"✓ {item.source.name} → {item.output}"
            )
            if not item.error and getattr(item, "note", None):
                lines.append("  " + self.tr("note: {note}").format(note=engine_text(item.note)))
            if not item.error and item.result is not None and item.result.report is not None:
                lines.append(quality_summary(item.result.report))
        self.report_view.setPlainText("\n".join(lines))
        self.status_label.setText(lines[0])
        self.job_done.emit("result")

    # ------------------------------------------------------------------ result

    def show_result(self, take: TakeResult) -> None:
        """Draws both waveforms and both pitch curves, and fills the quality report."""
        self.plots.show_take(take)
        self.pitch_editor.set_take(take)
        self.report_view.setPlainText("\n".join(self._report_lines(take)))
        self._update_buttons()

    def _report_lines(self, take: TakeResult) -> list[str]:
        """The quality report view's lines for a take (its report as measured last)."""
        r = take.result
        lines = [
            f"{take.source.name} → “{take.voice}”",
            self.tr("key shift: {key:+g} semitones").format(key=r.key),
        ]
        if r.report is not None:
            lines.append(quality_summary(r.report))
        lines += [self.tr("note: {note}").format(note=engine_text(n)) for n in r.notes]
        lines.append(self.tr("time: {times}").format(times=timings_text(r.timings)))
        return lines

    # ------------------------------------------------------------------ A/B playback

    def play(self, which: str, start_s: float | None = None) -> bool:
        """Plays A (source) or B (converted); switching while playing keeps the position
        (``start_s``: start there instead, e.g. the pitch editor's cursor)."""
        if self.take is None:
            return False
        wave = self.take.source_audio if which == "A" else self.take.result.audio
        try:
            if start_s is not None:
                self.player.play(wave, self.take.result.sample_rate, start_s)
            elif self._playing is not None and self.player.playing:
                self.player.swap(wave, self.take.result.sample_rate)
            else:
                self.player.play(wave, self.take.result.sample_rate)
        except PlaybackError as exc:
            self._playing = None
            self.error_box = show_error(self, self.tr("Cannot play"), error_text(exc))
            return False
        self._playing = which
        self._show_playing()
        self.plots.show_playhead(True)
        self._timer.start()
        self._update_buttons()
        return True

    def stop_playback(self) -> None:
        self.player.stop()
        self._poll_player()

    def _show_playing(self) -> None:
        """The playing side's button shows pressed (a click on a pressed one plays it again)."""
        self.play_a.setChecked(self._playing == "A")
        self.play_b.setChecked(self._playing == "B")

    def toggle_playback(self) -> bool:
        """Space: stops what plays, else plays the converted audio (B; a song's converted mix, C)."""
        if self.player.playing:  # the page's A/B or the cover panel's sounds: one player
            self.stop_playback()
            self.cover_panel.stop()
            return True
        if self.cover_panel.is_song():
            return self.cover_panel.play("C")
        return self.play("B")

    def shortcut_open(self) -> None:
        """Ctrl+O: open a file to convert."""
        self._ask_input()

    def shortcut_export(self) -> None:
        """Ctrl+E: export the result in the Advanced format (a song: its mix and stems)."""
        if self.cover_panel.is_song():
            self.cover_panel.export_button.click()  # does nothing while disabled (no song converted)
            return
        self._ask_export(str(self.format_combo.currentData()))

    def _poll_player(self) -> None:
        self.plots.move_playhead(self.player.position_s)
        if not self.player.playing:
            self._timer.stop()
            self._playing = None
            self._show_playing()
            self.plots.show_playhead(False)
            self._update_buttons()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.stop_playback()
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Stops playback and drops the loaded converter (the main window calls it on close)."""
        self.stop_playback()
        self._converter = self._converter_key = None

    # ------------------------------------------------------------------ export

    def _ask_export(self, fmt: str) -> None:
        if self.take is None:
            return
        from models.convert.files import output_name

        name = output_name(self.take.source, self.take.voice, fmt)
        label = "FLAC (*.flac)" if fmt == "flac" else "WAV (*.wav)"
        path = file_dialogs.save_file(
            self, self.ctx.settings, self.tr("Export {format}").format(format=fmt.upper()), name, label
        )
        if path is not None:
            self.export(path, fmt)

    def export(self, path: Path, fmt: str = "wav", subtype: str | None = None) -> Job | None:
        """Writes the converted audio (atomically, after removing stale temporaries of killed
        writes in that folder) as WAV or FLAC, in the Advanced bits (``subtype`` overrides) and
        sample rate; a broken buffer is refused with a message."""
        from models.convert.files import export_audio

        if self.take is None or self.job is not None:
            return None
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
        r = self.take.result
        subtype = subtype or self.output_bits(fmt)
        task = call_task(export_audio, path, r.audio, r.sample_rate, fmt, subtype, self.output_sample_rate())
        name = self.tr("Export {file}").format(file=path.name)
        return self._start(name, task, self._on_exported, gpu=False)

    def _on_exported(self, path: Path) -> None:
        self.progress.setValue(1000)
        self.status_label.setText(self.tr("Exported {path}").format(path=path))
        try:  # the edited pitch is saved next to it, so the conversion can be reopened and edited
            self.pitch_editor.save_project(path)
        except OSError as exc:
            self.status_label.setText(
                self.tr("Exported {path}; its pitch edits could not be saved ({exc})").format(
                    path=path, exc=exc
                )
            )
        self.ctx.events.status.emit(self.tr("Exported {file}").format(file=Path(path).name))
        self.job_done.emit("result")
