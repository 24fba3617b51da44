"""The app's typed state: what the lifespan (service/app.py) sets up for every request to use."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from db.pool import Database
from db.replicas import ReplicaSet


def database_of(request: HTTPConnection) -> Database:
    """The app's database, opened in the lifespan."""
    database: Database = request.app.state.database
    return database


def replicas_of(request: HTTPConnection) -> ReplicaSet | None:
    """The app's read replicas (DATABASE_REPLICA_URLS), or None when it reads on the primary alone."""
    replicas: ReplicaSet | None = getattr(request.app.state, "replicas", None)
    return replicas
