"""``/api/session``: sign in (sets the session cookie), who am I, sign out."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from watchkeeper.web.api.context import SignedIn
from watchkeeper.web.api.schemas import SessionCreate, SessionRead
from watchkeeper.web.security import SessionGrant, current_grant, end_session, start_session
from watchkeeper.web.security import sign_in as throttled_sign_in

router = APIRouter(prefix="/api/session", tags=["session"])


def present(grant: SessionGrant) -> SessionRead:
    return SessionRead(
        username=grant.actor.username,
        role=grant.actor.role,
        csrf_token=grant.csrf_token,
        expires_at=grant.expires_at,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def sign_in(body: SessionCreate, request: Request, response: Response) -> SessionRead:
    """Sign in; sets the ``wk_session`` cookie and returns the CSRF token to send back."""
    grant = throttled_sign_in(request, body.username, body.password)
    start_session(request, response, grant)
    return present(grant)


@router.get("")
def who_am_i(request: Request) -> SessionRead:
    """The signed-in user, their role, and the session's CSRF token."""
    return present(current_grant(request))


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(request: Request, response: Response, actor: SignedIn) -> None:
    """Sign out (CSRF-checked like every unsafe request) and clear the cookie."""
    end_session(request, response)
