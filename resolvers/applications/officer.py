"""The officer's root fields: the agency's queue, taking an application into review, and the decision. An officer
sees and decides only the applications of their own agency; another agency's answer as if they did not exist."""

from __future__ import annotations

import orjson
import strawberry

from auth.permissions import IsAgencyOfficer
from core.policy import LIST_PAGES, PRIVATE, FieldPolicy
from db import access_log
from db.applications import QUEUE
from loaders.context import Info
from resolvers.applications import lifecycle
from resolvers.applications.citizen import answer, application_pk, invalid_id
from resolvers.applications.quarters import today_in_vietnam
from resolvers.mutation import run_mutation
from schema.application import Application, ApplicationDecision, ApplicationPayload, ApplicationQueueFilter
from schema.lists import list_page
from schema.pagination import Connection

QUEUE_PURPOSE = "Giải quyết hồ sơ dịch vụ công"


def _officer(info: Info) -> lifecycle.Actor:
    viewer = info.context.viewer
    assert viewer.person_id is not None and viewer.agency_id is not None  # IsAgencyOfficer guards the field
    return lifecycle.Actor("AGENCY_OFFICER", viewer.person_id, address=viewer.client_address,
                           agency_id=viewer.agency_id)


@strawberry.type
class ApplicationOfficerQuery:
    @strawberry.field(
        permission_classes=[IsAgencyOfficer],
        description="Applications of the officer's own agency, oldest first. Each listed applicant's access log "
        "records the read.",
        metadata=FieldPolicy(pages=LIST_PAGES).metadata(),
    )
    async def application_queue(
        self, info: Info, filter: ApplicationQueueFilter | None = None, first: int | None = None,
        after: str | None = None,
    ) -> Connection[Application]:
        officer = _officer(info)
        chosen = filter or ApplicationQueueFilter()
        value = {
            "agency": officer.agency_id,
            "kind": chosen.kind.value if chosen.kind else None,
            "status": chosen.status.value if chosen.status else None,
            "from": chosen.submitted_from.isoformat() if chosen.submitted_from else None,
            "to": chosen.submitted_to.isoformat() if chosen.submitted_to else None,
        }
        page = await list_page(
            info, QUEUE, Application.from_row, list_name="applicationQueue", first=first, after=after,
            value=orjson.dumps(value).decode(),
        )
        async with info.context.database.acquire() as conn, conn.transaction():
            for person_id in dict.fromkeys(edge.node.person_id for edge in page.edges):
                await access_log.record_access(
                    conn, person_id=person_id, actor_kind="AGENCY_OFFICER", actor_name="Cán bộ cơ quan BHXH",
                    actor_ref=str(officer.person_id), purpose=QUEUE_PURPOSE, data_categories=["IDENTITY", "CARD"],
                )
        return page


@strawberry.type
class ApplicationOfficerMutation:
    @strawberry.mutation(
        permission_classes=[IsAgencyOfficer],
        description="Take an application into review (tiếp nhận): the citizen can no longer cancel it.",
        metadata=PRIVATE.metadata(),
    )
    async def review_application(self, info: Info, id: strawberry.ID) -> ApplicationPayload:
        pk = application_pk(id)
        if pk is None:
            return invalid_id()
        officer = _officer(info)
        return answer(await run_mutation(info, lambda conn: lifecycle.review(conn, pk, officer)))

    @strawberry.mutation(
        permission_classes=[IsAgencyOfficer],
        description="Approve (the change takes effect now, in the same transaction) or reject with a reason; the "
        "citizen is told in the inbox, by SMS and by e-mail.",
        metadata=PRIVATE.metadata(),
    )
    async def decide_application(
        self, info: Info, id: strawberry.ID, decision: ApplicationDecision, reason: str | None = None
    ) -> ApplicationPayload:
        pk = application_pk(id)
        if pk is None:
            return invalid_id()
        officer = _officer(info)
        approve = decision is ApplicationDecision.APPROVE
        today = today_in_vietnam()
        result = await run_mutation(
            info, lambda conn: lifecycle.decide(conn, pk, officer, approve=approve, reason=reason, today=today)
        )
        return answer(result)
