"""The JSON the API answers with, built from store records.

A spec's parsed model and lint summary depend only on its revision's bytes and its
template, both immutable, so they are computed once per ``(sha256, template)`` and kept
already encoded: reading a spec costs two indexed queries and a string join.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from techspec.document.parser import parse
from techspec.lint.linter import lint
from techspec.lint.template import Template
from techspec.store.approvals import Approval
from techspec.store.audit import Event, Verification
from techspec.store.clock import iso
from techspec.store.revisions import Revision, SpecRecord
from techspec.store.search import Listed
from techspec.store.webhooks import Delivery, Webhook
from techspec.store.workflow import Outcome

API = "/api/v1"


def etag(sha256: str) -> str:
    return f'"{sha256}"'


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class AnalysisCache:
    """``(revision sha256, template sha256)`` -> encoded ``"model"`` and ``"lint"``."""

    def __init__(self, size: int = 512, on_findings: Callable[[Counter[str]], None] | None = None):
        self.size = size
        self.on_findings = on_findings
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str, template_sha: str) -> bytes | None:
        """The encoded fragment, when this revision was analysed before."""
        key = (sha256, template_sha)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def analyse(self, sha256: str, text: str, template: Template) -> bytes:
        """Parse and lint ``text`` (CPU work: call it off the event loop) and keep it."""
        found = self._analyse(text, template)
        with self._lock:
            self._items[(sha256, template.sha256)] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found

    def _analyse(self, text: str, template: Template) -> bytes:
        spec = parse(text)
        findings = lint(spec, template)
        severities = Counter(f.severity for f in findings)
        rules = Counter(f.code for f in findings)
        if self.on_findings is not None:
            self.on_findings(rules)
        summary = {
            "errors": severities["error"],
            "warnings": severities["warning"],
            "infos": severities["info"],
            "by_rule": dict(sorted(rules.items())),
        }
        model = spec.to_dict()
        return b'"lint":' + dumps(summary) + b',"model":' + dumps(model)


def spec_links(spec: SpecRecord) -> dict[str, str]:
    base = f"{API}/specs/{spec.id}"
    return {
        "self": base,
        "markdown": f"{base}.md",
        "revisions": f"{base}/revisions",
        "transitions": f"{base}/transitions",
        "approvals": f"{base}/approvals",
    }


def spec_head(spec: SpecRecord, sha256: str) -> dict[str, Any]:
    return {
        "id": spec.id,
        "slug": spec.slug,
        "title": spec.title,
        "status": spec.status,
        "author": spec.author,
        "revision": spec.current_revision,
        "etag": etag(sha256),
        "sha256": sha256,
        "content_hash": spec.content_hash,
        "template_sha256": spec.template_sha256,
        "created_at": iso(spec.created_at),
        "updated_at": iso(spec.updated_at),
        "open_tasks": spec.open_tasks,
        "high_risks": spec.high_risks,
        "links": spec_links(spec),
    }


def lint_counts(spec: SpecRecord) -> dict[str, int]:
    """The counts the store keeps for the current revision (no parse needed)."""
    return {"errors": spec.errors, "warnings": spec.warnings}


def spec_document(spec: SpecRecord, sha256: str, fragment: bytes) -> bytes:
    """The full representation: the head fields, then ``lint`` and ``model``."""
    return dumps(spec_head(spec, sha256))[:-1] + b"," + fragment + b"}"


_LISTED = tuple(field.name for field in fields(Listed))


def listed(item: Listed) -> dict[str, Any]:
    """``Listed.to_dict()`` (the keys of ``techspec list --format json``) plus links,
    without ``dataclasses.asdict``'s deep copies (a fifth of a page's cost)."""
    data = {name: getattr(item, name) for name in _LISTED}
    data["updated_at"] = iso(item.updated_at)
    data["links"] = {"self": f"{API}/specs/{item.id}"}
    return data


def revision_summary(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "at": iso(revision.created_at),
        "author": revision.author,
        "kind": revision.kind,
        "status": revision.status,
        "title": revision.title,
        "sha256": revision.sha256,
        "content_hash": revision.content_hash,
        "message": revision.message,
        "errors": revision.errors,
        "warnings": revision.warnings,
        "infos": revision.infos,
    }


def revision_document(revision: Revision) -> dict[str, Any]:
    return {**revision_summary(revision), "content": revision.text}


def outcome(found: Outcome) -> dict[str, Any]:
    return {
        "slug": found.slug,
        "status": found.status,
        "revision": found.revision,
        "changed": found.changed,
        "notes": found.notes,
        "pending_roles": found.pending_roles,
        "gates": [{"reason": g.reason, "line": g.line, "rule": g.rule} for g in found.gates],
    }


def approval(found: Approval) -> dict[str, Any]:
    return {
        "role": found.role,
        "reviewer": found.reviewer,
        "decision": found.decision,
        "revision": found.revision,
        "content_hash": found.content_hash,
        "current": found.current,
        "at": iso(found.created_at),
        "comment": found.comment,
    }


def event(found: Event) -> dict[str, Any]:
    return {
        "seq": found.seq,
        "at": iso(found.at),
        "actor": found.actor,
        "action": found.action,
        "spec_id": found.spec_id,
        "revision": found.revision,
        "details": found.details,
        "hash": found.hash,
    }


def verification(found: Verification) -> dict[str, Any]:
    return {
        "ok": found.ok,
        "checked": found.checked,
        "broken_seq": found.broken_seq,
        "reason": found.reason,
        "summary": str(found),
    }


def webhook(found: Webhook, *, with_secret: bool = False) -> dict[str, Any]:
    return {
        "id": found.id,
        "url": found.url,
        "events": list(found.events),
        "active": found.active,
        "created_at": iso(found.created_at),
        "secret": found.secret if with_secret else None,
    }


def delivery(found: Delivery) -> dict[str, Any]:
    return {
        "id": found.id,
        "outbox_id": found.outbox_id,
        "event": found.event,
        "seq": found.seq,
        "attempt": found.attempt,
        "at": iso(found.at),
        "status_code": found.status_code,
        "error": found.error,
        "duration_ms": found.duration_ms,
        "outcome": found.outcome,
    }
