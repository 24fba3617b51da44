"""The typed per-request context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from auth.viewer import Viewer
from resolvers.dataloader import Loaders
from service.settings import Settings


@dataclass(slots=True)
class Context:
    request: Request
    response: Response
    pool: asyncpg.Pool
    settings: Settings
    viewer: Viewer
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.pool, self.viewer)
