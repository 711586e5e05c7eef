"""The Convert page's "Song with backing track" input kind: separate, preview, convert, A/B/C, mix, export.

:class:`CoverPanel` sits in the Convert page's form. Its "Input kind" choice says what the input
is: a dry vocal (the page converts it as always) or a song with its backing track. For a song the
panel shows:

- the separation model and a Separate button (a job: Demucs, cached per file hash, so a second
  separation or conversion of the same song skips it), then Vocal / Backing preview buttons;
- whether the backing follows the key (whole octaves leave it as it is);
- after the page's Convert (which hands songs to :meth:`CoverPanel.convert`): A/B/C playback of the
  original song, the converted vocal and the converted mix, per-stem level sliders that change the
  mix C plays, and "Export mix and stems…" (WAV or FLAC, the Advanced bits, the song's rate).

Folder batches of songs (:meth:`CoverPanel.convert_batch`) write a mix and two stems per song. Jobs
run through the page's job machinery (its progress bar, status line, Cancel and error dialogs).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.error_text import engine_text, error_text, quality_summary, separation_text
from voicecraft_desktop.ui.pages._common import call_task, interval_timer, show_error

log = logging.getLogger(__name__)

KINDS = {
    "vocal": QT_TRANSLATE_NOOP("CoverPanel", "Vocal only (a take or an a cappella)"),
    "song": QT_TRANSLATE_NOOP("CoverPanel", "Song with backing track"),
}
MIN_DB, MAX_DB = -60, 12  # models.convert.cover.MIN_GAIN_DB / MAX_GAIN_DB


class CoverPanel(QWidget):
    """The cover controls of a Convert page (see the module docstring).

    Args:
        page: the :class:`voicecraft_desktop.ui.pages.convert.ConvertPage` it belongs to (its
            ``ctx``, voice, options, jobs, player and status line are used).
    """

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        from models.features.separation import SEPARATION_MODELS

        self.setObjectName("coverPanel")
        self.page = page
        self.stems: Any = None  # core.cover_jobs.SongStems of the current input
        self.take: Any = None  # core.cover_jobs.CoverTake of the current input
        self._mix: np.ndarray | None = None
        self._playing: str | None = None

        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("inputKindCombo")
        for kind, label in KINDS.items():
            self.kind_combo.addItem(self.tr(label), kind)
        self.kind_help = QLabel()
        self.kind_help.setWordWrap(True)
        self.kind_help.setStyleSheet("color: palette(placeholder-text);")

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("separationModelCombo")
        for name, model in SEPARATION_MODELS.items():
            label, description = separation_text(name, model)
            self.model_combo.addItem(label, name)
            self.model_combo.setItemData(
                self.model_combo.count() - 1, description, Qt.ItemDataRole.ToolTipRole
            )
        self.separate_button = QPushButton(self.tr("Separate"))
        self.separate_button.setObjectName("separateButton")
        self.separate_button.setToolTip(
            self.tr("Split the song into its vocal and its backing track, to listen before converting.")
        )
        self.play_vocal = QPushButton(self.tr("▶ Vocal"))
        self.play_backing = QPushButton(self.tr("▶ Backing"))
        self.shift_check = QCheckBox(
            self.tr("Shift the backing with the key (whole octaves leave it as it is)")
        )
        self.shift_check.setObjectName("shiftBackingCheck")
        self.play_a = QPushButton(self.tr("▶ A: original song"))
        self.play_b = QPushButton(self.tr("▶ B: converted vocal"))
        self.play_c = QPushButton(self.tr("▶ C: converted mix"))
        self.stop_button = QPushButton(self.tr("■ Stop"))
        self.vocal_slider, self.vocal_value = self._level_slider("vocalLevelSlider")
        self.backing_slider, self.backing_value = self._level_slider("backingLevelSlider")
        self.export_button = QPushButton(self.tr("Export mix and stems…"))
        self.export_button.setObjectName("exportCoverButton")
        for b in (self.play_vocal, self.play_backing, self.play_a, self.play_b, self.play_c):
            b.setCheckable(True)

        sep_row = QHBoxLayout()
        sep_row.addWidget(self.model_combo)
        sep_row.addWidget(self.separate_button)
        sep_row.addWidget(self.play_vocal)
        sep_row.addWidget(self.play_backing)
        sep_row.addStretch(1)
        listen = QHBoxLayout()
        for b in (self.play_a, self.play_b, self.play_c, self.stop_button):
            listen.addWidget(b)
        listen.addStretch(1)
        levels = QHBoxLayout()
        levels.addWidget(QLabel(self.tr("Vocal")))
        levels.addWidget(self.vocal_slider, 1)
        levels.addWidget(self.vocal_value)
        levels.addSpacing(16)
        levels.addWidget(QLabel(self.tr("Backing")))
        levels.addWidget(self.backing_slider, 1)
        levels.addWidget(self.backing_value)
        levels.addSpacing(16)
        levels.addWidget(self.export_button)

        self.song_box = QWidget()
        self.song_box.setObjectName("songBox")
        song_form = QFormLayout(self.song_box)
        song_form.setContentsMargins(0, 0, 0, 0)
        song_form.addRow(self.tr("Separation:"), sep_row)
        song_form.addRow("", self.shift_check)
        song_form.addRow(self.tr("Listen:"), listen)
        song_form.addRow(self.tr("Mix levels:"), levels)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_combo)
        kind_row.addWidget(self.kind_help, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(kind_row)
        layout.addWidget(self.song_box)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.model_combo.currentIndexChanged.connect(self._forget)
        self.separate_button.clicked.connect(self.separate)
        self.play_vocal.clicked.connect(lambda: self.play("vocal"))
        self.play_backing.clicked.connect(lambda: self.play("backing"))
        self.play_a.clicked.connect(lambda: self.play("A"))
        self.play_b.clicked.connect(lambda: self.play("B"))
        self.play_c.clicked.connect(lambda: self.play("C"))
        self.stop_button.clicked.connect(self.stop)
        self.vocal_slider.valueChanged.connect(self._on_levels)
        self.backing_slider.valueChanged.connect(self._on_levels)
        self.export_button.clicked.connect(self._ask_export)
        page.input_edit.textChanged.connect(self._forget)
        self._timer = interval_timer(self, 100, self._poll)
        self._on_kind_changed()

    def _level_slider(self, name: str) -> tuple[QSlider, QLabel]:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(name)
        slider.setRange(MIN_DB, MAX_DB)
        slider.setValue(0)
        slider.setMinimumWidth(120)
        slider.setToolTip(self.tr("Level in the mix, in dB (all the way left: silent)"))
        value = QLabel()
        value.setMinimumWidth(58)
        return slider, value

    # ------------------------------------------------------------------ state

    def is_song(self) -> bool:
        return self.kind_combo.currentData() == "song"

    def set_kind(self, kind: str) -> None:
        """Chooses the input kind: "vocal" or "song"."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def separation_model(self) -> str:
        return str(self.model_combo.currentData())

    def cover_options(self) -> Any:
        """The :class:`models.convert.cover.CoverOptions` the controls describe."""
        from models.convert.cover import CoverOptions

        return CoverOptions(
            float(self.vocal_slider.value()),
            float(self.backing_slider.value()),
            self.shift_check.isChecked(),
            self.separation_model(),
        )

    def _on_kind_changed(self) -> None:
        song = self.is_song()
        self.song_box.setVisible(song)
        self.kind_help.setText(
            self.tr(
                "The vocal is separated from the band (Demucs), converted, and mixed back over the backing."
            )
            if song
            else self.tr("Convert a recording of a voice alone.")
        )
        self.update_buttons()

    def _forget(self) -> None:
        """The input or the model changed: what was separated or converted belongs to another song."""
        self.stop()
        self.stems = self.take = self._mix = None
        self.update_buttons()

    def update_buttons(self) -> None:
        busy = self.page.job is not None
        has_input = self.page.input_path() is not None
        self.separate_button.setEnabled(not busy and has_input)
        for b in (self.play_vocal, self.play_backing):
            b.setEnabled(self.stems is not None)
        for b in (self.play_a, self.play_b, self.play_c, self.export_button):
            b.setEnabled(self.take is not None and not (busy and b is self.export_button))
        self.stop_button.setEnabled(self._playing is not None)
        self._show_levels()

    def _show_levels(self) -> None:
        for slider, label in (
            (self.vocal_slider, self.vocal_value),
            (self.backing_slider, self.backing_value),
        ):
            value = slider.value()
            label.setText(
                self.tr("silent") if value <= MIN_DB else self.tr("{value:+d} dB").format(value=value)
            )

    def _on_levels(self) -> None:
        self._show_levels()
        self._mix = None
        if self._playing == "C":  # the mix being heard follows the sliders
            self.play("C", keep_position=True)

    # ------------------------------------------------------------------ jobs

    def _store_device(self) -> tuple[Any, Any]:
        return self.page.ctx.asset_store(), self.page.ctx.device

    def separate(self) -> Any:
        """Separates the page's input (a job); the Vocal and Backing previews follow."""
        from voicecraft_desktop.core.cover_jobs import separate_song

        path = self.page.input_path()
        if path is None or self.page.job is not None:
            return None
        store, device = self._store_device()
        model = self.separation_model()

        def task(cancel):  # type: ignore[no-untyped-def]
            return separate_song(path, store=store, model_name=model, device=device, cancel=cancel)

        self.stop()
        name = self.tr("Separate {file}").format(file=path.name)
        return self.page._start(name, task, self._on_separated, gpu=True)

    def _on_separated(self, stems: Any) -> None:
        self.stems = stems
        self.page.progress.setValue(1000)
        where = self.tr("from the cache") if stems.cached else self.tr("done")
        self.page.status_label.setText(
            self.tr("Separated {name} ({where}): listen to the vocal and the backing, then Convert.").format(
                name=stems.source.name, where=where
            )
        )
        self.update_buttons()
        self.page.job_done.emit("result")

    def convert(self, options: Any) -> Any:
        """Converts the page's input as a song (the page's Convert calls this for songs)."""
        from voicecraft_desktop.core.cover_jobs import convert_song_take

        path, entry = self.page.input_path(), self.page.voice_combo.currentData()
        if path is None or entry is None or self.page.job is not None:
            return None
        try:
            cover = self.cover_options()
        except ValueError as exc:
            self.page.error_box = show_error(self.page, self.tr("Invalid mix settings"), str(exc))
            return None
        store, device = self._store_device()
        converter, key, library = self.page._converter, self.page._converter_key, self.page.library
        stems = self.stems

        def task(cancel):  # type: ignore[no-untyped-def]
            return convert_song_take(
                path,
                entry,
                options,
                cover,
                store=store,
                device=device,
                converter=converter,
                key=key,
                cancel=cancel,
                library=library,
                stems=stems,
            )

        self.stop()
        name = self.tr("Convert {file} → {voice}").format(file=path.name, voice=entry.name)
        return self.page._start(name, task, self._on_converted, gpu=True)

    def _on_converted(self, take: Any) -> None:
        self.take, self.stems = take, take.stems
        self.page._converter, self.page._converter_key = take.converter, take.converter_key
        self._mix = None
        r = take.result
        self.page.progress.setValue(1000)
        shift = (
            self.tr(", backing shifted {semitones:+g} semitones").format(semitones=r.backing_semitones)
            if r.backing_semitones
            else ""
        )
        self.page.status_label.setText(
            self.tr(
                "Converted {name} into “{voice}” (key {key:+g}{shift}). Compare A/B/C, set the levels, then "
                "export the mix and its stems."
            ).format(name=take.source.name, voice=take.voice, key=r.conversion.key, shift=shift)
        )
        lines = [
            self.tr("{file} → “{voice}” (song with backing track)").format(
                file=take.source.name, voice=take.voice
            ),
            self.tr("key shift: {key:+g} semitones; backing: {backing:+g} semitones").format(
                key=r.conversion.key, backing=r.backing_semitones
            ),
            (
                self.tr("separation: {model} (reused)")
                if take.stems.cached
                else self.tr("separation: {model}")
            ).format(model=take.stems.model),
        ]
        if r.report is not None:
            lines.append(quality_summary(r.report))
        notes = [*r.conversion.notes, *r.notes]
        lines += [self.tr("note: {note}").format(note=engine_text(n)) for n in notes]
        self.page.report_view.setPlainText("\n".join(lines))
        if take.vocal_take is not None:  # the vocal and its conversion in the page's waveform and pitch views
            self.page.plots.show_take(take.vocal_take)
        self.update_buttons()
        self.page.job_done.emit("result")

    def convert_batch(self, folder: Path, out_dir: Path, options: Any, fmt: str, subtype: str) -> Any:
        """Every song of ``folder`` as a cover into ``out_dir`` (the page's folder batch, for songs)."""
        from voicecraft_desktop.core.cover_jobs import convert_song_folder

        entry = self.page.voice_combo.currentData()
        if entry is None or self.page.job is not None:
            return None
        cover = self.cover_options()
        store, device = self._store_device()
        library = self.page.library

        def task(cancel):  # type: ignore[no-untyped-def]
            return convert_song_folder(
                folder,
                out_dir,
                entry,
                options,
                cover,
                store=store,
                fmt=fmt,
                subtype=subtype,
                device=device,
                cancel=cancel,
                library=library,
            )

        return self.page._start(
            self.tr("Convert songs in {folder} → {voice}").format(folder=folder.name, voice=entry.name),
            task,
            self.page._on_batch_done,
            gpu=True,
        )

    def _ask_export(self) -> None:
        if self.take is None:
            return
        from models.convert.files import output_name

        fmt = str(self.page.format_combo.currentData())
        name = output_name(self.take.source, self.take.voice, fmt)
        label = "FLAC (*.flac)" if fmt == "flac" else "WAV (*.wav)"
        path = file_dialogs.save_file(
            self.page, self.page.ctx.settings, self.tr("Export the mix and its stems"), name, label
        )
        if path is not None:
            self.export(path, fmt)

    def export(self, path: Path, fmt: str = "wav", subtype: str | None = None) -> Any:
        """Writes the mix (at the sliders' levels) and both stems next to it, at the song's rate."""
        from models.convert.cover import write_cover

        if self.take is None or self.page.job is not None:
            return None
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
        subtype = subtype or self.page.output_bits(fmt)
        task = call_task(write_cover, path, self.take.result, self.cover_options(), fmt, subtype)
        name = self.tr("Export {file}").format(file=path.name)
        return self.page._start(name, task, self._on_exported, gpu=False)

    def _on_exported(self, paths: dict[str, Path]) -> None:
        self.page.progress.setValue(1000)
        self.page.status_label.setText(
            self.tr("Exported {name}, with {name1} and {name2}, to {parent}.").format(
                name=paths["mix"].name,
                name1=paths["vocal"].name,
                name2=paths["backing"].name,
                parent=paths["mix"].parent,
            )
        )
        self.page.job_done.emit("result")

    # ------------------------------------------------------------------ playback

    def mix(self) -> np.ndarray:
        """The converted mix at the sliders' levels, (T, C)."""
        from models.convert.cover import mix

        if self._mix is None:
            r = self.take.result
            self._mix = mix(r.vocal, r.backing, self.vocal_slider.value(), self.backing_slider.value())[0]
        return self._mix

    def audio(self, which: str) -> tuple[np.ndarray, int] | None:
        """(mono samples, rate) for "vocal", "backing" (separated), "A", "B" or "C" (converted)."""
        if which in ("vocal", "backing"):
            if self.stems is None:
                return None
            data = self.stems.vocal if which == "vocal" else self.stems.backing
            return data.mean(axis=1), self.stems.sample_rate
        if self.take is None:
            return None
        r = self.take.result
        data = {
            "A": lambda: r.original if r.original is not None else r.backing,
            "B": lambda: r.vocal[:, None],
            "C": self.mix,
        }[which]()
        return np.ascontiguousarray(data.mean(axis=1), np.float32), r.sample_rate

    def play(self, which: str, keep_position: bool = False) -> bool:
        """Plays one of the sounds; switching while playing keeps the position."""
        from voicecraft_desktop.core.playback import PlaybackError

        sound = self.audio(which)
        if sound is None:
            return False
        player = self.page.player
        if self.page._playing is not None:
            self.page.stop_playback()
        try:
            if (keep_position or self._playing is not None) and player.playing:
                player.swap(*sound)
            else:
                player.play(*sound)
        except PlaybackError as exc:
            self._playing = None
            self.page.error_box = show_error(self.page, self.tr("Cannot play"), error_text(exc))
            return False
        self._playing = which
        self._show_playing()
        self._timer.start()
        self.update_buttons()
        return True

    def stop(self) -> None:
        if self._playing is not None:
            self.page.player.stop()
        self._poll()

    def _show_playing(self) -> None:
        buttons = {
            "vocal": self.play_vocal,
            "backing": self.play_backing,
            "A": self.play_a,
            "B": self.play_b,
            "C": self.play_c,
        }
        for key, button in buttons.items():
            button.setChecked(self._playing == key)

    def _poll(self) -> None:
        if self._playing is not None and self.page.player.playing:
            return
        self._timer.stop()
        self._playing = None
        self._show_playing()
        self.stop_button.setEnabled(False)
