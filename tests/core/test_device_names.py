"""Input device names a singer can read: the sound server's description for PortAudio's
"default"/"pulse"/"pipewire" devices (not "default (ALSA)"), ALSA card names without the hw
address; the stored name stays PortAudio's."""

from __future__ import annotations

from types import SimpleNamespace

from voicecraft_desktop.core import recorder as rec

PACTL_INFO = """Server String: /run/user/1000/pulse/native
Server Name: PulseAudio (on PipeWire 1.0.5)
Default Sink: alsa_output.pci-0000_00_1f.3.analog-stereo
Default Source: alsa_input.pci-0000_00_1f.3.analog-stereo
"""
PACTL_SOURCES = """Source #53
\tState: SUSPENDED
\tName: alsa_output.pci-0000_00_1f.3.analog-stereo.monitor
\tDescription: Monitor of Built-in Audio Analog Stereo
\tDriver: PipeWire

Source #54
\tState: RUNNING
\tName: alsa_input.pci-0000_00_1f.3.analog-stereo
\tDescription: Built-in Audio Analog Stereo
\tDriver: PipeWire
"""


def test_the_sound_servers_default_source_is_named_from_pactl(monkeypatch) -> None:
    outputs = {"info": PACTL_INFO, "list": PACTL_SOURCES}
    monkeypatch.setattr(rec, "_pactl", lambda *args: outputs[args[0]])
    assert rec.server_default_source() == "Built-in Audio Analog Stereo"
    monkeypatch.setattr(rec, "_pactl", lambda *args: None)  # no pactl, no server
    assert rec.server_default_source() is None


def _fake_sounddevice(devices, hostapis, default_in):
    return SimpleNamespace(
        query_devices=lambda: devices,
        query_hostapis=lambda: hostapis,
        default=SimpleNamespace(device=(default_in, 0)),
    )


def test_device_labels_are_readable(monkeypatch) -> None:
    devices = [
        {"index": 0, "name": "HDA Intel PCH: ALC3246 Analog (hw:0,0)", "hostapi": 0, "max_input_channels": 2,
         "default_samplerate": 44100.0},
        {"index": 1, "name": "pulse", "hostapi": 0, "max_input_channels": 32,
         "default_samplerate": 44100.0},
        {"index": 2, "name": "default", "hostapi": 0, "max_input_channels": 32,
         "default_samplerate": 44100.0},
        {"index": 3, "name": "Microphone (Realtek Audio)", "hostapi": 1, "max_input_channels": 2,
         "default_samplerate": 48000.0},
    ]
    hostapis = [{"name": "ALSA"}, {"name": "Windows WASAPI"}]
    monkeypatch.setattr(rec, "_sounddevice", lambda: _fake_sounddevice(devices, hostapis, 2))
    monkeypatch.setattr(rec, "server_default_source", lambda: "Built-in Audio Analog Stereo")
    found = rec.list_input_devices()
    assert [d.name for d in found] == [d["name"] for d in devices]  # what the settings store
    assert [d.label for d in found] == [
        "HDA Intel PCH: ALC3246 Analog",
        "Built-in Audio Analog Stereo (through the sound server)",
        "System default: Built-in Audio Analog Stereo",
        "Microphone (Realtek Audio)",
    ]
    monkeypatch.setattr(rec, "server_default_source", lambda: None)
    labels = [d.label for d in rec.list_input_devices()]
    assert labels[1:3] == ["Sound server (PulseAudio)", "System default input"]
