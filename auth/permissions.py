"""Authorization declared on the schema: permission classes on fields, and `OwnedByViewer` on personal types.

A denied field is null plus an error with `extensions.code`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from graphql import GraphQLResolveInfo
from strawberry.permission import BasePermission
from strawberry.types import Info

from auth.viewer import Viewer, ViewerKind
from core.errors import ApiError, ErrorCode


def _viewer(info: Info[Any, Any] | GraphQLResolveInfo[Any]) -> Viewer:
    viewer: Viewer = info.context.viewer
    return viewer


def _require_full_session(viewer: Viewer) -> None:
    if viewer.person_id is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, "sign in to see this")
    if viewer.password_change_only:
        raise ApiError(ErrorCode.PASSWORD_CHANGE_REQUIRED, "change your password to continue")


def require_owner(viewer: Viewer, person_id: int) -> None:
    """The viewer, with a full session, is the person `person_id`; otherwise the coded error to answer with."""
    _require_full_session(viewer)
    if person_id != viewer.person_id:
        raise ApiError(ErrorCode.FORBIDDEN, "this data belongs to another person")


class IsSignedIn(BasePermission):
    """A person with a full session (citizen or agency officer); a password-change-only session is refused."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        _require_full_session(_viewer(info))
        return True


class OwnedByViewer:
    """Base of every personal type (Person, InsuranceCard, ...): its fields answer only to the person it belongs to.

    The check runs once per object, as GraphQL completes it (graphql-core calls the type's `is_type_of` before any
    of its fields), and compares the object's `person_id` with the viewer. A foreign object never yields a field:
    the field that led to it is null plus an error with `extensions.code` (UNAUTHENTICATED with no full session,
    PASSWORD_CHANGE_REQUIRED, or FORBIDDEN for another person's object), and the rest of the response comes back.
    Leaves stay plain attributes, so no field of a personal object pays for a permission of its own.
    """

    if TYPE_CHECKING:
        person_id: int  # declared by each personal type as `strawberry.Private[int]`

    @classmethod
    def is_type_of(cls, obj: Any, info: GraphQLResolveInfo[Any]) -> bool:
        if not isinstance(obj, cls):
            return False
        require_owner(_viewer(info), obj.person_id)
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


class HasSession(BasePermission):
    """Any session, a password-change-only one included: for changing the password and logging out."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        if _viewer(info).session_id is None:
            raise ApiError(ErrorCode.UNAUTHENTICATED, "sign in first")
        return True
