"""Errors of the access package; all subclass `AccessError`."""

from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound


class AccessError(DomainError):
    """Root error of the access package."""


class NotAuthenticated(AccessError):
    """No valid bearer token: the API answers 401."""


class NotAllowed(AccessError, Forbidden):
    """The user's role or team does not allow this: the API answers 403."""


class UserNotFound(AccessError, NotFound):
    """No such user."""


class UserConflict(AccessError, Conflict):
    """A user with that name exists."""


class UserInvalid(AccessError, Invalid):
    """The user cannot be created as asked (e.g. a home-care user without a team)."""
