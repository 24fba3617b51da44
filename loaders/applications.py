"""The loaders of applications: their transitions, read for their owner or an officer of their agency."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from db import applications, payment_orders
from loaders.base import BaseLoader, PersonalLoader, scoped_person_id


class ApplicationByIdLoader(PersonalLoader):
    """An application by id for `node(id:)`: its owner's only (an officer reads the queue, not a node)."""

    fetch = applications.APPLICATIONS.by_id


class ApplicationTransitionsByApplicationIdLoader(BaseLoader):
    key = "application_id"
    many = True

    async def rows(self, conn: asyncpg.Connection, keys: Sequence[Any]) -> list[asyncpg.Record]:
        return await applications.transitions_for_viewer(
            conn, keys, viewer_id=scoped_person_id(self.viewer), agency_id=self.viewer.agency_id
        )


class PaymentOrderByApplicationIdLoader(BaseLoader):
    """The latest order of each application."""

    key = "application_id"

    async def rows(self, conn: asyncpg.Connection, keys: Sequence[Any]) -> list[asyncpg.Record]:
        return await payment_orders.latest_for_viewer(
            conn, list(keys), viewer_id=scoped_person_id(self.viewer), agency_id=self.viewer.agency_id
        )
