"""What every screen receives: the database handle and the signed-in user (no SQLAlchemy here)."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from transit_centre.security.permissions import Actor, Permission


@dataclass
class UiContext:
    db: Any  # transit_centre.db.engine.Database, passed through to services only
    actor: Actor
    centre_code: str = ""
    centre_name: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    # Opens a resident's file from any page: ``open_resident(parent, resident_id)``, True when
    # something changed. The shell sets it, so feature packages do not import each other.
    open_resident: Callable[[Any, uuid.UUID], bool] | None = None

    @property
    def centre_id(self) -> uuid.UUID | None:
        return self.actor.current_centre_id

    def can(self, permission: Permission) -> bool:
        return self.actor.can(permission)
