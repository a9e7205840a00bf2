"""schemathesis against ``/api/v1/openapi.json``: generated requests to every operation
(a bounded number each, valid and invalid) never get a 5xx, and every response conforms
to the schema (status code, content type, headers, body).

Two phases per operation: fuzzing (hypothesis draws a few requests, valid and invalid)
and coverage (schemathesis's fixed boundary cases: each parameter at and past its
limits, missing, of the wrong type, and the path with a method it does not take).  Both
run the stricter checks: invalid data is refused with a 4xx, a missing required header
is refused, an undocumented method is a 405 naming the others in ``Allow``, and
``OPTIONS`` lists exactly the documented methods.  Valid data need not succeed: a
cursor, a template's name or a free slug is more than a schema can say, so
``positive_data_acceptance`` is left out."""

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
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from techspec.api.routes import routers
from techspec.api.settings import Settings
from techspec.asgi import create_app

People = dict[str, dict[str, str]]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
]
ROUTES = [
    route
    for router in routers()
    for route in router.routes
    if isinstance(route, APIRoute) and route.include_in_schema
]
OPERATIONS = sorted(
    (method, route.path_format) for route in ROUTES for method in route.methods or ()
)
SETTINGS = settings(
    deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)


def _can_be_invalid(route: APIRoute) -> bool:
    """A body, a query parameter or a number in the path: something to get wrong."""
    numbers = any(param.field_info.annotation is int for param in route.dependant.path_params)
    return bool(route.openapi_extra or route.dependant.query_params or numbers)


CASES = [
    pytest.param(method, path, mode, id=f"{method}-{path}-{mode.value}")
    for route in ROUTES
    for method in sorted(route.methods or ())
    for path in [route.path_format]
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _can_be_invalid(route)
]
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


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_operation_answers_5xx_or_outside_its_schema(
    schema: Any, people: People, method: str, path: str, mode: GenerationMode
) -> None:
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(SETTINGS, max_examples=EXAMPLES)
    def check(case: Any) -> None:
        case.call_and_validate(headers=people["root"], checks=CHECKS)

    check()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m}-{p}" for m, p in OPERATIONS])
def test_no_boundary_case_answers_5xx_or_outside_its_schema(
    schema: Any, people: People, method: str, path: str
) -> None:
    """schemathesis's coverage phase: its fixed boundary cases, not random draws."""
    operation = schema[path][method]

    def check(case: Any) -> None:
        case.call_and_validate(headers=people["root"], checks=CHECKS)

    config = HypothesisTestConfig(
        project=schema.config, modes=[HypothesisTestMode.COVERAGE], settings=SETTINGS
    )
    create_test(operation=operation, test_func=check, config=config)()


def test_every_operation_is_checked() -> None:
    assert {(method, path) for method, path, _mode in (c.values for c in CASES)} == set(OPERATIONS)
