"""TensorBoard for a training run, on 127.0.0.1 at a free port, opened in the browser.

Two ways to serve, one interface (:class:`TensorBoardServer`):

- From a Python install: a child process, ``python -m tensorboard.main`` (a ``QProcess``), that
  ends with the app (:meth:`TensorBoardServer.shutdown`). The browser opens once its output names
  the URL; if it exits before that, its output is the error's details.
- From a frozen app, which has no interpreter for ``-m`` (``sys.executable`` is the app itself):
  TensorBoard serves from this process, in its own daemon threads, until the app exits. Importing
  and starting it takes seconds, so a job of the runner does it off the GUI thread.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QProcess, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from voicecraft_desktop.ui.pages._common import call_task
from voicecraft_desktop.ui.worker import JobRefused


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TensorBoardServer(QObject):
    """One TensorBoard server at a time, started on demand and reopened in the browser after.

    Signals:
        running(): the server was started (a child process), or serves (in-process).
        serving(str): the URL answers; the browser was asked to open it.
        failed(str, str): it did not start: a one-line message and details (its output or a traceback).

    Attributes:
        process: the child process while one was started (None in a frozen app or after shutdown).
        url: the address, once known.
    """

    running = Signal()
    serving = Signal(str)
    failed = Signal(str, str)

    def __init__(self, runner: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.process: QProcess | None = None
        self.url: str | None = None
        self._in_process_running = False

    def open(self, logdir: Path) -> bool:
        """Serves ``logdir`` (or reopens the running server's page); False when it cannot start."""
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            if self.url:
                QDesktopServices.openUrl(QUrl(self.url))
            return True
        port = free_port()
        if getattr(sys, "frozen", False):
            return self._open_in_process(logdir, port)
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.setProgram(sys.executable)
        server = ["--logdir", os.fspath(logdir), "--host", "127.0.0.1", "--port", str(port)]
        process.setArguments(["-m", "tensorboard.main", *server])
        self.url = f"http://127.0.0.1:{port}/"
        buffer: list[str] = []
        opened: list[bool] = []

        def output() -> None:
            text = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
            buffer.append(text)
            if self.url and self.url.rstrip("/") in "".join(buffer) and not opened:
                opened.append(True)
                QDesktopServices.openUrl(QUrl(self.url))
                self.serving.emit(self.url)

        def ended(code: int, _status: Any) -> None:
            if not opened:
                self.failed.emit(f"TensorBoard exited with code {code}.", "".join(buffer)[-4000:])

        process.readyReadStandardOutput.connect(output)
        process.finished.connect(ended)
        process.start()
        self.process = process
        self.running.emit()
        return True

    def _open_in_process(self, logdir: Path, port: int) -> bool:
        if self.url and self._in_process_running:
            QDesktopServices.openUrl(QUrl(self.url))
            return True

        def launch() -> str:
            from tensorboard import program

            board = program.TensorBoard()
            # --load_fast=false: events are read in Python, so no data-server subprocess outlives the app
            argv = [None, "--logdir", os.fspath(logdir), "--host", "127.0.0.1", "--port", str(port)]
            board.configure(argv=[*argv, "--load_fast", "false"])
            return str(board.launch())

        try:
            name = QCoreApplication.translate("TensorBoard", "Start TensorBoard")
            job = self.runner.start(name, call_task(launch))
        except JobRefused as exc:
            self.failed.emit(str(exc), "")
            return False

        def started(url: str) -> None:
            self._in_process_running = True
            self.url = url
            self.running.emit()
            QDesktopServices.openUrl(QUrl(url))
            self.serving.emit(url)

        job.result.connect(started)
        job.failed.connect(self.failed.emit)
        return True

    def shutdown(self) -> bool:
        """Ends the child process (politely, then by force); True when there was one."""
        if self.process is None:
            return False
        self.process.finished.disconnect()
        self.process.terminate()
        if not self.process.waitForFinished(3000):
            self.process.kill()
            self.process.waitForFinished(3000)
        self.process = None
        return True
