"""The typed per-request context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from auth.viewer import Viewer
from db.pool import RequestConnection
from resolvers.dataloader import Loaders
from service.settings import Settings


@dataclass(slots=True)
class Context:
    request: Request
    response: Response
    pool: asyncpg.Pool
    settings: Settings
    viewer: Viewer
    # The request's one connection for its reads (loaders, pages); writes take their own from `pool`.
    connection: RequestConnection
    # False on the citizen endpoint in production (service/graphql.py decides per endpoint).
    allow_introspection: bool = True
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.connection, self.viewer)
