"""The pages, one module per page; :func:`routers` lists them for :func:`~techspec.web.mount`."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from techspec.web.routes import (
        admin,
        audit,
        auth,
        dashboard,
        editor,
        history,
        inbox,
        new,
        oidc,
        spec,
        specs,
        templates,
        threads,
        tokens,
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
        oidc.router,
        tokens.router,
        admin.router,
    ]
