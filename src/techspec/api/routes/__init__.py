"""The HTTP routes, one module per noun; :func:`routers` lists them for the app."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from techspec.api.routes import (
        audit,
        docs,
        health,
        inbox,
        lint,
        proofs,
        reviews,
        revisions,
        specs,
        templates,
        threads,
        webhooks,
        workflow,
    )

    return [
        health.router,
        specs.router,
        revisions.router,
        workflow.router,
        threads.router,
        lint.router,
        templates.router,
        audit.router,
        webhooks.router,
        proofs.router,
        inbox.router,
        reviews.router,
        docs.router,
    ]
