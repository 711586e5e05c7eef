"""core.runs: the run status from the checkpoint files, and the app's export into the library."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from models.config import VoiceConfig
from models.formats.artifact import MANIFEST_NAME, VoiceManifest, save_voice
from models.nets.synthesizer import SynthesizerInfer
from voicecraft_desktop.core import library as library_module
from voicecraft_desktop.core import runs
from voicecraft_desktop.core.library import VoiceLibrary


def test_run_status_reads_the_checkpoint_names_like_the_trainer(tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert runs.run_status(run) == runs.RunStatus(exists=False)
    folder = run / "checkpoints"
    folder.mkdir(parents=True)
    assert runs.run_status(run) == runs.RunStatus(exists=True, step=0, has_best=False)
    for name in ("step_00000003.ckpt", "step_00000012.ckpt", "step_12.ckpt", "step_000000099.ckpt.tmp",
                 ".step_00000500.ckpt.abc.tmp", "step_0000000x.ckpt"):
        (folder / name).write_bytes(b"")
    status = runs.run_status(run)
    assert (status.step, status.has_best, status.exportable) == (12, False, True)
    (folder / "best.ckpt").write_bytes(b"")
    assert runs.run_status(run).has_best


@pytest.fixture
def fake_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run folder whose export makes a tiny voice (as :func:`models.training.export_voice` would,
    recording the run) and whose newest generated validation clip is a tone."""
    import models.training

    run = tmp_path / "run"
    run.mkdir()
    config = VoiceConfig.tiny()
    torch.manual_seed(0)
    weights = SynthesizerInfer(config).state_dict()

    def export_voice(run_dir, dest, name, checkpoint=None, app_version=""):  # noqa: ANN001, ANN202 - the real signature
        manifest = VoiceManifest(
            name=name, config=config, speaker=np.full(256, 1 / 16, np.float32), pitch_extractor="dio",
            training={"steps": 10, "run_dir": str(Path(run_dir).resolve())},
        )
        return save_voice(Path(dest), manifest, weights)

    tone = (0.3 * np.sin(np.arange(3200) * 0.1)).astype(np.float32)
    monkeypatch.setattr(models.training, "export_voice", export_voice)
    monkeypatch.setattr(
        runs, "read_validation_audio", lambda r: [runs.ValidationAudio("c", "generated", 10, tone, 32000)]
    )
    return run


@pytest.fixture
def listing_spy(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Looks at the library folder after every rename and folder swap; ``seen`` collects each voice
    (a visible folder with a voice.json) that was listed without its ``preview.wav``."""
    seen: list[str] = []
    roots: list[Path] = []

    def look() -> None:
        for root in roots:
            for folder in root.iterdir() if root.is_dir() else ():
                if folder.name.startswith(".") or not (folder / MANIFEST_NAME).is_file():
                    continue  # what VoiceLibrary.entries() skips
                if not (folder / runs.PREVIEW_NAME).is_file():
                    seen.append(folder.name)

    real_replace, real_swap = os.replace, library_module.swap_folders

    def replace(a, b):  # noqa: ANN001, ANN202
        real_replace(a, b)
        look()

    def swap(new, target):  # noqa: ANN001, ANN202
        real_swap(new, target)
        look()

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(library_module, "swap_folders", swap)
    return roots, seen


def test_export_shows_the_voice_only_with_its_preview(tmp_home: Path, fake_run: Path, listing_spy) -> None:  # noqa: ANN001
    roots, seen = listing_spy
    lib = VoiceLibrary()
    roots.append(lib.root)
    # Control: a voice imported first and given its preview afterwards is caught by the spy.
    control = fake_run.parent / "control"
    import models.training

    models.training.export_voice(fake_run, control, "Control")
    entry = lib.import_voice(control)
    assert seen == [entry.folder.name]
    lib.delete(entry)
    seen.clear()

    outcome = runs.export_to_library(fake_run, "Ana")  # a new voice
    assert not outcome.updated and (outcome.entry.folder / runs.PREVIEW_NAME).is_file()
    again = runs.export_to_library(fake_run, "Ana")  # the same run again: updated in place
    assert again.updated and again.entry.folder == outcome.entry.folder
    assert seen == [], f"the library listed a voice without its preview: {seen}"
    # Everything went through VoiceLibrary: one voice folder, no staging or previous version left.
    assert [p.name for p in lib.root.iterdir()] == [outcome.entry.folder.name]
    assert not any(p.name.startswith(".export.") for p in fake_run.iterdir())


def test_export_keeps_the_librarys_duplicate_checks(tmp_home: Path, fake_run: Path, tmp_path: Path) -> None:
    import models.training

    lib = VoiceLibrary()
    other = lib.import_voice(models.training.export_voice(tmp_path / "elsewhere", tmp_path / "o", "Ana"))
    with pytest.raises(runs.ExportConflict):
        runs.export_to_library(fake_run, "ana")
    assert [e.id for e in lib.entries()] == [other.id]
    replaced = runs.export_to_library(fake_run, "ANA", replace=True)
    assert replaced.updated and replaced.entry.id == other.id and replaced.entry.name == "ANA"


def test_default_steps_rule() -> None:
    """Issue 12.2: fine-tuning defaults to far fewer steps than from scratch, sized to the dataset."""
    full, tiny = VoiceConfig.sovits5(), VoiceConfig.tiny()
    # a 10-minute dataset (~200 clips): 100 passes are 1,300 steps, raised to the 2,000 floor
    assert runs.default_steps(full, 200, fine_tune=True) == 2_000
    # an hour (~1,200 clips): 100 passes of 75 steps = 7,500, rounded up to the next validation
    assert runs.default_steps(full, 1_200, fine_tune=True) == 8_000
    assert runs.default_steps(full, 100_000, fine_tune=True) == 10_000
    assert runs.default_steps(full, 200, fine_tune=False) == 20_000
    assert runs.default_steps(full, 3_000, fine_tune=False) == 100_000
    assert runs.default_steps(tiny, 5, fine_tune=False) == 500
    assert runs.default_steps(tiny, 200, fine_tune=False) == 3_000


def test_retire_run_archives_or_deletes_and_refuses_a_busy_run(tmp_home: Path) -> None:
    """Issue 12.3: Start over / deleting a dataset takes its run out of the way (kept or erased), so
    the next Start on a dataset of that name begins a new run instead of resuming the old one."""
    from models.training.runlock import RunLock
    from voicecraft_desktop.core import paths

    run = runs.run_dir_for(tmp_home / "datasets" / "ana")
    (run / "checkpoints").mkdir(parents=True)
    (run / "checkpoints" / "step_00000003.ckpt").write_bytes(b"")
    with RunLock(run):
        with pytest.raises(runs.RunBusyError, match="already training"):
            runs.retire_run(run, keep=True)
    archived = runs.retire_run(run, keep=True)
    assert not run.exists() and archived.parent == paths.runs_dir() / runs.ARCHIVE_DIR
    assert (archived / "checkpoints" / "step_00000003.ckpt").is_file()
    assert runs.run_status(run) == runs.RunStatus(exists=False)
    (run / "checkpoints").mkdir(parents=True)
    assert runs.retire_run(run, keep=False) is None and not run.exists()
    assert [p.name for p in paths.runs_dir().iterdir()] == [runs.ARCHIVE_DIR]
    assert runs.retire_run(run, keep=False) is None  # nothing there: nothing to do
