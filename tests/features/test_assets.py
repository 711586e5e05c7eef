"""Asset downloads against a real HTTP server on 127.0.0.1: resume, checksum, offline messages."""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
from pathlib import Path

import pytest

from models.formats.assets import (
    ASSETS,
    Asset,
    AssetMissing,
    AssetStore,
    ChecksumMismatch,
    DownloadCancelled,
    parse_overrides,
)

PAYLOAD = bytes(range(256)) * 12_000  # 3 MB: several 1 MiB blocks


class _Handler(http.server.BaseHTTPRequestHandler):
    payload = PAYLOAD
    cut_after: int | None = None  # first full request: send this many bytes then drop the connection
    honour_range = True
    requests: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path != "/file.bin":
            self.send_error(404)
            return
        rng = self.headers.get("Range")
        type(self).requests.append(rng)
        start = 0
        if rng and self.honour_range:
            start = int(rng.removeprefix("bytes=").split("-")[0])
            if start >= len(self.payload):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(self.payload) - 1}/{len(self.payload)}")
        else:
            self.send_response(200)
        body = self.payload[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if type(self).cut_after is not None:
            self.wfile.write(body[: type(self).cut_after])
            self.wfile.flush()
            type(self).cut_after = None
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    _Handler.cut_after = None
    _Handler.honour_range = True
    _Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def _registry(url: str, sha: str | None = hashlib.sha256(PAYLOAD).hexdigest()) -> dict[str, Asset]:
    return {"thing": Asset("thing", "thing.bin", url, sha, None, "MIT", "a test asset")}


def _run(gen):
    progress = []
    while True:
        try:
            progress.append(next(gen))
        except StopIteration as stop:
            return stop.value, progress


def test_download_verifies_and_reports_progress(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/file.bin"))
    path, progress = _run(store.download("thing"))
    assert path == tmp_path / "thing" / "thing.bin" and path.read_bytes() == PAYLOAD
    assert progress[-1].done_bytes == len(PAYLOAD) and progress[-1].fraction == 1.0
    assert [p.done_bytes for p in progress] == sorted(p.done_bytes for p in progress)
    assert store.recorded_sha256("thing") == hashlib.sha256(PAYLOAD).hexdigest()
    assert store.locate("thing") == path  # trusted through the sidecar, no new request
    assert len(_Handler.requests) == 1


def test_interrupted_transfer_resumes_with_range(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/file.bin"))
    _Handler.cut_after = 1_234_567
    with pytest.raises(AssetMissing, match="run again to resume") as info:
        _run(store.download("thing"))
    assert f"{server}/file.bin" in str(info.value)
    part = tmp_path / "thing" / "thing.bin.part"
    assert part.stat().st_size == 1_234_567
    assert not (tmp_path / "thing" / "thing.bin").exists()
    path, _ = _run(store.download("thing"))
    assert path.read_bytes() == PAYLOAD and not part.exists()
    assert _Handler.requests == [None, "bytes=1234567-"]


def test_server_ignoring_range_restarts_cleanly(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/file.bin"))
    (tmp_path / "thing").mkdir()
    (tmp_path / "thing" / "thing.bin.part").write_bytes(b"garbage" * 1000)
    _Handler.honour_range = False
    path, _ = _run(store.download("thing"))
    assert path.read_bytes() == PAYLOAD


def test_bad_checksum_is_rejected_and_deleted(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/file.bin", sha="0" * 64))
    with pytest.raises(ChecksumMismatch, match=hashlib.sha256(PAYLOAD).hexdigest()):
        _run(store.download("thing"))
    assert not list((tmp_path / "thing").iterdir())
    assert store.locate("thing") is None


def test_sha256_prefix_is_accepted(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/file.bin", sha=hashlib.sha256(PAYLOAD).hexdigest()[:8]))
    assert store.ensure("thing").read_bytes() == PAYLOAD


def test_cancel_keeps_part_for_resume(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/file.bin"))
    cancel = threading.Event()
    gen = store.download("thing", cancel)
    next(gen)
    next(gen)
    cancel.set()
    with pytest.raises(DownloadCancelled):
        _run(gen)
    assert (tmp_path / "thing" / "thing.bin.part").stat().st_size > 0
    assert store.ensure("thing").read_bytes() == PAYLOAD


def test_offline_message_names_url_destination_and_override(tmp_path):
    store = AssetStore(tmp_path, registry=_registry("http://127.0.0.1:9/file.bin"))  # discard port: refused
    with pytest.raises(AssetMissing) as info:
        store.ensure("thing")
    text = str(info.value)
    assert "http://127.0.0.1:9/file.bin" in text
    assert str(tmp_path / "thing" / "thing.bin") in text
    assert "--asset thing=PATH" in text
    with pytest.raises(AssetMissing, match="--asset thing=PATH"):
        store.require("thing")


def test_http_error_is_an_asset_error(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/missing.bin"))
    with pytest.raises(AssetMissing, match="HTTP 404"):
        store.ensure("thing")


def test_hand_placed_file_is_verified(tmp_path):
    store = AssetStore(tmp_path, registry=_registry("http://127.0.0.1:9/file.bin"))
    (tmp_path / "thing").mkdir()
    (tmp_path / "thing" / "thing.bin").write_bytes(PAYLOAD)
    assert store.locate("thing") == tmp_path / "thing" / "thing.bin"
    (tmp_path / "thing" / "thing.bin").write_bytes(PAYLOAD[:-1] + b"x")
    with pytest.raises(ChecksumMismatch, match="not the published"):
        store.locate("thing")


def test_overrides(tmp_path):
    mine = tmp_path / "mine.pt"
    mine.write_bytes(b"weights")
    store = AssetStore(tmp_path / "cache", overrides=parse_overrides([f"hubert-soft={mine}"]))
    assert store.require("hubert-soft") == mine
    with pytest.raises(KeyError, match="unknown asset"):
        AssetStore(tmp_path, overrides={"nope": mine})
    with pytest.raises(AssetMissing, match="does not exist"):
        AssetStore(tmp_path, overrides={"hubert-soft": tmp_path / "absent.pt"}).require("hubert-soft")
    with pytest.raises(ValueError, match="NAME=PATH"):
        parse_overrides(["hubert-soft"])


def test_registry_entries_are_complete():
    for name, asset in ASSETS.items():
        assert asset.name == name and asset.licence and asset.description
        if asset.url is not None:
            assert asset.url.startswith("https://")
        if name.startswith("whisper-"):  # whisper's URL path segment is the file's sha256
            assert asset.sha256 is not None and len(asset.sha256) == 64 and asset.sha256 in asset.url
    assert ASSETS["hubert-soft"].url.endswith("/v0.1/hubert-soft-0d54a1f4.pt")
    assert ASSETS["sovits5-pretrain"].url.endswith("/releases/download/5.0/sovits5.0.pretrain.pth")
    assert ASSETS["hubert-transformers"].url is None
    store = AssetStore(Path("/nonexistent-cache"))
    with pytest.raises(AssetMissing, match="cannot be downloaded automatically"):
        store.ensure("hubert-transformers")


# --------------------------------------------------------------------------- hostile asset files (issue 20)


class _RunsCode:
    """Unpickling this would run a shell command (the classic malicious checkpoint)."""

    def __reduce__(self):
        return (os.system, ("touch pwned_marker",))


def _hostile_file(folder: Path, kind: str) -> Path:
    import numpy as np
    import torch

    path = folder / f"{kind}.pt"
    if kind == "random":
        path.write_bytes(np.random.default_rng(1).integers(0, 256, 65536, dtype=np.uint8).tobytes())
    elif kind == "exploit":
        torch.save({"dims": {"n_mels": 80}, "model_state_dict": {}, "x": _RunsCode()}, path)
    elif kind == "truncated":
        torch.save({"dims": {"n_mels": 80}, "model_state_dict": {"w": torch.zeros(4096)}}, path)
        path.write_bytes(path.read_bytes()[:3000])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "wrong-content":  # a valid PyTorch file, but not a Whisper / HuBERT checkpoint
        torch.save({"something": torch.zeros(3)}, path)
    return path


@pytest.mark.parametrize("encoder", ["whisper-large-v2", "hubert-soft"])
@pytest.mark.parametrize("kind", ["random", "exploit", "truncated", "empty", "wrong-content"])
def test_hostile_encoder_file_is_not_valid_and_never_advises_weights_only_false(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder: str, kind: str
) -> None:
    """Issue 20 item 6: an ``--asset`` file of random bytes or a malicious pickle is refused as one line
    'FILE is not a valid <asset> file (...)' (an AssetError the CLI and the app show as it stands),
    without PyTorch's advice to retry with weights_only=False, and without running the pickle."""
    from models.formats.assets import AssetError
    from models.features.content import load_encoder

    monkeypatch.chdir(tmp_path)
    path = _hostile_file(tmp_path, kind)
    with pytest.raises(AssetError) as info:
        load_encoder(encoder, path)
    message = str(info.value)
    assert message.startswith(f"{path} is not a valid {encoder} file ("), message
    assert "weights_only" not in message and "\n" not in message
    assert not (tmp_path / "pwned_marker").exists()
