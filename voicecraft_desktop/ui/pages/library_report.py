"""The Library page's preparation report: which clips of a folder were kept, which were not and why.

:class:`PreparationReport` draws a ``models.features.preprocess`` report (``clips``, ``rejected``,
``warnings``, ``notes``, totals) as a one-paragraph summary above a tree: "Kept" (file, length,
where in which source) and "Not used" (where, length, the reason). It renders; it prepares nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from voicecraft_desktop.ui.error_text import engine_text
from voicecraft_desktop.ui.pages._common import format_duration

PLACEHOLDER = QT_TRANSLATE_NOOP(
    "PreparationReport", "Run “New voice from folder…” to see which clips are kept and which are not."
)
EXPAND_KEPT_UP_TO = 30  # a longer list of kept clips starts folded


class PreparationReport(QWidget):
    """A summary label (``summary``) above the report tree (``tree``); ``last`` is the report shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last: Any = None
        self.pending = False  # "Preparing …" is shown (see show_pending)
        self.tree = QTreeWidget()
        self.tree.setObjectName("reportTree")
        self.tree.setHeaderLabels([self.tr("Clip / file"), self.tr("Length"), self.tr("Reason / source")])
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel(self.tr(PLACEHOLDER))
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_pending(self, text: str) -> None:
        """Empties the tree and says ``text`` (what is being prepared) until :meth:`show_report` or
        :meth:`end_pending`."""
        self.pending = True
        self.tree.clear()
        self.summary.setText(text)

    def end_pending(self) -> None:
        """The job that :meth:`show_pending` announced ended without a report (failed, cancelled): shows
        the report from before it again, or the empty view's words."""
        if not self.pending:
            return
        self.pending = False
        if self.last is not None:
            self.show_report(self.last)
        else:
            self.tree.clear()
            self.summary.setText(self.tr(PLACEHOLDER))

    def show_report(self, report: Any) -> None:
        """Fills the view: kept clips, what was not used and why, warnings and notes."""
        self.last = report
        self.pending = False
        self.tree.clear()
        kept = QTreeWidgetItem(
            [self.tr("Kept: %n clips", "", len(report.clips)), format_duration(report.total_s), ""]
        )
        for clip in report.clips:
            kept.addChild(
                QTreeWidgetItem(
                    [
                        Path(clip.file).name,
                        self.tr("{seconds:.1f} s").format(seconds=clip.duration_s),
                        self.tr("{source} at {seconds:.1f} s").format(
                            source=clip.source, seconds=clip.offset_s
                        ),
                    ]
                )
            )
        rejected = QTreeWidgetItem([self.tr("Not used: {count}").format(count=len(report.rejected)), "", ""])
        for r in report.rejected:
            length = (
                self.tr("{seconds:.1f} s").format(seconds=r.duration_s) if r.duration_s is not None else ""
            )
            where = (
                self.tr("{source} at {seconds:.1f} s").format(source=r.source, seconds=r.offset_s)
                if r.offset_s is not None
                else r.source
            )
            reason = engine_text(r.reason)
            child = QTreeWidgetItem([where, length, reason])
            child.setToolTip(2, reason)
            rejected.addChild(child)
        self.tree.addTopLevelItem(kept)
        self.tree.addTopLevelItem(rejected)
        rejected.setExpanded(True)
        kept.setExpanded(len(report.clips) <= EXPAND_KEPT_UP_TO)
        lines = [
            self.tr(
                "%n clips, {minutes:.1f} min of audio from {used} of {seen} files.", "", len(report.clips)
            ).format(minutes=report.total_s / 60, used=report.files_used, seen=report.files_seen)
        ]
        lines += [f"⚠ {engine_text(w)}" for w in report.warnings]
        lines += [f"• {engine_text(n)}" for n in report.notes]
        self.summary.setText("\n".join(lines))
