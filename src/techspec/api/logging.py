"""Structured logs: one JSON object per line on stderr.

The access line of each request carries its id, method, route template, path, status,
duration and user name.  Nothing else from the request is logged: never a header (so
never a token), never a body (so never a spec), never the query string.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

import orjson

ACCESS = "techspec.access"
FIELDS = (
    "request_id",
    "method",
    "route",
    "path",
    "status",
    "duration_ms",
    "user",
    "bytes",
    "client",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record.  It runs once per request, so it is kept cheap: orjson,
    and the timestamp's date and time formatted once per second."""

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._prefix = ""

    def timestamp(self, created: float) -> str:
        """``2026-11-25T10:31:00.123+00:00`` (UTC, milliseconds)."""
        second = int(created)
        if second != self._second:
            moment = datetime.fromtimestamp(second, UTC)
            self._second, self._prefix = second, moment.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._prefix}.{int((created - second) * 1000):03d}+00:00"

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": self.timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            # Frames and the exception's type only: a message (a database error's
            # parameters, say) could quote a spec or a token.
            line["error"] = record.exc_info[0].__name__
            line["traceback"] = "".join(traceback.format_tb(record.exc_info[2]))
        try:
            return orjson.dumps(line, default=str).decode("utf-8")
        except (orjson.JSONEncodeError, TypeError):  # a lone surrogate, say: json copes
            return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str = "INFO") -> None:
    """Send techspec's and uvicorn's logs to stderr as JSON lines (once per process)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("techspec", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True
    # The JSON lines name no thread or process, so records need not look them up
    # (the logging HOWTO's "Optimization"; it is a fifth of an access line's cost).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


_access = logging.getLogger(ACCESS)


def access(fields: dict[str, Any]) -> None:
    """Log one request.  The record is made here rather than by ``Logger.info``, which
    walks the stack to find the caller: a third of the line's cost, on every request,
    for a source location that is always this function."""
    if _access.isEnabledFor(logging.INFO):
        message = "%s %s %s"
        args = (fields.get("method"), fields.get("path"), fields.get("status"))
        record = logging.LogRecord(ACCESS, logging.INFO, __file__, 0, message, args, None)
        record.__dict__.update(fields)
        _access.handle(record)
