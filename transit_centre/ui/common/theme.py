"""The window's colours: a light and a dark scheme, following the Windows setting (or the user's
choice under View > Colours, kept for the computer like the language), every pair of text and background readable (WCAG AA, checked by
``tests/window/test_theme.py``).

Screens never write a colour themselves: they ask for a role (``colour("error")``,
``style("advice")``, ``row_colour("warn")``). Qt's own widgets take the scheme's palette (the
Fusion style, so that the palette is honoured the same way on every system).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from transit_centre.i18n import N_, _


@dataclass(frozen=True)
class Scheme:
    key: str
    # Qt's palette
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    placeholder: str
    disabled_text: str
    tooltip_base: str
    tooltip_text: str
    link: str
    mid: str
    # text colours, on ``base`` and on ``window``
    error: str
    warning: str
    success: str
    muted: str
    # row and box backgrounds, with ``text`` on them
    warn_bg: str
    good_bg: str
    void_bg: str
    notice_bg: str
    notice_border: str
    alarm_bg: str
    alarm_text: str
    # the navigation's page icons (drawn in one colour)
    icon: str
    # the navigation's count badge
    badge_bg: str
    badge_text: str
    # charts: series on ``base``
    series_1: str
    series_2: str
    series_3: str


LIGHT = Scheme(
    key="light",
    window="#efefef", window_text="#1a1a1a", base="#ffffff", alternate_base="#f4f6f8", text="#1a1a1a",
    button="#e6e6e6", button_text="#1a1a1a", highlight="#1f5fa0", highlighted_text="#ffffff",
    placeholder="#6a6a6a", disabled_text="#8c8c8c", tooltip_base="#ffffdc", tooltip_text="#1a1a1a",
    link="#0b57a4", mid="#b8b8b8",
    error="#b00020", warning="#8a4b00", success="#1b5e20", muted="#55595e",
    warn_bg="#f6d5d5", good_bg="#d8f0d8", void_bg="#e6e6e6", notice_bg="#fff3cd", notice_border="#c9a227",
    alarm_bg="#fdecee", alarm_text="#7a0016",
    icon="#2f5f8a", badge_bg="#b3261e", badge_text="#ffffff",
    series_1="#1f6fb2", series_2="#c0392b", series_3="#7f97b3",
)

DARK = Scheme(
    key="dark",
    window="#2b2b2b", window_text="#e8e8e8", base="#1e1e1e", alternate_base="#262a2e", text="#e8e8e8",
    button="#3a3a3a", button_text="#e8e8e8", highlight="#2f6aa8", highlighted_text="#ffffff",
    placeholder="#a0a0a0", disabled_text="#7a7a7a", tooltip_base="#3a3a3a", tooltip_text="#f0f0f0",
    link="#8ab4f8", mid="#555555",
    error="#ff8a80", warning="#ffb74d", success="#81c784", muted="#b0b0b0",
    warn_bg="#5a2a2a", good_bg="#24452a", void_bg="#3a3a3a", notice_bg="#4a3f1a", notice_border="#a08a3a",
    alarm_bg="#4a1f24", alarm_text="#ffd6da",
    icon="#9cc3e6", badge_bg="#c5221f", badge_text="#ffffff",
    series_1="#64a8e8", series_2="#ff8a65", series_3="#8fa4bd",
)

SCHEMES = {"light": LIGHT, "dark": DARK}
CHOICES = (("auto", N_("Follow Windows")), ("light", N_("Light")), ("dark", N_("Dark")))
TEXT_ROLES = ("error", "warning", "success", "muted")

_current = LIGHT


def current() -> Scheme:
    return _current


def colour(role: str) -> QColor:
    return QColor(getattr(_current, role))


def brush(role: str) -> QBrush:
    return QBrush(colour(role))


def style(kind: str) -> str:
    """A style sheet for the few boxes the palette cannot say: a message in colour, an advice box."""
    s = _current
    return {
        "error": f"color: {s.error};",
        "warning": f"color: {s.warning}; font-weight: bold;",
        "warning_text": f"color: {s.warning};",
        "success": f"color: {s.success};",
        "advice": f"background: {s.notice_bg}; color: {s.text}; border: 1px solid {s.notice_border}; padding: 6px;",
        "notice": f"background: {s.notice_bg}; color: {s.text}; padding: 3px;",
        "alarm": f"background: {s.alarm_bg}; border: 1px solid {s.error}; color: {s.alarm_text}; padding: 6px;",
        "photo": f"border: 1px solid {s.mid}; background: {s.alternate_base};",
    }[kind]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    def luminance(hex_colour: str) -> float:
        c = QColor(hex_colour)
        channels = []
        for value in (c.redF(), c.greenF(), c.blueF()):
            channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    a, b = luminance(foreground), luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def readable_pairs(scheme: Scheme) -> list[tuple[str, str]]:
    """Every (text, background) pair the window draws, by role name."""
    pairs = [("window_text", "window"), ("text", "base"), ("text", "alternate_base"), ("button_text", "button"),
             ("highlighted_text", "highlight"), ("placeholder", "base"), ("tooltip_text", "tooltip_base"),
             ("link", "base"), ("badge_text", "badge_bg"), ("alarm_text", "alarm_bg")]
    pairs += [(role, background) for role in TEXT_ROLES for background in ("base", "window", "alternate_base")]
    pairs += [("text", background) for background in ("warn_bg", "good_bg", "void_bg", "notice_bg")]
    pairs += [("muted", background) for background in ("warn_bg", "good_bg", "void_bg")]
    return pairs


def graphic_pairs(scheme: Scheme) -> list[tuple[str, str]]:
    """Icons and chart lines against their background: 3:1 is enough (WCAG 1.4.11)."""
    return [("icon", "base"), ("icon", "window"), ("series_1", "base"), ("series_2", "base"), ("series_3", "base")]


def icon(path: str) -> QIcon:
    """A one-colour SVG icon (drawn in ``#2f5f8a``) in the scheme's icon colour."""
    try:
        data = open(path, encoding="utf-8").read().replace(LIGHT.icon, _current.icon)
    except OSError:
        return QIcon()
    selected = data.replace(_current.icon, _current.highlighted_text)  # on the selection's colour
    pixmaps = QIcon()
    for size in (16, 20, 24, 32, 48):
        sized = f'width="{size}" height="{size}"'
        for text, mode in ((data, QIcon.Mode.Normal), (selected, QIcon.Mode.Selected)):
            pixmap = QPixmap()
            if pixmap.loadFromData(text.replace('width="24" height="24"', sized).encode(), "SVG"):
                pixmaps.addPixmap(pixmap, mode)
    return pixmaps


def palette(scheme: Scheme) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: scheme.window, QPalette.ColorRole.WindowText: scheme.window_text,
        QPalette.ColorRole.Base: scheme.base, QPalette.ColorRole.AlternateBase: scheme.alternate_base,
        QPalette.ColorRole.Text: scheme.text, QPalette.ColorRole.Button: scheme.button,
        QPalette.ColorRole.ButtonText: scheme.button_text, QPalette.ColorRole.Highlight: scheme.highlight,
        QPalette.ColorRole.HighlightedText: scheme.highlighted_text,
        QPalette.ColorRole.PlaceholderText: scheme.placeholder, QPalette.ColorRole.ToolTipBase: scheme.tooltip_base,
        QPalette.ColorRole.ToolTipText: scheme.tooltip_text, QPalette.ColorRole.Link: scheme.link,
        QPalette.ColorRole.Mid: scheme.mid, QPalette.ColorRole.BrightText: scheme.error,
    }
    for role, value in roles.items():
        p.setColor(QPalette.ColorGroup.All, role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(scheme.disabled_text))
    return p


def system_scheme() -> Scheme:
    hints = QGuiApplication.styleHints()
    dark = hasattr(hints, "colorScheme") and hints.colorScheme() == Qt.ColorScheme.Dark
    return DARK if dark else LIGHT


def chosen() -> str:
    value = str(QSettings().value("ui/colours", "auto"))  # like the language: before anyone signs in
    return value if value in SCHEMES or value == "auto" else "auto"


def apply(app: QApplication, choice: str | None = None) -> Scheme:
    """Colour the application: the user's choice, or the system's light or dark setting."""
    global _current
    choice = choice or chosen()
    _current = SCHEMES[choice] if choice in SCHEMES else system_scheme()
    app.setStyle("Fusion")
    app.setPalette(palette(_current))
    return _current


def choose(app: QApplication, choice: str) -> Scheme:
    QSettings().setValue("ui/colours", choice)
    return apply(app, choice)


class _Follower(QObject):
    def changed(self, *_args: object) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and chosen() == "auto":
            apply(app, "auto")


def follow_system(app: QApplication) -> None:
    """Windows switched between light and dark: follow it (when the user left it to Windows)."""
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged") and getattr(app, "_tc_theme_follower", None) is None:
        follower = _Follower(app)
        hints.colorSchemeChanged.connect(follower.changed)
        app._tc_theme_follower = follower  # type: ignore[attr-defined]


def choice_label(key: str) -> str:
    return next(_(label) for k, label in CHOICES if k == key)


__all__ = ["Scheme", "LIGHT", "DARK", "SCHEMES", "CHOICES", "current", "colour", "brush", "style", "contrast",
           "readable_pairs", "palette", "apply", "choose", "follow_system"]
