"""The HTTP routes, one module per noun; :func:`routers` lists them for the app."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from techspec.api.routes import (
        audit,
        docs,
        health,
        lint,
        proofs,
        revisions,
        specs,
        templates,
        webhooks,
        workflow,
    )

    return [
        health.router,
        specs.router,
        revisions.router,
        workflow.router,
        lint.router,
        templates.router,
        audit.router,
        webhooks.router,
        proofs.router,
        docs.router,
    ]
