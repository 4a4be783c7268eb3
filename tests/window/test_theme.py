"""Light and dark colours: every text readable on its background (WCAG AA), the scheme follows
the user's choice or the system, and no screen writes a colour of its own."""
from __future__ import annotations

import os
import re
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from transit_centre.ui.common import theme

pytestmark = pytest.mark.usefixtures("qsettings_isolated")
UI = Path(theme.__file__).resolve().parents[1]


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_every_text_colour_reads_on_its_background_at_wcag_aa(scheme):
    low = [(text, background, round(theme.contrast(getattr(scheme, text), getattr(scheme, background)), 2))
           for text, background in theme.readable_pairs(scheme)
           if theme.contrast(getattr(scheme, text), getattr(scheme, background)) < 4.5]
    assert low == []
    graphics = [(g, b) for g, b in theme.graphic_pairs(scheme)
                if theme.contrast(getattr(scheme, g), getattr(scheme, b)) < 3.0]
    assert graphics == []


def test_the_contrast_measure_is_wcag_s():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the well-known near miss


def test_the_chosen_scheme_colours_the_application_and_is_kept(qapp):
    app = QApplication.instance()
    try:
        theme.choose(app, "dark")
        assert theme.current() is theme.DARK and theme.chosen() == "dark"
        assert app.palette().color(QPalette.ColorRole.Base).name() == theme.DARK.base
        assert theme.colour("error").name() == theme.DARK.error
        assert theme.DARK.error in theme.style("error")
        theme.choose(app, "light")
        assert app.palette().color(QPalette.ColorRole.Window).name() == theme.LIGHT.window
        theme.choose(app, "auto")  # as the system is set: the offscreen platform says light
        assert theme.current() is theme.system_scheme()
    finally:
        theme.apply(app, "light")


def test_the_page_icons_take_the_scheme_colour(qapp):
    from transit_centre.ui.shell.navigation import page_icon

    app = QApplication.instance()
    try:
        theme.apply(app, "dark")
        image = page_icon("dashboard").pixmap(24, 24).toImage()
        colours = {image.pixelColor(x, y).name() for x in range(24) for y in range(24) if image.pixelColor(x, y).alpha() > 250}
        assert theme.DARK.icon in colours and theme.LIGHT.icon not in colours
    finally:
        theme.apply(app, "light")


def test_no_screen_writes_a_colour_of_its_own():
    """Colours come from the theme, so that the contrast check above covers all of them."""
    pattern = re.compile(r"#[0-9a-fA-F]{6}\b|QColor\(\"|Qt\.GlobalColor\.(red|green|blue|yellow|gray)")
    found = [f"{path.relative_to(UI)}:{n}" for path in UI.rglob("*.py") if path.name != "theme.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []


def test_the_colours_menu_switches_the_window(qtbot, db, make_actor):
    from transit_centre.security.permissions import Role
    from transit_centre.ui.common.context import UiContext
    from transit_centre.ui.shell.main_window import MainWindow

    actor = make_actor(Role.MANAGER)
    window = MainWindow(UiContext(db=db, actor=actor, centre_code="GAO", centre_name="Gao"))
    qtbot.addWidget(window)
    try:
        window.findChild(type(window.print_action), "actionColours_dark").trigger()
        assert QApplication.instance().palette().color(QPalette.ColorRole.Window).name() == theme.DARK.window
        assert window.findChild(type(window.print_action), "actionColours_dark").isChecked()
    finally:
        theme.apply(QApplication.instance(), "light")


def test_a_selected_page_s_icon_stands_out_on_the_selection(qapp):
    from PySide6.QtGui import QIcon

    from transit_centre.ui.shell.navigation import page_icon

    image = page_icon("dashboard").pixmap(24, 24, QIcon.Mode.Selected).toImage()
    colours = {image.pixelColor(x, y).name() for x in range(24) for y in range(24) if image.pixelColor(x, y).alpha() > 250}
    assert theme.current().highlighted_text in colours
    assert theme.contrast(theme.current().highlighted_text, theme.current().highlight) >= 3.0
