"""The voice library: the voices under ``paths.voices_dir()``, listed, resolved, renamed, imported, exported.

Qt-free; used by the ``voicecraft voices`` / ``voicecraft convert --voice NAME`` commands and by the
GUI's Library page. The library is a directory scan of ``*/voice.json`` (one folder per voice, named
by a UUID; the display name lives only in the manifest), with no second database to drift.

API (stable; the GUI builds on it)::

    lib = VoiceLibrary()                      # or VoiceLibrary(root) — default paths.voices_dir()
    lib.entries() -> list[VoiceEntry]         # every voice folder, broken ones with .problem set
    lib.resolve("Alice") -> VoiceEntry        # by display name (case-insensitive), id, folder name or path
    lib.load("Alice", device) -> models.formats.artifact.Voice
    lib.rename("Alice", "Alice (belt)") -> VoiceEntry
    lib.delete("Alice")
    lib.add_voice(manifest, weights) -> VoiceEntry   # a voice made here (base singer, mix, merge, instant)
    lib.import_voice(path, name=None, speaker_npy=None) -> VoiceEntry
        # path: one of our voice folders, a .zip of one, or a so-vits-svc-5.0 .pth/.pt (+ singer .npy)
    lib.replace_voice("Alice", folder, name=None) -> VoiceEntry   # a new version, same id and folder
    lib.export_zip("Alice", "alice.zip") -> Path

Every write is atomic: a new voice is assembled in a hidden temporary folder inside the library and
renamed into place; a rename rewrites ``voice.json`` through a temporary file; a delete first renames
the folder out of sight; an export writes a temporary zip and renames it. Errors are
:class:`LibraryError` with a message naming the voice or file and the problem. Folders whose manifest
is corrupt, or written by a newer VoiceCraft, are listed with ``available=False`` and the reason,
never crash the scan. The file work behind imports, updates and exports (staging, manifest checks,
zips, the folder swap) is :mod:`voicecraft_desktop.core.library_io`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.errors import Message
from models.formats.artifact import MANIFEST_NAME, ArtifactError, VoiceManifest, atomic_write_bytes
from voicecraft_desktop.core.library_io import (
    LibraryError,
    stage_folder,
    stage_reference,
    stage_zip,
    swap_folders,
    write_zip,
)
from voicecraft_desktop.core.names import slug

ZIP_SUFFIXES = (".zip",)
REFERENCE_SUFFIXES = (".pth", ".pt")


@dataclass(frozen=True)
class VoiceEntry:
    """One folder of the library, as read from its manifest (the weights are not opened).

    Attributes:
        folder: the voice folder.
        id: the voice's id (manifest), or the folder name for a broken entry.
        name: display name ("" for a broken entry).
        created_at: ISO-8601 UTC time of creation.
        source: "voicecraft" or "so-vits-svc-5.0 import".
        preset: the model preset ("sovits5", "tiny", ...).
        minutes_of_data: training data in minutes (``training.dataset_seconds``), None if unknown.
        steps: training steps of the exported checkpoint (``training.steps``), None if unknown.
        trained_steps: how far its run had trained at export (``training.trained_steps``; the best
            checkpoint may be earlier), None if unknown.
        extractors: {"ppg": name, "vec": name, "pitch": name} the voice was trained with.
        available: the manifest is readable and supported.
        problem: why the voice is unavailable (None when available).
        recipe: how a voice made without training was made (``training.recipe``: a base singer, a
            timbre mix's ingredients, a merge's two voices, an instant voice's recordings); {} otherwise.
    """

    folder: Path
    id: str
    name: str
    created_at: str = ""
    source: str = ""
    preset: str = ""
    minutes_of_data: float | None = None
    steps: int | None = None
    trained_steps: int | None = None
    extractors: dict[str, str] = field(default_factory=dict)
    available: bool = True
    problem: str | None = None
    recipe: dict[str, Any] = field(default_factory=dict)

    @property
    def untrained(self) -> bool:
        """Made without training (base singer, timbre mix, model merge, instant voice)."""
        from models.formats.voice_mix import MADE_WITHOUT_TRAINING

        return self.source in MADE_WITHOUT_TRAINING

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict (``folder`` as a string)."""
        return {
            "folder": str(self.folder),
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "source": self.source,
            "preset": self.preset,
            "minutes_of_data": self.minutes_of_data,
            "steps": self.steps,
            "trained_steps": self.trained_steps,
            "extractors": dict(self.extractors),
            "available": self.available,
            "problem": self.problem,
            "recipe": dict(self.recipe),
        }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def entry_from_manifest(folder: Path, manifest: VoiceManifest) -> VoiceEntry:
    """The library's view of one manifest."""
    training = manifest.training or {}
    seconds = _number(training.get("dataset_seconds"))
    steps = _number(training.get("steps"))
    trained = _number(training.get("trained_steps"))
    content = manifest.config.content
    extractors = {"ppg": content.ppg_encoder, "vec": content.vec_encoder, "pitch": manifest.pitch_extractor}
    for role in ("ppg", "vec"):  # what the dataset was actually encoded with, when recorded
        recorded = (manifest.content_encoders.get(role) or {}).get("name")
        if isinstance(recorded, str) and recorded:
            extractors[role] = recorded
    return VoiceEntry(
        folder=folder,
        id=manifest.id,
        name=manifest.name,
        created_at=manifest.created_at,
        source=manifest.source,
        preset=manifest.config.preset,
        minutes_of_data=None if seconds is None else seconds / 60.0,
        steps=None if steps is None else int(steps),
        trained_steps=None if trained is None else int(trained),
        extractors=extractors,
        recipe=dict(training.get("recipe") or {}) if isinstance(training.get("recipe"), dict) else {},
    )


def _read_entry(folder: Path) -> VoiceEntry:
    from models.formats.artifact import read_manifest

    try:
        return entry_from_manifest(folder, read_manifest(folder))
    except ArtifactError as exc:
        return VoiceEntry(folder=folder, id=folder.name, name="", available=False, problem=str(exc))


class VoiceLibrary:
    """The voices in one folder (default: ``paths.voices_dir()``, read on every call).

    Args:
        root: the library folder; ``None`` follows ``VOICECRAFT_HOME`` / platformdirs.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self._root = Path(root) if root is not None else None

    @property
    def root(self) -> Path:
        """The library folder (may not exist yet)."""
        if self._root is not None:
            return self._root
        from voicecraft_desktop.core import paths

        return paths.voices_dir()

    # ------------------------------------------------------------------ reading

    def entries(self) -> list[VoiceEntry]:
        """Every voice folder, sorted by name (broken ones last, with ``problem`` set)."""
        root = self.root
        if not root.is_dir():
            return []
        found = [
            _read_entry(p)
            for p in root.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST_NAME).exists()
        ]
        return sorted(found, key=lambda e: (not e.available, e.name.casefold(), e.created_at))

    def resolve(self, voice: str | os.PathLike[str] | VoiceEntry) -> VoiceEntry:
        """Finds one voice by display name (case-insensitive), id, folder name, or a folder path.

        Raises:
            LibraryError: no such voice, several voices share the name, or the voice is unavailable.
        """
        if isinstance(voice, VoiceEntry):
            entry = _read_entry(voice.folder)
        else:
            entry = self._find(voice)
        if not entry.available:
            name = entry.name or entry.folder.name
            raise LibraryError(Message(f"voice {entry.folder.name}: {entry.problem}", "voice_damaged",
                                       voice=name))
        return entry

    def _find(self, voice: str | os.PathLike[str]) -> VoiceEntry:
        text = os.fspath(voice)
        path = Path(text)
        if (path / MANIFEST_NAME).is_file() and (path.is_absolute() or os.sep in text or "/" in text):
            return _read_entry(path.absolute())
        entries = self.entries()
        by_name = [e for e in entries if e.available and e.name.casefold() == text.casefold()]
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            raise LibraryError(
                f"several voices are named {text!r} ({', '.join(e.id for e in by_name)}); use the id instead"
            )
        by_id = [e for e in entries if text in (e.id, e.folder.name)]
        if by_id:
            return by_id[0]
        names = ", ".join(repr(e.name) for e in entries if e.available) or "none"
        raise LibraryError(f"no voice named {text!r} in {self.root} (voices: {names})")

    def load(self, voice: str | os.PathLike[str] | VoiceEntry, device: Any = "cpu") -> Any:
        """Loads a voice strictly (manifest, weights hash, keys, shapes): a
        ``models.formats.artifact.Voice``."""
        from models.formats.artifact import load_voice

        entry = self.resolve(voice)
        try:
            return load_voice(entry.folder, device)
        except ArtifactError as exc:
            message = Message(f"voice {entry.name!r}: {exc}", "voice_damaged", voice=entry.name)
            raise LibraryError(message) from None

    def _check_new_name(self, name: str, exclude: Path | None = None) -> str:
        name = name.strip()
        if not name:
            raise LibraryError(Message("a voice name cannot be empty", "voice_name_empty"))
        if any(ch in name for ch in "\n\r\t\0"):
            raise LibraryError(
                Message(f"voice name {name!r} contains control characters", "voice_name_control")
            )
        for e in self.entries():
            if e.available and e.name.casefold() == name.casefold() and e.folder != exclude:
                taken = LibraryError(f"a voice named {e.name!r} already exists; choose another name")
                taken.code, taken.params = "name_taken", {"name": e.name}  # the app's words for it
                raise taken
        return name

    # ------------------------------------------------------------------ writing

    def rename(self, voice: str | os.PathLike[str] | VoiceEntry, new_name: str) -> VoiceEntry:
        """Changes a voice's display name (the folder is untouched); atomic rewrite of voice.json."""
        import json

        from models.formats.artifact import read_manifest

        entry = self.resolve(voice)
        new_name = self._check_new_name(new_name, exclude=entry.folder)
        try:
            manifest = read_manifest(entry.folder)
            manifest.name = new_name
            atomic_write_bytes(
                entry.folder / MANIFEST_NAME, json.dumps(manifest.to_dict(), indent=2).encode("utf-8")
            )
        except (ArtifactError, OSError) as exc:
            raise LibraryError(Message(f"cannot rename voice {entry.name!r}: {exc}", "voice_rename_failed",
                                       voice=entry.name, detail=_why(exc))) from None
        return _read_entry(entry.folder)

    def delete(self, voice: str | os.PathLike[str] | VoiceEntry) -> None:
        """Removes a voice: its folder is renamed out of sight first (atomic), then erased."""
        if isinstance(voice, VoiceEntry):
            entry = voice
        else:
            entry = self._find(voice)  # broken voices may be deleted too
        folder = entry.folder
        if folder.parent.resolve() != self.root.resolve():
            raise LibraryError(f"{folder} is not inside the library {self.root}; not deleting it")
        trash = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.deleted")
        try:
            os.replace(folder, trash)
        except OSError as exc:
            name = entry.name or folder.name
            raise LibraryError(Message(f"cannot delete voice {name!r}: {exc}", "voice_delete_failed",
                                       voice=name, detail=_why(exc))) from None
        shutil.rmtree(trash, ignore_errors=True)

    def _staging(self) -> Path:
        root = self.root
        try:
            root.mkdir(parents=True, exist_ok=True)
            return Path(tempfile.mkdtemp(prefix=".import.", suffix=".tmp", dir=root))
        except OSError as exc:
            raise LibraryError(Message(f"cannot write to the voice library {root}: {exc}",
                                       "library_unwritable", path=str(root), detail=_why(exc))) from None

    def _install(self, staged: Path, name: str | None) -> VoiceEntry:
        """Validates a staged voice folder fully, sets its name, and renames it into the library."""
        import json

        from models.formats.artifact import load_voice, read_manifest

        try:
            load_voice(staged)  # strict: manifest, checksum, keys and shapes
            manifest = read_manifest(staged)
        except ArtifactError as exc:
            message = Message(str(exc).replace(str(staged), "<import>"), "import_voice_damaged")
            raise LibraryError(message) from None
        if any(e.id == manifest.id for e in self.entries()):
            existing = next(e for e in self.entries() if e.id == manifest.id)
            raise LibraryError(Message(f"this voice is already in the library as {existing.name!r}",
                                       "import_duplicate", voice=existing.name))
        new_name = self._check_new_name(name if name is not None else manifest.name)
        if new_name != manifest.name:
            manifest.name = new_name
            atomic_write_bytes(
                staged / MANIFEST_NAME, json.dumps(manifest.to_dict(), indent=2).encode("utf-8")
            )
        final = self.root / uuid.uuid4().hex
        os.replace(staged, final)
        return _read_entry(final)

    def import_voice(
        self,
        path: str | os.PathLike[str],
        name: str | None = None,
        speaker_npy: str | os.PathLike[str] | None = None,
    ) -> VoiceEntry:
        """Adds a voice to the library.

        Args:
            path: one of our voice folders, a ``.zip`` of one (``voice.json`` at the top or in a single
                top-level folder), or a so-vits-svc-5.0 ``.pth``/``.pt`` exported voice or checkpoint.
            name: display name (default: the manifest's name, or the file's stem for a ``.pth``).
            speaker_npy: the singer ``.npy`` a so-vits-svc-5.0 file needs.

        Returns:
            The new entry.

        Raises:
            LibraryError: unreadable, invalid, duplicate, or the library is not writable; nothing
                is left behind in the library.
        """
        src = Path(path)
        if not src.exists():
            raise LibraryError(Message(f"{src}: not found", "import_not_found", path=str(src)))
        staged = self._staging()
        try:
            if src.is_dir():
                stage_folder(src, staged)
            elif src.suffix.lower() in ZIP_SUFFIXES:
                stage_zip(src, staged)
            elif src.suffix.lower() in REFERENCE_SUFFIXES:
                name = stage_reference(src, staged, name, speaker_npy)
            else:
                raise LibraryError(Message(
                    f"{src}: not a voice (expected a voice folder, a .zip of one, or a "
                    f"so-vits-svc-5.0 .pth with its singer .npy)", "import_not_voice_kind", path=str(src),
                ))
            return self._install(staged, name)
        except LibraryError:
            raise
        except OSError as exc:
            raise LibraryError(Message(f"cannot import {src}: {exc}", "import_failed", path=str(src),
                                       detail=exc.strerror or str(exc))) from None
        finally:
            if staged.exists():
                shutil.rmtree(staged, ignore_errors=True)

    def add_voice(self, manifest: VoiceManifest, weights: Any) -> VoiceEntry:
        """Adds a voice made here (a base singer, a mix, a merge, an instant voice) to the library.

        The name is checked first; the voice is written in a hidden staging folder by
        :func:`models.formats.artifact.save_voice`, validated fully and renamed into place.

        Raises:
            LibraryError: an empty or taken name, weights that do not fit, or an unwritable library.
        """
        from models.formats.artifact import save_voice

        manifest.name = self._check_new_name(manifest.name)
        staged = self._staging()
        try:
            staged.rmdir()  # save_voice builds the folder itself (atomically)
            try:
                save_voice(staged, manifest, weights)
            except ArtifactError as exc:
                raise LibraryError(str(exc).replace(str(staged), "<new voice>")) from None
            return self._install(staged, None)
        except OSError as exc:
            raise LibraryError(Message(f"cannot add voice {manifest.name!r}: {exc}", "voice_save_failed",
                                       voice=manifest.name, detail=_why(exc))) from None
        finally:
            if staged.exists():
                shutil.rmtree(staged, ignore_errors=True)

    def replace_voice(
        self,
        voice: str | os.PathLike[str] | VoiceEntry,
        source: str | os.PathLike[str],
        name: str | None = None,
    ) -> VoiceEntry:
        """Replaces a voice by a new version of it (a voice folder: e.g. the same voice trained further).

        The voice keeps its id, its folder and, unless ``name`` is given, its name. The new version is
        staged inside the library and fully validated (manifest, checksum, keys, shapes) while the
        previous one is untouched; then the two are swapped: on Linux in one atomic exchange of the
        folders (no moment without a voice, never a half-written one), elsewhere by two renames (the
        previous version is put back if the second fails). Whatever fails, the previous version stays.

        Args:
            voice: the voice to update (name, id, folder or entry).
            source: the new version's voice folder (it is copied, not moved).
            name: a new display name (default: keep the voice's).

        Returns:
            The updated entry (same id and folder).

        Raises:
            LibraryError: no such voice, an invalid new version, a name clash, or the library is not
                writable; the previous version is then unchanged and nothing is left behind.
        """
        import json

        from models.formats.artifact import load_voice, read_manifest

        entry = self.resolve(voice)
        if entry.folder.parent.resolve() != self.root.resolve():
            raise LibraryError(f"{entry.folder} is not inside the library {self.root}; not replacing it")
        src = Path(source)
        staged = self._staging()
        try:
            stage_folder(src, staged)
            try:
                load_voice(staged)  # strict: manifest, checksum, keys and shapes
                manifest = read_manifest(staged)
            except ArtifactError as exc:
                raise LibraryError(str(exc).replace(str(staged), "<new version>")) from None
            manifest.id = entry.id
            manifest.name = entry.name if name is None else self._check_new_name(name, exclude=entry.folder)
            if entry.created_at:
                manifest.training = {**manifest.training, "updated_at": manifest.created_at}
                manifest.created_at = entry.created_at
            atomic_write_bytes(
                staged / MANIFEST_NAME, json.dumps(manifest.to_dict(), indent=2).encode("utf-8")
            )
            swap_folders(staged, entry.folder)  # ``staged`` now holds the previous version
        except OSError as exc:
            raise LibraryError(Message(f"cannot update voice {entry.name!r}: {exc}", "voice_update_failed",
                                       voice=entry.name, detail=_why(exc))) from None
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        return _read_entry(entry.folder)

    def export_zip(self, voice: str | os.PathLike[str] | VoiceEntry, dest: str | os.PathLike[str]) -> Path:
        """Writes the voice folder as a zip (``<id>/voice.json``, ``<id>/generator.safetensors``, ...);
        ``dest`` may be a folder (the zip is then named by the voice's :func:`slug`).

        The zip is written to a temporary sibling of ``dest`` and renamed, so ``dest`` is either the
        complete archive or untouched.
        """
        entry = self.resolve(voice)
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / f"{slug(entry.name, keep_case=True)}.zip"
        return write_zip(entry.folder, entry.id, dest)


def _why(exc: BaseException) -> str:
    """The reason of a failed file operation, without the paths the sentence names itself."""
    return str(getattr(exc, "strerror", None) or exc)
