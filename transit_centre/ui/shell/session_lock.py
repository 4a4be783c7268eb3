"""The inactivity lock: after some minutes without keyboard or mouse, cover the window and ask
for the signed-in user's password again.

An application-wide event filter notices activity in any window (main window or an open
dialog) and restarts a timer. When it fires, a modal lock dialog covers the main window;
nothing underneath is closed, so an open form keeps what was typed. Wrong passwords count
towards the account lockout like any sign-in (``authenticate``).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.MouseButtonDblClick,
}


class LockDialog(QDialog):
    """Cannot be closed or escaped: only the right password (or quitting) ends it."""

    unlocked = Signal()
    quit_requested = Signal()
    switch_requested = Signal()

    def __init__(self, db, actor: Actor, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint
                         | Qt.WindowType.WindowTitleHint | Qt.WindowType.WindowStaysOnTopHint)
        self.db, self.actor = db, actor
        self.setObjectName("sessionLockDialog")
        self.setWindowTitle(_("Transit Centre – locked"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Base))
        self.setPalette(palette)

        title = QLabel(_("The session is locked"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        who = QLabel(_("Signed in: {name} ({user}). Type your password to continue; your work is "
                       "kept as it was.").format(name=actor.full_name, user=actor.username))
        who.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Password"))
        self.password.returnPressed.connect(self.try_unlock)
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setStyleSheet(theme.style("error"))
        self.message.setWordWrap(True)
        unlock = QPushButton(_("Unlock"))
        unlock.setObjectName("unlockButton")
        unlock.setDefault(True)
        unlock.clicked.connect(self.try_unlock)
        quit_button = QPushButton(_("Quit Transit Centre"))
        quit_button.setObjectName("unlockQuit")
        quit_button.setAutoDefault(False)
        quit_button.clicked.connect(self.quit_requested.emit)
        switch = QPushButton(_("Switch user…"))
        switch.setObjectName("unlockSwitchUser")
        switch.setAutoDefault(False)
        switch.clicked.connect(self.switch_requested.emit)

        box = QWidget()
        box.setMaximumWidth(420)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(who)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(quit_button)
        buttons.addWidget(switch)
        buttons.addStretch(1)
        buttons.addWidget(unlock)
        inner.addLayout(buttons)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(box)
        column.addStretch(1)
        outer.addLayout(column)
        outer.addStretch(1)
        self.password.setFocus()

    def try_unlock(self) -> None:
        try:
            actor = authenticate(self.db, self.actor.username, self.password.text(), self.actor.current_centre_id)
        except DomainError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        if actor.user_id != self.actor.user_id:  # defensive: never unlock as someone else
            self.message.setText(_("Wrong user name or password."))
            return
        self.password.clear()
        self.accept()
        self.unlocked.emit()

    def reject(self) -> None:  # Escape must not unlock
        pass

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        if self.result() != QDialog.DialogCode.Accepted:
            event.ignore()


class SessionLock(QObject):
    """Watches activity in the whole application and locks ``window`` after inactivity."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, db, actor: Actor, minutes: float = 10,  # noqa: ANN001
                 *, interval_ms: int | None = None) -> None:
        super().__init__(window)
        self.window, self.db, self.actor = window, db, actor
        self.dialog: LockDialog | None = None
        self.timer = QTimer(self)
        self.timer.setObjectName("sessionLockTimer")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_timeout(minutes, interval_ms=interval_ms)
        QApplication.instance().installEventFilter(self)

    def set_timeout(self, minutes: float, *, interval_ms: int | None = None) -> None:
        """``minutes`` <= 0 turns the lock off."""
        ms = interval_ms if interval_ms is not None else int(float(minutes) * 60_000)
        self.enabled = ms > 0
        self.timer.stop()
        if self.enabled:
            self.timer.setInterval(ms)
            self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if self.enabled and self.dialog is None and event.type() in _ACTIVITY:
            self.timer.start()
        return False

    def lock(self, *, force: bool = False) -> None:
        """Cover the window; ``force`` locks even when the inactivity lock is turned off
        (the user leaves the laptop and locks it by hand)."""
        if self.dialog is not None or not (self.enabled or force):
            return
        self.timer.stop()
        dialog = LockDialog(self.db, self.actor, self.window)
        dialog.unlocked.connect(self._unlocked)
        dialog.quit_requested.connect(self._quit)
        dialog.switch_requested.connect(self._switch_user)
        geometry = self.window.frameGeometry() if self.window.isVisible() else None
        if geometry is not None and geometry.width() > 200:
            dialog.setGeometry(self.window.geometry())
        else:
            dialog.resize(640, 400)
        self.dialog = dialog
        dialog.open()
        dialog.raise_()
        dialog.activateWindow()
        self.locked.emit()

    def _unlocked(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        if self.enabled:
            self.timer.start()
        self.unlocked.emit()

    def _switch_user(self) -> None:
        """Someone else takes the laptop: the lock ends and the window signs out (its forms close)."""
        self.stop()
        sign_out = getattr(self.window, "sign_out", None)
        if sign_out is not None:
            sign_out()

    def stop(self) -> None:
        """No more locking for this window (it is signed out or closing)."""
        self.timer.stop()
        self.enabled = False
        QApplication.instance().removeEventFilter(self)
        if self.dialog is not None:
            self.dialog.unlocked.disconnect()
            self.dialog.done(0)
            self.dialog.deleteLater()
            self.dialog = None

    def _quit(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)
        QApplication.closeAllWindows()
        QApplication.quit()

