"""One frozen settings object, read from the environment and validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A configuration value is wrong; the message says which and what to do."""


@dataclass(frozen=True, slots=True)
class Settings:
    # Built only by load_settings, which holds every default (one place, read from the environment).
    database_url: str | None
    data_dir: Path
    host: str
    port: int
    environment: str
    pool_min_size: int
    pool_max_size: int
    demo_persons: int
    seed_value: int
    log_level: str
    # Accounts and sessions (issue 3).
    password_max_age_days: int
    access_token_minutes: int
    refresh_token_days: int
    otp_ttl_seconds: int
    otp_max_attempts: int
    otp_resend_seconds: int
    otp_max_per_hour: int
    # Where e-mail goes: "log" (the default; SMS always goes to the log) or "smtp".
    email_sender: str
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    smtp_security: str
    # The outbox dispatcher runs in every service process unless turned off (tests that read the outbox).
    notification_dispatcher: bool
    # Operations (issue 6): faults, load shedding, shutdown, workers, logs and metrics.
    db_acquire_timeout_ms: int
    db_statement_timeout_ms: int
    db_idle_in_transaction_timeout_ms: int
    password_workers: int
    password_queue: int
    workers: int
    shutdown_timeout_seconds: int
    log_format: str
    metrics_token: str | None
    # The GraphQL request pipeline (issue 6): whole-request deadline and the largest request body accepted.
    request_timeout_seconds: float
    max_body_bytes: int
    # Housekeeping (expired sessions, OTPs, throttle counters, delivered messages): seconds between runs, 0 = off.
    housekeeping_seconds: int

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def pg_data_dir(self) -> Path:
        return self.data_dir / "postgres"


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number; set it to a value from {low} to {high}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={value} is out of range; set it to a value from {low} to {high}")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in allowed:
        raise SettingsError(f"{name}={value!r} is not one of: {', '.join(allowed)}")
    return value


def _database_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("DATABASE_URL")
    if not raw:
        return None
    try:
        parts = urlsplit(raw)
        _ = parts.port  # raises on a non-numeric port
    except ValueError as exc:
        raise SettingsError(
            f"DATABASE_URL is malformed ({exc}); expected postgresql://user:password@host:port/dbname"
        ) from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise SettingsError(
            "DATABASE_URL must start with postgresql:// (for example postgresql://user:password@localhost:5432/vssid); "
            "unset it to use the embedded PostgreSQL"
        )
    return raw


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; raise SettingsError with a one-line explanation."""
    env = os.environ if env is None else env
    pool_min = _int(env, "VSSID_DB_POOL_MIN", 2, 1, 100)
    pool_max = _int(env, "VSSID_DB_POOL_MAX", 20, 1, 200)
    if pool_min > pool_max:
        raise SettingsError(f"VSSID_DB_POOL_MIN ({pool_min}) is larger than VSSID_DB_POOL_MAX ({pool_max})")
    return Settings(
        database_url=_database_url(env),
        data_dir=Path(env.get("VSSID_DATA_DIR") or ".data").resolve(),
        host=env.get("VSSID_HOST") or "127.0.0.1",
        port=_int(env, "VSSID_PORT", 8000, 1, 65535),
        environment=_choice(env, "VSSID_ENV", "development", ("development", "production")),
        pool_min_size=pool_min,
        pool_max_size=pool_max,
        demo_persons=_int(env, "VSSID_DEMO_PERSONS", 10_000, 10, 10_000_000),
        seed_value=_int(env, "VSSID_SEED", 20_251_125, 0, 2**31 - 1),
        log_level=_choice(env, "VSSID_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        **_account_settings(env),
        **_operations_settings(env),
        request_timeout_seconds=_int(env, "VSSID_REQUEST_TIMEOUT_SECONDS", 15, 1, 600),
        max_body_bytes=_int(env, "VSSID_MAX_BODY_BYTES", 1_048_576, 1024, 100 * 1_048_576),
        housekeeping_seconds=_int(env, "VSSID_HOUSEKEEPING_SECONDS", 600, 0, 86_400),
    )


class _AccountSettings(TypedDict):
    password_max_age_days: int
    access_token_minutes: int
    refresh_token_days: int
    otp_ttl_seconds: int
    otp_max_attempts: int
    otp_resend_seconds: int
    otp_max_per_hour: int
    email_sender: str
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    smtp_security: str
    notification_dispatcher: bool


def _account_settings(env: Mapping[str, str]) -> _AccountSettings:
    """Accounts, sessions, OTP and notifications (issue 3)."""
    email_sender = _choice(env, "VSSID_EMAIL_SENDER", "log", ("log", "smtp"))
    smtp_host = env.get("VSSID_SMTP_HOST") or None
    if email_sender == "smtp" and smtp_host is None:
        raise SettingsError("VSSID_EMAIL_SENDER=smtp needs VSSID_SMTP_HOST (the SMTP server's host name)")
    return {
        "password_max_age_days": _int(env, "VSSID_PASSWORD_MAX_AGE_DAYS", 180, 1, 3650),
        "access_token_minutes": _int(env, "VSSID_ACCESS_TOKEN_MINUTES", 15, 1, 1440),
        "refresh_token_days": _int(env, "VSSID_REFRESH_TOKEN_DAYS", 30, 1, 365),
        "otp_ttl_seconds": _int(env, "VSSID_OTP_TTL_SECONDS", 300, 30, 3600),
        "otp_max_attempts": _int(env, "VSSID_OTP_MAX_ATTEMPTS", 5, 1, 20),
        "otp_resend_seconds": _int(env, "VSSID_OTP_RESEND_SECONDS", 60, 1, 3600),
        "otp_max_per_hour": _int(env, "VSSID_OTP_MAX_PER_HOUR", 5, 1, 100),
        "email_sender": email_sender,
        "smtp_host": smtp_host,
        "smtp_port": _int(env, "VSSID_SMTP_PORT", 587, 1, 65535),
        "smtp_user": env.get("VSSID_SMTP_USER") or None,
        "smtp_password": env.get("VSSID_SMTP_PASSWORD") or None,
        "smtp_from": env.get("VSSID_SMTP_FROM") or "VssID <no-reply@vssid.invalid>",
        "smtp_security": _choice(env, "VSSID_SMTP_SECURITY", "starttls", ("none", "starttls", "tls")),
        "notification_dispatcher": _choice(env, "VSSID_NOTIFICATION_DISPATCHER", "on", ("on", "off")) == "on",
    }


class _OperationsSettings(TypedDict):
    db_acquire_timeout_ms: int
    db_statement_timeout_ms: int
    db_idle_in_transaction_timeout_ms: int
    password_workers: int
    password_queue: int
    workers: int
    shutdown_timeout_seconds: int
    log_format: str
    metrics_token: str | None


def _operations_settings(env: Mapping[str, str]) -> _OperationsSettings:
    """Faults, load shedding, shutdown, worker processes, logs and metrics (issue 6)."""
    cores = os.cpu_count() or 1
    return {
        "db_acquire_timeout_ms": _int(env, "VSSID_DB_ACQUIRE_TIMEOUT_MS", 1000, 10, 60_000),
        "db_statement_timeout_ms": _int(env, "VSSID_DB_STATEMENT_TIMEOUT_MS", 5000, 100, 600_000),
        "db_idle_in_transaction_timeout_ms": _int(env, "VSSID_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 30_000, 100, 600_000),
        "password_workers": _int(env, "VSSID_PASSWORD_WORKERS", cores, 1, 64),
        "password_queue": _int(env, "VSSID_PASSWORD_QUEUE", 8 * cores, 0, 10_000),
        "workers": _int(env, "VSSID_WORKERS", 1, 1, 64),
        "shutdown_timeout_seconds": _int(env, "VSSID_SHUTDOWN_TIMEOUT_SECONDS", 20, 1, 600),
        "log_format": _choice(env, "VSSID_LOG_FORMAT", "json", ("json", "text")),
        "metrics_token": env.get("VSSID_METRICS_TOKEN") or None,
    }
