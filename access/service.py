"""Users, tokens and checks. A token is shown once and stored only as its SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import psycopg
from psycopg import AsyncConnection

from access import repo
from access.errors import NotAllowed, NotAuthenticated, UserConflict, UserInvalid, UserNotFound
from access.schemas import Principal, Role, TokenRead, UserCreate, UserRead

TOKEN_PREFIX = "chub_"  # noqa: S105 (a public prefix, not a secret)


def hash_token(token: str) -> bytes:
    # Tokens are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).digest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def create_user(conn: AsyncConnection, data: UserCreate, expires_at: datetime | None = None) -> TokenRead:
    if data.role is Role.HOMECARE and data.team_id is None:
        raise UserInvalid("a home-care user needs a team_id")
    async with conn.transaction():
        if data.team_id is not None and not await repo.team_exists(conn, data.team_id):
            raise UserInvalid(f"team {data.team_id} does not exist")
        try:
            async with conn.transaction():
                user = await repo.insert_user(conn, data.name, data.role.value, data.team_id)
        except psycopg.errors.UniqueViolation as err:
            raise UserConflict(f"a user named {data.name!r} exists") from err
        token = new_token()
        await repo.insert_token(conn, user.id, hash_token(token), expires_at)
    return TokenRead(user=user, token=token)


async def issue_token(conn: AsyncConnection, name: str, *, revoke_old: bool = False) -> TokenRead:
    async with conn.transaction():
        user = await repo.user_by_name(conn, name)
        if user is None:
            raise UserNotFound(f"no user named {name!r}")
        if revoke_old:
            await repo.revoke_tokens(conn, user.id)
        token = new_token()
        await repo.insert_token(conn, user.id, hash_token(token), None)
    return TokenRead(user=user, token=token)


async def list_users(conn: AsyncConnection) -> list[UserRead]:
    return await repo.list_users(conn)


async def authenticate(conn: AsyncConnection, token: str) -> Principal:
    if not token.startswith(TOKEN_PREFIX):
        raise NotAuthenticated("unknown token")
    user = await repo.user_by_token(conn, hash_token(token))
    if user is None:
        raise NotAuthenticated("unknown, expired or revoked token")
    return Principal(user_id=user.id, name=user.name, role=Role(user.role), team_id=user.team_id)


def check_role(principal: Principal, roles: frozenset[Role]) -> None:
    if principal.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise NotAllowed(f"role {principal.role.value} may not do this (needs one of: {allowed})")


async def audit(conn: AsyncConnection, principal: Principal, action: str, resource: str, detail: str = "") -> None:
    """Record that a user read or changed personal data. Written in the caller's transaction."""
    await repo.insert_audit(conn, principal.user_id, action, resource, detail)
