"""Render resources/icons/transit-centre.svg to the PNG and Windows .ico files next to it.

The PNG is what the application loads when Qt's SVG plugin is missing; the .ico is the
executable's and the installer's icon. Run after changing the SVG, then commit the three files:
``python packaging/make_icons.py``.
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "transit-centre.svg"))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image

    big = render_png(256)
    (ICONS / "transit-centre.png").write_bytes(big)
    image = Image.open(io.BytesIO(big)).convert("RGBA")
    image.save(ICONS / "transit-centre.ico", format="ICO", sizes=[(s, s) for s in SIZES])
    print(f"wrote {ICONS / 'transit-centre.png'} and {ICONS / 'transit-centre.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
