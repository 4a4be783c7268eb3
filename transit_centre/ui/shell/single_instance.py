"""One application window per user and database.

The first window takes a ``QLockFile`` in the user's data folder (one per database) and listens
on a local socket (``QLocalServer``: a named pipe on Windows, a socket file elsewhere, open to
this user only). A second start finds the lock taken, asks the running window to come to the
front and ends; if the running one does not answer, it says so. The lock goes with the process,
even after a crash (Qt sees that the process named in the lock file is gone).

Commands (``transit-centre backup``, ``print``, ``export``...) take no lock: they still run beside
the window.
"""
from __future__ import annotations

import getpass
import hashlib
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from transit_centre.i18n import _

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
ANSWER = b"ok\n"
ANSWER_TIMEOUT_MS = 3000


def instance_key(database_url: str | None = None) -> str:
    """A short name for the database this start would open (the URL given, the environment's,
    or this laptop's SQLite file), the same for every start of this user."""
    from transit_centre.localconfig import database_path

    target = database_url or os.environ.get("TRANSIT_CENTRE_DATABASE_URL") or str(database_path().resolve())
    if sys.platform == "win32":
        target = target.lower()  # C:\Users\Awa and c:\users\awa are one file
    return hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment: the home folder's name
        return Path.home().name


def bring_to_front() -> QWidget | None:
    """Show the window the user works in (a dialog in front of it, else the main window)."""
    app = QApplication.instance()
    if app is None:
        return None
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible() or w.isMinimized()]
    window = QApplication.activeModalWidget() or next(
        (w for w in visible if isinstance(w, QMainWindow)), None) or next(iter(visible), None)
    if window is None:
        return None
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def _allow_foreground(pid: int) -> None:  # pragma: no cover - Windows only
    """Windows lets only the foreground process (this new start) hand over the foreground."""
    if sys.platform == "win32" and pid > 0:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(pid)  # type: ignore[attr-defined]


class SingleInstance(QObject):
    """``claim()`` in the first start; ``activate_running()`` in a second one."""

    activated = Signal()

    def __init__(self, folder: Path, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        folder.mkdir(parents=True, exist_ok=True)
        self.lock_path = folder / f"instance-{key}.lock"
        self.lock = QLockFile(str(self.lock_path))
        self.lock.setStaleLockTime(0)  # a long session is not stale; a dead process is
        digest = hashlib.sha256(f"{_user()}|{key}".encode()).hexdigest()[:16]
        self.server_name = f"TransitCentre-{digest}"
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """True when this process is the only window for this database (it then listens)."""
        if not self.lock.tryLock(200):
            return False
        QLocalServer.removeServer(self.server_name)  # a socket file left by a crash
        server = QLocalServer(self)
        server.setObjectName("singleInstanceServer")
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._accept)
        if not server.listen(self.server_name):
            log.warning("single instance: cannot listen on %s: %s", self.server_name, server.errorString())
        self.server = server
        return True

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()

    def running_pid(self) -> int:
        info = self.lock.getLockInfo()  # PySide6: (pid, hostname, application name)
        try:
            return int(info[0])
        except (TypeError, ValueError, IndexError):
            return 0

    def activate_running(self, timeout_ms: int | None = None) -> bool:
        """Ask the window already open to come to the front; True when it answered."""
        timeout_ms = ANSWER_TIMEOUT_MS if timeout_ms is None else timeout_ms
        _allow_foreground(self.running_pid())
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(timeout_ms):
            return False
        try:
            socket.write(ACTIVATE)
            socket.flush()
            answer = b""
            while ANSWER not in answer and socket.waitForReadyRead(timeout_ms):
                answer += bytes(socket.readAll().data())
            return ANSWER in answer
        finally:
            socket.disconnectFromServer()

    def _accept(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()  # a child of the server, closed with it
            connection.readyRead.connect(lambda c=connection: self._read(c))

    def _read(self, connection: QLocalSocket) -> None:
        if ACTIVATE.strip() not in bytes(connection.readAll().data()):
            return
        connection.write(ANSWER)
        connection.flush()
        bring_to_front()
        self.activated.emit()


def claim_or_activate(database_url: str | None = None) -> SingleInstance | None:
    """At the start of the window: the held instance, or None when another window of this user
    has this database open (it was brought to the front, or the user was told)."""
    from transit_centre.paths import data_dir

    instance = SingleInstance(data_dir(), instance_key(database_url), QApplication.instance())
    if instance.claim():
        return instance
    if not instance.activate_running():
        log.warning("another window holds %s but did not answer", instance.lock_path)
        QMessageBox.information(None, _("Transit Centre"), _(
            "Transit Centre is already open on this computer with the same database, but it does not "
            "answer. Wait a moment, or close it (Task Manager if needed), then start it again."))
    return None
