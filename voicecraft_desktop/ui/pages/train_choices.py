"""The Train page's choices and what they mean for the chosen voice, derived again on every change.

:class:`TrainChoicesMixin` turns "which voice, which base model, which preset, how many steps" and the
voice's run on disk into the page: the Start/Resume button, the run line, the status line, the step
count's default (:func:`voicecraft_desktop.core.runs.default_steps`), the CPU warning and the time
estimate (:mod:`.train_estimate`). A run that has a checkpoint fixes its preset and base model (shown
greyed out, with the reason); "Start over…" archives or deletes it (:mod:`.train_runs`) so that the
choices are free again.

Its words belong to the Train page (translation context ``TrainPage``).
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from voicecraft_desktop.core.dataset_jobs import DatasetInfo
from voicecraft_desktop.core.runs import (
    FINE_TUNE_STEPS,
    SCRATCH_STEPS,
    TRIAL_STEPS,
    RunBusyError,
    RunStatus,
    default_steps,
    retire_run,
    run_dir_for,
)
from voicecraft_desktop.ui.error_text import error_text
from voicecraft_desktop.ui.pages._common import show_error
from voicecraft_desktop.ui.pages.train_runs import describe_run, run_fate_box

SMALL_PRESET = "tiny"

# What each preset is for, how long it takes and how good it sounds (the Train page shows it).
PRESET_WORDS = {
    "sovits5": QT_TRANSLATE_NOOP(
        "TrainPage",
        "<b>Full size</b> (the so-vits-svc-5.0 model): for a voice to keep — the best quality this app "
        "makes. Needs an NVIDIA graphics card (GPU): fine-tuning from the pretrain takes hours there, "
        "training from scratch a day or more; on a processor (CPU) alone, days to weeks.",
    ),
    "tiny": QT_TRANSLATE_NOOP(
        "TrainPage",
        "<b>Small trial</b>: a toy-size model that trains in minutes on any computer. For trying the "
        "whole path (record → train → convert) before a long run; it sounds rough and robotic, not "
        "a voice to keep.",
    ),
}
HINT_BEFORE = QT_TRANSLATE_NOOP(
    "TrainPage", "When to stop: validation runs every few hundred steps; the advice appears here."
)


def visible_gpus(device: str) -> int:
    """CUDA devices torch sees when the app computes on a GPU (0 on the CPU, or before torch is loaded)."""
    torch = sys.modules.get("torch")
    if torch is None or not device.startswith("cuda") or not torch.cuda.is_available():
        return 0
    return int(torch.cuda.device_count())


def steps_rule_words(preset: str, fine_tune: bool) -> str:
    """The default step rule (:func:`default_steps`) in words."""
    if preset == SMALL_PRESET:
        (passes, low, high), how = TRIAL_STEPS, QCoreApplication.translate("TrainPage", "the small trial")
    elif fine_tune:
        (passes, low, high), how = FINE_TUNE_STEPS, QCoreApplication.translate("TrainPage", "fine-tuning")
    else:
        (passes, low, high), how = (
            SCRATCH_STEPS,
            QCoreApplication.translate("TrainPage", "training from scratch"),
        )
    return QCoreApplication.translate(
        "TrainPage",
        "Default for {how}: {passes} passes over your recordings, at least {low} and at most "
        "{high} steps. You can change it.",
    ).format(how=how, passes=f"{passes:,}", low=f"{low:,}", high=f"{high:,}")


class TrainChoicesMixin:
    """The choices of the Train page and everything derived from them (:meth:`_voice_changed`).

    The page provides its widgets (``voice_combo``, ``base_combo``, ``preset_combo``, ``steps_spin``,
    the labels and buttons), ``ctx``, ``job``, ``dataset()``, ``base_model()``, ``_run_dir``,
    ``_run_status()``, ``_read_run()`` and ``_load_history()``; the mixin keeps ``_auto_steps``,
    ``_setting``, ``_new_choice``, ``_ended`` and ``_progress_unknown`` (all set up in the page's
    ``__init__``) up to date.
    """

    def use_small_preset(self) -> None:
        """The CPU warning's offer: the small trial preset, from scratch (the pretrain is full size)."""
        self._setting = True
        self.base_combo.setCurrentIndex(0)
        self.preset_combo.setCurrentText(SMALL_PRESET)
        self._setting = False
        self._auto_steps = True
        self._voice_changed()

    def _dataset_changed(self) -> None:
        self._auto_steps = True  # another dataset: the step count follows the rule again
        self._ended = None
        self._voice_changed()

    def _choice_changed(self) -> None:
        if not self._setting:
            self._voice_changed()

    def _steps_edited(self) -> None:
        if not self._setting:
            self._auto_steps = False
            if self.job is None:
                self._voice_changed()

    def _voice_changed(self) -> None:
        """Derives everything on the page from what is selected now and whether a run exists."""
        info = self.dataset()
        running = self.job is not None
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running and not self._stop.is_set())
        self.voice_combo.setEnabled(not running)
        gpus = visible_gpus(self.ctx.device)
        self.all_gpus_check.setText(
            QCoreApplication.translate("TrainPage", "Use all {gpus} GPUs").format(gpus=gpus)
        )
        self.all_gpus_check.setVisible(gpus > 1)
        self.all_gpus_check.setEnabled(not running)
        if running:
            for w in (
                self.base_combo,
                self.preset_combo,
                self.steps_spin,
                self.start_over_button,
                self.small_preset_button,
            ):
                w.setEnabled(False)
            self.start_button.setEnabled(False)
            self.estimate.clear()
            return
        if info is None:
            self._run_dir = None
            self.run_label.setText(
                QCoreApplication.translate(
                    "TrainPage", "No prepared voice yet: use “New voice from folder…” on the Library page."
                )
            )
            self.status_label.setText(QCoreApplication.translate("TrainPage", "No prepared voice to train."))
            self.start_button.setEnabled(False)
            self.start_button.setText(QCoreApplication.translate("TrainPage", "Start"))
            for w in (self.export_button, self.tb_button, self.start_over_button):
                w.setEnabled(False)
            self.start_over_button.setVisible(False)
            self._show_choices(None)
            self.estimate.clear()
            self.cpu_warning_box.setVisible(False)
            return
        if self._run_dir != run_dir_for(info.folder):
            self._run_dir = run_dir_for(info.folder)
            self._ended = None
        status = self._run_status()
        self._show_choices(status if status.fixed else None)
        target = self._default_target(info, status)
        self.start_over_button.setVisible(status.exists)
        self.start_over_button.setEnabled(status.exists)
        self.export_button.setEnabled(status.exportable)
        self.tb_button.setEnabled((self._run_dir / "tb").is_dir())
        self._describe(info, status, target)
        if status.pending:  # an older run: its preset and target are read in a job, then all of this again
            text = QCoreApplication.translate(
                "TrainPage", "A run of this voice is at step {step:,}; reading its settings…"
            )
            self.run_label.setText(text.format(step=status.step))
            self.status_label.setText(
                QCoreApplication.translate("TrainPage", "Reading this voice's training run…")
            )
            for w in (self.start_button, self.export_button, self.steps_spin):  # the run's own come next
                w.setEnabled(False)
            self.estimate.clear()
            self._read_run(self._run_dir)
        else:
            self._request_estimate(info, status, target)
        first_look = self._history_dir != self._run_dir
        if first_look:
            self._load_history(self._run_dir, status.exists)
            self.hint_label.setText(QCoreApplication.translate("TrainPage", HINT_BEFORE))
        if status.pending:  # also when the run appeared under a voice already on screen
            self._progress_unknown = True
        if first_look or self._progress_unknown:
            known = status.step and not status.pending
            self.progress.setValue(int(1000 * min(1.0, status.step / target)) if known else 0)
            self._progress_unknown = status.pending

    def _show_choices(self, status: RunStatus | None) -> None:
        """Base and preset: the user's choice for a new run, or the run's own (greyed out) when one exists."""
        self._setting = True
        try:
            if status is not None:
                if self._new_choice is None:
                    self._new_choice = (self.preset_combo.currentText(), self.base_combo.currentIndex())
                if status.preset:
                    self.preset_combo.setCurrentText(status.preset)
                self.base_combo.show_fixed(status.base)
                reason = QCoreApplication.translate(
                    "TrainPage",
                    "Fixed: this voice's run was started with it, and Resume continues that run. "
                    "To change it, use “Start over…”.",
                )
                for w in (self.preset_combo, self.base_combo):
                    w.setEnabled(False)
                    w.setToolTip(reason)
            else:
                if self._new_choice is not None:
                    preset, base_index = self._new_choice
                    self._new_choice = None
                    self.base_combo.refresh()
                    self.preset_combo.setCurrentText(preset)
                    if (
                        0 <= base_index < self.base_combo.count()
                        and self.base_combo.model().item(base_index).isEnabled()
                    ):
                        self.base_combo.setCurrentIndex(base_index)
                self.base_combo.setEnabled(True)
                self.base_combo.setToolTip(
                    QCoreApplication.translate(
                        "TrainPage",
                        "Fine-tuning the so-vits-svc-5.0 pretrain learns a voice in far fewer steps than "
                        "training from scratch.",
                    )
                )
                pretrain = self.base_combo.is_pretrain()
                if pretrain:  # the pretrain is the full-size model: the preset follows it
                    self.preset_combo.setCurrentText("sovits5")
                self.preset_combo.setEnabled(not pretrain)
                self.preset_combo.setToolTip(
                    QCoreApplication.translate(
                        "TrainPage",
                        "The so-vits-svc-5.0 pretrain is the full-size model: to train the small trial "
                        "preset, start from scratch.",
                    )
                    if pretrain
                    else ""
                )
            self.steps_spin.setEnabled(True)
        finally:
            self._setting = False
        self.preset_info.setText(
            QCoreApplication.translate("TrainPage", PRESET_WORDS.get(self.preset_combo.currentText(), ""))
        )
        self.cpu_warning_box.setVisible(
            self.ctx.device == "cpu" and self.preset_combo.currentText() != SMALL_PRESET
        )
        self.small_preset_button.setEnabled(status is None)

    def _default_target(self, info: DatasetInfo, status: RunStatus) -> int:
        """The step count shown: the user's, else the run's own target, else :func:`default_steps`."""
        from models.config import VoiceConfig

        if not self._auto_steps:
            return self.steps_spin.value()
        if status.fixed and status.target > status.step:
            target = status.target
        else:
            config = VoiceConfig.from_preset(self.preset_combo.currentText())
            fine_tune = (status.base is not None) if status.fixed else self.base_model() is not None
            target = default_steps(config, info.clips, fine_tune=fine_tune)
        self._setting = True
        self.steps_spin.setValue(target)
        self._setting = False
        return target

    def _describe(self, info: DatasetInfo, status: RunStatus, target: int) -> None:
        """The run line, the Start/Resume button and the status line, for this voice as it is now."""
        ended = self._ended[1] if self._ended is not None and self._ended[0] == self._run_dir else None
        if self._auto_steps and not status.fixed:
            fine_tune = self.base_model() is not None
            self.steps_info.setText(steps_rule_words(self.preset_combo.currentText(), fine_tune))
        else:
            self.steps_info.setText("")
        self.start_button.setEnabled(info.has_features)
        if not info.has_features:
            self.run_label.setText(
                QCoreApplication.translate(
                    "TrainPage", "This dataset has no features; prepare it again on the Library page."
                )
            )
            self.status_label.setText(
                QCoreApplication.translate(
                    "TrainPage", "This voice cannot be trained until it is prepared again."
                )
            )
            self.start_button.setText(QCoreApplication.translate("TrainPage", "Start"))
        elif status.fixed and target <= status.step:
            self.run_label.setText(
                QCoreApplication.translate(
                    "TrainPage",
                    "The run of this voice ({run}) is at step {step:,}. Raise “Stop after step” to train it "
                    "further, export it, or start over.",
                ).format(run=describe_run(status), step=status.step)
            )
            self.start_button.setText(QCoreApplication.translate("TrainPage", "Resume"))
            self.start_button.setEnabled(False)
            self.status_label.setText(
                ended
                or QCoreApplication.translate(
                    "TrainPage", "Trained to step {step:,}. Export the voice to use it on the Convert page."
                ).format(step=status.step)
            )
        elif status.fixed:
            self.run_label.setText(
                QCoreApplication.translate(
                    "TrainPage",
                    "A run of this voice ({run}) stopped at step {step:,}: Resume continues it to step "
                    "{target:,}. Its model size and starting point are fixed; “Start over…” begins a new "
                    "run.",
                ).format(run=describe_run(status), step=status.step, target=target)
            )
            self.start_button.setText(QCoreApplication.translate("TrainPage", "Resume"))
            self.status_label.setText(
                ended
                or QCoreApplication.translate(
                    "TrainPage", "Stopped at step {step:,} of {target:,}. Press Resume to continue."
                ).format(step=status.step, target=target)
            )
        else:
            self.run_label.setText(
                QCoreApplication.translate("TrainPage", "New run in {run_dir}").format(run_dir=self._run_dir)
            )
            self.start_button.setText(QCoreApplication.translate("TrainPage", "Start"))
            self.status_label.setText(
                ended
                or QCoreApplication.translate("TrainPage", "Ready: press Start to train “{name}”.").format(
                    name=info.name
                )
            )

    def _request_estimate(self, info: DatasetInfo, status: RunStatus, target: int) -> None:
        """The time estimate for what Start would run now (measured in a worker once per choice)."""
        from models.config import VoiceConfig
        from models.training.speed import measure_speed

        remaining = target - status.step
        if not info.has_features or remaining <= 0 or not self.isVisible():
            self.estimate.clear()
            return
        preset = self.preset_combo.currentText()
        base = None if status.fixed else self.base_model()  # a run's own base has its preset's shapes
        device, threads, cache = self.ctx.device, self.ctx.threads, self.feature_cache
        key = (str(info.folder), preset, str(base), device, threads, str(cache))
        config = VoiceConfig.from_preset(preset)

        def task(cancel: threading.Event):  # type: ignore[no-untyped-def]
            return measure_speed(
                info.folder, config, feature_cache=cache, base=base, device=device, cancel=cancel
            )

        self.estimate.request(key, remaining, task)

    def ask_start_over(self) -> None:
        """Asks whether to keep (archive) or delete the current run, then takes it out of the way."""
        info = self.dataset()
        if info is None or self.job is not None or self._run_dir is None:
            return
        status = self._run_status()
        self.confirm_box = run_fate_box(
            self,
            QCoreApplication.translate("TrainPage", "Start over"),
            QCoreApplication.translate(
                "TrainPage",
                "Start a new run of “{name}”? The current run ({run}) will no longer be resumed; you can "
                "then choose the model size, the starting point and the steps again.",
            ).format(name=info.name, run=describe_run(status)),
            self.start_over,
            delete_label=QCoreApplication.translate("TrainPage", "Delete the old run"),
        )

    def start_over(self, keep: bool) -> bool:
        """Archives (``keep``) or deletes the run of the chosen voice, so Start begins a new run."""
        if self._run_dir is None or self.job is not None:
            return False
        run_dir = self._run_dir
        try:
            archived = retire_run(run_dir, keep=keep)
        except (RunBusyError, OSError) as exc:
            self.error_box = show_error(
                self, QCoreApplication.translate("TrainPage", "Cannot start over"), error_text(exc)
            )
            return False
        self._history_dir = None
        self._auto_steps = True
        self.curves.clear_points()
        self.audio.load(run_dir)
        done = (
            QCoreApplication.translate("TrainPage", "the old run was archived in {folder}").format(
                folder=archived
            )
            if archived
            else QCoreApplication.translate("TrainPage", "the old run was deleted")
        )
        self.messages.appendPlainText(f"— {run_dir.name}: {done}")
        self._voice_changed()
        self._ended = (run_dir, f"Starting over: {done}. Choose the settings and press Start.")
        self._voice_changed()
        self.ctx.events.voices_changed.emit()  # the Library shows the dataset's run state
        return True
