"""Fixtures for the personal graph: an app whose pool logs every SQL statement it runs."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from core.settings import Settings
from tests.clients import AppClient, StatementLog, app_client


@pytest.fixture
async def counting(settings: Settings, db_dsn: str) -> AsyncIterator[AppClient]:
    """The whole app over ASGI, on a pool whose connections log each statement they send. Reference rows are not
    shared between requests (loaders/shared.py, tested in tests/loaders): each request's count is its own."""
    alone = dataclasses.replace(settings, reference_cache_seconds=0)
    async with app_client(alone, db_dsn, log=StatementLog()) as served:
        yield served
