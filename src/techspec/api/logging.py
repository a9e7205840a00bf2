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
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
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


def access(fields: dict[str, Any]) -> None:
    logger = logging.getLogger(ACCESS)
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "%s %s %s", fields.get("method"), fields.get("path"), fields.get("status"), extra=fields
        )
