"""The main window. For now a placeholder that says which pages are coming."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

PLANNED_PAGES = ("Library", "Record", "Train", "Convert")


class MainWindow(QMainWindow):
    """Top-level window of VoiceCraft Desktop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("VoiceCraft Desktop")
        self.resize(960, 640)
        placeholder = QLabel(
            "VoiceCraft Desktop is being built.\n\n"
            f"Coming pages: {', '.join(PLANNED_PAGES)}.\n"
            "The command line ('voicecraft info') already works.",
            self,
        )
        placeholder.setObjectName("placeholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setWordWrap(True)
        self.setCentralWidget(placeholder)
