"""The print preview dialog (offscreen): renders the PDF pages, re-renders in the other
language, saves, prints to a PDF printer, and bulk printing runs in the background."""
from __future__ import annotations

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from transit_centre.enums import Role
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.print_preview import PrintPreviewDialog, print_badges_of_centre, print_document


@pytest.fixture
def ctx(db, make_actor, centres):
    return UiContext(db=db, actor=make_actor(Role.MANAGER, centre="GAO"), centre_code="GAO", centre_name="Gao")


def test_preview_shows_pages_switches_language_saves_and_prints(qtbot, qsettings_isolated, ctx, tmp_path):
    opened = []
    print_document(None, ctx, "occupancy", "GAO", language="fr", on_open=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    dialog = opened[0]
    assert isinstance(dialog, PrintPreviewDialog)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "printPreview"
    assert dialog.page_count() == 1
    assert dialog.document.filename.endswith("-fr.pdf")
    dialog.grab().save(str(tmp_path / "preview.png"))

    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert not dialog.print_button.isEnabled()  # while the English one is rendered
    qtbot.waitUntil(lambda: dialog.document.filename.endswith("-en.pdf"), timeout=20000)
    assert dialog.print_button.isEnabled()
    assert dialog.page_count() == 1

    saved = dialog.save_pdf(str(tmp_path / "sheet"))
    assert saved == tmp_path / "sheet.pdf" and saved.read_bytes() == dialog.document.pdf

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(72)
    assert dialog.print_to(printer) == 1
    assert (tmp_path / "printed.pdf").stat().st_size > 1000


def test_refused_print_shows_the_message_and_opens_nothing(qtbot, qsettings_isolated, db, make_actor, monkeypatch):
    shown = []
    monkeypatch.setattr("transit_centre.ui.common.print_preview.show_error", lambda parent, exc: shown.append(str(exc)))
    ctx = UiContext(db=db, actor=make_actor(Role.MHPSS, centre="GAO"), centre_code="GAO")
    opened = []
    print_document(None, ctx, "occupancy", "GAO", on_open=opened.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert shown[0] and not opened


def test_bulk_badges_run_in_the_background(qtbot, qsettings_isolated, ctx):
    opened = []
    print_badges_of_centre(None, ctx, language="en", on_open=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    dialog = opened[0]
    qtbot.addWidget(dialog)
    assert dialog.page_count() == 1 and dialog.document.kind == "badge"
    QApplication.processEvents()


def test_print_button_lists_only_allowed_documents(qtbot, qsettings_isolated, db, make_actor, centres):
    from PySide6.QtWidgets import QWidget

    from transit_centre.ui.common.print_preview import choose_and_print, print_button

    parent = QWidget()
    qtbot.addWidget(parent)
    cash = UiContext(db=db, actor=make_actor(Role.CASH_OFFICER, centre="GAO"), centre_code="GAO")
    choices = [("Occupancy", "occupancy", "GAO"), ("Receipt", "receipt", None), ("Manifest", "manifest", "X")]
    button = print_button(parent, cash, lambda: choices)
    button.menu().aboutToShow.emit()
    # cash officers read returns but not the shelter; a receipt needs a selection first
    assert [a.text() for a in button.menu().actions()] == ["Manifest"]
    empty = print_button(parent, cash, lambda: [("Receipt", "receipt", None)])
    empty.menu().aboutToShow.emit()
    assert [a.isEnabled() for a in empty.menu().actions()] == [False]

    manager = UiContext(db=db, actor=make_actor(Role.MANAGER, centre="GAO"), centre_code="GAO")
    opened = []
    import transit_centre.ui.common.print_preview as pp

    original = pp.print_document
    pp.print_document = lambda *a, **k: opened.append((a[2], a[3], k.get("day"))) or original(*a, **k)
    try:
        choose_and_print(parent, manager, [("Occupancy", "occupancy", "GAO")])
    finally:
        pp.print_document = original
    assert opened == [("occupancy", "GAO", None)]
    qtbot.waitUntil(lambda: bool(parent.findChildren(PrintPreviewDialog)), timeout=20000)
    for dialog in parent.findChildren(PrintPreviewDialog):
        assert dialog.page_count() == 1
        dialog.close()
