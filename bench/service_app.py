"""The bench's entry point to this service (uvicorn --factory, granian --factory), stable across revisions.

    DATABASE_URL=... uvicorn --factory bench.service_app:create_service_app --workers 2

It builds exactly what each worker of `main.py serve` serves, without the embedded database, migrations or demo
data, which the bench prepares itself. A baseline revision (bench/run.py --baseline) is started by its own copy.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette

from service.app import create_worker_app


def create_service_app() -> Starlette:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the bench database")
    return create_worker_app()
