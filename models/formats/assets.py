"""Pretrained files the product needs: registry, download, verification, local overrides.

``ASSETS`` lists every base file (Whisper sizes, hubert-soft, the so-vits-svc-5.0 pretrain, a
transformers HuBERT folder) with its official URL, its sha256 (full, or the 8-hex-digit prefix
torch.hub names carry where the publisher gave no more), size where published, licence, the tasks
that need it (:data:`TASKS`: converting, training, fine-tuning from the pretrained base) and, for
files without a published full sha256, the keys and shapes a genuine copy holds.

Verification: a file whose full sha256 is published is compared with it. Otherwise (hubert-soft: only
an 8-digit prefix; the so-vits-svc-5.0 pretrain: none) the first copy is checked by format (opened
with ``weights_only=True``) and by the shapes the model needs, and its sha256 is recorded
(``digests.json`` in the cache folder, shown by the setup view); later copies, downloaded or located,
are compared with that record. :meth:`AssetStore.verify_file` is the one check, for downloads and for
"Locate file…".

:class:`AssetStore` owns one cache directory (injected: the app passes
``paths.cache_dir() / "assets"``; tests pass ``tmp_path``) and a mapping of per-asset local
overrides ("use this file"). Downloads are a generator of :class:`DownloadProgress` that
checks a ``threading.Event`` between blocks, resumes an interrupted ``.part`` file with an
HTTP ``Range`` request, verifies the sha256 before the file is renamed into place, and
records the verification in a ``.verified.json`` sidecar so later runs need not re-hash
gigabytes. Every failure is an :class:`AssetError` whose message says what to download
from where, where to put it, and how to point the program at a copy: "Locate file…" in the app,
``--asset NAME=PATH`` for a store made with ``cli=True`` (the command line); ``missing`` lists every
missing asset (:meth:`AssetStore.require_all` names them all at once) and ``offline`` tells a failed
connection from a refused download.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.atomic import atomic_write_text
from models.errors import Message, UserError

BLOCK_BYTES = 1 << 20  # 1 MiB per read: progress and cancel granularity
TIMEOUT_S = 30.0  # per socket operation, not for the whole transfer
USER_AGENT = "VoiceCraft-Desktop asset fetcher"
DIGESTS_FILE = "digests.json"  # in the cache folder: sha256 recorded on first use (no published digest)

TASKS: dict[str, str] = {
    "convert": "Convert songs with a voice",
    "train": "Train a new voice",
    "finetune": "Fine-tune from the pretrained base",
    "covers": "Convert songs with a backing track",
}
"""What a user does, by key (``Asset.needed_for`` names these), with its label for the setup view."""


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
        needed_for: the :data:`TASKS` keys that need it (empty: optional, for other encoders).
        approx_size: bytes, about, for the setup view and the total progress when ``size`` is not
            published (the server's Content-Length wins during a download).
        expect: for files without a published full sha256: ``(key path, shape)`` pairs a genuine copy
            holds (a key path matches the end of a path through the nested dicts of the
            ``weights_only`` load, ``module.`` prefixes ignored).
    """

    name: str
    filename: str
    url: str | None
    sha256: str | None
    size: int | None
    licence: str
    description: str
    folder: bool = False
    needed_for: tuple[str, ...] = ()
    approx_size: int | None = None
    expect: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...] = ()

    @property
    def full_sha256(self) -> str | None:
        """The published sha256 when it is complete (64 hex digits), else ``None``."""
        return self.sha256.lower() if self.sha256 is not None and len(self.sha256) == 64 else None

    @property
    def title(self) -> str:
        """The description's first clause: what the setup view and messages call the file."""
        return self.description.split(" (")[0]


_WHISPER = "https://openaipublic.azureedge.net/main/whisper/models"
_MB = 1_000_000
_WHISPER_MB = {"tiny": 75, "base": 145, "small": 484, "medium": 1_530, "large-v2": 3_090, "large-v3": 3_090}
_WHISPER_SHA = {  # openai/whisper whisper/__init__.py _MODELS: the URL path segment is the sha256
    "tiny": "65147644a518d12f04e32d6f3b26facc3f8dd46e5390956a9424a650c0ce22b9",
    "base": "ed3a0b6b1c0edf879ad9b11b1af5a0e6ab5db9205f891f668f8b0e6c6326e34e",
    "small": "9ecf779972d90ba49c06d968637d720dd632c55bbf19d441fb42bf17a411e794",
    "medium": "345ae4da62f9b3d59415adc60127b97c714f32e89e936602e85993674d08dcb1",
    "large-v2": "81f7c96c852ee8fc832187b0132e569d6c3065a3252ed18e56effd0b6a73e524",
    "large-v3": "e5b1a55b89c1367dacf97e3e19bfd829a01529dbfdeefa8caeb59b3f1b81dadb",
}

SOVITS5_SINGERS = 56
_SINGERS = ("https://raw.githubusercontent.com/PlayVoice/whisper-vits-svc/"
            "a74931701c9987fd02aee8dfb82187313dc2e395/configs/singers")

ASSETS: dict[str, Asset] = {
    **{
        f"whisper-{size}": Asset(
            name=f"whisper-{size}", filename=f"{size}.pt", url=f"{_WHISPER}/{sha}/{size}.pt", sha256=sha, size=None,
            licence="MIT (openai/whisper)", description=f"OpenAI Whisper {size} checkpoint (PPG content encoder)",
            needed_for=("convert", "train", "finetune") if size == "large-v2" else (),
            approx_size=_WHISPER_MB[size] * _MB)
        for size, sha in _WHISPER_SHA.items()
    },
    "hubert-soft": Asset(
        name="hubert-soft", filename="hubert-soft-0d54a1f4.pt",
        url="https://github.com/bshall/hubert/releases/download/v0.1/hubert-soft-0d54a1f4.pt",
        # bshall publishes no full digest: torch.hub's 8-digit prefix in the name, plus the shapes.
        sha256="0d54a1f4", size=None, licence="MIT (bshall/hubert)",
        description="HuBERT-soft content encoder (bshall/hubert release v0.1)",
        needed_for=("convert", "train", "finetune"), approx_size=378 * _MB,
        expect=((("feature_extractor.conv0.weight",), (512, 1, 10)),  # bshall/hubert hubert/model.py
                (("masked_spec_embed",), (768,)),
                (("proj.weight",), (256, 768)),
                (("label_embedding.weight",), (100, 256)))),
    "sovits5-pretrain": Asset(
        name="sovits5-pretrain", filename="sovits5.0.pretrain.pth",
        url="https://github.com/PlayVoice/so-vits-svc-5.0/releases/download/5.0/sovits5.0.pretrain.pth",
        # No digest is published for the release asset: format and shapes, then the recorded sha256.
        sha256=None, size=None, licence="MIT (PlayVoice/so-vits-svc-5.0)",
        description="so-vits-svc-5.0 pretrained generator and discriminator (release 5.0)",
        needed_for=("finetune",), approx_size=212 * _MB,  # generator 118 MB + discriminator 94 MB (fp32)
        expect=((("model_g", "emb_g.weight"), (256, 256)),
                (("model_g", "enc_p.pre.weight"), (192, 1280, 5)),
                (("model_g", "enc_p.hub.weight"), (192, 256, 5)))),
    # so-vits-svc-5.0's README links only a Google Drive folder (mueller91's Speaker-Encoder); Drive
    # answers a plain GET of a file this size with an HTML "cannot scan for viruses" page, not the
    # file, and no sha256 is published: so the user locates it (url None; the digest of the file
    # they give is recorded on first use).
    "sovits5-speaker-encoder": Asset(
        name="sovits5-speaker-encoder", filename="best_model.pth.tar", url=None, sha256=None, size=None,
        licence="as published by its author (@mueller91's Speaker-Encoder, linked by so-vits-svc-5.0)",
        description=("so-vits-svc-5.0 LSTM speaker encoder best_model.pth.tar (download it from the "
                     "Google Drive folder https://drive.google.com/drive/folders/"
                     "15oeBYf6Qn1edONkVLXe82MzdIi3O_9m3 that so-vits-svc-5.0's README links)"),
        expect=((("model", "layers.0.lstm.weight_ih_l0"), (3072, 80)),
                (("model", "layers.2.linear.weight"), (256, 768)))),
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
        licence="MIT (facebookresearch/demucs)", needed_for=("covers",),
        description="Demucs v4 htdemucs separation model (vocals from a song)"),
    "demucs-htdemucs_ft-vocals": Asset(
        name="demucs-htdemucs_ft-vocals", filename="04573f0d-f3cf25b2.th",
        url="https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/04573f0d-f3cf25b2.th",
        sha256="f3cf25b222c4eed7cd49dd8b2c9597d50c18bd154090f7b919cfa5f93cf22c49", size=84141271,
        licence="MIT (facebookresearch/demucs)",
        description="Demucs v4 htdemucs_ft vocals model (the fine-tuned bag's vocal specialist)"),
}
"""Every pretrained file the product can use, by name."""

SINGER_ASSETS: dict[str, Asset] = {
    f"sovits5-singer{n:04d}": Asset(
        name=f"sovits5-singer{n:04d}", filename=f"singer{n:04d}.npy",
        url=f"{_SINGERS}/singer{n:04d}.npy", sha256=None, size=None, licence="MIT (PlayVoice/so-vits-svc-5.0)",
        description=f"so-vits-svc-5.0 base singer {n} (the pretrain's singer{n:04d}.npy speaker vector)")
    for n in range(1, SOVITS5_SINGERS + 1)
}
"""The 56 singer vectors the pretrain was trained with (``configs/singers/`` of so-vits-svc-5.0, now
PlayVoice/whisper-vits-svc), pinned to one commit: the base singers (:mod:`models.formats.voice_mix`). No
sha256 is published, so the digest of the first download is recorded. A registry of their own (an
``AssetStore(cache, registry=SINGER_ASSETS)``), so the Settings page's list of models stays short."""


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


@dataclass(frozen=True)
class BatchProgress:
    """One step of :meth:`AssetStore.download_all`.

    Attributes:
        file: the current file's :class:`DownloadProgress`.
        index: its place among the files downloaded (0-based); ``count``: how many.
        done_bytes: bytes of all those files so far; ``total_bytes``: all of them (published or
            approximate sizes until each server says).
    """

    file: DownloadProgress
    index: int
    count: int
    done_bytes: int
    total_bytes: int

    @property
    def fraction(self) -> float | None:
        """Completed fraction of the whole batch in [0, 1], ``None`` when no size is known."""
        return None if not self.total_bytes else min(1.0, self.done_bytes / self.total_bytes)


class AssetError(RuntimeError, UserError):
    """An asset cannot be provided; the message is meant for the user as it stands.

    Attributes:
        name: the asset (the first one, when several are missing).
        missing: every asset name this error is about being absent (the app's "Open setup" offers them).
        offline: the download server could not be reached (no network, DNS, refused, timed out).
        code, params: the failure in structured form for the app's translation (``UserError``); a
            download failure names its asset as ``asset``.
    """

    def __init__(self, name: str, message: str, missing: tuple[str, ...] = (), offline: bool = False,
                 code: str | None = None, params: dict | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.missing = tuple(missing)
        self.offline = offline
        if code is not None:
            self.code, self.params = code, dict(params or {})


class AssetMissing(AssetError):
    """Not in the cache, not overridden, and not downloaded (offline, refused, or local-only)."""

    def __init__(self, name: str, message: str, missing: tuple[str, ...] | None = None,
                 offline: bool = False, code: str | None = None, params: dict | None = None) -> None:
        super().__init__(name, message, (name,) if missing is None else missing, offline, code, params)


class ChecksumMismatch(AssetError):
    """A downloaded (or hand-placed) file whose sha256 is not the published one or, for an asset
    without a published digest, not the recorded one or not the model's format (deleted, not used)."""


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
        cli: messages tell how to give a copy on the command line (``--asset NAME=PATH``); otherwise
            (the app) they point at "Locate file…" in the model files setup.
    """

    def __init__(self, cache_dir: str | os.PathLike[str], overrides: Mapping[str, str | os.PathLike[str]] | None = None,
                 registry: Mapping[str, Asset] | None = None, cli: bool = False) -> None:
        self.cache_dir = Path(cache_dir)
        self.cli = cli
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
        return self.require_all([name])[name]

    def require_all(self, names: list[str] | tuple[str, ...]) -> dict[str, Path]:
        """Every asset of ``names`` located, or one :class:`AssetMissing` naming all that are missing
        (``missing`` lists them), so a user fixes everything at once."""
        found: dict[str, Path | None] = {name: self.locate(name) for name in dict.fromkeys(names)}
        missing = tuple(name for name, path in found.items() if path is None)
        if len(missing) == 1:
            raise AssetMissing(missing[0], self.missing_message(missing[0]))
        if missing:
            lines = [f"{len(missing)} model files are missing: "
                     + ", ".join(f"{self.asset(n).title} ({n})" for n in missing) + "."]
            lines += [self.missing_message(n) for n in missing]
            raise AssetMissing(missing[0], "\n".join(lines), missing=missing)
        return {name: path for name, path in found.items() if path is not None}

    def status(self, name: str) -> tuple[str, Path | None]:
        """``("located" | "cached" | "unverified" | "missing", path)`` without hashing anything
        (for listings; :meth:`locate` verifies)."""
        asset = self.asset(name)
        if name in self.overrides:
            path = self.overrides[name]
            return ("located" if path.exists() else "missing"), path
        path = self.cache_path(name)
        if asset.folder:
            return ("cached" if (path / "config.json").is_file() else "missing"), path
        if not path.is_file():
            return "missing", path
        return ("cached" if self._sidecar_ok(path) else "unverified"), path

    def needed(self, tasks: list[str] | tuple[str, ...] | None = None) -> list[str]:
        """Names of the assets the given :data:`TASKS` need (all tasks when ``None``), registry order."""
        wanted = set(TASKS if tasks is None else tasks)
        return [name for name, asset in self.registry.items() if wanted & set(asset.needed_for)]

    def missing_message(self, name: str, reason: str | None = None) -> str:
        """What a person must do to provide ``name``: URL, destination, and how to give a copy."""
        asset = self.asset(name)
        lines = [f"{asset.description} ({name}) is not available" + (f": {reason}" if reason else ".")]
        if asset.url:
            lines.append(f"  Download it from {asset.url}")
            lines.append(f"  and put it at {self.cache_path(name)}")
        else:
            kind = "folder" if asset.folder else "file"
            lines.append(f"  It cannot be downloaded automatically; put the {kind} at {self.cache_path(name)}")
        if self.cli:
            lines.append(f"  or point the program at your copy with --asset {name}=PATH.")
        else:
            lines.append("  or choose your copy with “Locate file…” in the model files setup.")
        return "\n".join(lines)

    # -- verification -----------------------------------------------------------------------------

    def _digests_path(self) -> Path:
        return self.cache_dir / DIGESTS_FILE

    def _digests(self) -> dict[str, Any]:
        try:
            data = json.loads(self._digests_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def first_sha256(self, name: str) -> str | None:
        """The sha256 recorded for the first verified copy of an asset without a published digest."""
        record = self._digests().get(name)
        return record.get("sha256") if isinstance(record, dict) else None

    def trusted_sha256(self, name: str) -> tuple[str | None, str]:
        """``(digest, where it comes from)``: the published full sha256, else the one recorded on first
        use, else ``(None, why)``; for the setup view."""
        asset = self.asset(name)
        if asset.full_sha256:
            return asset.full_sha256, Message("published", "sha_published")
        first = self.first_sha256(name)
        if first:
            return first, Message("recorded from the first verified copy", "sha_recorded")
        return None, Message("no full sha256 is published; the first copy is checked by format and shapes",
                             "sha_none")

    def _record_first(self, name: str, digest: str, path: Path) -> None:
        data = self._digests()
        data[name] = {"sha256": digest, "first_copy": str(path)}
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self._digests_path(), json.dumps(data, indent=1, sort_keys=True))

    def verify_file(self, name: str, path: str | os.PathLike[str], digest: str | None = None,
                    record_as: Path | None = None) -> str:
        """Checks that ``path`` is the asset ``name``; returns its sha256 ("" for a folder).

        A published full sha256 must match. Otherwise a published prefix must match, the file must
        open with ``weights_only=True`` and hold the keys and shapes of ``Asset.expect``, and, when a
        first copy was recorded, match its sha256; the first copy that passes is recorded.

        Args:
            digest: the file's sha256 when the caller has computed it already (a download).
            record_as: the path recorded with a first copy's digest (default ``path``).

        Raises:
            AssetInvalid: not the named model (the reason in one line; the file is not used).
        """
        asset, path = self.asset(name), Path(path)
        if asset.folder:
            if not (path / "config.json").is_file():
                raise AssetInvalid(name, f"{path} is not a {asset.title} folder: it has no config.json",
                                   code="asset_no_config", params={"asset": name, "path": str(path)})
            return ""
        if not path.is_file():
            raise AssetInvalid(name, f"{path} is not a file", code="asset_not_file",
                               params={"asset": name, "path": str(path)})
        digest = digest or _sha256_file(path)
        size = _size_text(path.stat().st_size)
        if asset.full_sha256 and digest != asset.full_sha256:
            raise AssetInvalid(name, f"{path} ({size}) is not {asset.title}: its sha256 {digest[:16]}… "
                                     f"differs from the published {asset.full_sha256[:16]}…",
                               code="asset_wrong_file", params={"asset": name, "path": str(path)})
        if asset.full_sha256:
            return digest
        if asset.sha256 and not digest.startswith(asset.sha256.lower()):
            raise AssetInvalid(name, f"{path} ({size}) is not {asset.title}: its sha256 starts {digest[:8]}, "
                                     f"the published file's {asset.sha256.lower()}",
                               code="asset_wrong_file", params={"asset": name, "path": str(path)})
        first = self.first_sha256(name)
        if first and digest != first:
            raise AssetInvalid(name, f"{path} ({size}) is not the copy of {asset.title} verified before: "
                                     f"its sha256 {digest[:16]}… differs from the recorded {first[:16]}…",
                               code="asset_not_verified_copy", params={"asset": name, "path": str(path)})
        if first is None:
            self._check_shapes(asset, path, size)
            self._record_first(name, digest, record_as or path)
        return digest

    def _check_shapes(self, asset: Asset, path: Path, size: str) -> None:
        if not asset.expect:
            return
        from models.formats.safeload import LoadError, safe_torch_load

        try:
            data = safe_torch_load(path, asset.title)
        except LoadError as exc:
            params = {"asset": asset.name, "path": str(path)}
            raise AssetInvalid(asset.name, f"{path} ({size}) is not {asset.title}: {_reason(exc)}",
                               code="asset_wrong_file", params=params) from None
        entries = dict(_flatten(data))
        for keys, shape in asset.expect:
            where = "/".join(keys)
            value = next((v for k, v in entries.items() if k[-len(keys):] == keys), None)
            if value is None:
                raise AssetInvalid(asset.name, f"{path} ({size}) is not {asset.title}: it has no {where}",
                                   code="asset_wrong_file", params={"asset": asset.name, "path": str(path)})
            if tuple(value.shape) != shape:
                raise AssetInvalid(asset.name, f"{path} ({size}) is not {asset.title}: {where} has shape "
                                               f"{tuple(value.shape)}, not {shape}",
                                   code="asset_wrong_file", params={"asset": asset.name, "path": str(path)})

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
                raise AssetMissing(name, self.missing_message(name, f"the server answered HTTP {exc.code}"),
                                   code="download_http", params={"asset": name, "status": exc.code}) from None
        except (urllib.error.URLError, OSError) as exc:  # DNS, refused, unreachable, timed out
            reason = getattr(exc, "reason", exc)
            host = urllib.parse.urlsplit(asset.url).netloc
            raise AssetMissing(name, self.missing_message(
                name, f"no internet connection (could not reach {host}: {reason})"), offline=True,
                code="download_offline", params={"asset": name, "host": host}) from None
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
                try:
                    out = open(part, "ab" if have else "wb")  # noqa: SIM115 - closed below, write errors caught
                except OSError as exc:
                    raise self._write_failed(name, part, exc) from None
                with out:
                    yield DownloadProgress(name, have, total)
                    while True:
                        if cancel is not None and cancel.is_set():
                            raise DownloadCancelled(name, f"download of {name} cancelled; it resumes next time",
                                                    code="download_cancelled", params={"asset": name})
                        try:
                            block = response.read(BLOCK_BYTES)
                        except (OSError, http.client.HTTPException) as exc:
                            raise AssetMissing(name, self.missing_message(
                                name, f"the transfer broke off after {have} bytes ({exc}); run again to resume"),
                                code="download_broken", params={"asset": name}) from None
                        if not block:
                            break
                        try:
                            out.write(block)
                        except OSError as exc:
                            raise self._write_failed(name, part, exc) from None
                        hasher.update(block)
                        have += len(block)
                        yield DownloadProgress(name, have, total)
        if total is not None and have != total:
            raise AssetMissing(name, self.missing_message(
                name, f"the transfer ended after {have} of {total} bytes; run again to resume"),
                code="download_short", params={"asset": name})
        digest = hasher.hexdigest() if response is not None else _sha256_file(part)
        try:
            self._check_digest(asset, digest, part, record_as=final)
        except ChecksumMismatch:
            part.unlink(missing_ok=True)
            raise
        os.replace(part, final)
        self._write_sidecar(final, digest)
        return final

    def _write_failed(self, name: str, part: Path, exc: OSError) -> AssetMissing:
        """The download of ``name`` could not write ``part``: a full disk (what came is kept for a
        resume) or another reason (no permission, a read-only disk)."""
        if exc.errno == errno.ENOSPC:
            return AssetMissing(name, self.missing_message(
                name, f"the disk is full ({part.parent}); free some space, then run again to resume"),
                code="download_disk_full", params={"asset": name, "folder": str(part.parent)})
        detail = exc.strerror or str(exc)
        return AssetMissing(name, self.missing_message(name, f"cannot write {part}: {detail}"),
                            code="download_write_failed",
                            params={"asset": name, "folder": str(part.parent), "detail": detail})

    def download_all(self, names: list[str] | tuple[str, ...],
                     cancel: threading.Event | None = None) -> Iterator[BatchProgress]:
        """Downloads every asset of ``names`` not present yet, one after the other (each resumable);
        the generator returns ``{name: path}`` of all of them.

        Yields:
            :class:`BatchProgress` after every block: the file's progress and the total.

        Raises:
            the first failure of :meth:`download` (the files finished before it are kept).
        """
        paths: dict[str, Path] = {}
        todo: list[str] = []
        for name in dict.fromkeys(names):
            path = self.locate(name)
            if path is None:
                todo.append(name)
            else:
                paths[name] = path
        sizes = {name: self.asset(name).size or self.asset(name).approx_size or 0 for name in todo}
        finished = 0
        for index, name in enumerate(todo):
            gen = self.download(name, cancel)
            while True:
                try:
                    step = next(gen)
                except StopIteration as stop:
                    paths[name] = Path(stop.value)
                    break
                if step.total_bytes:
                    sizes[name] = step.total_bytes
                yield BatchProgress(step, index, len(todo), finished + step.done_bytes, sum(sizes.values()))
            finished += sizes[name] or paths[name].stat().st_size
        return paths

    def _check_digest(self, asset: Asset, digest: str, path: Path, record_as: Path | None = None) -> None:
        if asset.full_sha256 is not None:
            if digest != asset.full_sha256:
                raise ChecksumMismatch(asset.name, (
                    f"{path} is not the published {asset.name}: its sha256 is {digest}, expected "
                    f"{asset.full_sha256}. The file was not used.\n" + self.missing_message(asset.name)),
                    code="download_checksum", params={"asset": asset.name})
            return
        try:
            self.verify_file(asset.name, path, digest, record_as=record_as)
        except AssetInvalid as exc:
            raise ChecksumMismatch(asset.name, f"{exc}. The file was not used.\n"
                                   + self.missing_message(asset.name),
                                   code="download_not_model", params={"asset": asset.name}) from None

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


def _flatten(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """``(key path, tensor)`` of every tensor in nested dicts, each key without a DataParallel
    ``module.`` prefix: ``Asset.expect`` paths match the end of these (a wrapper such as bshall's
    ``{"hubert": ...}`` may be there or not)."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _flatten(value, prefix + (str(key).removeprefix("module."),))
    elif hasattr(data, "shape"):
        yield prefix, data


def _size_text(n: float) -> str:
    """``"1.6 MB"``-style size for messages."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _reason(exc: BaseException) -> str:
    """The parenthesised reason of a ``"FILE is not a valid X file (reason)"`` message, else its text."""
    text = str(exc)
    return text[text.index("(") + 1: text.rindex(")")] if "(" in text and text.endswith(")") else text


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
