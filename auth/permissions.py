"""Permission classes, declared on schema fields. A denied field is null plus an error with `extensions.code`."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission
from strawberry.types import Info

from auth.viewer import Viewer, ViewerKind
from schema.errors import ApiError, ErrorCode


def _viewer(info: Info[Any, Any]) -> Viewer:
    viewer: Viewer = info.context.viewer
    return viewer


def _require_full_session(viewer: Viewer) -> None:
    if viewer.person_id is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, "sign in to see this")
    if viewer.password_change_only:
        raise ApiError(ErrorCode.PASSWORD_CHANGE_REQUIRED, "change your password to continue")


class IsSignedIn(BasePermission):
    """A person with a full session (citizen or agency officer); a password-change-only session is refused."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        _require_full_session(_viewer(info))
        return True


class IsOwner(BasePermission):
    """The viewer is the person the object belongs to (`source.person_id`).

    Another person's data answers FORBIDDEN on the field, never the value.
    """

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        viewer = _viewer(info)
        _require_full_session(viewer)
        if source.person_id != viewer.person_id:
            raise ApiError(ErrorCode.FORBIDDEN, "this data belongs to another person")
        return True


class IsAgencyOfficer(BasePermission):
    """Staff of a social insurance agency, acting for their own agency."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        viewer = _viewer(info)
        _require_full_session(viewer)
        if viewer.kind is not ViewerKind.AGENCY_OFFICER or viewer.agency_id is None:
            raise ApiError(ErrorCode.FORBIDDEN, "only agency staff may do this")
        return True


class _HasScope(BasePermission):
    scope: ClassVar[str]

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        viewer = _viewer(info)
        if viewer.kind is not ViewerKind.PARTNER:
            raise ApiError(ErrorCode.UNAUTHENTICATED, f"send a partner API key with scope {self.scope} in X-API-Key")
        if self.scope not in viewer.scopes:
            raise ApiError(ErrorCode.FORBIDDEN, f"this API key lacks scope {self.scope}")
        return True


class CanVerifyCards(_HasScope):
    scope = "card:verify"


class CanReadDirectory(_HasScope):
    scope = "directory:read"


class HasSession(BasePermission):
    """Any session, a password-change-only one included: for changing the password and logging out."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        if _viewer(info).session_id is None:
            raise ApiError(ErrorCode.UNAUTHENTICATED, "sign in first")
        return True
