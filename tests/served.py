"""The app served over real TCP by uvicorn, in the test's own event loop: for clients that are not Python (a browser,
the graphql-http audit in Node.js) and need an address to connect to."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import uvicorn
from starlette.types import ASGIApp

from core.settings import Settings
from service.app import create_app


@asynccontextmanager
async def serving(app: ASGIApp, *, lifespan: Literal["on", "off"] = "on", port: int = 0) -> AsyncIterator[str]:
    """`app` listening on a free loopback port (or `port`, when another party must know it beforehand), served by
    uvicorn in this event loop; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan=lifespan)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@asynccontextmanager
async def served(settings: Settings, dsn: str) -> AsyncIterator[str]:
    """The app on `dsn` (lifespan running) listening on a free loopback port; yields its base URL."""
    async with serving(create_app(settings, dsn)) as url:
        yield url
