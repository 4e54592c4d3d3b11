"""Domain errors raised by services and turned into messages by the UI and the CLI."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: `message` is safe to show to the user who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it exists."""

    def __init__(self, message: str = "That item was not found.") -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    """The actor can see the object but may not do this to it."""

    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message)


class Conflict(DomainError):
    """The change clashes with the current state (stale edit, duplicate, already used)."""


class ValidationFailed(DomainError):
    """Input was refused. `fields` maps a field name to the message for that field."""

    def __init__(self, fields: dict[str, str] | None = None, message: str | None = None) -> None:
        self.fields = dict(fields or {})
        if message is None:
            message = (
                next(iter(self.fields.values()))
                if len(self.fields) == 1
                else "Please correct the highlighted fields."
            )
        super().__init__(message)


class Throttled(DomainError):
    """Too many attempts; `retry_after_seconds` tells when to try again."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
