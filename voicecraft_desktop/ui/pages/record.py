"""Record page: input device and rate, level meter with clip warning, record / stop / play, a live
scrolling waveform and pitch curve (note names), and the list of takes.

The capture stream belongs to :class:`voicecraft_desktop.core.recorder.Recorder`: its callback
only fills a ring buffer. A 30 Hz GUI timer drains it and feeds the meter, the waveform, the take
and :class:`voicecraft_desktop.core.live_pitch.LivePitchTracker` (DIO on the last half second,
a few ms per tick). Takes are WAV files in ``data_dir()/takes``; a take can be added to a voice's
recordings (the folder "New voice from folder…" prepares) or sent to the Convert page.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core.playback import PlaybackError, Player
from voicecraft_desktop.core.recorder import (
    SAMPLE_RATES,
    InputDevice,
    Recorder,
    RecorderError,
    add_take_to_voice,
    audio_unavailable_reason,
    level_dbfs,
    list_input_devices,
    list_takes,
    list_voice_recordings,
    rescan_devices,
    save_take,
)
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.error_text import engine_text, error_text
from voicecraft_desktop.ui.pages._common import fit_texts, interval_timer, show_error, splitter
from voicecraft_desktop.ui.widgets.audio_views import LevelMeter
from voicecraft_desktop.ui.widgets.live_input import LiveInputView

log = logging.getLogger(__name__)

DRAIN_INTERVAL_MS = 33  # ~30 Hz: smooth scrolling, and the ring buffer (10 s) never comes close to full
MIN_TAKE_S = 0.3


class RecordPage(QWidget):
    """Record takes from an input device.

    Args:
        ctx: the app context.
        stream_factory: builds the input stream (tests inject a fake; default: sounddevice).

    Signals:
        take_saved(path): a take was written (also sent as ``ctx.events.take_recorded``).
    """

    take_saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, stream_factory: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPage")
        self.ctx = ctx
        self._stream_factory = stream_factory
        self.recorder: Recorder | None = None
        self.pitch_tracker: Any = None
        self.player = Player()
        self.error_box: QMessageBox | None = None
        self._devices: list[InputDevice] = []

        # -- input row -----------------------------------------------------------------------
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.setMinimumWidth(200)
        self.rescan_button = QPushButton(self.tr("Rescan"))
        self.rescan_button.setToolTip(
            self.tr("Look for audio devices again (after plugging in a microphone)")
        )
        self.rate_combo = QComboBox()
        self.rate_combo.setObjectName("rateCombo")
        for rate in SAMPLE_RATES:
            self.rate_combo.addItem(self.tr("{rate} Hz").format(rate=rate), rate)
        self.monitor_check = QCheckBox(self.tr("Monitor input"))
        self.monitor_check.setToolTip(self.tr("Show the level, waveform and pitch without recording"))
        self.no_device_label = QLabel()
        self.no_device_label.setObjectName("noDeviceLabel")
        self.no_device_label.setWordWrap(True)
        self.no_device_label.setStyleSheet(
            "QLabel { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; border-radius: 6px;"
            " padding: 8px; font-weight: bold; }"
        )

        # -- transport -----------------------------------------------------------------------
        self.record_button = QPushButton(self.tr("● Record"))
        self.record_button.setObjectName("recordButton")
        self.record_button.setStyleSheet(
            "QPushButton { color: #b91c1c; font-weight: bold; padding: 6px 14px; }"
            " QPushButton:disabled { color: #9ca3af; }"
        )
        self.stop_button = QPushButton(self.tr("■ Stop"))
        self.stop_button.setObjectName("stopButton")
        self.play_button = QPushButton(self.tr("▶ Play take"))
        self.play_button.setObjectName("playButton")
        fit_texts(self.play_button, self.tr("■ Stop playing"))  # the transport stays put while it plays
        self.time_label = QLabel("0:00.0")
        self.time_label.setObjectName("timeLabel")
        self.time_label.setStyleSheet("font: bold 18px monospace;")
        self.meter = LevelMeter()
        self.level_label = QLabel("—")
        self.level_label.setMinimumWidth(120)
        self.message_label = QLabel()  # what the last action did, on the page (the status bar flashes)
        self.message_label.setObjectName("recordMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)  # until there is something to say

        # -- live views ----------------------------------------------------------------------
        self.live = LiveInputView(self._selected_rate())

        # -- takes ---------------------------------------------------------------------------
        self.takes = QListWidget()
        self.takes.setObjectName("takeList")
        self.add_button = QPushButton(self.tr("Add to voice dataset…"))
        self.add_button.setObjectName("addToDatasetButton")
        self.convert_button = QPushButton(self.tr("Send to Convert"))
        self.convert_button.setObjectName("sendToConvertButton")
        self.delete_button = QPushButton(self.tr("Delete…"))

        self._build_layout()

        self.device_combo.currentIndexChanged.connect(self._on_device_changed)
        self.rate_combo.currentIndexChanged.connect(self._on_rate_changed)
        self.rescan_button.clicked.connect(self.rescan)
        self.monitor_check.toggled.connect(self._on_monitor_toggled)
        self.record_button.clicked.connect(self.start_recording)
        self.stop_button.clicked.connect(self.stop_recording)
        self.play_button.clicked.connect(self.play_selected)
        self.add_button.clicked.connect(self._ask_add_to_dataset)
        self.convert_button.clicked.connect(self.send_selected_to_convert)
        self.delete_button.clicked.connect(self._ask_delete)
        self.takes.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.takes.itemDoubleClicked.connect(lambda _item: self.play_selected())

        self.timer = interval_timer(self, DRAIN_INTERVAL_MS, self.tick)

        rate = self.ctx.settings.get("record/sample_rate")
        if rate in SAMPLE_RATES:
            self.rate_combo.setCurrentIndex(SAMPLE_RATES.index(rate))
        self.populate_devices()
        self.refresh_takes()

    def _build_layout(self) -> None:
        inputs = QGroupBox(self.tr("Input"))
        grid = QGridLayout(inputs)
        grid.addWidget(QLabel(self.tr("Device")), 0, 0)
        grid.addWidget(self.device_combo, 0, 1)
        grid.addWidget(self.rescan_button, 0, 2)
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate_combo)
        rate_row.addSpacing(16)
        rate_row.addWidget(self.monitor_check)
        rate_row.addStretch(1)
        grid.addWidget(QLabel(self.tr("Sample rate")), 1, 0)
        grid.addLayout(rate_row, 1, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.no_device_label, 2, 0, 1, 3)

        transport = QHBoxLayout()
        for w in (self.record_button, self.stop_button, self.play_button):
            transport.addWidget(w)
        transport.addSpacing(12)
        transport.addWidget(self.time_label)
        transport.addSpacing(12)
        transport.addWidget(self.meter, 1)
        transport.addWidget(self.level_label)

        takes_box = QGroupBox(self.tr("Takes"))
        takes_layout = QVBoxLayout(takes_box)
        takes_layout.addWidget(self.takes)
        for w in (self.add_button, self.convert_button, self.delete_button):
            takes_layout.addWidget(w)

        body = splitter(Qt.Orientation.Horizontal, [self.live, takes_box], [3, 1], [700, 260])

        layout = QVBoxLayout(self)
        layout.addWidget(inputs)
        layout.addLayout(transport)
        layout.addWidget(self.message_label)
        layout.addWidget(body, 1)

    # -- devices ---------------------------------------------------------------------------------

    def populate_devices(self) -> None:
        """Fill the device list; show a clear message (and disable recording) when there is none."""
        wanted = self.ctx.settings.get("record/input_device")
        self._devices = list_input_devices()
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        chosen = 0
        for i, dev in enumerate(self._devices):
            # the readable label; the host API only where one device shows under several (Windows)
            label = (dev.label or dev.name) + ("" if dev.hostapi == "ALSA" else f" ({dev.hostapi})")
            if dev.is_default and not label.startswith("System default"):
                label += self.tr("  — default")
            self.device_combo.addItem(label, dev.index)
            if dev.name == wanted or (not wanted and dev.is_default):
                chosen = i
        if self._devices:
            self.device_combo.setCurrentIndex(chosen)
        self.device_combo.blockSignals(False)
        has = bool(self._devices)
        self.no_device_label.setVisible(not has)
        self.no_device_label.setText(
            self.tr(
                "Recording is unavailable: {reason}.\n"
                "Connect a microphone (or start your sound server) and press Rescan. Takes already "
                "recorded can still be played, added to a voice and converted."
            ).format(
                reason=engine_text(audio_unavailable_reason()) or self.tr("no audio input device was found")
            )
        )
        self.device_combo.setEnabled(has)
        self.monitor_check.setEnabled(has)
        self._update_buttons()

    @property
    def has_device(self) -> bool:
        return bool(self._devices)

    def rescan(self) -> None:
        self._close_stream()
        self.monitor_check.setChecked(False)
        rescan_devices()
        self.populate_devices()

    def _selected_device(self) -> int | None:
        data = self.device_combo.currentData()
        return int(data) if data is not None else None

    def _selected_rate(self) -> int:
        data = self.rate_combo.currentData()
        return int(data) if data is not None else 48000

    def _on_device_changed(self, index: int) -> None:
        if 0 <= index < len(self._devices):
            self.ctx.settings.set("record/input_device", self._devices[index].name)
        self._restart_stream_if_monitoring()

    def _on_rate_changed(self, _index: int) -> None:
        self.ctx.settings.set("record/sample_rate", self._selected_rate())
        self._restart_stream_if_monitoring()

    def _restart_stream_if_monitoring(self) -> None:
        if self.recorder is not None and not self.recorder.recording:
            self._close_stream()
            if self.monitor_check.isChecked():
                self._open_stream()

    # -- stream ----------------------------------------------------------------------------------

    def _open_stream(self) -> bool:
        if self.recorder is not None:
            return True
        rate = self._selected_rate()
        # Before the stream starts: the first use imports models.features.pitch (torch), which takes a while.
        self.pitch_tracker = self._make_pitch_tracker(rate)
        recorder = Recorder(self._selected_device(), rate, stream_factory=self._stream_factory)
        try:
            recorder.start()
        except RecorderError as error:
            self._show_error(self.tr("Cannot record"), error_text(error))
            return False
        self.recorder = recorder
        self.live.restart(rate)
        self.meter.reset()
        self.timer.start()
        return True

    def _make_pitch_tracker(self, rate: int) -> Any:
        from voicecraft_desktop.core.live_pitch import LivePitchTracker

        try:
            return LivePitchTracker(rate, self.ctx.settings.get("record/pitch_method"))
        except Exception as error:  # noqa: BLE001 - pitch is a display aid; recording goes on without it
            log.warning("live pitch unavailable: %s", error)
            self.live.note_label.setText(self.tr("pitch unavailable"))
            return None

    def _close_stream(self) -> None:
        self.timer.stop()
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            recorder.stop()
        self._update_buttons()

    def _on_monitor_toggled(self, on: bool) -> None:
        if on:
            if not self._open_stream():
                self.monitor_check.setChecked(False)
        elif self.recorder is not None and not self.recorder.recording:
            self._close_stream()
        self._update_buttons()

    # -- recording -------------------------------------------------------------------------------

    @property
    def is_recording(self) -> bool:
        return self.recorder is not None and self.recorder.recording

    def start_recording(self) -> bool:
        """Start a take (opening the stream if it is not monitoring already)."""
        if self.is_recording:
            return True
        if not self._open_stream():
            return False
        assert self.recorder is not None
        self.recorder.start_take()
        self.time_label.setText("0:00.0")
        self._say(self.tr("Recording… press Stop (or Space) to end the take."))
        self._update_buttons()
        return True

    def stop_recording(self) -> Path | None:
        """End the take and save it; returns the WAV path (None when nothing usable was recorded)."""
        if not self.is_recording:
            return None
        assert self.recorder is not None
        self.tick()
        samples = self.recorder.stop_take()
        rate = self.recorder.sample_rate
        lost = self.recorder.ring.overflow_samples
        if not self.monitor_check.isChecked():
            self._close_stream()
        self._update_buttons()
        if len(samples) < MIN_TAKE_S * rate:
            self._say(self.tr("Take too short (under {seconds:g} s): not saved.").format(seconds=MIN_TAKE_S))
            return None
        path = save_take(samples, rate, self.ctx.takes_dir(ensure=True))
        if lost:
            log.warning("take %s: %d samples lost to ring-buffer overflow", path.name, lost)
        self.refresh_takes(select=path)
        self._say(
            self.tr("Saved {file} ({seconds:.1f} s) in {folder}.").format(
                file=path.name, seconds=len(samples) / rate, folder=path.parent
            )
        )
        self.take_saved.emit(str(path))
        self.ctx.events.take_recorded.emit(str(path))
        return path

    def tick(self) -> None:
        """Drain the ring buffer and update the meter, waveform, pitch and clock (GUI timer)."""
        if self.recorder is None:
            return
        block = self.recorder.drain()
        if len(block):
            self.meter.set_level(*level_dbfs(block))
            peak = self.meter.peak_db
            self.level_label.setText(
                self.tr("peak {peak:5.1f} dBFS").format(peak=peak)
                + (self.tr("  CLIP!") if self.meter.clipping else "")
            )
            self.live.append(block, self.pitch_tracker)
        if self.is_recording:
            assert self.recorder is not None
            minutes, seconds = divmod(self.recorder.take_seconds, 60)
            self.time_label.setText(f"{int(minutes)}:{seconds:04.1f}")

    # -- takes -----------------------------------------------------------------------------------

    def refresh_takes(self, select: Path | None = None) -> None:
        import soundfile

        self.takes.clear()
        for path in list_takes(self.ctx.takes_dir()):
            try:
                info = soundfile.info(str(path))
                label = self.tr("{name}   {seconds:.1f} s").format(name=path.stem, seconds=info.duration)
            except Exception:  # noqa: BLE001 - a damaged file is listed, not fatal
                label = self.tr("{name}   (unreadable)").format(name=path.stem)
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.takes.addItem(item)
            if select is not None and path == select:
                self.takes.setCurrentItem(item)
        if self.takes.currentRow() < 0 and self.takes.count():
            self.takes.setCurrentRow(0)
        self._update_buttons()

    def selected_take(self) -> Path | None:
        item = self.takes.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def play_selected(self) -> None:
        path = self.selected_take()
        if path is None:
            return
        if self.player.playing:
            self.player.stop()
            self.play_button.setText(self.tr("▶ Play take"))
            return
        try:
            import soundfile

            audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
            self.player.play(audio.mean(axis=1), rate)
        except PlaybackError as error:
            self._show_error(self.tr("Cannot play"), error_text(error))
            return
        except Exception as error:  # noqa: BLE001 - unreadable file
            self._show_error(self.tr("Cannot play"), f"{path.name}: {error}")
            return
        self.play_button.setText(self.tr("■ Stop playing"))
        QTimer.singleShot(100, self._poll_player)

    def _poll_player(self) -> None:
        if self.player.playing:
            QTimer.singleShot(100, self._poll_player)
        else:
            self.play_button.setText(self.tr("▶ Play take"))

    def send_selected_to_convert(self) -> None:
        path = self.selected_take()
        if path is not None:
            self.ctx.events.send_to_convert.emit(str(path))

    def add_selected_to_voice(self, voice: str) -> Path | None:
        """Copy the selected take into ``voice``'s recordings folder."""
        path = self.selected_take()
        if path is None or not voice.strip():
            return None
        dest = add_take_to_voice(path, voice)
        count = len(list(dest.parent.glob("*.wav")))
        self.ctx.events.add_to_dataset.emit(str(dest))
        self._say(
            self.tr(
                "Added {file} to the recordings of “{voice}” (%n takes in {folder}). "
                "Prepare them with Library → New voice from folder.",
                "",
                count,
            ).format(file=path.name, voice=voice, folder=dest.parent)
        )
        return dest

    def _ask_add_to_dataset(self) -> None:
        names = list_voice_recordings()
        try:
            from voicecraft_desktop.core.dataset_jobs import list_datasets

            names = sorted(set(names) | {d.folder.name for d in list_datasets()})
        except Exception:  # noqa: BLE001 - the dataset list is a convenience for the choice only
            pass
        voice, ok = QInputDialog.getItem(
            self,
            self.tr("Add take to a voice"),
            self.tr("Voice (pick one or type a new name):"),
            names,
            0,
            True,
        )
        if ok and voice.strip():
            self.add_selected_to_voice(voice)

    def delete_selected(self) -> None:
        path = self.selected_take()
        if path is not None:
            path.unlink(missing_ok=True)
            self.refresh_takes()

    def _ask_delete(self) -> None:
        path = self.selected_take()
        if path is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete take"),
            self.tr("Delete {name}? This cannot be undone.").format(name=path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_selected()

    # -- misc ------------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        recording = self.is_recording
        has_take = self.takes.currentItem() is not None
        self.record_button.setEnabled(self.has_device and not recording)
        self.stop_button.setEnabled(recording)
        self.device_combo.setEnabled(self.has_device and not recording)
        self.rate_combo.setEnabled(not recording)
        self.rescan_button.setEnabled(not recording)
        for w in (self.play_button, self.add_button, self.convert_button, self.delete_button):
            w.setEnabled(has_take and not recording)

    def _say(self, message: str) -> None:
        """Confirms an action on the page, and briefly in the status bar."""
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))
        self.ctx.events.status.emit(message)

    def toggle_playback(self) -> bool:
        """Space: stops the take being recorded, else starts one (False when it cannot start)."""
        if self.is_recording:
            return self.stop_recording() is not None or not self.is_recording
        return self.start_recording()

    def _show_error(self, title: str, message: str) -> None:
        self.error_box = show_error(self, title, message)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._update_buttons()

    def shutdown(self) -> None:
        """Stop recording (the take is saved), close the stream and playback."""
        if self.is_recording:
            self.stop_recording()
        self._close_stream()
        self.player.stop()
