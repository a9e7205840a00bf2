"""schemathesis against ``/api/v1/openapi.json``: generated requests to every operation
(a bounded number each, valid and invalid) never get a 5xx, and every response conforms
to the schema (status code, content type, headers, body)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_support import draft
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from techspec.api.app import create_app
from techspec.api.routes import routers
from techspec.api.settings import Settings

People = dict[str, dict[str, str]]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = sorted(
    (method, route.path)
    for router in routers()
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in route.methods
)
EXAMPLES = 8


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory, populated: tuple[Path, People]) -> Any:
    """The schema of one seeded app, shared by every case (what the cases write does not
    change what a conforming answer is)."""
    path = tmp_path_factory.mktemp("schemathesis") / "techspec.db"
    shutil.copyfile(populated[0], path)
    app = create_app(Settings(database_url=f"sqlite:///{path}", webhooks=False, rate_per_second=0))
    with TestClient(app) as client:
        for title in ("Ledger", "Search"):
            client.post(
                "/api/v1/specs",
                content=draft(title, "root").encode(),
                headers={**populated[1]["root"], "Content-Type": "text/markdown"},
            )
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_operation_answers_5xx_or_outside_its_schema(
    schema: Any, people: People, method: str, path: str, mode: GenerationMode
) -> None:
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=people["root"], checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip("every input is valid for this operation: there is no invalid one to send")
