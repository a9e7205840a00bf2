"""Structured logs: one JSON object per line on stderr.

The access line of each request carries its id, method, route template, path, status,
duration and user name.  Nothing else from the request is logged: never a header (so
never a token), never a body (so never a spec), never the query string.

The access line is written once per request, and through the logging module it cost more
than answering a cached read.  So when ``techspec.access`` goes only to the handler that
:func:`configure` installed (as under ``techspec serve``), :func:`access` formats the same
line and writes it to that handler's stream itself; under any other configuration (a test's
capture, a handler of the user's) it is an ordinary log record.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from contextlib import nullcontext
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
        fields = {name: getattr(record, name, None) for name in FIELDS}
        line = self.line(record.created, record.levelname, record.name, record.getMessage(), fields)
        if record.exc_info and record.exc_info[0] is not None:
            # Frames and the exception's type only: a message (a database error's
            # parameters, say) could quote a spec or a token.
            line["error"] = record.exc_info[0].__name__
            line["traceback"] = "".join(traceback.format_tb(record.exc_info[2]))
        return encode(line)

    def line(
        self, created: float, level: str, logger: str, message: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """The object of one line: time, level, logger and message, then the known fields
        that have a value."""
        line: dict[str, Any] = {
            "ts": self.timestamp(created),
            "level": level.lower(),
            "logger": logger,
            "message": message,
        }
        for name in FIELDS:
            value = fields.get(name)
            if value is not None:
                line[name] = value
        return line


def encode(line: dict[str, Any]) -> str:
    try:
        return orjson.dumps(line, default=str).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):  # a lone surrogate, say: json copes
        return json.dumps(line, ensure_ascii=False, default=str)


_installed: logging.StreamHandler[Any] | None = None
"""The handler :func:`configure` gave the ``techspec`` logger, if it did."""


def configure(level: str = "INFO") -> None:
    """Send techspec's and uvicorn's logs to stderr as JSON lines (once per process)."""
    global _installed
    handler: logging.StreamHandler[Any] = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    _installed = handler
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
_parent = logging.getLogger("techspec")


def access(fields: dict[str, Any]) -> None:
    """Log one request: written straight to the installed handler's stream when nothing
    else would see the record (see the module docstring), else logged as usual."""
    if not _access.isEnabledFor(logging.INFO):
        return
    message = f"{fields.get('method')} {fields.get('path')} {fields.get('status')}"
    handler = _installed
    direct = (
        handler is not None
        and not _access.handlers
        and not _access.filters
        and _access.propagate
        and not _parent.filters
        and not _parent.propagate
        and _parent.handlers == [handler]
        and not handler.filters
        and handler.level <= logging.INFO
        and isinstance(handler.formatter, JsonFormatter)
    )
    if direct:
        assert handler is not None and isinstance(handler.formatter, JsonFormatter)
        line = handler.formatter.line(time.time(), "INFO", ACCESS, message, fields)
        text = encode(line) + handler.terminator
        with handler.lock or nullcontext():
            handler.stream.write(text)
            handler.stream.flush()
        return
    record = logging.LogRecord(ACCESS, logging.INFO, __file__, 0, message, None, None)
    record.__dict__.update(fields)
    _access.handle(record)
