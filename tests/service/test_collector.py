"""A request's objects go when it ends, not at the cyclic collector's next pass.

The collector pauses the worker for tens of milliseconds when it finds tens of thousands of objects in reference
cycles (under load every request made about fifty, and each pause held up every request in flight: p99 was four
times p50). So nothing a request makes may keep itself alive by a cycle: its loaders, its connection, its
execution context, its plan run. Both executors, answers with and without errors.
"""

from __future__ import annotations

import gc
from typing import Any

import pytest

from core.settings import Settings, load_settings
from tests.graphql import CONTRACT_DIR
from tests.service.test_planned import Pair, pair

__all__ = ["pair"]

# The project's packages, graphql-core's execution and Starlette's request: what a request of ours makes.
OURS = ("auth.", "db.", "loaders.", "resolvers.", "schema.", "service.", "graphql.execution", "starlette.requests")


@pytest.fixture
def settings(db_dsn: str) -> Settings:
    """The pair's settings with nothing running in the background while the collector watches: only the requests'
    objects are looked at (the outbox dispatcher and housekeeping have tests of their own)."""
    env = {"VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0"}
    return load_settings({"DATABASE_URL": db_dsn, "VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "4", **env})


def _document(name: str) -> str:
    return (CONTRACT_DIR / f"{name}.graphql").read_text(encoding="utf-8")


def _ours(garbage: list[Any]) -> list[str]:
    kinds = {type(o) for o in garbage}
    return sorted(f"{kind.__module__}.{kind.__qualname__}" for kind in kinds if kind.__module__.startswith(OURS))


@pytest.mark.parametrize(
    ("role", "name", "variables"),
    [
        ("owner", "mobile/Home", None),
        ("owner", "mobile/MedicalHistory", {"first": 20}),
        ("anonymous", "mobile/Home", None),  # refused: the answer carries an error
        ("anonymous", "public/Facilities", {"first": 5}),
    ],
)
async def test_a_request_leaves_nothing_in_reference_cycles(
    pair: Pair, role: str, name: str, variables: dict[str, Any] | None
) -> None:
    # given the documents planned and cached, and every shared row read once
    await pair.both(role, "/graphql", _document(name), variables)
    # when they are asked again, by both executors, with the collector watching
    garbage: list[Any] = []
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        await pair.both(role, "/graphql", _document(name), variables)
        await pair.both(role, "/graphql", _document(name), variables)
    finally:
        gc.collect()
        gc.set_debug(0)
        garbage.extend(gc.garbage)
        gc.garbage.clear()
    # then none of the request's objects was kept alive by a cycle
    assert _ours(garbage) == []
