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
