"""The app's typed state: what the lifespan (service/app.py) sets up for every request to use."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from db.pool import Database


def database_of(request: HTTPConnection) -> Database:
    """The app's database, opened in the lifespan."""
    database: Database = request.app.state.database
    return database
