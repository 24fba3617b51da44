"""One log pipeline for every command: a JSON object per line, or a readable text line with the same fields.

The format is chosen once per process (VSSID_LOG_FORMAT; unset: text on a terminal, JSON otherwise). A record's
`extra={"fields": {...}}` becomes top-level keys of its JSON line, or `key=value` pairs after the text message; the
request log uses that. uvicorn's general logger is named `uvicorn` (uvicorn calls it `uvicorn.error`, which read as
an error when it was not). Messages are written as given: code that logs must not pass personal data, tokens or
passwords (the request log carries none).
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


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message key=value ...`, the fields of the JSON line in a form people read."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and fields:
            pairs = " ".join(f"{key}={_text_value(value)}" for key, value in fields.items())
            head, newline, rest = text.partition("\n")  # an exception's traceback stays below the line
            text = f"{head} {pairs}{newline}{rest}"
        return text


def _text_value(value: object) -> str:
    """A number or a one-word string as it is; anything else (spaces, lists, None) as JSON."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool) and str(value) and " " not in str(value):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


class UvicornNames(logging.Filter):
    """uvicorn logs its start, stop and general messages as `uvicorn.error`: they are written as `uvicorn`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.error":
            record.name = "uvicorn"
        return True


def configure_logging(level: str, log_format: str) -> None:
    """Replace the root handlers: one stream handler on stderr, JSON or text; uvicorn's loggers propagate to it."""
    logging.config.dictConfig(logging_config(level, log_format))


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """The same set-up as a `logging.config` dict, for uvicorn to apply in the server (and in each worker process)."""
    formatter: dict[str, Any] = {"()": JsonFormatter if log_format == "json" else TextFormatter}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"uvicorn_names": {"()": UvicornNames}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr",
                "filters": ["uvicorn_names"],
            }
        },
        "root": {"handlers": ["default"], "level": level},
        "loggers": {name: {"handlers": [], "propagate": True} for name in UVICORN_LOGGERS},
    }
