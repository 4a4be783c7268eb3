"""The application icon (``resources/icons``): the SVG when Qt can draw it, else the PNG."""
from __future__ import annotations

from PySide6.QtGui import QIcon, QImageReader

from transit_centre.paths import resources_dir

ICON_NAME = "transit-centre"


def app_icon() -> QIcon:
    """Window and taskbar icon. Falls back to the PNG when the SVG image plugin is missing
    (a trimmed PyInstaller bundle), so the icon never disappears silently."""
    folder = resources_dir() / "icons"
    icon = QIcon()
    svg = folder / f"{ICON_NAME}.svg"
    if svg.exists() and b"svg" in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
        icon.addFile(str(svg))
    png = folder / f"{ICON_NAME}.png"
    if png.exists():
        icon.addFile(str(png))
    return icon
