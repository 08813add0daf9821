"""Users: admins list and create them; each creation returns the user's first token."""

from fastapi import APIRouter, status

from access import service
from access.deps import Admin, AnyUser
from access.schemas import Principal, TokenRead, UserCreate, UserRead
from core.deps import ConnDep

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me")
async def whoami(principal: AnyUser) -> dict[str, object]:
    return {"id": principal.user_id, "name": principal.name, "role": principal.role, "team_id": principal.team_id}


@router.get("")
async def list_users(conn: ConnDep, _: Admin) -> list[UserRead]:
    return await service.list_users(conn)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_user(conn: ConnDep, principal: Admin, body: UserCreate) -> TokenRead:
    created = await service.create_user(conn, body)
    await service.audit(conn, principal, "create", f"user/{created.user.id}", f"role={body.role.value}")
    return created


__all__ = ["Principal", "router"]
