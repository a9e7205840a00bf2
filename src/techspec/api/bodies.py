"""Reading request bodies: Markdown (``text/markdown``) or a JSON object, with a clear
400, 415 or 422 for anything else, and the OpenAPI text that documents both."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from techspec.api.errors import BadRequest, UnsupportedMediaType
from techspec.api.schemas import Problem
from techspec.errors import InputError

M = TypeVar("M", bound=BaseModel)
MARKDOWN_TYPES = ("text/markdown", "text/x-markdown", "text/plain")
MAX_DEPTH = 200
"""How deeply a JSON body may nest arrays and objects: the parser (pydantic-core's jiter)
stops at this depth, so a body nested 100,000 deep costs what its first 200 bytes do.
Every body the API takes is one flat object."""


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().casefold()


def is_markdown(request: Request) -> bool:
    return media_type(request) in MARKDOWN_TYPES


async def markdown(request: Request) -> str:
    """The body as Markdown text: UTF-8, not empty, no NUL bytes."""
    return decode(await request.body())


def decode(raw: bytes) -> str:
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise BadRequest("the request body is empty: send the spec's Markdown")
    if b"\0" in raw:
        raise InputError("the request body holds NUL bytes: binary data is not Markdown")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            f"the request body is not UTF-8: invalid byte 0x{raw[error.start]:02x} "
            f"at line {line}, column {column}"
        ) from None


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (400 when it is not JSON, 415 for another media type)."""
    kind = media_type(request)
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise UnsupportedMediaType(
            f"unsupported Content-Type '{kind}': send application/json or text/markdown"
        )
    raw = await request.body()
    if not raw.strip():
        raise BadRequest("the request body is empty: send a JSON object")
    try:
        data = from_json(raw.removeprefix(b"\xef\xbb\xbf"))
    except ValueError as error:
        raise BadRequest(_malformed(str(error))) from None
    if not isinstance(data, dict):
        raise BadRequest(f"the JSON body must be an object, not {type(data).__name__}")
    return data


def _malformed(message: str) -> str:
    """jiter's ``expected value at line 1 column 13`` as a sentence naming where.  At the
    end of the body jiter names the last character; the column after it is where more
    was expected."""
    what, _, where = message.rpartition(" at line ")
    line, _, column = where.partition(" column ")
    if not what or not (line.isdigit() and column.isdigit()):
        return f"malformed JSON: {message}"
    if what == "recursion limit exceeded":
        return f"the JSON body nests arrays or objects deeper than {MAX_DEPTH} levels"
    if what.startswith("EOF while"):
        what, column = f"the body ends {what[4:]}", str(int(column) + 1)
    return f"malformed JSON at line {line}, column {column}: {what}"


def validate(model: type[M], data: dict[str, Any]) -> M:
    """``data`` as ``model``, or a 422 naming the first wrong field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InputError(f"invalid field '{where}': {first['msg']}") from None


def request_body(
    model: type[BaseModel] | None, *, markdown_too: bool, required: bool = True
) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON (and optionally Markdown) request body (one
    that may be left out when not ``required``)."""
    content: dict[str, Any] = {}
    if model is not None:
        content["application/json"] = {"schema": model.model_json_schema()}
    if markdown_too:
        content["text/markdown"] = {"schema": {"type": "string", "minLength": 1}}
    return {"requestBody": {"required": required, "content": content}}


_PROBLEM = {"application/problem+json": {"schema": Problem.model_json_schema()}}
COMMON = (401, 403, 413, 422, 429, 503)
"""What any route behind a token can answer: no or a bad token, a role that may not, a
body over the limit, a malformed parameter, the rate limit, the database down."""
WHY = {
    400: "The request cannot be read: malformed JSON, a bad cursor, a bad option.",
    401: "No API token, or an unknown or revoked one.",
    403: "The token's user may not do this.",
    404: "No such spec (or template, revision, webhook).",
    409: "The spec's state refuses this (a gate, a taken slug, a conflicting save).",
    412: "If-Match names a revision that is no longer current: the answer has its ETag.",
    413: "The request body is over the limit.",
    415: "A Content-Type this operation does not read.",
    422: "A parameter or field is invalid: the problem names which.",
    428: "This write needs If-Match with the ETag of the revision you read.",
    429: "The token's rate limit: retry after Retry-After seconds.",
    503: "The database does not answer.",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
    412: {"ETag": {"schema": {"type": "string"}, "required": True}},
    429: {"Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"}, "required": True}},
}


def problems(*codes: int, common: tuple[int, ...] = COMMON) -> dict[int | str, dict[str, Any]]:
    """``responses`` documenting the problem+json answers ``codes`` and ``common``, each
    with what it means and the headers it carries."""
    found: dict[int | str, dict[str, Any]] = {}
    for code in sorted({*codes, *common}):
        found[code] = {"description": WHY.get(code, "A problem (RFC 9457)."), "content": _PROBLEM}
        if code in _HEADERS:
            found[code]["headers"] = _HEADERS[code]
    return found
