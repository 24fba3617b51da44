"""Logs as one JSON object per line (or plain text for a developer who asks for it), for every logger in the process.

A record's `extra={"fields": {...}}` becomes top-level keys of its line; the request log uses that. Messages are
written as given: code that logs must not pass personal data, tokens or passwords (the request log carries none).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
from typing import Any

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: str, log_format: str) -> None:
    """Replace the root handlers: one stream handler on stderr, JSON or text; uvicorn's loggers propagate to it."""
    logging.config.dictConfig(logging_config(level, log_format))


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """The same set-up as a `logging.config` dict, for uvicorn to apply in the server (and in each worker process)."""
    formatter: dict[str, Any] = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["default"], "level": level},
        "loggers": {name: {"handlers": [], "propagate": True} for name in UVICORN_LOGGERS},
    }
