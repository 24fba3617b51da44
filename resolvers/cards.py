"""Health insurance cards: loaders, the row-to-type mapping, and the resolvers of the card's relations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import asyncpg

from db import cards as sql
from resolvers.dataloader import BaseLoader, in_key_order
from resolvers.facilities import FacilityByIdLoader
from resolvers.persons import PersonalLoader
from schema.info import Info

if TYPE_CHECKING:
    from schema.card import BeneficiaryGroup, InsuranceCard
    from schema.facility import Facility
    from schema.person import Person

# "Valid today" means today in Vietnam, whatever the server's clock zone.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def card_from_row(row: asyncpg.Record) -> InsuranceCard:
    from schema.card import InsuranceCard, ResidenceArea
    from schema.node import to_global_id

    return InsuranceCard(
        id=to_global_id("InsuranceCard", row["id"]),
        pk=row["id"],
        person_id=row["person_id"],
        group_code=row["group_code"],
        primary_facility_id=row["primary_facility_id"],
        card_number=row["card_number"],
        benefit_level=row["benefit_level"],
        coverage_percent=row["coverage_percent"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        five_years_continuous_from=row["five_years_continuous_from"],
        residence_area=ResidenceArea(row["residence_area"]) if row["residence_area"] else None,
    )


class InsuranceCardByIdLoader(PersonalLoader["InsuranceCard"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[InsuranceCard | None]:
        rows = in_key_order(keys, await sql.cards_by_id(conn, keys, viewer_id=viewer_id))
        return [card_from_row(r) if r else None for r in rows]


class CurrentInsuranceCardByPersonIdLoader(PersonalLoader["InsuranceCard"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[InsuranceCard | None]:
        from schema.card import BeneficiaryGroup

        today = dt.datetime.now(VIETNAM).date()
        rows = await sql.cards_valid_on(conn, keys, today, viewer_id=viewer_id)
        for row in rows:
            if row["group_name"] is not None:
                group = BeneficiaryGroup(code=row["group_code"], name=row["group_name"])
                self.prime_other(BeneficiaryGroupByCodeLoader, row["group_code"], group)
        return [card_from_row(r) if r else None for r in in_key_order(keys, rows, key="person_id")]


class BeneficiaryGroupByCodeLoader(BaseLoader[str, "BeneficiaryGroup | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[str]) -> list[BeneficiaryGroup | None]:
        from schema.card import BeneficiaryGroup

        rows = in_key_order(keys, await sql.beneficiary_groups_by_code(conn, keys), key="code")
        return [BeneficiaryGroup(code=r["code"], name=r["name"]) if r else None for r in rows]


async def resolve_current_card(root: Person, info: Info) -> InsuranceCard | None:
    return await info.context.loaders.get(CurrentInsuranceCardByPersonIdLoader).load(root.person_id)


async def resolve_beneficiary_group(root: InsuranceCard, info: Info) -> BeneficiaryGroup | None:
    return await info.context.loaders.get(BeneficiaryGroupByCodeLoader).load(root.group_code)


async def resolve_primary_facility(root: InsuranceCard, info: Info) -> Facility | None:
    return await info.context.loaders.get(FacilityByIdLoader).load(root.primary_facility_id)
