"""A real HTTP server on 127.0.0.1 for download tests (asset store, setup view, Settings page).

:func:`serving` runs a ``BaseHTTPRequestHandler`` class in a thread and yields the base URL;
:class:`SlowFileHandler` serves the byte strings of its ``files`` mapping in 64 KiB chunks (from the
offset of a ``Range: bytes=N-`` request), with an optional pause between chunks (``delay_s``) so a
test can cancel midway.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

CHUNK = 64 * 1024


@contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serves ``handler`` on a free port; yields ``http://127.0.0.1:PORT``; stops on exit."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def file_server(handler: type[SlowFileHandler]) -> Iterator[str]:
    """Body of a pytest fixture: ``handler`` served at full speed (``delay_s`` reset); yields the URL."""
    handler.delay_s = 0.0
    handler.ranges = []
    with serving(handler) as url:
        yield url


class SlowFileHandler(http.server.BaseHTTPRequestHandler):
    """GET of a path in ``files``: 200 with Content-Length, the body in 64 KiB chunks; else 404.
    Subclass it with a ``files`` dict of your own."""

    files: dict[str, bytes] = {}
    delay_s = 0.0  # pause between chunks
    ranges: list[str | None] = []  # the Range header of every GET (None without one)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        asked = self.headers.get("Range")
        type(self).ranges.append(asked)
        start = int(asked.removeprefix("bytes=").split("-")[0]) if asked else 0
        if start:  # "bytes=N-": the rest, as GitHub's and Azure's servers answer
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            body = body[start:]
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(0, len(body), CHUNK):
                self.wfile.write(body[i : i + CHUNK])
                if self.delay_s:
                    time.sleep(self.delay_s)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass
