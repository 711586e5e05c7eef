"""Qt widgets: the main window and (later) one module per page. Widgets render and forward; the
logic they call lives in ``voicecraft_desktop.core``."""
