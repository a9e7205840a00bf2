"""The pages, one module per page; :func:`routers` lists them for :func:`~techspec.web.mount`."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from techspec.web.routes import (
        audit,
        auth,
        dashboard,
        editor,
        history,
        inbox,
        new,
        spec,
        specs,
        templates,
        threads,
        workflow,
    )

    return [
        auth.router,
        dashboard.router,
        specs.router,
        new.router,
        spec.router,
        editor.router,
        workflow.router,
        threads.router,
        history.router,
        audit.router,
        templates.router,
        inbox.router,
    ]
