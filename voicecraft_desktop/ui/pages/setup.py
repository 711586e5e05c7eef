"""Model files setup: what each task needs, one "Download what is needed", "Locate file…".

:class:`SetupView` lists, per task (:data:`models.formats.assets.TASKS`: converting, training,
fine-tuning from the pretrained base), whether it is ready, and every model file with the tasks that
need it, its size, licence and state. "Download what is needed" fetches the missing files of the
ticked tasks in one job (``AssetStore.download_all``: per-file and total progress, cancel, resume of
an interrupted file next time). "Locate file…" verifies the chosen file in a job
(``AssetStore.verify_file``: the published sha256, else format and shapes and the recorded digest)
and refuses it with the reason when it is not the named model. Without a network the view says so in
plain words and points at "Locate file…".

The status line always describes what is on screen now: "Downloading…" only while a download runs.

The view is the model section of the Settings page, and :func:`open_setup` shows it as a dialog (on
first start, and from the "Open setup" button of a missing-model error).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voicecraft_desktop.ui import file_dialogs
from voicecraft_desktop.ui.context import AppContext
from voicecraft_desktop.ui.error_text import (
    asset_description,
    asset_licence,
    asset_title,
    engine_text,
    error_text,
)
from voicecraft_desktop.ui.pages._common import keeping_error, read_only_table, show_error
from voicecraft_desktop.ui.worker import Job, JobRefused

log = logging.getLogger(__name__)

COLUMNS = [
    QT_TRANSLATE_NOOP("SetupView", "Model file"),
    QT_TRANSLATE_NOOP("SetupView", "Needed for"),
    QT_TRANSLATE_NOOP("SetupView", "Size"),
    QT_TRANSLATE_NOOP("SetupView", "Licence"),
    QT_TRANSLATE_NOOP("SetupView", "State"),
]
STATE_COLUMN = 4
STATE_TEXT = {
    "located": QT_TRANSLATE_NOOP("SetupView", "✔ your copy (verified)"),
    "cached": QT_TRANSLATE_NOOP("SetupView", "✔ downloaded"),
    "unverified": QT_TRANSLATE_NOOP("SetupView", "downloaded, checked on first use"),
    "missing": QT_TRANSLATE_NOOP("SetupView", "✖ missing"),
}
DOWNLOADING_TEXT = QT_TRANSLATE_NOOP("SetupView", "⬇ downloading…")
PARTIAL_TEXT = QT_TRANSLATE_NOOP(
    "SetupView", "✖ partly downloaded"
)  # a .part file: the next download resumes it
OFFLINE_TEXT = QT_TRANSLATE_NOOP(
    "SetupView",
    "No internet connection: download the files on another computer (select a file to see its "
    "address), then use “Locate file…”.",
)
# models.formats.assets.TASKS in the user's language: the task's label, and its word in "Needed for".
TASK_TEXT = {
    "convert": (
        QT_TRANSLATE_NOOP("SetupView", "Convert songs with a voice"),
        QT_TRANSLATE_NOOP("SetupView", "convert"),
    ),
    "train": (QT_TRANSLATE_NOOP("SetupView", "Train a new voice"), QT_TRANSLATE_NOOP("SetupView", "train")),
    "finetune": (
        QT_TRANSLATE_NOOP("SetupView", "Fine-tune from the pretrained base"),
        QT_TRANSLATE_NOOP("SetupView", "fine-tune"),
    ),
    "covers": (
        QT_TRANSLATE_NOOP("SetupView", "Convert songs with a backing track"),
        QT_TRANSLATE_NOOP("SetupView", "covers"),
    ),
}
SETUP_SHOWN_KEY = "setup/first_run_done"  # QSettings flag: the first-start setup was offered once


def format_bytes(n: float | None, about: bool = False) -> str:
    """``"3.1 GB"``-style size (powers of 1000, as the publishers state them); ``"—"`` when unknown."""
    if not n:
        return "—"
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            if unit == "bytes":
                unit = QCoreApplication.translate("SetupView", "bytes")
            text = f"{n:.0f} {unit}" if unit == "bytes" or n >= 100 else f"{n:.1f} {unit}"
            return (
                QCoreApplication.translate("SetupView", "about {size}").format(size=text) if about else text
            )
        n /= 1000
    return f"{n:.1f} GB"


def _size(asset: Any) -> int | None:
    return asset.size or asset.approx_size


def _total(store: Any, names: list[str]) -> str:
    """The files' total size; "about" unless every size is published."""
    total = sum(_size(store.asset(n)) or 0 for n in names)
    return format_bytes(total, about=any(store.asset(n).size is None for n in names))


class SetupView(QWidget):
    """The model files: per-task needs, download what is needed, locate a copy.

    Args:
        ctx: the app context (its asset store, settings and job runner).
        registry: the assets listed (default ``models.formats.assets.ASSETS``; tests pass their own).

    Signals:
        job_done(str): a download or a verification ended: ``"result"``, ``"failed"`` or ``"cancelled"``.
        changed: a file was downloaded, located or forgotten.
    """

    job_done = Signal(str)
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, registry: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupView")
        self.ctx = ctx
        self.registry = registry
        self.job: Job | None = None
        self.job_kind = ""  # "download" | "verify" while a job runs
        self.error_box: Any = None
        self.message = ""  # the outcome of the last action (failure, cancel, refusal, success)
        self.offline = False
        self._error: BaseException | None = None

        from models.formats.assets import TASKS

        self.intro = QLabel(
            self.tr(
                "VoiceCraft uses a few pretrained model files. They are downloaded once into the download "
                "folder and checked before use. Tick what you want to do:"
            )
        )
        self.intro.setWordWrap(True)
        self.task_checks: dict[str, QCheckBox] = {}
        self.task_labels: dict[str, QLabel] = {}
        for key, label in TASKS.items():
            check = QCheckBox(self.tr(TASK_TEXT[key][0]) if key in TASK_TEXT else label)
            check.setObjectName(f"task_{key}")
            check.setChecked(True)
            check.toggled.connect(lambda _on: self.refresh())
            self.task_checks[key] = check
            state = QLabel()
            state.setObjectName(f"taskState_{key}")
            self.task_labels[key] = state
        self.optional_check = QCheckBox(self.tr("Show optional files (other content encoders)"))
        self.optional_check.setObjectName("showOptional")
        self.optional_check.toggled.connect(lambda _on: self.refresh())
        # The licence column shows the licence's name ("MIT"); its full text is in the tooltip and below
        # (whole, it was squeezed into two clipped lines beside long titles).
        self.table = read_only_table([self.tr(c) for c in COLUMNS], "setupTable", stretch_column=3)
        self.table.setWordWrap(False)
        widest = max(
            self.table.fontMetrics().horizontalAdvance(text)
            for text in map(self.tr, [*STATE_TEXT.values(), DOWNLOADING_TEXT, PARTIAL_TEXT])
        )
        self.table.horizontalHeader().setSectionResizeMode(STATE_COLUMN, QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().resizeSection(STATE_COLUMN, widest + 24)  # no jump while downloading
        self.details = QLabel()
        self.details.setObjectName("setupDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = QPushButton(self.tr("Download what is needed"))
        self.download_button.setObjectName("downloadNeededButton")
        self.download_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelDownloadButton")
        self.locate_button = QPushButton(self.tr("Locate file…"))
        self.locate_button.setObjectName("locateButton")
        self.forget_button = QPushButton(self.tr("Use the downloaded copy"))
        self.forget_button.setObjectName("forgetButton")
        self.forget_button.setToolTip(
            self.tr("Forget the file you located; use the one in the download folder")
        )
        self.file_progress = QProgressBar()
        self.file_progress.setObjectName("fileProgress")
        self.total_progress = QProgressBar()
        self.total_progress.setObjectName("totalProgress")
        for bar in (self.file_progress, self.total_progress):
            bar.setRange(0, 1000)
            bar.setValue(0)
        self.file_label = QLabel(self.tr("This file"))
        self.total_label = QLabel(self.tr("All files"))
        self.status_label = QLabel()
        self.status_label.setObjectName("setupStatus")
        self.status_label.setWordWrap(True)

        self._build_layout()
        self.table.currentCellChanged.connect(lambda *_: self._update())
        self.download_button.clicked.connect(self.download_needed)
        self.cancel_button.clicked.connect(self.cancel)
        self.locate_button.clicked.connect(self._ask_locate)
        self.forget_button.clicked.connect(lambda: self.forget(self.selected_asset() or ""))
        self.refresh()

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        for key, check in self.task_checks.items():
            row = QHBoxLayout()
            row.addWidget(check)
            row.addWidget(self.task_labels[key], 1)
            layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.optional_check)
        layout.addWidget(self.details)
        buttons = QHBoxLayout()
        for w in (self.download_button, self.cancel_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        for w in (self.locate_button, self.forget_button):
            buttons.addWidget(w)
        layout.addLayout(buttons)
        for label, bar in ((self.file_label, self.file_progress), (self.total_label, self.total_progress)):
            row = QHBoxLayout()
            label.setMinimumWidth(70)
            row.addWidget(label)
            row.addWidget(bar, 1)
            layout.addLayout(row)
        layout.addWidget(self.status_label)

    # -- state ---------------------------------------------------------------------------------------

    def store(self) -> Any:
        return self.ctx.asset_store(self.registry)

    def chosen_tasks(self) -> list[str]:
        return [key for key, check in self.task_checks.items() if check.isChecked()]

    def needed_missing(self, tasks: list[str] | None = None) -> list[str]:
        """The assets the tasks (default: the ticked ones) need that are not here yet."""
        store = self.store()
        wanted = self.chosen_tasks() if tasks is None else tasks
        return [n for n in store.needed(wanted) if store.status(n)[0] == "missing"]

    def asset_state(self, name: str) -> str:
        return self.store().status(name)[0]

    def selected_asset(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def row_of(self, name: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == name:
                return row
        return -1

    def refresh(self) -> None:
        """Re-read every file's state; the task lines, the table and the status follow."""
        from models.formats.assets import TASKS

        store = self.store()
        selected = self.selected_asset()
        needed = [n for n in store.registry if store.asset(n).needed_for]
        names = needed + (
            [n for n in store.registry if n not in needed]  # needed first, optional after
            if self.optional_check.isChecked()
            else []
        )
        self.table.setRowCount(0)
        for row, name in enumerate(names):
            asset = store.asset(name)
            state, path = store.status(name)
            self.table.insertRow(row)
            title = QTableWidgetItem(asset_title(name, asset))
            title.setData(Qt.ItemDataRole.UserRole, name)
            title.setToolTip(
                self.tr("{description}\n({name})").format(
                    description=asset_description(name, asset), name=name
                )
            )
            tasks = self.tr(", ").join(
                self.tr(TASK_TEXT[t][1]) if t in TASK_TEXT else TASKS[t].split(" ")[0].lower()
                for t in asset.needed_for
            ) or self.tr("optional")
            need = QTableWidgetItem(tasks[:1].upper() + tasks[1:])
            size = QTableWidgetItem(format_bytes(_size(asset), about=asset.size is None))
            text = self.tr(STATE_TEXT[state])
            if state == "missing" and path is not None and path.with_name(path.name + ".part").is_file():
                text = self.tr(PARTIAL_TEXT)
            status = QTableWidgetItem(text)
            status.setData(Qt.ItemDataRole.UserRole, state)
            status.setToolTip(str(path) if path else "")
            licence_text = asset_licence(name, asset)
            licence = QTableWidgetItem(licence_text.split(" (")[0])
            licence.setToolTip(licence_text)
            for col, item in enumerate((title, need, size, licence, status)):
                self.table.setItem(row, col, item)
            if name == selected:
                self.table.selectRow(row)
        if self.table.currentRow() < 0 and self.table.rowCount():
            self.table.selectRow(0)
        for key, label in self.task_labels.items():
            missing = [n for n in store.needed([key]) if store.status(n)[0] == "missing"]
            if not missing:
                label.setText(self.tr("✔ ready"))
            else:
                # English needs its singular without an English .qm; other languages use %n's forms.
                text = (
                    self.tr("needs 1 file ({size})")
                    if len(missing) == 1
                    else self.tr("needs %n files ({size})", "", len(missing))
                )
                label.setText(text.format(size=_total(store, missing)))
        self._update()

    def status_text(self) -> str:
        """What the status line says now: the running job, else the last outcome, else a summary."""
        if self.job is not None:
            return self.status_label.text()
        if self.message:
            return self.message
        missing = self.needed_missing()
        if not self.chosen_tasks():
            return self.tr("Tick a task to see the files it needs.")
        if not missing:
            return self.tr("✔ Everything the ticked tasks need is here.")
        text = (
            self.tr(
                "1 file to download ({size}). Press “Download what is needed”, or locate copies you have."
            )
            if len(missing) == 1
            else self.tr(
                "%n files to download ({size}). Press “Download what is needed”, or locate copies you have.",
                "",
                len(missing),
            )
        )
        return text.format(size=_total(self.store(), missing))

    def _update(self) -> None:
        busy = self.job is not None
        missing = self.needed_missing()
        store = self.store()
        self.download_button.setEnabled(not busy and any(store.asset(n).url for n in missing))
        self.cancel_button.setEnabled(busy)
        name = self.selected_asset()
        self.locate_button.setEnabled(not busy and name is not None)
        self.forget_button.setEnabled(not busy and name is not None and name in store.overrides)
        if not busy:
            self.status_label.setText(self.status_text())
        if name is None:
            self.details.setText("")
            return
        asset = store.asset(name)
        state, path = store.status(name)
        digest, source = store.trusted_sha256(name)
        lines = [
            self.tr("<b>{title}</b> ({name}): {description}.").format(
                title=asset_title(name, asset), name=name, description=asset_description(name, asset)
            )
        ]
        if asset.url:
            lines.append(self.tr("Address: {url}").format(url=asset.url))
        else:
            lines.append(
                self.tr("It cannot be downloaded automatically: get it as described, then “Locate file…”.")
            )
        lines.append(self.tr("Licence: {licence}").format(licence=asset_licence(name, asset)))
        source = engine_text(source)
        lines.append(
            f"SHA-256: {digest} ({source})" if digest else self.tr("SHA-256: {why}.").format(why=source)
        )
        if path is not None and state != "missing":
            lines.append(self.tr("Location: {path}").format(path=path))
        self.details.setText("<br>".join(lines))

    # -- download ------------------------------------------------------------------------------------

    def download_needed(self) -> Job | None:
        """Downloads the missing files the ticked tasks need, in one job."""
        store = self.store()
        names = [n for n in self.needed_missing() if store.asset(n).url]
        if not names or self.job is not None:
            return None
        return self._start(
            "download",
            self.tr("Download %n model file(s)", "", len(names)),
            keeping_error(lambda cancel: store.download_all(names, cancel), self._keep_error),
            self._on_downloaded,
        )

    def _start(self, kind: str, title: str, task: Any, on_result: Any) -> Job | None:
        try:
            job = self.ctx.runner.start(title, task)
        except JobRefused as error:
            self.error_box = show_error(self, title, error_text(error))
            return None
        self.job, self.job_kind, self.message, self.offline = job, kind, "", False
        for bar in (self.file_progress, self.total_progress):
            bar.setRange(0, 1000)
            bar.setValue(0)
        self.status_label.setText(
            self.tr("Downloading…") if kind == "download" else self.tr("Checking the file…")
        )
        job.progress.connect(self._on_progress)
        job.result.connect(on_result)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.finished.connect(self._on_finished)
        self._update()
        return job

    def _on_progress(self, p: Any) -> None:
        store = self.store()
        f = p.file
        title = store.asset(f.name).title
        if f.fraction is None:
            self.file_progress.setRange(0, 0)
        else:
            self.file_progress.setRange(0, 1000)
            self.file_progress.setValue(int(f.fraction * 1000))
        if p.fraction is not None:  # a size learnt from the server may grow the total: never go back
            self.total_progress.setValue(max(self.total_progress.value(), int(p.fraction * 1000)))
        of = self.tr(" of {size}").format(size=format_bytes(f.total_bytes)) if f.total_bytes else ""
        row = self.row_of(f.name)
        if row >= 0:
            self.table.item(row, STATE_COLUMN).setText(
                self.tr(DOWNLOADING_TEXT)
            )  # until refresh() at the end
        self.file_label.setText(self.tr("File {number} of {count}").format(number=p.index + 1, count=p.count))
        self.status_label.setText(
            self.tr("Downloading {title}: {done}{of} — all files: {all_done} of {all_total}").format(
                title=title,
                done=format_bytes(f.done_bytes),
                of=of,
                all_done=format_bytes(p.done_bytes),
                all_total=format_bytes(p.total_bytes, about=True),
            )
        )

    def _on_downloaded(self, paths: dict[str, Path]) -> None:
        self.file_progress.setRange(0, 1000)
        self.file_progress.setValue(1000)
        self.total_progress.setValue(1000)
        self.message = self.tr("✔ Downloaded and verified %n file(s).", "", len(paths))
        self.ctx.events.status.emit(self.message)
        self.changed.emit()
        self.job_done.emit("result")

    def _keep_error(self, error: BaseException) -> None:
        self._error = error  # set in the worker thread before ``failed`` is emitted

    def _on_failed(self, message: str, details: str) -> None:
        error, self._error = self._error, None
        self.offline = bool(getattr(error, "offline", False))
        first = error_text(error, message.splitlines()[0]) if message else self.tr("failed")
        if self.job_kind == "verify":
            self.message = self.tr("✖ Refused: {reason}").format(reason=first)
            self.error_box = show_error(self, self.tr("Not the expected model file"), first, message)
        elif self.offline:
            self.message = self.tr(OFFLINE_TEXT)
            self.error_box = show_error(self, self.tr("No internet connection"), self.message, message)
        else:
            self.message = self.tr("✖ Download failed: {reason}").format(reason=first) + (
                self.tr(" Press “Download what is needed” to resume.") if "resume" in message else ""
            )
            self.error_box = show_error(
                self, self.tr("Download failed"), self.message, message + "\n\n" + details
            )
        self.job_done.emit("failed")

    def _on_cancelled(self) -> None:
        self.message = (
            self.tr("Download cancelled. What was downloaded is kept: it resumes next time.")
            if self.job_kind == "download"
            else self.tr("Check cancelled.")
        )
        self.job_done.emit("cancelled")

    def _on_finished(self) -> None:
        self.job, self.job_kind = None, ""
        self.file_label.setText(self.tr("This file"))
        if self.file_progress.maximum() == 0:
            self.file_progress.setRange(0, 1000)
        self.refresh()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status_label.setText(self.tr("Cancelling…"))
            self.cancel_button.setEnabled(False)

    # -- locate / forget ------------------------------------------------------------------------------

    def _ask_locate(self) -> None:
        name = self.selected_asset()
        if name is None:
            return
        asset = self.store().asset(name)
        if asset.folder:
            path = file_dialogs.existing_dir(
                self,
                self.ctx.settings,
                self.tr("Folder of {title} (with config.json)").format(title=asset.title),
            )
        else:
            pattern = f"{asset.filename} (*{Path(asset.filename).suffix});;" + self.tr("All files (*)")
            path = file_dialogs.open_file(
                self, self.ctx.settings, self.tr("Locate {filename}").format(filename=asset.filename), pattern
            )
        if path:
            self.locate(name, Path(path))

    def locate(self, name: str, path: Path) -> Job | None:
        """Verifies ``path`` as asset ``name`` in a job; it is used only when it passes."""
        if self.job is not None:
            return None
        store = self.store()

        def task(cancel):  # type: ignore[no-untyped-def]
            if False:  # pragma: no cover - a generator task
                yield None
            return store.verify_file(name, path)

        return self._start(
            "verify",
            self.tr("Check {file}").format(file=path.name),
            keeping_error(task, self._keep_error),
            lambda digest: self._on_verified(name, path, digest),
        )

    def _on_verified(self, name: str, path: Path, digest: str) -> None:
        overrides = self.ctx.asset_overrides()
        overrides[name] = str(path)
        self.ctx.settings.set("assets/overrides", overrides)
        title = self.store().asset(name).title
        sha = f" (sha256 {digest[:16]}…)" if digest else ""
        self.message = self.tr("✔ {file} is {title}{sha}: it is used now.").format(
            file=path.name, title=title, sha=sha
        )
        self.changed.emit()
        self.job_done.emit("result")

    def forget(self, name: str) -> None:
        """Forgets the located file of ``name`` (the download folder's copy is used again)."""
        overrides = self.ctx.asset_overrides()
        if overrides.pop(name, None) is not None:
            self.ctx.settings.set("assets/overrides", overrides)
            self.message = ""
            self.changed.emit()
        self.refresh()

    def shutdown(self) -> None:
        self.cancel()


class SetupDialog(QDialog):
    """The :class:`SetupView` in a window of its own (first start, "Open setup")."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, registry: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupDialog")
        self.setWindowTitle(self.tr("Model files setup"))
        self.view = SetupView(ctx, self, registry)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(1120, 620)  # every column (the licence too) at full width in a 1280-wide screen

    def reject(self) -> None:
        """Closing the window cancels a running download (what came is kept for a resume)."""
        self.view.cancel()
        super().reject()


def open_setup(ctx: AppContext, parent: QWidget | None = None, registry: Any = None) -> SetupDialog:
    """Shows the setup in a non-blocking window-modal dialog and returns it."""
    dialog = SetupDialog(ctx, parent, registry)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def first_run_wanted(ctx: AppContext, registry: Any = None) -> bool:
    """True once: the setup was never offered and a file some task needs is missing."""
    done = ctx.settings.value(SETUP_SHOWN_KEY, False)
    if str(done).lower() in ("true", "1"):
        return False
    store = ctx.asset_store(registry)
    return any(store.status(n)[0] == "missing" for n in store.needed())


def offer_first_run_setup(
    ctx: AppContext, parent: QWidget | None = None, registry: Any = None
) -> SetupDialog | None:
    """Opens the setup on the first start when files are missing (and records that it was offered)."""
    if not first_run_wanted(ctx, registry):
        return None
    ctx.settings.set_value(SETUP_SHOWN_KEY, True)
    return open_setup(ctx, parent, registry)
