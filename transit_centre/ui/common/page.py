"""What a page of the main window is: its ``PageSpec`` (how the window lists and builds it) and
the ``Page`` base class (what the window may ask of it).

Each feature package (``ui/residents``, ``ui/returns``…) gives its pages' specs in its
``__init__``; ``ui/shell/pages.py`` puts them in sidebar order. A page is built as
``Page(ctx, parent)`` only when first shown (``factory`` is a "module:Class" string, so the
feature's module is imported then).

The contract is explicit: a page says what it offers with ``offers_new``, ``offers_search`` and
``offers_print``; the window greys out Print where a page has nothing to print and sends Ctrl+N
and Ctrl+F to the residents page where the current page has no new record or search of its own.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QSplitter, QVBoxLayout, QWidget

from transit_centre.ui.common import memory
from transit_centre.ui.common.lazy_table import LazyTable
from transit_centre.i18n import N_
from transit_centre.security.permissions import Actor, Permission
from transit_centre.ui.common.context import UiContext


LIST_MIN_WIDTH = 280  # pixels: the list pane of a page never shrinks below a readable line


def _list_to_content(splitter: QSplitter, listing: "LazyTable", detail: QWidget) -> None:
    total = sum(splitter.sizes())
    if total <= 0:
        return
    room = total - max(detail.minimumSizeHint().width(), 0)
    width = max(LIST_MIN_WIDTH, min(listing.needed_width(), room))
    splitter.setSizes([width, total - width])


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # marked with N_, translated when shown
    factory: str  # "module:Class", imported when the page is first shown
    visible: Callable[[Actor], bool]
    help_text: str = ""  # marked with N_: the F1 help for this page
    group: str = ""  # marked with N_: the heading the navigation bar lists it under
    badge: str = ""  # the count of ``casework.attention.Attention`` shown beside it ("" for none)

    def load(self) -> type["Page"]:
        module, name = self.factory.split(":")
        return getattr(importlib.import_module(module), name)


DAILY_WORK = N_("Daily work")
SERVICES = N_("Services")
RETURN = N_("Return")
ADMINISTRATION = N_("Administration")


def allowed(*permissions: Permission) -> Callable[[Actor], bool]:
    """A page's ``visible``: the actor holds at least one of these permissions."""
    return lambda actor: any(actor.can(p) for p in permissions)


class Page(QWidget):
    """A page of the main window. Subclasses override what they offer and set the flag."""

    offers_new: ClassVar[bool] = False  # new_record() (Ctrl+N)
    offers_search: ClassVar[bool] = False  # focus_search() (Ctrl+F)
    offers_print: ClassVar[bool] = False  # print_current() (Ctrl+P)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        if name:
            self.setObjectName(name)

    def refresh(self) -> None:
        """F5: read again what the page shows. Nothing to do by default."""

    def new_record(self) -> None:
        raise NotImplementedError(type(self).__name__ + " offers no new record")

    def focus_search(self) -> None:
        raise NotImplementedError(type(self).__name__ + " has no search")

    def print_current(self) -> None:
        raise NotImplementedError(type(self).__name__ + " has nothing to print")

    def save_state(self) -> None:
        """Called when the window closes: keep column widths, splitters… Nothing by default."""

    # -- the page template: filter bar, list, detail pane ---------------------------------
    def set_body(self, listing: QWidget, detail: QWidget, *, filters: QLayout | QWidget | None = None,
                 name: str, sizes: tuple[int, int] = (520, 840), state_key: str | None = None) -> QSplitter:
        """Lay the page out as the window's pages are: the filter bar on top, then the list with
        the detail pane beside it, in a splitter named ``{name}Splitter`` whose position is kept
        between sessions (under ``state_key``)."""
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName(f"{name}Splitter")
        splitter.setChildrenCollapsible(False)
        listing.setMinimumWidth(LIST_MIN_WIDTH)  # a case number and a name stay readable
        splitter.addWidget(listing)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        restored = memory.remember_splitter(splitter, state_key or f"pages/{name}", list(sizes))
        if not restored and isinstance(listing, LazyTable):
            # Until the user moves the handle: the list as wide as its columns need, the detail
            # pane keeping the width its own content needs.
            listing.fitted.connect(lambda: _list_to_content(splitter, listing, detail))
        layout = QVBoxLayout(self)
        if isinstance(filters, QLayout):
            layout.addLayout(filters)
        elif filters is not None:
            layout.addWidget(filters)
        layout.addWidget(splitter, 1)
        return splitter
