"""The ``voicecraft`` command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from voicecraft_desktop import __version__, cli

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_info_prints_version_device_and_folders(tmp_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"voicecraft:       {__version__}" in out
    assert "device:" in out and "torch:" in out
    assert f"voices dir:       {tmp_home / 'data' / 'voices'}" in out
    assert not tmp_home.exists(), "info must report folders without creating them"


def test_info_runs_as_a_module(tmp_home: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "voicecraft_desktop.cli", "info"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert __version__ in result.stdout


def test_info_runs_through_the_installed_entry_point(tmp_home: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("voicecraft")
    if not script.exists():
        pytest.skip("voicecraft entry point not installed (pip install -e . --no-deps)")
    result = subprocess.run([str(script), "info"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert str(tmp_home) in result.stdout


def test_every_registered_command_has_help() -> None:
    parser = cli.build_parser()
    assert set(cli.COMMANDS) <= set(parser.format_help().split())


@pytest.mark.parametrize("argv", [[], ["no-such-command"]])
def test_bad_usage_exits_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2


# --------------------------------------------------------------------------- clear errors (issue 20 item 6)

TORCH_ADVICE = (
    "Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` argument "
    "in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution."
)


def _raising(exc: BaseException):
    def run(args):  # type: ignore[no-untyped-def]
        raise exc

    return run


def test_user_error_from_any_layer_is_one_line_and_exit_2(
    tmp_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An expected error (a UserError subclass from the models layer) that a command does not catch
    is printed as one 'error: ...' line, never a traceback."""
    from models.formats.assets import AssetInvalid

    monkeypatch.setattr(
        "voicecraft_desktop.commands.info.run",
        _raising(AssetInvalid("whisper-large-v2", "/x/rand.pt is not a valid whisper-large-v2 file (refused)")),
    )
    assert cli.main(["info"]) == 2
    err = capsys.readouterr().err
    assert err == "error: /x/rand.pt is not a valid whisper-large-v2 file (refused)\n"


def test_unexpected_error_is_one_line_naming_the_log_which_has_the_traceback(
    tmp_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pickle

    from voicecraft_desktop.core.logfile import log_file_path

    monkeypatch.setattr("voicecraft_desktop.commands.info.run", _raising(pickle.UnpicklingError(TORCH_ADVICE)))
    assert cli.main(["info"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    assert str(log_file_path()) in err and "weights_only" not in err, err
    log = log_file_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "UnpicklingError" in log


def test_interrupt_is_one_line_exit_130(tmp_home: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("voicecraft_desktop.commands.info.run", _raising(KeyboardInterrupt()))
    assert cli.main(["info"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def _no_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)


@pytest.mark.parametrize("command", ["train", "convert", "prepare"])
def test_device_cuda_without_cuda_is_refused_before_anything_is_created(
    tmp_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    """Issue 20 item 6: --device cuda on a machine without CUDA: one line, exit 2, no run folder."""
    _no_cuda(monkeypatch)
    song = tmp_path / "song.wav"
    song.write_bytes(b"RIFF")
    argv = {
        "train": ["train", "--voice", "Nobody", "--preset", "tiny", "--steps", "1"],
        "convert": ["convert", str(song), "--voice", "Nobody", "--out", str(tmp_path / "out")],
        "prepare": ["prepare", str(tmp_path), "--voice", "Nobody", "--out", str(tmp_path / "ds"), "--offline"],
    }[command]
    assert cli.main([*argv, "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: CUDA is not available on this machine (") and err.count("\n") == 1, err
    assert not (tmp_home / "data").exists() or not any((tmp_home / "data").rglob("*")), "something was created"
    assert not (tmp_path / "out").exists() and not (tmp_path / "ds").exists()


@pytest.mark.parametrize(
    ("device", "cuda_count", "expected"),
    [("gpu", 0, "unknown device 'gpu'"), ("cuda:3", 1, "CUDA device 3 does not exist"),
     ("cpu", 0, None), ("cuda:0", 1, None), ("CUDA", 1, None), (None, 0, None)],
)
def test_check_device(monkeypatch: pytest.MonkeyPatch, device, cuda_count: int, expected) -> None:
    import torch

    from models.errors import UserError
    from voicecraft_desktop.commands._options import check_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda_count > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda_count)
    if expected is None:
        assert check_device(device) == (device.lower() if device else None)
    else:
        with pytest.raises(UserError, match=expected):
            check_device(device)


def test_so_vits_svc_file_with_wrong_hp_str_types_is_one_line(
    tmp_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI path of issue 20 item 6's first case: voices import of a file whose hp_str says
    hidden_channels: "abc" (it ended in a TypeError traceback)."""
    import numpy as np
    import torch
    import yaml

    from models.config import VoiceConfig
    from models.nets.synthesizer import SynthesizerTrain

    pth = tmp_path / "bad_hp.pth"
    hp = {"vits": {"hidden_channels": "abc"}, "gen": {"upsample_rates": 5}}
    torch.save({"model_g": SynthesizerTrain(VoiceConfig.tiny()).state_dict(), "hp_str": yaml.safe_dump(hp)}, pth)
    npy = tmp_path / "s.npy"
    np.save(npy, np.zeros(256, np.float32))
    assert cli.main(["voices", "import", str(pth), "--speaker", str(npy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {pth}: hp_str config: ") and err.count("\n") == 1, err
    assert "hidden_channels" in err or "upsample_rates" in err


def test_progress_line_is_one_tqdm_bar_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """The progress of prepare, convert and train: stderr only; the last position of a line is always
    drawn (even when redraws are throttled); a new label starts a new line; ``{detail}`` does not."""
    from voicecraft_desktop.commands._progress import ProgressLine

    line = ProgressLine("{desc} [{bar:10}] {n}/{total} {detail}")
    for i in range(1, 5):
        line.show(i, 4, "slicing  ", detail=f"d{i}")
    for i in range(1, 3):
        line.show(i, 2, "features ")
    line.close()
    line.close()  # a second close is a no-op
    out, err = capsys.readouterr()
    assert out == ""
    finals = [chunk.rsplit("\r", 1)[-1] for chunk in err.split("\n") if chunk]  # what each line ends as
    assert finals == ["slicing   [##########] 4/4 d4", "features  [##########] 2/2 "]
    assert "[#####.....] 2/4" in err or "[..........] 0/4" in err  # the bar is '#' over '.'
