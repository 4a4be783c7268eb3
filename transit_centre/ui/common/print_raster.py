"""How big a page image is sent to a printer.

The preview prints a PDF page by drawing it as an image (Qt PDF renders pages to images only).
At the printer's own resolution that image is huge: an A4 page is 139 MB at 600 dpi and 557 MB
at 1200 dpi (4 bytes a pixel), too much for a centre's laptop, and more detail than a laser
printer shows for text and a QR code. The page is therefore rendered at no more than
``MAX_PRINT_DPI`` and drawn scaled onto the printable area (the printer driver enlarges it): an
A4 page is then at most about 35 MB, one page at a time, whatever the printer.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, QSizeF

MAX_PRINT_DPI = 300
BYTES_PER_PIXEL = 4  # QImage.Format_ARGB32_Premultiplied, what QPdfDocument.render gives


@dataclass(frozen=True)
class PagePlacement:
    image: QSize  # pixels to render the page at
    target: QRect  # where to draw it, in the printer's device pixels

    @property
    def image_bytes(self) -> int:
        return self.image.width() * self.image.height() * BYTES_PER_PIXEL


def place_page(page_points: QSizeF, paint_rect: QRect, printer_dpi: int,
               max_dpi: int = MAX_PRINT_DPI) -> PagePlacement:
    """Fit a page of ``page_points`` (1/72 inch) into ``paint_rect`` (device pixels of a printer at
    ``printer_dpi``), keeping its proportions; the image is rendered at no more than ``max_dpi``."""
    if page_points.width() <= 0 or page_points.height() <= 0:
        raise ValueError("empty page")
    scale = min(paint_rect.width() / page_points.width(), paint_rect.height() / page_points.height())
    target = QRect(0, 0, max(1, round(page_points.width() * scale)), max(1, round(page_points.height() * scale)))
    factor = min(1.0, max_dpi / printer_dpi) if printer_dpi > 0 else 1.0
    image = QSize(max(1, round(target.width() * factor)), max(1, round(target.height() * factor)))
    return PagePlacement(image, target)
