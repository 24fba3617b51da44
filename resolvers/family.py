"""The family's mutations: give, accept and revoke a grant. Reading is on Person (dependants, grantedPersons,
grants) and through `node(id:)`; each mutation owns one transaction (run_mutation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import asyncpg
import strawberry

from auth import grants
from auth.permissions import IsSignedIn
from auth.refusal import Refusal
from core.errors import ApiError, ErrorCode
from core.policy import PRIVATE
from core.text_ids import TextId
from core.texts import text
from db import family as sql
from loaders.context import Info
from resolvers.mutation import run_mutation, user_error
from schema.errors import UserError
from schema.family import AccessGrant, AccessGrantPayload, AccessPart
from schema.ids import from_global_id

GRANT_TYPE = "AccessGrant"


async def _payload(info: Info, work: Callable[[asyncpg.Connection, int], Awaitable[int]]) -> AccessGrantPayload:
    """Run `work(conn, viewer_id)` (it returns the grant's id) and answer the grant as it now stands."""
    viewer_id = info.context.viewer.person_id
    assert viewer_id is not None  # IsSignedIn guards every mutation here

    async def run(conn: asyncpg.Connection) -> AccessGrant:
        grant_id = await work(conn, viewer_id)
        rows = await sql.grants_by_id(conn, [grant_id], viewer_id=viewer_id)
        return AccessGrant.from_row(rows[0])

    result = await run_mutation(info, run)
    if isinstance(result, Refusal):
        return AccessGrantPayload(errors=[user_error(result)])
    return AccessGrantPayload(grant=result)


async def _on_grant(
    info: Info, id: strawberry.ID, rule: Callable[[asyncpg.Connection, int, int, str | None], Awaitable[int]]
) -> AccessGrantPayload:
    """`rule(conn, viewer_id, grant_id, client_address)` on the grant `id`; INVALID_ID for any other ID."""
    try:
        type_name, pk = from_global_id(id)
    except ApiError:
        type_name, pk = "", 0
    if type_name != GRANT_TYPE:
        return AccessGrantPayload(
            errors=[UserError(code=ErrorCode.INVALID_ID, message=text(TextId.GRANT_ID_INVALID).render(), field="id")]
        )
    address = info.context.viewer.client_address
    return await _payload(info, lambda conn, viewer: rule(conn, viewer, pk, address))


@strawberry.type
class FamilyMutation:
    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="Let the account holder with this social insurance code read `parts` of your data until "
        "`validUntil` (at most 5 years ahead), once they accept. Revocable at any time (revokeGrant).",
        metadata=PRIVATE.metadata(),
    )
    async def grant_access(
        self, info: Info, grantee_social_insurance_code: str, parts: list[AccessPart], valid_until: dt.datetime
    ) -> AccessGrantPayload:
        address = info.context.viewer.client_address
        chosen = [part.value for part in parts]
        return await _payload(
            info,
            lambda conn, viewer: grants.grant_access(
                conn, viewer, code=grantee_social_insurance_code, parts=chosen, valid_until=valid_until,
                client_address=address,
            ),
        )

    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="The grantee accepts a pending grant; the owner's granted parts answer from the next request.",
        metadata=PRIVATE.metadata(),
    )
    async def accept_grant(self, info: Info, id: strawberry.ID) -> AccessGrantPayload:
        return await _on_grant(info, id, grants.accept_grant)

    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="The owner revokes a grant, or the grantee declines or leaves it: it stops at the next request.",
        metadata=PRIVATE.metadata(),
    )
    async def revoke_grant(self, info: Info, id: strawberry.ID) -> AccessGrantPayload:
        return await _on_grant(info, id, grants.revoke_grant)
