"""FastAPI dependencies that domain routers use without importing `hub`.

`hub` opens the connection pool in its lifespan and puts it on `app.state.pool`; a router asks for a
connection with `ConnDep` and gets one from that pool for the length of the request.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool


def get_pool(request: Request) -> AsyncConnectionPool:
    pool: AsyncConnectionPool = request.app.state.pool
    return pool


async def get_conn(request: Request) -> AsyncIterator[AsyncConnection]:
    async with get_pool(request).connection() as conn:
        yield conn


PoolDep = Annotated[AsyncConnectionPool, Depends(get_pool)]
ConnDep = Annotated[AsyncConnection, Depends(get_conn)]
