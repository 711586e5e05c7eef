"""Screenshots of every page of VoiceCraft Desktop with realistic content, as PNG files.

    python scripts/screenshots.py --out shots/            # offscreen (no display needed)
    python scripts/screenshots.py --out shots-zh/ --lang zh_CN   # the app in Simplified Chinese
    xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshots.py --out shots/ --platform xcb

Everything happens in a fresh temporary VOICECRAFT_HOME and settings file (the user's data is never
touched), through the real pages and jobs: synthetic sung phrases (plus a text file and a clipped
take, so the report has rejections) become a voice with "New voice from folder…"; the Train page
trains it on the tiny preset for ``--steps`` steps (live curves, validation, the when-to-stop hint)
and exports it; the Convert page converts a take into it (waveforms, both pitch curves, report).
Then: the Convert page's Advanced section, the About box, and the dialog shown while quitting
during a training run.
Content encoders are tiny random-weight models in the real file formats (no download, as in the
tests), so the audio is not meaningful, but every widget shows what a singer would see.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def sung_phrase(notes_midi: list[float], note_s: float, rate: int, seed: int) -> object:
    """A legato melody: harmonic voice with vibrato, glides between notes, an envelope and breath noise."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = int(len(notes_midi) * note_s * rate)
    t = np.arange(n) / rate
    idx = np.minimum((t / note_s).astype(int), len(notes_midi) - 1)
    midi = np.asarray(notes_midi, dtype=np.float64)[idx]
    glide = int(0.06 * rate)
    midi = np.convolve(np.pad(midi, (glide, glide), mode="edge"), np.ones(glide) / glide, mode="same")[
        glide:-glide
    ]
    f0 = 440.0 * 2 ** ((midi - 69) / 12) * (1 + 0.012 * np.sin(2 * np.pi * 5.4 * t) * np.minimum(1, t / 0.8))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = sum(np.sin(k * phase) * (0.72**k) for k in range(1, 14))
    env = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.12) * (
        0.8 + 0.2 * np.sin(2 * np.pi * t / (2 * note_s))
    )
    x = x * env + 0.004 * rng.standard_normal(n)
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


def make_recordings(folder: Path) -> Path:
    """Three sung takes with pauses, a lyrics file and a clipped take."""
    import numpy as np
    import soundfile as sf

    folder.mkdir(parents=True)
    melodies = [[57, 59, 60, 62, 64, 62, 60], [64, 65, 67, 69, 67, 65, 64, 62], [60, 64, 67, 72, 71, 67, 64]]
    for i, notes in enumerate(melodies):
        phrases = [
            sung_phrase(notes[:4], 0.7, 44100, i),
            np.zeros(int(0.6 * 44100), np.float32),
            sung_phrase(notes[3:], 0.75, 44100, i + 10),
            np.zeros(int(0.5 * 44100), np.float32),
        ]
        sf.write(folder / f"verse {i + 1}.wav", np.concatenate(phrases), 44100)
    (folder / "lyrics.txt").write_text("la la la\n", encoding="utf-8")
    loud = np.clip(sung_phrase([62, 64, 66, 67], 0.8, 44100, 7) * 6, -1, 1)
    sf.write(folder / "too loud.wav", loud, 44100)
    return folder


def make_encoders(folder: Path, vec_dim: int) -> dict[str, str]:
    """The tiny Whisper checkpoint of :mod:`models.formats.tiny_assets` (64-d PPG, the tiny preset's) and a
    transformers HuBERT folder of width ``vec_dim`` (the tiny preset's unit size)."""
    from transformers import HubertConfig, HubertModel

    from models.formats.tiny_assets import write_tiny_whisper

    whisper = write_tiny_whisper(folder / "whisper-tiny-random.pt")
    hubert = folder / "hubert-tiny-random"
    config = HubertConfig(
        hidden_size=vec_dim,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        conv_dim=(32,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=4,
    )
    HubertModel(config).save_pretrained(hubert)
    return {"whisper-large-v2": str(whisper), "hubert-transformers": str(hubert)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files (created)")
    parser.add_argument("--steps", type=int, default=60, help="training steps on the tiny preset")
    parser.add_argument("--size", default="1280x800", help="window size WxH")
    parser.add_argument(
        "--platform",
        default=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        help="Qt platform: offscreen (default) or xcb (under Xvfb)",
    )
    parser.add_argument("--lang", default="en", help="language of the app: en (default) or zh_CN")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    work = Path(tempfile.mkdtemp(prefix="voicecraft-shots-"))
    os.environ["VOICECRAFT_HOME"] = str(work / "home")
    os.environ["QT_QPA_PLATFORM"] = args.platform
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName("VoiceCraft")
    app.setApplicationName("VoiceCraft Desktop (screenshots)")
    from voicecraft_desktop.i18n import LANGUAGES, install_translators

    if args.lang not in LANGUAGES:
        raise SystemExit(f"--lang: one of {', '.join(LANGUAGES)}")
    install_translators(app, args.lang)  # as app.main does, before any widget exists

    from voicecraft_desktop.settings import Settings
    from voicecraft_desktop.ui.context import AppContext
    from voicecraft_desktop.ui.main_window import MainWindow

    settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    settings.migrate()
    # The first-start setup dialog would open over the window: it gets a screenshot of its own below.
    from voicecraft_desktop.ui.pages.setup import SETUP_SHOWN_KEY, open_setup

    settings.set_value(SETUP_SHOWN_KEY, True)
    ctx = AppContext(settings=settings)
    from models.config import VoiceConfig

    tiny = VoiceConfig.tiny().model
    overrides = make_encoders(work, tiny.vec_dim)
    ctx.settings.set("assets/overrides", overrides)

    def wait(job, what: str) -> None:  # type: ignore[no-untyped-def]
        if job is None:
            raise SystemExit(f"{what}: the job did not start")
        loop = QEventLoop()
        failures: list[str] = []
        job.failed.connect(lambda message, tb: failures.append(f"{message}\n{tb}"))
        job.finished.connect(loop.quit)
        if job.is_running():
            loop.exec()
        if failures:
            raise SystemExit(f"{what} failed: {failures[0]}")

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    window = MainWindow(ctx)
    window.confirm_close = False
    window.resize(width, height)
    window.show()
    settle()
    titles = list(window.titles)
    started = time.monotonic()

    library = window.page("Library")
    job = library.new_voice_from_folder(
        make_recordings(work / "my recordings"),
        "Mara (chest voice)",
        f0="dio",
        content=("whisper-large-v2", "hubert-transformers"),
    )
    wait(job, "new voice from folder")
    print(f"dataset prepared ({time.monotonic() - started:.0f} s)", file=sys.stderr)

    train = window.page("Train")
    train.refresh()
    train.select_dataset("Mara (chest voice)")
    train.preset_combo.setCurrentText("tiny")
    train.steps_spin.setValue(args.steps)
    train.base_combo.setCurrentIndex(0)
    wait(train.start(), "training")
    settle(300)
    if train.audio_job is not None:
        wait(train.audio_job, "validation audio")
    print(f"trained {args.steps} steps ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    wait(train.export("Mara"), "export")

    convert = window.page("Convert")
    import soundfile as sf

    takes = ctx.takes_dir(ensure=True)
    sf.write(takes / "take 1.wav", sung_phrase([60, 62, 64, 65, 67], 0.7, 48000, 1), 48000)
    sf.write(takes / "take 2.wav", sung_phrase([67, 65, 64, 62, 60, 59, 60], 0.5, 48000, 2), 48000)
    take = takes / "take 3.wav"
    sf.write(take, sung_phrase([62, 64, 65, 67, 69, 67, 65, 64], 0.6, 48000, 3), 48000)
    window.page("Record").refresh_takes(select=take)
    ctx.events.take_recorded.emit(str(take))
    ctx.events.send_to_convert.emit(str(take))
    convert.refresh()
    convert.select_voice("Mara")
    convert.f0_combo.setCurrentText("dio")
    convert.key_spin.setValue(-2)
    convert.loudness_check.setChecked(True)  # the tiny model sings quietly; a singer would match levels
    wait(convert.convert(), "conversion")
    print(f"converted ({time.monotonic() - started:.0f} s)", file=sys.stderr)

    library.refresh()
    library.select_name("Mara")
    for i, title in enumerate(titles):
        window.show_page(title)
        settle(500)
        path = args.out / f"{i + 1:02d}-{title.lower()}.png"
        if not window.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)
    n = len(titles)

    def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        nonlocal n
        n += 1
        path = args.out / f"{n:02d}-{name}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)

    # The Convert page with its Advanced section open and the automatic key by whole octaves.
    window.show_page("Convert")
    convert.set_auto_key_mode("octaves")
    convert.advanced_button.setChecked(True)
    settle(300)
    shot(window, "convert-advanced")
    convert.advanced_button.setChecked(False)
    about = window.show_about()
    settle(300)
    shot(about, "about")
    about.close()
    # The model files setup (Settings' "Model files…", and the first start when files are missing).
    setup = open_setup(ctx, window)
    settle(500)
    shot(setup, "setup")
    setup.close()
    # Quitting during training: the window stays responsive and says what it is stopping.
    window.show_page("Train")
    train.steps_spin.setValue(args.steps + 100000)
    job = train.start()
    if job is not None:
        steps: list = []
        job.progress.connect(steps.append)
        while len(steps) < 2 and job.is_running():
            settle(100)
        window.close()
        settle(200)
        if window.quit_dialog is not None and window.quit_dialog.isVisible():
            shot(window.quit_dialog, "quitting")
    loop_deadline = time.monotonic() + 120
    while window.isVisible() and time.monotonic() < loop_deadline:
        settle(100)
    window.close()
    settle(100)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
