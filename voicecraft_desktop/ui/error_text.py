"""Text from the Qt-free layers in the user's language.

The engine (``models/``, ``voicecraft_desktop/core/``) stays free of Qt. A sentence it makes for the
user carries a ``code`` and ``params`` beside its English text: errors derived from
``models.errors.UserError`` (and ``AudioLoadError``, the converter's too-short error) set them as
attributes; any other text, and any exception raised with one, is a ``models.errors.Message`` (a
``str`` that carries the code). :func:`engine_text` turns a known code into a translated sentence
(:data:`TEXTS`); anything else keeps its English text, so nothing is ever lost. In English the
engine's own sentence is shown (it names full paths).

Texts the engine keeps as fixed data rather than sentences are looked up by their key here:
model files (:func:`asset_title`, :func:`asset_description`, keyed by the registry name),
separation models (:func:`separation_text`), the training stop verdict (:func:`verdict_text`) and
the quality report's numbers (:func:`quality_summary`).

``tests/desktop/test_i18n.py`` finds every code the engine can emit and fails when one is missing here.
Missing model files (``AssetError.missing``) have their own text, ``ui/pages/_common.missing_models_text``.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "ErrorText"

#: code -> the English source of its translated sentence; ``{name}`` fields come from the code's params
#: (plus ``file``, the last part of ``path``, ``device``'s words and ``title``, the model file ``asset``'s
#: title; see :func:`_values`).
TEXTS: dict[str, str] = {
    # errors (UserError, AudioLoadError, the converter)
    "name_taken": QT_TRANSLATE_NOOP(
        "ErrorText", "A voice named “{name}” already exists: choose another name."
    ),
    "audio_unreadable": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” cannot be opened as audio: choose a WAV, FLAC, MP3 or OGG file."
    ),
    "audio_empty": QT_TRANSLATE_NOOP("ErrorText", "“{file}” contains no sound."),
    "audio_not_found": QT_TRANSLATE_NOOP("ErrorText", "“{file}” was not found (was it moved or deleted?)"),
    "audio_read_failed": QT_TRANSLATE_NOOP("ErrorText", "“{file}” cannot be read ({detail})"),
    "audio_too_long": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” is {seconds:.0f} s long; the limit is {limit:.0f} s. Use a shorter file."
    ),
    "audio_too_short": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” is only {seconds:.2f} s long: it needs at least {minimum:g} s of audio."
    ),
    "voice_name_empty": QT_TRANSLATE_NOOP("ErrorText", "a voice name cannot be empty"),
    "voice_name_control": QT_TRANSLATE_NOOP("ErrorText", "a voice name cannot contain line breaks or tabs"),
    "voice_rename_failed": QT_TRANSLATE_NOOP("ErrorText", "the voice “{voice}” cannot be renamed ({detail})"),
    "voice_delete_failed": QT_TRANSLATE_NOOP("ErrorText", "the voice “{voice}” cannot be deleted ({detail})"),
    "voice_save_failed": QT_TRANSLATE_NOOP("ErrorText", "the voice “{voice}” cannot be saved ({detail})"),
    "voice_update_failed": QT_TRANSLATE_NOOP("ErrorText", "the voice “{voice}” cannot be updated ({detail})"),
    "library_unwritable": QT_TRANSLATE_NOOP(
        "ErrorText", "nothing can be saved in the voice library {path} ({detail})"
    ),
    "import_not_voice": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” is not a VoiceCraft voice (a voice folder or a voice .zip)"
    ),
    "import_bad_zip": QT_TRANSLATE_NOOP("ErrorText", "“{file}” is not a readable zip file ({detail})"),
    # importing a voice (core/library, library_io): ``reason`` is one of the import_manifest_* sentences
    "import_refused": QT_TRANSLATE_NOOP("ErrorText", "“{file}” is not a VoiceCraft voice: {reason}"),
    "import_manifest_too_large": QT_TRANSLATE_NOOP(
        "ErrorText", "its voice description (voice.json) is far too large to be one"
    ),
    "import_manifest_count": QT_TRANSLATE_NOOP(
        "ErrorText", "a voice zip holds exactly one voice.json, this one holds {count}"
    ),
    "import_manifest_deep": QT_TRANSLATE_NOOP(
        "ErrorText", "its voice.json is buried too deep (it belongs at the top of the zip or in one folder)"
    ),
    "import_manifest_damaged": QT_TRANSLATE_NOOP(
        "ErrorText", "its voice description (voice.json) is damaged or from another program"
    ),
    "import_voice_newer": QT_TRANSLATE_NOOP(
        "ErrorText",
        "“{file}” was made by a newer VoiceCraft (voice format {version}): update VoiceCraft to open it",
    ),
    "import_zip_too_large": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” would unpack to more than {gib} GiB, so it was not imported"
    ),
    "import_not_found": QT_TRANSLATE_NOOP("ErrorText", "“{file}” was not found (was it moved or deleted?)"),
    "import_not_voice_kind": QT_TRANSLATE_NOOP(
        "ErrorText",
        "“{file}” is not a voice: choose a voice folder, a voice .zip, or a so-vits-svc-5.0 .pth with its "
        "singer .npy",
    ),
    "import_failed": QT_TRANSLATE_NOOP("ErrorText", "“{file}” could not be imported ({detail})"),
    "import_reference_no_npy": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” is a so-vits-svc-5.0 model: choose its singer .npy (speaker vector) too"
    ),
    "import_reference_refused": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” cannot be imported as a so-vits-svc-5.0 voice ({detail})"
    ),
    "export_write_failed": QT_TRANSLATE_NOOP("ErrorText", "“{file}” cannot be written ({detail})"),
    # writing converted audio (models/convert/files, cover)
    "output_write_failed": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” cannot be written in {folder} ({detail})"
    ),
    "output_disk_full": QT_TRANSLATE_NOOP("ErrorText", "“{file}” cannot be written: is the disk full?"),
    "output_folder_is_file": QT_TRANSLATE_NOOP(
        "ErrorText", "{path} is a file, not a folder: choose another folder for the converted files"
    ),
    "output_folder_unwritable": QT_TRANSLATE_NOOP(
        "ErrorText", "nothing can be written in the output folder {path} ({detail})"
    ),
    "import_voice_damaged": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the voice's files are damaged or incomplete (was the download cut short?), so it was not imported",
    ),
    "import_duplicate": QT_TRANSLATE_NOOP("ErrorText", "this voice is already in your library as “{voice}”"),
    "voice_damaged": QT_TRANSLATE_NOOP(
        "ErrorText", "the voice “{voice}” cannot be opened: its files are damaged or incomplete"
    ),
    "mix_other_encoder": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the voice “{voice}” was made with another speaker encoder than the pretrain's, so it cannot be "
        "mixed: mix base singers, instant voices, or voices trained from a dataset prepared with the "
        "pretrain's encoder",
    ),
    "convert_no_f0_stats": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the voice “{voice}” has no pitch statistics, so the key cannot be set automatically; set the key "
        "shift by hand instead",
    ),
    "dataset_missing": QT_TRANSLATE_NOOP(
        "ErrorText", "the dataset is missing ({file}): prepare it first with “New voice from folder…”"
    ),
    "dataset_no_clips": QT_TRANSLATE_NOOP("ErrorText", "the dataset has no clips"),
    "dataset_damaged": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the dataset's file “{file}” is damaged or missing: prepare the dataset again with “New voice from "
        "folder…”",
    ),
    "dataset_wrong_encoders": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the dataset was prepared without the content features training needs: prepare it again with “New "
        "voice from folder…”",
    ),
    "dataset_preset_mismatch": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the dataset was prepared for another model size than {preset}: choose the model size it was "
        "prepared for, or prepare it again",
    ),
    "run_damaged": QT_TRANSLATE_NOOP(
        "ErrorText", "the training run's file “{file}” is missing or damaged, so the run cannot continue"
    ),
    "train_folder_unwritable": QT_TRANSLATE_NOOP(
        "ErrorText", "the training folder {path} cannot be written ({detail})"
    ),
    "train_resume_failed": QT_TRANSLATE_NOOP(
        "ErrorText", "the training cannot continue from its checkpoint “{file}”: the file is damaged"
    ),
    "train_base_mismatch": QT_TRANSLATE_NOOP(
        "ErrorText", "the base model “{file}” does not fit the chosen model size"
    ),
    "start_exported_voice": QT_TRANSLATE_NOOP(
        "ErrorText",
        "“{file}” is a finished voice, which cannot be trained further: fine-tune from a training "
        "checkpoint or the pretrained base instead",
    ),
    "dataset_clips_too_short": QT_TRANSLATE_NOOP(
        "ErrorText", "no training clip is at least {seconds:.2f} s long"
    ),
    # model file downloads (models/formats/assets; ``title`` is the asset's title, see _values)
    "download_http": QT_TRANSLATE_NOOP(
        "ErrorText", "the server refused the download of {title} (HTTP error {status}); try again later"
    ),
    "download_offline": QT_TRANSLATE_NOOP("ErrorText", "no internet connection ({host} cannot be reached)"),
    "download_broken": QT_TRANSLATE_NOOP(
        "ErrorText", "the connection broke off while {title} was downloading"
    ),
    "download_short": QT_TRANSLATE_NOOP(
        "ErrorText", "the connection ended before all of {title} had arrived"
    ),
    "download_cancelled": QT_TRANSLATE_NOOP(
        "ErrorText", "the download of {title} was cancelled; it resumes next time"
    ),
    "download_disk_full": QT_TRANSLATE_NOOP(
        "ErrorText", "the disk is full, so {title} could not be saved in {folder}: free some space"
    ),
    "download_write_failed": QT_TRANSLATE_NOOP(
        "ErrorText", "{title} could not be saved in {folder} ({detail})"
    ),
    "download_checksum": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the downloaded copy of {title} is not the published file (its checksum differs), so it was "
        "deleted; download it again",
    ),
    "download_not_model": QT_TRANSLATE_NOOP(
        "ErrorText", "the downloaded file is not {title}, so it was deleted; download it again"
    ),
    # conversion settings (models/convert/options, cover; ``option`` comes out as its label, see _values)
    "option_range": QT_TRANSLATE_NOOP(
        "ErrorText", "{option} must be a number from {low:g} to {high:g}{unit}"
    ),
    "option_above": QT_TRANSLATE_NOOP(
        "ErrorText", "{option} must be a number above {low:g} and at most {high:g}{unit}"
    ),
    "option_whole": QT_TRANSLATE_NOOP("ErrorText", "{option} must be a whole number"),
    "option_whole_range": QT_TRANSLATE_NOOP(
        "ErrorText", "{option} must be a whole number from {low} to {high}"
    ),
    "option_chunk_short": QT_TRANSLATE_NOOP(
        "ErrorText", "{option} must be at least {minimum:g} seconds (or 0 for no chunks)"
    ),
    "option_crossfade": QT_TRANSLATE_NOOP(
        "ErrorText", "half the crossfade must not exceed the chunk context"
    ),
    "option_choice": QT_TRANSLATE_NOOP("ErrorText", "{option}: “{value}” is not one of the choices"),
    "option_on_off": QT_TRANSLATE_NOOP("ErrorText", "{option} must be either on or off"),
    "option_crossfade_block": QT_TRANSLATE_NOOP("ErrorText", "the crossfade cannot be longer than the block"),
    # a model file chosen with "Locate file…" (models/formats/assets.verify_file)
    "asset_wrong_file": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” is not {title} (its contents are not the published model's)"
    ),
    "asset_not_verified_copy": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” is not the copy of {title} that was checked before (its contents differ)"
    ),
    "asset_not_file": QT_TRANSLATE_NOOP("ErrorText", "“{file}” is not a file"),
    "asset_no_config": QT_TRANSLATE_NOOP(
        "ErrorText", "“{file}” is not a {title} folder: it has no config.json"
    ),
    "sha_published": QT_TRANSLATE_NOOP("ErrorText", "published"),
    "sha_recorded": QT_TRANSLATE_NOOP("ErrorText", "recorded from the first verified copy"),
    "sha_none": QT_TRANSLATE_NOOP(
        "ErrorText", "no full sha256 is published; the first copy is checked by format and shapes"
    ),
    # audio devices (core/recorder, core/live)
    "no_input_device": QT_TRANSLATE_NOOP(
        "ErrorText", "no audio input device was found (no microphone, no sound server)"
    ),
    "audio_library_missing": QT_TRANSLATE_NOOP(
        "ErrorText", "the audio library could not be loaded ({detail})"
    ),
    "audio_system_error": QT_TRANSLATE_NOOP("ErrorText", "the audio system reported an error ({detail})"),
    "live_rate": QT_TRANSLATE_NOOP(
        "ErrorText", "The {device} cannot run at {rate} Hz ({detail}); choose another device or rate."
    ),
    "live_open": QT_TRANSLATE_NOOP("ErrorText", "Cannot open the {device}: {detail}"),
    "live_stopped": QT_TRANSLATE_NOOP("ErrorText", "Live conversion stopped: {detail}"),
    "live_device_stopped": QT_TRANSLATE_NOOP(
        "ErrorText", "The audio device stopped (was it unplugged?). Check the devices and press Start again."
    ),
    "live_input_silent": QT_TRANSLATE_NOOP(
        "ErrorText",
        "No sound has come from the input device for two seconds (was it unplugged?). "
        "Check the devices and press Start again.",
    ),
    "record_unavailable": QT_TRANSLATE_NOOP("ErrorText", "Cannot record: {reason}."),
    "record_open": QT_TRANSLATE_NOOP("ErrorText", "Cannot open the {device} at {rate} Hz: {detail}"),
    "playback_no_output": QT_TRANSLATE_NOOP(
        "ErrorText",
        "No audio output device was found, so nothing can be played. Connect speakers or headphones (or "
        "start the sound server) and try again. ({detail})",
    ),
    "playback_failed": QT_TRANSLATE_NOOP("ErrorText", "Cannot play audio on the output device: {detail}"),
    # conversion notes (models/convert)
    "convert_not_editable": QT_TRANSLATE_NOOP(
        "ErrorText",
        "{file}: its pitch cannot be edited after conversion (only songs up to {minutes:.0f} minutes); split "
        "it into parts to edit them",
    ),
    "convert_auto_key_unvoiced": QT_TRANSLATE_NOOP(
        "ErrorText", "{file}: no voiced frames found; automatic key left the pitch unchanged"
    ),
    "convert_unvoiced": QT_TRANSLATE_NOOP(
        "ErrorText", "{file}: no pitch found in the input; the result will be unvoiced"
    ),
    "encoder_version": QT_TRANSLATE_NOOP(
        "ErrorText", "{role}: voice “{voice}” was trained with {model} {trained}; installed {installed}"
    ),
    "pitch_method_differs": QT_TRANSLATE_NOOP(
        "ErrorText", "pitch: voice “{voice}” was trained with {trained}; converting with {used}"
    ),
    "backing_librosa": QT_TRANSLATE_NOOP(
        "ErrorText", "{file}: the backing was shifted with librosa (pedalboard is not installed)"
    ),
    "fast_encoder_exact": QT_TRANSLATE_NOOP(
        "ErrorText", "fast path: {detail}; the unit encoder ran the exact way"
    ),
    "fast_generator_exact": QT_TRANSLATE_NOOP(
        "ErrorText", "fast path: the generator could not be prepared ({detail}); it ran the exact way"
    ),
    "batch_repeated": QT_TRANSLATE_NOOP(
        "ErrorText", "{file}: given twice (the same file as {first}); converted once"
    ),
    "batch_renamed": QT_TRANSLATE_NOOP(
        "ErrorText", "{file}: written as “{name}”, because {other} also converts to “{base}”"
    ),
    "batch_exists": QT_TRANSLATE_NOOP("ErrorText", "{path}: already exists, so it was left as it is"),
    # the training stop advice (models/training/validation)
    "advice_improving": QT_TRANSLATE_NOOP(
        "ErrorText", "validation is improving (best so far at step {best_step})"
    ),
    "advice_waiting": QT_TRANSLATE_NOOP(
        "ErrorText",
        "no improvement of {threshold} or more for {since} of {patience} evaluations (best at step "
        "{best_step}); if none comes by the {patience}th, more steps are unlikely to help",
    ),
    "advice_plateau": QT_TRANSLATE_NOOP(
        "ErrorText",
        "no improvement of {threshold} or more for {since} evaluations (best at step {best_step}): "
        "more steps are unlikely to help; you can stop",
    ),
    "advice_overfitting": QT_TRANSLATE_NOOP(
        "ErrorText",
        "validation got worse: no improvement of {threshold} or more for {since} evaluations, and the "
        "latest is well above the best (step {best_step}): the model is overfitting; stop now — the best "
        "checkpoint is kept for export",
    ),
    # training (models/training)
    "train_write_failed": QT_TRANSLATE_NOOP(
        "ErrorText",
        "{path}: {detail}; the checkpoints written so far are kept and the next run resumes from the last "
        "one",
    ),
    "train_out_of_memory": QT_TRANSLATE_NOOP(
        "ErrorText",
        "out of GPU memory even at batch size 1 on {device}; close other GPU programs, use a smaller "
        "segment_samples, or train on the CPU",
    ),
    "train_out_of_memory_gpus": QT_TRANSLATE_NOOP(
        "ErrorText",
        "out of GPU memory at batch {batch} per GPU on {device}; train with a smaller batch size or fewer "
        "GPUs (the run resumes from its last checkpoint)",
    ),
    "train_batch_halved": QT_TRANSLATE_NOOP(
        "ErrorText",
        "out of GPU memory: continuing with batch {batch} and {accumulation}-step accumulation (same "
        "effective batch)",
    ),
    "train_fp16_overflow": QT_TRANSLATE_NOOP(
        "ErrorText", "fp16 gradient overflow at step {step}: update skipped, loss scale lowered to {scale}"
    ),
    "train_nonfinite": QT_TRANSLATE_NOOP(
        "ErrorText", "non-finite loss at step {step}: its update was skipped"
    ),
    "train_diverged": QT_TRANSLATE_NOOP(
        "ErrorText",
        "training diverged: {steps} consecutive steps with non-finite losses (fine-tune from the last good "
        "checkpoint as a base with a lower learning rate, or check the dataset)",
    ),
    "run_busy": QT_TRANSLATE_NOOP("ErrorText", "already training (pid {pid})"),
    "run_busy_elsewhere": QT_TRANSLATE_NOOP("ErrorText", "already training in another process"),
    "run_busy_stop": QT_TRANSLATE_NOOP(
        "ErrorText", "the training run {file} is {reason}; stop that training first"
    ),
    "train_process_died": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the training process ended unexpectedly (exit code {exit_code}); the last checkpoint is kept, "
        "press Start to resume",
    ),
    "train_processes_failed": QT_TRANSLATE_NOOP(
        "ErrorText", "the training processes ended with exit status {status}: {detail}"
    ),
    "train_pause_multi": QT_TRANSLATE_NOOP(
        "ErrorText",
        "pausing is not available with several processes: stop the run instead (it resumes from its "
        "checkpoint)",
    ),
    "two_messages": QT_TRANSLATE_NOOP("ErrorText", "{first}; {second}"),
    # where a run starts and how it goes (models/training: start, checkpoints, engine, trainer, runlock)
    "note_fine_tune": QT_TRANSLATE_NOOP("ErrorText", "fine-tuning from {file}: {kind}"),
    "base_voicecraft": QT_TRANSLATE_NOOP("ErrorText", "VoiceCraft checkpoint (step {step})"),
    "base_sovits": QT_TRANSLATE_NOOP("ErrorText", "so-vits-svc-5.0 {kind} (step {step})"),
    "note_no_discriminator": QT_TRANSLATE_NOOP(
        "ErrorText", "it has no discriminator, which starts from scratch"
    ),
    "note_partial_removed": QT_TRANSLATE_NOOP(
        "ErrorText", "removed {count} unfinished checkpoint write(s) of an interrupted run"
    ),
    "note_checkpoint_skipped": QT_TRANSLATE_NOOP(
        "ErrorText", "skipped unreadable checkpoint {file} ({detail})"
    ),
    "note_resuming": QT_TRANSLATE_NOOP("ErrorText", "resuming from {file} (step {step})"),
    "note_base_unused": QT_TRANSLATE_NOOP(
        "ErrorText", "the run folder already has checkpoints: the base model is not used again"
    ),
    "note_inputs_sized": QT_TRANSLATE_NOOP(
        "ErrorText",
        "model inputs sized to the dataset's features: ppg {ppg}-d, vec {vec}-d (preset {preset}: "
        "{preset_ppg}-d, {preset_vec}-d)",
    ),
    "note_fp16_cpu": QT_TRANSLATE_NOOP("ErrorText", "fp16 needs a CUDA device; training in fp32 on the CPU"),
    "note_no_bf16": QT_TRANSLATE_NOOP("ErrorText", "this GPU has no bf16; using fp16 with loss scaling"),
    "note_clips_skipped": QT_TRANSLATE_NOOP(
        "ErrorText", "{count} clip(s) shorter than {seconds} s are not used for training"
    ),
    "note_no_validation": QT_TRANSLATE_NOOP(
        "ErrorText", "too few clips to hold any out: no validation (and no stop signal) in this run"
    ),
    "note_dataset_changed": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the dataset changed since this run started ({before} -> {now} clips): training continues on the "
        "current clips in a new order",
    ),
    "note_world_changed": QT_TRANSLATE_NOOP(
        "ErrorText",
        "this run trained in {before} process(es) and continues in {world}: the global batch is now {total} "
        "({batch} per process; learning rate unchanged)",
    ),
    "note_paused": QT_TRANSLATE_NOOP("ErrorText", "paused"),
    "note_stopped": QT_TRANSLATE_NOOP("ErrorText", "stopped at step {step}; checkpoint {file} written"),
    "note_lock_taken": QT_TRANSLATE_NOOP(
        "ErrorText", "took over the lock of an ended training process ({owner})"
    ),
    "export_no_checkpoint": QT_TRANSLATE_NOOP(
        "ErrorText", "the run has no checkpoint yet; train at least until the first one"
    ),
    # exporting a trained voice (models/formats/artifact, models/training/export, core/runs)
    "checkpoint_damaged": QT_TRANSLATE_NOOP(
        "ErrorText", "the training checkpoint “{file}” is damaged or incomplete, so it cannot be used"
    ),
    "checkpoint_version": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the training checkpoint “{file}” was written by another VoiceCraft (checkpoint format {version}), "
        "so it cannot be read",
    ),
    "voice_folder_exists": QT_TRANSLATE_NOOP("ErrorText", "the voice folder {path} already exists"),
    "export_failed": QT_TRANSLATE_NOOP(
        "ErrorText", "the voice cannot be exported from the training run {path} ({detail})"
    ),
    # the conversion quality report's notes (models/convert/report)
    "quality_no_voiced": QT_TRANSLATE_NOOP(
        "ErrorText", "no frame is voiced in both the intended and the output pitch"
    ),
    "quality_no_encoder": QT_TRANSLATE_NOOP(
        "ErrorText", "speaker similarity not computed (no speaker encoder loaded)"
    ),
    "quality_imported_voice": QT_TRANSLATE_NOOP(
        "ErrorText",
        "the voice's speaker vector is not a resemblyzer embedding (imported voice): similarity to the "
        "voice is not comparable",
    ),
    "quality_similarity_failed": QT_TRANSLATE_NOOP("ErrorText", "speaker similarity not computed: {detail}"),
    # the dataset report (models/features/preprocess)
    "reject_low_rate": QT_TRANSLATE_NOOP(
        "ErrorText",
        "sample rate {rate} Hz is below {minimum} Hz: no content above {top} Hz to learn a {model_khz} kHz "
        "voice from",
    ),
    "reject_undecodable": QT_TRANSLATE_NOOP("ErrorText", "the audio data cannot be decoded ({detail})"),
    "reject_empty": QT_TRANSLATE_NOOP("ErrorText", "contains no audio (0 samples)"),
    "reject_silent": QT_TRANSLATE_NOOP("ErrorText", "silent (no passage louder than -60 dBFS)"),
    "reject_no_passage": QT_TRANSLATE_NOOP("ErrorText", "no passage stands out from the background"),
    "reject_too_short": QT_TRANSLATE_NOOP(
        "ErrorText", "a sounding piece of {seconds:.2f} s between silences is shorter than {minimum:.0f} s"
    ),
    "reject_clipped": QT_TRANSLATE_NOOP(
        "ErrorText", "clipped: {percent:.1f} % of samples in flat runs at full scale"
    ),
    "reject_not_audio": QT_TRANSLATE_NOOP("ErrorText", "not an audio file (extension {extension})"),
    "note_low_rate": QT_TRANSLATE_NOOP(
        "ErrorText", "{file}: recorded at {rate} Hz, so the voice learns nothing above {top} Hz"
    ),
    "features_cached": QT_TRANSLATE_NOOP("ErrorText", "features: {extractors}, kept in {folder}"),
    "note_mixed_down": QT_TRANSLATE_NOOP("ErrorText", "{file}: {channels} channels mixed down to mono"),
    "warn_no_files": QT_TRANSLATE_NOOP("ErrorText", "no files found in {folder}"),
    "warn_no_usable": QT_TRANSLATE_NOOP(
        "ErrorText", "no usable audio: every file was rejected (reasons below)"
    ),
    "warn_too_little": QT_TRANSLATE_NOOP(
        "ErrorText",
        "only {minutes:.1f} min of audio; at least {recommended:.0f} min is recommended (with less, the "
        "base model's timbre stays audible and unseen notes break)",
    ),
}

#: a conversion setting (``OptionError.option``, a ``ConvertOptions``/``CoverOptions`` field) -> the words
#: the pages label it with; never the field's or the command line's name.
OPTION_LABELS: dict[str, str] = {
    "key": QT_TRANSLATE_NOOP("ErrorText", "Key shift"),
    "auto_key": QT_TRANSLATE_NOOP("ErrorText", "Automatic key"),
    "f0_method": QT_TRANSLATE_NOOP("ErrorText", "Pitch method"),
    "unvoiced": QT_TRANSLATE_NOOP("ErrorText", "Unvoiced frames"),
    "noise_scale": QT_TRANSLATE_NOOP("ErrorText", "Noise scale"),
    "seed": QT_TRANSLATE_NOOP("ErrorText", "Seed"),
    "silence_gate": QT_TRANSLATE_NOOP("ErrorText", "Mute non-singing gaps"),
    "gate_threshold": QT_TRANSLATE_NOOP("ErrorText", "Silence threshold"),
    "match_loudness": QT_TRANSLATE_NOOP("ErrorText", "Match the input's loudness"),
    "retrieval_ratio": QT_TRANSLATE_NOOP("ErrorText", "Index"),
    "retrieval_k": QT_TRANSLATE_NOOP("ErrorText", "Index neighbours"),
    "chunk_s": QT_TRANSLATE_NOOP("ErrorText", "Chunk length"),
    "context_s": QT_TRANSLATE_NOOP("ErrorText", "Chunk context"),
    "crossfade_s": QT_TRANSLATE_NOOP("ErrorText", "Crossfade"),
    "report": QT_TRANSLATE_NOOP("ErrorText", "Quality report"),
    "report_max_s": QT_TRANSLATE_NOOP("ErrorText", "Quality report length"),
    "max_input_s": QT_TRANSLATE_NOOP("ErrorText", "Longest input"),
    "deterministic": QT_TRANSLATE_NOOP("ErrorText", "Repeatable results"),
    "speed": QT_TRANSLATE_NOOP("ErrorText", "Speed"),
    "vocal_gain_db": QT_TRANSLATE_NOOP("ErrorText", "Vocal level"),
    "backing_gain_db": QT_TRANSLATE_NOOP("ErrorText", "Backing level"),
    "shift_backing": QT_TRANSLATE_NOOP("ErrorText", "Shift the backing with the key"),
    "separation_model": QT_TRANSLATE_NOOP("ErrorText", "Separation"),
}

#: a live conversion setting (``OptionError`` with ``settings="live"``: a ``StreamOptions`` field) -> the
#: Live page's label for it (its "context" is not the Convert page's chunk context); fields the page
#: does not show get words of their own.
LIVE_OPTION_LABELS: dict[str, str] = {
    "block_s": QT_TRANSLATE_NOOP("ErrorText", "Block"),
    "context_s": QT_TRANSLATE_NOOP("ErrorText", "Extra context"),
    "crossfade_s": QT_TRANSLATE_NOOP("ErrorText", "Crossfade"),
    "lookahead_s": QT_TRANSLATE_NOOP("ErrorText", "Lookahead"),
    "search_s": QT_TRANSLATE_NOOP("ErrorText", "Splice search range"),
    "decoder_context_s": QT_TRANSLATE_NOOP("ErrorText", "Decoder context"),
    "key": QT_TRANSLATE_NOOP("ErrorText", "Key"),
    "noise_scale": QT_TRANSLATE_NOOP("ErrorText", "Noise scale"),
    "unvoiced": QT_TRANSLATE_NOOP("ErrorText", "Unvoiced frames"),
}

#: the OS's words for the commonest reasons a file cannot be written or read (a ``detail`` param is
#: ``OSError.strerror``, compared with this system's ``os.strerror``); any other reason stays as the
#: OS gave it.
OS_REASONS: dict[int, str] = {
    errno.ENOSPC: QT_TRANSLATE_NOOP("ErrorText", "the disk is full"),
    errno.EACCES: QT_TRANSLATE_NOOP("ErrorText", "permission denied"),
    errno.EPERM: QT_TRANSLATE_NOOP("ErrorText", "not permitted"),
    errno.EROFS: QT_TRANSLATE_NOOP("ErrorText", "the disk is read-only"),
    errno.ENOENT: QT_TRANSLATE_NOOP("ErrorText", "no such file or folder"),
    errno.ENOTDIR: QT_TRANSLATE_NOOP("ErrorText", "a file is where a folder should be"),
    errno.EISDIR: QT_TRANSLATE_NOOP("ErrorText", "it is a folder"),
}

#: units a setting's bounds are given in (``OptionError`` params ``unit``).
UNITS: dict[str, str] = {
    "semitones": QT_TRANSLATE_NOOP("ErrorText", " semitones"),
    "s": QT_TRANSLATE_NOOP("ErrorText", " seconds"),
    "dB": QT_TRANSLATE_NOOP("ErrorText", " dB"),
}

#: registry name -> (title, description) of each model file (models/formats/assets.py).
ASSET_TEXTS: dict[str, tuple[str, str]] = {
    **{
        f"whisper-{size}": (
            QT_TRANSLATE_NOOP("AssetText", "OpenAI Whisper {size} checkpoint"),
            QT_TRANSLATE_NOOP("AssetText", "OpenAI Whisper {size} checkpoint (PPG content encoder)"),
        )
        for size in ("tiny", "base", "small", "medium", "large-v2", "large-v3")
    },
    "hubert-soft": (
        QT_TRANSLATE_NOOP("AssetText", "HuBERT-soft content encoder"),
        QT_TRANSLATE_NOOP("AssetText", "HuBERT-soft content encoder (bshall/hubert release v0.1)"),
    ),
    "sovits5-pretrain": (
        QT_TRANSLATE_NOOP("AssetText", "so-vits-svc-5.0 pretrained generator and discriminator"),
        QT_TRANSLATE_NOOP(
            "AssetText", "so-vits-svc-5.0 pretrained generator and discriminator (release 5.0)"
        ),
    ),
    "sovits5-speaker-encoder": (
        QT_TRANSLATE_NOOP("AssetText", "so-vits-svc-5.0 LSTM speaker encoder best_model.pth.tar"),
        QT_TRANSLATE_NOOP(
            "AssetText",
            "so-vits-svc-5.0 LSTM speaker encoder best_model.pth.tar (download it from the Google Drive "
            "folder {url} that so-vits-svc-5.0's README links)",
        ),
    ),
    "hubert-transformers": (
        QT_TRANSLATE_NOOP(
            "AssetText", "a HuBERT or ContentVec model folder that transformers' HubertModel loads"
        ),
        QT_TRANSLATE_NOOP(
            "AssetText",
            "a HuBERT or ContentVec model folder that transformers' HubertModel loads "
            "(config.json + weights)",
        ),
    ),
    "demucs-htdemucs": (
        QT_TRANSLATE_NOOP("AssetText", "Demucs v4 htdemucs separation model"),
        QT_TRANSLATE_NOOP("AssetText", "Demucs v4 htdemucs separation model (vocals from a song)"),
    ),
    "demucs-htdemucs_ft-vocals": (
        QT_TRANSLATE_NOOP("AssetText", "Demucs v4 htdemucs_ft vocals model"),
        QT_TRANSLATE_NOOP(
            "AssetText", "Demucs v4 htdemucs_ft vocals model (the fine-tuned bag's vocal specialist)"
        ),
    ),
}

#: registry name -> licence, for the model files whose licence is words rather than a licence's name
#: and project ("MIT (openai/whisper)" needs no translation).
ASSET_LICENCES: dict[str, str] = {
    "sovits5-speaker-encoder": QT_TRANSLATE_NOOP(
        "AssetText", "as published by its author (@mueller91's Speaker-Encoder, linked by so-vits-svc-5.0)"
    ),
    "hubert-transformers": QT_TRANSLATE_NOOP("AssetText", "as published by the model's authors"),
}

#: separation model name -> (label, description) (models/features/separation.SEPARATION_MODELS).
SEPARATION_TEXTS: dict[str, tuple[str, str]] = {
    "htdemucs": (
        QT_TRANSLATE_NOOP("AssetText", "Standard (htdemucs)"),
        QT_TRANSLATE_NOOP("AssetText", "Demucs v4 hybrid transformer: the default, good on most songs"),
    ),
    "htdemucs_ft": (
        QT_TRANSLATE_NOOP("AssetText", "Fine-tuned (htdemucs_ft)"),
        QT_TRANSLATE_NOOP(
            "AssetText", "Demucs v4 fine-tuned vocals specialist: cleaner vocals, a second 84 MB download"
        ),
    ),
}

#: a conversion's stages (``ConvertProgress.stage``, models/convert).
STAGES: dict[str, str] = {
    "separate": QT_TRANSLATE_NOOP("ErrorText", "separating the vocal"),
    "pitch": QT_TRANSLATE_NOOP("ErrorText", "finding the pitch"),
    "content": QT_TRANSLATE_NOOP("ErrorText", "reading the singing"),
    "synthesis": QT_TRANSLATE_NOOP("ErrorText", "singing in the new voice"),
    "post": QT_TRANSLATE_NOOP("ErrorText", "finishing"),
    "retrieval": QT_TRANSLATE_NOOP("ErrorText", "searching the voice's recordings"),
    "report": QT_TRANSLATE_NOOP("ErrorText", "measuring the quality"),
}

#: the training stop verdicts (models/training/validation.ValidationReport.verdict).
VERDICTS: dict[str, str] = {
    "Keep training": QT_TRANSLATE_NOOP("ErrorText", "Keep training"),
    "Keep watching": QT_TRANSLATE_NOOP("ErrorText", "Keep watching"),
    "You can stop now": QT_TRANSLATE_NOOP("ErrorText", "You can stop now"),
    "Stop now": QT_TRANSLATE_NOOP("ErrorText", "Stop now"),
}


def _english() -> bool:
    from voicecraft_desktop.i18n import SOURCE_LANGUAGE, current_language

    return current_language() == SOURCE_LANGUAGE


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def structured(item: object) -> tuple[str | None, dict]:
    """``(code, params)`` of an engine error or message (``(None, {})`` for plain text): the item's own
    attributes, else those of the ``Message`` an exception was raised with."""
    from models.errors import Message

    code = getattr(item, "code", None)
    if code is None and isinstance(item, BaseException) and len(item.args) == 1:
        if isinstance(item.args[0], Message):
            item = item.args[0]
            code = item.code
    return (code if isinstance(code, str) else None), dict(getattr(item, "params", None) or {})


def _values(params: dict) -> dict:
    """The params plus what the sentences name: ``file`` (the last part of ``path``), ``title`` (the
    model file ``asset``'s title), ``option`` and ``unit`` in words, and ``device`` (the words for a
    live session's ``where`` and ``device``)."""
    from models.errors import Message

    values = {k: engine_text(v) if isinstance(v, Message) else v for k, v in params.items()}
    if "path" in values:
        values.setdefault("file", Path(str(values["path"])).name)
    if "option" in values:  # a conversion setting: its label, else (a newer engine's) its field name
        option = str(values["option"])
        labels = LIVE_OPTION_LABELS if values.get("settings") == "live" else OPTION_LABELS
        values["option"] = _tr(CONTEXT, labels[option]) if option in labels else option
    if isinstance(values.get("detail"), str):
        values["detail"] = os_reason(values["detail"])
    if "unit" in values:
        unit = str(values["unit"])
        values["unit"] = _tr(CONTEXT, UNITS[unit]) if unit in UNITS else (f" {unit}" if unit else "")
    if "asset" in values:
        from models.formats.assets import ASSETS

        name = str(values["asset"])
        values.setdefault("title", asset_title(name, ASSETS[name]) if name in ASSETS else name)
    if "where" in values or "device" in values:
        output = values.get("where") == "output"
        device = values.get("device")
        if device is None:
            text = (
                QCoreApplication.translate("ErrorText", "default output device")
                if output
                else QCoreApplication.translate("ErrorText", "default input device")
            )
        else:
            text = (
                QCoreApplication.translate("ErrorText", "output device “{name}”")
                if output
                else QCoreApplication.translate("ErrorText", "input device “{name}”")
            )
        values["device"] = text.format(name=device)
    return values


def os_reason(detail: str) -> str:
    """``detail`` in the user's language when it is one of the OS's common reasons (:data:`OS_REASONS`),
    else as the OS gave it."""
    for number, text in OS_REASONS.items():
        if detail == os.strerror(number):
            return _tr(CONTEXT, text)
    return detail


def engine_text(item: object, fallback: str = "") -> str:
    """``item`` (an engine error, a ``Message`` or plain text) in the user's language: the translated
    sentence for its code, else ``fallback``, else its English text. In English the engine's own
    sentence (``fallback`` first) is kept."""
    english = fallback or (str(item) if item is not None else "")
    code, params = structured(item)
    if code is None or code not in TEXTS or _english():
        return english
    try:
        return _tr(CONTEXT, TEXTS[code]).format(**_values(params))
    except (KeyError, IndexError, TypeError, ValueError):  # a code without the params it needs
        return english


def error_text(error: BaseException | None, fallback: str = "") -> str:
    """:func:`engine_text` of an error (what the error dialogs show)."""
    return engine_text(error, fallback)


def asset_title(name: str, asset: Any) -> str:
    """The model file ``name``'s title in the user's language (``asset.title`` when not translated)."""
    texts = ASSET_TEXTS.get(name)
    if texts is None or _english():
        return str(asset.title)
    return _tr("AssetText", texts[0]).format(size=name.removeprefix("whisper-"))


def asset_description(name: str, asset: Any) -> str:
    """The model file ``name``'s description in the user's language (``asset.description`` when not
    translated)."""
    texts = ASSET_TEXTS.get(name)
    if texts is None or _english():
        return str(asset.description)
    url = getattr(asset, "manual_url", None) or next(iter(_urls(str(asset.description))), "")
    return _tr("AssetText", texts[1]).format(size=name.removeprefix("whisper-"), url=url)


def asset_licence(name: str, asset: Any) -> str:
    """The model file ``name``'s licence in the user's language (``asset.licence`` when it needs none)."""
    text = ASSET_LICENCES.get(name)
    return str(asset.licence) if text is None or _english() else _tr("AssetText", text)


def _urls(text: str) -> list[str]:
    return [word.rstrip(").,") for word in text.split() if word.startswith("http")]


def separation_text(name: str, model: Any) -> tuple[str, str]:
    """(label, description) of the separation model ``name`` in the user's language."""
    texts = SEPARATION_TEXTS.get(name)
    if texts is None or _english():
        return str(model.label), str(model.description)
    return _tr("AssetText", texts[0]), _tr("AssetText", texts[1])


def timings_text(timings: dict[str, float]) -> str:
    """How long each stage of a conversion took (``ConvertResult.timings``), in the user's language."""
    return QCoreApplication.translate("ErrorText", ", ").join(
        QCoreApplication.translate("ErrorText", "{stage} {seconds:.2f} s").format(
            stage=stage if _english() or stage not in STAGES else _tr(CONTEXT, STAGES[stage]), seconds=seconds
        )
        for stage, seconds in timings.items()
    )


def progress_text(p: Any) -> str:
    """What a conversion is doing (a ``ConvertProgress``): its stage, and how far when it counts
    pieces; in English the engine's own words (``"pitch — pitch 2/5"``)."""
    if _english() or p.stage not in STAGES:
        return f"{p.stage} — {p.message}" if p.message else str(p.stage)
    stage = _tr(CONTEXT, STAGES[p.stage])
    if p.total > 1 and p.done < p.total:
        return QCoreApplication.translate("ErrorText", "{stage} ({done} of {total})").format(
            stage=stage, done=p.done, total=p.total
        )
    return stage


def verdict_text(verdict: str) -> str:
    """A training stop verdict ("Keep training", "Stop now", …) in the user's language."""
    return verdict if verdict not in VERDICTS or _english() else _tr(CONTEXT, VERDICTS[verdict])


def quality_summary(report: Any) -> str:
    """A conversion's quality report (``models.convert.report.QualityReport``) as a few lines in the
    user's language; in English the report's own ``summary()`` (what the CLI prints)."""
    if _english():
        return str(report.summary())

    def num(x: float | None, spec: str) -> str:
        return QCoreApplication.translate("ErrorText", "n/a") if x is None else format(x, spec)

    within = None if report.f0_within_50_cents is None else 100 * report.f0_within_50_cents
    lines = [
        QCoreApplication.translate(
            "ErrorText",
            "pitch error: median {median} cents, mean {mean} cents, {within}% within 50 cents "
            "({frames} frames)",
        ).format(
            median=num(report.f0_median_cents, ".1f"),
            mean=num(report.f0_mean_cents, ".1f"),
            within=num(within, ".0f"),
            frames=report.compared_frames,
        ),
        QCoreApplication.translate("ErrorText", "voicing agreement: {percent:.1f}%").format(
            percent=100 * report.voicing_agreement
        ),
        QCoreApplication.translate(
            "ErrorText", "speaker similarity: to voice {voice}, to source {source}"
        ).format(
            voice=num(report.similarity_to_voice, ".3f"), source=num(report.similarity_to_source, ".3f")
        ),
    ]
    lines += [
        QCoreApplication.translate("ErrorText", "note: {note}").format(note=engine_text(n))
        for n in report.notes
    ]
    return "\n".join("  " + line for line in lines)
