"""The window as the user left it, per user: dialogs' sizes, splitters, the window's geometry."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from transit_centre.ui.common import memory

pytestmark = pytest.mark.usefixtures("qsettings_isolated")


def _dialog(qtbot) -> QDialog:  # noqa: ANN001
    dialog = QDialog()
    dialog.setObjectName("probeDialog")
    QVBoxLayout(dialog).addWidget(QLabel("Gao"))
    qtbot.addWidget(dialog)
    return dialog


def test_a_named_dialog_reopens_at_the_size_the_user_gave_it(qtbot, qapp):
    from transit_centre.ui.common.dialog_help import install_dialog_help

    install_dialog_help(qapp)  # the application's one event filter (make_application installs it)
    memory.set_user("awa")
    try:
        first = _dialog(qtbot)
        first.show()
        qtbot.waitExposed(first)
        qtbot.wait(20)
        first.resize(611, 433)
        first.hide()
        second = _dialog(qtbot)
        second.show()
        qtbot.waitUntil(lambda: second.size().width() == 611)
        assert (second.width(), second.height()) == (611, 433)
        memory.set_user("issa")  # another user: the dialog's own size
        third = _dialog(qtbot)
        third.show()
        qtbot.wait(50)
        assert third.width() != 611
    finally:
        memory.set_user("")


def test_the_returns_list_starts_as_wide_as_its_columns_then_stays_where_the_user_puts_it(qtbot, db, make_actor,
                                                                                         centres):
    from tests.support.avrr import add_resident, open_international
    from tests.support.qt import wait_loaded
    from transit_centre.security.permissions import Role
    from transit_centre.ui.common.context import UiContext
    from transit_centre.ui.shell.main_window import MainWindow

    actor = make_actor(Role.MANAGER)
    open_international(db, actor, add_resident(db, centres["GAO"], "Aminata", "Konaté-Diarrassouba"))

    def open_page():  # noqa: ANN202
        window = MainWindow(UiContext(db=db, actor=actor, centre_code="GAO", centre_name="Gao"))
        qtbot.addWidget(window)
        window.showNormal()
        window.resize(1366, 768)
        page = window.show_page("returns")
        wait_loaded(qtbot, page.model)
        qtbot.wait(20)
        return page

    page = open_page()
    total = sum(page.splitter.sizes())
    wanted = min(page.table.needed_width(), total - page.detail.minimumSizeHint().width())
    assert abs(page.splitter.sizes()[0] - wanted) <= 2
    page.splitter.moveSplitter(500, 1)  # the user drags the handle
    page.splitter.splitterMoved.emit(500, 1)
    kept = page.splitter.sizes()[0]
    again = open_page()
    assert again.splitter.sizes()[0] == kept
