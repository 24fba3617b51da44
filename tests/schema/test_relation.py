"""A relation made with its parent reads the request's own rows: a worker-shared loader is refused where declared."""

from __future__ import annotations

import pytest

from loaders.directory import FacilityByIdLoader
from loaders.personal import ContributionSummaryRowsByPersonIdLoader
from schema.relation import relation_of_parent


def test_a_relation_made_with_its_parent_refuses_a_worker_shared_loader() -> None:
    # the plan maps a shared loader's rows one by one (loaders/shared.py), which a parent's summary cannot be
    with pytest.raises(TypeError, match="FacilityByIdLoader"):
        relation_of_parent(FacilityByIdLoader, "facility_id", lambda parent, rows: rows)
    # the request's own rows are what it is for
    relation_of_parent(ContributionSummaryRowsByPersonIdLoader, "person_id", lambda parent, rows: rows)
