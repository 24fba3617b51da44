"""Prometheus metric primitives: the metrics every layer records into (service/metrics.py serves them).

With several worker processes (`VSSID_WORKERS` > 1) `main.py serve` sets PROMETHEUS_MULTIPROC_DIR before the workers
start, and every worker writes its values there.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
# Operation names come from clients: only well-formed names, and at most this many distinct ones per process.
OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
MAX_OPERATION_NAMES = 200

GRAPHQL_REQUESTS = Counter(
    "vssid_graphql_requests", "GraphQL operations by name and outcome (ok or the first error code).",
    ["operation", "outcome"],
)
GRAPHQL_LATENCY = Histogram(
    "vssid_graphql_request_duration_seconds", "GraphQL request latency by operation name.", ["operation"],
    buckets=LATENCY_BUCKETS,
)
HTTP_REQUESTS = Counter("vssid_http_requests", "HTTP requests by route and status.", ["route", "status"])
UNAVAILABLE = Counter(
    "vssid_unavailable", "Requests answered SERVICE_UNAVAILABLE, by reason (DATABASE_UNAVAILABLE, OVERLOADED).",
    ["reason"],
)
POOL_CONNECTIONS = Gauge(
    "vssid_db_pool_connections", "Pooled database connections by state (in_use, idle, max), summed over workers.",
    ["state"], multiprocess_mode="livesum",
)
PASSWORD_WORK = Gauge(
    "vssid_password_work", "argon2 operations running or waiting, summed over workers.", multiprocess_mode="livesum"
)
PASSWORD_REFUSED = Counter("vssid_password_work_refused", "argon2 operations refused because the gate was full.")
LOADER_BATCH = Histogram(
    "vssid_loader_batch_size", "Keys per DataLoader batch (one SQL statement each), by loader.", ["loader"],
    buckets=BATCH_BUCKETS,
)
PLANNED_FIELDS = Gauge(
    "vssid_planned_fields", "Schema fields the planned executor has classified in a worker (bounded by the schema).",
    multiprocess_mode="max",
)
OPERATION_PLANS = Gauge(
    "vssid_operation_plans", "Operation plans cached in a worker (an LRU of at most 256: service/plan.py).",
    multiprocess_mode="max",
)
PLAN_OUTCOMES = Counter(
    "vssid_planned_operations", "Queries by how they ran: planned, fallback (an error: graphql-core answered it "
    "again), unplanned (no plan: graphql-core with plain leaves read directly).", ["outcome"],
)
VIEWER_GUESSES = Counter(
    "vssid_viewer_guesses", "Requests that ran on the viewer their token was last verified as, its session read with "
    "their first reads (service/speculation.py): held, or missed (the answer thrown away, run again).", ["outcome"],
)
OUTBOX_BACKLOG_GAUGE = Gauge(
    "vssid_outbox_backlog", "Notification outbox messages not yet delivered (read at scrape).", multiprocess_mode="max"
)
REPLICA_UP = Gauge(
    "vssid_db_replica_up", "1 while a read replica is in rotation, 0 while it is out (down, lagging, not a standby).",
    ["replica"], multiprocess_mode="min",
)
REPLICA_LAG_SECONDS = Gauge(
    "vssid_db_replica_lag_seconds", "How far a read replica's replay is behind the primary, in seconds.",
    ["replica"], multiprocess_mode="max",
)
REPLICA_LAG_BYTES = Gauge(
    "vssid_db_replica_lag_bytes", "How far a read replica's replay is behind the primary, in bytes of WAL.",
    ["replica"], multiprocess_mode="max",
)
READ_ROUTES = Counter(
    "vssid_db_read_routes", "Where requests read: replica, primary (no replica in rotation, a query after the "
    "client's write, a mutation), or primary_retry (a replica failed during the request).", ["route"],
)

_operation_names: set[str] = set()


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    if name in _operation_names:
        return name
    if not OPERATION_NAME.fullmatch(name) or len(_operation_names) >= MAX_OPERATION_NAMES:
        return "other"
    _operation_names.add(name)
    return name


def observe_batch(loader: str, size: int) -> None:
    child(LOADER_BATCH, loader).observe(size)


_POOL_IN_USE, _POOL_IDLE, _POOL_MAX = (POOL_CONNECTIONS.labels(state) for state in ("in_use", "idle", "max"))
# Labelled children by metric and label values, so that a request's counters skip prometheus_client's lookup under
# its lock (bounded: routes, statuses, at most MAX_OPERATION_NAMES operations and the error codes).
_CHILDREN: dict[tuple[int, tuple[str, ...]], Any] = {}


def child(metric: Any, *values: str) -> Any:
    """`metric.labels(*values)`, kept after the first time."""
    key = (id(metric), values)
    found = _CHILDREN.get(key)
    if found is None:
        found = _CHILDREN[key] = metric.labels(*values)
    return found


def observe_pool(pool: asyncpg.Pool) -> None:
    size, idle, max_size = pool.get_size(), pool.get_idle_size(), pool.get_max_size()
    _POOL_IN_USE.set(size - idle)
    _POOL_IDLE.set(idle)
    _POOL_MAX.set(max_size)
