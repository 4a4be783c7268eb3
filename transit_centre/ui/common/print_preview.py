"""Print preview: the PDF a service rendered, shown page by page (Qt PDF), then printed through
the system print dialog or saved. The language (FR/EN) can be changed; the document is then
rendered again. Screens call ``print_document(parent, ctx, kind, record_id)``. Every rendering
runs off the GUI thread (``ui.common.operations``): one document with the busy cursor, bulk
prints (all badges of the centre, all receipts of a day) with a progress dialog.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import memory
from transit_centre import documents
from transit_centre.documents import PrintedDocument
from transit_centre.errors import NeedsConfirmation
from transit_centre.i18n import _, current_language, ngettext
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.errors import confirm, show_error
from transit_centre.ui.common.print_raster import place_page
from transit_centre.ui.common.operations import run_op

log = logging.getLogger(__name__)

try:  # Qt PDF is a separate wheel (PySide6-Pdf); without it the dialog still saves and prints.
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - depends on the installation
    QPdfDocument = QPdfView = None  # type: ignore[assignment,misc]

Renderer = Callable[[str], PrintedDocument]


class PrintPreviewDialog(QDialog):
    """Shows one rendered document; Print…, Save PDF…, and FR/EN re-rendering."""

    def __init__(self, render: Renderer, parent: QWidget | None = None, *, language: str | None = None,
                 document: PrintedDocument | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printPreview")
        self.setWindowTitle(_("Print preview"))
        self._render = render
        self.document: PrintedDocument | None = None
        self._buffer: QBuffer | None = None
        self._pdf = QPdfDocument(self) if QPdfDocument is not None else None

        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Language of the document:")))
        self.language = QComboBox()
        self.language.setObjectName("printLanguage")
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(language or current_language())))
        self.language.currentIndexChanged.connect(self._language_changed)
        bar.addWidget(self.language)
        bar.addStretch(1)
        self.pages_label = QLabel()
        self.pages_label.setObjectName("printPages")
        bar.addWidget(self.pages_label)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printButton")
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button = QPushButton(_("Save PDF…"))
        self.save_button.setObjectName("savePdfButton")
        self.save_button.clicked.connect(self.save_pdf)
        close = QPushButton(_("Close"))
        close.setObjectName("closePreview")
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button, close):
            bar.addWidget(button)
        layout.addLayout(bar)

        if QPdfView is not None:
            self.view = QPdfView(self)
            self.view.setObjectName("pdfView")
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.view.setDocument(self._pdf)
            layout.addWidget(self.view, 1)
        else:
            self.view = QLabel(_("The preview is not available on this computer; you can still save or print the PDF."))
            self.view.setObjectName("pdfView")
            self.view.setWordWrap(True)
            layout.addWidget(self.view, 1)

        self.resize(820, 700)  # the size the user gave it last time comes back on show (ui.common.memory)
        if document is not None:
            self.show_document(document)
        else:
            self.rerender()

    # -- content --------------------------------------------------------------------------
    @property
    def current_language(self) -> str:
        return str(self.language.currentData())

    def rerender(self) -> None:
        """Render again in the chosen language, in the background; the buttons wait for it."""
        language = self.current_language
        self._set_busy(True)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            show_error(self, exc)

        self.rendering = run_op(self, lambda: self._render(language), self._rendered, failed=failed)

    def _rendered(self, document: PrintedDocument) -> None:
        self._set_busy(False)
        self.show_document(document)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.language, self.print_button, self.save_button):
            widget.setEnabled(not busy)

    def _language_changed(self) -> None:
        self.rerender()

    def show_document(self, document: PrintedDocument) -> None:
        self.document = document
        self.setWindowTitle(_("Print preview – {title}").format(title=document.title))
        if self._pdf is None:
            self.pages_label.setText("")
            return
        self._pdf.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(document.pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        pages = self._pdf.pageCount()
        self.pages_label.setText(ngettext("{n} page", "{n} pages", pages).format(n=pages))

    def page_count(self) -> int:
        return self._pdf.pageCount() if self._pdf is not None else 0

    # -- actions --------------------------------------------------------------------------
    def save_pdf(self, path: str | None = None) -> Path | None:
        if self.document is None:
            return None
        if not path:
            settings = memory
            folder = str(settings.value("printPreview/folder", str(Path.home())))
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Save PDF"), str(Path(folder) / self.document.filename), _("PDF files (*.pdf)"))
            if not path:
                return None
            settings.set_value("printPreview/folder", str(Path(path).parent))
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        try:
            target.write_bytes(self.document.pdf)
        except OSError as exc:
            from transit_centre.errors import DomainError

            show_error(self, DomainError(_("Cannot write {path}: {reason}").format(
                path=target, reason=exc.strerror or exc)))
            return None
        return target

    def print_pdf(self) -> None:
        if self.document is None or self._pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.document.title)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(1, self.page_count()))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Paint every page (or the chosen range) on ``printer``; returns the pages printed."""
        assert self._pdf is not None
        first, last = 1, self.page_count()
        if printer.fromPage() > 0:
            first, last = printer.fromPage(), min(printer.toPage() or last, last)
        painter = QPainter()
        if not painter.begin(printer):
            show_error(self, RuntimeError("printer could not start"))
            return 0
        printed = 0
        try:
            for number in range(first, last + 1):
                if printed:
                    printer.newPage()
                # At most 300 dpi, drawn scaled: 35 MB an A4 page, not 557 MB at 1200 dpi.
                place = place_page(self._pdf.pagePointSize(number - 1),
                                   printer.pageLayout().paintRectPixels(printer.resolution()),
                                   printer.resolution())
                image: QImage = self._pdf.render(number - 1, place.image)
                painter.drawImage(place.target, image)
                del image  # one page image alive at a time
                printed += 1
        finally:
            painter.end()
        return printed


# --- what the screens call -------------------------------------------------------------------------

def print_document(parent: QWidget | None, ctx: UiContext, kind: str, record_id: Any,
                   language: str | None = None, day: dt.date | None = None,
                   on_open: Callable[[PrintPreviewDialog], None] | None = None) -> Any:
    """Render the document in the background, then open the preview (non-blocking). A refusal
    is shown as its message and opens nothing; a question (a card for someone who left, an
    out-of-date letter…) is asked, and the document rendered again once confirmed. Returns the
    running task.

    ``day`` is the night of the occupancy sheet or of the badges of a centre (default today).
    """
    lang = language or current_language()
    state: dict[str, Any] = {"confirmed": False, "reprint": None}  # reprint: decided by the first render

    def render(other: str) -> PrintedDocument:
        return documents.render_document(ctx.db, ctx.actor, kind, record_id, other, day,
                                         confirmed=state["confirmed"], reprint=state["reprint"])

    def opened(first: PrintedDocument) -> None:
        state["reprint"] = first.reprint  # another language is the same print
        dialog = PrintPreviewDialog(render, parent, language=lang, document=first)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if on_open is not None:
            on_open(dialog)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, NeedsConfirmation) and not state["confirmed"]:
            if confirm(parent, _("Print"), str(exc), "printConfirmation"):
                state["confirmed"] = True
                run_op(parent, lambda: render(lang), opened, failed=failed)
            return
        show_error(parent, exc)

    return run_op(parent, lambda: render(lang), opened, failed=failed)


def print_in_background(parent: QWidget | None, render: Callable[[str, Callable[[int, int], bool]], PrintedDocument],
                        title: str, language: str | None = None,
                        on_open: Callable[[PrintPreviewDialog], None] | None = None) -> Any:
    """Bulk printing: render off the GUI thread with a progress dialog, then open the preview."""
    lang = language or current_language()

    def done(document: PrintedDocument) -> None:
        dialog = PrintPreviewDialog(lambda other: render(other, lambda d, t: True), parent,
                                    language=lang, document=document)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if on_open is not None:
            on_open(dialog)

    tasks: list[Any] = []

    def failed(exc: BaseException) -> None:
        if tasks and tasks[0].runnable.cancelled:
            return  # the user pressed Cancel: nothing to report
        show_error(parent, exc)

    tasks.append(run_op(parent, lambda report: render(lang, report), done, failed=failed, progress=title))
    return tasks[0]


def print_badges_of_centre(parent: QWidget | None, ctx: UiContext, **kwargs: Any) -> Any:
    """Cards of everyone present in the current centre tonight."""
    code = ctx.centre_code

    def render(lang: str, report: Callable[[int, int], bool]) -> PrintedDocument:
        report(0, 1)
        return documents.render_document(ctx.db, ctx.actor, "badge", code, lang)

    return print_in_background(parent, render, _("Preparing the resident cards…"), **kwargs)


def print_receipts_of_day(parent: QWidget | None, ctx: UiContext, day: dt.date | None = None, **kwargs: Any) -> Any:
    """Every receipt the current centre issued on ``day`` (default today), one per page."""
    day = day or dt.date.today()
    centre_id = ctx.centre_id

    def render(lang: str, report: Callable[[int, int], bool]) -> PrintedDocument:
        return documents.render_receipts_of_day(ctx.db, ctx.actor, centre_id, day, lang, report)

    return print_in_background(parent, render, _("Preparing the receipts…"), **kwargs)


# --- print buttons for the screens ------------------------------------------------------------------

Choice = tuple[Any, ...]  # (menu text, document kind, record id[, night])


def print_choices(ctx: UiContext, choices: list[Choice]) -> list[Choice]:
    """Only the documents this user may print."""
    return [c for c in choices if c[2] is not None and documents.can_print(ctx.actor, c[1])]


def choose_and_print(parent: QWidget | None, ctx: UiContext, choices: list[Choice]) -> None:
    """Ctrl+P on a page: print the only document at once, or offer the list in a menu."""
    from PySide6.QtGui import QCursor
    from PySide6.QtWidgets import QMenu

    allowed = print_choices(ctx, choices)
    if not allowed:
        return
    if len(allowed) == 1:
        print_document(parent, ctx, *allowed[0][1:3], day=_night(allowed[0]))
        return
    menu = QMenu(parent)
    menu.setObjectName("printMenu")
    for choice in allowed:
        menu.addAction(choice[0]).triggered.connect(
            lambda _checked=False, c=choice: print_document(parent, ctx, c[1], c[2], day=_night(c)))
    menu.popup(QCursor.pos())


def _night(choice: Choice) -> dt.date | None:
    return choice[3] if len(choice) > 3 else None


def print_button(parent: QWidget, ctx: UiContext, choices: Callable[[], list[Choice]],
                 object_name: str = "printDocumentButton") -> QPushButton:
    """A "Print…" button whose menu lists the documents of the current selection."""
    from PySide6.QtWidgets import QMenu

    button = QPushButton(_("Print…"), parent)
    button.setObjectName(object_name)
    button.setVisible(ctx.can(Permission.PRINT))
    menu = QMenu(button)
    menu.setObjectName(object_name + "Menu")

    def fill() -> None:
        menu.clear()
        allowed = print_choices(ctx, choices())
        for choice in allowed:
            menu.addAction(choice[0]).triggered.connect(
                lambda _checked=False, c=choice: print_document(parent, ctx, c[1], c[2], day=_night(c)))
        if not allowed:
            menu.addAction(_("Select a record first")).setEnabled(False)

    menu.aboutToShow.connect(fill)
    button.setMenu(menu)
    return button
