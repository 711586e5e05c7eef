"""Pretrained files the product needs: registry, download, verification, local overrides.

``ASSETS`` lists every base file (Whisper sizes, hubert-soft, the so-vits-svc-5.0 pretrain, a
transformers HuBERT folder) with its official URL, its sha256 (full, or the 8-hex-digit prefix
torch.hub names carry where the publisher gave no more), size where published, and licence.

:class:`AssetStore` owns one cache directory (injected: the app passes
``paths.cache_dir() / "assets"``; tests pass ``tmp_path``) and a mapping of per-asset local
overrides ("use this file"). Downloads are a generator of :class:`DownloadProgress` that
checks a ``threading.Event`` between blocks, resumes an interrupted ``.part`` file with an
HTTP ``Range`` request, verifies the sha256 before the file is renamed into place, and
records the verification in a ``.verified.json`` sidecar so later runs need not re-hash
gigabytes. Every failure is an :class:`AssetError` whose message says what to download
from where, where to put it, and how to point the app at a copy (``--asset NAME=PATH``).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from models.atomic import atomic_write_text
from models.errors import UserError

BLOCK_BYTES = 1 << 20  # 1 MiB per read: progress and cancel granularity
TIMEOUT_S = 30.0  # per socket operation, not for the whole transfer
USER_AGENT = "VoiceCraft-Desktop asset fetcher"


@dataclass(frozen=True)
class Asset:
    """One pretrained file (or folder).

    Attributes:
        name: registry key (``--asset NAME=PATH`` uses it).
        filename: the file's name in the cache.
        url: official download URL, or ``None`` for assets the user must supply.
        sha256: full hex digest, an 8+ digit prefix (torch.hub convention), or ``None`` when the
            publisher gives none (the digest of the first download is then recorded).
        size: bytes when published, else ``None``.
        licence: the licence of the weights.
        description: what it is, for messages and the UI.
        folder: ``True`` for a model folder (transformers ``from_pretrained``): local only.
    """

    name: str
    filename: str
    url: str | None
    sha256: str | None
    size: int | None
    licence: str
    description: str
    folder: bool = False


_WHISPER = "https://openaipublic.azureedge.net/main/whisper/models"
_WHISPER_SHA = {  # openai/whisper whisper/__init__.py _MODELS: the URL path segment is the sha256
    "tiny": "65147644a518d12f04e32d6f3b26facc3f8dd46e5390956a9424a650c0ce22b9",
    "base": "ed3a0b6b1c0edf879ad9b11b1af5a0e6ab5db9205f891f668f8b0e6c6326e34e",
    "small": "9ecf779972d90ba49c06d968637d720dd632c55bbf19d441fb42bf17a411e794",
    "medium": "345ae4da62f9b3d59415adc60127b97c714f32e89e936602e85993674d08dcb1",
    "large-v2": "81f7c96c852ee8fc832187b0132e569d6c3065a3252ed18e56effd0b6a73e524",
    "large-v3": "e5b1a55b89c1367dacf97e3e19bfd829a01529dbfdeefa8caeb59b3f1b81dadb",
}

ASSETS: dict[str, Asset] = {
    **{
        f"whisper-{size}": Asset(
            name=f"whisper-{size}", filename=f"{size}.pt", url=f"{_WHISPER}/{sha}/{size}.pt", sha256=sha, size=None,
            licence="MIT (openai/whisper)", description=f"OpenAI Whisper {size} checkpoint (PPG content encoder)")
        for size, sha in _WHISPER_SHA.items()
    },
    "hubert-soft": Asset(
        name="hubert-soft", filename="hubert-soft-0d54a1f4.pt",
        url="https://github.com/bshall/hubert/releases/download/v0.1/hubert-soft-0d54a1f4.pt",
        sha256="0d54a1f4", size=None, licence="MIT (bshall/hubert)",
        description="HuBERT-soft content encoder (bshall/hubert release v0.1)"),
    "sovits5-pretrain": Asset(
        name="sovits5-pretrain", filename="sovits5.0.pretrain.pth",
        url="https://github.com/PlayVoice/so-vits-svc-5.0/releases/download/5.0/sovits5.0.pretrain.pth",
        sha256=None, size=None, licence="MIT (PlayVoice/so-vits-svc-5.0)",
        description="so-vits-svc-5.0 pretrained generator and discriminator (release 5.0)"),
    # so-vits-svc-5.0's README links only a Google Drive folder (mueller91's Speaker-Encoder); Drive
    # answers a plain GET of a file this size with an HTML "cannot scan for viruses" page, not the
    # file, and no sha256 is published: so the user locates it (url None; the digest of the file
    # they give is recorded on first use).
    "sovits5-speaker-encoder": Asset(
        name="sovits5-speaker-encoder", filename="best_model.pth.tar", url=None, sha256=None, size=None,
        licence="as published by its author (@mueller91's Speaker-Encoder, linked by so-vits-svc-5.0)",
        description=("so-vits-svc-5.0 LSTM speaker encoder best_model.pth.tar (download it from the "
                     "Google Drive folder https://drive.google.com/drive/folders/"
                     "15oeBYf6Qn1edONkVLXe82MzdIi3O_9m3 that so-vits-svc-5.0's README links)")),
    "hubert-transformers": Asset(
        name="hubert-transformers", filename="hubert-transformers", url=None, sha256=None, size=None,
        licence="as published by the model's authors",
        description="a HuBERT or ContentVec model folder that transformers' HubertModel loads (config.json + weights)",
        folder=True),
    # Demucs v4 (models/features/separation.py): the official checkpoints demucs 4.1.0's remote/files.txt names
    # (<signature>-<sha256 prefix>.th); full sha256 and sizes as published for these files. Read once with
    # torch.load(weights_only=True) (two allowed globals) and kept as safetensors beside the download.
    "demucs-htdemucs": Asset(
        name="demucs-htdemucs", filename="955717e8-8726e21a.th",
        url="https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/955717e8-8726e21a.th",
        sha256="8726e21a993978c7ba086d3872e7608d7d5bfca646ca4aca459ffda844faa8b4", size=84141911,
        licence="MIT (facebookresearch/demucs)",
        description="Demucs v4 htdemucs separation model (vocals from a song)"),
    "demucs-htdemucs_ft-vocals": Asset(
        name="demucs-htdemucs_ft-vocals", filename="04573f0d-f3cf25b2.th",
        url="https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/04573f0d-f3cf25b2.th",
        sha256="f3cf25b222c4eed7cd49dd8b2c9597d50c18bd154090f7b919cfa5f93cf22c49", size=84141271,
        licence="MIT (facebookresearch/demucs)",
        description="Demucs v4 htdemucs_ft vocals model (the fine-tuned bag's vocal specialist)"),
}
"""Every pretrained file the product can use, by name."""


@dataclass(frozen=True)
class DownloadProgress:
    """One step of a download.

    Attributes:
        name: asset name.
        done_bytes: bytes on disk so far (including a resumed part).
        total_bytes: expected size, ``None`` when the server does not say.
    """

    name: str
    done_bytes: int
    total_bytes: int | None

    @property
    def fraction(self) -> float | None:
        """Completed fraction in [0, 1], or ``None`` when the size is unknown."""
        return None if not self.total_bytes else min(1.0, self.done_bytes / self.total_bytes)


class AssetError(RuntimeError, UserError):
    """An asset cannot be provided; the message is meant for the user as it stands."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class AssetMissing(AssetError):
    """Not in the cache, not overridden, and not downloaded (offline, refused, or local-only)."""


class ChecksumMismatch(AssetError):
    """A downloaded file whose sha256 is not the published one (deleted, not used)."""


class DownloadCancelled(AssetError):
    """The cancel event was set; the partial file is kept for a later resume."""


class AssetInvalid(AssetError):
    """A local file that is not the asset it claims to be: random bytes, a pickle that would run code,
    a truncated download, another model's weights."""


@contextmanager
def asset_load_errors(name: str, path: str | os.PathLike[str]) -> Iterator[None]:
    """Turns a failure to read an asset's weights into one clear :class:`AssetInvalid` line.

    Wrap the code that opens ``path`` (``torch.load(weights_only=True)``, ``whisper.load_model``,
    ``from_pretrained``). The message is ``"FILE is not a valid NAME file (reason)"``; PyTorch's own
    text, which advises retrying with ``weights_only=False`` (running the file's code), is never quoted.
    Errors that are not about the file (out of memory, cancelled) pass through unchanged.
    """
    import pickle
    import warnings
    import zipfile

    from models.errors import torch_load_problem

    try:
        with warnings.catch_warnings():  # a raw pickle's protocol warning is noise, not news, for a user
            warnings.filterwarnings("ignore", message=".*pickle protocol", category=UserWarning)
            yield
    except AssetError:
        raise
    except FileNotFoundError:
        raise AssetMissing(name, f"the file given for {name} does not exist: {path}") from None
    except (pickle.UnpicklingError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
        raise AssetInvalid(name, f"{path} is not a valid {name} file ({torch_load_problem(exc)})") from None
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        raise AssetInvalid(name, f"{path} is not a valid {name} file (not the expected contents: "
                                 f"{type(exc).__name__} {_short(exc)})") from None
    except RuntimeError as exc:
        text = str(exc)
        if "out of memory" in text.lower() or "CUDA" in text:
            raise
        reason = torch_load_problem(exc) if ("zip archive" in text or "PytorchStreamReader" in text) else (
            "weights of another shape" if ("size mismatch" in text or "shape" in text) else "unreadable")
        raise AssetInvalid(name, f"{path} is not a valid {name} file ({reason})") from None


def _short(exc: BaseException, limit: int = 80) -> str:
    """The first line of an exception's text, cut to ``limit`` characters, without PyTorch's advice."""
    from models.errors import scrub

    text = scrub(str(exc)).splitlines()[0] if str(exc) else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AssetStore:
    """Finds, downloads and verifies assets in one cache directory.

    Args:
        cache_dir: where downloads go (``<cache_dir>/<name>/<filename>``); created on demand.
        overrides: asset name -> a local file (or folder) to use instead; used as given.
        registry: the assets known (defaults to ``ASSETS``).
    """

    def __init__(self, cache_dir: str | os.PathLike[str], overrides: Mapping[str, str | os.PathLike[str]] | None = None,
                 registry: Mapping[str, Asset] | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.registry = dict(ASSETS if registry is None else registry)
        self.overrides = {k: Path(v) for k, v in (overrides or {}).items()}
        unknown = sorted(set(self.overrides) - set(self.registry))
        if unknown:
            raise KeyError(f"unknown asset(s) {', '.join(unknown)}; known: {', '.join(self.registry)}")

    def asset(self, name: str) -> Asset:
        """The registry entry; ``KeyError`` lists the known names."""
        try:
            return self.registry[name]
        except KeyError:
            raise KeyError(f"unknown asset {name!r}; known: {', '.join(self.registry)}") from None

    def cache_path(self, name: str) -> Path:
        """Where the asset lives once downloaded (or where a user may put it)."""
        asset = self.asset(name)
        return self.cache_dir / name / asset.filename

    def locate(self, name: str) -> Path | None:
        """The usable local copy, or ``None``.

        An override wins (it must exist). A cached file counts when its verification
        sidecar matches its size and mtime, or when it verifies now (files put there by hand).

        Raises:
            AssetMissing: an override points at nothing.
            ChecksumMismatch: a hand-placed cache file has the wrong sha256.
        """
        asset = self.asset(name)
        if name in self.overrides:
            path = self.overrides[name]
            if not path.exists():
                raise AssetMissing(name, f"the file given for {name} does not exist: {path}")
            return path
        path = self.cache_path(name)
        if asset.folder:
            return path if (path / "config.json").is_file() else None
        if not path.is_file():
            return None
        if self._sidecar_ok(path):
            return path
        digest = _sha256_file(path)
        self._check_digest(asset, digest, path)
        self._write_sidecar(path, digest)
        return path

    def require(self, name: str) -> Path:
        """``locate`` or raise :class:`AssetMissing` with the full instructions."""
        path = self.locate(name)
        if path is None:
            raise AssetMissing(name, self.missing_message(name))
        return path

    def missing_message(self, name: str, reason: str | None = None) -> str:
        """What a person must do to provide ``name``: URL, destination, override flag."""
        asset = self.asset(name)
        lines = [f"{asset.description} ({name}) is not available" + (f": {reason}" if reason else ".")]
        if asset.url:
            lines.append(f"  Download it from {asset.url}")
            lines.append(f"  and put it at {self.cache_path(name)}")
        else:
            kind = "folder" if asset.folder else "file"
            lines.append(f"  It cannot be downloaded automatically; put the {kind} at {self.cache_path(name)}")
        lines.append(f"  or point the app at your copy with --asset {name}=PATH.")
        return "\n".join(lines)

    def ensure(self, name: str, cancel: threading.Event | None = None) -> Path:
        """``locate``, else download (consuming the progress); returns the verified path."""
        path = self.locate(name)
        if path is not None:
            return path
        gen = self.download(name, cancel)
        while True:
            try:
                next(gen)
            except StopIteration as stop:
                return Path(stop.value)

    def download(self, name: str, cancel: threading.Event | None = None) -> Iterator[DownloadProgress]:
        """Downloads into the cache, resuming a previous ``.part``; the generator returns the path.

        Yields:
            :class:`DownloadProgress` after every block.

        Raises:
            AssetMissing: no URL, network failure or HTTP error (message with instructions).
            ChecksumMismatch: the finished file has the wrong sha256 (the part is deleted).
            DownloadCancelled: ``cancel`` was set (the part is kept).
        """
        asset = self.asset(name)
        if asset.url is None or asset.folder:
            raise AssetMissing(name, self.missing_message(name))
        final = self.cache_path(name)
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(final.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        request = urllib.request.Request(asset.url, headers={"User-Agent": USER_AGENT})
        if have:
            request.add_header("Range", f"bytes={have}-")
        try:
            response = urllib.request.urlopen(request, timeout=TIMEOUT_S)  # noqa: S310 - https/http URLs from the registry
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:  # the part is already complete
                response = None
            else:
                raise AssetMissing(name, self.missing_message(name, f"the server answered HTTP {exc.code}")) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise AssetMissing(name, self.missing_message(name, f"download failed ({reason})")) from None
        hasher = hashlib.sha256()
        if response is not None and response.status != 206:
            have = 0  # the server ignored Range: start again
        if have:
            _hash_into(hasher, part)
        total = asset.size
        if response is not None:
            with response:
                length = response.headers.get("Content-Length")
                if length is not None and length.isdigit():
                    total = have + int(length)
                with open(part, "ab" if have else "wb") as out:
                    yield DownloadProgress(name, have, total)
                    while True:
                        if cancel is not None and cancel.is_set():
                            raise DownloadCancelled(name, f"download of {name} cancelled; it resumes next time")
                        try:
                            block = response.read(BLOCK_BYTES)
                        except (OSError, http.client.HTTPException) as exc:
                            raise AssetMissing(name, self.missing_message(
                                name, f"the transfer broke off after {have} bytes ({exc}); run again to resume")) from None
                        if not block:
                            break
                        out.write(block)
                        hasher.update(block)
                        have += len(block)
                        yield DownloadProgress(name, have, total)
        if total is not None and have != total:
            raise AssetMissing(name, self.missing_message(
                name, f"the transfer ended after {have} of {total} bytes; run again to resume"))
        digest = hasher.hexdigest() if response is not None else _sha256_file(part)
        try:
            self._check_digest(asset, digest, part)
        except ChecksumMismatch:
            part.unlink(missing_ok=True)
            raise
        os.replace(part, final)
        self._write_sidecar(final, digest)
        return final

    def _check_digest(self, asset: Asset, digest: str, path: Path) -> None:
        if asset.sha256 is not None and not digest.startswith(asset.sha256.lower()):
            raise ChecksumMismatch(asset.name, (
                f"{path} is not the published {asset.name}: its sha256 is {digest}, expected "
                f"{asset.sha256}{'...' if len(asset.sha256) < 64 else ''}. The file was not used.\n"
                + self.missing_message(asset.name)))

    @staticmethod
    def _sidecar(path: Path) -> Path:
        return path.with_name(path.name + ".verified.json")

    def _sidecar_ok(self, path: Path) -> bool:
        try:
            record = json.loads(self._sidecar(path).read_text(encoding="utf-8"))
            stat = path.stat()
        except (OSError, ValueError):
            return False
        return record.get("size") == stat.st_size and record.get("mtime_ns") == stat.st_mtime_ns

    def _write_sidecar(self, path: Path, digest: str) -> None:
        stat = path.stat()
        record = {"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        atomic_write_text(self._sidecar(path), json.dumps(record))

    def recorded_sha256(self, name: str) -> str | None:
        """The sha256 recorded when the cached copy was verified (``None`` if not cached)."""
        try:
            return json.loads(self._sidecar(self.cache_path(name)).read_text(encoding="utf-8")).get("sha256")
        except (OSError, ValueError):
            return None


def _hash_into(hasher: hashlib._Hash, path: Path) -> None:
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
            hasher.update(block)


def _sha256_file(path: Path) -> str:
    hasher = hashlib.sha256()
    _hash_into(hasher, path)
    return hasher.hexdigest()


def parse_overrides(pairs: list[str] | None) -> dict[str, Path]:
    """Parses ``NAME=PATH`` strings (the ``--asset`` option).

    Raises:
        ValueError: a pair without ``=`` or with an empty side.
    """
    out: dict[str, Path] = {}
    for pair in pairs or []:
        name, sep, path = pair.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise ValueError(f"--asset expects NAME=PATH, got {pair!r}")
        out[name.strip()] = Path(path.strip()).expanduser()
    return out
