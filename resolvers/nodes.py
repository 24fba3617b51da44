"""`node(id:)`: fetch any object by its global ID, through the same loaders (and so the same scoping) as every path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

from resolvers.benefits import BenefitByIdLoader
from resolvers.cards import InsuranceCardByIdLoader
from resolvers.contributions import ContributionPeriodByIdLoader
from resolvers.dataloader import BaseLoader
from resolvers.employers import EmployerByIdLoader
from resolvers.facilities import FacilityByIdLoader
from resolvers.persons import PersonByIdLoader
from resolvers.support import FaqByIdLoader, NewsItemByIdLoader
from resolvers.visits import MedicalVisitByIdLoader
from schema.errors import ApiError, ErrorCode
from schema.info import Info
from schema.node import from_global_id

if TYPE_CHECKING:
    from schema.node import Node

# Personal loaders answer None for another person's row: a foreign ID reads exactly like a missing one.
LOADERS: dict[str, type[BaseLoader[int, Any]]] = {
    "Person": PersonByIdLoader,
    "InsuranceCard": InsuranceCardByIdLoader,
    "ContributionPeriod": ContributionPeriodByIdLoader,
    "Benefit": BenefitByIdLoader,
    "MedicalVisit": MedicalVisitByIdLoader,
    "Facility": FacilityByIdLoader,
    "Employer": EmployerByIdLoader,
    "Faq": FaqByIdLoader,
    "NewsItem": NewsItemByIdLoader,
}


async def resolve_node(info: Info, id: strawberry.ID) -> Node | None:
    type_name, pk = from_global_id(id)
    loader = LOADERS.get(type_name)
    if loader is None:
        raise ApiError(ErrorCode.INVALID_ID, "this is not an ID this API gave out", field="id")
    node: Node | None = await info.context.loaders.get(loader).load(pk)
    return node
