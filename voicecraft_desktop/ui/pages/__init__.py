"""The main window's pages, one module each, imported by name when first shown (``MainWindow.page``)."""
