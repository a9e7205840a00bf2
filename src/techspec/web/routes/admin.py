"""``/admin/...``: the administration pages (admin role only).

Users (search, roles, deactivate, reset password, sign out everywhere), templates
(upload, what the compiler made of one, the default), webhooks (add, test, delivery
log, remove), deleting and restoring specs, and checking the audit log's whole chain.
Every handler asks :mod:`techspec.service` (which checks the admin role and writes the
audit event); a non-admin gets the 403 page and the navigation shows them no Admin
link.  Every form carries the CSRF token (:data:`~techspec.web.context.Poster`).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Form, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.api.outbound import Sender
from techspec.errors import TechspecError
from techspec.service import administration, catalog, identity, specs, transparency, users, webhooks
from techspec.service.permissions import require_admin
from techspec.store.webhooks import EVENT_NAMES
from techspec.web.context import Poster, Reader, Visit
from techspec.web.pages import redirect, render
from techspec.web.routing import router as web_router

router = web_router()
Line = Annotated[str, Form(max_length=2000)]
MAX_TEMPLATE_BYTES = 512 * 1024


def _admin(visit: Visit, doing: str) -> None:
    require_admin(visit.require_user(), doing)


def _page(
    request: Request, visit: Visit, name: str, values: dict[str, Any], status: int = 200
) -> Response:
    return render(request, visit, name, {"section": name, **values}, status=status)


@router.get("/admin")
def admin_home(request: Request, visit: Reader) -> Response:
    _admin(visit, "open the admin pages")
    return _page(request, visit, "admin_index.html", {"verification": None})


@router.post("/admin/audit/verify")
async def verify_audit(request: Request, visit: Poster) -> Response:
    user, store = visit.require_user(), visit.store
    found = await run_in_threadpool(
        lambda: transparency.verify(store, user, ring=store.signer().ring)
    )
    return _page(request, visit, "admin_index.html", {"verification": found})


# ----------------------------------------------------------------------------- users


@router.get("/admin/users")
def user_list(
    request: Request, visit: Reader, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    found = identity.accounts(visit.store, visit.require_user(), q)
    return _page(request, visit, "admin_users.html", {"accounts": found, "q": q})


@router.get("/admin/users/{name}")
def user_page(request: Request, visit: Reader, name: str) -> Response:
    return _user(request, visit, name)


def _user(
    request: Request,
    visit: Visit,
    name: str,
    password: str = "",
    problem: str = "",
    status: int = 200,
) -> Response:
    found = identity.account(visit.store, visit.require_user(), name)
    values = {"account": found, "password": password, "problem": problem}
    return _page(request, visit, "admin_user.html", values, status)


def _user_url(name: str) -> str:
    return "/admin/users/" + quote(name, safe="")


@router.post("/admin/users/{name}/roles")
async def set_roles(request: Request, visit: Poster, name: str, roles: Line = "") -> Response:
    wanted = [role for role in roles.split(",") if role.strip()]
    try:
        await run_in_threadpool(identity.set_roles, visit.store, visit.require_user(), name, wanted)
    except TechspecError as error:
        if error.http_status == 403:
            raise
        return await run_in_threadpool(
            _user, request, visit, name, "", str(error), error.http_status
        )
    return redirect(request, visit, _user_url(name), f"Roles of {name} saved.")


@router.post("/admin/users/{name}/deactivate")
async def deactivate(request: Request, visit: Poster, name: str) -> Response:
    await run_in_threadpool(identity.deactivate, visit.store, visit.require_user(), name)
    return redirect(
        request, visit, _user_url(name), f"{name} is deactivated: their sessions and tokens ended."
    )


@router.post("/admin/users/{name}/reactivate")
async def reactivate(request: Request, visit: Poster, name: str) -> Response:
    await run_in_threadpool(identity.reactivate, visit.store, visit.require_user(), name)
    return redirect(request, visit, _user_url(name), f"{name} is active again.")


@router.post("/admin/users/{name}/password")
async def reset_password(request: Request, visit: Poster, name: str) -> Response:
    password = await run_in_threadpool(
        identity.reset_password, visit.store, visit.require_user(), name
    )
    return await run_in_threadpool(_user, request, visit, name, password)


@router.post("/admin/users/{name}/signout")
async def sign_out_everywhere(request: Request, visit: Poster, name: str) -> Response:
    count = await run_in_threadpool(users.revoke_sessions, visit.store, visit.require_user(), name)
    return redirect(
        request,
        visit,
        _user_url(name),
        f"Signed {name} out of {count} session{'s' if count != 1 else ''}.",
    )


# ------------------------------------------------------------------------- templates


@router.get("/admin/templates")
def template_list(request: Request, visit: Reader) -> Response:
    return _templates(request, visit)


def _templates(request: Request, visit: Visit, problem: str = "", status: int = 200) -> Response:
    _admin(visit, "manage templates")
    values = {"entries": catalog.entries(visit.store), "problem": problem}
    return _page(request, visit, "admin_templates.html", values, status)


@router.get("/admin/templates/{name}")
def template_page(request: Request, visit: Reader, name: str) -> Response:
    _admin(visit, "manage templates")
    template = catalog.find(visit.store, name)
    values = {"template": template, "default": catalog.entries(visit.store)[0].template.name}
    return _page(request, visit, "admin_template.html", values)


@router.post("/admin/templates")
async def upload_template(
    request: Request,
    visit: Poster,
    name: Annotated[str, Form(max_length=200)],
    file: UploadFile | None = None,
    text: Annotated[str, Form(max_length=MAX_TEMPLATE_BYTES)] = "",
) -> Response:
    if file is not None and file.filename:
        raw = await file.read(MAX_TEMPLATE_BYTES + 1)
        if len(raw) > MAX_TEMPLATE_BYTES:
            return await run_in_threadpool(
                _templates, request, visit, "the file is larger than 512 KiB", 413
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return await run_in_threadpool(
                _templates, request, visit, "the file is not UTF-8 text", 400
            )
    name = " ".join(name.split())
    if not name or not text.strip():
        return await run_in_threadpool(
            _templates,
            request,
            visit,
            "give the template a name and a Markdown file (or text)",
            400,
        )
    try:
        entry = await run_in_threadpool(catalog.add, visit.store, visit.require_user(), name, text)
    except TechspecError as error:
        if error.http_status == 403:
            raise
        return await run_in_threadpool(_templates, request, visit, str(error), error.http_status)
    url = "/admin/templates/" + quote(entry.template.name, safe="")
    return redirect(request, visit, url, f"Template {entry.template.name} added.")


@router.post("/admin/templates/default")
async def set_default(request: Request, visit: Poster, name: Line) -> Response:
    chosen = await run_in_threadpool(
        administration.set_default_template, visit.store, visit.require_user(), name
    )
    return redirect(request, visit, "/admin/templates", f"New specs now start from {chosen}.")


# -------------------------------------------------------------------------- webhooks


@router.get("/admin/webhooks")
def webhook_list(request: Request, visit: Reader) -> Response:
    return _webhooks(request, visit)


def _webhooks(
    request: Request, visit: Visit, problem: str = "", status: int = 200, added: Any = None
) -> Response:
    found = webhooks.all_webhooks(visit.store, visit.require_user())
    values = {"hooks": found, "events": EVENT_NAMES, "problem": problem, "added": added}
    return _page(request, visit, "admin_webhooks.html", values, status)


@router.post("/admin/webhooks")
async def add_webhook(request: Request, visit: Poster, url: Line) -> Response:
    form = await request.form()
    chosen = [str(value) for value in form.getlist("events")] or list(EVENT_NAMES)
    allow_private = visit.web.api.settings.webhook_allow_private
    add = partial(webhooks.add, allow_private=allow_private)
    try:
        hook = await run_in_threadpool(add, visit.store, visit.require_user(), url.strip(), chosen)
    except TechspecError as error:
        if error.http_status == 403:
            raise
        return await run_in_threadpool(_webhooks, request, visit, str(error), error.http_status)
    return await run_in_threadpool(_webhooks, request, visit, "", 201, hook)


@router.get("/admin/webhooks/{webhook_id}")
def webhook_page(request: Request, visit: Reader, webhook_id: int) -> Response:
    return _webhook(request, visit, webhook_id)


def _webhook(request: Request, visit: Visit, webhook_id: int, tested: Any = None) -> Response:
    user = visit.require_user()
    log = webhooks.deliveries(visit.store, user, webhook_id, limit=100)
    hook = next((h for h in webhooks.all_webhooks(visit.store, user) if h.id == webhook_id), None)
    values = {"hook": hook, "webhook_id": webhook_id, "deliveries": log, "tested": tested}
    return _page(request, visit, "admin_webhook.html", values)


@router.post("/admin/webhooks/{webhook_id}/test")
async def test_webhook(request: Request, visit: Poster, webhook_id: int) -> Response:
    settings = visit.web.api.settings
    sender = Sender(settings.webhook_timeout_seconds, allow_private=settings.webhook_allow_private)

    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        return sender.post(url, body, headers).status

    result = await run_in_threadpool(
        administration.test_webhook, visit.store, visit.require_user(), webhook_id, send
    )
    return await run_in_threadpool(_webhook, request, visit, webhook_id, result)


@router.post("/admin/webhooks/{webhook_id}/remove")
async def remove_webhook(request: Request, visit: Poster, webhook_id: int) -> Response:
    await run_in_threadpool(webhooks.remove, visit.store, visit.require_user(), webhook_id)
    return redirect(request, visit, "/admin/webhooks", f"Webhook {webhook_id} removed.")


# ----------------------------------------------------------------------------- specs


@router.get("/admin/specs")
def spec_list(request: Request, visit: Reader) -> Response:
    user = visit.require_user()
    values = {
        "live": administration.live_specs(visit.store, user),
        "deleted": administration.deleted_specs(visit.store, user),
    }
    return _page(request, visit, "admin_specs.html", values)


@router.get("/admin/specs/{slug}/delete")
def confirm_delete(request: Request, visit: Reader, slug: str) -> Response:
    _admin(visit, "delete specs")
    found = specs.current(visit.store, slug).spec
    return _page(request, visit, "admin_delete.html", {"spec": found, "problem": ""})


@router.post("/admin/specs/{slug}/delete")
async def delete_spec(request: Request, visit: Poster, slug: str, confirm: Line = "") -> Response:
    _admin(visit, "delete specs")
    if confirm.strip() != slug:
        found = await run_in_threadpool(lambda: specs.current(visit.store, slug).spec)
        values = {"spec": found, "problem": f"type the spec's name, {slug}, to delete it"}
        return _page(request, visit, "admin_delete.html", values, 400)
    await run_in_threadpool(specs.delete, visit.store, visit.require_user(), slug)
    return redirect(
        request, visit, "/admin/specs", f"Deleted {slug}. Its history stays; restore it below."
    )


@router.post("/admin/specs/{slug}/restore")
async def restore_spec(request: Request, visit: Poster, slug: str) -> Response:
    await run_in_threadpool(administration.restore, visit.store, visit.require_user(), slug)
    return redirect(request, visit, "/specs/" + quote(slug, safe=""), f"Restored {slug}.")
