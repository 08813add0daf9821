"""Error kinds shared by the domain packages.

Each domain package has one root error that subclasses `DomainError`; its specific errors also subclass one of
the kinds below, so `hub` can map them to HTTP responses without knowing every domain.
"""


class DomainError(Exception):
    """Root of every error a domain raises on purpose. The message is safe to show to the API caller."""


class NotFound(DomainError):
    """The thing asked for does not exist (or the caller may not know that it does)."""


class Conflict(DomainError):
    """The request clashes with the current state (duplicate key, wrong lifecycle state)."""


class Invalid(DomainError):
    """The request is well-formed but its content cannot be accepted."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""
