"""``transit-centre smoke``: a short end-to-end run without a screen, for CI and installers.

It proves that a build (the PyInstaller bundle above all) has what it needs at run time:
migrations, reference data, translations, Qt plugins, icons and every page module. Steps:
open a database (a throw-away file unless ``--database`` is given), load demo data, sign in
as the demo manager, open the main window, show each page once, open the welcome wizard and
the About box, close everything. Exit code 0 when all went well, 1 otherwise.

Qt is imported inside the handler only, so ``transit-centre --help`` stays light.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transit_centre.i18n import _, current_language, set_language

SMOKE_RESIDENTS = 50
SIZES = ((1366, 768), (1920, 1080))  # a common laptop screen, a common office screen
LANGUAGES = ("fr", "en")
WIZARD_PAGES = 4  # the welcome wizard's pages read without a database (language, folder, centre, account)
# The demo accounts whose window is pictured and checked: every role's pages and tabs.
LAYOUT_USERS = ("manager", "admin", "caseworker", "nurse", "mhpss", "cash", "hq")


def add_commands(sub: Any) -> None:
    p = sub.add_parser("smoke", help=_("check that this installation works: open every screen once on "
                                       "demo data, without showing anything"))
    p.add_argument("--residents", type=int, default=SMOKE_RESIDENTS,
                   help=_("number of demo residents (default {n})").format(n=SMOKE_RESIDENTS))
    p.add_argument("--screenshots", metavar="FOLDER",
                   help=_("save a picture of each screen into this folder, at 1366x768 and 1920x1080, in "
                          "French and English, and report every text that is clipped or cut short"))
    p.set_defaults(handler=_cmd_smoke)


def _cmd_smoke(args: argparse.Namespace) -> int:
    if "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    shots = Path(args.screenshots) if args.screenshots else None
    with tempfile.TemporaryDirectory(prefix="tc-smoke-") as tmp:
        url = args.database
        if not url:
            from transit_centre.localconfig import sqlite_url_for

            url = sqlite_url_for(Path(tmp) / "smoke.sqlite3")
        problems = run_smoke(url, residents=args.residents, screenshots=shots, settings_dir=Path(tmp),
                             say=lambda line: print(line, flush=True))
    for problem in problems:
        print(_("Problem: {problem}").format(problem=problem), file=sys.stderr)
    print(_("Smoke run passed.") if not problems else _("Smoke run failed."))
    return 1 if problems else 0


def run_smoke(url: str, *, residents: int = SMOKE_RESIDENTS, screenshots: Path | None = None,
              settings_dir: Path | None = None, say: Callable[[str], None] = lambda _line: None) -> list[str]:
    """Do the smoke run; returns the problems found (empty when everything worked)."""
    from PySide6.QtCore import QCoreApplication, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from transit_centre.admin.centres import list_centres
    from transit_centre.storage.opening import open_database
    from transit_centre.demo.generate import DEMO_PASSWORD, generate
    from transit_centre.security.permissions import Actor
    from transit_centre.security.users import authenticate
    from transit_centre.ui.shell import main_window as main_window_module
    from transit_centre.ui.shell.app import make_application, open_main_window
    from transit_centre.ui.common.icons import app_icon

    problems: list[str] = []
    started = time.monotonic()
    if settings_dir is not None:  # never read or write the real user's window settings
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    language = current_language()
    app = make_application()
    set_language(language)  # the command line's --lang wins over the saved preference
    if settings_dir is not None:
        QCoreApplication.setApplicationName("Transit Centre Smoke")

    # Any modal box (an error shown by a page) is recorded and closed, so the run never hangs.
    # Windows already open before the run (a test that ran earlier in the same process) are not ours.
    earlier = set(QApplication.topLevelWidgets())

    def close_modals() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None and widget not in earlier and widget.objectName() != "welcomeWizard":
            text = getattr(widget, "text", lambda: "")()
            problems.append(_("a dialog opened: {title} {text}").format(title=widget.windowTitle(), text=text))
            widget.close()

    watchdog = QTimer()
    watchdog.timeout.connect(close_modals)
    watchdog.start(200)

    shown_errors: list[BaseException] = []
    original_show_error = main_window_module.show_error
    main_window_module.show_error = lambda _parent, exc: shown_errors.append(exc)  # type: ignore[assignment]
    window = None
    try:
        icon = app_icon()
        if icon.isNull() or icon.pixmap(32, 32).isNull():
            problems.append(_("the application icon could not be loaded"))
        problems.extend(_check_resources())
        from transit_centre.storage.at_rest import DatabaseState, create_database, start_key_file, state_of

        if state_of(url) is DatabaseState.NEW:  # made as the application makes it: encrypted (SQLCipher)
            db = create_database(url)
            start_key_file(db, "admin", DEMO_PASSWORD)
        else:
            db = open_database(url)
        say(_("Database ready: {where}").format(where=db.describe()) + (" (SQLCipher)" if db.encrypted else ""))
        counts = generate(db, residents, seed=1, months=3)
        say(_("Demo data: {counts}").format(counts=", ".join(f"{k} {v}" for k, v in counts.items())))
        # The busiest centre (the demo spreads residents by capacity): pages with something in them.
        centre = max(list_centres(db, Actor.system(), only_visible=False), key=lambda c: c.capacity)
        actor = authenticate(db, "manager", DEMO_PASSWORD, centre.id)
        problems.extend(_check_printing(db, actor, centre.code))
        say(_("Printing: ok"))
        window = open_main_window(db, actor)
        app.processEvents()
        for key in window.page_keys():
            before = len(shown_errors)
            window.show_page(key)
            app.processEvents()
            page = window.pages.get(key)
            if page is None or len(shown_errors) > before:
                detail = "".join(traceback.format_exception(shown_errors[-1])) if len(shown_errors) > before else ""
                problems.append(_("the page {page} did not open").format(page=key) + ("\n" + detail if detail else ""))
                continue
            if hasattr(page, "refresh"):
                try:
                    page.refresh()
                    app.processEvents()
                except Exception:  # noqa: BLE001 - reported, the run goes on
                    problems.append(_("the page {page} failed to refresh").format(page=key) + "\n"
                                    + traceback.format_exc())
            say(_("Page {page}: ok").format(page=key))
        window.close()
        if screenshots is not None:
            for username in LAYOUT_USERS:  # each role sees its own pages, tabs and columns
                someone = actor if username == "manager" else _sign_in(db, username, centre.id)
                for language_code in LANGUAGES:
                    for size in SIZES:
                        found = layout_pass(app, db, someone, language_code, size, screenshots,
                                            who="" if username == "manager" else username)
                        problems.extend(found)
                        say(_("Pictures {language} {width}x{height} ({user}): {n} clipped").format(
                            language=language_code, width=size[0], height=size[1], user=username, n=len(found)))
            _switch_language(app, language)
        problems.extend(_check_welcome_wizard(app, screenshots))
        say(_("Welcome wizard: ok"))
    except Exception:  # noqa: BLE001 - the point of a smoke run is to report, not to crash
        problems.append(traceback.format_exc())
    finally:
        main_window_module.show_error = original_show_error  # type: ignore[assignment]
        watchdog.stop()
        if window is not None:
            window.close()
            window.deleteLater()
        app.processEvents()
    say(_("Smoke run took {seconds} s.").format(seconds=round(time.monotonic() - started, 1)))
    return problems


def _switch_language(app: Any, language: str) -> None:
    from transit_centre.ui.shell.app import install_qt_translations

    set_language(language)
    install_qt_translations(app, language)


def settle(app: Any, timeout: float = 15.0) -> None:
    """Let the window finish its background reads (lists, counts, charts) and repaint."""
    from transit_centre.ui.common.worker import Task

    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 5:
        app.processEvents()
        time.sleep(0.02)
        quiet = quiet + 1 if not Task._live else 0  # noqa: SLF001 - the running tasks


def _sign_in(db: Any, username: str, centre_id: Any) -> Any:
    """A demo account, at the centre when the role works in one (headquarters and the
    administrator see every centre)."""
    from transit_centre.demo.generate import DEMO_PASSWORD
    from transit_centre.errors import DomainError
    from transit_centre.security.users import authenticate

    try:
        return authenticate(db, username, DEMO_PASSWORD, centre_id)
    except DomainError:
        return authenticate(db, username, DEMO_PASSWORD, None)


def layout_pass(app: Any, db: Any, actor: Any, language: str, size: tuple[int, int],
                folder: Path, who: str = "") -> list[str]:
    """Every page at ``size`` in ``language``: a picture each into ``folder/<language>-<size>/``
    (``…/<who>/`` for another account than the manager) and a problem for each text that does
    not fit (``ui.common.clipping``)."""
    from PySide6.QtWidgets import QTabWidget

    from transit_centre.ui.common.clipping import clipped_texts
    from transit_centre.ui.shell.app import open_main_window

    _switch_language(app, language)
    width, height = size
    where = folder / f"{language}-{width}x{height}" / who if who else folder / f"{language}-{width}x{height}"
    where.mkdir(parents=True, exist_ok=True)
    window = open_main_window(db, actor)
    problems: list[str] = []
    try:
        window.showNormal()
        window.resize(width, height)
        settle(app)
        for key in window.page_keys():
            page = window.show_page(key)
            settle(app)
            tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()][:1] if page is not None else []
            views = [(key, None, None)]
            if tabs:  # every tab of the page is a screen of its own (cash, services, administration)
                views = [(f"{key}-{i + 1}", tabs[0], i) for i in range(tabs[0].count())]
            for name, tab_widget, index in views:
                if tab_widget is not None:
                    tab_widget.setCurrentIndex(index)
                    settle(app)
                window.grab().save(str(where / f"page-{name}.png"))
                for clipped in clipped_texts(window):
                    problems.append(_("{language} {width}x{height}, page {page}: {clipped}").format(
                        language=language, width=width, height=height, page=f"{who}/{name}" if who else name,
                        clipped=clipped))
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    return problems


def _check_resources() -> list[str]:
    """Translations, Babel's locale data, fonts and reference data are in the build."""
    from transit_centre.i18n import country_name, format_xof
    from transit_centre.paths import resources_dir

    problems = []
    language = current_language()
    try:
        set_language("fr")
        if _("Cancel") == "Cancel":
            problems.append(_("French translations (messages.mo) are missing"))
        if country_name("SN", "fr") != "Sénégal" or country_name("DE", "en") != "Germany" \
                or "CFA" not in format_xof(25000, "fr"):
            problems.append(_("Babel locale data for French and English is incomplete"))
    except Exception:  # noqa: BLE001 - reported like the rest
        problems.append(traceback.format_exc())
    finally:
        set_language(language)
    for relative in ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "reference/centres.csv",
                     "icons/transit-centre.png"):
        if not (resources_dir() / relative).is_file():
            problems.append(_("missing resource: {name}").format(name=relative))
    try:
        from reportlab.pdfbase.ttfonts import TTFont

        TTFont("SmokeDejaVu", str(resources_dir() / "fonts" / "DejaVuSans.ttf"))
    except Exception:  # noqa: BLE001
        problems.append(traceback.format_exc())
    return problems


def _check_printing(db: Any, actor: Any, centre_code: str) -> list[str]:
    """Render two documents (fonts, QR codes) and open one with Qt's PDF module (preview)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    from transit_centre.documents import render_document

    problems = []
    try:
        for kind in ("occupancy", "badge"):
            pdf = render_document(db, actor, kind, centre_code, "fr").pdf
            if not pdf.startswith(b"%PDF"):
                problems.append(_("the document {kind} is not a PDF").format(kind=kind))
        data = QByteArray(pdf)
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)
        if document.pageCount() < 1:
            problems.append(_("Qt could not read the printed document"))
        document.close()
    except Exception:  # noqa: BLE001 - reported like the rest
        problems.append(traceback.format_exc())
    return problems


def _check_welcome_wizard(app: Any, screenshots: Path | None) -> list[str]:
    """Build the first-run wizard (without finishing it): its pages and reference data load."""
    from transit_centre.ui.shell.welcome import WelcomeWizard

    wizard = WelcomeWizard(database=None)
    wizard.show()
    app.processEvents()
    problems = []
    if wizard.centre_page.centre.count() < 1:
        problems.append(_("the welcome wizard lists no centre"))
    if screenshots is not None:  # its first pages, pictured and read like the window's
        from transit_centre.ui.common.clipping import clipped_texts

        for step in range(WIZARD_PAGES):
            wizard.grab().save(str(screenshots / (f"welcome-{step + 1}.png" if step else "welcome.png")))
            problems.extend(_("welcome wizard, page {page}: {clipped}").format(page=step + 1, clipped=clipped)
                            for clipped in clipped_texts(wizard))
            wizard.next()
            app.processEvents()
    wizard.close()
    wizard.deleteLater()
    return problems
