"""Voice files into and out of the library: the checks and staging behind :class:`VoiceLibrary`.

Qt-free. :mod:`voicecraft_desktop.core.library` keeps the catalogue (scan, resolve, rename, delete,
install); this module does the file work each import, update and export needs, on folders the
library hands it:

- :func:`stage_folder`, :func:`stage_zip`, :func:`stage_reference`: copy a voice folder, unpack a voice
  zip (only plain files, sizes bounded, ``voice.json`` checked from the zip before anything else is
  read), or build our voice from a so-vits-svc-5.0 file, into a staging folder;
- :func:`check_zip_manifest`, :func:`check_manifest_bytes`: refuse a ``voice.json`` that is not a voice
  this VoiceCraft opens, naming the file;
- :func:`write_zip`: a voice folder as a zip, written atomically;
- :func:`swap_folders`: put a new version of a voice folder in place of the old one (one atomic
  exchange on Linux).

Errors are :class:`LibraryError` (one line naming the file and the problem).
"""

from __future__ import annotations

import os
import shutil
import stat
import uuid
import zipfile
import zlib
from pathlib import Path

from models.atomic import mkstemp as umask_mkstemp
from models.errors import Message, UserError
from models.formats.artifact import MANIFEST_NAME, WEIGHTS_NAME, ArtifactError, VoiceManifest

ZIP_MAX_BYTES = 2 << 30  # an unpacked voice is ~80 MB; refuse archives that would unpack beyond 2 GiB
MANIFEST_MAX_BYTES = 4 << 20  # a voice.json is a few KB; a zip claiming more is not a voice


class LibraryError(ValueError, UserError):
    """A library operation that cannot be done; the message names the voice or file and why."""




def stage_folder(src: Path, staged: Path) -> None:
    """Copies the plain files of the voice folder ``src`` into ``staged``, after checking its ``voice.json``
    (size first, so a huge junk manifest costs nothing, then :func:`check_manifest_bytes`)."""
    for required in (MANIFEST_NAME, WEIGHTS_NAME):
        if not (src / required).is_file():
            raise LibraryError(Message(f"{src}: not a voice folder ({required} is missing)",
                                       "import_not_voice", path=str(src)))
    manifest = src / MANIFEST_NAME
    if manifest.stat().st_size > MANIFEST_MAX_BYTES:  # checked before copying the weights
        raise _refused(src, Message(f"{MANIFEST_NAME} is too large", "import_manifest_too_large"))
    check_manifest_bytes(src, manifest.read_bytes())
    for item in src.iterdir():
        if item.is_file() and not item.name.startswith("."):
            shutil.copy2(item, staged / item.name)


def stage_zip(src: Path, staged: Path) -> None:
    """Unpacks a voice zip into ``staged``, after checking its ``voice.json`` from the zip alone.

    Nothing but ``voice.json`` is read until the manifest is known to be a voice this VoiceCraft
    opens (so a huge archive with a junk manifest costs nothing). Only plain files directly in the
    voice's folder are written: no paths, traversal, links or hidden files.
    """
    try:
        archive = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LibraryError(Message(f"{src}: not a readable zip file ({exc})", "import_bad_zip", path=str(src),
                                   detail=str(exc))) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        manifests = [m for m in members if Path(m.filename).name == MANIFEST_NAME]
        if len(manifests) != 1:
            found = len(manifests)
            raise _refused(src, Message(f"expected exactly one {MANIFEST_NAME} in the zip, found {found}",
                                        "import_manifest_count", count=found))
        prefix = str(Path(manifests[0].filename).parent)
        prefix = "" if prefix == "." else prefix + "/"
        if prefix.count("/") > 1:
            raise _refused(src, Message(f"{MANIFEST_NAME} must be at the top of the zip or in one folder",
                                        "import_manifest_deep"))
        check_zip_manifest(src, archive, manifests[0])
        wanted = {}
        for member in members:
            if not member.filename.startswith(prefix):
                continue
            rel = member.filename[len(prefix) :]
            # Only plain files directly in the voice folder: no paths, no traversal, no links.
            if not rel or "/" in rel or "\\" in rel or rel in (".", "..") or rel.startswith("."):
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                continue
            wanted[rel] = member
        if WEIGHTS_NAME not in wanted:
            raise LibraryError(Message(f"{src} is not a VoiceCraft voice (the zip holds no {WEIGHTS_NAME})",
                                       "import_not_voice", path=str(src)))
        if sum(m.file_size for m in wanted.values()) > ZIP_MAX_BYTES:
            raise LibraryError(Message(f"{src}: unpacks to more than {ZIP_MAX_BYTES >> 30} GiB; refusing",
                                       "import_zip_too_large", path=str(src), gib=ZIP_MAX_BYTES >> 30))
        for rel, member in wanted.items():
            try:
                with archive.open(member) as fin, open(staged / rel, "wb") as fout:
                    shutil.copyfileobj(fin, fout)
            except (zipfile.BadZipFile, EOFError, zlib.error, RuntimeError, NotImplementedError) as exc:
                raise LibraryError(Message(f"{src}: not a readable zip file ({rel}: {exc})", "import_bad_zip",
                                           path=str(src), detail=f"{rel}: {exc}")) from None


def stage_reference(
    src: Path, staged: Path, name: str | None, speaker_npy: str | os.PathLike[str] | None
) -> str:
    """Builds our voice from a so-vits-svc-5.0 ``.pth``/``.pt`` (and its singer ``.npy``) at ``staged``;
    returns its name (``name``, else the file's stem)."""
    from models.formats.artifact import save_voice, voice_from_reference
    from models.formats.reference_import import ImportError_, import_reference_file
    from voicecraft_desktop import __version__

    if speaker_npy is None:
        raise LibraryError(Message(f"{src}: a so-vits-svc-5.0 voice needs its singer .npy (speaker vector)",
                                   "import_reference_no_npy", path=str(src)))
    try:
        imported = import_reference_file(src, speaker_npy)
        manifest, weights = voice_from_reference(imported, name or src.stem, app_version=__version__)
    except (ImportError_, ArtifactError) as exc:
        message = Message(str(exc), "import_reference_refused", path=str(src), detail=str(exc))
        raise LibraryError(message) from None
    staged.rmdir()  # save_voice builds the folder itself (atomically)
    save_voice(staged, manifest, weights)
    return manifest.name


def write_zip(folder: Path, voice_id: str, dest: Path) -> Path:
    """Writes the plain files of the voice ``folder`` as a zip (``<voice_id>/voice.json``, ...) at ``dest``.

    The zip is written to a temporary sibling of ``dest`` and renamed, so ``dest`` is either the
    complete archive or untouched.

    Raises:
        LibraryError: ``dest`` cannot be written (nothing is left behind).
    """
    try:
        fd, tmp = umask_mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)  # not 0600
    except OSError as exc:
        raise _write_failed(dest, exc) from None
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for item in sorted(folder.iterdir()):
                if item.is_file() and not item.name.startswith("."):
                    archive.write(item, f"{voice_id}/{item.name}")
        os.replace(tmp, dest)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_failed(dest, exc) from None
        raise
    return dest


def _write_failed(dest: Path, exc: OSError) -> LibraryError:
    detail = exc.strerror or str(exc)
    return LibraryError(Message(f"cannot write {dest}: {exc}", "export_write_failed", path=str(dest),
                                detail=detail))

def check_zip_manifest(src: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Reads ``voice.json`` from the zip (nothing else) and refuses anything but a voice we open.

    Raises:
        LibraryError: ``"FILE is not a VoiceCraft voice (why)"``; only a well-formed manifest with a
            newer ``format_version`` says to update VoiceCraft.
    """

    if info.file_size > MANIFEST_MAX_BYTES:
        raise _refused(src, Message(f"{MANIFEST_NAME} is too large: {info.file_size / 2**20:.0f} MiB",
                                    "import_manifest_too_large"))
    try:
        raw = archive.read(info)
    except (zipfile.BadZipFile, EOFError, zlib.error, RuntimeError, NotImplementedError, OSError) as exc:
        detail = f"{MANIFEST_NAME}: {exc}"
        raise LibraryError(Message(f"{src}: not a readable zip file ({detail})", "import_bad_zip",
                                   path=str(src), detail=detail)) from None
    check_manifest_bytes(src, raw)


def check_manifest_bytes(src: Path, raw: bytes) -> None:
    """Refuses a ``voice.json`` (its bytes) that is not a voice this VoiceCraft opens; see
    :func:`check_zip_manifest`. ``src`` is the zip or folder the messages name."""
    import json

    from models.formats.artifact import SUPPORTED_VOICE_VERSIONS, VOICE_FORMAT, voice_version_problem

    def refuse(why: str, code: str) -> LibraryError:
        return _refused(src, Message(why, code))

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise refuse(f"{MANIFEST_NAME} is not JSON text", "import_manifest_damaged") from None
    if not isinstance(data, dict):
        raise refuse(f"{MANIFEST_NAME} is not a voice manifest", "import_manifest_damaged")
    version = data.get("format_version")
    newer = (data.get("format") == VOICE_FORMAT and type(version) is int
             and version > max(SUPPORTED_VOICE_VERSIONS))
    problem = voice_version_problem(data)
    if problem and newer:
        raise LibraryError(Message(f"{src}: {problem}", "import_voice_newer", path=str(src), version=version))
    if problem:
        raise refuse(f"{MANIFEST_NAME}: {problem}", "import_manifest_damaged")
    try:
        VoiceManifest.from_dict(data, MANIFEST_NAME)  # names, config (types, bounds), speaker vector
    except ArtifactError as exc:
        raise refuse(str(exc), "import_manifest_damaged") from None


def _refused(src: Path, why: Message) -> LibraryError:
    """``"SRC is not a VoiceCraft voice (why)"``, with ``why`` kept as the reason the app translates."""
    return LibraryError(Message(f"{src} is not a VoiceCraft voice ({why})", "import_refused", path=str(src),
                                reason=why))


def swap_folders(new: Path, target: Path) -> None:
    """Puts the folder ``new`` at ``target`` and the previous ``target`` at ``new`` (same file system).

    Atomic on Linux (``renameat2(RENAME_EXCHANGE)``); elsewhere, or where the file system lacks it,
    ``target`` is renamed aside, ``new`` renamed in (``target`` put back if that fails) and the
    previous version moved to ``new``.
    """
    if rename_exchange(new, target):
        return
    aside = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.previous")
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)
        raise
    os.replace(aside, new)


def rename_exchange(a: Path, b: Path) -> bool:
    """Swaps two paths atomically with Linux's ``renameat2``; False where that is not available."""
    import ctypes
    import errno
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False  # a C library without renameat2 (glibc < 2.28, some musl)
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # the file system cannot exchange: fall back to renames
    raise OSError(err, os.strerror(err), str(b))
