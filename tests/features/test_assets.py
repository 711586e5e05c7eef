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
    TASKS,
    Asset,
    AssetInvalid,
    AssetMissing,
    AssetStore,
    ChecksumMismatch,
    DownloadCancelled,
    parse_overrides,
)
from tests.local_http import serving

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
    _Handler.payload = PAYLOAD
    _Handler.cut_after = None
    _Handler.honour_range = True
    _Handler.requests = []
    with serving(_Handler) as url:
        yield url


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


def test_offline_message_names_url_destination_and_locate(tmp_path):
    """No network: a plain "no internet connection" (``offline``), the URL and destination, and how
    to give a copy in the app's words; the ``--asset`` flag only in a command-line store's message."""
    store = AssetStore(tmp_path, registry=_registry("http://127.0.0.1:9/file.bin"))  # discard port: refused
    with pytest.raises(AssetMissing) as info:
        store.ensure("thing")
    text = str(info.value)
    assert info.value.offline and "no internet connection" in text
    assert "http://127.0.0.1:9/file.bin" in text
    assert str(tmp_path / "thing" / "thing.bin") in text
    assert "Locate file…" in text and "--asset" not in text
    with pytest.raises(AssetMissing) as info:
        store.require("thing")
    assert "--asset" not in str(info.value) and info.value.missing == ("thing",)
    cli = AssetStore(tmp_path, registry=_registry("http://127.0.0.1:9/file.bin"), cli=True)
    with pytest.raises(AssetMissing, match="--asset thing=PATH") as info:
        cli.ensure("thing")
    assert "Locate file" not in str(info.value)


def test_http_error_is_an_asset_error(server, tmp_path):
    store = AssetStore(tmp_path, registry=_registry(f"{server}/missing.bin"))
    with pytest.raises(AssetMissing, match="HTTP 404") as info:
        store.ensure("thing")
    assert not info.value.offline, "a server that answers is not 'no internet connection'"


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
    from models.features.content import load_encoder
    from models.formats.assets import AssetError

    monkeypatch.chdir(tmp_path)
    path = _hostile_file(tmp_path, kind)
    with pytest.raises(AssetError) as info:
        load_encoder(encoder, path)
    message = str(info.value)
    assert message.startswith(f"{path} is not a valid {encoder} file ("), message
    assert "weights_only" not in message and "\n" not in message
    assert not (tmp_path / "pwned_marker").exists()


# --------------------------------------------------------------------------- issue 12.1: setup, verification


def _torch_bytes(obj) -> bytes:
    import io

    import torch

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


_SHAPED = ((("model_g", "emb_g.weight"), (4, 3)), (("model_g", "dec.w"), (2,)))


def _shaped(rows: int = 4, seed: float = 0.0) -> dict:
    import torch

    return {"model_g": {"emb_g.weight": torch.full((rows, 3), seed), "dec.w": torch.zeros(2)}, "step": 1}


def test_require_all_names_every_missing_file_at_once(tmp_path):
    registry = {n: Asset(n, f"{n}.bin", f"https://example.invalid/{n}.bin", None, None, "MIT", f"model {n}")
                for n in ("a", "b", "c")}
    store = AssetStore(tmp_path, registry=registry)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "b.bin").write_bytes(b"here")
    with pytest.raises(AssetMissing) as info:
        store.require_all(["a", "b", "c"])
    assert info.value.missing == ("a", "c")
    text = str(info.value)
    assert text.startswith("2 model files are missing: model a (a), model c (c).")
    assert "https://example.invalid/a.bin" in text and "https://example.invalid/c.bin" in text
    assert "--asset" not in text
    assert store.require_all(["b"]) == {"b": tmp_path / "b" / "b.bin"}


def test_tasks_and_registry_say_what_each_task_needs():
    store = AssetStore(Path("/nonexistent-cache"))
    assert set(TASKS) == {"convert", "train", "finetune", "covers"}
    assert store.needed(["convert"]) == ["whisper-large-v2", "hubert-soft"]
    assert store.needed(["train"]) == ["whisper-large-v2", "hubert-soft"]
    assert store.needed(["finetune"]) == ["whisper-large-v2", "hubert-soft", "sovits5-pretrain"]
    assert store.needed(["covers"]) == ["demucs-htdemucs"]
    for name in store.needed():
        asset = ASSETS[name]
        assert asset.url and (asset.size or asset.approx_size) and asset.licence
        assert asset.full_sha256 or asset.expect, f"{name}: neither a full sha256 nor a format check"
    expected = Path("/nonexistent-cache/hubert-soft/hubert-soft-0d54a1f4.pt")
    assert store.status("hubert-soft") == ("missing", expected)


def test_random_file_is_not_whisper_large_v2(tmp_path):
    """The issue's case: a 1.6 MB random file located as Whisper large-v2 is refused, with the reason."""
    import numpy as np

    bogus = tmp_path / "large-v2.pt"
    bogus.write_bytes(np.random.default_rng(3).integers(0, 256, 1_600_000, dtype=np.uint8).tobytes())
    store = AssetStore(tmp_path / "cache")
    with pytest.raises(AssetInvalid) as info:
        store.verify_file("whisper-large-v2", bogus)
    text = str(info.value)
    assert "is not OpenAI Whisper large-v2 checkpoint" in text and "1.6 MB" in text and "sha256" in text
    with pytest.raises(AssetInvalid, match="sha256 starts"):  # hubert-soft: the published 8-digit prefix
        store.verify_file("hubert-soft", bogus)
    with pytest.raises(AssetInvalid, match="not a valid|is not so-vits-svc-5.0"):  # the pretrain: its format
        store.verify_file("sovits5-pretrain", bogus)


def test_published_full_sha256_accepts_the_genuine_file(tmp_path):
    good = tmp_path / "mine.bin"
    good.write_bytes(PAYLOAD)
    store = AssetStore(tmp_path / "cache", registry=_registry("https://example.invalid/file.bin"))
    assert store.verify_file("thing", good) == hashlib.sha256(PAYLOAD).hexdigest()
    good.write_bytes(PAYLOAD[:-1] + b"x")
    with pytest.raises(AssetInvalid, match="differs from the published"):
        store.verify_file("thing", good)


def test_without_a_published_digest_the_first_copy_is_checked_by_shapes_and_recorded(tmp_path):
    registry = {"pre": Asset("pre", "pre.pth", "https://example.invalid/pre.pth", None, None, "MIT",
                             "a pretrain (test)", expect=_SHAPED)}
    store = AssetStore(tmp_path / "cache", registry=registry)
    wrong = tmp_path / "wrong.pth"
    wrong.write_bytes(_torch_bytes(_shaped(rows=5)))
    with pytest.raises(AssetInvalid, match=r"model_g/emb_g.weight has shape \(5, 3\), not \(4, 3\)"):
        store.verify_file("pre", wrong)
    wrong.write_bytes(_torch_bytes({"something": 1}))
    with pytest.raises(AssetInvalid, match="it has no model_g/emb_g.weight"):
        store.verify_file("pre", wrong)
    assert store.first_sha256("pre") is None, "a refused file is never recorded"
    good = tmp_path / "good.pth"
    good.write_bytes(_torch_bytes(_shaped()))
    digest = store.verify_file("pre", good)
    assert store.first_sha256("pre") == digest == hashlib.sha256(good.read_bytes()).hexdigest()
    assert store.trusted_sha256("pre") == (digest, "recorded from the first verified copy")
    assert store.verify_file("pre", good) == digest  # the same file again: fine
    other = tmp_path / "other.pth"
    other.write_bytes(_torch_bytes(_shaped(seed=1.0)))  # right shapes, other weights
    with pytest.raises(AssetInvalid, match="is not the copy of a pretrain verified before"):
        store.verify_file("pre", other)


def test_first_download_is_checked_and_recorded_later_copies_compared(server, tmp_path):
    registry = {"pre": Asset("pre", "pre.pth", f"{server}/file.bin", None, None, "MIT", "a pretrain (test)",
                             expect=_SHAPED)}
    store = AssetStore(tmp_path, registry=registry)
    _Handler.payload = PAYLOAD  # not a PyTorch file: refused, the part deleted
    with pytest.raises(ChecksumMismatch, match="is not a pretrain"):
        _run(store.download("pre"))
    assert not (tmp_path / "pre" / "pre.pth.part").exists() and store.first_sha256("pre") is None
    _Handler.payload = _torch_bytes(_shaped())
    path, _ = _run(store.download("pre"))
    assert store.first_sha256("pre") == hashlib.sha256(_Handler.payload).hexdigest()
    path.unlink()
    _Handler.payload = _torch_bytes(_shaped(seed=2.0))  # the server now serves other weights
    with pytest.raises(ChecksumMismatch, match="verified before"):
        _run(store.download("pre"))
    assert store.locate("pre") is None


def test_download_all_reports_file_and_total_progress_and_resumes(server, tmp_path):
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    registry = {n: Asset(n, f"{n}.bin", f"{server}/file.bin", sha, None, "MIT", f"model {n}",
                         approx_size=len(PAYLOAD)) for n in ("a", "b")}
    store = AssetStore(tmp_path, registry=registry)
    _Handler.cut_after = 1_500_000  # the first file breaks off
    with pytest.raises(AssetMissing, match="resume"):
        _run(store.download_all(["a", "b"]))
    paths, steps = _run(store.download_all(["a", "b"]))
    assert set(paths) == {"a", "b"} and all(p.read_bytes() == PAYLOAD for p in paths.values())
    assert _Handler.requests[:2] == [None, "bytes=1500000-"], "the interrupted file resumed"
    assert [s.index for s in steps][0] == 0 and steps[-1].index == 1 and steps[-1].count == 2
    assert steps[0].done_bytes == 1_500_000, "the total counts the part already on disk"
    assert steps[-1].done_bytes == steps[-1].total_bytes == 2 * len(PAYLOAD)
    totals = [s.fraction for s in steps]
    assert totals == sorted(totals) and totals[-1] == 1.0
    assert _run(store.download_all(["a", "b"]))[1] == [], "nothing left to download"


def test_download_all_cancel_keeps_the_part(server, tmp_path):
    registry = {"a": Asset("a", "a.bin", f"{server}/file.bin", hashlib.sha256(PAYLOAD).hexdigest(), None,
                           "MIT", "model a")}
    store = AssetStore(tmp_path, registry=registry)
    cancel = threading.Event()
    gen = store.download_all(["a"], cancel)
    next(gen)  # 0 bytes
    next(gen)  # the first block
    cancel.set()
    with pytest.raises(DownloadCancelled):
        _run(gen)
    assert (tmp_path / "a" / "a.bin.part").stat().st_size > 0 and store.locate("a") is None


@pytest.mark.parametrize("wrapped", [True, False])
def test_hubert_soft_layout_is_recognised_with_or_without_its_wrapper(tmp_path, wrapped):
    """bshall's checkpoint: ``{"hubert": {"module." + key: ...}}`` (hubconf) or the bare state dict
    (hubert/model.py); the shapes of HuBERT-soft pass, a smaller HuBERT's are refused with the reason."""
    import dataclasses

    import torch

    shapes = {"feature_extractor.conv0.weight": (512, 1, 10), "masked_spec_embed": (768,),
              "proj.weight": (256, 768), "label_embedding.weight": (100, 256),
              "encoder.layers.0.self_attn.out_proj.weight": (8, 8)}

    def write(name: str, proj: tuple[int, int]) -> tuple[Path, dict]:
        state = {f"module.{k}": torch.zeros(proj if k == "proj.weight" else s) for k, s in shapes.items()}
        path = tmp_path / name
        path.write_bytes(_torch_bytes({"hubert": state, "step": 0} if wrapped else state))
        prefix = hashlib.sha256(path.read_bytes()).hexdigest()[:8]  # stands in for 0d54a1f4
        return path, {"hubert-soft": dataclasses.replace(ASSETS["hubert-soft"], sha256=prefix)}

    good, registry = write("good.pt", (256, 768))
    assert AssetStore(tmp_path / "a", registry=registry).verify_file("hubert-soft", good)
    small, registry = write("small.pt", (24, 768))
    with pytest.raises(AssetInvalid, match=r"proj.weight has shape \(24, 768\), not \(256, 768\)"):
        AssetStore(tmp_path / "b", registry=registry).verify_file("hubert-soft", small)
