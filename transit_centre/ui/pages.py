"""The main window's pages, in sidebar order. A capability adds its page with one line here.

A page is a ``QWidget`` subclass built as ``Page(ctx, parent)``; it may define ``refresh()``
(F5), ``new_record()`` (Ctrl+N), ``focus_search()`` (Ctrl+F) and ``print_current()`` (Ctrl+P).
``visible(actor)`` decides whether the role sees the page at all.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from transit_centre.i18n import N_
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # marked with N_, translated when shown
    factory: str  # "module:Class"
    visible: Callable[[Actor], bool]
    help_text: str = ""  # marked with N_: the F1 help for this page

    def load(self) -> type:
        module, name = self.factory.split(":")
        return getattr(importlib.import_module(module), name)


def _perm(permission: Permission) -> Callable[[Actor], bool]:
    return lambda actor: actor.can(permission)


PAGES: list[PageSpec] = [
    PageSpec("shelter", N_("Shelter"), "transit_centre.ui.shelter:ShelterPage", _perm(Permission.SHELTER_READ),
             N_("Tonight's occupancy: each room with its beds and who sleeps in them, free beds by kind and "
                "capacity against residents present. Select a free bed and press Check in (or double-click "
                "it) to admit a resident; select a resident to move them to another bed, transfer them to "
                "another centre or check them out with a reason. A minor goes to a minors' bed, a woman to "
                "a women's or family bed: to choose otherwise, give the reason. Rooms and beds are added "
                "and retired with Rooms and beds (centre managers).")),
]
