"""Live page: sing into the microphone and hear the voice in the headphones.

Voice, input and output device, block size, extra context, crossfade, key, pass-through and a
monitor mix (your own voice ↔ the converted voice); level meters, waveforms and pitch of what goes
in and what comes out; the latency, measured, all the time. The audio side is
:class:`voicecraft_desktop.core.live.LiveSession` (callbacks on ring buffers, the model in its own
thread); the voice and its encoders load in a job (:mod:`voicecraft_desktop.ui.worker`), and a
30 Hz timer draws what the session measured. A stop, a failed device or a closed page always
releases both devices.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.core.library import VoiceLibrary
from voicecraft_desktop.core.live import LiveError, LiveSession, list_output_devices
from voicecraft_desktop.core.recorder import (
    audio_unavailable_reason,
    level_dbfs,
    list_input_devices,
    rescan_devices,
)
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.error_text import engine_text, error_text
from voicecraft_desktop.ui.pages._common import (
    call_task,
    fill_voice_combo,
    interval_timer,
    keeping_error,
    missing_models_text,
)
from voicecraft_desktop.ui.widgets.audio_views import LevelMeter
from voicecraft_desktop.ui.widgets.live_input import LiveInputView

log = logging.getLogger(__name__)

TICK_MS = 33
BLOCKS_MS = (160, 320, 640)
ERROR_STYLE = (
    "QLabel { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; border-radius: 6px;"
    " padding: 8px; font-weight: bold; }"
)
WARN_STYLE = (
    "QLabel { background: #fffbeb; color: #92400e; border: 1px solid #fde68a; border-radius: 6px;"
    " padding: 6px; }"
)


class LivePage(QWidget):
    """Live conversion.

    Args:
        ctx: the app context.
        stream_factory: builds the audio streams (tests inject fakes; default: sounddevice).
        converter_factory: ``(voice_entry, device) -> VoiceConverter`` run in a job (tests inject
            one; default: the voice's own encoders from the app's model files).
    """

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        stream_factory: Any = None,
        converter_factory: Callable[[Any, str], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("livePage")
        self.ctx = ctx
        self.library = VoiceLibrary()
        self._stream_factory = stream_factory
        self._converter_factory = converter_factory or self._load_converter
        self.session: LiveSession | None = None
        self.job: Any = None
        self._converter: Any = None
        self._converter_key: Any = None
        self._trackers: tuple[Any, Any] = (None, None)

        self.voice_combo = QComboBox()
        self.voice_combo.setObjectName("liveVoiceCombo")
        self.voice_combo.setMinimumContentsLength(18)
        self.input_combo = QComboBox()
        self.input_combo.setObjectName("liveInputCombo")
        self.output_combo = QComboBox()
        self.output_combo.setObjectName("liveOutputCombo")
        self.rescan_button = QPushButton(self.tr("Rescan"))
        self.rescan_button.setToolTip(
            self.tr("Look for audio devices again (after plugging in headphones or a microphone)")
        )
        self.block_combo = QComboBox()
        self.block_combo.setObjectName("blockCombo")
        for ms in BLOCKS_MS:
            self.block_combo.addItem(self.tr("{ms} ms").format(ms=ms), ms)
        self.block_combo.setCurrentIndex(1)
        self.block_combo.setToolTip(self.tr("Shorter blocks: less delay, more work per second"))
        self.context_spin = QDoubleSpinBox()
        self.context_spin.setRange(0.0, 4.0)
        self.context_spin.setSingleStep(0.1)
        self.context_spin.setValue(1.0)
        self.context_spin.setSuffix(self.tr(" s"))
        self.context_spin.setToolTip(
            self.tr("How much of what you just sang the voice hears with each block")
        )
        self.crossfade_spin = QSpinBox()
        self.crossfade_spin.setRange(10, 100)
        self.crossfade_spin.setSingleStep(10)
        self.crossfade_spin.setValue(40)
        self.crossfade_spin.setSuffix(self.tr(" ms"))
        self.crossfade_spin.setToolTip(self.tr("Blend between blocks: longer is smoother, and adds delay"))
        self.key_spin = QSpinBox()
        self.key_spin.setObjectName("liveKeySpin")
        self.key_spin.setRange(-24, 24)
        self.key_spin.setSuffix(self.tr(" semitones"))
        self.bypass_check = QCheckBox(self.tr("Pass-through (hear yourself, unconverted)"))
        self.bypass_check.setObjectName("bypassCheck")
        self.mix_slider = QSlider(Qt.Orientation.Horizontal)
        self.mix_slider.setObjectName("mixSlider")
        self.mix_slider.setRange(0, 100)
        self.mix_slider.setValue(100)

        self.start_button = QPushButton(self.tr("▶ Start"))
        self.start_button.setObjectName("liveStartButton")
        self.start_button.setStyleSheet("QPushButton { font-weight: bold; padding: 6px 14px; }")
        self.stop_button = QPushButton(self.tr("■ Stop"))
        self.stop_button.setObjectName("liveStopButton")
        self.status_label = QLabel()
        self.status_label.setObjectName("liveStatus")
        self.status_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("liveError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.latency_label = QLabel()
        self.latency_label.setObjectName("latencyLabel")
        self.latency_label.setStyleSheet("font: 13px monospace;")
        self.latency_label.setWordWrap(True)
        self.slow_label = QLabel()
        self.slow_label.setObjectName("slowLabel")
        self.slow_label.setWordWrap(True)
        self.slow_label.setStyleSheet(WARN_STYLE)
        self.slow_label.hide()
        self.in_meter, self.out_meter = LevelMeter(), LevelMeter()
        self.in_view, self.out_view = LiveInputView(16000), LiveInputView(48000)

        self._build_layout()
        self.rescan_button.clicked.connect(self.rescan)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.key_spin.valueChanged.connect(self._on_key)
        self.bypass_check.toggled.connect(self._on_bypass)
        self.mix_slider.valueChanged.connect(self._on_mix)
        for w in (self.block_combo, self.context_spin, self.crossfade_spin):
            (w.currentIndexChanged if isinstance(w, QComboBox) else w.valueChanged).connect(
                self._show_latency
            )
        self.timer = interval_timer(self, TICK_MS, self.tick)
        self.refresh()
        self.populate_devices()
        self._show_latency()
        self._update_buttons()

    def _build_layout(self) -> None:
        setup = QGroupBox(self.tr("Voice and devices"))
        grid = QGridLayout(setup)
        grid.addWidget(QLabel(self.tr("Voice")), 0, 0)
        grid.addWidget(self.voice_combo, 0, 1, 1, 2)
        grid.addWidget(QLabel(self.tr("Microphone")), 1, 0)
        grid.addWidget(self.input_combo, 1, 1)
        grid.addWidget(self.rescan_button, 1, 2)
        grid.addWidget(QLabel(self.tr("Headphones")), 2, 0)
        grid.addWidget(self.output_combo, 2, 1)
        grid.setColumnStretch(1, 1)

        sound = QGroupBox(self.tr("Sound"))
        form = QGridLayout(sound)
        form.addWidget(QLabel(self.tr("Key")), 0, 0)
        form.addWidget(self.key_spin, 0, 1)
        form.addWidget(QLabel(self.tr("Block")), 0, 2)
        form.addWidget(self.block_combo, 0, 3)
        form.addWidget(QLabel(self.tr("Extra context")), 1, 0)
        form.addWidget(self.context_spin, 1, 1)
        form.addWidget(QLabel(self.tr("Crossfade")), 1, 2)
        form.addWidget(self.crossfade_spin, 1, 3)
        mix = QHBoxLayout()
        mix.addWidget(QLabel(self.tr("Your voice")))
        mix.addWidget(self.mix_slider, 1)
        mix.addWidget(QLabel(self.tr("Converted")))
        form.addWidget(QLabel(self.tr("Monitor mix")), 2, 0)
        form.addLayout(mix, 2, 1, 1, 3)
        form.addWidget(self.bypass_check, 3, 0, 1, 4)

        top = QHBoxLayout()
        top.addWidget(setup, 3)
        top.addWidget(sound, 2)

        transport = QHBoxLayout()
        transport.addWidget(self.start_button)
        transport.addWidget(self.stop_button)
        transport.addSpacing(12)
        transport.addWidget(self.status_label, 1)

        meters = QGridLayout()
        meters.addWidget(QLabel(self.tr("In")), 0, 0)
        meters.addWidget(self.in_meter, 0, 1)
        meters.addWidget(QLabel(self.tr("Out")), 1, 0)
        meters.addWidget(self.out_meter, 1, 1)
        meters.setColumnStretch(1, 1)

        views = QHBoxLayout()
        for title, view in (
            (self.tr("What you sing"), self.in_view),
            (self.tr("What you hear"), self.out_view),
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(view)
            views.addWidget(box, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(transport)
        layout.addWidget(self.error_label)
        layout.addWidget(self.latency_label)
        layout.addWidget(self.slow_label)
        layout.addLayout(meters)
        layout.addLayout(views, 1)

    # -- lists -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-lists the library's voices, keeping the current one."""
        fill_voice_combo(self.voice_combo, self.library)
        self._update_buttons()

    def populate_devices(self) -> None:
        self.input_combo.clear()
        self.output_combo.clear()
        for dev in list_input_devices():
            default = self.tr("  — default") if dev.is_default else ""
            self.input_combo.addItem(f"{dev.name} ({dev.hostapi}){default}", dev.index)
            if dev.is_default:
                self.input_combo.setCurrentIndex(self.input_combo.count() - 1)
        for dev in list_output_devices():
            default = self.tr("  — default") if dev.is_default else ""
            self.output_combo.addItem(f"{dev.name} ({dev.hostapi}){default}", dev.index)
            if dev.is_default:
                self.output_combo.setCurrentIndex(self.output_combo.count() - 1)
        if not self.input_combo.count() or not self.output_combo.count():
            reason = engine_text(audio_unavailable_reason()) or (
                self.tr("no microphone was found")
                if not self.input_combo.count()
                else self.tr("no headphones or speakers were found")
            )
            self._show_error(
                self.tr(
                    "Live conversion needs a microphone and headphones: {reason}. Connect them "
                    "(or start your sound server) and press Rescan."
                ).format(reason=reason)
            )
        else:
            self._show_error("")
        self._update_buttons()

    def rescan(self) -> None:
        self.stop()
        rescan_devices()
        self.populate_devices()

    # -- start / stop ----------------------------------------------------------------------------

    def options(self) -> Any:
        from models.convert.stream import StreamOptions

        return StreamOptions(
            block_s=int(self.block_combo.currentData()) / 1000.0,
            context_s=float(self.context_spin.value()),
            crossfade_s=int(self.crossfade_spin.value()) / 1000.0,
            key=float(self.key_spin.value()),
        )

    def start(self) -> None:
        """Loads the voice (in a job, once) and starts the session."""
        entry = self.voice_combo.currentData()
        if self.session is not None or self.job is not None:
            return
        self._show_error("")
        try:
            self.options()
        except ValueError as error:  # a setting out of range: said before a voice is loaded for it
            self._show_error(error_text(error))
            return
        if self.bypass_check.isChecked() and entry is None:
            self._open_session(None)
            return
        if entry is None:
            self._show_error(self.tr("Choose a voice first (make or import one on the Library page)."))
            return
        key = (str(entry.folder), self.ctx.device)
        if self._converter is not None and self._converter_key == key:
            self._open_session(self._converter)
            return
        device, factory = self.ctx.device, self._converter_factory
        self.status_label.setText(self.tr("Loading {name}…").format(name=entry.name))
        raised: list[BaseException] = []  # why the voice could not be loaded (its code: the user's language)
        self.job = self.ctx.runner.start(
            self.tr("Load {name} for live use").format(name=entry.name),
            keeping_error(call_task(factory, entry, device), raised.append),
            gpu=True,
        )
        self.job.result.connect(lambda conv, k=key: self._on_loaded(conv, k))
        self.job.failed.connect(
            lambda message, _tb: self._on_load_failed(message, raised[-1] if raised else None)
        )
        self.job.finished.connect(self._on_job_finished)
        self._update_buttons()

    def _load_converter(self, entry: Any, device: str) -> Any:
        from voicecraft_desktop.core.convert_jobs import build_converter

        return build_converter(
            entry, self.ctx.asset_store(), f0_method="fcpe", report=False, device=device, library=self.library
        )

    def _on_job_finished(self) -> None:
        self.job = None
        self._update_buttons()

    def _on_loaded(self, converter: Any, key: Any) -> None:
        self._converter, self._converter_key = converter, key
        self._open_session(converter)

    def _on_load_failed(self, message: str, error: BaseException | None = None) -> None:
        self.status_label.setText("")
        reason = (missing_models_text(error) if error is not None else "") or error_text(error, message)
        self._show_error(self.tr("The voice could not be loaded: {message}").format(message=reason))

    def _open_session(self, converter: Any) -> None:
        from models.convert.stream import StreamingConverter

        engine = StreamingConverter(converter, self.options()) if converter is not None else None
        session = LiveSession(
            engine,
            self.input_combo.currentData(),
            self.output_combo.currentData(),
            bypass=self.bypass_check.isChecked(),
            wet=self.mix_slider.value() / 100.0,
            stream_factory=self._stream_factory,
        )
        try:
            session.start()
        except LiveError as error:
            self.status_label.setText("")
            self._show_error(error_text(error))
            return
        self.session = session
        from voicecraft_desktop.core.live_pitch import LivePitchTracker

        self._trackers = (LivePitchTracker(16000), LivePitchTracker(session.output_rate))
        self.in_view.restart(16000)
        self.out_view.restart(session.output_rate)
        self.in_meter.reset()
        self.out_meter.reset()
        self.slow_label.hide()
        self.status_label.setText(self.tr("Live: sing! Press Stop to end."))
        self.timer.start()
        self._update_buttons()

    def toggle_playback(self) -> bool:
        """Space: stops the running session, else starts one (False when Start is not available)."""
        if self.session is not None:
            self.stop()
            return True
        if not self.start_button.isEnabled():
            return False
        self.start()
        return True

    def stop(self) -> None:
        """Stops the session; both devices are released."""
        self.timer.stop()
        session, self.session = self.session, None
        if session is not None:
            session.stop()
            self._show_stats(session.stats())
            if not session.stats().error:
                self.status_label.setText(self.tr("Stopped."))
        self._update_buttons()

    def shutdown(self) -> None:
        self.stop()

    # -- live controls -----------------------------------------------------------------------------

    def _on_key(self, value: int) -> None:
        if self.session is not None and self.session.engine is not None:
            self.session.engine.set_key(float(value))

    def _on_bypass(self, on: bool) -> None:
        if self.session is not None:
            self.session.bypass = on or self.session.engine is None
        self._show_latency()
        self._update_buttons()

    def _on_mix(self, value: int) -> None:
        if self.session is not None:
            self.session.wet = value / 100.0

    # -- drawing ---------------------------------------------------------------------------------

    def tick(self) -> None:
        session = self.session
        if session is None:
            return
        for m in session.drain_monitor():
            self.in_meter.set_level(*level_dbfs(m.dry))
            self.out_meter.set_level(*level_dbfs(m.wet))
            self.in_view.append(m.dry, self._trackers[0])
            self.out_view.append(m.wet, self._trackers[1])
        stats = session.stats()
        self._show_stats(stats)
        if stats.error or not session.running:
            self.stop()
            self.status_label.setText(self.tr("Stopped."))
            self._show_error(engine_text(stats.error) or self.tr("Live conversion stopped."))

    def _show_stats(self, st: Any) -> None:
        block = st.block_s * 1000
        self.latency_label.setText(
            self.tr("Latency {ms:.0f} ms (block, crossfade and lookahead)").format(ms=st.algorithmic_s * 1000)
            + self.tr(" + {ms:.0f} ms for converting each block in time").format(ms=block)
            + (self.tr(" + {ms:.0f} ms in the devices").format(ms=st.device_s * 1000) if st.device_s else "")
            + self.tr(
                "  ·  processing {typical:.0f} ms typical, {worst:.0f} ms worst (last 10 s) of {block:.0f} "
                "ms "
                "per block  ·  dropouts {dropouts}  ·  late blocks {late}"
            ).format(
                typical=st.processing_median_s * 1000,
                worst=st.processing_worst_s * 1000,
                block=block,
                dropouts=st.dropouts,
                late=st.late,
            )
            + (self.tr("  ·  dropped blocks {skipped}").format(skipped=st.skipped) if st.skipped else "")
        )
        if st.blocks >= 3 and not st.keeps_up and st.algorithmic_s > 0:
            self.slow_label.setText(
                self.tr(
                    "This computer cannot convert this voice live: a {block:.0f} ms block takes "
                    "{typical:.0f} ms to convert (worst {worst:.0f} ms), so blocks are passed through "
                    "unconverted. Try a longer block, the graphics card (Settings), or a smaller voice."
                ).format(
                    block=block, typical=st.processing_median_s * 1000, worst=st.processing_worst_s * 1000
                )
            )
            self.slow_label.show()
        elif st.dropouts:
            advice = self.tr("If it keeps happening, choose a longer block or close other programs.")
            gaps = (
                self.tr(
                    "The sound had a gap: the computer was busy, or the output device stopped for a moment."
                )
                if st.dropouts == 1
                else self.tr(
                    "The sound had %n gaps: the computer was busy, or the output device stopped "
                    "for a moment.",
                    "",
                    st.dropouts,
                )
            )
            self.slow_label.setText(f"{gaps} {advice}")
            self.slow_label.show()
        else:
            self.slow_label.hide()

    def _show_latency(self) -> None:
        if self.session is not None:
            return
        try:
            o = self.options()
        except ValueError as error:  # a setting out of range, named by its label
            self.latency_label.setText(error_text(error))
            return
        ms = (o.block_s + o.crossfade_s + o.lookahead_s + o.search_s) * 1000
        self.latency_label.setText(
            self.tr(
                "Latency when started: {ms:.0f} ms (block, crossfade and lookahead) plus the processing time"
            ).format(ms=ms)
            if not self.bypass_check.isChecked()
            else self.tr("Pass-through: your voice, unconverted")
        )

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _update_buttons(self) -> None:
        idle = self.session is None and self.job is None
        has_devices = bool(self.input_combo.count() and self.output_combo.count())
        self.start_button.setEnabled(
            idle and has_devices and (self.voice_combo.count() > 0 or self.bypass_check.isChecked())
        )
        self.stop_button.setEnabled(self.session is not None)
        for w in (
            self.voice_combo,
            self.input_combo,
            self.output_combo,
            self.rescan_button,
            self.block_combo,
            self.context_spin,
            self.crossfade_spin,
        ):
            w.setEnabled(idle)
        if idle and not self.status_label.text():
            self.status_label.setText(self.tr("Choose a voice, put on headphones, and press Start."))
