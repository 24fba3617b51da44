"""Fixtures for account tests: an agency with an officer, a citizen with an account."""

from __future__ import annotations

import asyncpg
import pytest

from tests.factories import Person, make_account, make_agency, make_officer


@pytest.fixture
async def agency(db: asyncpg.Connection) -> tuple[int, str]:
    return await make_agency(db)


@pytest.fixture
async def officer(db: asyncpg.Connection, agency: tuple[int, str]) -> Person:
    return await make_officer(db, agency[0])


@pytest.fixture
async def citizen(db: asyncpg.Connection) -> Person:
    return await make_account(db)
