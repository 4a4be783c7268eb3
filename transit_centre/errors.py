"""The one exception family services raise towards the user interface and the command line.

Messages are already translated (services call ``_()`` when raising), so a caller shows
``str(error)`` as it is. ``field`` names the input the message is about, so a form can put
the message next to that field.
"""
from __future__ import annotations


class DomainError(Exception):
    """A user-facing failure of a use case: bad input, refused action, missing record."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Input did not pass validation; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first_field, first_message = next(iter(self.errors.items()))
        super().__init__(first_message, first_field)

    def __str__(self) -> str:
        return "\n".join(self.errors.values())


class PermissionDenied(DomainError):
    """The signed-in user's roles do not allow this action."""


class NotFound(DomainError):
    """The record asked for does not exist (or is not visible to this user)."""


class ConflictError(DomainError):
    """Someone else changed the record since it was read (optimistic locking)."""


class RuleViolation(DomainError):
    """A business rule refuses the action (double-booked bed, cancelled case...)."""


class NeedsConfirmation(DomainError):
    """The action is allowed but unusual: the message is the question to put to the user, and the
    caller repeats the call with its ``confirmed`` argument set once the user agrees."""
