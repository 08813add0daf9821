"""SQL for users, API tokens and the audit log. Repos never commit; services own transactions."""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row

from access.schemas import UserRead

INSERT_USER = """
INSERT INTO users (name, role, team_id) VALUES (%s, %s, %s)
RETURNING id, name, role, team_id, created_at, disabled_at
"""
INSERT_APITOKEN = "INSERT INTO api_tokens (user_id, token_hash, expires_at) VALUES (%s, %s, %s)"
USER_BY_APITOKEN = """
UPDATE api_tokens t SET last_used_at = now()
FROM users u
WHERE t.token_hash = %s AND u.id = t.user_id
  AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL
RETURNING u.id, u.name, u.role, u.team_id, u.created_at, u.disabled_at
"""
USER_BY_NAME = "SELECT id, name, role, team_id, created_at, disabled_at FROM users WHERE name = %s"
LIST_USERS = "SELECT id, name, role, team_id, created_at, disabled_at FROM users ORDER BY id"
REVOKE_APITOKENS = "UPDATE api_tokens SET revoked_at = now() WHERE user_id = %s AND revoked_at IS NULL"
INSERT_AUDIT = "INSERT INTO audit_log (user_id, action, resource, detail) VALUES (%s, %s, %s, %s)"
TEAM_EXISTS = "SELECT 1 FROM teams WHERE id = %s"


async def insert_user(conn: AsyncConnection, name: str, role: str, team_id: int | None) -> UserRead:
    async with conn.cursor(row_factory=class_row(UserRead)) as cur:
        await cur.execute(INSERT_USER, (name, role, team_id))
        row = await cur.fetchone()
    assert row is not None
    return row


async def insert_token(conn: AsyncConnection, user_id: int, token_hash: bytes, expires_at: datetime | None) -> None:
    await conn.execute(INSERT_APITOKEN, (user_id, token_hash, expires_at))


async def user_by_token(conn: AsyncConnection, token_hash: bytes) -> UserRead | None:
    async with conn.cursor(row_factory=class_row(UserRead)) as cur:
        await cur.execute(USER_BY_APITOKEN, (token_hash,))
        return await cur.fetchone()


async def user_by_name(conn: AsyncConnection, name: str) -> UserRead | None:
    async with conn.cursor(row_factory=class_row(UserRead)) as cur:
        await cur.execute(USER_BY_NAME, (name,))
        return await cur.fetchone()


async def list_users(conn: AsyncConnection) -> list[UserRead]:
    async with conn.cursor(row_factory=class_row(UserRead)) as cur:
        await cur.execute(LIST_USERS)
        return await cur.fetchall()


async def revoke_tokens(conn: AsyncConnection, user_id: int) -> None:
    await conn.execute(REVOKE_APITOKENS, (user_id,))


async def team_exists(conn: AsyncConnection, team_id: int) -> bool:
    cur = await conn.execute(TEAM_EXISTS, (team_id,))
    return await cur.fetchone() is not None


async def insert_audit(conn: AsyncConnection, user_id: int | None, action: str, resource: str, detail: str) -> None:
    await conn.execute(INSERT_AUDIT, (user_id, action, resource, detail))
