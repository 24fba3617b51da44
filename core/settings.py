"""One frozen settings object, read from the environment and validated at start.

Each setting is declared once, as a field of `Settings`: its environment variable, its default and how its text
is read. `load_settings` reads every field from that declaration; a bad value stops start-up with one line.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.key_settings import SettingsError as SettingsError  # noqa: PLC0414 - re-exported, as before
from core.key_settings import key_pairs, signing_keys

_CORES = os.cpu_count() or 1


# The second, deliberate word an operator must write to load the demo logins in production.
DEMO_IN_PRODUCTION = "publish-demo-logins"


Reader = Callable[[str, str], Any]


def setting(env: str, default: Any, read: Reader, *, shown: str | None = None) -> Any:
    """A field of Settings read from the environment variable `env` (unset or empty: `default`, described in help
    texts as `shown` when the value alone would mislead)."""
    return field(default=default, metadata={"env": env, "read": read, "shown": shown})


def whole(low: int, high: int) -> Reader:
    def read(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(
                f"{name}={raw!r} is not a whole number; set it to a value from {low} to {high}"
            ) from None
        if not low <= value <= high:
            raise SettingsError(f"{name}={value} is out of range; set it to a value from {low} to {high}")
        return value

    return read


def one_of(*allowed: str) -> Reader:
    def read(name: str, raw: str) -> str:
        if raw not in allowed:
            raise SettingsError(f"{name}={raw!r} is not one of: {', '.join(allowed)}")
        return raw

    return read


def switch(name: str, raw: str) -> bool:
    value: str = one_of("on", "off")(name, raw)
    return value == "on"


def text(name: str, raw: str) -> str:
    return raw


def folder(name: str, raw: str) -> Path:
    return Path(raw)


def networks(name: str, raw: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks (CIDR)."""
    items = tuple(item.strip() for item in raw.split(",") if item.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name}: {item!r} is not an IP address or network (list them comma-separated: 10.0.0.5,10.1.0.0/16)"
            ) from None
    return items


def database_url(name: str, raw: str) -> str:
    try:
        parts = urlsplit(raw)
        _ = parts.port  # raises on a non-numeric port
    except ValueError as exc:
        raise SettingsError(
            f"{name} is malformed ({exc}); expected postgresql://user:password@host:port/dbname"
        ) from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise SettingsError(
            f"{name} must start with postgresql:// (for example postgresql://user:password@localhost:5432/vssid); "
            "unset it to use the embedded PostgreSQL"
        )
    return raw


def database_urls(name: str, raw: str) -> tuple[str, ...]:
    return tuple(database_url(name, item.strip()) for item in raw.split(",") if item.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    # The database and the pool.
    database_url: str | None = setting("DATABASE_URL", None, database_url)
    data_dir: Path = setting("VSSID_DATA_DIR", Path(".data"), folder)
    pool_min_size: int = setting("VSSID_DB_POOL_MIN", 2, whole(1, 100))
    pool_max_size: int = setting("VSSID_DB_POOL_MAX", 20, whole(1, 200))
    db_acquire_timeout_ms: int = setting("VSSID_DB_ACQUIRE_TIMEOUT_MS", 1000, whole(10, 60_000))
    db_statement_timeout_ms: int = setting("VSSID_DB_STATEMENT_TIMEOUT_MS", 5000, whole(100, 600_000))
    db_idle_in_transaction_timeout_ms: int = setting(
        "VSSID_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 30_000, whole(100, 600_000)
    )
    # Serving: address, mode, processes, shutdown, logs and metrics.
    host: str = setting("VSSID_HOST", "127.0.0.1", text)
    port: int = setting("VSSID_PORT", 8000, whole(1, 65535))
    environment: str = setting("VSSID_ENV", "development", one_of("development", "production"))
    workers: int = setting("VSSID_WORKERS", 1, whole(1, 64))
    shutdown_timeout_seconds: int = setting("VSSID_SHUTDOWN_TIMEOUT_SECONDS", 20, whole(1, 600))
    log_level: str = setting("VSSID_LOG_LEVEL", "INFO", one_of("DEBUG", "INFO", "WARNING", "ERROR"))
    log_format: str = setting(
        "VSSID_LOG_FORMAT", None, one_of("json", "text"), shown="text on a terminal, json otherwise"
    )
    metrics_token: str | None = setting("VSSID_METRICS_TOKEN", None, text)
    # Keys of the hashes that stand for tokens and one-time codes in the database (auth/tokens.py); required in
    # production, where the public development key would let anyone who reads the tables test every code.
    secret_keys: tuple[tuple[str, str], ...] = setting(
        "VSSID_SECRET_KEYS", (), key_pairs, shown="a public development key; required in production"
    )
    # The reverse proxies in front of the service, whose X-Forwarded-For alone is believed; none by default, so a
    # client cannot pick the address its limits are counted under.
    trusted_proxies: tuple[str, ...] = setting("VSSID_TRUSTED_PROXIES", (), networks)
    # The GraphQL request pipeline: the deadline of a whole request (body, viewer, execution, the answer), the largest
    # request body accepted, and the largest answer built (the largest contract answer, a partner's page of 1,000
    # facilities, is about 320 KB).
    request_timeout_seconds: float = setting("VSSID_REQUEST_TIMEOUT_SECONDS", 15, whole(1, 600))
    max_body_bytes: int = setting("VSSID_MAX_BODY_BYTES", 1_048_576, whole(1024, 100 * 1_048_576))
    max_response_bytes: int = setting("VSSID_MAX_RESPONSE_BYTES", 4_194_304, whole(65_536, 1024 * 1_048_576))
    # How queries run: "planned" reads plain leaf fields directly (service/planned.py); "reference" is graphql-core's
    # own execution of every field, the oracle the planned one is tested against (and a bench contender).
    executor: str = setting("VSSID_EXECUTOR", "planned", one_of("planned", "reference"))
    # How long a worker keeps the reference rows it read (facilities, provinces, codes) for its other requests;
    # 0: every request reads them (loaders/shared.py).
    reference_cache_seconds: int = setting("VSSID_REFERENCE_CACHE_SECONDS", 60, whole(0, 3600))
    # How many bearer tokens a worker remembers the viewer of, to read a query's session with its first reads
    # instead of before them (service/speculation.py); 0: the session is read first, alone.
    viewer_hints: int = setting("VSSID_VIEWER_HINTS", 10_000, whole(0, 1_000_000))
    # The demo data set (synthetic people and the README's demo logins) loaded into an empty database: on by default
    # in development, off in production, where turning it on needs VSSID_DEMO_IN_PRODUCTION=publish-demo-logins too.
    demo_data: bool | None = setting("VSSID_DEMO_DATA", None, switch, shown="on in development, off in production")
    demo_in_production: str | None = setting("VSSID_DEMO_IN_PRODUCTION", None, text)
    demo_persons: int = setting("VSSID_DEMO_PERSONS", 10_000, whole(10, 10_000_000))
    seed_value: int = setting("VSSID_SEED", 20_251_125, whole(0, 2**31 - 1))
    # Accounts, sessions and one-time codes.
    password_max_age_days: int = setting("VSSID_PASSWORD_MAX_AGE_DAYS", 180, whole(1, 3650))
    access_token_minutes: int = setting("VSSID_ACCESS_TOKEN_MINUTES", 15, whole(1, 1440))
    refresh_token_days: int = setting("VSSID_REFRESH_TOKEN_DAYS", 30, whole(1, 365))
    otp_ttl_seconds: int = setting("VSSID_OTP_TTL_SECONDS", 300, whole(30, 3600))
    otp_max_attempts: int = setting("VSSID_OTP_MAX_ATTEMPTS", 5, whole(1, 20))
    otp_resend_seconds: int = setting("VSSID_OTP_RESEND_SECONDS", 60, whole(1, 3600))
    otp_max_per_hour: int = setting("VSSID_OTP_MAX_PER_HOUR", 5, whole(1, 100))
    # Password hashing: argon2 threads, and how many more operations may wait for one.
    password_workers: int = setting("VSSID_PASSWORD_WORKERS", _CORES, whole(1, 64), shown="the number of cores")
    password_queue: int = setting("VSSID_PASSWORD_QUEUE", 8 * _CORES, whole(0, 10_000), shown="8 per core")
    # Notifications: where e-mail goes ("log", the default, or "smtp"; SMS always goes to the log), and whether
    # this process runs the outbox dispatcher (off for tests that read the outbox).
    email_sender: str = setting("VSSID_EMAIL_SENDER", "log", one_of("log", "smtp"))
    smtp_host: str | None = setting("VSSID_SMTP_HOST", None, text)
    smtp_port: int = setting("VSSID_SMTP_PORT", 587, whole(1, 65535))
    smtp_user: str | None = setting("VSSID_SMTP_USER", None, text)
    smtp_password: str | None = setting("VSSID_SMTP_PASSWORD", None, text)
    smtp_from: str = setting("VSSID_SMTP_FROM", "VssID <no-reply@vssid.invalid>", text)
    smtp_security: str = setting("VSSID_SMTP_SECURITY", "starttls", one_of("none", "starttls", "tls"))
    notification_dispatcher: bool = setting("VSSID_NOTIFICATION_DISPATCHER", True, switch, shown="on")
    # Housekeeping (expired sessions, OTPs, throttle counters, delivered messages): seconds between runs, 0 = off.
    housekeeping_seconds: int = setting("VSSID_HOUSEKEEPING_SECONDS", 600, whole(0, 86_400))
    # The keys that sign the QR code of the card image (auth/card_signing.py): the first one signs, all of them
    # verify (rotation: put the new key first, keep the old one until the cards it signed have expired). Required
    # in production, where the public development key would let anyone sign a card.
    card_signing_keys: tuple[tuple[str, bytes], ...] = setting(
        "VSSID_CARD_SIGNING_KEYS", (), signing_keys, shown="a public development key; required in production"
    )
    # The inbox (jobs/inbox.py): seconds between runs of its producers, 0 = off; and how often an inbox
    # subscription checks that its session still holds (it ends when the session does).
    inbox_seconds: int = setting("VSSID_INBOX_SECONDS", 300, whole(0, 86_400))
    subscription_recheck_seconds: int = setting("VSSID_SUBSCRIPTION_RECHECK_SECONDS", 30, whole(1, 3600))
    # Push notifications (jobs/push.py), fed by the outbox: "log" (the default) only logs that a push would go, so
    # push is off; "http" sends through FCM HTTP v1 (ANDROID) and APNs (IOS) and needs every credential below.
    push_sender: str = setting("VSSID_PUSH_SENDER", "log", one_of("log", "http"))
    fcm_base_url: str = setting("VSSID_FCM_BASE_URL", "https://fcm.googleapis.com", text)
    fcm_project_id: str | None = setting("VSSID_FCM_PROJECT_ID", None, text)
    # An OAuth 2 access token of the service account (scope firebase.messaging), kept fresh by the platform.
    fcm_access_token: str | None = setting("VSSID_FCM_ACCESS_TOKEN", None, text)
    apns_base_url: str = setting("VSSID_APNS_BASE_URL", "https://api.push.apple.com", text)
    # The app's bundle id (apns-topic) and a provider authentication token (ES256 JWT), kept fresh by the platform.
    apns_topic: str | None = setting("VSSID_APNS_TOPIC", None, text)
    apns_auth_token: str | None = setting("VSSID_APNS_AUTH_TOKEN", None, text)
    # Online payment (payments/gateway.py): the gateway's base URL and this merchant's CODE:SECRET; unset in
    # development, `main.py serve` starts the sandbox gateway as its own process. Required in production.
    payment_gateway_url: str | None = setting("VSSID_PAYMENT_GATEWAY_URL", None, text)
    payment_merchant: tuple[tuple[str, str], ...] = setting("VSSID_PAYMENT_MERCHANT", (), key_pairs)
    # Read replicas (docs/replicas.md): queries read there; one lagging past the bound is taken out of rotation.
    replica_urls: tuple[str, ...] = setting("DATABASE_REPLICA_URLS", (), database_urls)
    replica_max_lag_ms: int = setting("VSSID_REPLICA_MAX_LAG_MS", 5000, whole(100, 600_000))
    replica_wait_ms: int = setting("VSSID_REPLICA_WAIT_MS", 200, whole(0, 10_000))

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def loads_demo(self) -> bool:
        """Whether serving loads the demo data set into an empty database (and may keep the demo logins)."""
        return self.demo_data if self.demo_data is not None else not self.is_production

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def pg_data_dir(self) -> Path:
        return self.data_dir / "postgres"


def environment_variables() -> list[tuple[str, str]]:
    """Every variable the service reads, with its default as help texts show it."""
    shown = [(f.metadata["env"], f.metadata["shown"], f.default) for f in fields(Settings)]
    return [(env, text or ("unset" if default in (None, ()) else str(default))) for env, text, default in shown]


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; raise SettingsError with a one-line explanation."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for declared in fields(Settings):
        name = declared.metadata["env"]
        raw = env.get(name)
        values[declared.name] = declared.default if not raw else declared.metadata["read"](name, raw)
    values["data_dir"] = Path(values["data_dir"]).resolve()
    if values["log_format"] is None:  # chosen once: people read a terminal, machines read everything else
        values["log_format"] = "text" if sys.stderr.isatty() else "json"
    settings = Settings(**values)
    if settings.pool_min_size > settings.pool_max_size:
        raise SettingsError(
            f"VSSID_DB_POOL_MIN ({settings.pool_min_size}) is larger than VSSID_DB_POOL_MAX ({settings.pool_max_size})"
        )
    if settings.is_production and not settings.secret_keys:
        raise SettingsError(
            "VSSID_SECRET_KEYS is required in production (id:secret pairs, e.g. k2026:$(openssl rand -hex 32)): "
            "it keys the hashes of tokens and one-time codes"
        )
    if settings.is_production and not settings.card_signing_keys:
        raise SettingsError(
            "VSSID_CARD_SIGNING_KEYS is required in production (id:base64-private-key pairs, e.g. "
            "c2027:$(openssl rand -base64 32)): it signs the QR code of every card image"
        )
    if settings.is_production and settings.demo_data and settings.demo_in_production != DEMO_IN_PRODUCTION:
        raise SettingsError(
            "VSSID_DEMO_DATA=on in production publishes the README's demo logins and partner key to anyone; "
            f"if that is really wanted, also set VSSID_DEMO_IN_PRODUCTION={DEMO_IN_PRODUCTION}"
        )
    if settings.email_sender == "smtp" and settings.smtp_host is None:
        raise SettingsError("VSSID_EMAIL_SENDER=smtp needs VSSID_SMTP_HOST (the SMTP server's host name)")
    push_needs = ("fcm_project_id", "fcm_access_token", "apns_topic", "apns_auth_token")
    if settings.push_sender == "http" and (missing := [n for n in push_needs if getattr(settings, n) is None]):
        raise SettingsError(
            "VSSID_PUSH_SENDER=http needs " + ", ".join(f"VSSID_{n.upper()}" for n in missing)
            + " (or leave it at log: push is then off)"
        )
    if settings.is_production and not (settings.payment_gateway_url and settings.payment_merchant):
        raise SettingsError("production needs VSSID_PAYMENT_GATEWAY_URL and VSSID_PAYMENT_MERCHANT (CODE:SECRET)")
    return settings
