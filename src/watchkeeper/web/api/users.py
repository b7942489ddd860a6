"""``/api/users``: local accounts, listed and created by those whose role allows it."""

from __future__ import annotations

from fastapi import APIRouter, status

from watchkeeper.web.api.context import AccountsDep, SignedIn
from watchkeeper.web.api.schemas import UserCreate, UserRead

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("")
def list_users(accounts: AccountsDep, actor: SignedIn) -> list[UserRead]:
    """Every account with its role and whether it is enabled or locked out."""
    return [
        UserRead(
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            enabled=u.enabled,
            locked_until=u.locked_until,
        )
        for u in accounts.list_users(actor)
    ]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, accounts: AccountsDep, actor: SignedIn) -> UserRead:
    """Create a local account; the password is hashed by the accounts service, never echoed."""
    accounts.create_user(actor, body.username, body.display_name, body.role, body.password)
    return UserRead(
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        enabled=True,
        locked_until=None,
    )
