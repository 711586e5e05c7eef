"""Reusable widgets: level meter, pyqtgraph note-name axis and scrolling plots."""
