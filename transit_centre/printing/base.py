"""The shared page template of every printed document, its fonts, styles and building blocks.

A4 pages with DejaVu fonts embedded (full French accents, the same look on every machine), a
header (organisation name, optional logo, centre, date), a footer with the document reference
and "Page 1 of 3". Templates get already formatted values (``printing.data``) and never read
the database; only their fixed labels are translated here, in the language asked for, without
touching the application's active language (a print may run on a worker thread).
"""
from __future__ import annotations

import gettext
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as _RLTable

from transit_centre.i18n import DOMAIN, LANGUAGES, N_, locale_dir
from transit_centre.paths import resources_dir
from transit_centre.printing.data import Letterhead

log = logging.getLogger(__name__)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MARGIN = 15 * mm
HEADER_HEIGHT = 24 * mm
FOOTER_HEIGHT = 12 * mm
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#e8eef5")
LINE = colors.HexColor("#888888")
BLUE = colors.HexColor("#0b3d91")
RED = colors.HexColor("#b00020")


# --- fonts ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register DejaVu Sans regular and bold once per process; reportlab embeds the used glyphs.

    The documents use no italics (user text is escaped, never markup), so the oblique faces are
    not loaded: each face costs about 35 ms on the first print.
    """
    folder = resources_dir() / "fonts"
    for name, filename in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


# --- translation in a given language ---------------------------------------------------------

@lru_cache(maxsize=8)
def _catalog(language: str, folder: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=folder, languages=[language], fallback=True)


def clear_catalog_cache() -> None:
    _catalog.cache_clear()


class Tr:
    """Translate fixed labels into one language (``_ = Tr("en")``; ``_("Name")``).

    ``both("Name")`` gives the bilingual label "Nom / Name" (chosen language first) used on
    documents shown to officials, border posts and carriers.
    """

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "fr"
        self.other = "en" if self.language == "fr" else "fr"

    def _cat(self, language: str) -> gettext.NullTranslations:
        return _catalog(language, str(locale_dir()))

    def __call__(self, message: str) -> str:
        return self._cat(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._cat(self.language).ngettext(singular, plural, n)

    def in_other(self, message: str) -> str:
        return self._cat(self.other).gettext(message)

    def both(self, message: str, sep: str = " / ") -> str:
        first, second = self(message), self.in_other(message)
        return first if first == second else f"{first}{sep}{second}"


# --- styles ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=6.5, leading=8, textColor=GREY),
        "label": ParagraphStyle("label", parent=base, fontSize=7.5, leading=9.5, textColor=GREY),
        "value": ParagraphStyle("value", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.8),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=FONT_BOLD, fontSize=8, leading=9.8),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                                alignment=TA_CENTER, spaceAfter=2 * mm, textColor=BLUE),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=9.5, leading=12, alignment=TA_CENTER,
                                   textColor=GREY, spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=13,
                             spaceBefore=4 * mm, spaceAfter=1.5 * mm, textColor=BLUE),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "decision": ParagraphStyle("decision", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                                   alignment=TA_CENTER),
        "alert_right": ParagraphStyle("alert_right", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10,
                                      textColor=RED, alignment=TA_RIGHT),
        "alert": ParagraphStyle("alert", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=11,
                                textColor=RED),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
    }


def text(value: object) -> str:
    """Escape a value for a Paragraph (names may hold '&' or '<'); None becomes a dash."""
    if value is None or value == "":
        return "–"
    return escape(str(value)).replace("\n", "<br/>")


def para(value: object, style: str = "body", *, markup: bool = False) -> Paragraph:
    """A wrapping paragraph; plain values are escaped unless ``markup`` is True."""
    return Paragraph(str(value) if markup else text(value), styles()[style])


# --- building blocks --------------------------------------------------------------------------

class Table(_RLTable):
    """reportlab's Table with DejaVu as the cell font (its default, Helvetica, is not embedded)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT)]))


def field_table(rows: Sequence[tuple[str, object]], width: float, columns: int = 2,
                label_ratio: float = 0.36) -> Table:
    """Label/value pairs in ``columns`` column pairs; long values wrap inside their cell."""
    cells: list[list[Paragraph | str]] = []
    pair_width = width / columns
    widths = [pair_width * label_ratio, pair_width * (1 - label_ratio)] * columns
    line: list[Paragraph | str] = []
    for label, value in rows:
        line += [para(label, "label"), para(value, "value")]
        if len(line) == 2 * columns:
            cells.append(line)
            line = []
    if line:
        cells.append(line + [Spacer(0, 0) for _unused in range(2 * columns - len(line))])
    table = Table(cells, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def grid_table(header: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[float],
               *, repeat: bool = True, zebra: bool = True, extra_style: Sequence[tuple] = ()) -> Table:
    """A data table whose header row repeats on every page; every cell wraps."""
    data: list[list[object]] = [[para(h, "head") for h in header]]
    for row in rows:
        data.append([c if isinstance(c, Flowable) else para(c, "cell") for c in row])
    table = Table(data, colWidths=list(widths), repeatRows=1 if repeat else 0, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if zebra:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f7f9")]))
    table.setStyle(TableStyle(style + list(extra_style)))
    return table


class TableWithClosing(Flowable):
    """A data table and what closes it (totals, legend, signatures), which never stand alone on
    a page: when the closing does not fit after the table, the last ``keep`` rows go over to the
    next page with it (the header row repeats there)."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
                 closing: Sequence[Flowable], keep: int = 3) -> None:
        super().__init__()
        self.header, self.rows, self.widths = list(header), list(rows), list(widths)
        self.closing, self.keep = list(closing), max(1, keep)
        self._parts: list[tuple[Flowable, float]] = []

    def _flowables(self) -> list[Flowable]:
        return ([grid_table(self.header, self.rows, self.widths)] if self.rows else []) + self.closing

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._parts = [(part, part.wrap(avail_width, avail_height)[1]) for part in self._flowables()]
        height = 0.0
        for i, (part, part_height) in enumerate(self._parts):
            height += part_height + part.getSpaceAfter() + (part.getSpaceBefore() if i else 0)
        self.width, self.height = avail_width, height
        return avail_width, height

    def draw(self) -> None:
        y = self.height
        for i, (part, part_height) in enumerate(self._parts):
            y -= (part.getSpaceBefore() if i else 0) + part_height
            part.drawOn(self.canv, 0, y)
            y -= part.getSpaceAfter()

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if not self.rows:
            return []
        table = grid_table(self.header, self.rows, self.widths)
        table.wrap(avail_width, avail_height)
        heights = table._rowHeights  # noqa: SLF001 - reportlab keeps the row heights there
        used, fitting = heights[0], 0
        for h in heights[1:]:
            if used + h > avail_height:
                break
            used += h
            fitting += 1
        fitting = min(fitting, len(self.rows) - self.keep)
        if fitting <= 0:
            return []  # the rows and the closing all go to the next page
        return [grid_table(self.header, self.rows[:fitting], self.widths),
                TableWithClosing(self.header, self.rows[fitting:], self.widths, self.closing, self.keep)]


class SignatureBox(Flowable):
    """A framed box to sign (and, beside it, a thumbprint square) with caption above and the
    signatory's name below; caption and name wrap, so long names never run out of the box."""

    def __init__(self, caption: str, width: float, height: float = 22 * mm, *,
                 thumb_caption: str | None = None, name: str = "", date_label: str = "") -> None:
        super().__init__()
        self.width, self.box_height = width, height
        thumb = 22 * mm if thumb_caption else 0
        self.thumb = thumb
        self.sign_width = width - thumb - (3 * mm if thumb else 0)
        self.caption = para(caption, "cell_bold")
        self.thumb_caption = para(thumb_caption, "label") if thumb_caption else None
        self.name = para(name, "cell") if name else None
        self.date_label = para(date_label, "label") if date_label else None
        self._heights: tuple[float, float, float, float] = (0, 0, 0, 0)
        self.min_caption = 0.0  # set by signature_row so the boxes of one row line up

    def caption_height(self) -> float:
        cap = self.caption.wrap(self.sign_width, 1000)[1]
        thumb = self.thumb_caption.wrap(self.thumb, 1000)[1] if self.thumb_caption else 0
        return max(cap, thumb)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        cap = self.caption.wrap(self.sign_width, 1000)[1]
        thumb = self.thumb_caption.wrap(self.thumb, 1000)[1] if self.thumb_caption else 0
        name = self.name.wrap(self.sign_width, 1000)[1] if self.name else 0
        date = self.date_label.wrap(self.sign_width, 1000)[1] if self.date_label else 0
        caption = max(cap, thumb, self.min_caption)
        self._heights = (caption, name, date, 0)
        self.height = caption + 1.5 * mm + self.box_height + 1.5 * mm + name + date
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        caption_h, name_h, date_h, _unused = self._heights
        top = self.height
        self.caption.drawOn(c, 0, top - self.caption.height)
        box_y = top - caption_h - 1.5 * mm - self.box_height
        c.setStrokeColor(LINE)
        c.setLineWidth(0.6)
        c.rect(0, box_y, self.sign_width, self.box_height)
        if self.thumb_caption is not None:
            x = self.width - self.thumb
            self.thumb_caption.drawOn(c, x, top - self.thumb_caption.height)
            c.rect(x, box_y, self.thumb, self.box_height)
        y = box_y - 1.5 * mm
        if self.name is not None:
            self.name.drawOn(c, 0, y - name_h)
            y -= name_h
        if self.date_label is not None:
            self.date_label.drawOn(c, 0, y - date_h)


def _fit_text(c: rl_canvas.Canvas, value: str, x: float, y: float, width: float, font: str,
              size: float) -> None:
    """Draw one line, shrinking the font (down to 5 pt) and then cutting so it never overflows."""
    while size > 5 and pdfmetrics.stringWidth(value, font, size) > width:
        size -= 0.5
    while value and pdfmetrics.stringWidth(value, font, size) > width:
        value = value[:-2] + "…"
    c.setFont(font, size)
    c.drawString(x, y, value)


fit_text = _fit_text


def signature_row(boxes: Sequence[SignatureBox], width: float) -> Table:
    """Signature boxes side by side in one row, their frames aligned."""
    tallest = max(box.caption_height() for box in boxes)
    for box in boxes:
        box.min_caption = tallest
    table = Table([list(boxes)], colWidths=[width / len(boxes)] * len(boxes), hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
    return table


def load_image(path: str | None) -> ImageReader | None:
    """An image from a user-chosen path, or None when missing or unreadable (never fails a print)."""
    if not path:
        return None
    try:
        if not Path(path).is_file():
            return None
        return ImageReader(path)
    except Exception:  # noqa: BLE001 - a bad logo or photo must not stop the document
        log.warning("cannot read image %s", path, exc_info=True)
        return None


def draw_image_in(c: rl_canvas.Canvas, image: ImageReader, x: float, y: float, w: float, h: float) -> None:
    """Draw ``image`` inside the box (x, y, w, h), keeping its proportions."""
    iw, ih = image.getSize()
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    c.drawImage(image, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh, mask="auto")


# --- page template -----------------------------------------------------------------------------

def _numbered_canvas(page_label: Callable[[int, int], str], footer_y: float, right_x: float):
    """A canvas class that writes "Page n of N" on every page once the total is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(GREY)
                self.drawRightString(right_x, footer_y, page_label(self._pageNumber, total))
                super().showPage()
            super().save()

    return NumberedCanvas


class DocumentTemplate:
    """Builds one PDF: the header and footer drawn on every page around a story of flowables."""

    def __init__(self, head: Letterhead, reference: str, language: str, title: str, *,
                 landscape_pages: bool = False, header: bool = True,
                 on_page: Callable[[rl_canvas.Canvas, "DocumentTemplate"], None] | None = None,
                 on_page_end: Callable[[rl_canvas.Canvas, "DocumentTemplate"], None] | None = None) -> None:
        register_fonts()
        self.head, self.reference, self.title = head, reference, title
        self.tr = Tr(language)
        self.pagesize = landscape(A4) if landscape_pages else A4
        self.header = header
        self.on_page, self.on_page_end = on_page, on_page_end
        self.logo = load_image(head.logo_path)

    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - 2 * MARGIN

    @property
    def frame_height(self) -> float:
        top = HEADER_HEIGHT if self.header else 0
        return self.pagesize[1] - 2 * MARGIN - top - FOOTER_HEIGHT

    def _draw_page(self, c: rl_canvas.Canvas, doc: BaseDocTemplate) -> None:
        c.saveState()
        width, height = self.pagesize
        if self.header:
            self.draw_letterhead(c, MARGIN, height - MARGIN, width - 2 * MARGIN, HEADER_HEIGHT - 4 * mm)
            c.setStrokeColor(BLUE)
            c.setLineWidth(0.8)
            c.line(MARGIN, height - MARGIN - HEADER_HEIGHT + 2 * mm, width - MARGIN,
                   height - MARGIN - HEADER_HEIGHT + 2 * mm)
        c.setStrokeColor(LINE)
        c.setLineWidth(0.4)
        c.line(MARGIN, MARGIN + 5 * mm, width - MARGIN, MARGIN + 5 * mm)
        c.setFillColor(GREY)
        _fit_text(c, self.reference, MARGIN, MARGIN + 1.5 * mm, width - 2 * MARGIN - 40 * mm, FONT, 7.5)
        if self.on_page is not None:
            self.on_page(c, self)
        c.restoreState()

    def _draw_page_end(self, c: rl_canvas.Canvas, doc: BaseDocTemplate) -> None:
        if self.on_page_end is not None:
            c.saveState()
            self.on_page_end(c, self)
            c.restoreState()

    def draw_letterhead(self, c: rl_canvas.Canvas, x: float, top: float, width: float, height: float) -> None:
        """Logo, organisation name and address on the left; centre and date on the right."""
        head = self.head
        left = x
        if self.logo is not None:
            draw_image_in(c, self.logo, x, top - height, height * 1.6, height)
            left = x + height * 1.6 + 3 * mm
        text_width = (x + width - left) * 0.58
        c.setFillColor(BLUE)
        _fit_text(c, head.organisation, left, top - 4.2 * mm, text_width, FONT_BOLD, 10)
        c.setFillColor(GREY)
        line_y = top - 8.4 * mm
        for extra in (head.organisation_other, head.address, head.phone):
            if extra:
                _fit_text(c, extra, left, line_y, text_width, FONT, 7.5)
                line_y -= 3.6 * mm
        right = x + width
        right_width = (x + width - left) * 0.4
        c.setFillColor(colors.black)
        for i, (value, font, size) in enumerate(((head.centre, FONT_BOLD, 9), (head.printed_on, FONT, 8),
                                                 (head.printed_by, FONT, 7.5))):
            if not value:
                continue
            size_used = size
            while size_used > 5 and pdfmetrics.stringWidth(value, font, size_used) > right_width:
                size_used -= 0.5
            c.setFont(font, size_used)
            c.drawRightString(right, top - 4.2 * mm - i * 4 * mm, value)

    def build(self, story: list[Flowable]) -> bytes:
        buffer = io.BytesIO()
        top = HEADER_HEIGHT if self.header else 0
        doc = BaseDocTemplate(
            buffer, pagesize=self.pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=MARGIN + top, bottomMargin=MARGIN + FOOTER_HEIGHT, title=self.title,
            author=self.head.organisation, subject=self.reference, creator="Transit Centre",
            pageCompression=1, initialFontName=FONT, initialFontSize=9.5,  # no stray, unembedded Helvetica
        )
        frame = Frame(MARGIN, MARGIN + FOOTER_HEIGHT, self.frame_width, self.frame_height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._draw_page,
                                           onPageEnd=self._draw_page_end)])
        page_format = self.tr(N_("Page {page} of {total}"))
        canvasmaker = _numbered_canvas(lambda n, total: page_format.format(page=n, total=total),
                                       MARGIN + 1.5 * mm, self.pagesize[0] - MARGIN)
        doc.build(story, canvasmaker=canvasmaker)
        return buffer.getvalue()


def title_block(title: str, subtitle: str | None = None) -> list[Flowable]:
    out: list[Flowable] = [para(title, "title")]
    if subtitle:
        out.append(para(subtitle, "subtitle"))
    return out
