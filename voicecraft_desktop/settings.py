"""User preferences in QSettings: typed keys with defaults, a settings version and migrations.

Every key the app reads is declared once in :data:`DEFAULTS`; the default's type is the key's type
(Picard's typed options). Values come back converted to that type, so an ini file edited by hand,
or a value QSettings hands back as a string, never leaks a wrong type into the app. Keys not in
:data:`DEFAULTS` still work through :meth:`Settings.value` / :meth:`Settings.set_value`.

``meta/version`` records :data:`SETTINGS_VERSION`. :meth:`Settings.migrate` runs the steps of
:data:`MIGRATIONS` (``from_version -> function(QSettings)``) in order; a file written by a newer
app is left untouched and read as far as it can be. A store without a version (a fresh one) is
version 0 and is stamped with the current version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
VERSION_KEY = "meta/version"

DEFAULTS: dict[str, Any] = {
    "compute/device": "cpu",  # "cpu" or "cuda:N"
    "compute/threads": 0,  # torch intra-op threads; 0 = torch's own choice
    "compute/speed": "exact",  # conversion path: "exact" or "fast" (models.convert.fast)
    "assets/cache_dir": "",  # "" = paths.models_cache_dir(), shared with the CLI
    "assets/overrides": {},  # asset name -> local file ("Locate file...")
    "record/input_device": "",  # device name as sounddevice reports it; "" = system default
    "record/sample_rate": 48000,
    "record/pitch_method": "dio",
    "window/geometry": b"",
    "window/state": b"",
    "window/page": 0,
    "ui/language": "",  # "" = the system's; "en" or "zh_CN" (voicecraft_desktop.i18n.LANGUAGES)
}


# from-version -> step to from-version + 1. Version 1 is the first; a step lands here whenever a
# key is renamed or its meaning changes (tests inject their own table).
MIGRATIONS: dict[int, Callable[[QSettings], None]] = {}


class Settings:
    """Typed access to one QSettings store.

    Args:
        qsettings: the store; default ``QSettings()`` (organisation and application names set
            by ``app.main``). Tests pass ``QSettings(path, QSettings.Format.IniFormat)``.
        defaults: key -> default value (its type is the key's type).
        migrations: from-version -> step, for :meth:`migrate`.
        version: the version this app writes.
    """

    def __init__(
        self,
        qsettings: QSettings | None = None,
        defaults: Mapping[str, Any] | None = None,
        migrations: Mapping[int, Callable[[QSettings], None]] | None = None,
        version: int = SETTINGS_VERSION,
    ) -> None:
        self.qsettings = qsettings if qsettings is not None else QSettings()
        self.defaults = dict(DEFAULTS if defaults is None else defaults)
        self.migrations = dict(MIGRATIONS if migrations is None else migrations)
        self.version = version

    def stored_version(self) -> int:
        raw = self.qsettings.value(VERSION_KEY, 0)
        try:
            return int(raw)
        except (TypeError, ValueError):
            return 0

    def migrate(self) -> int:
        """Bring the store up to :attr:`version`; returns the version found before."""
        found = self.stored_version()
        if found > self.version:
            log.warning("settings were written by a newer VoiceCraft (version %d > %d); not migrating",
                        found, self.version)
            return found
        for step in range(found, self.version):
            migration = self.migrations.get(step)
            if migration is not None:
                log.info("migrating settings from version %d to %d", step, step + 1)
                migration(self.qsettings)
        if found != self.version:
            self.qsettings.setValue(VERSION_KEY, self.version)
            self.qsettings.sync()
        return found

    def get(self, key: str) -> Any:
        """The value of a declared key, converted to its default's type (the default if unreadable)."""
        default = self.defaults[key]
        if not self.qsettings.contains(key):
            return _copy(default)
        return _convert(self.qsettings.value(key), default, key)

    def set(self, key: str, value: Any) -> None:
        """Store a declared key (type-checked against its default)."""
        default = self.defaults[key]
        if isinstance(default, dict):
            self.qsettings.setValue(key, json.dumps(dict(value), sort_keys=True))
        elif isinstance(default, bytes):
            self.qsettings.setValue(key, QByteArray(bytes(value)))
        else:
            if not isinstance(value, type(default)) or (isinstance(value, bool) != isinstance(default, bool)):
                raise TypeError(f"setting {key} takes {type(default).__name__}, not {type(value).__name__}")
            self.qsettings.setValue(key, value)

    def value(self, key: str, default: Any = None) -> Any:
        """Untyped access for keys a page keeps to itself."""
        if key in self.defaults:
            return self.get(key)
        return self.qsettings.value(key, default)

    def set_value(self, key: str, value: Any) -> None:
        if key in self.defaults:
            self.set(key, value)
        else:
            self.qsettings.setValue(key, value)

    def reset(self, key: str) -> None:
        self.qsettings.remove(key)

    def sync(self) -> None:
        self.qsettings.sync()


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def _convert(raw: Any, default: Any, key: str) -> Any:
    try:
        if isinstance(default, bool):
            if isinstance(raw, str):
                return raw.strip().lower() in ("1", "true", "yes", "on")
            return bool(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, str):
            return "" if raw is None else str(raw)
        if isinstance(default, bytes):
            if isinstance(raw, QByteArray):
                return bytes(raw.data())
            return bytes(raw) if raw is not None else b""
        if isinstance(default, dict):
            value = json.loads(raw) if isinstance(raw, str) else raw
            if not isinstance(value, dict):
                raise ValueError("not a mapping")
            return {str(k): str(v) for k, v in value.items()}
    except (TypeError, ValueError) as error:
        log.warning("setting %s has an unreadable value %r (%s); using the default", key, raw, error)
        return _copy(default)
    return raw
