"""The typed per-request context handed to every resolver, and the resolvers' `Info` type."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from auth.viewer import Viewer
from core.settings import Settings
from db.inbox_feed import InboxFeed
from db.pool import Database, RequestConnection
from loaders.base import Loaders, scoped_person_id
from loaders.family import AccessLogWriter
from loaders.personal import PersonByIdLoader
from loaders.shared import SharedRows


@dataclass(slots=True, weakref_slot=True)
class Context:
    # A subscription's are its WebSocket (service/subscriptions.py); only subscription fields run there.
    request: Request
    response: Response
    database: Database
    settings: Settings
    viewer: Viewer
    # The request's one connection for its reads (loaders, pages); writes take their own from `database`.
    connection: RequestConnection
    # False on the citizen endpoint in production (service/graphql.py decides per endpoint).
    allow_introspection: bool = True
    # A subscription's: the payload of its connection_init, and this process's feed of new inbox messages.
    connection_params: dict[str, object] | None = None
    inbox_feed: InboxFeed | None = None
    # The worker's reference rows, shared by its requests for a while (loaders/shared.py).
    shared_rows: SharedRows | None = None
    # Set when a planned answer met an error and was thrown away (service/lean.py): graphql-core answers alone.
    plan_abandoned: bool = False
    # The verification of a guessed viewer, until it is done (service/speculation.py): the check to run, then the
    # callers waiting for its outcome while it runs; None: the viewer is known.
    viewer_check: Callable[[], Awaitable[Viewer | None]] | list[asyncio.Future[bool]] | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.use_viewer(self.viewer)

    def use_viewer(self, viewer: Viewer) -> None:
        """Serve the request as `viewer`, with loaders of its own (none of another viewer's rows)."""
        self.viewer = viewer
        self.loaders = Loaders(self.connection, viewer, self.shared_rows)
        # The viewer's own person was read with the session: `me` costs no statement of its own.
        person_id = scoped_person_id(viewer)
        if person_id is not None and viewer.person is not None:
            self.loaders.get(PersonByIdLoader).prime(person_id, viewer.person)

    def record_read(self, person_id: int, part: str) -> Awaitable[bool]:
        """Log a read of `part` of someone else's data (auth.permissions.reader_check), once per request."""
        recorded: Awaitable[bool] = self.loaders.get(AccessLogWriter).load((person_id, part))
        return recorded


Info: TypeAlias = strawberry.Info[Context, None]
