"""The /metrics endpoint: Prometheus text of the metrics in core/metrics.py.

With several worker processes whichever worker answers reports the sum over all of them (PROMETHEUS_MULTIPROC_DIR).
/metrics is open in development; set VSSID_METRICS_TOKEN to require `Authorization: Bearer <token>` (production
without a token answers 404: operational figures are not for the public).
"""

from __future__ import annotations

import hmac
import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.requests import Request
from starlette.responses import Response

from core.metrics import OPERATION_PLANS, OUTBOX_BACKLOG_GAUGE, PLANNED_FIELDS, observe_pool
from core.settings import Settings
from db.outbox import backlog
from service.plan import PLANS
from service.planned import field_plan_count
from service.state import database_of


def allowed(request: Request, settings: Settings) -> bool:
    token = settings.metrics_token
    if token is None:
        return not settings.is_production
    header = request.headers.get("authorization", "")
    return hmac.compare_digest(header.encode(), f"Bearer {token}".encode())


async def metrics_endpoint(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not allowed(request, settings):
        return Response("Not Found", status_code=404, media_type="text/plain")
    database = database_of(request)
    observe_pool(database.pool)
    PLANNED_FIELDS.set(field_plan_count())
    OPERATION_PLANS.set(len(PLANS))
    try:
        async with database.acquire() as conn:
            OUTBOX_BACKLOG_GAUGE.set(await backlog(conn))
    except Exception:  # noqa: S110 - a scrape still reports everything else while the database is away
        pass
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
