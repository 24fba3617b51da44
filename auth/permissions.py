"""Authorization declared on the schema: permission classes on fields, and `OwnedByViewer` on personal types.

A denied field is null plus an error with `extensions.code`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar

from graphql import GraphQLResolveInfo
from strawberry.permission import BasePermission
from strawberry.types import Info

from auth.viewer import Viewer, ViewerKind
from core.errors import ApiError, ErrorCode
from core.text_ids import TextId
from core.texts import text


def _viewer(info: Info[Any, Any] | GraphQLResolveInfo[Any]) -> Viewer:
    viewer: Viewer = info.context.viewer
    return viewer


def _require_full_session(viewer: Viewer) -> None:
    if viewer.person_id is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, text(TextId.SIGN_IN_TO_SEE))
    if viewer.password_change_only:
        raise ApiError(ErrorCode.PASSWORD_CHANGE_REQUIRED, text(TextId.CHANGE_PASSWORD_TO_CONTINUE))


def require_reader(viewer: Viewer, person_id: int, part: str | None) -> bool:
    """May the viewer read `part` of person `person_id`? True: it is their own data; False: someone else's that
    they may read (as guardian or grantee: the read must be logged); otherwise the coded error to answer with.
    `part` None: only the person themself (their access log, their grants)."""
    _require_full_session(viewer)
    if person_id == viewer.person_id:
        return True
    if part is None or part not in viewer.access.get(person_id, ()):
        raise ApiError(ErrorCode.FORBIDDEN, text(TextId.ANOTHER_PERSONS_DATA))
    return False


def reader_check(
    info: Info[Any, Any] | GraphQLResolveInfo[Any], person_id: int, part: str | None
) -> Awaitable[bool] | None:
    """`require_reader`: None for the viewer's own data; for someone else's, the logging of the read in the
    owner's access log (once per request, owner and part), to await before any of it is served. The context's
    `record_read` (loaders/context.py) writes it."""
    if require_reader(_viewer(info), person_id, part):
        return None
    recorded: Awaitable[bool] = info.context.record_read(person_id, part)
    return recorded


class IsSignedIn(BasePermission):
    """A person with a full session (citizen or agency officer); a password-change-only session is refused."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        _require_full_session(_viewer(info))
        return True


class OwnedByViewer:
    """Base of every personal type (Person, InsuranceCard, ...): its fields answer only to the person it belongs to,
    and to whoever may read its `access_part` of that person (a guardian, a grantee: docs/authorization.md).

    The check runs once per object, as GraphQL completes it (graphql-core calls the type's `is_type_of` before any
    of its fields), and compares the object's `person_id` with the viewer. A foreign object never yields a field:
    the field that led to it is null plus an error with `extensions.code` (UNAUTHENTICATED with no full session,
    PASSWORD_CHANGE_REQUIRED, or FORBIDDEN for another person's object), and the rest of the response comes back.
    Leaves stay plain attributes, so no field of a personal object pays for a permission of its own. The owner's
    objects pass synchronously; a guardian's or grantee's pass once their read is logged.
    """

    if TYPE_CHECKING:
        person_id: int  # declared by each personal type as `strawberry.Private[int]`
    # The part of a person's data the type is (db/readable.py); None: only the person reads it.
    access_part: ClassVar[str | None] = None

    @classmethod
    def is_type_of(cls, obj: Any, info: GraphQLResolveInfo[Any]) -> bool | Awaitable[bool]:
        if not isinstance(obj, cls):
            return False
        viewer = _viewer(info)
        if obj.person_id == viewer.person_id and not viewer.password_change_only:
            return True  # the owner: no awaiting on the hot path
        recorded = reader_check(info, obj.person_id, cls.access_part)
        return True if recorded is None else recorded


class GrantPartiesOnly:
    """Base of the access grant: it answers only to its two parties, the owner and the grantee (checked once per
    object, as OwnedByViewer does)."""

    if TYPE_CHECKING:
        owner_id: int
        grantee_id: int

    @classmethod
    def is_type_of(cls, obj: Any, info: GraphQLResolveInfo[Any]) -> bool:
        if not isinstance(obj, cls):
            return False
        viewer = _viewer(info)
        _require_full_session(viewer)
        if viewer.person_id not in (obj.owner_id, obj.grantee_id):
            raise ApiError(ErrorCode.FORBIDDEN, text(TextId.GRANT_OF_OTHERS))
        return True


class IsAgencyOfficer(BasePermission):
    """Staff of a social insurance agency, acting for their own agency."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        viewer = _viewer(info)
        _require_full_session(viewer)
        if viewer.kind is not ViewerKind.AGENCY_OFFICER or viewer.agency_id is None:
            raise ApiError(ErrorCode.FORBIDDEN, text(TextId.AGENCY_STAFF_ONLY))
        return True


class _HasScope(BasePermission):
    scope: ClassVar[str]

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        viewer = _viewer(info)
        if viewer.kind is not ViewerKind.PARTNER:
            raise ApiError(ErrorCode.UNAUTHENTICATED, text(TextId.PARTNER_KEY_NEEDED, scope=self.scope))
        if self.scope not in viewer.scopes:
            raise ApiError(ErrorCode.FORBIDDEN, text(TextId.PARTNER_SCOPE_MISSING, scope=self.scope))
        return True


class CanVerifyCards(_HasScope):
    scope = "card:verify"


class HasSession(BasePermission):
    """Any session, a password-change-only one included: for changing the password and logging out."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        if _viewer(info).session_id is None:
            raise ApiError(ErrorCode.UNAUTHENTICATED, text(TextId.SIGN_IN_FIRST))
        return True
