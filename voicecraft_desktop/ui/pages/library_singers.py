"""The Library page's base singers: the so-vits-svc-5.0 pretrain's 56 singers, listed once the pretrain
is present, previewed on a phrase (nothing saved) and added to My voices in a moment.

:meth:`BaseSingersMixin.preview_vector` is also how the timbre mixer (:mod:`.library_mixer`) plays a
blend. The words belong to the Library page (translation context ``LibraryPage``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from voicecraft_desktop.core.playback import PlaybackError
from voicecraft_desktop.core.voice_making import BaseSinger
from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.worker import Job

log = logging.getLogger(__name__)


class BaseSingersMixin:
    """Base singers for the Library page: listed, previewed, added (previews and adding are jobs).

    The page provides ``ctx``, ``library``, ``voice_config``, ``player``, ``previews`` (a
    :class:`voicecraft_desktop.core.voice_making.PreviewCache`), ``progress``, ``status_label``,
    ``job_done``, ``_start()``, ``selected()``, ``latest_take()`` and ``_made()``; the mixin keeps
    ``pretrain_present`` and ``last_preview`` (the last preview's result).
    """

    def _base_singers(self) -> list[BaseSinger]:
        """The pretrain's singers when the pretrain is there (never downloads; a broken located file
        only hides them)."""
        from voicecraft_desktop.core.voice_making import PRETRAIN_ASSET, base_singers, singer_store

        try:
            self.pretrain_present = self.ctx.asset_store().locate(PRETRAIN_ASSET) is not None
        except Exception as exc:  # noqa: BLE001 - a bad located file must not break the page
            log.warning("pretrain not usable: %s", exc)
            self.pretrain_present = False
        return base_singers(singer_store(self.ctx.assets_cache_dir())) if self.pretrain_present else []

    def _ask_singer_preview(self) -> None:
        item = self.selected()
        if not isinstance(item, BaseSinger):
            return
        phrase = self.latest_take()
        if phrase is None:
            path = file_dialogs.open_file(
                self,
                self.ctx.settings,
                QCoreApplication.translate(
                    "LibraryPage", "A phrase to hear the singer on (a few seconds of singing)"
                ),
                QCoreApplication.translate(
                    "LibraryPage", "Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)"
                ),
            )
            if not path:
                return
            phrase = Path(path)
        self.preview_singer(item, phrase)

    def preview_singer(self, singer: BaseSinger, phrase: Path) -> Job | None:
        """Converts the first seconds of ``phrase`` with ``singer`` (nothing saved) and plays it."""
        from voicecraft_desktop.core.voice_making import singer_store

        singers = singer_store(self.ctx.assets_cache_dir())
        return self.preview_vector(
            lambda cancel: singers_vector(singers, singer.number, cancel), phrase, singer.name
        )

    def preview_vector(self, vector_of: Any, phrase: Path, label: str) -> Job | None:
        """A preview job: ``phrase`` converted on the pretrain with the vector ``vector_of(cancel)`` gives,
        then played (:func:`voicecraft_desktop.core.voice_making.preview`; its converter is kept)."""
        from voicecraft_desktop.core.voice_making import preview

        store, device = self.ctx.asset_store(), self.ctx.device
        config, cache = self.voice_config, self.previews

        def task(cancel):  # type: ignore[no-untyped-def]
            return preview(store, vector_of, phrase, device=device, config=config, cache=cache, cancel=cancel)

        def done(result: Any) -> None:
            self.progress.setValue(1000)
            self.last_preview = result
            try:
                self.player.play(result.audio, result.sample_rate)
            except PlaybackError as exc:
                self.status_label.setText(
                    QCoreApplication.translate(
                        "LibraryPage", "{label} on “{name}” is ready, but cannot be played: {exc}"
                    ).format(label=label, name=phrase.name, exc=exc)
                )
            else:
                self.status_label.setText(
                    QCoreApplication.translate(
                        "LibraryPage", "Playing {label} on the first seconds of “{name}”."
                    ).format(label=label, name=phrase.name)
                )
            self.job_done.emit("result")

        return self._start(
            QCoreApplication.translate("LibraryPage", "Preview of {singer}").format(singer=label),
            task,
            done,
            gpu=device != "cpu",
        )

    def _ask_add_singer(self) -> None:
        item = self.selected()
        if isinstance(item, BaseSinger):
            self.add_singer(item)

    def add_singer(self, singer: BaseSinger) -> Job | None:
        """Adds base singer ``singer`` to My voices (a job: its vector may be downloaded first)."""
        from voicecraft_desktop.core.voice_making import make_base_singer, singer_store

        store, singers, library, config = (
            self.ctx.asset_store(),
            singer_store(self.ctx.assets_cache_dir()),
            self.library,
            self.voice_config,
        )

        def task(cancel):  # type: ignore[no-untyped-def]
            if False:  # pragma: no cover - a generator
                yield None
            return make_base_singer(library, store, singers, singer.number, config=config, cancel=cancel)

        return self._start(
            QCoreApplication.translate("LibraryPage", "Add {singer}").format(singer=singer.name),
            task,
            self._made(QCoreApplication.translate("LibraryPage", "a base singer of the pretrain")),
        )


def singers_vector(singers: Any, number: int, cancel: Any) -> Any:
    """Base singer ``number``'s vector (downloaded on first use), for previews."""
    from voicecraft_desktop.core.voice_making import singer_vector

    return singer_vector(singers, number, 256, cancel)
