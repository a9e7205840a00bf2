"""Reading request bodies: Markdown (``text/markdown``) or a JSON object, with a clear
400, 415 or 422 for anything else, and the OpenAPI text that documents both."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from techspec.api.errors import BadRequest, UnsupportedMediaType
from techspec.api.schemas import Problem
from techspec.errors import InputError

M = TypeVar("M", bound=BaseModel)
MARKDOWN_TYPES = ("text/markdown", "text/x-markdown", "text/plain")


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
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise BadRequest("malformed JSON: the body is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise BadRequest(
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(data, dict):
        raise BadRequest(f"the JSON body must be an object, not {type(data).__name__}")
    return data


def validate(model: type[M], data: dict[str, Any]) -> M:
    """``data`` as ``model``, or a 422 naming the first wrong field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InputError(f"invalid field '{where}': {first['msg']}") from None


def request_body(model: type[BaseModel] | None, *, markdown_too: bool) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON (and optionally Markdown) request body."""
    content: dict[str, Any] = {}
    if model is not None:
        content["application/json"] = {"schema": model.model_json_schema()}
    if markdown_too:
        content["text/markdown"] = {"schema": {"type": "string", "minLength": 1}}
    return {"requestBody": {"required": True, "content": content}}


_PROBLEM = {"application/problem+json": {"schema": Problem.model_json_schema()}}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` documenting problem+json answers for ``codes`` (and the common ones)."""
    common = (401, 403, 413, 422, 429)
    found: dict[int | str, dict[str, Any]] = {}
    for code in sorted({*codes, *common}):
        found[code] = {"description": "A problem (RFC 9457).", "content": _PROBLEM}
    return found
