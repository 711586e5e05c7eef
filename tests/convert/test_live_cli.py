"""``voicecraft live``: usage errors and a machine without audio devices end in one error line, exit 2."""

from __future__ import annotations

import pytest

from voicecraft_desktop import cli
from voicecraft_desktop.commands import live as live_cmd
from voicecraft_desktop.core import live as live_core
from voicecraft_desktop.core import recorder as rec


@pytest.fixture
def no_devices(monkeypatch):
    monkeypatch.setattr(rec, "list_input_devices", lambda: [])
    monkeypatch.setattr(live_core, "list_output_devices", lambda: [])
    monkeypatch.setattr(rec, "audio_unavailable_reason", lambda: "no audio input device was found (no sound server)")


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["live", "--voice", "x", "--block", "9"], "--block"),
        (["live"], "--voice is required"),
        (["live", "--voice", "x"], "cannot listen: no audio input device was found"),
        (["live", "--list-devices"], "no audio input device was found"),
    ],
)
def test_usage_and_missing_devices_are_one_line(argv, expected, tmp_home, no_devices, capsys):
    with pytest.raises(SystemExit) if "--block" in argv else _nothing():
        code = cli.main(argv)
        assert code == 2
    err = capsys.readouterr().err.strip()
    assert expected in err.splitlines()[-1]  # argparse prints its usage above its one error line


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_status_line_says_when_the_device_cannot_keep_up():
    st = live_core.LiveStats(0.41, 0.6, 0.9, 0.32, 10, 2, 0, 0, 0.0, True, "")
    assert "TOO SLOW" in live_cmd.status_line(st)
    ok = live_core.LiveStats(0.41, 0.1, 0.2, 0.32, 10, 0, 0, 0, 0.0, True, "", skipped=3)
    assert "keeps up" in live_cmd.status_line(ok)
    assert "latency 410 ms + 320 ms output buffer" in live_cmd.status_line(ok)
    assert "dropped 3" in live_cmd.status_line(ok)
