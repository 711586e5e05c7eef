"""New voice from a folder: dataset preparation + feature extraction as one Qt-free generator.

The desktop app's "New voice from folder…" runs :func:`prepare_voice_dataset` in a worker; the
generator composes :func:`models.features.preprocess.prepare_dataset` (slicing, normalising, the report
of kept and rejected clips) and :func:`models.features.clip.extract_dataset` (F0, content features,
speaker embedding into the shared feature cache), the same two stages ``voicecraft prepare``
runs. It yields :class:`DatasetJobProgress` and returns a :class:`DatasetJobResult`.

One voice name, one dataset: :func:`dataset_dir_for` maps a name to
``paths.data_dir()/datasets/<slug>/``, and ``voicecraft prepare``, ``voicecraft train --voice``
and the app all use it. Each dataset has the ``manifest.json`` written by preparation and, once
features are extracted, ``features.json`` (the extractors' identities) and ``speaker.npy`` (the
averaged speaker vector). Preparing a voice again builds the new dataset (clips and features) in
a hidden folder beside it and swaps it in only when complete: a failure, a cancel or a kill
leaves the previous dataset exactly as it was, and a preparation without usable clips writes
nothing. A name whose folder holds another voice's dataset ("Ana Voz" / "ana-voz") is refused.
:func:`list_datasets` scans them for the Library and Train pages.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.atomic import atomic_write_text
from models.errors import Message
from models.features.preprocess import FEATURES_NAME, SPEAKER_NAME, DatasetTargetError
from voicecraft_desktop.core import paths
from voicecraft_desktop.core.names import slug

DEFAULT_CONTENT = ("whisper-large-v2", "hubert-soft")


class DatasetJobCancelled(RuntimeError):
    """The cancel event was set; finished feature files stay cached, a half-sliced dataset is discarded."""


@dataclass(frozen=True)
class DatasetJobProgress:
    """Progress of :func:`prepare_voice_dataset`.

    Attributes:
        stage: ``"slicing"`` (files of the source folder) or ``"features"`` (clips).
        done: items finished in this stage.
        total: items in this stage.
        item: the file or clip just finished.
        fraction: overall progress in [0, 1] (slicing counts as the first 30 %).
    """

    stage: str
    done: int
    total: int
    item: str
    fraction: float


@dataclass
class DatasetJobResult:
    """What the job produced: the dataset folder and the preparation report."""

    dataset_dir: Path
    report: Any  # models.features.preprocess.DatasetReport
    features: dict[str, Any] | None = None


@dataclass(frozen=True)
class DatasetInfo:
    """A prepared dataset on disk (a voice that may not be trained yet)."""

    name: str
    folder: Path
    clips: int
    total_s: float
    created_at: str
    has_features: bool
    extractors: dict[str, Any] = field(default_factory=dict)


def datasets_dir() -> Path:
    """Where prepared datasets live."""
    return paths.data_dir() / "datasets"


def dataset_dir_for(voice: str) -> Path:
    """The dataset folder of a voice name, the same for prepare, train and the app: ``datasets/<slug>``.

    Names with the same slug share the folder; preparation refuses a name whose folder holds
    another voice's dataset, so a folder never silently stands for two voices.
    """
    return datasets_dir() / slug(voice)


def _voice_of(folder: Path) -> str | None:
    """The voice name in the manifest of the dataset in ``folder``; None when there is none."""
    from models.features.preprocess import read_manifest

    try:
        return str(read_manifest(folder).get("voice", ""))
    except ValueError:
        return None


def list_datasets(root: Path | None = None) -> list[DatasetInfo]:
    """Datasets under ``root`` (default :func:`datasets_dir`), newest first; unreadable ones skipped."""
    from models.features.preprocess import read_manifest

    root = datasets_dir() if root is None else Path(root)
    found: list[DatasetInfo] = []
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            manifest = read_manifest(folder)
        except ValueError:
            continue
        extractors: dict[str, Any] = {}
        features = folder / FEATURES_NAME
        if features.is_file():
            try:
                extractors = json.loads(features.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                extractors = {}
        found.append(
            DatasetInfo(
                name=str(manifest.get("voice", folder.name)),
                folder=folder,
                clips=len(manifest.get("clips", [])),
                total_s=float(manifest.get("total_s", 0.0)),
                created_at=str(manifest.get("created_at", "")),
                has_features=bool(extractors) and (folder / SPEAKER_NAME).is_file(),
                extractors=extractors,
            )
        )
    found.sort(key=lambda d: d.created_at, reverse=True)
    return found


def extractor_summary(extractors: Mapping[str, Any]) -> str:
    """``"fcpe + whisper-large-v2 + hubert-soft"`` from a ``features.json`` / pipeline description."""
    names = []
    for key in ("f0", "ppg", "vec"):
        entry = extractors.get(key)
        if isinstance(entry, Mapping) and entry.get("name"):
            names.append(str(entry["name"]))
    return " + ".join(names)


def prepare_voice_dataset(
    source: str | os.PathLike[str],
    voice: str,
    *,
    out: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    f0: str = "auto",
    content: Sequence[str] = DEFAULT_CONTENT,
    asset_overrides: Mapping[str, str | os.PathLike[str]] | None = None,
    store: Any = None,
    device: str = "cpu",
    features: bool = True,
    cancel: threading.Event | None = None,
    speaker: str = "resemblyzer",
) -> Generator[DatasetJobProgress, None, DatasetJobResult]:
    """Slices ``source`` into a dataset for ``voice`` and extracts its features.

    Args:
        source: folder of recordings (searched recursively).
        voice: the voice's display name.
        out: dataset folder (default :func:`dataset_dir_for`, whose dataset of the same voice is
            replaced); an explicit folder must be absent, empty or (with ``overwrite``) a dataset.
        overwrite: replace the dataset in ``out``, or another voice's dataset in the default folder.
        f0: pitch extractor name or ``auto``.
        content: content encoder names (at most one PPG and one unit encoder).
        asset_overrides: asset name -> local weights file, as ``--asset`` in the CLI.
        store: a ``models.formats.assets.AssetStore`` to find the weights in (the app's, with its cache
            folder and located files); default: ``paths.models_cache_dir()`` + ``asset_overrides``.
        device: torch device for the extractors.
        features: also extract features (otherwise only slice).
        cancel: stops between files / clips.
        speaker: speaker encoder name (``models.features.speaker.SPEAKER_ENCODERS``): ``resemblyzer``
            (the default, existing voices) or ``sovits5-lstm`` (the so-vits-svc-5.0 pretrain's space).

    Yields:
        :class:`DatasetJobProgress`.

    Returns:
        :class:`DatasetJobResult`. A report without usable clips is returned too (no features then,
        and nothing written: ``dataset_dir`` is left as it was).

    Raises:
        models.formats.assets.AssetError: an encoder's weights are missing (checked before any work).
        NotADirectoryError: ``source`` is not a folder.
        DatasetTargetError: the dataset folder is not ours to replace (checked before any work).
        DatasetJobCancelled: ``cancel`` was set. On any error the previous dataset is untouched.
    """
    from models.features.content import ENCODERS
    from models.features.preprocess import (
        PrepareCancelled,
        check_target,
        new_staging,
        remove_stale_staging,
        slice_into,
        swap_into_place,
    )
    from models.formats.assets import AssetStore

    names = [c for c in content if c and c.lower() != "none"]
    unknown = [c for c in names if c not in ENCODERS]
    if unknown:
        raise ValueError(f"unknown content encoder(s) {', '.join(unknown)}; known: {', '.join(ENCODERS)}")
    roles = [ENCODERS[c].role for c in names]
    if len(set(roles)) != len(roles):
        raise ValueError("at most one PPG encoder and one unit encoder")
    from models.features.speaker import SPEAKER_ENCODERS

    if speaker not in SPEAKER_ENCODERS:
        raise ValueError(f"unknown speaker encoder {speaker}; known: {', '.join(SPEAKER_ENCODERS)}")
    weights: dict[str, Path] = {}
    speaker_weights: Path | None = None
    if features:  # fail before slicing anything when a weights file is missing
        if store is None:
            store = AssetStore(paths.models_cache_dir(), asset_overrides or {})
        speaker_asset = SPEAKER_ENCODERS[speaker]  # every missing file named at once
        found = store.require_all([ENCODERS[name].asset for name in names] + [a for a in [speaker_asset] if a])
        weights = {name: found[ENCODERS[name].asset] for name in names}
        speaker_weights = None if speaker_asset is None else found[speaker_asset]

    if not Path(source).is_dir():
        raise NotADirectoryError(f"{source}: not a folder")
    out_dir = Path(out) if out is not None else dataset_dir_for(voice)
    replace = overwrite
    if out is None:  # re-preparing a voice replaces its dataset; another voice's is refused
        owner = _voice_of(out_dir)
        if owner is not None and owner.casefold() != voice.strip().casefold() and not overwrite:
            raise DatasetTargetError(
                f"{out_dir} holds the dataset of the voice “{owner}”, and “{voice}” would use the same "
                "folder; choose another name or delete that dataset first"
            )
        replace = True
    check_target(out_dir, source, overwrite=replace)  # before any work
    remove_stale_staging(out_dir)
    staging = new_staging(out_dir)
    try:
        gen = slice_into(source, staging, voice, cancel)
        try:
            while True:
                p = next(gen)
                share = 0.3 if features else 1.0
                yield DatasetJobProgress(
                    "slicing", p.done, p.total, p.source, share * p.done / max(p.total, 1)
                )
        except StopIteration as stop:
            report = stop.value
        except PrepareCancelled as exc:
            raise DatasetJobCancelled(str(exc)) from None
        result = DatasetJobResult(out_dir, report)
        if not report.usable:  # nothing to keep: the previous dataset (if any) stays as it was
            return result
        if features:
            result.features = yield from _extract(staging, report, names, weights, f0, device, cancel,
                                                  speaker, speaker_weights)
        swap_into_place(staging, out_dir, source, overwrite=replace)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _extract(
    out: Path,
    report: Any,
    names: list[str],
    weights: dict[str, Path],
    f0: str,
    device: str,
    cancel: threading.Event | None,
    speaker_name: str = "resemblyzer",
    speaker_weights: Path | None = None,
) -> Generator[DatasetJobProgress, None, dict[str, Any]]:
    import numpy as np

    from models.features.clip import FeatureCancelled, FeaturePipeline, extract_dataset
    from models.features.content import ENCODERS, load_encoder
    from models.features.pitch import create_pitch_extractor
    from models.features.speaker import create_speaker_encoder

    encoders = {ENCODERS[name].role: load_encoder(name, weights[name], device) for name in names}
    pipeline = FeaturePipeline(
        pitch=create_pitch_extractor(f0, device=device),
        ppg=encoders.get("ppg"),
        vec=encoders.get("vec"),
        speaker=create_speaker_encoder(speaker_name, speaker_weights, device),
        cache_dir=paths.cache_dir() / "features",
    )
    clips = [out / c.file for c in report.clips]
    gen = extract_dataset(pipeline, clips, cancel)
    try:
        while True:
            p = next(gen)
            yield DatasetJobProgress(
                "features", p.done, p.total, Path(p.clip).name, 0.3 + 0.7 * p.done / max(p.total, 1)
            )
    except StopIteration as stop:
        speaker = stop.value
    except FeatureCancelled as exc:
        raise DatasetJobCancelled(str(exc)) from None
    if speaker is not None:
        np.save(out / SPEAKER_NAME, speaker.astype(np.float32), allow_pickle=False)
    described = pipeline.describe()
    atomic_write_text(out / FEATURES_NAME, json.dumps(described, indent=1))
    summary = extractor_summary(described)
    report.notes.append(Message(f"features: {summary}, cached in {pipeline.cache_dir}", "features_cached",
                                extractors=summary, folder=str(pipeline.cache_dir)))
    from models.features.preprocess import write_manifest

    write_manifest(out, report)  # the manifest carries the features note too
    return described


def delete_dataset(folder: str | os.PathLike[str], root: Path | None = None) -> None:
    """Removes a prepared dataset (renamed out of sight first, then erased); only inside ``root``.

    Raises:
        ValueError: ``folder`` is not a dataset inside ``root`` (default :func:`datasets_dir`).
    """
    import uuid

    folder = Path(folder)
    root = datasets_dir() if root is None else Path(root)
    if folder.parent.resolve() != root.resolve() or not (folder / "manifest.json").is_file():
        raise ValueError(f"{folder} is not a dataset in {root}; not deleting it")
    trash = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.deleted")
    os.replace(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)
