"""FastAPI dependencies: who is calling, and may they."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from access import service
from access.errors import NotAuthenticated
from access.schemas import Principal, Role
from core.deps import ConnDep

_bearer = HTTPBearer(auto_error=False, description="A token from `carehub users add`.")


async def current_principal(
    conn: ConnDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None:
        raise NotAuthenticated("missing bearer token")
    return await service.authenticate(conn, credentials.credentials)


def require(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only the given roles through (403 for any other)."""
    allowed = frozenset(roles)

    async def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        service.check_role(principal, allowed)
        return principal

    return dependency


AnyUser = Annotated[Principal, Depends(current_principal)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
Technician = Annotated[Principal, Depends(require(Role.TECHNICIAN, Role.ADMIN))]
"""Technicians (and admins): devices, their health, pending devices and dead letters."""
