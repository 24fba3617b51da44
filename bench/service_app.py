"""An ASGI factory for this service, for servers started by the bench (uvicorn --factory, granian --factory).

    DATABASE_URL=... uvicorn --factory bench.service_app:create_service_app --workers 2

It builds exactly what `main.py serve` serves (service.app.create_app with the settings from the environment),
without the embedded database, migrations or demo data, which the bench prepares itself.
"""

from __future__ import annotations

from starlette.applications import Starlette

from core.settings import load_settings
from main import tune_collector
from service.app import create_app


def create_service_app() -> Starlette:
    settings = load_settings()
    if settings.database_url is None:
        raise SystemExit("set DATABASE_URL to the bench database")
    app = create_app(settings, settings.database_url)
    tune_collector()  # as `main.py serve` does in each worker
    return app
