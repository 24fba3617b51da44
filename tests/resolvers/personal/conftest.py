"""Fixtures for the personal graph: an app whose pool logs every SQL statement it runs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.settings import Settings
from tests.clients import AppClient, StatementLog, app_client


@pytest.fixture
async def counting(settings: Settings, db_dsn: str) -> AsyncIterator[AppClient]:
    """The whole app over ASGI, on a pool whose connections log each statement they send."""
    async with app_client(settings, db_dsn, log=StatementLog()) as served:
        yield served
